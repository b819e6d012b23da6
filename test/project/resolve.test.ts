// Loader and resolution rules on small projects: includes, merge rules per section, inheritance
// order (distro version → project → groups by name → component), overlay documents, spec globs,
// and the error for each rule broken.

import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, test } from 'node:test';
import { loadProject, resolveComponents, type Overlay, type ResolvedComponent } from '../../src/project/index.ts';
import { workDir } from '../support/fixtures.ts';

const work = workDir('project-resolve');
after(() => rmSync(work, { recursive: true, force: true }));

let serial = 0;
/** Writes files (path → content) into a fresh directory and returns it. */
export function tree(files: Record<string, string>): string {
  const dir = join(work, String(serial++));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
  return dir;
}

const values = (c: ResolvedComponent): string[] => (c.config.overlays ?? []).map((o: Overlay) => o.value ?? o.type);
const byName = (dir: string): Map<string, ResolvedComponent> => new Map(resolveComponents(loadProject(dir)).map((c) => [c.name, c]));

const DISTRO = `
[distros.d]
description = "first"
default-version = "1"
repos = [{ base-uri = "http://a" }, { base-uri = "http://b" }]
[distros.d.versions.1]
release-ver = "1.0"
dist-git-branch = "one"
[distros.d.versions.1.default-component-config]
spec = { type = "upstream", upstream-distro = { name = "d", snapshot = "2026-01-01T00:00:00Z" } }
overlay-files = ["overlays/*.overlay.toml"]
overlays = [{ type = "spec-add-tag", tag = "A", value = "distro" }]
build = { defines = { a = "distro", b = "distro" } }
[distros.d.versions.2]
release-ver = "2.0"
`;

const PROJECT = `
includes = ["distro.toml", "comps/**/*.comp.toml", "more/*.toml"]
[project]
description = "p"
default-distro = { name = "d" }
[default-component-config]
build = { with = ["proj"] }
overlays = [{ type = "spec-add-tag", tag = "A", value = "project" }]
`;

const GROUPS = `
[component-groups.zeta]
components = ["foo"]
default-component-config = { build = { defines = { b = "zeta" } }, overlays = [{ type = "spec-add-tag", tag = "A", value = "zeta" }] }
[component-groups.alpha]
components = ["foo", "bar"]
[component-groups.alpha.default-component-config]
overlays = [{ type = "spec-add-tag", tag = "A", value = "alpha" }]
build.defines = { b = "alpha", c = "alpha" }
build.check = { skip = true, skip_reason = "flaky" }
`;

const FOO = `
[components.foo]
build = { with = ["foo"] }
[[components.foo.overlays]]
type = "spec-add-tag"
tag = "A"
value = "foo"
[components.bar]
overlay-files = []
[components.baz]
spec = { type = "local", path = "baz/baz.spec" }
overlay-files = ["baz/*.overlay.toml", "overlays/0001-*.overlay.toml", "baz/0001-b.overlay.toml"]
`;

const META = '[metadata]\ncategory = "azl-compatibility"\nupstream-status = "inapplicable"\n';

function project(extra: Record<string, string> = {}): string {
  return tree({
    'azldev.toml': PROJECT,
    'distro.toml': DISTRO,
    'comps/groups.comp.toml': GROUPS,
    'comps/foo.comp.toml': FOO,
    'comps/baz/baz.spec': 'Name: baz\n',
    'comps/overlays/0002-second.overlay.toml': `${META}[[overlays]]\ntype = "spec-add-tag"\ntag = "B"\nvalue = "doc2"\n`,
    'comps/overlays/0001-first.overlay.toml': `${META}[[overlays]]\ntype = "patch-add"\nsource = "fix.patch"\n[[overlays]]\ntype = "spec-add-tag"\ntag = "B"\nvalue = "doc1"\n`,
    'comps/overlays/fix.patch': '--- a\n+++ b\n',
    'comps/baz/0001-b.overlay.toml': `${META}[[overlays]]\ntype = "spec-add-tag"\ntag = "C"\nvalue = "baz-b"\n`,
    'comps/baz/0000-a.overlay.toml': `${META}[[overlays]]\ntype = "spec-add-tag"\ntag = "C"\nvalue = "baz-a"\n`,
    ...extra,
  });
}

