// Tar items to bytes, and bytes to a deterministic .tar.gz with the digests OCI needs: SHA-256 of
// the uncompressed tar (a layer's diff_id) and of the gzip stream (its blob digest). node:zlib's
// gzip header carries no name and mtime 0, so equal tars give equal .tar.gz files.

import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { TAR_TRAILER, TarWriteError, blockPadding, encodeTarHeader } from './header.ts';
import type { TarItem } from './tree.ts';

const READ_CHUNK = 1 << 20;
/** Stream buffering between reading the tree and compressing: enough that reading files and
 *  deflating (on libuv's thread pool) overlap instead of taking turns. */
const PIPE_BUFFER = 8 << 20;
/** Small headers and bodies are gathered up to this many bytes before being passed on. */
const BATCH = 256 << 10;

async function* bodyChunks(item: TarItem): AsyncGenerator<Buffer> {
  if (item.content) {
    if (item.content.length !== item.size) throw new TarWriteError(`${item.path}: content length differs from size`);
    yield item.content;
    return;
  }
  if (item.source === undefined) throw new TarWriteError(`${item.path}: regular file without a source`);
  const fh = await open(item.source, 'r');
  try {
    let left = item.size;
    while (left > 0) {
      const buf = Buffer.allocUnsafe(Math.min(left, READ_CHUNK));
      const { bytesRead } = await fh.read(buf, 0, buf.length, item.size - left);
      if (bytesRead === 0) throw new TarWriteError(`${item.source}: file shrank while it was archived`);
      left -= bytesRead;
      yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** The archive bytes for `items`, ending with the two zero blocks; memory stays at about BATCH
 *  plus one read chunk whatever the file sizes. */
export async function* tarBytes(items: AsyncIterable<TarItem>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  function take(): Buffer[] {
    if (pending.length === 0) return [];
    const out = pending.length === 1 ? pending[0] : Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    return [out];
  }
  function add(b: Buffer): Buffer[] {
    pending.push(b);
    pendingBytes += b.length;
    return pendingBytes >= BATCH ? take() : [];
  }
  for await (const item of items) {
    yield* add(encodeTarHeader(item));
    if (item.type === 'file' && item.size > 0) {
      for await (const chunk of bodyChunks(item)) yield* add(chunk);
      const pad = blockPadding(item.size);
      if (pad > 0) yield* add(Buffer.alloc(pad));
    }
  }
  add(TAR_TRAILER);
  yield* take();
}

export interface TarballOptions {
  /** Where the .tar.gz is written (created or truncated, fsynced; the caller renames it). */
  gzipPath: string;
  /** Also keep the uncompressed tar here (e.g. for a docker-archive). */
  tarPath?: string;
  /** zlib level 1–9; default 6 (zlib's default: most of 9's size at a fraction of its time). */
  gzipLevel?: number;
}

export interface TarballResult {
  /** "sha256:<hex>" of the uncompressed tar: an OCI layer's diff_id. */
  tarDigest: string;
  tarSize: number;
  /** "sha256:<hex>" of the .tar.gz: an OCI layer blob's digest. */
  gzipDigest: string;
  gzipSize: number;
  /** Archive entries written (directories, files, links, devices). */
  entries: number;
}

/** Passes chunks through while hashing and counting them, optionally copying them to a file. */
function tap(hash: ReturnType<typeof createHash>, count: { n: number }, copy?: FileHandle): Transform {
  return new Transform({
    highWaterMark: PIPE_BUFFER,
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      hash.update(chunk);
      count.n += chunk.length;
      if (!copy) return cb(null, chunk);
      copy.write(chunk).then(() => cb(null, chunk), cb);
    },
  });
}

/** Streams `items` into a gzip-compressed tar, computing both digests on the way. */
export async function writeTarball(items: AsyncIterable<TarItem>, opts: TarballOptions): Promise<TarballResult> {
  const level = opts.gzipLevel ?? 6;
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new TarWriteError(`gzip level ${level}: expected 1 to 9`);
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  const tarCount = { n: 0 };
  const gzCount = { n: 0 };
  let entries = 0;
  async function* counted(): AsyncGenerator<TarItem> {
    for await (const item of items) {
      entries++;
      yield item;
    }
  }
  const copy = opts.tarPath ? await open(opts.tarPath, 'w', 0o644) : undefined;
  try {
    await pipeline(
      Readable.from(tarBytes(counted()), { objectMode: false, highWaterMark: PIPE_BUFFER }),
      tap(tarHash, tarCount, copy),
      createGzip({ level }),
      tap(gzHash, gzCount),
      createWriteStream(opts.gzipPath, { mode: 0o644, flush: true }),
    );
    await copy?.sync();
  } finally {
    await copy?.close();
  }
  return {
    tarDigest: `sha256:${tarHash.digest('hex')}`,
    tarSize: tarCount.n,
    gzipDigest: `sha256:${gzHash.digest('hex')}`,
    gzipSize: gzCount.n,
    entries,
  };
}

/** Streams `items` into an uncompressed tar at `path` (fsynced); returns its SHA-256 and size. */
export async function writeTarFile(items: AsyncIterable<TarItem>, path: string): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  const count = { n: 0 };
  await pipeline(
    Readable.from(tarBytes(items), { objectMode: false, highWaterMark: PIPE_BUFFER }),
    tap(hash, count),
    createWriteStream(path, { mode: 0o644, flush: true }),
  );
  return { digest: `sha256:${hash.digest('hex')}`, size: count.n };
}
