import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';

import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { emptyDeps, emptyRepoPackage, isPrimaryFile, type RepoDep, type RepoDepFlags, type RepoDepKind } from '../../src/repo/model.ts';
import {
  DEFAULT_QUERY_FORMAT,
  PackageIndex,
  QUERY_TAGS,
  QueryError,
  compileQueryFormat,
  formatQuery,
  formatQueryResults,
  globRegExp,
  latestPackages,
  parseCapability,
  parseSpec,
  queryPackages,
  whatProvides,
  whatRequires,
  type QueryOptions,
  type QueryPackage,
} from '../../src/repo/query/index.ts';
import { RPMSENSE_EQUAL, RPMSENSE_GREATER, RPMSENSE_LESS } from '../../src/rpm/depmatch.ts';
import { splitEvr } from '../../src/rpm/evr.ts';
import { mergeFilelists, parsePrimary } from '../../src/repo/xml-read/index.ts';
import { FIXTURES, workDir } from '../support/fixtures.ts';
import { needTools } from '../support/tools.ts';

// ---------------------------------------------------------------------------------------------
// Fixture builder: pkg('name-[e:]v-r.arch', { requires: ['foo >= 1.0', '(a or b)'], files: [...] })

const FLAGS: Record<string, RepoDepFlags> = { '=': 'EQ', '<': 'LT', '>': 'GT', '<=': 'LE', '>=': 'GE' };

function dep(text: string): RepoDep {
  if (text.startsWith('(')) return { name: text };
  const [name, op, evr] = text.split(' ');
  if (op === undefined) return { name };
  const e = splitEvr(evr);
  const d: RepoDep = { name, flags: FLAGS[op], epoch: e.epoch ?? '0', ver: e.version };
  if (e.release !== undefined) d.rel = e.release;
  return d;
}

type Spec = Partial<Record<RepoDepKind, string[]>> & {
  files?: string[];
  pre?: string[];
  repoid?: string;
  pkgid?: string;
  primaryOnly?: boolean;
  fields?: Partial<QueryPackage>;
};

let serial = 0;
function pkg(nevra: string, s: Spec = {}): QueryPackage {
  const m = /^(.+)-(?:(\d+):)?([^-]+)-([^-]+)\.([^.]+)$/.exec(nevra);
  assert.ok(m, nevra);
  const [, name, epoch = '0', version, release, arch] = m;
  const deps = emptyDeps();
  const e = epoch === '0' ? '' : `${epoch}:`;
  deps.provides.push(dep(`${name} = ${e}${version}-${release}`));
  for (const k of Object.keys(deps) as RepoDepKind[]) deps[k].push(...(s[k] ?? []).map(dep));
  for (const r of s.pre ?? []) deps.requires.push({ ...dep(r), pre: true });
  const files = (s.files ?? []).filter((f) => !s.primaryOnly || isPrimaryFile(f)).map((path) => ({ path }));
  const p: QueryPackage = {
    ...emptyRepoPackage(),
    pkgid: s.pkgid ?? `id${++serial}`,
    checksumType: 'sha256',
    name,
    arch,
    epoch,
    version,
    release,
    summary: `${name} summary`,
    description: `${name} description`,
    packageSize: 1000,
    installedSize: 2000,
    archiveSize: 1500,
    location: `${name}-${version}-${release}.${arch}.rpm`,
    license: 'MIT',
    group: 'Unspecified',
    buildHost: 'localhost',
    sourceRpm: arch === 'src' ? '' : `${name}-${version}-${release}.src.rpm`,
    deps,
    files,
    filesComplete: !s.primaryOnly,
    ...s.fields,
  };
  if (s.repoid) p.repoid = s.repoid;
  return p;
}

const REPO: QueryPackage[] = [
  pkg('hello-1.0-1.x86_64', { files: ['/usr/bin/hello', '/usr/share/doc/hello/README'], requires: ['/bin/sh'] }),
  pkg('hello-2.0-1.x86_64', { files: ['/usr/bin/hello'], provides: ['hi'] }),
  pkg('hello-2.0-1.i686', { files: ['/usr/bin/hello'] }),
  pkg('hello-devel-2.0-1.x86_64', { requires: ['hello = 2.0-1'] }),
  pkg('foo-bar-1.0-1.noarch'),
  pkg('foo-1-1.noarch'),
  pkg('foo-bar-1-1.noarch'),
  pkg('ep-1:2.0-1.noarch', { provides: ['epcap = 1:3.0', 'plaincap'], files: ['/usr/bin/eptool', '/etc/ep.conf', '/usr/share/ep/data'] }),
  pkg('ep-0.9-1.noarch', { provides: ['epcap = 0.5'] }),
  pkg('tilde-1.0~rc1-1.noarch', { provides: ['tcap = 1.0~rc1'] }),
  pkg('tilde-1.0-1.noarch', { provides: ['tcap = 1.0'] }),
  pkg('caret-1.0^git1-1.noarch', { provides: ['ccap = 1.0^git1'] }),
  pkg('bash-5.2-1.x86_64', { files: ['/usr/bin/bash', '/bin/sh'] }),
  pkg('rich-1-1.noarch', {
    requires: ['(epcap >= 1:2 or plaincap)', '(tcap if caret else zcap)', '(ivl >= 1 with ivl < 2)', '/usr/bin/eptool', '(r1 unless r2)', '(w1 without w2)', '(x1 with x2)'],
    recommends: ['(caret unless ep)'],
    suggests: ['tilde >= 1.0'],
    supplements: ['(ep and tilde)'],
    enhances: ['caret'],
    conflicts: ['ep < 1:1'],
    obsoletes: ['oldrich < 2'],
  }),
  pkg('cond-1-1.noarch', { requires: ['(ep if tilde)', '(ivl >= 3 without ivlx)'], pre: ['hello'] }),
  pkg('ivl-1.5-1.noarch'),
  pkg('empty-0-0.src', { files: ['empty.spec'], provides: ['srcprov'] }),
];
const IX = new PackageIndex(REPO);

