// Feeding the pool from the repository model (what src/repo/load.ts reads for `strata repo query`).
import type { RepoPackage } from '../../repo/model.ts';
import { Pool, type PoolOptions, type PoolRepoInput } from './pool.ts';

export interface RepositoryForPool {
  id: string;
  /** libsolv priority (higher wins). Ignored when dnfPriority is set. */
  priority?: number;
  /** dnf's `priority=` (lower wins, default 99): becomes libsolv priority -dnfPriority, as dnf5 sets it. */
  dnfPriority?: number;
  /** libsolv subpriority; dnf5 uses -cost. */
  subpriority?: number;
  packages: readonly RepoPackage[];
}

/** The installed set's repository id, as libsolv and dnf name it. */
export const SYSTEM_REPO_ID = '@System';

/**
 * A pool of these repositories in order, with `installed` (e.g. the rpmdb as records) first as the
 * "@System" repository when given.
 */
export function poolFromRepositories(
  repos: readonly RepositoryForPool[],
  installed?: readonly RepoPackage[],
  options: PoolOptions = {},
): Pool<RepoPackage> {
  const inputs: PoolRepoInput<RepoPackage>[] = [];
  if (installed) inputs.push({ id: SYSTEM_REPO_ID, installed: true, packages: installed });
  for (const r of repos) {
    inputs.push({
      id: r.id,
      priority: r.dnfPriority !== undefined ? -r.dnfPriority : (r.priority ?? 0),
      subpriority: r.subpriority ?? 0,
      packages: r.packages,
    });
  }
  return new Pool<RepoPackage>(inputs, options);
}
