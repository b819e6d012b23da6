// `strata solve …` and `strata repo closure` as a user runs them: small rpm-md repositories written
// with the publish writer, an installed root made with rpm --justdb, one-line errors for bad input.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { emptyRepoPackage, type RepoDep, type RepoPackage } from '../../src/repo/model.ts';
import { strata } from '../support/cli.ts';
import { FIXTURES, workDir } from '../support/fixtures.ts';
import { writeRpmmdRepo } from '../solve/support/gen-rpmmd.ts';

const work = workDir('cli-solve');
const env = { STRATA_CACHE_DIR: join(work, 'cache') };

function pkg(name: string, version: string, deps: Partial<Record<'requires' | 'provides' | 'conflicts' | 'obsoletes' | 'recommends', (string | RepoDep)[]>> = {}, arch = 'x86_64'): RepoPackage {
  const p = emptyRepoPackage();
  Object.assign(p, { name, version, release: '1', epoch: '0', arch, checksumType: 'sha256', location: `${name}-${version}-1.${arch}.rpm`, pkgid: `${name}${version}${arch}`.padEnd(64, '0') });
  for (const [kind, list] of Object.entries(deps)) p.deps[kind as 'requires'] = list.map((d) => (typeof d === 'string' ? { name: d } : d));
  p.deps.provides.push({ name, flags: 'EQ', epoch: '0', ver: version, rel: '1' });
  return p;
}

before(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  await writeRpmmdRepo(join(work, 'repo'), [
    pkg('app', '1.0', { requires: ['libfoo.so.1()(64bit)', '/bin/sh'], recommends: ['app-docs'] }),
    pkg('app', '2.0', { requires: ['libfoo.so.1()(64bit)', { name: 'base', flags: 'GE', epoch: '0', ver: '2' }] }),
    pkg('libfoo', '1.0', { provides: ['libfoo.so.1()(64bit)'] }),
    pkg('base', '2.0', { provides: ['/bin/sh'] }),
    pkg('app-docs', '2.0', {}, 'noarch'),
    pkg('broken', '1.0', { requires: ['does-not-exist'] }),
    pkg('rival', '1.0', { conflicts: ['app'] }),
  ]);
});

after(() => rmSync(work, { recursive: true, force: true }));

test('solve install: best candidates, dependencies and weak deps, as JSON', () => {
  const r = strata(['solve', 'install', '--repo', join(work, 'repo'), '--nogpgcheck', '--arch', 'x86_64', '-o', 'json', 'app'], { env });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { transaction: { action: string; nevra: string }[]; problems: unknown[] };
  assert.deepEqual(doc.problems, []);
  assert.deepEqual(doc.transaction.map((t) => `${t.action} ${t.nevra}`).sort(), ['install app-2.0-1.x86_64', 'install base-2.0-1.x86_64', 'install libfoo-1.0-1.x86_64']);
});

test('solve install: an impossible request is a problem (exit 1) with solutions', () => {
  const r = strata(['solve', 'install', '--repo', join(work, 'repo'), '--nogpgcheck', '--arch', 'x86_64', 'broken'], { env });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Problem 1: nothing provides does-not-exist needed by broken-1\.0-1\.x86_64/);
  assert.match(r.stdout, /solution: /);
});

test('solve install --order prints rpm order; table output groups by action', () => {
  const r = strata(['solve', 'install', '--repo', join(work, 'repo'), '--nogpgcheck', '--arch', 'x86_64', '--order', 'app'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Installing:/);
  const order = r.stdout.split('Order (as rpm runs it):')[1]?.trim().split('\n').map((l) => l.trim()) ?? [];
  // Providers come before the package that requires them.
  const at = (n: string): number => order.findIndex((l) => l.includes(` ${n}-`));
  assert.ok(at('libfoo') < at('app') && at('base') < at('app'), order.join('\n'));
});

test('repo closure: reports unresolved requires (exit 1); --installable runs the solver', () => {
  const r = strata(['repo', 'closure', '--repo', join(work, 'repo'), '--nogpgcheck', '--arch', 'x86_64', '-o', 'json'], { env });
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.stdout) as { checked: number; broken: { nevra: string; unresolved: string[] }[] };
  assert.equal(doc.checked, 7);
  assert.deepEqual(doc.broken.map((b) => [b.nevra, b.unresolved]), [['broken-1.0-1.x86_64', ['does-not-exist']]]);
});