function q(opts: QueryOptions, ix = IX): string[] {
  return formatQueryResults(queryPackages(ix, opts));
}

// ---------------------------------------------------------------------------------------------

test('globs follow fnmatch without flags', () => {
  const cases: Array<[string, string, boolean]> = [
    ['/usr/*', '/usr/bin/x', true],
    ['h?llo', 'hello', true],
    ['h[a-f]llo', 'hello', true],
    ['h[!e]llo', 'hello', false],
    ['h[^e]llo', 'hallo', true],
    ['[]]x', ']x', true],
    ['v[[:digit:]]', 'v7', true],
    ['a\\*', 'a*', true],
    ['a\\*', 'ab', false],
    ['x[y', 'x[y', true],
    ['a.b', 'axb', false],
    ['lib(*)', 'lib(x86-64)', true],
  ];
  for (const [g, s, want] of cases) assert.equal(globRegExp(g).test(s), want, `${g} ~ ${s}`);
  assert.ok(globRegExp('HEL*', true).test('hello'));
  assert.throws(() => globRegExp('[[:nope:]]'), QueryError);
  assert.throws(() => globRegExp('[z-a]'), /bad glob/);
});

test('package specs split as libdnf does', () => {
  assert.deepEqual(parseSpec('foo-bar-1:2.0-3.fc40.x86_64', 'nevra'), {
    name: 'foo-bar',
    epoch: 1,
    version: '2.0',
    release: '3.fc40',
    arch: 'x86_64',
  });
  assert.deepEqual(parseSpec('foo.x86_64', 'na'), { name: 'foo', version: '', release: '', arch: 'x86_64' });
  assert.deepEqual(parseSpec('foo-1.0-1', 'nevr'), { name: 'foo', version: '1.0', release: '1', arch: '' });
  assert.deepEqual(parseSpec('foo-2:1.0', 'nev'), { name: 'foo', epoch: 2, version: '1.0', release: '', arch: '' });
  assert.equal(parseSpec('foo-1.0', 'nevr'), undefined);
  assert.equal(parseSpec('foo-a:1.0', 'nev'), undefined);
  assert.equal(parseSpec('foo >= 1', 'name'), undefined);
  assert.equal(parseSpec('/usr/bin/x', 'name'), undefined);
  assert.equal(parseSpec('foo-1.0-1.x86-64', 'nevra'), undefined, 'arch cannot hold "-"');
});

test('package specs: forms in dnf order, name case-insensitive', () => {
  assert.deepEqual(q({ patterns: ['hello'] }), ['hello-0:1.0-1.x86_64', 'hello-0:2.0-1.i686', 'hello-0:2.0-1.x86_64']);
  assert.deepEqual(q({ patterns: ['HELLO.i686'] }), ['hello-0:2.0-1.i686']);
  assert.deepEqual(q({ patterns: ['hello-2.0'] }), ['hello-0:2.0-1.i686', 'hello-0:2.0-1.x86_64']);
  assert.deepEqual(q({ patterns: ['hello-1.0-1'] }), ['hello-0:1.0-1.x86_64']);
  assert.deepEqual(q({ patterns: ['hello-0:2.0-1.x86_64'] }), ['hello-0:2.0-1.x86_64']);
  // No epoch in the spec: any epoch; a wrong one: nothing.
  assert.deepEqual(q({ patterns: ['ep-2.0-1.noarch'] }), ['ep-1:2.0-1.noarch']);
  assert.deepEqual(q({ patterns: ['ep-1:2.0'] }), ['ep-1:2.0-1.noarch']);
  assert.deepEqual(q({ patterns: ['ep-0:2.0-1.noarch'] }), []);
  // The name form wins over name-version: "foo-bar" is a package, not foo version bar.
  assert.deepEqual(q({ patterns: ['foo-bar'] }), ['foo-bar-0:1-1.noarch', 'foo-bar-0:1.0-1.noarch']);
  assert.deepEqual(q({ patterns: ['foo-1'] }), ['foo-0:1-1.noarch']);
  assert.deepEqual(q({ patterns: ['foo-bar-1'] }), ['foo-bar-0:1-1.noarch']);
  // Globs in any field; the NEVRA-string glob as a last resort; file globs.
  assert.deepEqual(q({ patterns: ['hel*.i?86'] }), ['hello-0:2.0-1.i686']);
  assert.deepEqual(q({ patterns: ['hello-*-1.x86_64'] }), ['hello-0:1.0-1.x86_64', 'hello-0:2.0-1.x86_64']);
  assert.deepEqual(q({ patterns: ['*o-2.0-1*'] }), ['hello-0:2.0-1.i686', 'hello-0:2.0-1.x86_64']);
  assert.deepEqual(q({ patterns: ['*1:2.0*'] }), ['ep-1:2.0-1.noarch']);
  assert.deepEqual(q({ patterns: ['tilde-1.0~*'] }), ['tilde-0:1.0~rc1-1.noarch']);
  assert.deepEqual(q({ patterns: ['/usr/bin/e*'] }), ['ep-1:2.0-1.noarch']);
  assert.deepEqual(q({ patterns: ['*/sh'] }), ['bash-0:5.2-1.x86_64']);
  assert.deepEqual(q({ patterns: ['/usr/share/ep/'] }), [], 'a directory not listed as a file');
  assert.deepEqual(q({ patterns: ['empty.src', 'nosuch'] }), ['empty-0:0-0.src']);
  assert.deepEqual(q({ patterns: ['/empty.spec'] }), ['empty-0:0-0.src'], 'source files are filed under /');
  assert.equal(q({}).length, REPO.length);
});

