// The pure format pieces: GUIDs (DPS types, seeded UUIDs, GPT byte order), the GPT writer/reader,
// VHD footer/header fields and checksums, verity sizing, the erofs superblock crc32c.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import {
  DiskImageError, deterministicUuid, dpsTypeGuid, guidFromBytes, guidToBytes, parseVhdFooter, readGpt,
  vhdChsGeometry, vhdDynamicHeader, vhdFooter, verityHashSize, verityPartitionUuids, writeGpt,
} from '../../../src/image/disk/index.ts';
import { crc32cRaw } from '../../../src/image/disk/fs-erofs.ts';
import { vhdChecksum } from '../../../src/image/disk/vhd.ts';

test('DPS type GUIDs: ESP, arch-specific root/usr/verity, aliases, unknown arch', () => {
  assert.equal(dpsTypeGuid('esp', 'x86_64'), 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b');
  assert.equal(dpsTypeGuid('xbootldr', 'aarch64'), 'bc13c2ff-59e6-4262-a352-b275fd6f7172');
  assert.equal(dpsTypeGuid('root', 'x86_64'), '4f68bce3-e8cd-4db1-96e7-fbcaf984b709');
  assert.equal(dpsTypeGuid('usr', 'x86_64'), '8484680c-9521-48c6-9c11-b0720656f69e');
  assert.equal(dpsTypeGuid('usr-verity', 'x86_64'), '77ff5f63-e7b6-4633-acf4-1565b864c0e6');
  assert.equal(dpsTypeGuid('root-verity', 'x86_64'), '2c7357ed-ebd2-46d9-aec1-23d437ec2bf5');
  assert.equal(dpsTypeGuid('usr', 'aarch64'), 'b0e01050-ee5f-4390-949a-9101b17104e9');
  assert.equal(dpsTypeGuid('usr-verity', 'arm64'), '6e11a4e7-fbca-4ded-b9e9-e1a512bb664e');
  assert.equal(dpsTypeGuid('linux-generic', 'mips'), '0fc63daf-8483-4772-8e79-3d69d8477de4');
  assert.throws(() => dpsTypeGuid('root', 'vax'), (e: Error) => e instanceof DiskImageError && /arch "vax"/.test(e.message));
});

test('deterministic UUIDs: stable, RFC 9562 v8 + variant bits, different per seed and name', () => {
  const a = deterministicUuid('seed', 'partition:ROOT');
  assert.equal(a, deterministicUuid('seed', 'partition:ROOT'));
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, deterministicUuid('seed2', 'partition:ROOT'));
  assert.notEqual(a, deterministicUuid('seed', 'partition:ESP'));
  // The separator keeps ("ab","c") and ("a","bc") apart.
  assert.notEqual(deterministicUuid('ab', 'c'), deterministicUuid('a', 'bc'));
});

