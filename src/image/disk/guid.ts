// GUIDs of a disk: partition type GUIDs from the UAPI Discoverable Partitions Specification (so
// systemd-gpt-auto and systemd-dissect find ESP, root, /usr and their verity partitions without
// fstab), UUIDs derived from the build's seed, and GPT's mixed-endian byte order.

import { createHash } from 'node:crypto';
import { DiskImageError, type PartitionType } from './model.ts';

/** Architecture-independent types. */
const COMMON_TYPES: Partial<Record<PartitionType, string>> = {
  esp: 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b',
  xbootldr: 'bc13c2ff-59e6-4262-a352-b275fd6f7172',
  swap: '0657fd6d-a4ab-43c4-84e5-0933c84b4f4f',
  'linux-generic': '0fc63daf-8483-4772-8e79-3d69d8477de4',
};

type ArchTypes = Record<'root' | 'usr' | 'root-verity' | 'usr-verity', string>;

/** Per-architecture types, keyed by the DPS table's architecture. */
const ARCH_TYPES: Record<string, ArchTypes> = {
  x86_64: {
    root: '4f68bce3-e8cd-4db1-96e7-fbcaf984b709',
    usr: '8484680c-9521-48c6-9c11-b0720656f69e',
    'root-verity': '2c7357ed-ebd2-46d9-aec1-23d437ec2bf5',
    'usr-verity': '77ff5f63-e7b6-4633-acf4-1565b864c0e6',
  },
  aarch64: {
    root: 'b921b045-1df0-41c3-af44-4c6f280d3fae',
    usr: 'b0e01050-ee5f-4390-949a-9101b17104e9',
    'root-verity': 'df3300ce-d69f-4c92-978c-9bfb0f38d820',
    'usr-verity': '6e11a4e7-fbca-4ded-b9e9-e1a512bb664e',
  },
  i686: {
    root: '44479540-f297-41b2-9af7-d131d5f0458a',
    usr: '75250d76-8cc6-458e-bd66-bd47cc81a812',
    'root-verity': 'd13c5d3b-b5d1-422a-b29f-9454fdc89d76',
    'usr-verity': '8f461b0d-14ee-4e81-9aa9-049b6fb97abd',
  },
  riscv64: {
    root: '72ec70a6-cf74-40e6-bd49-4bda08e8f224',
    usr: 'beaec34b-8442-439b-a40b-984381ed097d',
    'root-verity': 'b6ed5582-440b-4209-b8da-5ff7c419ea3d',
    'usr-verity': '8f1056be-9b05-47c4-81d6-be53128e5b54',
  },
  ppc64le: {
    root: 'c31c45e6-3f39-412e-80fb-4809c4980599',
    usr: '15bb03af-77e7-4d4a-b12b-c0d084f7491c',
    'root-verity': '906bd944-4589-4aae-a4e4-dd983917446a',
    'usr-verity': 'ee2b9983-21e8-4153-86d9-b6901a54d1ce',
  },
  s390x: {
    root: '5eead9a9-fe09-4a1e-a1d7-520d00531306',
    usr: '8a4f5770-50aa-4ed3-874a-99b710db6fea',
    'root-verity': 'b325bfbe-c7be-4ab8-8357-139e652d2f6b',
    'usr-verity': '31741cc4-1a2a-4111-a581-e00b447d2d06',
  },
};

const ARCH_ALIASES: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64', x86: 'i686', i386: 'i686', i586: 'i686' };

export const PARTITION_TYPES: readonly PartitionType[] = [
  'esp', 'xbootldr', 'root', 'usr', 'usr-verity', 'root-verity', 'linux-generic', 'swap',
];

export function isPartitionType(s: string): s is PartitionType {
  return (PARTITION_TYPES as readonly string[]).includes(s);
}

/** The DPS partition type GUID (lowercase text form) of `type` on `arch`. */
export function dpsTypeGuid(type: PartitionType, arch: string): string {
  const common = COMMON_TYPES[type];
  if (common) return common;
  const table = ARCH_TYPES[ARCH_ALIASES[arch] ?? arch];
  if (!table) {
    throw new DiskImageError(`arch "${arch}": no Discoverable Partitions type GUIDs known (known: ${Object.keys(ARCH_TYPES).join(', ')})`);
  }
  const guid = table[type as keyof ArchTypes];
  if (!guid) throw new DiskImageError(`partition type "${type}" is not a known type`);
  return guid;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/** 16 bytes in RFC 4122 (big-endian) order → "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
export function uuidFromBytes(b: Uint8Array): string {
  const h = Buffer.from(b.subarray(0, 16)).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * A name-based UUID from sha256(seed, name): RFC 9562 version 8 (the RFC's own example of a
 * SHA-256 name-based UUID), RFC variant. Equal seeds and names give equal UUIDs; any other
 * change gives another one.
 */
export function deterministicUuid(seed: string, name: string): string {
  const b = createHash('sha256').update('strata-disk-uuid\0').update(seed).update('\0').update(name).digest();
  b[6] = (b[6] & 0x0f) | 0x80;
  b[8] = (b[8] & 0x3f) | 0x80;
  return uuidFromBytes(b);
}

/** Bytes derived from the seed (verity salts, FAT volume ids). */
export function deterministicBytes(seed: string, name: string, length: number): Buffer {
  const b = createHash('sha256').update('strata-disk-bytes\0').update(seed).update('\0').update(name).digest();
  if (length > b.length) throw new DiskImageError(`deterministicBytes: at most ${b.length} bytes`);
  return b.subarray(0, length);
}

/**
 * A GUID as GPT (and UEFI) stores it: the first three fields little-endian, the rest as written.
 */
export function guidToBytes(uuid: string): Buffer {
  const u = uuid.toLowerCase();
  if (!isUuid(u)) throw new DiskImageError(`"${uuid}" is not a UUID`);
  const be = Buffer.from(u.replace(/-/g, ''), 'hex');
  const out = Buffer.from(be);
  out.writeUInt32LE(be.readUInt32BE(0), 0);
  out.writeUInt16LE(be.readUInt16BE(4), 4);
  out.writeUInt16LE(be.readUInt16BE(6), 6);
  return out;
}

export function guidFromBytes(b: Uint8Array): string {
  const buf = Buffer.from(b.subarray(0, 16));
  const be = Buffer.from(buf);
  be.writeUInt32BE(buf.readUInt32LE(0), 0);
  be.writeUInt16BE(buf.readUInt16LE(4), 4);
  be.writeUInt16BE(buf.readUInt16LE(6), 6);
  return uuidFromBytes(be);
}

/**
 * The DPS verity pairing: the data partition's UUID is the first 128 bits of the root hash,
 * the verity partition's the last 128 bits (so `usrhash=` alone finds both).
 */
export function verityPartitionUuids(rootHash: string): { data: string; hash: string } {
  if (!/^[0-9a-f]{64,}$/.test(rootHash)) throw new DiskImageError(`verity root hash "${rootHash}" is not a hex sha256`);
  const bytes = Buffer.from(rootHash, 'hex');
  return { data: uuidFromBytes(bytes.subarray(0, 16)), hash: uuidFromBytes(bytes.subarray(bytes.length - 16)) };
}