test('arch, repo and file filters', () => {
  assert.deepEqual(q({ patterns: ['hello*'], arch: ['i686', 'noarch'] }), ['hello-0:2.0-1.i686']);
  assert.deepEqual(q({ file: ['/usr/bin/*'], arch: ['x86_64'] }), ['bash-0:5.2-1.x86_64', 'hello-0:1.0-1.x86_64', 'hello-0:2.0-1.x86_64']);
  const ix = new PackageIndex([pkg('a-1-1.noarch', { repoid: 'one' }), pkg('a-2-1.noarch', { repoid: 'two' })]);
  assert.deepEqual(q({ repoid: ['two'] }, ix), ['a-0:2-1.noarch']);
});

test('capabilities parse like libdnf DependencySplitter', () => {
  assert.deepEqual(parseCapability('foo'), { name: 'foo', sense: 0 });
  assert.deepEqual(parseCapability('foo >= 1:2.0-1'), { name: 'foo', sense: RPMSENSE_GREATER | RPMSENSE_EQUAL, evr: '1:2.0-1' });
  assert.deepEqual(parseCapability('foo <2'), { name: 'foo', sense: RPMSENSE_LESS, evr: '2' });
  assert.deepEqual(parseCapability('foo == 2'), { name: 'foo', sense: RPMSENSE_EQUAL, evr: '2' });
  assert.deepEqual(parseCapability('foo>=2'), { name: 'foo>=2', sense: 0 }, 'no space: one name');
  assert.deepEqual(parseCapability('/a b.jpg'), { name: '/a b.jpg', sense: 0 }, 'a file name with a space');
  for (const bad of ['foo >=', 'foo != 1', 'a b c', '', ' foo', '(a or b)']) {
    assert.throws(() => parseCapability(bad), (e: Error) => e instanceof QueryError && !e.message.includes('\n'), bad);
  }
  assert.throws(() => whatProvides(IX, ['x >']), /bad dependency "x >"/);
});

test('whatprovides: range overlap with epochs, tilde and caret', () => {
  const wp = (cap: string): string[] => formatQueryResults(whatProvides(IX, [cap]));
  assert.deepEqual(wp('epcap'), ['ep-0:0.9-1.noarch', 'ep-1:2.0-1.noarch']);
  assert.deepEqual(wp('epcap >= 1:2'), ['ep-1:2.0-1.noarch']);
  // A query without an epoch is older than any positive epoch.
  assert.deepEqual(wp('epcap = 3.0'), []);
  assert.deepEqual(wp('epcap > 2'), ['ep-1:2.0-1.noarch']);
  assert.deepEqual(wp('epcap < 1'), ['ep-0:0.9-1.noarch']);
  assert.deepEqual(wp('ep = 2.0'), []);
  assert.deepEqual(wp('ep = 1:2.0'), ['ep-1:2.0-1.noarch']);
  assert.deepEqual(wp('tcap < 1.0'), ['tilde-0:1.0~rc1-1.noarch']);
  assert.deepEqual(wp('tcap >= 1.0'), ['tilde-0:1.0-1.noarch']);
  assert.deepEqual(wp('ccap > 1.0'), ['caret-0:1.0^git1-1.noarch']);
  assert.deepEqual(wp('ccap < 1.0.1'), ['caret-0:1.0^git1-1.noarch']);
  // An unversioned provide satisfies any version.
  assert.deepEqual(wp('plaincap > 99'), ['ep-1:2.0-1.noarch']);
  // Missing release on one side: `= 2.0` matches 2.0-1.
  assert.deepEqual(wp('hello = 2.0'), ['hello-0:2.0-1.i686', 'hello-0:2.0-1.x86_64']);
  // plaincap is among the *cap names, and unversioned; 1.0~rc1 is older than 1.0 but newer than 1.
  assert.deepEqual(wp('*cap < 1'), ['ep-0:0.9-1.noarch', 'ep-1:2.0-1.noarch']);
  assert.deepEqual(wp('nosuch'), []);
  assert.deepEqual(formatQueryResults(whatProvides(IX, ['hi', 'ccap'])), ['caret-0:1.0^git1-1.noarch', 'hello-0:2.0-1.x86_64']);
});

test('whatprovides: file paths, globs only when no provide matches, primary-only records', () => {
  const wp = (cap: string, ix = IX): string[] => formatQueryResults(whatProvides(ix, [cap]));
  assert.deepEqual(wp('/bin/sh'), ['bash-0:5.2-1.x86_64']);
  assert.deepEqual(wp('/usr/share/ep/data'), ['ep-1:2.0-1.noarch']);
  // Paths that packages depend on are provided by their owners (libsolv's file provides), so this
  // glob finds /usr/bin/eptool (rich requires it) in the provides pass and never looks at files.
  assert.deepEqual(wp('/usr/bin/*'), ['ep-1:2.0-1.noarch']);
  assert.deepEqual(wp('/usr/share/*'), ['ep-1:2.0-1.noarch', 'hello-0:1.0-1.x86_64']);
  // A provide named like a path wins over file owners of the glob.
  const ix = new PackageIndex([...REPO, pkg('shim-1-1.noarch', { provides: ['/usr/bin/fake'] })]);
  assert.deepEqual(wp('/usr/bin/f*', ix), ['shim-0:1-1.noarch']);
  // From primary.xml alone only /etc, */bin/* and /usr/lib/sendmail files are known.
  const files = ['/usr/bin/tool', '/etc/tool.conf', '/usr/share/tool/data'];
  const po = new PackageIndex([pkg('tool-1-1.noarch', { files, primaryOnly: true })]);
  assert.deepEqual(wp('/usr/bin/tool', po), ['tool-0:1-1.noarch']);
  assert.deepEqual(wp('/etc/tool.conf', po), ['tool-0:1-1.noarch']);
  assert.deepEqual(wp('/usr/share/tool/data', po), []);
});

