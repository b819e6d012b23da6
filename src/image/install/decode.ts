// One package's payload decoded into memory, checked end to end before a byte reaches the root:
// whole-file checksum (the repository's pkgid) and header digest when the caller knows them, the
// payload digest from the header, then every file's digest while src/rpm's payload reader
// decompresses and splits the cpio archive. Runs in a worker thread (see prefetch.ts) or in-line.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { gunzipSync, zstdDecompressSync, constants as zc } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { DIGEST_ALGOS } from '../../rpm/extract.ts';
import { RpmFormatError, printable } from '../../rpm/header.ts';
import { describePackage } from '../../rpm/model.ts';
import { bytesSource, readRpmHeaders } from '../../rpm/package.ts';
import { payloadCompressor, readPayload, sniffCompressor } from '../../rpm/payload.ts';
import { Tag } from '../../rpm/tags.ts';

export interface DecodeRequest {
  path: string;
  /** Digest of the whole .rpm file (repository metadata). */
  fileChecksum?: { type: string; value: string };
  /** sha256 of the main header bytes the transaction was planned with. */
  headerSha256?: string;
}

/** File contents by header file index: data[offset … offset + length). */
export interface DecodedPayload {
  data: Uint8Array;
  /** Flat triples: file index, offset, length. */
  entries: Int32Array | number[];
}

const NODE_HASH: Record<string, string> = { sha: 'sha1', sha1: 'sha1', sha224: 'sha224', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512', md5: 'md5' };

async function* once(b: Uint8Array): AsyncGenerator<Uint8Array> {
  yield b;
}

/**
 * Decompresses a whole payload in this thread: one call into zlib (zstd, gzip) instead of a stream
 * of thread-pool round trips; xz and bzip2 go through the system's decoders as src/rpm does.
 */
function decompressPayload(compressed: Uint8Array, tag: string, max: number, what: string): Uint8Array {
  const kind = sniffCompressor(compressed.subarray(0, 8)) ?? payloadCompressor(tag);
  const limit = max > (1 << 20) ? max : 0;
  try {
    switch (kind) {
      case 'identity':
        return compressed;
      case 'zstd':
        return zstdDecompressSync(compressed, { ...(limit ? { maxOutputLength: limit } : {}), params: { [zc.ZSTD_d_windowLogMax]: 27 } });
      case 'gzip':
        return gunzipSync(compressed, limit ? { maxOutputLength: limit } : {});
      default: {
        const prog = kind === 'bzip2' ? ['bzip2', '-dc'] : ['xz', '-dc', '--memlimit=512MiB', `--format=${kind === 'lzma' ? 'lzma' : 'xz'}`];
        const r = spawnSync(prog[0], prog.slice(1), { input: compressed, maxBuffer: limit || 1 << 30 });
        if (r.error || r.status !== 0) throw new Error(r.error?.message ?? String(r.stderr).trim().split('\n')[0]);
        return new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength);
      }
    }
  } catch (e) {
    throw new RpmFormatError(`${what}: payload: ${kind} data is corrupt or larger than declared (${(e as Error).message})`);
  }
}

export async function decodePackage(req: DecodeRequest): Promise<DecodedPayload> {
  const bytes = new Uint8Array(await readFile(req.path));
  const what = req.path;
  if (req.fileChecksum) {
    const algo = NODE_HASH[req.fileChecksum.type.toLowerCase()];
    if (!algo) throw new RpmFormatError(`${what}: unsupported checksum type ${req.fileChecksum.type}`);
    const got = createHash(algo).update(bytes).digest('hex');
    if (got !== req.fileChecksum.value.toLowerCase()) throw new RpmFormatError(`${what}: file checksum changed since it was verified`);
  }
  const h = readRpmHeaders(bytesSource(bytes));
  if (req.headerSha256 && createHash('sha256').update(h.headerBytes).digest('hex') !== req.headerSha256) {
    throw new RpmFormatError(`${what}: header changed since the transaction was planned`);
  }
  const pkg = describePackage(h.header, h.signature);
  const compressed = bytes.subarray(h.payloadOffset);
  const digest = h.header.strings(Tag.PAYLOADDIGEST)[0];
  if (digest) {
    const algo = DIGEST_ALGOS[h.header.number(Tag.PAYLOADDIGESTALGO) ?? 8];
    if (!algo) throw new RpmFormatError(`${what}: unsupported payload digest algorithm`);
    if (createHash(algo).update(compressed).digest('hex') !== digest) throw new RpmFormatError(`${what}: payload digest mismatch`);
  }
  const cpio = decompressPayload(compressed, pkg.payloadCompressor, (pkg.archiveSize ?? 0) + (1 << 20), what);
  const fileAlgo = DIGEST_ALGOS[pkg.fileDigestAlgo];
  let total = 0;
  for (const f of pkg.files) {
    const type = f.mode & 0o170000;
    if (type === 0o100000) total += f.size;
    else if (type === 0o120000) total += Buffer.byteLength(f.linkTo);
  }
  const data = new Uint8Array(total);
  const entries: number[] = [];
  let at = 0;
  // The archive is already decompressed: src/rpm's reader sniffs it as an uncompressed cpio.
  for await (const e of readPayload(pkg, once(cpio))) {
    const start = at;
    const hash = e.file.digest && (e.file.mode & 0o170000) === 0o100000 && e.entry.size > 0 ? createHash(fileAlgo ?? 'sha256') : undefined;
    if (hash && !fileAlgo) throw new RpmFormatError(`${what}: unsupported file digest algorithm ${pkg.fileDigestAlgo}`);
    for await (const c of e.content) {
      if (at + c.length > data.length) throw new RpmFormatError(`${what}: payload holds more data than the header's file sizes`);
      data.set(c, at);
      at += c.length;
      hash?.update(c);
    }
    if (hash) {
      const got = hash.digest('hex');
      if (got !== e.file.digest) throw new RpmFormatError(`${what}: ${printable(e.file.path)}: file digest mismatch`);
    }
    entries.push(e.index, start, at - start);
  }
  return { data, entries: Int32Array.from(entries) };
}
