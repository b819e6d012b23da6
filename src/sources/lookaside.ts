// Downloads what a `sources` file lists from the distro's lookaside cache, each file checked against
// its recorded digest before it is kept (a mismatch leaves nothing behind).

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { downloadFile } from '../repo/source/fetch.ts';
import { type SourcesEntry, SourcesFileError } from './sources-file.ts';
import { lookasideUrl } from './urls.ts';

const DIGESTS: Record<string, string> = { MD5: 'md5', SHA1: 'sha1', SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };

/** node:crypto's name for a `sources`/config digest name (SHA512, sha256, MD5 …). */
export function digestName(hashType: string): string {
  const d = DIGESTS[hashType.toUpperCase()];
  if (!d) throw new SourcesFileError(`unknown hash type "${hashType}"`);
  return d;
}

export async function fileDigest(path: string, hashType: string): Promise<string> {
  const h = createHash(digestName(hashType));
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** True when `path` exists and has the expected digest. */
export async function hasVerifiedFile(path: string, e: SourcesEntry): Promise<boolean> {
  const s = await stat(path).catch(() => undefined);
  if (!s?.isFile()) return false;
  return (await fileDigest(path, e.hashType)) === e.hash.toLowerCase();
}

export interface LookasideOptions {
  /** Files already provided some other way (e.g. source-files overrides). */
  skip?: Set<string>;
  retries?: number;
  onFile?: (filename: string, action: 'present' | 'downloaded') => void;
}

/** Makes every entry present and verified in `dir`, downloading from the lookaside template. */
export async function fetchLookasideSources(
  dir: string,
  pkg: string,
  template: string,
  entries: SourcesEntry[],
  opts: LookasideOptions = {},
): Promise<void> {
  for (const e of entries) {
    if (opts.skip?.has(e.filename)) continue;
    const dest = join(dir, e.filename);
    if (await hasVerifiedFile(dest, e)) {
      opts.onFile?.(e.filename, 'present');
      continue;
    }
    const url = lookasideUrl(template, pkg, e.filename, e.hashType, e.hash);
    await downloadFile(url, dest, {
      what: `${pkg}: ${e.filename}`,
      expected: { checksum: { type: digestName(e.hashType), value: e.hash.toLowerCase() } },
      retries: opts.retries,
    });
    opts.onFile?.(e.filename, 'downloaded');
  }
}