test('whatrequires: versions, rich deps, package specs resolved to their provides', () => {
  const wr = (cap: string, exactdeps = false): string[] => formatQueryResults(whatRequires(IX, [cap], { exactdeps }));
  // cond requires plain `hello`, which any version overlaps.
  assert.deepEqual(wr('hello = 2.0-1'), ['cond-0:1-1.noarch', 'hello-devel-0:2.0-1.x86_64']);
  assert.deepEqual(wr('hello = 1.0', true), ['cond-0:1-1.noarch']);
  // Rich deps: or-branches and then/else count; conditions and the right of `without` do not.
  assert.deepEqual(wr('plaincap'), ['rich-0:1-1.noarch']);
  assert.deepEqual(wr('epcap = 0.5'), []);
  assert.deepEqual(wr('epcap = 1:2.5'), ['rich-0:1-1.noarch']);
  assert.deepEqual(wr('tcap'), ['rich-0:1-1.noarch']);
  assert.deepEqual(wr('zcap'), ['rich-0:1-1.noarch']);
  assert.deepEqual(wr('r1'), ['rich-0:1-1.noarch']);
  assert.deepEqual(wr('r2'), []);
  assert.deepEqual(wr('w1'), ['rich-0:1-1.noarch']);
  assert.deepEqual(wr('w2'), []);
  assert.deepEqual(wr('x2'), ['rich-0:1-1.noarch']);
  // `(ivl >= 1 with ivl < 2)` is an interval: both ends must overlap.
  assert.deepEqual(wr('ivl = 1.5', true), ['rich-0:1-1.noarch']);
  assert.deepEqual(wr('ivl = 2.5', true), []);
  assert.deepEqual(wr('ivl = 3.5', true), ['cond-0:1-1.noarch']);
  // `(ep if tilde)`: ep is required, tilde only tested.
  assert.deepEqual(wr('tilde', true), []);
  // Resolved as a package: everything its provides and files satisfy.
  assert.deepEqual(wr('ivl'), ['cond-0:1-1.noarch', 'rich-0:1-1.noarch']);
  assert.deepEqual(wr('ep'), ['cond-0:1-1.noarch', 'rich-0:1-1.noarch']);
  assert.deepEqual(wr('ep-0.9'), ['cond-0:1-1.noarch'], 'its ep = 0.9-1 meets (ep if tilde), not epcap >= 1:2');
  assert.deepEqual(wr('tilde'), ['rich-0:1-1.noarch']);
  assert.deepEqual(wr('bash'), ['hello-0:1.0-1.x86_64']);
  assert.deepEqual(wr('bash', true), []);
  assert.deepEqual(wr('hello*'), ['cond-0:1-1.noarch', 'hello-devel-0:2.0-1.x86_64']);
  assert.deepEqual(wr('HELLO'), [], 'package specs here are case-sensitive');
  assert.deepEqual(wr('/usr/bin/eptool'), ['rich-0:1-1.noarch']);
});

test('installability: what dnf resolves through whatprovides skips source packages, self and foreign arches', () => {
  const ix = new PackageIndex([
    pkg('lib-1-1.x86_64', { provides: ['libcap'] }),
    pkg('lib-1-1.ppc64', { provides: ['libcap'] }),
    pkg('self-1-1.noarch', { provides: ['sp'], requires: ['sp', 'libcap'] }),
    pkg('self-1-1.src', { provides: ['sp'], requires: ['libcap'] }),
    pkg('user-1-1.ppc64', { requires: ['libcap'] }),
  ]);
  const x86 = ['x86_64', 'noarch'];
  const rq = (opts: QueryOptions): string[] => q(opts, ix);
  assert.deepEqual(rq({ whatprovides: ['sp'] }), ['self-0:1-1.noarch']);
  assert.deepEqual(rq({ whatprovides: ['libcap'], installableArches: x86 }), ['lib-0:1-1.x86_64']);
  assert.deepEqual(rq({ whatprovides: ['libcap'] }), ['lib-0:1-1.ppc64', 'lib-0:1-1.x86_64']);
  // As a capability every requirer counts; resolved through a package, only installable ones, not itself.
  assert.deepEqual(rq({ whatrequires: ['libcap'], installableArches: x86 }), ['self-0:1-1.noarch', 'self-0:1-1.src', 'user-0:1-1.ppc64']);
  assert.deepEqual(rq({ whatrequires: ['lib'], installableArches: x86 }), ['self-0:1-1.noarch']);
  assert.deepEqual(rq({ whatrequires: ['lib'] }), ['self-0:1-1.noarch', 'user-0:1-1.ppc64']);
  assert.deepEqual(rq({ whatrequires: ['self'] }), [], 'its own provide does not count');
  assert.deepEqual(rq({ whatrequires: ['sp'] }), ['self-0:1-1.noarch']);
});

