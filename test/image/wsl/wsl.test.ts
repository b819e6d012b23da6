// The WSL root filesystem: a gzip tar with the root's contents at the top level, WSL's two config
// files added (or the root's own kept), owners and modes preserved, reproducible.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WslImageError, type WslImageOptions, type WslImageResult, writeWslImage, wslDistributionConf } from '../../../src/image/wsl/index.ts';
import { workDir } from '../../support/fixtures.ts';
import { hasTool, needTools } from '../../support/tools.ts';
import { SDE, describeTree, isRoot, makeImageRoot } from '../oci/fixture-root.ts';

const work = workDir('image-wsl');
const root = join(work, 'root');
const TOOLS = ['getfattr', 'setfattr', 'setcap', 'mknod', 'tar'];
const ready = TOOLS.every(hasTool);
let options: WslImageOptions;
let built: WslImageResult;

function tar(args: string[]): string {
  const r = spawnSync('tar', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

before(async () => {
  if (!ready) return;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  await makeImageRoot(work, root);
  options = { root, output: join(work, 'out', 'StrataTest.wsl'), defaultName: 'StrataTest-1.0', defaultUid: 1000, sourceDateEpoch: SDE };
  built = await writeWslImage(options);
});

after(() => {
  if (ready) rmSync(work, { recursive: true, force: true });
});

test('tar -tzvf: the root at top level, WSL config files added as root:root 0644, owners kept', (t) => {
  if (!needTools(t, ...TOOLS)) return;
  const listing = tar(['--numeric-owner', '-tzvf', built.path]).trim().split('\n');
  const byName = new Map(listing.map((l) => [l.split(/\s+/).slice(5).join(' ').replace(/ -> .*| link to .*/, ''), l]));
  const names = [...byName.keys()];
  // Top level is the root's own entries: no "./", no leading directory, no absolute paths.
  assert.deepEqual(names.filter((n) => !n.replace(/\/$/, '').includes('/')).sort(),
    ['bin', 'dev/', 'etc/', 'home/', 'root/', 'tmp/', 'usr/', 'var/']);
  assert.ok(names.every((n) => !n.startsWith('./') && !n.startsWith('/')));
  assert.match(byName.get('etc/wsl.conf')!, /^-rw-r--r-- 0\/0 /);
  assert.match(byName.get('etc/wsl-distribution.conf')!, /^-rw-r--r-- 0\/0 /);
  assert.match(byName.get('bin')!, /^lrwxrwxrwx 0\/0 .* bin -> usr\/bin$/);
  assert.match(byName.get('tmp/')!, /^drwxrwxrwt /);
  assert.match(byName.get('root/')!, /^drwx------ 0\/0 /);
  assert.match(byName.get('usr/libexec/suid-helper')!, /^-rwsr-xr-x /);
  assert.match(byName.get('usr/bin/busybox')!, /link to usr\/bin\/bb$/);
  if (isRoot) {
    assert.match(byName.get('home/tester/')!, /^drwxr-xr-x 1000\/1000 /);
    assert.match(byName.get('dev/null')!, /^crw-rw-rw- 0\/0 +1,3 /);
  }
  assert.deepEqual(built.generated, ['etc/wsl-distribution.conf', 'etc/wsl.conf']);
  assert.deepEqual(built.warnings, []);
  // The root on disk is not changed.
  assert.equal(existsSync(join(root, 'etc/wsl.conf')), false);
});

test('wsl.conf and wsl-distribution.conf content', (t) => {
  if (!needTools(t, ...TOOLS)) return;
  const conf = tar(['-xzOf', built.path, 'etc/wsl.conf']);
  assert.match(conf, /^\[boot\]\nsystemd=false$/m, 'no /sbin/init in the root: systemd off');
  const dist = tar(['-xzOf', built.path, 'etc/wsl-distribution.conf']);
  assert.match(dist, /^\[oobe\]\ndefaultName = StrataTest-1.0\ndefaultUid = 1000\n$/m);
  assert.equal(dist, wslDistributionConf(options));
  const keys = dist.split('\n').filter((l) => /^\w+ = /.test(l)).map((l) => l.split(' ')[0]);
  assert.deepEqual(keys, ['defaultName', 'defaultUid']);
});

test('extracted with GNU tar, the archive is the root plus the two config files', (t) => {
  if (!needTools(t, ...TOOLS)) return;
  if (!isRoot) return t.skip('extracting owners and devices needs root');
  const dest = join(work, 'extracted');
  mkdirSync(dest);
  tar(['--xattrs', '--xattrs-include=*', '--numeric-owner', '-xpzf', built.path, '-C', dest]);
  const want = describeTree(root, SDE);
  const got = describeTree(dest, undefined, (p) => p === 'etc/wsl.conf' || p === 'etc/wsl-distribution.conf');
  assert.deepEqual([...got.keys()], [...want.keys()]);
  for (const [p, w] of want) assert.deepEqual(got.get(p), w, p);
});

test('same root and SOURCE_DATE_EPOCH: byte-identical .wsl / .tar.gz', async (t) => {
  if (!needTools(t, ...TOOLS)) return;
  const again = await writeWslImage({ ...options, output: join(work, 'out', 'again.tar.gz') });
  assert.equal(again.digest, built.digest);
  assert.deepEqual(readFileSync(again.path), readFileSync(built.path));
  assert.deepEqual([...readFileSync(built.path).subarray(0, 8)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
});

test('a root with its own WSL config files and an init keeps them and reports it', async (t) => {
  if (!needTools(t, ...TOOLS)) return;
  const own = join(work, 'own-root');
  mkdirSync(join(own, 'etc'), { recursive: true });
  mkdirSync(join(own, 'usr/lib/systemd'), { recursive: true });
  mkdirSync(join(own, 'usr/sbin'), { recursive: true });
  writeFileSync(join(own, 'etc/os-release'), 'ID=x\n');
  writeFileSync(join(own, 'etc/wsl.conf'), '[boot]\nsystemd=true\n');
  writeFileSync(join(own, 'usr/lib/systemd/systemd'), '');
  symlinkSync('../lib/systemd/systemd', join(own, 'usr/sbin/init'));
  symlinkSync('usr/sbin', join(own, 'sbin'));
  const r = await writeWslImage({ root: own, output: join(work, 'own.wsl'), defaultName: 'Own', sourceDateEpoch: SDE });
  assert.deepEqual(r.generated, ['etc/wsl-distribution.conf']);
  assert.equal(tar(['-xzOf', r.path, 'etc/wsl.conf']), '[boot]\nsystemd=true\n');
  assert.deepEqual(r.warnings, ['/etc/passwd has no root user (uid 0)', '/bin/sh is missing']);
  // Without a wsl.conf, an init in the root turns systemd on.
  rmSync(join(own, 'etc/wsl.conf'));
  const auto = await writeWslImage({ root: own, output: join(work, 'own2.wsl'), defaultName: 'Own', sourceDateEpoch: SDE });
  assert.match(tar(['-xzOf', auto.path, 'etc/wsl.conf']), /^systemd=true$/m);
});

test('refusals: no os-release, a missing OOBE command, a bad distribution name', async (t) => {
  if (!needTools(t, ...TOOLS)) return;
  const bare = join(work, 'bare');
  mkdirSync(join(bare, 'etc'), { recursive: true });
  await assert.rejects(writeWslImage({ root: bare, output: join(work, 'bare.wsl'), defaultName: 'Bare' }),
    (e: Error) => e instanceof WslImageError && /no \/etc\/os-release or \/usr\/lib\/os-release/.test(e.message));
  await assert.rejects(writeWslImage({ ...options, oobeCommand: '/usr/lib/wsl/oobe.sh' }), /oobeCommand: \/usr\/lib\/wsl\/oobe.sh is not a file in the image root/);
  await assert.rejects(writeWslImage({ ...options, defaultName: 'has space' }), /defaultName "has space"/);
  assert.equal(existsSync(join(work, 'bare.wsl')), false);
});
