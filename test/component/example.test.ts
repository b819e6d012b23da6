// The example distro (examples/distro) through the CLI, as a user drives it: locks are current,
// the whole distro builds offline with overlays applied, a second build does no work, changing one
// overlay rebuilds exactly that component and what builds against it, the signed RPMs pass
// `rpm -K` and dnf installs them from the repository Strata published; render, diff-sources and
// query show the overlaid sources; a broken overlay fails with one line naming it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BuildResult } from '../../src/build/index.ts';
import { strata } from '../support/cli.ts';
import { FIXTURES, ROOT, workDir } from '../support/fixtures.ts';
import { dnfInstall } from '../support/dnf-install.ts';
import { hasTool, needTools } from '../support/tools.ts';

const KEY = join(FIXTURES, 'rpm', 'keys', 'rpm.org-rsa-2048-test.secret');
const PUB = join(FIXTURES, 'rpm', 'keys', 'rpm.org-rsa-2048-test.pub');
const work = workDir('component-example');
const ex = join(work, 'exampleos');

function run(args: string[]) {
  return strata([...args, '-C', ex]);
}

function build(...extra: string[]): BuildResult {
  const r = run(['component', 'build', '-a', '--dist', '.eos1', '--sign-key', KEY, '-o', 'json', ...extra]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return JSON.parse(r.stdout) as BuildResult;
}

const results = (r: BuildResult) => Object.fromEntries(r.components.map((c) => [c.name, c.result]));

describe('the example distro through the CLI', { skip: !hasTool('rpmbuild') && !process.env.CI }, () => {
  before(() => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const src = join(ROOT, 'examples', 'distro');
    cpSync(src, ex, { recursive: true, filter: (p) => !/[/\\](out|build|specs)$/.test(p.slice(src.length)) });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('the committed locks match the inputs', () => {
    const r = run(['component', 'update', '-a', '--check-only']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
  });

  test('builds from scratch offline: waves, overlays applied, signed RPMs pass rpm -K', (t) => {
    if (!needTools(t, 'rpmbuild')) return;
    const r = build();
    assert.equal(r.ok, true);
    assert.deepEqual(new Set(Object.values(results(r))), new Set(['built']));
    assert.equal(r.components.length, 9);
    const wave = Object.fromEntries(r.components.map((c) => [c.name, c.wave]));
    assert.ok(wave.libgreet < wave.greeter && wave['exampleos-release'] < wave['exampleos-motd'], JSON.stringify(wave));
    const libgreet = r.components.find((c) => c.name === 'libgreet')!;
    // spec-remove-subpackage dropped -static; spec-add-tag added BuildRequires: make.
    assert.deepEqual(libgreet.rpms.map((f) => f.split('/').pop()).sort(), ['libgreet-1.0.0-1.eos1.x86_64.rpm', 'libgreet-devel-1.0.0-1.eos1.x86_64.rpm']);
    assert.ok(libgreet.buildRequires.includes('make'));
    const db = join(work, 'rpmdb');
    mkdirSync(db, { recursive: true });
    assert.equal(spawnSync('rpm', ['--dbpath', db, '--import', PUB]).status, 0);
    const files = r.components.flatMap((c) => [c.srpm!, ...c.rpms]).map((f) => join(ex, 'out', f));
    const k = spawnSync('rpm', ['--dbpath', db, '-K', ...files], { encoding: 'utf8' });
    assert.equal(k.status, 0, k.stdout + k.stderr);
    assert.equal(k.stdout.split('\n').filter((l) => / digests signatures OK$/.test(l)).length, files.length, k.stdout);
    assert.ok(existsSync(join(ex, 'build', 'logs', 'greeter.log')));
  });

  test('a second build does no work', (t) => {
    if (!needTools(t, 'rpmbuild')) return;
    const logs = readdirSync(join(ex, 'build', 'logs')).map((f) => readFileSync(join(ex, 'build', 'logs', f), 'utf8')).join('');
    const r = build();
    assert.deepEqual(new Set(Object.values(results(r))), new Set(['cached']));
    const logsAfter = readdirSync(join(ex, 'build', 'logs')).map((f) => readFileSync(join(ex, 'build', 'logs', f), 'utf8')).join('');
    assert.equal(logsAfter, logs, 'no log was written: nothing ran');
  });

  test('changing one overlay: the lock goes stale, then exactly it and its reverse build-dependencies rebuild', (t) => {
    if (!needTools(t, 'rpmbuild')) return;
    const doc = join(ex, 'base', 'comps', 'libgreet', 'overlays', '0001-no-static-library.overlay.toml');
    writeFileSync(doc, readFileSync(doc, 'utf8').replace('lines = ["rm -f %{buildroot}%{_libdir}/libgreet.a"]', 'lines = ["rm -f %{buildroot}%{_libdir}/libgreet.a", "# no static archives in ExampleOS"]'));
    const stale = run(['component', 'build', '-a', '--dist', '.eos1']);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /^strata: libgreet: lock is stale \(inputs changed since it was written\): run `strata component update libgreet`/);
    const check = run(['component', 'update', '-a', '--check-only']);
    assert.equal(check.code, 1);
    assert.match(check.stdout, /libgreet\s+stale/);
    assert.equal(run(['component', 'update', 'libgreet']).code, 0);
    const r = build();
    assert.deepEqual(
      r.components.filter((c) => c.result === 'built').map((c) => c.name),
      ['libgreet', 'greeter'],
    );
    assert.equal(r.components.filter((c) => c.result === 'cached').length, 7);
  });

  test('dnf installs the built packages from the repository Strata published', async (t) => {
    if (!needTools(t, 'dnf')) return;
    // The base system under the example (glibc, a shell) is not one of its components: a stand-in provides it.
    const { root, run: r } = await dnfInstall(work, join(ex, 'out', 'rpms'), PUB, ['greeter', 'hello', 'exampleos-motd']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const env = { LD_LIBRARY_PATH: join(root, 'usr', 'lib64') };
    assert.equal(spawnSync(join(root, 'usr', 'bin', 'greeter'), ['Ada'], { encoding: 'utf8', env }).stdout, 'Welcome, Ada!\n');
    // build.defines (the azldev macros file) set the greeting; patch-add backported --version.
    assert.equal(spawnSync(join(root, 'usr', 'bin', 'hello'), [], { encoding: 'utf8' }).stdout, 'Hello from ExampleOS, world!\n');
    assert.match(spawnSync(join(root, 'usr', 'bin', 'hello'), ['--version'], { encoding: 'utf8' }).stdout, /^hello 1\.2\n$/);
    assert.ok(existsSync(join(root, 'usr', 'lib', 'os-release')));
  });

  test('render writes the overlaid specs and their sidecars, no more; --check-only gates drift', () => {
    const r = run(['component', 'render', '-a', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const hello = join(ex, 'specs', 'h', 'hello');
    assert.deepEqual(readdirSync(hello).sort(), ['LICENSE', 'Makefile', 'hello-version-flag.patch', 'hello.azl.macros', 'hello.c', 'hello.spec']);
    const spec = readFileSync(join(hello, 'hello.spec'), 'utf8');
    assert.match(spec, /^# This spec file has been modified by azldev/);
    assert.match(spec, /%\{load:%\{_sourcedir\}\/hello\.azl\.macros\}/);
    assert.match(spec, /^Source9999: hello\.azl\.macros$/m);
    assert.doesNotMatch(spec, /0001-hello-trace-greetings/);
    assert.equal(run(['component', 'render', '-a', '--check-only']).code, 0);
    writeFileSync(join(hello, 'hello.spec'), `${spec}# hand edit\n`);
    const drift = run(['component', 'render', '-a', '--check-only']);
    assert.equal(drift.code, 1);
    assert.match(drift.stdout, /hello\s+would-change/);
  });

  test('diff-sources shows what the overlays did; query reads the overlaid spec', () => {
    const d = run(['component', 'diff-sources', 'hello']);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /^--- a\/0001-hello-trace-greetings\.patch\n\+\+\+ b\/0001-hello-trace-greetings\.patch\n/m);
    assert.match(d.stdout, /^\+# This spec file has been modified by azldev/m);
    const q = run(['component', 'query', 'libgreet', '-o', 'json']);
    assert.equal(q.code, 0, q.stderr);
    const [lib] = JSON.parse(q.stdout) as Array<{ packages: string[]; version: string }>;
    assert.deepEqual(lib.packages, ['libgreet', 'libgreet-devel']);
    assert.equal(lib.version, '1.0.0');
  });

  test('an overlay that no longer applies fails with one line naming the component and overlay', () => {
    const toml = join(ex, 'base', 'comps', 'exampleos-config', 'exampleos-config.comp.toml');
    const text = readFileSync(toml, 'utf8');
    const broken = text.replace(/regex = '[^']*'/, "regex = 'no such text anywhere'");
    assert.notEqual(broken, text);
    writeFileSync(toml, broken);
    const r = run(['component', 'render', 'exampleos-config', '--skip-lock-validation']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^strata: exampleos-config: overlay #\d+ \([^)]+\): (spec|file)-search-replace: .*\n$/);
    assert.equal(r.stderr.split('\n').length, 2);
  });
});