test('whatconflicts, whatobsoletes and the weak-dependency filters', () => {
  assert.deepEqual(q({ whatconflicts: ['ep = 0.9'] }), ['rich-0:1-1.noarch']);
  assert.deepEqual(q({ whatconflicts: ['ep-0.9-1'] }), ['rich-0:1-1.noarch'], 'resolved as a package');
  assert.deepEqual(q({ whatconflicts: ['ep = 1:2.0'] }), []);
  assert.deepEqual(q({ whatobsoletes: ['oldrich = 1'] }), ['rich-0:1-1.noarch']);
  assert.deepEqual(q({ whatobsoletes: ['old*'] }), [], 'whatobsoletes does not glob');
  assert.deepEqual(q({ whatrecommends: ['caret'] }), ['rich-0:1-1.noarch']);
  assert.deepEqual(q({ whatrecommends: ['ep'] }), [], 'the unless condition');
  assert.deepEqual(q({ whatsuggests: ['tilde-1.0~rc1'] }), []);
  assert.deepEqual(q({ whatsuggests: ['tilde-1.0-1'] }), ['rich-0:1-1.noarch']);
  assert.deepEqual(q({ whatsupplements: ['ep'] }), ['rich-0:1-1.noarch']);
  assert.deepEqual(q({ whatenhances: ['cc*'] }), []);
  assert.deepEqual(q({ whatenhances: ['car*'] }), ['rich-0:1-1.noarch']);
  assert.deepEqual(q({ whatdepends: ['tilde'] }), ['rich-0:1-1.noarch']);
  assert.deepEqual(q({ whatdepends: ['caret'], exactdeps: true }), ['rich-0:1-1.noarch']);
  // Filters narrow one another, in dnf's order.
  assert.deepEqual(q({ patterns: ['cond'], whatrequires: ['ep'] }), ['cond-0:1-1.noarch']);
  assert.deepEqual(q({ whatprovides: ['tcap'], whatrequires: ['ep'] }), []);
});

test('latest limit: newest EVRs per name.arch, negative drops the newest', () => {
  const pkgs = [
    pkg('a-1.0-1.x86_64'),
    pkg('a-2.0-1.x86_64'),
    pkg('a-2.0-1.x86_64', { pkgid: 'dup' }),
    pkg('a-1:0.1-1.x86_64'),
    pkg('a-3.0~rc1-1.x86_64'),
    pkg('a-2.0-1.i686'),
    pkg('b-1.0^post-1.noarch'),
    pkg('b-1.0-1.noarch'),
  ];
  const names = (limit: number): string[] => latestPackages(pkgs, limit).map((p) => `${p.pkgid === 'dup' ? '*' : ''}${p.name}-${p.epoch}:${p.version}.${p.arch}`);
  assert.deepEqual(names(1), ['a-1:0.1.x86_64', 'a-0:2.0.i686', 'b-0:1.0^post.noarch']);
  assert.deepEqual(names(2), ['a-1:0.1.x86_64', 'a-0:3.0~rc1.x86_64', 'a-0:2.0.i686', 'b-0:1.0^post.noarch', 'b-0:1.0.noarch']);
  // One EVR twice (another pkgid) counts once.
  assert.deepEqual(names(3), ['a-0:2.0.x86_64', '*a-0:2.0.x86_64', 'a-1:0.1.x86_64', 'a-0:3.0~rc1.x86_64', 'a-0:2.0.i686', 'b-0:1.0^post.noarch', 'b-0:1.0.noarch']);
  assert.deepEqual(names(-1), ['a-0:1.0.x86_64', 'a-0:2.0.x86_64', '*a-0:2.0.x86_64', 'a-0:3.0~rc1.x86_64', 'b-0:1.0.noarch']);
  assert.deepEqual(names(-3), ['a-0:1.0.x86_64']);
  assert.equal(names(0).length, pkgs.length);
  assert.deepEqual(q({ patterns: ['hello'], latestLimit: 1 }), ['hello-0:2.0-1.i686', 'hello-0:2.0-1.x86_64']);
  assert.deepEqual(q({ patterns: ['hello'], latestLimit: -1 }), ['hello-0:1.0-1.x86_64']);
});

test('--qf: tags, widths, escapes, dnf spellings of missing values', () => {
  const p = pkg('ep-1:2.0-1.noarch', {
    provides: ['epcap = 1:3.0', 'zeta', 'alpha >= 2'],
    requires: ['b', 'a', 'b', '(x or y)'],
    pre: ['/bin/sh'],
    files: ['/usr/bin/z', '/etc/a'],
    repoid: 'fedora',
    fields: { buildTime: 1199145600, url: 'https://e.org', pkgid: 'abc', packager: 'P <p@e.org>' },
  });
  assert.equal(formatQuery(DEFAULT_QUERY_FORMAT, p), 'ep-1:2.0-1.noarch');
  assert.equal(formatQuery('%{evr} %{nevra} %{nvr}', p), '1:2.0-1 ep-1:2.0-1.noarch ep-2.0-1');
  assert.equal(formatQuery('%{evr} %{nevra} %{epoch}', REPO[0]), '1.0-1 hello-1.0-1.x86_64 0');
  assert.equal(formatQuery('[%-6{name}][%6{arch}][%2{name}]', p), '[ep    ][noarch][ep]');
  assert.equal(formatQuery('%{NAME}\\t%{Arch}\\n', p), 'ep\tnoarch\n');
  assert.equal(formatQuery('%{provides}', p), 'alpha >= 2\nep = 1:2.0-1\nepcap = 1:3.0\nzeta');
  assert.equal(formatQuery('%{requires}', p), '(x or y)\n/bin/sh\na\nb');
  assert.equal(formatQuery('%{requires_pre}|%{requires-pre}', p), '/bin/sh|/bin/sh');
  assert.equal(formatQuery('%{files}', p), '/etc/a\n/usr/bin/z');
  assert.equal(formatQuery('%{obsoletes}|', p), '|');
  assert.equal(formatQuery('%{buildtime}|%{size}|%{packagesize}|%{installsize}|%{archivesize}', p), '2008-01-01 00:00|1000|1000|2000|1500');
  assert.equal(formatQuery('%{url} %{vendor}| %{packager} %{repoid} %{pkgid} %{checksum} %{checksumtype}', p), 'https://e.org | P <p@e.org> fedora abc abc sha256');
  assert.equal(formatQuery('%{url} %{packager} %{repoid} %{sourcerpm} %{source_name} %{buildtime}|', REPO.find((x) => x.arch === 'src')!), '(none) (none) (none) (none) (none) |');
  assert.equal(formatQuery('%{sourcerpm} %{source_name} %{location} %{license} %{summary}', p), 'ep-2.0-1.src.rpm ep ep-2.0-1.noarch.rpm MIT ep summary');
  assert.equal(formatQuery('100% %{name} %{name %name{x}', p), '100% ep %{name %name{x}');
  assert.throws(() => compileQueryFormat('%{name} %{nosuch}'), (e: Error) => e instanceof QueryError && /%\{nosuch\}/.test(e.message));
  assert.throws(() => compileQueryFormat('%{buildtime:date}'), /buildtime:date/);
  assert.ok(QUERY_TAGS.includes('nevra') && QUERY_TAGS.includes('enhances'));
  for (const tag of QUERY_TAGS) assert.equal(typeof formatQuery(`%{${tag}}`, p), 'string');
});

