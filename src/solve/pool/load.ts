// Feeding the pool from the repository model (what src/repo/load.ts reads for `strata repo query`),
// or from repository snapshots (snapshot.ts; what the solver's cache stores, see ../pool-cache.ts).
import type { RepoPackage } from '../../repo/model.ts';
import { Pool, type PoolOptions, type PoolRepoInput } from './pool.ts';
import { snapshotRecord, type RepoSnapshot, type SnapshotRecord } from './snapshot.ts';

export interface RepositoryForPool {
  id: string;
  /** libsolv priority (higher wins). Ignored when dnfPriority is set. */
  priority?: number;
  /** dnf's `priority=` (lower wins, default 99): becomes libsolv priority -dnfPriority, as dnf5 sets it. */
  dnfPriority?: number;
  /** libsolv subpriority; dnf5 uses -cost. */
  subpriority?: number;
  /** The packages as records … */
  packages?: readonly RepoPackage[];
  /** … or as a snapshot with record fields (snapshotFromPackages(…, { info: true }) or the cache). */
  snapshot?: RepoSnapshot;
}

/** The installed set's repository id, as libsolv and dnf name it. */
export const SYSTEM_REPO_ID = '@System';

/**
 * A pool of these repositories in order, with `installed` (e.g. the rpmdb as records) first as the
 * "@System" repository when given. Records are the RepoPackages given, or light records
 * (SnapshotRecord: name, EVR parts, arch, vendor, build time) for snapshot repositories.
 */
export function poolFromRepositories(
  repos: readonly RepositoryForPool[],
  installed?: readonly RepoPackage[],
  options: PoolOptions = {},
): Pool<SnapshotRecord> {
  const inputs: PoolRepoInput<SnapshotRecord>[] = [];
  if (installed) inputs.push({ id: SYSTEM_REPO_ID, installed: true, packages: installed });
  for (const r of repos) {
    const base = {
      id: r.id,
      priority: r.dnfPriority !== undefined ? -r.dnfPriority : (r.priority ?? 0),
      subpriority: r.subpriority ?? 0,
    };
    const snap = r.snapshot;
    if (snap) inputs.push({ ...base, snapshot: snap, record: (i) => snapshotRecord(snap, i) });
    else inputs.push({ ...base, packages: r.packages ?? [] });
  }
  return new Pool<SnapshotRecord>(inputs, options);
}
