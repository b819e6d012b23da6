// The immutable-host disk (ESP vfat, USR-A erofs + verity, USR-B empty + verity, ROOT ext4) checked
// by the tools that consume it: sfdisk/sgdisk read the GPT, fsck.vfat/fsck.erofs/e2fsck the
// filesystems (whose extracted content must equal the source trees), veritysetup verifies each
// slot with the recorded root hash and rejects a flipped byte, qemu-img reads the vhd/qcow2
// outputs back to the raw bytes. A second build from a tree made in reverse order is identical.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AssembledDisk, type ConvertedDisk, DiskImageError, type DiskSpec, assembleDisk, convertDisk, parseVhdFooter, readGpt,
} from '../../../src/image/disk/index.ts';
import { workDir } from '../../support/fixtures.ts';
import { hasTool, needTools } from '../../support/tools.ts';
import { OLD, SDE, canXattr, describe, hostSpec, isRoot, makeTrees, noise } from './fixture.ts';

const TOOLS = ['mkfs.ext4', 'debugfs', 'e2fsck', 'dumpe2fs', 'mkfs.erofs', 'fsck.erofs', 'dump.erofs', 'mkfs.vfat', 'fsck.vfat', 'mcopy', 'mmd', 'veritysetup', 'qemu-img', 'sgdisk', 'sfdisk'];
const ready = TOOLS.every(hasTool);
const work = workDir('image-disk');
const MiB = 1024 * 1024;

interface Build {
  trees: { esp: string; usr: string; root: string };
  spec: DiskSpec;
  disk: AssembledDisk;
  formats: Record<'vhd' | 'vhd-dynamic' | 'qcow2', ConvertedDisk>;
}
let a: Build;
let b: Build;

