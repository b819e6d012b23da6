// File plumbing for disk images: outputs written under a temporary name and renamed into place
// (readers never see half a disk), copies that leave all-zero chunks as holes (a mostly empty
// multi-GiB disk costs little), and streaming sha256.

import { createHash, randomBytes, type Hash } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const CHUNK = 1024 * 1024;

/** Runs `fill` on a temporary file next to `path`, then fsyncs and renames it to `path`. */
export async function atomicOutput<T>(path: string, fill: (fh: FileHandle, tmp: string) => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o644);
  try {
    const result = await fill(fh, tmp);
    await fh.sync();
    await fh.close();
    await rename(tmp, path);
    return result;
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
}

export function isZero(b: Uint8Array): boolean {
  // Compare 8 bytes at a time where alignment allows; zero chunks are the common case.
  const words = b.byteOffset % 8 === 0 ? Math.floor(b.length / 8) : 0;
  if (words > 0) {
    const w = new BigUint64Array(b.buffer, b.byteOffset, words);
    for (let i = 0; i < words; i++) if (w[i] !== 0n) return false;
  }
  for (let i = words * 8; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

const ZERO_CHUNK = Buffer.alloc(CHUNK);

/**
 * Copies `length` bytes of `src` (zero-padded past its end) to `dst` at `dstOffset`, skipping
 * writes of all-zero chunks (the destination must read as zeros there: a fresh sparse file).
 * Feeds every byte, padding included, to `hashes`.
 */
export async function copyRegion(src: string | undefined, dst: FileHandle, dstOffset: number, length: number, hashes: Hash[]): Promise<void> {
  const fh = src === undefined ? undefined : await open(src, 'r');
  const buf = Buffer.alloc(CHUNK);
  try {
    let done = 0;
    let srcEof = fh === undefined;
    while (done < length) {
      const want = Math.min(CHUNK, length - done);
      let got = 0;
      if (!srcEof) {
        while (got < want) {
          const { bytesRead } = await fh!.read(buf, got, want - got, done + got);
          if (bytesRead === 0) {
            srcEof = true;
            break;
          }
          got += bytesRead;
        }
      }
      buf.fill(0, got, want);
      const chunk = buf.subarray(0, want);
      for (const h of hashes) h.update(chunk);
      if (!isZero(chunk)) await writeAll(dst, chunk, dstOffset + done);
      done += want;
    }
  } finally {
    await fh?.close();
  }
}

/** Hashes `length` zero bytes (regions never written). */
export function hashZeros(hashes: Hash[], length: number): void {
  for (let done = 0; done < length; done += CHUNK) {
    const n = Math.min(CHUNK, length - done);
    for (const h of hashes) h.update(ZERO_CHUNK.subarray(0, n));
  }
}

export async function writeAll(fh: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let off = 0;
  while (off < data.length) {
    const { bytesWritten } = await fh.write(data, off, data.length - off, position + off);
    off += bytesWritten;
  }
}

export async function readExactly(fh: FileHandle, length: number, position: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let off = 0;
  while (off < length) {
    const { bytesRead } = await fh.read(buf, off, length - off, position + off);
    if (bytesRead === 0) break;
    off += bytesRead;
  }
  return buf.subarray(0, off);
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    let pos = 0;
    while (true) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return h.digest('hex');
}
