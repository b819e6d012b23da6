// Virtual Hard Disk (VHD) format, Microsoft's "Virtual Hard Disk Image Format Specification" v1.0:
// a 512-byte big-endian footer after the data (fixed), or footer copy + dynamic header + block
// allocation table + 2 MiB blocks + footer (dynamic). Pure: builds the structures; convert.ts writes.
//
// Geometry: the footer's CHS is set to the maximum (65535/16/255) rather than the spec's
// CHS-from-size table, whose result rounds the size down. Azure and Hyper-V size a VHD by its
// "current size" field anyway; qemu sizes it by CHS unless the creator is one it knows or the
// geometry is this maximum, so the maximum keeps every reader at the exact size without claiming
// to be another tool (qemu's own `force_size` writes the same geometry).

import { DiskImageError, SECTOR } from './model.ts';

export const VHD_FOOTER_SIZE = 512;
export const VHD_DYNAMIC_HEADER_SIZE = 1024;
export const VHD_BLOCK_SIZE = 2 * 1024 * 1024;
/** Seconds from 1970-01-01 to the VHD epoch, 2000-01-01 00:00:00 UTC. */
export const VHD_EPOCH = 946684800;
/** Creator application "strt" (Strata), version 1.0, host OS "Wi2k" (the spec's Windows value). */
const CREATOR_APP = 'strt';
const CREATOR_VERSION = 0x00010000;
const CREATOR_HOST_OS = 'Wi2k';
const DISK_TYPE = { fixed: 2, dynamic: 3 } as const;

export interface VhdGeometry {
  cylinders: number;
  heads: number;
  sectorsPerTrack: number;
}

/** The spec's CHS algorithm (appendix "CHS Calculation"); kept for inspection and tests. */
export function vhdChsGeometry(totalSectors: number): VhdGeometry {
  const ts = Math.min(totalSectors, 65535 * 16 * 255);
  let spt: number;
  let heads: number;
  let cth: number;
  if (ts >= 65535 * 16 * 63) {
    spt = 255;
    heads = 16;
    cth = Math.floor(ts / spt);
  } else {
    spt = 17;
    cth = Math.floor(ts / spt);
    heads = Math.max(4, Math.floor((cth + 1023) / 1024));
    if (cth >= heads * 1024 || heads > 16) {
      spt = 31;
      heads = 16;
      cth = Math.floor(ts / spt);
    }
    if (cth >= heads * 1024) {
      spt = 63;
      heads = 16;
      cth = Math.floor(ts / spt);
    }
  }
  return { cylinders: Math.floor(cth / heads), heads, sectorsPerTrack: spt };
}

export const VHD_MAX_GEOMETRY: VhdGeometry = { cylinders: 65535, heads: 16, sectorsPerTrack: 255 };

/** One's complement of the byte sum of `b`, the checksum field counted as zero. */
export function vhdChecksum(b: Uint8Array, checksumOffset: number): number {
  let sum = 0;
  for (let i = 0; i < b.length; i++) {
    if (i >= checksumOffset && i < checksumOffset + 4) continue;
    sum = (sum + b[i]) >>> 0;
  }
  return ~sum >>> 0;
}

/** VHD time: seconds since 2000-01-01 UTC, clamped to the field's range. */
export function vhdTimestamp(unixSeconds: number): number {
  return Math.min(0xffffffff, Math.max(0, Math.floor(unixSeconds) - VHD_EPOCH));
}

export interface VhdFooterInput {
  type: 'fixed' | 'dynamic';
  /** Virtual disk size in bytes (a multiple of 512). */
  size: number;
  /** Unix seconds (converted to VHD time). */
  timestamp: number;
  /** 16 bytes, e.g. a UUID's bytes. */
  uniqueId: Uint8Array;
}