test('results are printed as dnf does: unique lines, sorted', () => {
  const twice = [REPO[1], { ...REPO[1], pkgid: 'other', location: 'elsewhere.rpm' }, REPO[0]];
  assert.deepEqual(formatQueryResults(twice), ['hello-0:1.0-1.x86_64', 'hello-0:2.0-1.x86_64']);
  assert.deepEqual(formatQueryResults(twice, '%{location}'), ['elsewhere.rpm', 'hello-1.0-1.x86_64.rpm', 'hello-2.0-1.x86_64.rpm']);
  assert.deepEqual(formatQueryResults([pkg('b-1-1.noarch'), pkg('B-1-1.noarch'), pkg('a-1-1.noarch')], '%{name}'), ['B', 'a', 'b']);
  // Code point order (as Python), not UTF-16 code units: U+FF5E before U+1F600.
  assert.deepEqual(formatQueryResults([pkg('x\u{1F600}-1-1.noarch'), pkg('x\uFF5E-1-1.noarch')], '%{name}'), ['x\uFF5E', 'x\u{1F600}']);
});

test('an index over 20,000 packages answers queries quickly', () => {
  const pkgs: QueryPackage[] = [];
  for (let i = 0; i < 20000; i++) {
    pkgs.push(
      pkg(`p${i}-${i % 5}.0-1.x86_64`, {
        provides: [`libp${i}.so.1()(64bit)`],
        requires: [`libp${(i * 7 + 1) % 20000}.so.1()(64bit)`, '/bin/sh', `(p${(i + 3) % 20000} or q${i})`],
        files: Array.from({ length: 20 }, (_, k) => `/usr/share/p${i}/f${k}`),
      }),
    );
  }
  const ix = new PackageIndex(pkgs);
  const t0 = performance.now();
  assert.equal(whatRequires(ix, ['p5']).length, 2, 'p2 names it in a rich dep, another needs its library');
  assert.equal(whatProvides(ix, ['libp8.so.1()(64bit)']).length, 1);
  assert.equal(whatProvides(ix, ['/usr/share/p9/f3']).length, 1);
  assert.equal(queryPackages(ix, { patterns: ['p1*'], latestLimit: 1 }).length, 11111);
  for (let i = 0; i < 200; i++) assert.equal(whatRequires(ix, [`libp${i * 7 + 1}.so.1()(64bit)`], { exactdeps: true }).length, 1);
  // Generous: a loaded CI machine; the point is "no quadratic behaviour", not a benchmark.
  assert.ok(performance.now() - t0 < 5000, `${performance.now() - t0} ms`);
});

// ---------------------------------------------------------------------------------------------
// Oracle: the same queries through `dnf repoquery` on a createrepo_c repository.

const ORACLE_SPECS: string[][] = [
  ['Name: ep', 'Epoch: 1', 'Version: 2.0', 'Provides: epcap = 1:3.0', 'Provides: plaincap', 'FILES /usr/bin/eptool /etc/ep.conf /usr/share/ep/data'],
  ['Name: ep', 'Version: 0.9', 'Provides: epcap = 0.5', 'FILES /usr/bin/eptool-old'],
  ['Name: tilde', 'Version: 1.0~rc1', 'Provides: tcap = 1.0~rc1'],
  ['Name: tilde', 'Version: 1.0', 'Provides: tcap = 1.0'],
  ['Name: caret', 'Version: 1.0^git1', 'Provides: ccap = 1.0^git1'],
  [
    'Name: rich',
    'Version: 1',
    'Requires: (epcap >= 1:2 or plaincap)',
    'Requires: (tcap if caret else zcap)',
    'Requires: (ivl >= 1 with ivl < 2)',
    'Requires: /usr/bin/eptool',
    // rpmbuild allows `unless` only in or-context here.
    'Requires: (r1 or (r3 unless r2))',
    'Recommends: (caret if ep)',
    'Suggests: tilde >= 1.0',
    'Supplements: (ep and tilde)',
    'Enhances: caret',
    'Conflicts: ep < 1:1',
    'Obsoletes: oldrich < 2',
  ],
  ['Name: cond', 'Version: 1', 'Requires: (ep if tilde)', 'Requires: (ivl >= 3 without ivlx)'],
  ['Name: ivl', 'Version: 1.5'],
];