test('GPT byte order: first three fields little-endian', () => {
  const b = guidToBytes('c12a7328-f81f-11d2-ba4b-00a0c93ec93b');
  assert.equal(b.toString('hex'), '28732ac11ff8d211ba4b00a0c93ec93b');
  assert.equal(guidFromBytes(b), 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b');
  assert.throws(() => guidToBytes('not-a-uuid'), DiskImageError);
});

test('verity partition UUIDs are the halves of the root hash (DPS)', () => {
  const h = '85166342e04fa8995261345234afb9dca05926d0132a7240ff8d144831d42aaf';
  assert.deepEqual(verityPartitionUuids(h), { data: '85166342-e04f-a899-5261-345234afb9dc', hash: 'a05926d0-132a-7240-ff8d-144831d42aaf' });
});

const layout = {
  diskGuid: deterministicUuid('s', 'disk'),
  totalSectors: 8 * 2048,
  partitions: [
    { typeGuid: dpsTypeGuid('esp', 'x86_64'), uuid: deterministicUuid('s', '1'), firstLba: 2048, lastLba: 4095, attributes: 0n, name: 'ESP' },
    { typeGuid: dpsTypeGuid('root', 'x86_64'), uuid: deterministicUuid('s', '2'), firstLba: 4096, lastLba: 8 * 2048 - 2049, attributes: 1n << 63n, name: 'RÖÖT' },
  ],
};

test('writeGpt: protective MBR, both headers with valid CRCs, entries readable back', () => {
  const g = writeGpt(layout);
  assert.equal(g.head.length, 34 * 512);
  assert.equal(g.tail.length, 33 * 512);
  assert.equal(g.head[510], 0x55);
  assert.equal(g.head[511], 0xaa);
  assert.equal(g.head[446 + 4], 0xee);
  assert.equal(g.head.readUInt32LE(446 + 8), 1);
  assert.equal(g.head.readUInt32LE(446 + 12), layout.totalSectors - 1);
  const back = readGpt(g.head);
  assert.equal(back.diskGuid, layout.diskGuid);
  assert.deepEqual(back.partitions.map((p) => [p.number, p.name, p.typeGuid, p.uuid, p.firstLba, p.lastLba, p.attributes]),
    layout.partitions.map((p, i) => [i + 1, p.name, p.typeGuid, p.uuid, p.firstLba, p.lastLba, p.attributes]));
  // Backup header: my LBA is the last sector, entries right before it, same entry CRC as the primary.
  const backup = g.tail.subarray(32 * 512);
  assert.equal(backup.toString('latin1', 0, 8), 'EFI PART');
  assert.equal(Number(backup.readBigUInt64LE(24)), layout.totalSectors - 1);
  assert.equal(Number(backup.readBigUInt64LE(32)), 1);
  assert.equal(Number(backup.readBigUInt64LE(72)), layout.totalSectors - 33);
  assert.equal(backup.readUInt32LE(88), crc32(g.tail.subarray(0, 32 * 512)));
  const hdr = Buffer.from(backup.subarray(0, 92));
  const crc = hdr.readUInt32LE(16);
  hdr.writeUInt32LE(0, 16);
  assert.equal(crc32(hdr), crc);
  // A flipped entry byte is caught.
  const bad = Buffer.from(g.head);
  bad[2 * 512 + 60] ^= 1;
  assert.throws(() => readGpt(bad), /entry array CRC/);
});

test('writeGpt refuses overlapping, out-of-range and badly named partitions', () => {
  const p = layout.partitions;
  assert.throws(() => writeGpt({ ...layout, partitions: [p[0], { ...p[1], firstLba: 4000 }] }), /"RÖÖT" overlaps "ESP"/);
  assert.throws(() => writeGpt({ ...layout, partitions: [{ ...p[0], lastLba: layout.totalSectors - 1 }] }), /past the disk's last usable sector/);
  assert.throws(() => writeGpt({ ...layout, partitions: [{ ...p[0], name: 'x'.repeat(37) }] }), /37 UTF-16 code units; GPT allows 36/);
  assert.throws(() => writeGpt({ ...layout, partitions: [{ ...p[0], firstLba: 10 }] }), /overlaps "\(GPT header\)"/);
});

test('VHD footer: fields, checksum, max geometry, VHD-epoch timestamp', () => {
  const uniqueId = guidToBytes(deterministicUuid('s', 'vhd'));
  const f = vhdFooter({ type: 'fixed', size: 64 * 1024 * 1024, timestamp: 1_700_000_000, uniqueId });
  assert.equal(f.length, 512);
  assert.equal(f.toString('latin1', 0, 8), 'conectix');
  assert.equal(f.readUInt32BE(8), 2);
  assert.equal(f.readUInt32BE(12), 0x00010000);
  assert.equal(f.readBigUInt64BE(16), 0xffffffffffffffffn);
  assert.equal(f.readUInt32BE(24), 1_700_000_000 - 946_684_800);
  assert.equal(f.toString('latin1', 28, 32), 'strt');
  assert.equal(f.toString('latin1', 36, 40), 'Wi2k');
  assert.equal(f.readBigUInt64BE(40), 64n * 1024n * 1024n);
  assert.equal(f.readBigUInt64BE(48), 64n * 1024n * 1024n);
  assert.deepEqual([f.readUInt16BE(56), f[58], f[59]], [65535, 16, 255]);
  assert.equal(f.readUInt32BE(60), 2);
  let sum = 0;
  for (let i = 0; i < 512; i++) if (i < 64 || i >= 68) sum += f[i];
  assert.equal(f.readUInt32BE(64), ~sum >>> 0);
  const parsed = parseVhdFooter(f);
  assert.equal(parsed.checksumOk, true);
  assert.equal(parsed.type, 'fixed');
  assert.equal(parsed.timestamp, 1_700_000_000);
  const d = vhdFooter({ type: 'dynamic', size: 2 * 1024 * 1024, timestamp: 0, uniqueId });
  assert.equal(d.readBigUInt64BE(16), 512n);
  assert.equal(d.readUInt32BE(24), 0, 'times before 2000 clamp to the VHD epoch');
  assert.throws(() => vhdFooter({ type: 'fixed', size: 1000, timestamp: 0, uniqueId }), /multiple of 512/);
});

test('VHD dynamic header and the spec CHS table', () => {
  const h = vhdDynamicHeader(1536, 33);
  assert.equal(h.toString('latin1', 0, 8), 'cxsparse');
  assert.equal(h.readBigUInt64BE(16), 1536n);
  assert.equal(h.readUInt32BE(28), 33);
  assert.equal(h.readUInt32BE(32), 2 * 1024 * 1024);
  assert.equal(h.readUInt32BE(36), vhdChecksum(h, 36));
  // 64 MiB: 17 sectors/track, 8 heads → 963 cylinders (rounds the size down, hence max geometry in the footer).
  assert.deepEqual(vhdChsGeometry(131072), { cylinders: 963, heads: 8, sectorsPerTrack: 17 });
  assert.deepEqual(vhdChsGeometry(65535 * 16 * 255 + 5), { cylinders: 65535, heads: 16, sectorsPerTrack: 255 });
});

test('verity hash size: superblock + every tree level', () => {
  assert.equal(verityHashSize(8 * 1024 * 1024), 4096 + 17 * 4096); // 2048 blocks → 16 + 1 hash blocks
  assert.equal(verityHashSize(1024 * 1024), 4096 + 3 * 4096); // 256 blocks → 2 + 1
  assert.equal(verityHashSize(4096), 4096); // one data block: the root hash is its hash, no tree
});

test('crc32c as erofs computes it (no final inversion)', () => {
  // The standard check value of CRC-32C("123456789") is 0xe3069283 after the final inversion.
  assert.equal((~crc32cRaw(0xffffffff, Buffer.from('123456789')) >>> 0), 0xe3069283);
});
