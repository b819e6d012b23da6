// The solver's per-repository cache, as dnf keeps libsolv's .solv files: the pool snapshot of a
// repository (pool/snapshot.ts) stored in its metadata cache directory as `pool.snap`, keyed by
// the primary and filelists checksums of the verified repomd.xml. A hit reads only repomd.xml
// (signature and checksum checks as always) and that one file — no XML is parsed. The file names
// its format and the writer's version, carries a sha256 of its body and is checked id by id; a
// stale, damaged or truncated one is ignored and rebuilt. Written atomically (temp, fsync, rename).

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../repo/atomic-file.ts';
import { loadOpenedRepository } from '../repo/load.ts';
import { openRepository, type OpenOptions, type OpenedRepository } from '../repo/source/open.ts';
import type { RepoConfig } from '../repo/source/repo-file.ts';
import { decodeSnapshot, encodeSnapshot, SnapshotError, snapshotFromPackages, type RepoSnapshot } from './pool/snapshot.ts';

/** The cache file's name inside the repository's cache directory. */
export const POOL_CACHE_FILE = 'pool.snap';

let codeVersion: string | undefined;
/** Snapshots written by another Strata version are not read (the meaning of a field may differ). */
export function poolCacheCodeVersion(): string {
  if (codeVersion === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    codeVersion = `strata ${String(pkg.version)}`;
  }
  return codeVersion;
}

export interface SolveRepository {
  id: string;
  opened: OpenedRepository;
  snapshot: RepoSnapshot;
  /** hit: read from the cache; miss: built from the metadata (then cached unless `reason` says not). */
  cache: 'hit' | 'miss';
  /** Why the cache was not used or not written (for -v). */
  reason?: string;
}

/** What the snapshot is built from: repomd.xml's primary and filelists records (checksums and sizes). */
export function poolCacheKey(opened: OpenedRepository): unknown {
  const rec = (type: string): unknown => {
    const r = opened.record(type);
    if (!r) return null;
    return {
      type: r.type,
      location: r.location,
      checksum: `${r.checksum.type}:${r.checksum.value.toLowerCase()}`,
      openChecksum: r.openChecksum ? `${r.openChecksum.type}:${r.openChecksum.value.toLowerCase()}` : null,
      size: r.size ?? null,
    };
  };
  return { primary: rec('primary'), filelists: rec('filelists') };
}

export function poolCachePath(opened: OpenedRepository): string {
  return join(opened.cachePath, POOL_CACHE_FILE);
}

/** The cached snapshot at `path` for `key`, or why it cannot be used. */
export async function readPoolCache(path: string, key: unknown): Promise<RepoSnapshot | string> {
  let buf: Uint8Array;
  try {
    buf = await readFile(path);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no cache yet' : (e as Error).message;
  }
  try {
    return decodeSnapshot(buf, poolCacheCodeVersion(), key);
  } catch (e) {
    if (e instanceof SnapshotError) return e.message;
    throw e;
  }
}

/**
 * Opens a repository for solving: repomd.xml is fetched and verified as always, then the pool
 * snapshot comes from the cache when it matches, else from primary + filelists (every record is
 * then fetched and verified, as loadRepository does) and is written back to the cache.
 */
export async function loadSolveRepository(
  config: RepoConfig,
  opts: Omit<OpenOptions, 'want'> & { poolCache?: boolean },
): Promise<SolveRepository> {
  const { poolCache = true, ...openOpts } = opts;
  // Only primary is checked here (openRepository always wants it); the rest only on a miss.
  const opened = await openRepository(config, { ...openOpts, want: [] });
  const key = poolCacheKey(opened);
  const path = poolCachePath(opened);
  let reason = 'cache disabled';
  if (poolCache) {
    const cached = await readPoolCache(path, key);
    if (typeof cached !== 'string') return { id: config.id, opened, snapshot: cached, cache: 'hit' };
    reason = cached;
  }
  const loaded = await loadOpenedRepository(opened);
  const snapshot = snapshotFromPackages(loaded.metadata.packages, { info: true });
  if (poolCache) {
    try {
      await writeFileAtomic(path, encodeSnapshot(snapshot, poolCacheCodeVersion(), key));
    } catch (e) {
      // A read-only or full cache directory costs speed, not correctness.
      reason += `; not cached: ${(e as Error).message}`;
    }
  }
  return { id: config.id, opened, snapshot, cache: 'miss', reason };
}
