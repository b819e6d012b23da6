// The immutable container host booted for real: the ExampleOS host example (Debian's kernel,
// busybox-static, systemd-boot and veritysetup packed with `strata pack`, composed without rpmdb)
// becomes the A/B disk, which OVMF + systemd-boot + our initramfs boot in QEMU (KVM when it works,
// software emulation otherwise) up to the console marker "/usr is mounted read-only from a verity
// device". Judged by the tools users trust: veritysetup verify per slot, fsck.erofs, sfdisk, sgdisk,
// mtools. A flipped byte in USR-A stops the boot before the marker; an A entry out of tries (boot
// counting) falls back to slot B, filled from an update payload; building twice gives the same disk.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, openSync, closeSync, readSync, writeSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { composeExampleHost } from '../../../examples/host/build.ts';
import type { AssembledDisk } from '../../../src/image/disk/index.ts';
import { bootDisk, BOOT_FAIL_MARKER, BOOT_OK_MARKER, buildHostImage, findOvmf, findPackageManagement, readSlotUpdate, type HostImageResult, verifyVerity } from '../../../src/image/host/index.ts';
import { FIXTURES, workDir } from '../../support/fixtures.ts';
import { hasTool } from '../../support/tools.ts';

const KEY = join(FIXTURES, 'rpm', 'keys', 'rpm.org-rsa-2048-test.secret');
const PUB = join(FIXTURES, 'rpm', 'keys', 'rpm.org-rsa-2048-test.pub');
const SDE = 1767225600;
const BOOT_TIMEOUT_MS = 180_000;
const work = workDir('image-host-boot');

const TOOLS = ['mkfs.erofs', 'fsck.erofs', 'veritysetup', 'mkfs.ext4', 'mkfs.vfat', 'mcopy', 'mren', 'mdir', 'sfdisk', 'sgdisk', 'apt-get', 'apt-cache', 'dpkg-deb', 'ldd', 'busybox'];
const skipReason = !hasTool('qemu-system-x86_64') || !findOvmf()
  ? 'needs qemu-system-x86_64 and OVMF (apt-get install qemu-system-x86 ovmf)'
  : process.arch !== 'x64' ? 'the example host is built for x86_64' : false;

/** DPS partition type GUIDs for x86-64, written out here as the oracle. */
const DPS = {
  esp: 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b',
  usr: '8484680c-9521-48c6-9c11-b0720656f69e',
  'usr-verity': '77ff5f63-e7b6-4633-acf4-1565b864c0e6',
  root: '4f68bce3-e8cd-4db1-96e7-fbcaf984b709',
};

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): { code: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function part(disk: AssembledDisk, label: string) {
  const p = disk.partitions.find((x) => x.label === label);
  assert.ok(p, `partition ${label}`);
  return p;
}

/** Copies `length` bytes at `offset` of `from` into `to` at `toOffset` (a new file when toOffset is undefined). */
function copyBytes(from: string, offset: number, length: number, to: string, toOffset?: number): void {
  const src = openSync(from, 'r');
  const dst = openSync(to, toOffset === undefined ? 'w' : 'r+');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let done = 0; done < length; ) {
      const n = readSync(src, buf, 0, Math.min(buf.length, length - done), offset + done);
      assert.ok(n > 0, `${from}: short read`);
      writeSync(dst, buf, 0, n, (toOffset ?? 0) + done);
      done += n;
    }
  } finally {
    closeSync(src);
    closeSync(dst);
  }
}

function flipByte(file: string, at: number): void {
  const fd = openSync(file, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, at);
  b[0] ^= 0xff;
  writeSync(fd, b, 0, 1, at);
  closeSync(fd);
}

/** mtools on the ESP inside a raw disk. */
function esp(disk: string, offset: number, cmd: string, ...args: string[]): string {
  const r = run(cmd, ['-i', `${disk}@@${offset}`, ...args], { MTOOLS_SKIP_CHECK: '1' });
  assert.equal(r.code, 0, `${cmd} ${args.join(' ')}: ${r.out}`);
  return r.out;
}

