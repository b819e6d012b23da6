// The build engine on the example distro (examples/distro), end to end with rpm's own tools as
// judges: solver-ordered waves, fingerprint caching (a second run starts no rpm tool), exact
// rebuilds of reverse build-dependencies, failure isolation, signed packages that pass `rpm -K`,
// and a published repository dnf installs from.
//
// The component directories are copied as they are (overlays are applied by another layer), and
// the fingerprint is a digest of each directory, so editing a file changes it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type BuildOptions, type BuildResult, type PreparedComponent, buildComponents, formatBuildSummary } from '../../src/build/index.ts';
import { FIXTURES, ROOT, workDir } from '../support/fixtures.ts';
import { dnfInstall } from '../support/dnf-install.ts';
import { hasTool, needTools } from '../support/tools.ts';

const EXAMPLE = join(ROOT, 'examples', 'distro', 'base', 'comps');
const KEY = join(FIXTURES, 'rpm', 'keys', 'rpm.org-rsa-2048-test.secret');
const PUB = join(FIXTURES, 'rpm', 'keys', 'rpm.org-rsa-2048-test.pub');
const work = workDir('build-engine');
const comps = join(work, 'comps');
const calls = join(work, 'calls.log');

/** A digest of every file below `dir` (paths and contents): the test's input fingerprint. */
function fingerprintOf(dir: string): string {
  const h = createHash('sha256');
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const f of files) h.update(`${relative(dir, f)}\0`).update(readFileSync(f));
  return `sha256:${h.digest('hex')}`;
}

function prepared(root: string): PreparedComponent[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ name: e.name, dir: join(root, e.name), fingerprint: fingerprintOf(join(root, e.name)) }));
}

/** A wrapper that logs each call of `tool` to calls.log, so tests can count rpm tool runs. */
function countingTool(tool: string): string {
  const bin = join(work, 'bin', tool);
  mkdirSync(join(work, 'bin'), { recursive: true });
  writeFileSync(bin, `#!/bin/sh\necho "${tool} $*" >> '${calls}'\nexec ${tool} "$@"\n`);
  chmodSync(bin, 0o755);
  return bin;
}

function toolCalls(): string[] {
  return existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean) : [];
}

function options(extra: Partial<BuildOptions> = {}): BuildOptions {
  return {
    outDir: join(work, 'out'),
    workDir: join(work, 'build', 'work'),
    logDir: join(work, 'build', 'logs'),
    dist: '.eos1',
    jobs: 2,
    signingKey: { armored: readFileSync(KEY, 'utf8') },
    tools: { rpmbuild: countingTool('rpmbuild'), rpmspec: countingTool('rpmspec') },
    ...extra,
  };
}

function byName(r: BuildResult): Map<string, BuildResult['components'][number]> {
  return new Map(r.components.map((c) => [c.name, c]));
}

function outcomes(r: BuildResult): Record<string, string> {
  return Object.fromEntries(r.components.map((c) => [c.name, c.result]));
}