// A noarch spec from preamble lines; `FILES a b` lists empty files to package.
function specText(lines: string[]): string {
  const files = (lines.find((l) => l.startsWith('FILES ')) ?? 'FILES').split(' ').slice(1);
  const install = files.map((f) => `mkdir -p %{buildroot}$(dirname ${f}) && touch %{buildroot}${f}`);
  return [
    'Release: 1',
    'Summary: strata query oracle',
    'License: MIT',
    'BuildArch: noarch',
    'AutoReqProv: no',
    ...lines.filter((l) => !l.startsWith('FILES')),
    '%description',
    'test',
    '%install',
    ...install,
    '%files',
    ...files,
    '',
  ].join('\n');
}

// dnf's --qf widths are left out: dnf 4 inverts printf's alignment (see compileQueryFormat).
const ORACLE_CASES: Array<[string[], QueryOptions]> = [
  ...['hello', 'HELLO', 'hello.x86_64', 'hello-2.0', 'hello-2.0-1', 'hello-0:2.0-1.x86_64', '*2.0-1*', 'hel*', 'ep-1:2.0-1.noarch', 'ep-2.0-1.noarch', 'ep-0:2.0', '/usr/bin/*', '/usr/*', 'tilde-1.0~rc1', 'Archer-2:3.4.5', 'Archer-3.4.5-6.x86_64', 'empty.src', '*.noarch', '*-1.0-1', 'fake*-1*'].map(
    (k): [string[], QueryOptions] => [[k], { patterns: [k] }],
  ),
  ...['epcap', 'epcap = 3.0', 'epcap >= 1:2', 'epcap < 1:3.0', 'epcap > 2', 'ep = 2.0', 'ep = 1:2.0', 'ep', 'ep > 0.9', 'tcap < 1.0', 'tcap >= 1.0', 'tilde >= 1.0', 'tilde < 1.0', 'caret > 1.0', 'caret < 1.0.1', 'plain*', '*cap', '*cap > 1', '/usr/bin/eptool', '/usr/bin/ep*', '/etc/ep.conf', '/usr/share/ep/data', 'bara', 'barb >= 11', 'super_kernel < 5', 'super_kernel = 6.0.0', 'not_so_super_kernel', 'hello', 'hello(x86-64)', '/bin/sh', 'nonexistent', 'Archer = 2:3.4.5-6', 'Archer = 3.4.5-6', 'Archer > 2', 'foo*', 'hi', 'kernel'].map(
    (c): [string[], QueryOptions] => [['--whatprovides', c], { whatprovides: [c] }],
  ),
  ...['epcap', 'epcap = 0.5', 'plaincap', 'ep', 'ep-0.9-1', 'ep.noarch', 'tilde', 'caret', 'tcap', 'ivl', 'ivl = 1.5', 'ivl = 2.5', 'r1', 'r2', 'r3', 'zcap', 'ivlx', 'foo', '/usr/bin/eptool', '/bin/sh', 'libc.so.6(GLIBC_2.0)', 'fooa', 'foob >= 2', 'super_kernel', 'glib', 'bzip2 >= 2', 'hello', 'hello*', 'req', 'reqpre'].map(
    (c): [string[], QueryOptions] => [['--whatrequires', c], { whatrequires: [c] }],
  ),
  [['--whatrequires', 'tilde', '--exactdeps'], { whatrequires: ['tilde'], exactdeps: true }],
  [['--whatrequires', 'ep', '--exactdeps'], { whatrequires: ['ep'], exactdeps: true }],
  [['--whatconflicts', 'ep'], { whatconflicts: ['ep'] }],
  [['--whatconflicts', 'con'], { whatconflicts: ['con'] }],
  [['--whatconflicts', 'bb*'], { whatconflicts: ['bb*'] }],
  [['--whatobsoletes', 'oldrich'], { whatobsoletes: ['oldrich'] }],
  [['--whatobsoletes', 'aaa = 3'], { whatobsoletes: ['aaa = 3'] }],
  [['--whatrecommends', 'caret'], { whatrecommends: ['caret'] }],
  [['--whatrecommends', 'rec'], { whatrecommends: ['rec'] }],
  [['--whatsupplements', 'ep'], { whatsupplements: ['ep'] }],
  [['--whatsupplements', 'tilde'], { whatsupplements: ['tilde'] }],
  [['--whatsuggests', 'tilde'], { whatsuggests: ['tilde'] }],
  [['--whatenhances', 'caret'], { whatenhances: ['caret'] }],
  [['--whatdepends', 'tilde'], { whatdepends: ['tilde'] }],
  [['--arch', 'i686,noarch', 'hello*', 'ep'], { patterns: ['hello*', 'ep'], arch: ['i686', 'noarch'] }],
  [['--file', '/usr/bin/*'], { file: ['/usr/bin/*'] }],
  [['--latest-limit', '1'], { latestLimit: 1 }],
  [['--latest-limit=-1'], { latestLimit: -1 }],
  [['--latest-limit', '1', 'hello*'], { patterns: ['hello*'], latestLimit: 1 }],
];

const ORACLE_QF = '%{name}|%{epoch}|%{evr}|%{arch}|%{sourcerpm}|%{source_name}|%{url}|%{license}|%{summary}|%{description}|%{packager}|%{vendor}|%{group}|%{buildtime}|%{size}|%{installsize}|%{location}|%{reponame}|%{provides}|%{requires}|%{conflicts}|%{obsoletes}|%{recommends}|%{suggests}|%{supplements}|%{enhances}|%{files}';