function sh(cmd: string, args: string[], env?: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', MTOOLS_SKIP_CHECK: '1', ...env }, maxBuffer: 64 * MiB });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

function ok(cmd: string, args: string[], env?: Record<string, string>): string {
  const r = sh(cmd, args, env);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Cuts a partition out of the disk into its own file. */
function extract(disk: string, offset: number, size: number, out: string): string {
  const fd = openSync(disk, 'r');
  const buf = Buffer.alloc(size);
  readSync(fd, buf, 0, size, offset);
  closeSync(fd);
  writeFileSync(out, buf);
  return out;
}

function part(d: AssembledDisk, label: string) {
  const p = d.partitions.find((x) => x.label === label);
  assert.ok(p, `no partition ${label}`);
  return p;
}

async function build(name: string, reverse: boolean): Promise<Build> {
  const trees = makeTrees(join(work, `${name}-trees`), reverse);
  const spec = hostSpec(trees);
  const raw = join(work, name, 'disk.raw');
  const disk = await assembleDisk(spec, raw);
  const formats = {
    vhd: await convertDisk(raw, join(work, name, 'disk.vhd'), 'vhd', { sourceDateEpoch: SDE }),
    'vhd-dynamic': await convertDisk(raw, join(work, name, 'disk-dynamic.vhd'), 'vhd-dynamic', { sourceDateEpoch: SDE }),
    qcow2: await convertDisk(raw, join(work, name, 'disk.qcow2'), 'qcow2'),
  };
  return { trees, spec, disk, formats };
}

before(async () => {
  if (!ready) return;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  a = await build('a', false);
  b = await build('b', true);
});

after(() => rmSync(work, { recursive: true, force: true }));

test('GPT: sfdisk and sgdisk read it cleanly; types, labels, UUIDs, attributes as specified', (t) => {
  if (!needTools(t, ...TOOLS)) return;
  const d = a.disk;
  assert.deepEqual(d.partitions.map((p) => p.label), ['ESP', 'USR-A', 'USR-A-verity', 'USR-B', 'USR-B-verity', 'ROOT']);
  const verify = ok('sgdisk', ['-v', d.path]);
  assert.match(verify, /No problems found/);
  const dump = ok('sfdisk', ['-d', d.path]);
  assert.match(dump, new RegExp(`label-id: ${d.diskGuid}`, 'i'));
  const lines = dump.split('\n').filter((l) => l.includes(' : start='));
  assert.equal(lines.length, 6);
  const want: Record<string, string> = {
    ESP: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B', 'USR-A': '8484680C-9521-48C6-9C11-B0720656F69E',
    'USR-A-verity': '77FF5F63-E7B6-4633-ACF4-1565B864C0E6', 'USR-B': '8484680C-9521-48C6-9C11-B0720656F69E',
    'USR-B-verity': '77FF5F63-E7B6-4633-ACF4-1565B864C0E6', ROOT: '4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709',
  };
  d.partitions.forEach((p, i) => {
    const l = lines[i];
    assert.match(l, new RegExp(`start=\\s*${p.offset / 512}, size=\\s*${p.size / 512}, type=${want[p.label]}, uuid=${p.uuid.toUpperCase()}, name="${p.label}"`));
    assert.equal(p.offset % MiB, 0, `${p.label} is 1 MiB aligned`);
    assert.equal(p.typeGuid.toUpperCase(), want[p.label]);
  });
  assert.match(lines[1], /attrs="GUID:60"/);
  assert.match(lines[3], /attrs="GUID:60,63"/);
  assert.doesNotMatch(lines[0], /attrs/);
  // Our reader agrees, and the slots are the same size.
  const head = Buffer.alloc(34 * 512);
  const fd = openSync(d.path, 'r');
  readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const gpt = readGpt(head);
  assert.equal(gpt.diskGuid, d.diskGuid);
  assert.deepEqual(gpt.partitions.map((p) => p.uuid), d.partitions.map((p) => p.uuid));
  assert.equal(part(d, 'USR-B').size, part(d, 'USR-A').size);
  assert.equal(part(d, 'USR-B-verity').size, part(d, 'USR-A-verity').size);
  assert.equal(d.size % MiB, 0);
  assert.equal(d.sha256, sha256(d.path));
});

test('verity: each slot verifies with its recorded root hash; DPS UUIDs are the root hash halves; one flipped byte fails', (t) => {
  if (!needTools(t, ...TOOLS)) return;
  const d = a.disk;
  const dir = join(work, 'verity');
  mkdirSync(dir, { recursive: true });
  for (const slot of ['A', 'B']) {
    const data = part(d, `USR-${slot}`);
    const hash = part(d, `USR-${slot}-verity`);
    const v = hash.verity!;
    assert.ok(v, `USR-${slot}-verity has verity info`);
    assert.equal(v.of, `USR-${slot}`);
    assert.equal(v.dataBlocks * v.dataBlockSize, data.size);
    assert.equal(data.uuid.replace(/-/g, ''), v.rootHash.slice(0, 32));
    assert.equal(hash.uuid.replace(/-/g, ''), v.rootHash.slice(32));
    const dataFile = extract(d.path, data.offset, data.size, join(dir, `usr-${slot}.img`));
    const hashFile = extract(d.path, hash.offset, hash.size, join(dir, `usr-${slot}.verity`));
    assert.equal(sha256(dataFile), data.sha256);
    ok('veritysetup', ['verify', dataFile, hashFile, v.rootHash]);
    const dumpOut = ok('veritysetup', ['dump', hashFile]);
    assert.match(dumpOut, new RegExp(`Salt:\\s+${v.salt}`));
    assert.match(dumpOut, new RegExp(`UUID:\\s+${v.uuid}`));
  }
  const rootA = part(d, 'USR-A-verity').verity!.rootHash;
  const rootB = part(d, 'USR-B-verity').verity!.rootHash;
  assert.notEqual(rootA, rootB);
  assert.notEqual(sh('veritysetup', ['verify', join(dir, 'usr-A.img'), join(dir, 'usr-A.verity'), rootB]).status, 0, 'slot A does not verify with slot B\'s hash');
  // Flip one byte of USR-A inside a copy of the disk, cut the slot out again: verification fails.
  const copy = join(dir, 'flipped.raw');
  writeFileSync(copy, readFileSync(d.path));
  const usrA = part(d, 'USR-A');
  const fd = openSync(copy, 'r+');
  const one = Buffer.alloc(1);
  readSync(fd, one, 0, 1, usrA.offset + 5000);
  one[0] ^= 0x01;
  writeSync(fd, one, 0, 1, usrA.offset + 5000);
  closeSync(fd);
  const flipped = extract(copy, usrA.offset, usrA.size, join(dir, 'usr-A-flipped.img'));
  const r = sh('veritysetup', ['verify', flipped, join(dir, 'usr-A.verity'), rootA]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr + r.stdout, /Verification (of data area )?failed/);
});

test('prebuilt verity: a tree made before the disk is checked against its data and sets the root-hash UUIDs', async (t) => {
  if (!needTools(t, ...TOOLS)) return;
  const dir = join(work, 'prebuilt');
  mkdirSync(dir, { recursive: true });
  const tree = (disk: AssembledDisk, slot: string) => {
    const data = part(disk, `USR-${slot}`);
    const hash = part(disk, `USR-${slot}-verity`);
    const v = hash.verity!;
    return {
      data: extract(disk.path, data.offset, data.size, join(dir, `usr-${slot}.img`)),
      prebuilt: { path: extract(disk.path, hash.offset, hash.size, join(dir, `usr-${slot}.verity`)), rootHash: v.rootHash, salt: v.salt, uuid: v.uuid, dataBlocks: v.dataBlocks },
    };
  };
  const slotA = tree(a.disk, 'A');
  const slotB = tree(a.disk, 'B');
  const spec = (prebuilt: typeof slotA.prebuilt): DiskSpec => ({
    arch: 'x86_64', seed: 'prebuilt', sourceDateEpoch: SDE,
    partitions: [
      { label: 'U', type: 'usr', content: { kind: 'file', path: slotA.data } },
      { label: 'V', type: 'usr-verity', content: { kind: 'verity', of: 'U', prebuilt } },
    ],
  });
  const disk = await assembleDisk(spec(slotA.prebuilt), join(dir, 'ok.raw'));
  const [u, v] = [part(disk, 'U'), part(disk, 'V')];
  assert.equal(u.uuid.replace(/-/g, ''), slotA.prebuilt.rootHash.slice(0, 32));
  assert.equal(v.uuid.replace(/-/g, ''), slotA.prebuilt.rootHash.slice(32));
  const { path: _path, ...made } = slotA.prebuilt;
  assert.deepEqual(v.verity, { ...made, dataBlockSize: 4096, hashBlockSize: 4096, hashOffset: 0, of: 'U' });
  ok('veritysetup', ['verify', extract(disk.path, u.offset, u.size, join(dir, 'u.img')), extract(disk.path, v.offset, v.size, join(dir, 'v.img')), slotA.prebuilt.rootHash]);
  // Slot B's tree over slot A's data: refused, and no disk is left behind.
  await assert.rejects(assembleDisk(spec(slotB.prebuilt), join(dir, 'bad.raw')), (e: Error) => e instanceof DiskImageError && /partition "V": veritysetup .*failed/.test(e.message) && !e.message.includes('\n'));
  assert.equal(existsSync(join(dir, 'bad.raw')), false);
  await assert.rejects(assembleDisk(spec({ ...slotA.prebuilt, rootHash: 'xyz' }), join(dir, 'bad.raw')), /prebuilt verity root hash must be 64 hex digits/);
});

test('ESP: fsck.vfat clean, files equal the tree, times clamped to SOURCE_DATE_EPOCH', (t) => {
  if (!needTools(t, ...TOOLS)) return;
  const esp = part(a.disk, 'ESP');
  assert.equal(esp.size, 40 * MiB);
  assert.match(esp.fsUuid ?? '', /^[0-9A-F]{4}-[0-9A-F]{4}$/);
  const img = extract(a.disk.path, esp.offset, esp.size, join(work, 'esp.img'));
  ok('fsck.vfat', ['-n', img]);
  const out = join(work, 'esp-out');
  mkdirSync(out);
  ok('mcopy', ['-s', '-m', '-i', img, '::/EFI', '::/loader', out]);
  assert.deepEqual(describe(out), describe(a.trees.esp));
  for (const f of ['loader/entries/strata-a+3-0.conf', 'EFI/BOOT/BOOTX64.EFI']) {
    assert.ok(lstatSync(join(out, f)).mtimeMs / 1000 <= SDE, `${f} mtime is at most SOURCE_DATE_EPOCH`);
  }
  assert.match(ok('mdir', ['-i', img, '::/']), new RegExp(`Volume Serial Number is ${esp.fsUuid}`));
});

test('USR-A: fsck.erofs clean, content equal to the tree, label and UUID set', (t) => {
  if (!needTools(t, ...TOOLS)) return;
  const usr = part(a.disk, 'USR-A');
  const img = extract(a.disk.path, usr.offset, usr.size, join(work, 'usr-a.img'));
  const out = join(work, 'usr-out');
  const r = sh('fsck.erofs', [`--extract=${out}`, img]);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /<E>/);
  assert.deepEqual(describe(out), describe(a.trees.usr));
  const nid = (path: string) => /NID: (\d+)\s+Links: (\d+)/.exec(ok('dump.erofs', [`--path=${path}`, img]))?.slice(1);
  assert.deepEqual(nid('/bin/tool'), nid('/bin/tool-alias'), 'hard link kept');
  assert.equal(nid('/bin/tool')?.[1], '2');
  if (isRoot) assert.match(ok('dump.erofs', ['--path=/lib/owned-by-1000', img]), /Uid: 1000\s+Gid: 1000/, 'owner kept');
  assert.match(ok('dump.erofs', ['--path=/lib/new-file', img]), /Timestamp: 2023-11-14 22:13:20/, 'mtime clamped');
  if (hasTool('blkid')) {
    const id = ok('blkid', ['-p', '-o', 'export', img]);
    assert.match(id, /TYPE=erofs/);
    assert.match(id, /LABEL=usr-a/);
    assert.match(id, new RegExp(`UUID=${usr.fsUuid}`));
  }
  if (canXattr) assert.ok(readFileSync(img).includes('kept'), 'xattr value stored');
  assert.ok((usr.contentSize ?? 0) > 900_000 && usr.contentSize! <= usr.size);
});

test('ROOT: e2fsck clean, content equal to the tree, ctime/atime pinned, owners kept', (t) => {
  if (!needTools(t, ...TOOLS)) return;
  const root = part(a.disk, 'ROOT');
  const img = extract(a.disk.path, root.offset, root.size, join(work, 'root.img'));
  ok('e2fsck', ['-fn', img]);
  const out = join(work, 'root-out');
  mkdirSync(out);
  ok('debugfs', ['-R', `rdump / ${out}`, img]);
  const got = describe(out);
  delete got['lost+found'];
  assert.deepEqual(got, describe(a.trees.root));
  const stat = ok('debugfs', ['-R', 'stat "/etc/we""ird name"', img]);
  for (const field of ['ctime', 'atime', 'crtime']) assert.match(stat, new RegExp(`\\b${field}: 0x${SDE.toString(16)}:00000000`), field);
  assert.match(stat, new RegExp(`\\bmtime: 0x${OLD.toString(16)}:00000000`), 'older mtime kept');
  const newer = ok('debugfs', ['-R', 'stat /var/lib/state', img]);
  assert.match(newer, new RegExp(`mtime: 0x${SDE.toString(16)}:`), 'mtime newer than the epoch is clamped');
  if (isRoot) assert.match(ok('debugfs', ['-R', 'stat /etc/owned-by-1000', img]), /User:\s+1000\s+Group:\s+1000/);
  const sb = ok('dumpe2fs', ['-h', img]);
  assert.match(sb, new RegExp(`Filesystem UUID:\\s+${root.fsUuid}`));
  assert.match(sb, /Filesystem volume name:\s+root/);
  assert.doesNotMatch(sb, /metadata_csum_seed|orphan_file/);
});

test('vhd, vhd-dynamic, qcow2: qemu-img reads them back to the raw bytes', (t) => {
  if (!needTools(t, ...TOOLS)) return;
  const raw = a.disk.path;
  const rawHash = a.disk.sha256;
  const info = (file: string, fmt?: string) => JSON.parse(ok('qemu-img', ['info', '--output=json', ...(fmt ? ['-f', fmt] : []), file]));
  const fixed = a.formats.vhd;
  assert.equal(fixed.size, a.disk.size + 512);
  assert.deepEqual([info(fixed.path, 'vpc').format, info(fixed.path, 'vpc')['virtual-size']], ['vpc', a.disk.size]);
  const footer = parseVhdFooter(readFileSync(fixed.path).subarray(a.disk.size));
  assert.deepEqual([footer.type, footer.size, footer.timestamp, footer.checksumOk], ['fixed', a.disk.size, SDE, true]);
  const dyn = a.formats['vhd-dynamic'];
  const di = info(dyn.path);
  assert.deepEqual([di.format, di['virtual-size']], ['vpc', a.disk.size], 'dynamic VHD probed as vpc with the right size');
  assert.ok(dyn.size < a.disk.size, 'dynamic VHD leaves zero blocks out');
  const q = a.formats.qcow2;
  assert.match(ok('qemu-img', ['check', q.path]), /No errors were found/);
  assert.equal(info(q.path)['virtual-size'], a.disk.size);
  for (const [file, fmt] of [[fixed.path, 'vpc'], [dyn.path, 'vpc'], [q.path, 'qcow2']]) {
    const back = join(work, `back-${fmt}-${file.endsWith('dynamic.vhd') ? 'dyn' : 'x'}.raw`);
    ok('qemu-img', ['convert', '-f', fmt, '-O', 'raw', file, back]);
    assert.equal(sha256(back), rawHash, `${file} converts back to the raw disk`);
  }
  for (const c of [fixed, dyn, q]) assert.equal(c.sha256, sha256(c.path));
  assert.equal(sha256(raw), rawHash);
});

test('building twice (tree made in reverse order) gives byte-identical raw, vhd, vhd-dynamic and qcow2', (t) => {
  if (!needTools(t, ...TOOLS)) return;
  assert.equal(b.disk.sha256, a.disk.sha256);
  assert.ok(readFileSync(a.disk.path).equals(readFileSync(b.disk.path)));
  const strip = (d: AssembledDisk) => ({ ...d, path: '' });
  assert.deepEqual(strip(b.disk), strip(a.disk));
  for (const f of ['vhd', 'vhd-dynamic', 'qcow2'] as const) {
    assert.equal(b.formats[f].sha256, a.formats[f].sha256, f);
    assert.ok(readFileSync(a.formats[f].path).equals(readFileSync(b.formats[f].path)), f);
  }
  // A different seed changes every identifier.
  assert.notEqual(hostSpec(a.trees, 'other').seed, a.spec.seed);
});

test('hostile inputs fail in one line, before or without leaving files behind', async (t) => {
  if (!needTools(t, ...TOOLS)) return;
  const dir = join(work, 'hostile');
  mkdirSync(join(dir, 'big'), { recursive: true });
  writeFileSync(join(dir, 'big', 'blob'), noise('big', 3 * MiB));
  mkdirSync(join(dir, 'almost'), { recursive: true });
  writeFileSync(join(dir, 'almost', 'blob'), noise('almost', Math.floor(3.95 * MiB)));
  mkdirSync(join(dir, 'esp-link'), { recursive: true });
  spawnSync('ln', ['-s', 'target', join(dir, 'esp-link', 'link')]);
  const base = (partitions: DiskSpec['partitions'], extra: Partial<DiskSpec> = {}): DiskSpec =>
    ({ arch: 'x86_64', seed: 's', sourceDateEpoch: SDE, partitions, ...extra });
  const empty = (label: string, size = MiB) => ({ label, type: 'linux-generic' as const, size, content: { kind: 'empty' as const } });
  const cases: Array<[string, DiskSpec, RegExp]> = [
    ['GPT label too long', base([empty('L'.repeat(37))]), /37 UTF-16 code units; GPT allows 36/],
    ['duplicate labels', base([empty('X'), empty('X')]), /partition "X": label used twice/],
    ['ext4 label too long', base([{ label: 'ROOT', type: 'root', content: { kind: 'ext4', dir: a.trees.root, label: 'x'.repeat(17) } }]), /ext4 label .* longer than 16 bytes/],
    ['erofs label too long', base([{ label: 'USR', type: 'usr', content: { kind: 'erofs', dir: a.trees.usr, label: 'x'.repeat(17) } }]), /erofs label .* longer than 16 bytes/],
    ['FAT label too long', base([{ label: 'ESP', type: 'esp', content: { kind: 'vfat', dir: a.trees.esp, label: 'TWELVECHARSX' } }]), /FAT label .* at most 11/],
    ['partitions exceed the disk size', base([empty('A', 4 * MiB), empty('B', 4 * MiB)], { size: 6 * MiB }), /partitions need 10 MiB, more than the disk size 6 MiB/],
    ['ext4 content too big', base([{ label: 'R', type: 'root', size: 2 * MiB, content: { kind: 'ext4', dir: join(dir, 'big') } }]), /content needs at least 3\.0 MiB, size is 2 MiB/],
    ['erofs content too big', base([{ label: 'U', type: 'usr', size: 2 * MiB, content: { kind: 'erofs', dir: join(dir, 'big') } }]), /content is 3\.0 MiB, more than the partition's 2 MiB/],
    ['vfat content too big', base([{ label: 'E', type: 'esp', size: 2 * MiB, content: { kind: 'vfat', dir: join(dir, 'big') } }]), /content needs at least 3\.0 MiB/],
    ['ext4 barely too small', base([{ label: 'R', type: 'root', size: 4 * MiB, content: { kind: 'ext4', dir: join(dir, 'almost') } }]), /mkfs\.ext4 failed: .*\(the content does not fit in 4 MiB\)$/],
    ['verity of a missing partition', base([{ label: 'V', type: 'usr-verity', content: { kind: 'verity', of: 'NOPE' } }]), /verity of "NOPE", which is not a partition/],
    ['verity of the wrong type', base([empty('D'), { label: 'V', type: 'usr-verity', content: { kind: 'verity', of: 'D' } }]), /usr-verity protects a usr partition; "D" is linux-generic/],
    ['sameSizeAs cycle', base([{ ...empty('A'), size: undefined, sameSizeAs: 'B' }, { ...empty('B'), size: undefined, sameSizeAs: 'A' }]), /sameSizeAs forms a cycle/],
    ['empty without a size', base([{ ...empty('A'), size: undefined }]), /an empty partition needs a size/],
    ['unknown arch', base([{ label: 'R', type: 'root', size: MiB, content: { kind: 'empty' } }], { arch: 'vax' }), /arch "vax"/],
    ['missing content dir', base([{ label: 'R', type: 'root', content: { kind: 'ext4', dir: join(dir, 'nope') } }]), /content directory .* does not exist/],
    ['symlink on the ESP', base([{ label: 'E', type: 'esp', content: { kind: 'vfat', dir: join(dir, 'esp-link') } }]), /link is a symbolic link; FAT holds only files and directories/],
    ['negative size', base([{ ...empty('A'), size: -5 }]), /size must be a positive whole number/],
  ];
  for (const [name, spec, re] of cases) {
    const output = join(dir, 'out', `${name.replace(/\W+/g, '-')}.raw`);
    await assert.rejects(assembleDisk(spec, output), (e: Error) => {
      assert.ok(e instanceof DiskImageError, `${name}: ${e.stack}`);
      assert.doesNotMatch(e.message, /\n/, `${name}: one line`);
      assert.match(e.message, re, name);
      return true;
    }, name);
    assert.equal(existsSync(output), false, `${name}: no output`);
  }
  const leftovers = existsSync(join(dir, 'out')) ? readdirSync(join(dir, 'out')) : [];
  assert.deepEqual(leftovers, [], 'scratch directories removed');
  await assert.rejects(convertDisk(join(dir, 'missing.raw'), join(dir, 'x.vhd'), 'vhd'), /raw disk .* does not exist/);
  writeFileSync(join(dir, 'odd.raw'), Buffer.alloc(1000));
  await assert.rejects(convertDisk(join(dir, 'odd.raw'), join(dir, 'x.vhd'), 'vhd'), /not a whole number of MiB/);
  await assert.rejects(convertDisk(join(dir, 'odd.raw'), join(dir, 'x.img'), 'vmdk' as never), /unknown format "vmdk"/);
});