describe('building the example distro', { skip: !hasTool('rpmbuild') && !process.env.CI }, () => {
  before(() => {
    rmSync(work, { recursive: true, force: true });
    cpSync(EXAMPLE, comps, { recursive: true });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('from scratch: solver-ordered waves, every component built, signed RPMs pass rpm -K', async (t) => {
    if (!needTools(t, 'rpmbuild', 'rpmspec', 'rpm', 'gcc', 'make')) return;
    const r = await buildComponents(prepared(comps), options());
    assert.equal(r.ok, true, formatBuildSummary(r));
    assert.equal(r.components.length, 9);
    const c = byName(r);
    // The build-order edges come from BuildRequires: libgreet-devel (greeter) and exampleos-release (motd).
    assert.deepEqual(c.get('greeter')!.dependsOn, ['libgreet']);
    assert.deepEqual(c.get('exampleos-motd')!.dependsOn, ['exampleos-release']);
    assert.ok(c.get('libgreet')!.wave < c.get('greeter')!.wave);
    assert.ok(c.get('exampleos-release')!.wave < c.get('exampleos-motd')!.wave);
    assert.deepEqual(r.waves, [
      ['exampleos-config', 'exampleos-docs', 'exampleos-filesystem', 'exampleos-release', 'hello', 'libgreet', 'sysinfo'],
      ['exampleos-motd', 'greeter'],
    ]);
    assert.deepEqual(c.get('libgreet')!.rpms.sort(), [
      'rpms/libgreet-1.0.0-1.eos1.x86_64.rpm',
      'rpms/libgreet-devel-1.0.0-1.eos1.x86_64.rpm',
      'rpms/libgreet-static-1.0.0-1.eos1.x86_64.rpm',
    ]);
    // One log per component, naming the sysroot it built against.
    const log = readFileSync(join(work, 'build', 'logs', 'greeter.log'), 'utf8');
    assert.match(log, /# sysroot .*: libgreet-devel-1\.0\.0-1\.eos1\.x86_64 libgreet-1\.0\.0-1\.eos1\.x86_64/);
    assert.match(log, /rpmbuild --rebuild --nodeps .*strata_sysroot/);
    // Chained repo published after each wave, signed.
    assert.ok(existsSync(join(work, 'out', 'rpms', 'repodata', 'repomd.xml.asc')));
    assert.ok(existsSync(join(work, 'out', 'srpms', 'repodata', 'repomd.xml')));
    // rpm itself checks digests and signatures with the public key.
    const db = join(work, 'rpmdb');
    mkdirSync(db, { recursive: true });
    assert.equal(spawnSync('rpm', ['--dbpath', db, '--import', PUB]).status, 0);
    const files = r.components.flatMap((x) => [x.srpm!, ...x.rpms]).map((f) => join(work, 'out', f));
    assert.equal(files.length, 20);
    const k = spawnSync('rpm', ['--dbpath', db, '-K', ...files], { encoding: 'utf8' });
    assert.equal(k.status, 0, k.stdout + k.stderr);
    assert.equal(k.stdout.split('\n').filter((l) => / digests signatures OK$/.test(l)).length, files.length, k.stdout);
  });

  test('a second run does no work: everything cached, no rpm tool started', async (t) => {
    if (!needTools(t, 'rpmbuild')) return;
    rmSync(calls, { force: true });
    const r = await buildComponents(prepared(comps), options());
    assert.equal(r.ok, true);
    assert.deepEqual(new Set(Object.values(outcomes(r))), new Set(['cached']));
    assert.deepEqual(toolCalls(), []);
    assert.equal(byName(r).get('libgreet')!.rpms.length, 3);
  });

  test('changing one component rebuilds exactly it and its reverse build-dependencies', async (t) => {
    if (!needTools(t, 'rpmbuild')) return;
    rmSync(calls, { force: true });
    writeFileSync(join(comps, 'libgreet', 'greet.c'), `${readFileSync(join(comps, 'libgreet', 'greet.c'), 'utf8')}/* rebuilt */\n`);
    const r = await buildComponents(prepared(comps), options());
    assert.equal(r.ok, true, formatBuildSummary(r));
    const built = r.components.filter((c) => c.result === 'built').map((c) => c.name);
    assert.deepEqual(built, ['libgreet', 'greeter']);
    assert.equal(r.components.filter((c) => c.result === 'cached').length, 7);
    // Only libgreet's spec is queried again; rpmbuild runs twice (SRPM, RPMs) per rebuilt component.
    const tools = toolCalls().map((l) => l.split(' ')[0]);
    assert.equal(tools.filter((x) => x === 'rpmspec').length, 2);
    assert.equal(tools.filter((x) => x === 'rpmbuild').length, 4);
  });

  test('dnf installs the built packages from the repository Strata published', async (t) => {
    if (!needTools(t, 'dnf')) return;
    // The base system the example distro sits on (glibc, a shell…) is not one of its components:
    // a stand-in package provides what the built packages need from it.
    const { root, run: r } = await dnfInstall(work, join(work, 'out', 'rpms'), PUB, ['greeter', 'hello', 'sysinfo', 'exampleos-config', 'exampleos-docs']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Installed:[\s\S]*greeter-0\.9-1\.eos1\.x86_64[\s\S]*libgreet-1\.0\.0-1\.eos1\.x86_64/);
    assert.ok(existsSync(join(root, 'usr', 'lib', 'os-release')), 'exampleos-release came in as a dependency');
    // The installed program runs against the installed library.
    const run = spawnSync(join(root, 'usr', 'bin', 'greeter'), ['Ada'], { encoding: 'utf8', env: { LD_LIBRARY_PATH: join(root, 'usr', 'lib64') } });
    assert.equal(run.stdout, 'Welcome, Ada!\n');
  });

  test('a broken component fails; only the components that build against it are skipped', async (t) => {
    if (!needTools(t, 'rpmbuild')) return;
    writeFileSync(join(comps, 'libgreet', 'greet.c'), 'this is not C\n');
    const r = await buildComponents(prepared(comps), options());
    assert.equal(r.ok, false);
    const c = byName(r);
    assert.equal(c.get('libgreet')!.result, 'failed');
    assert.match(c.get('libgreet')!.reason!, /^rpmbuild --rebuild: %build failed \(exit 1\): greet\.c:1:1: error: .*\(log: .*libgreet\.log\)$/);
    assert.match(readFileSync(c.get('libgreet')!.log!, 'utf8'), /greet\.c:1:1: error/);
    assert.equal(c.get('greeter')!.result, 'skipped');
    assert.equal(c.get('greeter')!.reason, 'dependency libgreet failed');
    for (const name of ['exampleos-config', 'exampleos-docs', 'exampleos-release', 'exampleos-motd', 'hello', 'sysinfo']) {
      assert.equal(c.get(name)!.result, 'cached', name);
    }
    // The last good packages stay published until a build replaces them.
    assert.ok(existsSync(join(work, 'out', 'rpms', 'libgreet-1.0.0-1.eos1.x86_64.rpm')));
    assert.match(formatBuildSummary(r), /^greeter\s+skipped\s+[\d.]+s\s+0\s+dependency libgreet failed$/m);
  });
});

/** A tiny noarch spec with the given preamble lines. */
function spec(name: string, lines: string[]): string {
  return [`Name: ${name}`, 'Version: 1', 'Release: 1', `Summary: ${name}`, 'License: MIT', 'BuildArch: noarch', ...lines, '%description', name, '%files', ''].join('\n');
}

describe('build plan errors', { skip: !hasTool('rpmspec') && !process.env.CI }, () => {
  const dir = workDir('build-plan');
  before(() => rmSync(dir, { recursive: true, force: true }));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function component(name: string, lines: string[]): PreparedComponent {
    mkdirSync(join(dir, 'comps', name), { recursive: true });
    writeFileSync(join(dir, 'comps', name, `${name}.spec`), spec(name, lines));
    return { name, dir: join(dir, 'comps', name), fingerprint: name + lines.join() };
  }

  const opts = (): BuildOptions => ({ outDir: join(dir, 'out'), workDir: join(dir, 'work'), logDir: join(dir, 'logs'), jobs: 2 });

  test('a BuildRequires no component or host provides fails that component alone, before rpmbuild runs', async (t) => {
    if (!needTools(t, 'rpmspec', 'rpmbuild')) return;
    const r = await buildComponents(
      [component('needs-ghost', ['BuildRequires: ghost-devel >= 2', 'BuildRequires: gcc']), component('plain', ['BuildRequires: make', 'BuildRequires: /bin/sh'])],
      opts(),
    );
    const c = byName(r);
    assert.equal(c.get('needs-ghost')!.result, 'failed');
    assert.equal(c.get('needs-ghost')!.reason, 'missing BuildRequires: nothing provides requested ghost-devel >= 2');
    assert.equal(c.get('needs-ghost')!.log, undefined);
    assert.equal(c.get('plain')!.result, 'built');
  });

  test('a BuildRequires cycle is an error that names it', async (t) => {
    if (!needTools(t, 'rpmspec')) return;
    const comps = [
      component('chicken', ['BuildRequires: egg-devel', 'Provides: chicken-devel']),
      component('egg', ['BuildRequires: chicken-devel', 'Provides: egg-devel']),
      component('farm', ['BuildRequires: chicken']),
    ];
    await assert.rejects(buildComponents(comps, opts()), { name: 'BuildError', message: /^build dependency cycle: chicken → egg → chicken / });
  });
});
