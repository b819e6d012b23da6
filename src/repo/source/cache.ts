// The metadata cache: one directory per repository (id + a hash of its URLs, so two configurations
// sharing an id do not mix), holding the last verified repomd.xml (+ .asc), the record files it
// names under records/, downloaded packages under packages/, and state.json with when repomd.xml
// was last fetched (for metadata_expire) and from which mirrors. Everything written is atomic, and
// nothing read back is trusted: records and packages are re-verified against repomd.xml on use.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rm, rmdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { readTree } from '../../files/index.ts';
import { RepoFormatError } from '../model.ts';
import { checksumHash, type Expected } from './fetch.ts';
import type { RepoConfig } from './repo-file.ts';

/** cacheDir/<id>-<16 hex of sha256 over the configured URLs>. */
export function repoCacheDir(cacheDir: string, config: RepoConfig): string {
  const key = JSON.stringify([config.baseurl, config.metalink ?? '', config.mirrorlist ?? '']);
  return join(cacheDir, `${config.id}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`);
}

/**
 * A location from metadata made safe to join under a directory or base URL: relative, no `..`, no
 * scheme, no backslashes or NULs. Returns it with empty and `.` segments dropped.
 */
export function safeLocation(location: string, what: string): string {
  const bad = (why: string): never => {
    throw new RepoFormatError(`${what}: location "${location}" ${why}`);
  };
  if (!location) bad('is empty');
  if (/[\0\\]/.test(location)) bad('contains a backslash or NUL');
  if (location.startsWith('/')) bad('is absolute');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(location)) bad('is a URL, not a relative path');
  const segs = location.split('/').filter((s) => s !== '' && s !== '.');
  if (segs.some((s) => s === '..')) bad('climbs out of the repository with ".."');
  if (!segs.length) bad('names no file');
  return segs.join('/');
}

export interface CacheState {
  version: 1;
  /** When repomd.xml was last fetched (or re-checked), ms since the epoch. */
  fetchedAt: number;
  /** The mirrors in use, best first (so a cache hit needs no metalink or mirrorlist). */
  mirrors: string[];
  /** sha256 of the cached repomd.xml: a mismatch means the cache was altered and is not used. */
  repomdSha256: string;
}

export async function readState(dir: string): Promise<CacheState | undefined> {
  try {
    const s = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as Partial<CacheState>;
    if (s.version !== 1 || typeof s.fetchedAt !== 'number' || !Array.isArray(s.mirrors) || typeof s.repomdSha256 !== 'string') return undefined;
    if (!s.mirrors.every((m) => typeof m === 'string')) return undefined;
    return s as CacheState;
  } catch {
    return undefined;
  }
}

/** Fresh when fetched less than `expire` seconds ago (-1: never expires; 0: always expired). */
export function isFresh(state: CacheState, expire: number, now: number): boolean {
  if (expire < 0) return true;
  return now >= state.fetchedAt && now - state.fetchedAt < expire * 1000;
}

/**
 * Streams a file through its expected digest. Returns undefined when it matches, else why not
 * ("missing", a size or checksum difference), so callers can re-download or report.
 */
export async function checkFile(path: string, expected: Expected, what: string): Promise<string | undefined> {
  const h = expected.checksum ? checksumHash(expected.checksum.type, what) : undefined;
  let size = 0;
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (expected.size !== undefined && size > expected.size) return `larger than the expected ${expected.size} bytes`;
      h?.update(chunk);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return err.code === 'ENOENT' ? 'missing' : err.message;
  }
  if (expected.size !== undefined && size !== expected.size) return `size is ${size} bytes, expected ${expected.size}`;
  if (h && expected.checksum) {
    const got = h.digest('hex');
    if (got !== expected.checksum.value.toLowerCase()) {
      return `${expected.checksum.type} checksum mismatch (got ${got}, expected ${expected.checksum.value})`;
    }
  }
  return undefined;
}

/** Removes files under `dir` whose relative paths are not in `keep` (old metadata), then empty dirs. */
export async function pruneDir(dir: string, keep: Set<string>): Promise<void> {
  let entries: string[];
  try {
    entries = (await readTree(dir)).map((e) => relative(dir, join(e.parentPath, e.name)));
  } catch {
    return;
  }
  const dirs: string[] = [];
  for (const rel of entries) {
    const full = join(dir, rel);
    if (keep.has(rel)) continue;
    try {
      await rm(full);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EISDIR' || (e as NodeJS.ErrnoException).code === 'ERR_FS_EISDIR') dirs.push(full);
    }
  }
  for (const d of dirs.sort((a, b) => b.length - a.length)) await rmdir(d).catch(() => {});
}