test('inheritance: distro version → project → groups in name order → component; overlays appended', () => {
  const dir = project();
  const c = byName(dir);
  const foo = c.get('foo')!;
  assert.deepEqual(foo.groups, ['alpha', 'zeta']);
  // Inline overlays in layer order, then the inherited overlay-files documents (relative to foo's file).
  assert.deepEqual(values(foo), ['distro', 'project', 'alpha', 'zeta', 'foo', 'patch-add', 'doc1', 'doc2']);
  assert.deepEqual(foo.config.build?.defines, { a: 'distro', b: 'zeta', c: 'alpha' });
  assert.deepEqual(foo.config.build?.with, ['proj', 'foo']);
  assert.equal(foo.config.build?.check?.skip, true);
  assert.equal(foo.config.spec?.type, 'upstream');
  assert.equal(foo.config.spec?.upstreamDistro?.snapshot, '2026-01-01T00:00:00Z');
  assert.equal(foo.config.release?.calculation, 'auto');
  assert.equal(foo.configFile, join(dir, 'comps/foo.comp.toml'));
  assert.equal(foo.renderedSpecDir, join(dir, 'specs', 'f', 'foo'));
  assert.equal(foo.config.overlayFiles, undefined);
  // Overlay documents: metadata stamped on each overlay, source relative to the document.
  const patch = foo.config.overlays![5];
  assert.equal(patch.source, join(dir, 'comps/overlays/fix.patch'));
  assert.deepEqual(patch.metadata, { category: 'azl-compatibility', upstreamStatus: 'inapplicable' });
  assert.deepEqual(patch.origin, { file: join(dir, 'comps/overlays/0001-first.overlay.toml'), line: 4, index: 0, list: 'overlays' });
  // Origins of inline overlays name their declaring file and line.
  assert.deepEqual(foo.config.overlays![0].origin, { file: join(dir, 'distro.toml'), line: 12, index: 0, list: 'distros.d.versions.1.default-component-config.overlays' });
  assert.deepEqual(foo.config.overlays![4].origin, { file: join(dir, 'comps/foo.comp.toml'), line: 4, index: 0, list: 'components.foo.overlays' });

  // overlay-files = [] disables the inherited documents.
  assert.deepEqual(values(c.get('bar')!), ['distro', 'project', 'alpha']);
  // A component's list replaces the inherited one: globs in order, names sorted within a glob, each file once.
  const baz = c.get('baz')!;
  assert.deepEqual(values(baz), ['distro', 'project', 'baz-a', 'baz-b', 'patch-add', 'doc1']);
  assert.deepEqual(baz.config.spec, { type: 'local', path: join(dir, 'comps/baz/baz.spec'), upstreamDistro: { name: 'd', snapshot: '2026-01-01T00:00:00Z' } });
});

test('merge rules: distros per field (slices replaced, versions per key), project per field, strict unions', () => {
  const dir = project({
    'more/override.toml': `
[distros.d]
description = "second"
repos = [{ base-uri = "http://c" }]
[distros.d.versions.2]
release-ver = "2.1"
[project]
description = ""
log-dir = "logs"
[resources.rpm-repos.r]
base-uri = "http://x"
gpg-key = "keys/k.asc"
`,
  });
  const p = loadProject(dir);
  const d = p.config.distros.d;
  assert.equal(d.description, 'second');
  assert.equal(d.defaultVersion, '1');
  assert.deepEqual(d.repos, [{ baseUri: 'http://c' }]);
  assert.equal(d.versions?.['1'].distGitBranch, 'one');
  assert.deepEqual(d.versions?.['2'], { releaseVer: '2.1' });
  assert.equal(p.config.project.description, 'p', 'an empty value does not clear');
  assert.equal(p.config.project.logDir, join(dir, 'more', 'logs'), 'paths are relative to their file');
  assert.equal(p.config.project.lockDir, join(dir, 'locks'));
  assert.equal(p.config.resources.rpmRepos?.r.gpgKey, join(dir, 'more/keys/k.asc'));
  // Embedded azldev defaults, unless turned off.
  assert.equal(p.config.tools.imageCustomizer?.containerTag, 'mcr.microsoft.com/azurelinux/imagecustomizer:1');
  assert.deepEqual(Object.keys(p.config.resources.rpmRepoSetTemplates ?? {}), ['azl-standard', 'koji-dist-repo']);
  assert.equal(loadProject(dir, { noDefaults: true }).config.tools.imageCustomizer, undefined);
  // The project file is found from any directory below it.
  assert.equal(loadProject(join(dir, 'comps', 'baz')).configFile, join(dir, 'azldev.toml'));
});

