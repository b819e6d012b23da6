// Payload access: the compressed bytes after the header, decompressed as a stream and split into
// cpio entries matched to the header's file list. Nothing here holds a whole payload in memory.

import { createReadStream } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { createGunzip, createZstdDecompress, constants as zc } from 'node:zlib';
import { spawn } from 'node:child_process';
import { RpmFormatError, printable } from './header.ts';
import { readCpio, type CpioItem } from './cpio.ts';
import { type RpmPackage, type RpmFile, hardlinkGroups } from './model.ts';

export type Compressor = 'gzip' | 'bzip2' | 'xz' | 'zstd' | 'lzma' | 'identity';

/** Maps PAYLOADCOMPRESSOR values (and content sniffing) to a decompressor name. */
export function payloadCompressor(tagValue: string | undefined): Compressor {
  switch (tagValue ?? 'gzip') {
    case 'gzip':
      return 'gzip';
    case 'bzip2':
      return 'bzip2';
    case 'xz':
      return 'xz';
    case 'lzma':
      return 'lzma';
    case 'zstd':
      return 'zstd';
    case 'identity':
    case 'none':
      return 'identity';
    default:
      throw new RpmFormatError(`header: unknown payload compressor ${printable(String(tagValue))}`);
  }
}

/** Detects a compressor from the first bytes, as createrepo_c/librepo do for metadata files. */
export function sniffCompressor(head: Uint8Array): Compressor | undefined {
  const b = head;
  if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68) return 'bzip2';
  if (b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58 && b[4] === 0x5a) return 'xz';
  if (b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return 'zstd';
  if (b[0] === 0x30 && b[1] === 0x37 && b[2] === 0x30 && b[3] === 0x37 && b[4] === 0x30) return 'identity';
  return undefined;
}

/** Caps a decompressor's output so a hostile payload cannot expand without limit. */
async function* limited(src: AsyncIterable<Uint8Array>, max: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const c of src) {
    total += c.length;
    if (total > max) throw new RpmFormatError(`payload: decompresses to more than the ${max} bytes the header declares`);
    yield c instanceof Uint8Array ? c : new Uint8Array(c);
  }
}

/**
 * Runs a decompressor program as a stream filter. xz and bzip2 are not in node:zlib, and the system's
 * xz-utils/bzip2 are the reference decoders (hardened, fast, memory-limited) — better than a JS port.
 */