test('solve testcase: passes libsolv fixtures; --result prints the result; bad input is one line', () => {
  const t = join(FIXTURES, 'libsolv', 'testcases', 'choose', 'default.t');
  const ok = strata(['solve', 'testcase', t]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /: pass$/m);
  const res = strata(['solve', 'testcase', '--result', t]);
  assert.deepEqual(res.stdout.trim().split('\n'), ['install A-1-1.noarch@test', 'install X-1-1.noarch@test']);
  const bad = join(work, 'bad.t');
  writeFileSync(bad, 'repo system 0 testtags <inline>\n#>=Pkg: a 1\njob frobnicate name a\n');
  const b = strata(['solve', 'testcase', bad]);
  assert.notEqual(b.code, 0);
  assert.equal(b.stderr.trim().split('\n').length <= 1, true, b.stderr);
  const missing = strata(['solve', 'testcase', join(work, 'nope.t')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^strata: .*nope\.t: ENOENT\n$/);
});

test('solve refuses unsigned repositories unless --nogpgcheck; bad --installroot is one line', () => {
  const r = strata(['solve', 'install', '--repo', join(work, 'repo'), 'app'], { env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /without a signature check/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  const root = strata(['solve', 'upgrade', '--repo', join(work, 'repo'), '--nogpgcheck', '--installroot', join(work, 'no-such-root')], { env });
  assert.equal(root.code, 1);
  assert.equal(root.stderr.trim().split('\n').length, 1, root.stderr);
});

/** Packs tiny RPMs and registers them in `root`'s rpmdb (rpm --justdb), as an installed system. */
async function installed(root: string, pkgs: { name: string; version: string; requires?: string[] }[]): Promise<void> {
  const { packRpm } = await import('../../src/rpm/index.ts');
  const { spawnSync } = await import('node:child_process');
  const tree = join(work, 'tree');
  const rpms = join(work, 'rpms', root.split('/').pop() as string);
  mkdirSync(tree, { recursive: true });
  mkdirSync(rpms, { recursive: true });
  for (const p of pkgs) {
    await packRpm(
      { name: p.name, version: p.version, release: '1', arch: 'x86_64', summary: p.name, license: 'MIT', root: tree, deps: { requires: p.requires ?? [] } },
      { outputDir: rpms, compress: 'none', sourceDateEpoch: 1700000000 },
    );
  }
  const files = pkgs.map((p) => join(rpms, `${p.name}-${p.version}-1.x86_64.rpm`));
  const r = spawnSync('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', '-i', '--justdb', '--nodeps', '--noscripts', '--nosignature', '--nodigest', '--ignorearch', ...files], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

test('installonly packages keep at most --installonly-limit versions; --clean-deps erases what only the erased needed', async () => {
  const root = join(work, 'root');
  mkdirSync(root, { recursive: true });
  await installed(root, [
    { name: 'kernel', version: '1' },
    { name: 'kernel', version: '2' },
    { name: 'kernel', version: '3' },
    { name: 'tool', version: '1', requires: ['helper'] },
    { name: 'helper', version: '1' },
  ]);
  await writeRpmmdRepo(join(work, 'updates'), [pkg('kernel', '4'), pkg('tool', '1', { requires: ['helper'] }), pkg('helper', '1')]);
  const lines = (args: string[]): string[] => {
    const r = strata(['solve', ...args, '--repo', join(work, 'updates'), '--nogpgcheck', '--arch', 'x86_64', '--installroot', root, '--dbpath', '/var/lib/rpm', '-o', 'json'], { env });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}${r.stdout}`);
    return (JSON.parse(r.stdout) as { transaction: { action: string; nevra: string }[] }).transaction.map((t) => `${t.action} ${t.nevra}`).sort();
  };
  assert.deepEqual(lines(['upgrade']), ['erase kernel-1-1.x86_64', 'install kernel-4-1.x86_64']);
  assert.deepEqual(lines(['upgrade', '--installonly-limit', '0']), ['install kernel-4-1.x86_64']);
  assert.deepEqual(lines(['erase', 'tool']), ['erase tool-1-1.x86_64']);
  assert.deepEqual(lines(['erase', '--clean-deps', 'tool']), ['erase helper-1-1.x86_64', 'erase tool-1-1.x86_64']);
});
