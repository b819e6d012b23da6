// `component update`: recomputes each selected component's lock (upstream commit, fingerprint,
// resolution hash) and writes the ones that changed. Resolving an upstream commit from a snapshot
// needs dist-git; offline, a pinned upstream-commit or a lock whose resolution inputs still match
// is used, and any other upstream component is reported "unresolved" (its lock left as it is).

import { ProjectConfigError } from './errors.ts';
import { componentIdentity, resolutionInputHash, resolutionInputs, UnresolvedSourceError } from './fingerprint.ts';
import type { Project } from './loader.ts';
import { LOCK_VERSION, lockedComponentNames, readLock, removeLock, writeLock, type ComponentLock } from './lock.ts';
import type { ResolvedComponent } from './resolve.ts';

export type UpdateStatus =
  /** Lock written for the first time / rewritten / already current. */
  | 'created'
  | 'updated'
  | 'unchanged'
  /** --bump: manual-bump incremented. */
  | 'bumped'
  /** --check-only: the lock would be created / rewritten / pruned. */
  | 'missing'
  | 'stale'
  | 'orphan'
  /** -a: lock of a component that no longer exists, removed. */
  | 'pruned'
  /** The upstream commit could not be determined; the lock was left alone. */
  | 'unresolved';

export interface UpdateResult {
  component: string;
  status: UpdateStatus;
  upstreamCommit?: string;
  previousCommit?: string;
  fingerprint?: string;
  /** Why, for unresolved and missing results. */
  reason?: string;
}

export interface UpdateOptions {
  /** Compute everything, write nothing (results say missing/stale/orphan instead). */
  checkOnly?: boolean;
  /** Increment manual-bump of existing locks. */
  bump?: boolean;
  /** Prune (or with checkOnly, report) locks of components not in the project: for -a. */
  pruneOrphans?: boolean;
  /**
   * Resolves an upstream component's commit from dist-git (the network side lives in
   * src/component) when neither a pin nor a current lock gives it; throwing leaves it unresolved.
   */
  resolveUpstream?: (c: ResolvedComponent) => Promise<string>;
}

const sameLock = (a: ComponentLock, b: ComponentLock): boolean =>
  (a.importCommit ?? '') === (b.importCommit ?? '') &&
  (a.upstreamCommit ?? '') === (b.upstreamCommit ?? '') &&
  (a.manualBump ?? 0) === (b.manualBump ?? 0) &&
  (a.inputFingerprint ?? '') === (b.inputFingerprint ?? '') &&
  (a.resolutionInputHash ?? '') === (b.resolutionInputHash ?? '') &&
  a.version === b.version;

interface Plan {
  result: UpdateResult;
  /** The lock to write, when it differs from the one on disk. */
  write?: ComponentLock;
}

/** The upstream commit usable offline for a component, or why there is none. */
function lockedCommit(project: Project, c: ResolvedComponent, existing: ComponentLock | undefined, resolved?: string): { commit?: string; resHash: string; reason?: string } {
  const resHash = resolutionInputHash(resolutionInputs(project, c.config));
  const pin = c.config.spec?.upstreamCommit;
  if (pin) return { commit: pin, resHash };
  if (existing?.upstreamCommit && existing.resolutionInputHash === resHash) return { commit: existing.upstreamCommit, resHash };
  if (resolved) return { commit: resolved, resHash };
  const reason = existing?.upstreamCommit
    ? 'resolution inputs (snapshot, distro, upstream name) changed since the lock; re-resolving needs dist-git'
    : 'no lock and no upstream-commit pin; resolving the snapshot commit needs dist-git';
  return { resHash, reason };
}

