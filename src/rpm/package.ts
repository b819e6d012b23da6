// Package container: Lead (96 B) | Signature header | pad to 8 | Header | Payload (format_v4.md).
// Only the headers are read here; the payload is streamed separately (payload.ts).

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Header, RpmFormatError, headerSizeFromPreamble, parseHeader } from './header.ts';

export const LEAD_SIZE = 96;
export const LEAD_MAGIC = Uint8Array.of(0xed, 0xab, 0xee, 0xdb);

export interface Lead {
  major: number;
  minor: number;
  /** 0 binary, 1 source. */
  type: number;
  archnum: number;
  name: string;
  osnum: number;
  signatureType: number;
}

export interface RpmHeaders {
  lead: Lead;
  signature: Header;
  header: Header;
  /** Offset of the signature header (always 96). */
  signatureOffset: number;
  /** Offset of the main header's magic. */
  headerOffset: number;
  /** Offset of the first payload byte. */
  payloadOffset: number;
  /** The main header bytes as stored, magic included (what SHA256/SHA1 and signatures cover). */
  headerBytes: Uint8Array;
}

const latin1 = new TextDecoder('latin1');

export function parseLead(bytes: Uint8Array): Lead {
  if (bytes.length < LEAD_SIZE) throw new RpmFormatError(`lead: truncated (${bytes.length} of 96 bytes)`);
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== LEAD_MAGIC[i]) throw new RpmFormatError('lead: not an RPM package (bad magic)');
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, LEAD_SIZE);
  const major = bytes[4];
  if (major < 3 || major > 4) throw new RpmFormatError(`lead: unsupported RPM format version ${major}`);
  const nameBytes = bytes.subarray(10, 76);
  const nul = nameBytes.indexOf(0);
  return {
    major,
    minor: bytes[5],
    type: dv.getUint16(6),
    archnum: dv.getUint16(8),
    name: latin1.decode(nameBytes.subarray(0, nul < 0 ? 66 : nul)),
    osnum: dv.getUint16(76),
    signatureType: dv.getUint16(78),
  };
}

/**
 * Random-access reader so the same parser serves files (no payload read) and in-memory bytes.
 * Synchronous: headers come from a buffer or from bounded local reads, and a promise per read cost
 * more than the read itself when publishing thousands of small packages.
 */
export interface ByteSource {
  read(offset: number, length: number): Uint8Array;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { read: (offset, length) => bytes.subarray(offset, offset + length) };
}

const pad8 = (n: number): number => (8 - (n % 8)) % 8;

/** Reads lead, signature header and header from a source; validates each before the next. */
export function readRpmHeaders(src: ByteSource): RpmHeaders {
  const lead = parseLead(src.read(0, LEAD_SIZE));
  if (lead.signatureType !== 5) throw new RpmFormatError(`lead: unsupported signature type ${lead.signatureType}`);
  const sigOffset = LEAD_SIZE;
  const sigSize = headerSizeFromPreamble(src.read(sigOffset, 16), 'signature header');
  const sigBytes = src.read(sigOffset, sigSize);
  const signature = parseHeader(sigBytes, 'signature header', { regionTag: 62 }).header;
  const headerOffset = sigOffset + sigSize + pad8(sigSize);
  const hdrSize = headerSizeFromPreamble(src.read(headerOffset, 16), 'header');
  const headerBytes = src.read(headerOffset, hdrSize);
  const header = parseHeader(headerBytes, 'header', { regionTag: 63, exactRegion: true }).header;
  checkMergedSignatureTags(signature, header);
  return {
    lead,
    signature,
    header,
    signatureOffset: sigOffset,
    headerOffset,
    payloadOffset: headerOffset + hdrSize,
    headerBytes,
  };
}

/**
 * Signature tags rpm copies into the header on read, and the header tags they become (same index).
 * Two flat lists, not pairs: destructuring pairs in the loop below allocates until it is optimized.
 */
const MERGED_SIG_TAGS = [1000, 1002, 1004, 1005, 1006, 267, 268, 269, 270, 271, 273, 278, 279];
const MERGED_AS = [257, 259, 261, 262, 263, 267, 268, 269, 270, 271, 273, 278, 279];

/** rpm refuses a header that already has a tag it would merge from the signature ("invalid signature tag"). */
function checkMergedSignatureTags(sig: Header, h: Header): void {
  for (let i = 0; i < MERGED_SIG_TAGS.length; i++) {
    const t = MERGED_AS[i];
    if (sig.has(MERGED_SIG_TAGS[i]) && h.has(t)) throw new RpmFormatError(`header: carries signature tag ${t} that the signature header also has`);
  }
}

/** readRpmHeaders over bytes in memory; errors reject the promise. */
export async function parseRpmHeaders(bytes: Uint8Array): Promise<RpmHeaders> {
  return readRpmHeaders(bytesSource(bytes));
}

/** Bytes read up front: the headers of nearly every package (and all of a small one) in one call. */
export const FIRST_READ = 1 << 20;

/** Reads until `buf` is full or the file ends; returns the byte count. */
export function readFullySync(fd: number, buf: Uint8Array, pos: number): number {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/**
 * A ByteSource over an open file whose first `head` bytes are read once. Reads are synchronous: one
 * bounded read costs microseconds, where a thread-pool round trip per call would dominate reading
 * many small packages.
 */
export function fileSource(fd: number, size: number, head = FIRST_READ): { source: ByteSource; first: Uint8Array } {
  const buf = Buffer.allocUnsafe(Math.min(size, head));
  const first = buf.subarray(0, readFullySync(fd, buf, 0));
  const source: ByteSource = {
    read(offset, length) {
      if (offset + length <= first.length) return first.subarray(offset, offset + length);
      const b = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      return b.subarray(0, readFullySync(fd, b, offset));
    },
  };
  return { source, first };
}

/** Reads the headers of a package file without touching its payload (beyond the first read). */
export async function readRpmFileHeaders(path: string): Promise<RpmHeaders & { fileSize: number }> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const h = readRpmHeaders(fileSource(fd, size, 256 * 1024).source);
    return { ...h, fileSize: size };
  } finally {
    closeSync(fd);
  }
}
