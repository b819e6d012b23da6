// GUID Partition Table (UEFI 2.10 §5.3): protective MBR in LBA 0, primary header in LBA 1 and its
// 128-entry array in LBAs 2–33; the backup array and header in the disk's last 33 sectors. Pure:
// bytes in, bytes out (512-byte logical sectors).

import { crc32 } from 'node:zlib';
import { guidFromBytes, guidToBytes } from './guid.ts';
import { DiskImageError, SECTOR } from './model.ts';

export const GPT_ENTRY_COUNT = 128;
export const GPT_ENTRY_SIZE = 128;
const ENTRY_ARRAY_SECTORS = (GPT_ENTRY_COUNT * GPT_ENTRY_SIZE) / SECTOR; // 32
const HEADER_SIZE = 92;
const NAME_UNITS = 36;

export interface GptEntry {
  typeGuid: string;
  uuid: string;
  firstLba: number;
  /** Inclusive. */
  lastLba: number;
  attributes: bigint;
  name: string;
}

export interface GptLayout {
  diskGuid: string;
  totalSectors: number;
  partitions: GptEntry[];
}

export interface GptBytes {
  /** LBA 0 … 33: protective MBR, primary header, primary entry array. */
  head: Buffer;
  /** The last 33 sectors: backup entry array, backup header. */
  tail: Buffer;
  firstUsableLba: number;
  lastUsableLba: number;
}

/** GPT names are UTF-16LE, at most 36 code units; checked here so a caller gets one clear line. */
export function checkGptName(name: string): void {
  if (name.length === 0) throw new DiskImageError('partition label is empty');
  if (name.length > NAME_UNITS) throw new DiskImageError(`partition label "${name}" is ${name.length} UTF-16 code units; GPT allows ${NAME_UNITS}`);
  if ([...name].some((c) => c.charCodeAt(0) < 0x20)) throw new DiskImageError(`partition label ${JSON.stringify(name)} has control characters`);
}

function entryArray(parts: GptEntry[]): Buffer {
  if (parts.length > GPT_ENTRY_COUNT) throw new DiskImageError(`${parts.length} partitions; GPT holds ${GPT_ENTRY_COUNT}`);
  const arr = Buffer.alloc(GPT_ENTRY_COUNT * GPT_ENTRY_SIZE);
  parts.forEach((p, i) => {
    checkGptName(p.name);
    if (p.attributes < 0n || p.attributes >= 1n << 64n) throw new DiskImageError(`partition "${p.name}": attributes do not fit 64 bits`);
    const e = arr.subarray(i * GPT_ENTRY_SIZE, (i + 1) * GPT_ENTRY_SIZE);
    guidToBytes(p.typeGuid).copy(e, 0);
    guidToBytes(p.uuid).copy(e, 16);
    e.writeBigUInt64LE(BigInt(p.firstLba), 32);
    e.writeBigUInt64LE(BigInt(p.lastLba), 40);
    e.writeBigUInt64LE(p.attributes, 48);
    e.write(p.name, 56, NAME_UNITS * 2, 'utf16le');
  });
  return arr;
}

function header(layout: GptLayout, myLba: number, alternateLba: number, entriesLba: number, entriesCrc: number, firstUsable: number, lastUsable: number): Buffer {
  const h = Buffer.alloc(SECTOR);
  h.write('EFI PART', 0, 'latin1');
  h.writeUInt32LE(0x00010000, 8);
  h.writeUInt32LE(HEADER_SIZE, 12);
  h.writeBigUInt64LE(BigInt(myLba), 24);
  h.writeBigUInt64LE(BigInt(alternateLba), 32);
  h.writeBigUInt64LE(BigInt(firstUsable), 40);
  h.writeBigUInt64LE(BigInt(lastUsable), 48);
  guidToBytes(layout.diskGuid).copy(h, 56);
  h.writeBigUInt64LE(BigInt(entriesLba), 72);
  h.writeUInt32LE(GPT_ENTRY_COUNT, 80);
  h.writeUInt32LE(GPT_ENTRY_SIZE, 84);
  h.writeUInt32LE(entriesCrc, 88);
  h.writeUInt32LE(crc32(h.subarray(0, HEADER_SIZE)), 16);
  return h;
}

/** The protective MBR: one 0xEE partition covering the disk (capped at 2^32-1 sectors). */
function protectiveMbr(totalSectors: number): Buffer {
  const m = Buffer.alloc(SECTOR);
  const p = 446;
  m[p] = 0x00;
  m.writeUIntBE(0x000200, p + 1, 3); // CHS of LBA 1: head 0, sector 2, cylinder 0
  m[p + 4] = 0xee;
  m.writeUIntBE(0xffffff, p + 5, 3);
  m.writeUInt32LE(1, p + 8);
  m.writeUInt32LE(Math.min(totalSectors - 1, 0xffffffff), p + 12);
  m[510] = 0x55;
  m[511] = 0xaa;
  return m;
}

