// The Azure Linux 4.0 rendered-spec corpus (../shared/fixtures/azurelinux-4.0/specs.tar.zst), read
// straight from the archive into memory: zstd-decompressed by node:zlib, then split as a tar stream.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zstdDecompressSync } from 'node:zlib';
import { FIXTURES } from '../support/fixtures.ts';

export const SPEC_CORPUS = join(FIXTURES, 'azurelinux-4.0', 'specs.tar.zst');

export function hasSpecCorpus(): boolean {
  return existsSync(SPEC_CORPUS);
}

export interface CorpusFile {
  path: string;
  bytes: Buffer;
}

/** Every regular file of the archive, in archive order. */
export function readSpecCorpus(archive = SPEC_CORPUS): CorpusFile[] {
  return untar(zstdDecompressSync(readFileSync(archive)));
}

/** A ustar/GNU tar reader for what the fixture holds: regular files, GNU long names, pax paths. */
export function untar(tar: Buffer): CorpusFile[] {
  const files: CorpusFile[] = [];
  let longName: string | undefined;
  for (let off = 0; off + 512 <= tar.length; ) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number): string => header.toString('latin1', start, start + len).replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]);
    const body = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x') {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (m) longName = m[1];
      continue;
    }
    const prefix = header.toString('latin1', 257, 263).startsWith('ustar\0') ? field(345, 155) : '';
    const path = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    if (type === '0' || type === '\0') files.push({ path, bytes: body });
  }
  return files;
}