describe('immutable host: the ExampleOS container host boots from a verity-protected /usr', { skip: skipReason }, () => {
  let host: HostImageResult;
  let root: string;
  let packages: string[];
  const copy = (name: string) => {
    const p = join(work, 'disks', name);
    mkdirSync(join(work, 'disks'), { recursive: true });
    copyFileSync(host.disk.path, p);
    return p;
  };
  const boot = (disk: string, name: string) => bootDisk({ disk, workDir: join(work, 'boot', name), timeoutMs: BOOT_TIMEOUT_MS });

  before(async () => {
    const missing = TOOLS.filter((t) => !hasTool(t));
    if (missing.length) throw new Error(`missing tools: ${missing.join(', ')} (run .ci/install-deps)`);
    if (process.getuid?.() !== 0) throw new Error('composing an image root needs root');
    rmSync(work, { recursive: true, force: true });
    const composed = await composeExampleHost({ out: join(work, 'example'), signKey: KEY, publicKey: PUB, sourceDateEpoch: SDE });
    root = composed.root;
    packages = composed.packages;
    host = await buildHostImage({
      root, outDir: join(work, 'image'), workDir: join(work, 'image-work'), id: 'exampleos', version: '1.0', arch: composed.arch,
      sourceDateEpoch: SDE, packages, updatePayload: join(work, 'image', 'update.tar'),
    });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('no rpm, dnf or rpmdb in the image; fsck.erofs finds USR-A clean', () => {
    assert.deepEqual(packages.map((n) => n.replace(/-[^-]+-[^-]+$/, '')).sort(), ['busybox', 'exampleos-host-base', 'kernel', 'systemd-boot', 'veritysetup']);
    assert.deepEqual(findPackageManagement(root), []);
    const a = part(host.disk, 'USR-A');
    const image = join(work, 'usr-a.img');
    copyBytes(host.disk.path, a.offset, a.size, image);
    // Extracted as the /usr of an otherwise empty root, where the same check must find nothing.
    const extracted = join(work, 'usr-a-root', 'usr');
    mkdirSync(join(work, 'usr-a-root'));
    const fsck = run('fsck.erofs', [`--extract=${extracted}`, image]);
    assert.equal(fsck.code, 0, fsck.out);
    assert.deepEqual(findPackageManagement(join(work, 'usr-a-root')), []);
    for (const p of ['bin/rpm', 'bin/dnf', 'bin/dnf5', 'lib/sysimage/rpm']) assert.equal(existsSync(join(extracted, p)), false, p);
    assert.ok(readFileSync(join(extracted, 'lib/os-release'), 'utf8').includes('VARIANT_ID=container-host'));
    assert.ok(existsSync(join(extracted, 'sbin/veritysetup')));
    assert.ok(existsSync(join(extracted, 'share/factory/etc/passwd')), '/etc defaults ship in /usr/share/factory');
  });

  test('partitions: DPS types, labels, A and B slots of the same size, GPT clean', () => {
    const j = JSON.parse(run('sfdisk', ['--json', host.disk.path]).out) as { partitiontable: { label: string; partitions: Array<{ name: string; type: string; size: number }> } };
    assert.equal(j.partitiontable.label, 'gpt');
    const ps = j.partitiontable.partitions;
    assert.deepEqual(ps.map((p) => [p.name, p.type.toLowerCase()]), [
      ['ESP', DPS.esp], ['USR-A', DPS.usr], ['USR-A-verity', DPS['usr-verity']], ['USR-B', DPS.usr], ['USR-B-verity', DPS['usr-verity']], ['ROOT', DPS.root],
    ]);
    assert.equal(ps[1].size, ps[3].size);
    assert.equal(ps[2].size, ps[4].size);
    // systemd-repart's convention (what usrhash= discovery looks for): USR-A's partition UUID is the
    // root hash's first 128 bits, its verity partition's the last 128.
    const uuids = (JSON.parse(run('sfdisk', ['--json', host.disk.path]).out) as { partitiontable: { partitions: Array<{ name: string; uuid: string }> } })
      .partitiontable.partitions.map((p) => [p.name, p.uuid.toLowerCase().replaceAll('-', '')]);
    const h = host.slotA.rootHash;
    assert.deepEqual(uuids.filter(([n]) => n.startsWith('USR-A')), [['USR-A', h.slice(0, 32)], ['USR-A-verity', h.slice(32)]]);
    assert.match(run('sgdisk', ['-v', host.disk.path]).out, /No problems found/);
    const entries = esp(host.disk.path, part(host.disk, 'ESP').offset, 'mdir', '-b', '::/loader/entries');
    assert.deepEqual(entries.trim().split('\n').map((l) => l.replace(/^.*\//, '')), ['exampleos-a+3-0.conf'], 'only slot A has an entry until B has content');
  });

  test('veritysetup verify: slot A with the recorded root hash; one flipped byte in USR-A fails it', async () => {
    const a = part(host.disk, 'USR-A');
    const h = part(host.disk, 'USR-A-verity');
    const data = join(work, 'verify-a.data');
    const hash = join(work, 'verify-a.hash');
    copyBytes(host.disk.path, a.offset, a.size, data);
    copyBytes(host.disk.path, h.offset, h.size, hash);
    const ok = await verifyVerity(data, hash, host.slotA.rootHash);
    assert.ok(ok.ok, ok.message);
    assert.equal((await verifyVerity(data, hash, 'ab'.repeat(32))).ok, false, 'another root hash does not verify');
    flipByte(data, Math.floor(host.usr.size / 2));
    const bad = await verifyVerity(data, hash, host.slotA.rootHash);
    assert.equal(bad.ok, false);
    assert.match(bad.message, /corrupt|fail|mismatch/i);
  });

  test('boots slot A to the marker: /usr read-only from the verity device; systemd-boot counted the try', async () => {
    const disk = copy('a.raw');
    const r = await boot(disk, 'a');
    assert.ok(r.console.includes(`${BOOT_OK_MARKER} usr=ro verity=${host.slotA.rootHash} slot=a`), `no boot marker (${r.accel}, exit ${r.exitCode}, timed out ${r.timedOut}); console:\n${r.console.slice(-4000)}`);
    assert.equal(r.timedOut, false, 'the init powers the machine off');
    const entries = esp(disk, part(host.disk, 'ESP').offset, 'mdir', '-b', '::/loader/entries');
    assert.match(entries, /exampleos-a\+2-1\.conf/, `boot counting renames the entry: ${entries}`);
  });

  test('with one byte of USR-A flipped, the boot does not reach the marker', async () => {
    const disk = copy('corrupt.raw');
    flipByte(disk, part(host.disk, 'USR-A').offset + Math.floor(host.usr.size / 2));
    const r = await boot(disk, 'corrupt');
    assert.ok(!r.console.includes(BOOT_OK_MARKER), `a corrupted /usr booted:\n${r.console.slice(-4000)}`);
    // dm-verity refuses the block (the kernel logs it) and the init stops with its failure marker.
    assert.match(r.console, /device-mapper: verity: .*data block \d+ is corrupted/, r.console.slice(-4000));
    assert.match(r.console, new RegExp(`${BOOT_FAIL_MARKER} verity: /usr has blocks that do not match root hash ${host.slotA.rootHash}`), r.console.slice(-4000));
  });

  test('an A entry out of tries falls back to slot B, filled from an update payload', async () => {
    // An older version for B, so that A (newer) sorts first while it has tries left.
    const old = await buildHostImage({
      root, outDir: join(work, 'v0.9'), workDir: join(work, 'v0.9-work'), id: 'exampleos', version: '0.9', arch: 'x86_64',
      sourceDateEpoch: SDE, updatePayload: join(work, 'v0.9', 'update.tar'),
    });
    assert.notEqual(old.slotA.rootHash, host.slotA.rootHash);
    const u = await readSlotUpdate(join(work, 'v0.9', 'update.tar'), { extractTo: join(work, 'v0.9', 'payload') });
    const disk = copy('fallback.raw');
    const b = part(host.disk, 'USR-B');
    const bv = part(host.disk, 'USR-B-verity');
    copyBytes(u.files.usr, 0, u.manifest.usr.size, disk, b.offset);
    copyBytes(u.files.verity, 0, u.manifest.verity.size, disk, bv.offset);
    // veritysetup verify of slot B as written into the disk.
    const data = join(work, 'verify-b.data');
    const hash = join(work, 'verify-b.hash');
    copyBytes(disk, b.offset, b.size, data);
    copyBytes(disk, bv.offset, bv.size, hash);
    const vb = await verifyVerity(data, hash, u.manifest.verity.rootHash);
    assert.ok(vb.ok, vb.message);
    const espOffset = part(host.disk, 'ESP').offset;
    esp(disk, espOffset, 'mmd', '::/exampleos/b');
    esp(disk, espOffset, 'mcopy', u.files.kernel, '::/exampleos/b/linux');
    esp(disk, espOffset, 'mcopy', u.files.initrd, '::/exampleos/b/initrd');
    esp(disk, espOffset, 'mcopy', u.files.entries.b, `::/loader/entries/${u.manifest.entries.b.name}`);
    esp(disk, espOffset, 'mren', '::/loader/entries/exampleos-a+3-0.conf', '::/loader/entries/exampleos-a+0-3.conf');
    const r = await boot(disk, 'fallback');
    assert.ok(r.console.includes(`${BOOT_OK_MARKER} usr=ro verity=${u.manifest.verity.rootHash} slot=b`), `slot B did not boot (${r.accel}):\n${r.console.slice(-4000)}`);
  });

  test('building twice gives byte-identical disks and payloads', async () => {
    const again = await buildHostImage({
      root, outDir: join(work, 'again'), workDir: join(work, 'again-work'), id: 'exampleos', version: '1.0', arch: 'x86_64',
      sourceDateEpoch: SDE, packages, updatePayload: join(work, 'again', 'update.tar'),
    });
    assert.equal(again.disk.sha256, host.disk.sha256);
    assert.equal(again.update!.manifestSha256, host.update!.manifestSha256);
    assert.deepEqual(readFileSync(join(work, 'again', 'update.tar')), readFileSync(join(work, 'image', 'update.tar')));
  });
});