/** Builds both copies of the table; partitions must lie in the usable range and not overlap. */
export function writeGpt(layout: GptLayout): GptBytes {
  const n = layout.totalSectors;
  const firstUsable = 2 + ENTRY_ARRAY_SECTORS;
  const lastUsable = n - 2 - ENTRY_ARRAY_SECTORS;
  if (!Number.isSafeInteger(n) || lastUsable < firstUsable) throw new DiskImageError(`disk of ${n} sectors is too small for a GPT`);
  const sorted = [...layout.partitions].sort((a, b) => a.firstLba - b.firstLba);
  let prevEnd = firstUsable - 1;
  let prevName = '(GPT header)';
  for (const p of sorted) {
    if (p.lastLba < p.firstLba) throw new DiskImageError(`partition "${p.name}": ends before it starts`);
    if (p.firstLba <= prevEnd) throw new DiskImageError(`partition "${p.name}" overlaps "${prevName}"`);
    if (p.lastLba > lastUsable) throw new DiskImageError(`partition "${p.name}" ends at sector ${p.lastLba}, past the disk's last usable sector ${lastUsable}`);
    prevEnd = p.lastLba;
    prevName = p.name;
  }
  const entries = entryArray(layout.partitions);
  const entriesCrc = crc32(entries);
  const backupEntriesLba = n - 1 - ENTRY_ARRAY_SECTORS;
  const primary = header(layout, 1, n - 1, 2, entriesCrc, firstUsable, lastUsable);
  const backup = header(layout, n - 1, 1, backupEntriesLba, entriesCrc, firstUsable, lastUsable);
  return {
    head: Buffer.concat([protectiveMbr(n), primary, entries]),
    tail: Buffer.concat([entries, backup]),
    firstUsableLba: firstUsable,
    lastUsableLba: lastUsable,
  };
}

export interface ReadGpt {
  diskGuid: string;
  partitions: Array<GptEntry & { number: number }>;
}

/** Reads the primary table from the disk's first 34 sectors, checking signatures and CRCs. */
export function readGpt(head: Uint8Array): ReadGpt {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length < (2 + ENTRY_ARRAY_SECTORS) * SECTOR) throw new DiskImageError('GPT: need the first 34 sectors');
  const h = b.subarray(SECTOR, SECTOR + HEADER_SIZE);
  if (h.toString('latin1', 0, 8) !== 'EFI PART') throw new DiskImageError('GPT: no "EFI PART" signature in LBA 1');
  const crc = h.readUInt32LE(16);
  const copy = Buffer.from(h);
  copy.writeUInt32LE(0, 16);
  if (crc32(copy) !== crc) throw new DiskImageError('GPT: header CRC mismatch');
  const entriesLba = h.readBigUInt64LE(72);
  const count = h.readUInt32LE(80);
  const size = h.readUInt32LE(84);
  // UEFI: entries are 128 × 2^n bytes; the array must lie after the header within the bytes given
  // (a crafted count would otherwise loop 2^32 times over an empty array whose CRC is 0).
  if (size < GPT_ENTRY_SIZE || (size & (size - 1)) !== 0) throw new DiskImageError(`GPT: partition entry size ${size} is not 128 × 2^n bytes`);
  const start = entriesLba * BigInt(SECTOR);
  if (entriesLba < 2n || start + BigInt(count) * BigInt(size) > BigInt(b.length)) {
    throw new DiskImageError(`GPT: partition entry array (LBA ${entriesLba}, ${count} entries of ${size} bytes) is not within the first ${Math.floor(b.length / SECTOR)} sectors`);
  }
  const arr = b.subarray(Number(start), Number(start) + count * size);
  if (crc32(arr) !== h.readUInt32LE(88)) throw new DiskImageError('GPT: partition entry array CRC mismatch');
  const partitions: ReadGpt['partitions'] = [];
  for (let i = 0; i < count; i++) {
    const e = arr.subarray(i * size, (i + 1) * size);
    if (e.subarray(0, 16).every((x) => x === 0)) continue;
    const nameRaw = e.toString('utf16le', 56, 56 + NAME_UNITS * 2);
    const firstLba = e.readBigUInt64LE(32);
    const lastLba = e.readBigUInt64LE(40);
    if (lastLba < firstLba || lastLba > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new DiskImageError(`GPT: partition ${i + 1} spans LBA ${firstLba} to ${lastLba}, not a valid range`);
    }
    partitions.push({
      number: i + 1,
      typeGuid: guidFromBytes(e.subarray(0, 16)),
      uuid: guidFromBytes(e.subarray(16, 32)),
      firstLba: Number(firstLba),
      lastLba: Number(lastLba),
      attributes: e.readBigUInt64LE(48),
      name: nameRaw.includes('\0') ? nameRaw.slice(0, nameRaw.indexOf('\0')) : nameRaw,
    });
  }
  return { diskGuid: guidFromBytes(h.subarray(56, 72)), partitions };
}
