// Transaction checks and policies on small packages: file conflicts refused as rpm refuses them,
// identical shared files created once, Lua scriptlets refused (or skipped on request), a failing
// %pretrans aborting, and libcap's capability text compared the way the kernel stores it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { installPackages, parseCaps, sameFileCaps } from '../../../src/image/install/index.ts';
import { packRpm, type PackSpec } from '../../../src/rpm/index.ts';
import { workDir } from '../../support/fixtures.ts';
import { hasTool } from '../../support/tools.ts';

const work = workDir('image-plan');
const isRoot = process.getuid?.() === 0;

async function pack(name: string, files: Record<string, string | null>, extra: Partial<PackSpec> = {}): Promise<{ path: string }> {
  const tree = join(work, 'trees', name);
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(tree, p, content === null ? '' : '..'), { recursive: true });
    if (content !== null) writeFileSync(join(tree, p), content);
  }
  const r = await packRpm({ name, version: '1', license: 'MIT', summary: name, root: tree, ...extra }, { outputDir: join(work, 'rpms'), sourceDateEpoch: 1790000000, level: 3 });
  return { path: r.path };
}

describe('transaction checks', { skip: isRoot ? false : 'installing needs root' }, () => {
  after(() => rmSync(work, { recursive: true, force: true }));

  test('different files at one path are a conflict; nothing is installed', async () => {
    const a = await pack('ca', { 'usr/share/x': 'one\n' });
    const b = await pack('cb', { 'usr/share/x': 'two\n' });
    await assert.rejects(
      installPackages({ root: join(work, 'r1'), packages: [a, b], scriptlets: 'skip' }),
      // rpm -i --test ca cb says the same.
      /file \/usr\/share\/x conflicts between attempted installs of ca-1-1\.noarch and cb-1-1\.noarch/,
    );
  });

  test('directories with different modes conflict too', async () => {
    const a = await pack('da', { 'opt/d': null }, { files: { '/opt/d': { dir: true, mode: '0755' } } });
    const b = await pack('db', { 'opt/d': null }, { files: { '/opt/d': { dir: true, mode: '0700' } } });
    await assert.rejects(installPackages({ root: join(work, 'r2'), packages: [a, b], scriptlets: 'skip' }), /file \/opt\/d conflicts between attempted installs of da-1-1\.noarch and db-1-1\.noarch/);
  });

  test('an identical file in two packages is shared (rpm -Va clean for both)', async (t) => {
    const a = await pack('sa', { 'usr/share/same': 'same\n', 'usr/share/sa': 'a\n' });
    const b = await pack('sb', { 'usr/share/same': 'same\n', 'usr/share/sb': 'b\n' });
    const r = await installPackages({ root: join(work, 'r3'), packages: [a, b], scriptlets: 'skip', sourceDateEpoch: 1790000000 });
    assert.equal(readFileSync(join(r.root, 'usr/share/same'), 'utf8'), 'same\n');
    if (!hasTool('rpm')) return t.skip('needs rpm');
    const v = spawnSync('rpm', ['--root', r.root, '--dbpath', '/usr/lib/sysimage/rpm', '-Va'], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stdout + v.stderr);
    const f = spawnSync('rpm', ['--root', r.root, '--dbpath', '/usr/lib/sysimage/rpm', '-qf', '/usr/share/same'], { encoding: 'utf8' });
    assert.deepEqual(f.stdout.trim().split('\n').sort(), ['sa-1-1.noarch', 'sb-1-1.noarch']);
  });

  test('netshared paths are not installed but recorded (FILESTATES 3), and rpm -Va accepts that', async (t) => {
    const n = await pack('net', { 'usr/share/net/x': 'x\n', 'usr/share/local/y': 'y\n' });
    const r = await installPackages({ root: join(work, 'r7'), packages: [n], scriptlets: 'skip', netSharedPaths: ['/usr/share/net'] });
    assert.ok(!existsSync(join(r.root, 'usr/share/net/x')));
    assert.equal(readFileSync(join(r.root, 'usr/share/local/y'), 'utf8'), 'y\n');
    if (!hasTool('rpm')) return t.skip('needs rpm');
    const q = spawnSync('rpm', ['--root', r.root, '--dbpath', '/usr/lib/sysimage/rpm', '-q', '--qf', '[%{FILESTATES:fstate} %{FILENAMES}\\n]', 'net'], { encoding: 'utf8' });
    assert.match(q.stdout, /^net shared \/usr\/share\/net\/x$/m);
    assert.match(q.stdout, /^normal \/usr\/share\/local\/y$/m);
    const v = spawnSync('rpm', ['--root', r.root, '--dbpath', '/usr/lib/sysimage/rpm', '-Va'], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stdout + v.stderr);
  });

  test('Lua scriptlets are refused up front unless skipped', async () => {
    const l = await pack('luapkg', { 'usr/share/luapkg': 'x\n' }, { scripts: { post: { interpreter: '<lua>', body: 'print("hi")' } } });
    await assert.rejects(installPackages({ root: join(work, 'r4'), packages: [l] }), /Lua scriptlets cannot run outside rpm: %post\(luapkg-1-1\.noarch\)/);
    const r = await installPackages({ root: join(work, 'r5'), packages: [l], lua: 'skip' });
    assert.deepEqual(r.warnings, ['%post(luapkg-1-1.noarch): Lua scriptlet skipped']);
  });

  test('a failing %pretrans aborts the transaction (critical, as in rpm)', { skip: hasTool('chroot') ? false : 'needs chroot' }, async () => {
    const p = await pack('pre', { 'usr/share/pre': 'x\n' }, { scripts: { pretrans: 'exit 3\n' } });
    await assert.rejects(installPackages({ root: join(work, 'r6'), packages: [p] }), /%pretrans\(pre-1-1\.noarch\) scriptlet failed, exit status 127/);
  });
});

describe('capabilities text', () => {
  test('libcap forms compare by what the file stores', () => {
    assert.ok(sameFileCaps(parseCaps('cap_net_raw=ep'), parseCaps('cap_net_raw+ep')));
    assert.ok(sameFileCaps(parseCaps('= cap_net_raw,cap_net_admin+ep'), parseCaps('cap_net_admin,cap_net_raw=pe')));
    assert.ok(!sameFileCaps(parseCaps('cap_net_raw=ep'), parseCaps('cap_net_raw=p')));
    assert.ok(!sameFileCaps(parseCaps('cap_net_raw=ep'), parseCaps('=')));
    assert.equal(parseCaps('cap_setuid,cap_setgid=eip').permitted, (1n << 6n) | (1n << 7n));
    assert.throws(() => parseCaps('cap_bogus=ep'), /unknown capability/);
  });
});