async function* external(prog: string, args: string[], input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const child = spawn(prog, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderrText = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderrText.length < 500) stderrText += d;
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new RpmFormatError(`payload: ${prog} payloads need the ${prog} program (install ${prog === 'xz' ? 'xz-utils' : prog})`)
          : e,
      ),
    );
    child.on('close', (code) => resolve(code ?? 1));
  });
  exited.catch(() => {});
  child.stdin.on('error', () => {}); // the decoder may stop reading early on corrupt input
  const feed = (async () => {
    try {
      for await (const c of input) if (!child.stdin.write(c)) await new Promise((r) => child.stdin.once('drain', r));
    } finally {
      child.stdin.end();
    }
  })();
  feed.catch(() => {});
  try {
    for await (const c of child.stdout) yield c as Uint8Array;
    const code = await exited;
    await feed;
    if (code !== 0) {
      const reason = stderrText.split('\n')[0].replace(/^[^:]*: \(stdin\): /, '').trim() || `exit ${code}`;
      throw new RpmFormatError(`payload: ${prog} data is corrupt (${reason})`);
    }
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

/** Decompresses a compressed payload stream. `maxSize` bounds the output (0 = no bound). */
export function decompress(
  kind: Compressor,
  compressed: AsyncIterable<Uint8Array>,
  maxSize = 0,
): AsyncIterable<Uint8Array> {
  const input = (): Readable => Readable.from(compressed, { objectMode: false });
  let out: AsyncIterable<Uint8Array>;
  const fail = (e: unknown): never => {
    throw new RpmFormatError(`payload: ${kind} data is corrupt (${(e as Error).message})`);
  };
  switch (kind) {
    case 'identity':
      out = compressed;
      break;
    case 'gzip':
      out = pipeline(input(), createGunzip(), () => {});
      break;
    case 'zstd':
      // Window limit: zstd frames may ask for huge windows; 2^27 (128 MiB) is zstd's default cap.
      out = pipeline(input(), createZstdDecompress({ params: { [zc.ZSTD_d_windowLogMax]: 27 } }), () => {});
      break;
    case 'bzip2':
      out = external('bzip2', ['-dc'], compressed);
      break;
    case 'xz':
      out = external('xz', ['-dc', '--memlimit=512MiB', '--format=xz'], compressed);
      break;
    case 'lzma':
      out = external('xz', ['-dc', '--memlimit=512MiB', '--format=lzma'], compressed);
      break;
    default:
      throw new RpmFormatError(`payload: unknown compressor ${String(kind)}`);
  }
  const guarded = async function* (): AsyncGenerator<Uint8Array> {
    try {
      yield* maxSize > 0 ? limited(out, maxSize) : (out as AsyncIterable<Uint8Array>);
    } catch (e) {
      if (e instanceof RpmFormatError) throw e;
      fail(e);
    }
  };
  return guarded();
}

/** Streams the raw (compressed) payload bytes of a package file. */
export function payloadBytes(path: string, payloadOffset: number): AsyncIterable<Uint8Array> {
  return createReadStream(path, { start: payloadOffset, highWaterMark: 1 << 20 });
}

export interface PayloadEntry extends CpioItem {
  /** The header's record for this entry. */
  file: RpmFile;
  /** Index in the header's file list. */
  index: number;
}

/** Slack for decompressed size over the header's ARCHIVESIZE (cpio headers, padding, trailer). */
const SIZE_SLACK = 1 << 20;

/**
 * Iterates payload entries matched to the header's file list. Entries whose names the header does not
 * list are an error (rpm refuses them too); sizes must match the header.
 */
export async function* readPayload(
  pkg: RpmPackage,
  compressed: AsyncIterable<Uint8Array>,
): AsyncGenerator<PayloadEntry> {
  if (pkg.payloadFormat !== 'cpio') throw new RpmFormatError(`header: unsupported payload format ${printable(pkg.payloadFormat)}`);
  const [head, rest] = await peek(compressed, 6);
  // rpm reads mislabelled payloads (e.g. uncompressed data with no or a gzip compressor tag) because
  // its decompressors sniff content; do the same, falling back to the header's word.
  const kind = sniffCompressor(head) ?? payloadCompressor(pkg.payloadCompressor);
  const declared = pkg.archiveSize ?? 0;
  const byPath = new Map<string, number>();
  pkg.files.forEach((f, i) => byPath.set(f.path, i));
  // Without a declared size, bound by the file list itself (plus per-entry overhead).
  const fromFiles = pkg.files.reduce((n, f) => n + f.size + f.path.length + 120, 0);
  const max = (declared > 0 ? Math.max(declared, fromFiles) : fromFiles) + SIZE_SLACK;
  const stream = decompress(kind, rest, max);
  const dataHolder = hardlinkDataHolders(pkg.files);
  const items = readCpio(stream, {
    strippedSize: (fx) => {
      const f = pkg.files[fx];
      if (!f) throw new RpmFormatError(`payload: stripped entry for file index ${fx}, header has ${pkg.files.length}`);
      if ((f.mode & 0o170000) === 0o120000) return Buffer.byteLength(f.linkTo);
      if ((f.mode & 0o170000) !== 0o100000) return 0;
      // In a hard link set only one member (the last in file order) carries the data.
      const holder = dataHolder.get(fx);
      return holder === undefined || holder === fx ? f.size : 0;
    },
  });
  const seen = new Set<number>();
  for await (const item of items) {
    let index = item.entry.fileIndex;
    if (index < 0) {
      const raw = item.entry.name;
      // rpm writes "./path" (PayloadFilesHavePrefix); very old packages and SRPMs use bare names.
      if (raw.startsWith('/')) throw new RpmFormatError(`payload: absolute archive path ${printable(raw)} refused`);
      const name = raw.startsWith('./') ? raw.slice(1) : byPath.has(raw) ? raw : `/${raw}`;
      const found = byPath.get(name);
      if (found === undefined) throw new RpmFormatError(`payload: archive entry ${printable(item.entry.name)} is not in the header's file list`);
      index = found;
    }
    if (seen.has(index)) throw new RpmFormatError(`payload: duplicate archive entry for ${printable(pkg.files[index].path)}`);
    seen.add(index);
    const file = pkg.files[index];
    if (item.entry.fileIndex < 0) checkEntryAgainstHeader(item, file);
    yield { ...item, file, index };
  }
}

/** For each hard-linked file index, the index of the set member whose archive entry holds the data. */
function hardlinkDataHolders(files: RpmFile[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const g of hardlinkGroups(files)) {
    const last = Math.max(...g);
    for (const i of g) out.set(i, last);
  }
  return out;
}

/** Reads at least n bytes ahead and returns them with a stream that still yields everything. */
async function peek(src: AsyncIterable<Uint8Array>, n: number): Promise<[Uint8Array, AsyncIterable<Uint8Array>]> {
  const it = src[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let have = 0;
  while (have < n) {
    const r = await it.next();
    if (r.done) break;
    seen.push(r.value);
    have += r.value.length;
  }
  const head = Buffer.concat(seen).subarray(0, n);
  async function* rest(): AsyncGenerator<Uint8Array> {
    yield* seen;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return [head, rest()];
}

function checkEntryAgainstHeader(item: CpioItem, file: RpmFile): void {
  const e = item.entry;
  const type = e.mode & 0o170000;
  if (type !== (file.mode & 0o170000)) {
    throw new RpmFormatError(`payload: ${printable(file.path)}: archive file type differs from the header`);
  }
  // Hard link members other than the one carrying data have size 0 in the archive.
  if (type === 0o100000 && e.size !== file.size && !(e.nlink > 1 && e.size === 0)) {
    throw new RpmFormatError(`payload: ${printable(file.path)}: archive size ${e.size} differs from header size ${file.size}`);
  }
}