test('components from a group\'s specs glob, minus excluded-paths', () => {
  const dir = tree({
    'azldev.toml': `
[component-groups.local]
specs = ["SPECS/**/*.spec"]
excluded-paths = ["SPECS/skip/**"]
default-component-config.build.with = ["g"]
[components.one]
build.with = ["one"]
`,
    'SPECS/one/one.spec': 'Name: one\n',
    'SPECS/two/sub/two.spec': 'Name: two\n',
    'SPECS/skip/three.spec': 'Name: three\n',
  });
  const c = byName(dir);
  assert.deepEqual([...c.keys()], ['one', 'two']);
  assert.deepEqual(c.get('one')!.config.spec, { type: 'local', path: join(dir, 'SPECS/one/one.spec') });
  assert.deepEqual(c.get('one')!.config.build?.with, ['g', 'one']);
  assert.deepEqual(c.get('two')!.groups, ['local']);
  assert.equal(c.get('two')!.configFile, undefined);
});

function loadError(files: Record<string, string>, re: RegExp): void {
  const dir = tree(files);
  assert.throws(() => resolveComponents(loadProject(dir)), (e: Error) => {
    assert.equal(e.name, 'ProjectConfigError');
    assert.match(e.message.replaceAll(`${relative(process.cwd(), dir)}/`, ''), re);
    assert.equal(e.message.split('\n').length, 1);
    return true;
  });
}

