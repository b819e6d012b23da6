// Payload compressors as rpm names them (PAYLOADCOMPRESSOR / PAYLOADFLAGS and the rpmlib() feature
// rpmbuild requires for each, build/pack.c getIOFlags). zstd and gzip come from node:zlib; xz is
// streamed through the system `xz` binary (no JS dependency), with the SHA-256 check rpm's xzdio uses.

import { spawn } from 'node:child_process';
import { Duplex, PassThrough } from 'node:stream';
import { constants, createGzip, createZstdCompress } from 'node:zlib';
import { PackInputError } from './deps.ts';

export const COMPRESSORS = ['zstd', 'gzip', 'xz', 'none'] as const;
export type CompressorName = (typeof COMPRESSORS)[number];

export interface CompressorInfo {
  /** PAYLOADCOMPRESSOR; absent for uncompressed payloads, as rpmbuild's w.ufdio. */
  tag?: string;
  /** PAYLOADFLAGS: the level ("" when uncompressed). */
  flags: string;
  /** rpmlib() feature and version rpmbuild adds. */
  feature?: [string, string];
  level: number;
}

const DEFAULT_LEVEL: Record<CompressorName, number> = { zstd: 19, gzip: 9, xz: 6, none: 0 };
const LEVELS: Record<CompressorName, [number, number]> = { zstd: [1, 19], gzip: [1, 9], xz: [0, 9], none: [0, 0] };

export function compressorInfo(name: string, level?: number): CompressorInfo {
  if (!(COMPRESSORS as readonly string[]).includes(name)) {
    throw new PackInputError(`compress: unknown compressor "${name}" (${COMPRESSORS.join(', ')})`);
  }
  const c = name as CompressorName;
  const lvl = level ?? DEFAULT_LEVEL[c];
  const [lo, hi] = LEVELS[c];
  if (!Number.isInteger(lvl) || lvl < lo || lvl > hi) throw new PackInputError(`compress: level ${lvl} out of range ${lo}..${hi} for ${c}`);
  switch (c) {
    case 'zstd':
      return { tag: 'zstd', flags: String(lvl), feature: ['PayloadIsZstd', '5.4.18-1'], level: lvl };
    case 'gzip':
      return { tag: 'gzip', flags: String(lvl), level: lvl };
    case 'xz':
      return { tag: 'xz', flags: String(lvl), feature: ['PayloadIsXz', '5.2-1'], level: lvl };
    default:
      return { flags: '', level: 0 };
  }
}

/** Fails early, with a clear message, when xz payloads are asked for without an xz binary. */
export async function checkCompressorAvailable(info: CompressorInfo): Promise<void> {
  if (info.tag !== 'xz') return;
  await new Promise<void>((ok, fail) => {
    const p = spawn('xz', ['--version'], { stdio: 'ignore' });
    p.on('error', () => fail(new PackInputError('compress: xz payloads need the `xz` program, which was not found on PATH')));
    p.on('close', (code) => (code === 0 ? ok() : fail(new PackInputError('compress: `xz --version` failed'))));
  });
}

/** A transform stream compressing the cpio bytes; errors (including xz's exit status) surface on it. */
export function createCompressor(info: CompressorInfo): Duplex {
  switch (info.tag) {
    case 'zstd':
      return createZstdCompress({ params: { [constants.ZSTD_c_compressionLevel]: info.level } });
    case 'gzip':
      return createGzip({ level: info.level });
    case 'xz': {
      const child = spawn('xz', ['-z', '-c', `-${info.level}`, '--check=sha256', '-T1', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out = new PassThrough();
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.pipe(out, { end: false });
      const duplex = Duplex.from({ writable: child.stdin, readable: out });
      child.on('error', (e) => duplex.destroy(e));
      child.on('close', (code) => {
        if (code === 0) out.end();
        else duplex.destroy(new Error(`xz exited with status ${code}: ${stderr.trim()}`));
      });
      return duplex;
    }
    default:
      return new PassThrough();
  }
}