// Runs many `dnf repoquery` commands in one Python process (dnf 4's own entry point, once per
// command): ~0.2 s of interpreter start-up and imports per command would otherwise dominate.
const DRIVER = `
import json, sys
from dnf.cli.main import main
common, cases = json.load(sys.stdin)
for args in cases:
    sys.stdout.write('\\0BEGIN\\n')
    sys.stdout.flush()
    main(['repoquery'] + common + args)
    sys.stdout.flush()
`;

async function dnfRepoquery(t: TestContext, dir: string, common: string[], cases: string[][]): Promise<string[][] | undefined> {
  const dnfPath = (await promisify(execFile)('sh', ['-c', 'command -v dnf'])).stdout.trim();
  const shebang = /^#!\s*(\S*python\S*)/.exec(readFileSync(realpathSync(dnfPath), 'latin1').split('\n')[0]);
  if (!shebang) {
    t.skip('the oracle needs dnf 4 (a Python dnf)');
    return undefined;
  }
  writeFileSync(join(dir, 'driver.py'), DRIVER);
  const out = await new Promise<string>((resolve, reject) => {
    const child = execFile(shebang[1], [join(dir, 'driver.py')], { maxBuffer: 1 << 26 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    child.stdin?.end(JSON.stringify([common, cases]));
  });
  const answers = out.split('\0BEGIN\n').slice(1).map((a) => a.split('\n').filter((l) => l !== ''));
  assert.equal(answers.length, cases.length, 'one answer per dnf command');
  return answers;
}

// What dnf treats as installable on this host (libsolv's arch policy), which its whatprovides sees.
const HOST_ARCHES: Record<string, string[]> = {
  x64: ['x86_64', 'athlon', 'i686', 'i586', 'i486', 'i386', 'noarch'],
  arm64: ['aarch64', 'noarch'],
};

test('oracle: the same answers as dnf repoquery', { timeout: 300_000 }, async (t) => {
  if (!needTools(t, 'dnf', 'createrepo_c', 'rpmbuild')) return;
  const installableArches = HOST_ARCHES[process.arch];
  if (!installableArches) return t.skip(`no arch policy for ${process.arch}`);
  const run = promisify(execFile);
  const dir = workDir('query-oracle');
  rmSync(dir, { recursive: true, force: true });
  const repo = join(dir, 'repo');
  mkdirSync(repo, { recursive: true });
  try {
    for (const d of [join(FIXTURES, 'createrepo_c', 'packages'), join(FIXTURES, 'rpm', 'RPMS')]) {
      for (const f of readdirSync(d)) if (f.endsWith('.rpm')) copyFileSync(join(d, f), join(repo, f));
    }
    const defs = ['--define', `_topdir ${dir}/top`, '--define', `_rpmdir ${dir}/out`, '--define', '_build_id_links none', '--quiet'];
    // The builds run at once and share _topdir: made up front, rpmbuild's mkdir cannot race.
    for (const d of ['BUILD', 'BUILDROOT', 'RPMS', 'SOURCES', 'SPECS', 'SRPMS']) mkdirSync(join(dir, 'top', d), { recursive: true });
    mkdirSync(join(dir, 'out'), { recursive: true });
    await Promise.all(
      ORACLE_SPECS.map(async (lines, i) => {
        writeFileSync(join(dir, `${i}.spec`), specText(lines));
        await run('rpmbuild', ['-bb', ...defs, join(dir, `${i}.spec`)]);
      }),
    );
    for (const f of readdirSync(join(dir, 'out', 'noarch'))) copyFileSync(join(dir, 'out', 'noarch', f), join(repo, f));
    await run('createrepo_c', ['-q', repo]);

    const repodata = join(repo, 'repodata');
    const meta = (kind: string): Buffer => gunzipSync(readFileSync(join(repodata, readdirSync(repodata).find((f) => f.endsWith(`-${kind}.xml.gz`))!)));
    const pkgs: QueryPackage[] = parsePrimary(meta('primary'));
    mergeFilelists(pkgs, meta('filelists'));
    for (const p of pkgs) p.repoid = 'r';
    const ix = new PackageIndex(pkgs);

    const cases: Array<[string[], string[]]> = [
      ...ORACLE_CASES.map(([args, opts]): [string[], string[]] => [args, q({ ...opts, installableArches }, ix)]),
      [['--qf', ORACLE_QF], formatQueryResults(queryPackages(ix), ORACLE_QF)],
    ];
    const common = [
      '-q', '--noplugins', '--nogpgcheck', '--releasever=1', `--repofrompath=r,${repo}`, '--repo=r',
      '--setopt=reposdir=/dev/null', `--setopt=cachedir=${dir}/cache`, `--installroot=${dir}/root`,
    ];
    const answers = await dnfRepoquery(t, dir, common, cases.map(([args]) => args));
    if (!answers) return;
    const mismatches: string[] = [];
    cases.forEach(([args, ours], i) => {
      const theirs = answers[i];
      // dnf prints multi-line values line by line: compare the joined output, report the lines.
      const mine = ours.join('\n').split('\n').filter((l) => l !== '');
      if (theirs.join('\n') !== mine.join('\n')) {
        const only = (xs: string[], ys: string[]): string => xs.filter((x) => !ys.includes(x)).join(' ; ');
        mismatches.push(`${args.join(' ')}:\n  only dnf:  ${only(theirs, mine)}\n  only ours: ${only(mine, theirs)}`);
      }
    });
    assert.deepEqual(mismatches, []);
    // Guard against a harness that silently compares empty answers.
    assert.ok(q({ whatrequires: ['ep'] }, ix).length >= 2 && pkgs.length > 25);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
