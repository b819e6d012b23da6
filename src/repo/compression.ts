// Metadata compression formats. Readers detect the format from the first bytes, never from the file
// name (createrepo_c ≥ 1 writes a `group` record whose file is compressed with the default
// compressor). gzip and zstd come from node:zlib; xz and bzip2 go through the system's reference
// tools (xz-utils, bzip2), which the rpm payload reader already relies on. Writing streams through
// publish/metadata-file.ts.

import { spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { gunzip, zstdDecompress } from 'node:zlib';
import { RepoFormatError } from './model.ts';

export const METADATA_COMPRESSIONS = ['zstd', 'gz', 'xz', 'bz2', 'none'] as const;
export type MetadataCompression = (typeof METADATA_COMPRESSIONS)[number];

/** What a file's first bytes say it is; 'zck' is recognised so callers can fall back to another record. */
export type DetectedCompression = MetadataCompression | 'zck';

/** File name suffix createrepo_c uses for each compression. */
export const COMPRESSION_SUFFIX: Record<MetadataCompression, string> = {
  zstd: '.zst',
  gz: '.gz',
  xz: '.xz',
  bz2: '.bz2',
  none: '',
};

export function detectCompression(head: Uint8Array): DetectedCompression {
  const b = head;
  if (b[0] === 0x1f && b[1] === 0x8b) return 'gz';
  if (b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return 'zstd';
  if (b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58 && b[4] === 0x5a && b[5] === 0x00) return 'xz';
  if (b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68) return 'bz2';
  if (b[0] === 0x00 && b[1] === 0x5a && b[2] === 0x43 && b[3] === 0x4b && b[4] === 0x31) return 'zck';
  return 'none';
}

/** Runs `prog args` with `input` on stdin and returns stdout; stops (and fails) past `max` bytes. */
function filter(prog: string, args: string[], input: Uint8Array, what: string, max: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const child = spawn(prog, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let total = 0;
    let err = '';
    let tooBig = false;
    child.stdout.on('data', (c: Buffer) => {
      total += c.length;
      if (total > max) {
        tooBig = true;
        child.kill();
        return;
      }
      chunks.push(c);
    });
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 300) err += d.toString();
    });
    child.stdin.on('error', () => {});
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(new RepoFormatError(`${what}: ${e.code === 'ENOENT' ? `needs the ${prog} program` : e.message}`)),
    );
    child.on('close', (code) => {
      if (tooBig) reject(new RepoFormatError(`${what}: decompresses to more than ${max} bytes`));
      else if (code !== 0) reject(new RepoFormatError(`${what}: ${prog} failed: ${err.trim().split('\n')[0] || `exit ${code}`}`));
      else resolve(Buffer.concat(chunks));
    });
    child.stdin.end(input);
  });
}

const DEFAULT_MAX = 4 * 1024 ** 3 - 1;
/**
 * Output buffer per thread-pool round trip: node's default (16 KiB) made decompressing a few MB of
 * metadata take 3-4 times as long as the inflating itself.
 */
const OUTPUT_CHUNK = 1 << 20;

/**
 * Decompresses a metadata file whatever its format (by content). `max` bounds the output so a
 * hostile file cannot exhaust memory. zchunk is not decoded: callers use the plain record instead.
 */
export async function decompressMetadata(data: Uint8Array, what: string, max = DEFAULT_MAX): Promise<Uint8Array> {
  const kind = detectCompression(data);
  const limit = Math.min(max, DEFAULT_MAX);
  try {
    switch (kind) {
      case 'none':
        return data;
      case 'gz':
        return await promisify(gunzip)(data, { maxOutputLength: limit, chunkSize: OUTPUT_CHUNK });
      case 'zstd':
        return await promisify(zstdDecompress)(data, { maxOutputLength: limit, chunkSize: OUTPUT_CHUNK });
      case 'xz':
        return await filter('xz', ['-d', '-c', '-q'], data, what, limit);
      case 'bz2':
        return await filter('bzip2', ['-d', '-c', '-q'], data, what, limit);
      case 'zck':
        throw new RepoFormatError(`${what}: zchunk files are not supported; use the non-zchunk record`);
    }
  } catch (e) {
    if (e instanceof RepoFormatError) throw e;
    throw new RepoFormatError(`${what}: corrupt ${kind} data (${(e as Error).message.split('\n')[0]})`);
  }
}