test('each rule broken is one error naming file:line', () => {
  loadError({ 'azldev.toml': 'includes = ["a.toml", "b.toml"]\n', 'a.toml': '\n[components.x]\n', 'b.toml': '[images.i]\n\n\n[components.x]\n' }, /^b\.toml:4: duplicate component "x" \(also defined at a\.toml:2\)$/);
  loadError({ 'azldev.toml': 'includes = ["a.toml"]\n[component-groups.g]\n', 'a.toml': '[component-groups.g]\n' }, /^a\.toml:1: duplicate component group "g" \(also defined at azldev\.toml:2\)$/);
  loadError({ 'azldev.toml': 'includes = ["a.toml"]\n', 'a.toml': 'includes = ["azldev.toml"]\n' }, /^a\.toml:1: circular include/);
  loadError({ 'azldev.toml': '[components.x]\nspec = { type = "local", path = "x.spec", bogus = 1 }\n' }, /^azldev\.toml:2: unknown field "bogus" in \[components\.x\.spec\]$/);
  loadError({ 'azldev.toml': '[components.x]\n[[components.x.overlays]]\ntype = "spec-add-tag"\n[[components.x.overlays]]\ntype = "spec-add-tag"\nlines = "a"\n' }, /^azldev\.toml:6: components\.x\.overlays\[1\]\.lines: expected an array of strings, got a string$/);
  loadError({ 'azldev.toml': '[components.x]\n[[components.x.overlays]]\ntag = "A"\n' }, /^azldev\.toml:2: components\.x\.overlays\[0\]: overlay has no "type"$/);
  loadError({ 'azldev.toml': 'x = 1\n[components]\n' }, /^azldev\.toml:1: unknown field "x"$/);
  loadError({ 'azldev.toml': '[components.x]\nspec = { upstream-distro = { name = "f", snapshot = "2026-01-01" } }\n' }, /^azldev\.toml:2: a per-component snapshot is not allowed/);
  loadError({ 'azldev.toml': '[components.x.build.check]\nskip = true\n' }, /^azldev\.toml:2: check\.skip = true requires check\.skip_reason$/);
  loadError({ 'azldev.toml': '[component-groups.g]\ncomponents = [\n  "a",\n  "nope",\n]\n[components.a]\n' }, /^azldev\.toml:4: component group "g" lists "nope", which is not defined in \[components\]$/);
  loadError({ 'azldev.toml': 'a = [1,\n' }, /^azldev\.toml:\d+:\d+: invalid TOML: /);
  loadError({ 'azldev.toml': '[components.x]\noverlay-files = ["missing.overlay.toml"]\n' }, /^azldev\.toml:2: overlay-files "missing\.overlay\.toml" matched no file/);
  loadError(
    { 'azldev.toml': '[components.x]\noverlay-files = ["o/*.toml"]\n', 'o/1.toml': `${META}[[overlays]]\ntype = "spec-add-tag"\n[overlays.metadata]\ncategory = "azl-pruning"\n` },
    /^o\/1\.toml:6: per-overlay metadata is not allowed/,
  );
  loadError({ 'azldev.toml': '[components.x]\noverlay-files = ["o/*.toml"]\n', 'o/1.toml': '[[overlays]]\ntype = "spec-add-tag"\n' }, /^o\/1\.toml: overlay file: missing \[metadata\]$/);
  loadError({ 'azldev.toml': '[components.x]\noverlay-files = ["o/*.toml"]\n', 'o/1.toml': META }, /^o\/1\.toml: overlay file declares no \[\[overlays\]\]$/);
  loadError(
    { 'azldev.toml': '[components.x]\noverlay-files = ["o/*.toml"]\n', 'o/1.toml': '[metadata]\ncategory = "upstream-backport"\nupstream-status = "upstreamed"\n[[overlays]]\ntype = "x"\n' },
    /^o\/1\.toml:1: overlay file: overlay category "upstream-backport" requires at least one entry in "commits"$/,
  );
  loadError({ 'azldev.toml': '[project]\ndefault-distro = { name = "nope" }\n[components.x]\n' }, /distro "nope" is not defined/);
  // Per-type overlay rules (src/overlay) are checked at load time, at the declaration.
  loadError(
    { 'azldev.toml': '[components.x]\n\n[[components.x.overlays]]\ndescription = "Add a dep"\ntype = "spec-add-tag"\ntag = "BuildRequires"\n' },
    /^azldev\.toml:3: overlay #1 \(Add a dep\): overlay type "spec-add-tag" requires "value" field$/,
  );
  loadError(
    { 'azldev.toml': '[components.x]\n[[components.x.overlays]]\ntype = "spec-search-replace"\nregex = "a(b"\n' },
    /^azldev\.toml:2: overlay #1: .*regex/,
  );
});

test('--permissive-config drops unknown fields with a warning (type errors still fail)', () => {
  const dir = tree({ 'azldev.toml': '[components.x]\nfuture-field = 1\n[components.x.build]\nwith = ["a"]\nnew = true\n' });
  const p = loadProject(dir, { permissive: true });
  assert.deepEqual(p.warnings.map((w) => w.replace(/^.*azldev\.toml/, 'azldev.toml')), [
    'azldev.toml:2: unknown field "future-field" in [components.x] (ignored: --permissive-config)',
    'azldev.toml:5: unknown field "new" in [components.x.build] (ignored: --permissive-config)',
  ]);
  assert.deepEqual(resolveComponents(p)[0].config.build, { with: ['a'] });
  // Whole-project checks only warn, as in azldev.
  const loose = loadProject(tree({ 'azldev.toml': '[component-groups.g]\ncomponents = ["nope"]\n' }), { permissive: true });
  assert.match(loose.warnings[0], /azldev\.toml:2: component group "g" lists "nope", which is not defined in \[components\] \(ignored: --permissive-config\)$/);
  assert.deepEqual(resolveComponents(loose), []);
  const bad = tree({ 'azldev.toml': '[components.x]\nbuild = "a"\n' });
  assert.throws(() => loadProject(bad, { permissive: true }), /azldev\.toml:2: components\.x\.build: expected a table, got a string/);
});