function planComponent(project: Project, c: ResolvedComponent, existing: ComponentLock | undefined, opts: UpdateOptions, resolved?: string): Plan {
  const upstream = c.config.spec?.type === 'upstream';
  if (opts.bump) {
    if (!existing) return { result: { component: c.name, status: 'missing', reason: 'no lock file to bump: run strata component update first' } };
    if (upstream && !existing.upstreamCommit) return { result: { component: c.name, status: 'unresolved', reason: 'lock has no upstream-commit to bump' } };
    const manualBump = (existing.manualBump ?? 0) + 1;
    const id = componentIdentity(project, c, { upstreamCommit: existing.upstreamCommit, manualBump });
    const lock: ComponentLock = { ...existing, manualBump, inputFingerprint: id.fingerprint };
    return { result: { component: c.name, status: 'bumped', upstreamCommit: existing.upstreamCommit, fingerprint: id.fingerprint }, write: lock };
  }
  let lock: ComponentLock;
  if (upstream) {
    const { commit, resHash, reason } = lockedCommit(project, c, existing, resolved);
    if (!commit) return { result: { component: c.name, status: 'unresolved', previousCommit: existing?.upstreamCommit, reason } };
    const id = componentIdentity(project, c, { upstreamCommit: commit, manualBump: existing?.manualBump });
    lock = {
      version: LOCK_VERSION,
      importCommit: existing?.importCommit || commit,
      upstreamCommit: commit,
      manualBump: existing?.manualBump,
      inputFingerprint: id.fingerprint,
      resolutionInputHash: resHash,
    };
  } else {
    const id = componentIdentity(project, c, { manualBump: existing?.manualBump });
    lock = { version: LOCK_VERSION, manualBump: existing?.manualBump, inputFingerprint: id.fingerprint };
  }
  const result: UpdateResult = { component: c.name, status: 'unchanged', upstreamCommit: lock.upstreamCommit, fingerprint: lock.inputFingerprint };
  if (existing?.upstreamCommit && existing.upstreamCommit !== lock.upstreamCommit) result.previousCommit = existing.upstreamCommit;
  if (existing && sameLock(existing, lock)) return { result };
  result.status = existing ? 'updated' : 'created';
  return { result, write: lock };
}

/** The directory holding the project's lock files (project lock-dir, default `locks` beside azldev.toml). */
export function projectLockDir(project: Project): string {
  return project.config.project.lockDir ?? `${project.rootDir}/locks`;
}

/**
 * Updates (or with checkOnly, checks) the locks of `components`. Every lock is computed before any
 * is written, so a configuration error (say a missing overlay source) writes nothing.
 */
export async function updateLocks(project: Project, components: ResolvedComponent[], opts: UpdateOptions = {}): Promise<UpdateResult[]> {
  if (opts.bump && opts.checkOnly) throw new ProjectConfigError('--bump and --check-only cannot be combined');
  const lockDir = projectLockDir(project);
  const plans: Plan[] = [];
  for (const c of components) {
    const existing = readLock(lockDir, c.name);
    let resolved: string | undefined;
    let failure: string | undefined;
    if (opts.resolveUpstream && !opts.bump && c.config.spec?.type === 'upstream' && !lockedCommit(project, c, existing).commit) {
      try {
        resolved = await opts.resolveUpstream(c);
      } catch (e) {
        failure = (e as Error).message;
      }
    }
    try {
      const plan = planComponent(project, c, existing, opts, resolved);
      if (failure && plan.result.status === 'unresolved') plan.result.reason = failure;
      plans.push(plan);
    } catch (e) {
      if (e instanceof UnresolvedSourceError) plans.push({ result: { component: c.name, status: 'unresolved' as const, reason: e.message } });
      else throw e;
    }
  }
  const results: UpdateResult[] = [];
  for (const p of plans) {
    if (p.write && opts.checkOnly) {
      p.result.status = p.result.status === 'created' ? 'missing' : 'stale';
    } else if (p.write) {
      await writeLock(lockDir, p.result.component, p.write);
    }
    results.push(p.result);
  }
  if (opts.pruneOrphans && !opts.bump) {
    const names = new Set(components.map((c) => c.name));
    for (const orphan of lockedComponentNames(lockDir).filter((n) => !names.has(n))) {
      if (!opts.checkOnly) await removeLock(lockDir, orphan);
      results.push({ component: orphan, status: opts.checkOnly ? 'orphan' : 'pruned' });
    }
  }
  return results;
}

/** Whether a result means the locks are not (or could not be made) current. */
export function isProblem(r: UpdateResult): boolean {
  return r.status === 'missing' || r.status === 'stale' || r.status === 'orphan' || r.status === 'unresolved';
}