export function vhdFooter(input: VhdFooterInput): Buffer {
  if (!Number.isSafeInteger(input.size) || input.size <= 0 || input.size % SECTOR !== 0) {
    throw new DiskImageError(`VHD: virtual size ${input.size} is not a positive multiple of ${SECTOR}`);
  }
  if (input.uniqueId.length !== 16) throw new DiskImageError('VHD: unique id must be 16 bytes');
  const f = Buffer.alloc(VHD_FOOTER_SIZE);
  f.write('conectix', 0, 'latin1');
  f.writeUInt32BE(0x00000002, 8); // features: the "reserved" bit the spec says is always set
  f.writeUInt32BE(0x00010000, 12);
  f.writeBigUInt64BE(input.type === 'fixed' ? 0xffffffffffffffffn : BigInt(VHD_FOOTER_SIZE), 16);
  f.writeUInt32BE(vhdTimestamp(input.timestamp), 24);
  f.write(CREATOR_APP, 28, 'latin1');
  f.writeUInt32BE(CREATOR_VERSION, 32);
  f.write(CREATOR_HOST_OS, 36, 'latin1');
  f.writeBigUInt64BE(BigInt(input.size), 40);
  f.writeBigUInt64BE(BigInt(input.size), 48);
  f.writeUInt16BE(VHD_MAX_GEOMETRY.cylinders, 56);
  f.writeUInt8(VHD_MAX_GEOMETRY.heads, 58);
  f.writeUInt8(VHD_MAX_GEOMETRY.sectorsPerTrack, 59);
  f.writeUInt32BE(DISK_TYPE[input.type], 60);
  Buffer.from(input.uniqueId).copy(f, 68);
  f.writeUInt32BE(vhdChecksum(f, 64), 64);
  return f;
}

/** Number of block allocation table entries for a virtual size. */
export function vhdBatEntries(size: number, blockSize = VHD_BLOCK_SIZE): number {
  return Math.ceil(size / blockSize);
}

/** Bytes the BAT occupies in the file (rounded up to a sector). */
export function vhdBatBytes(entries: number): number {
  return Math.ceil((entries * 4) / SECTOR) * SECTOR;
}

export function vhdDynamicHeader(tableOffset: number, maxTableEntries: number, blockSize = VHD_BLOCK_SIZE): Buffer {
  const h = Buffer.alloc(VHD_DYNAMIC_HEADER_SIZE);
  h.write('cxsparse', 0, 'latin1');
  h.writeBigUInt64BE(0xffffffffffffffffn, 8); // data offset: unused, all bits set (as Microsoft's tools write it)
  h.writeBigUInt64BE(BigInt(tableOffset), 16);
  h.writeUInt32BE(0x00010000, 24);
  h.writeUInt32BE(maxTableEntries, 28);
  h.writeUInt32BE(blockSize, 32);
  h.writeUInt32BE(vhdChecksum(h, 36), 36);
  return h;
}

/** The sector bitmap preceding each allocated block: every sector present. */
export function vhdBlockBitmap(blockSize = VHD_BLOCK_SIZE): Buffer {
  return Buffer.alloc(Math.ceil(blockSize / SECTOR / 8 / SECTOR) * SECTOR, 0xff);
}

export interface ParsedVhdFooter {
  type: 'fixed' | 'dynamic' | 'other';
  size: number;
  timestamp: number;
  creatorApp: string;
  checksumOk: boolean;
  uniqueId: Buffer;
}

export function parseVhdFooter(f: Uint8Array): ParsedVhdFooter {
  const b = Buffer.from(f.buffer, f.byteOffset, f.byteLength);
  if (b.length !== VHD_FOOTER_SIZE || b.toString('latin1', 0, 8) !== 'conectix') throw new DiskImageError('VHD: no "conectix" footer');
  const t = b.readUInt32BE(60);
  return {
    type: t === 2 ? 'fixed' : t === 3 ? 'dynamic' : 'other',
    size: Number(b.readBigUInt64BE(48)),
    timestamp: b.readUInt32BE(24) + VHD_EPOCH,
    creatorApp: b.toString('latin1', 28, 32),
    checksumOk: vhdChecksum(b, 64) === b.readUInt32BE(64),
    uniqueId: Buffer.from(b.subarray(68, 84)),
  };
}
