// `component build` from a project: check each component's lock against its inputs, prepare its
// sources (local directory or dist-git + lookaside, overlays applied), and hand the prepared set to
// the build engine, which orders, caches and builds it.

import { join } from 'node:path';
import { buildComponents, type BuildOptions, type BuildResult, type PreparedComponent } from '../build/index.ts';
import { componentIdentity, projectLockDir, readLock, type Project, type ResolvedComponent } from '../project/index.ts';
import { PrepareError, prepareComponent } from './prepare.ts';

export interface ProjectBuildOptions extends Partial<Omit<BuildOptions, 'select'>> {
  /** Build even when a lock is missing or stale (the fingerprint is computed from the inputs). */
  skipLockValidation?: boolean;
  allowNoHashes?: boolean;
  onPrepare?: (component: string) => void;
}

/** The component's input fingerprint, checked against its lock unless told not to. */
export function lockedFingerprint(project: Project, c: ResolvedComponent, skipLockValidation = false): { fingerprint: string; upstreamCommit?: string } {
  const lock = readLock(projectLockDir(project), c.name);
  const id = componentIdentity(project, c, { upstreamCommit: lock?.upstreamCommit, manualBump: lock?.manualBump });
  if (!skipLockValidation) {
    if (!lock) throw new PrepareError(`${c.name}: no lock file: run \`strata component update ${c.name}\` (or --skip-lock-validation)`);
    if (lock.inputFingerprint !== id.fingerprint) {
      throw new PrepareError(`${c.name}: lock is stale (inputs changed since it was written): run \`strata component update ${c.name}\` (or --skip-lock-validation)`);
    }
  }
  return { fingerprint: id.fingerprint, upstreamCommit: lock?.upstreamCommit };
}

/**
 * Builds `selected` (plus what they build against that is not built yet) out of `all`, the project's
 * components: the engine needs every component to know who provides a BuildRequires.
 */
export async function buildProject(
  project: Project,
  all: ResolvedComponent[],
  selected: ResolvedComponent[],
  opts: ProjectBuildOptions = {},
): Promise<BuildResult> {
  const p = project.config.project;
  const workDir = opts.workDir ?? p.workDir!;
  const prepared: PreparedComponent[] = [];
  for (const c of all) {
    const { fingerprint, upstreamCommit } = lockedFingerprint(project, c, opts.skipLockValidation);
    opts.onPrepare?.(c.name);
    const s = await prepareComponent(project, c, join(workDir, 'prepared', c.name), {
      withSources: true,
      upstreamCommit,
      allowNoHashes: opts.allowNoHashes,
    });
    prepared.push({ name: c.name, dir: s.dir, fingerprint, spec: s.spec });
  }
  const everything = selected.length === all.length;
  return buildComponents(prepared, {
    ...opts,
    outDir: opts.outDir ?? p.outputDir!,
    workDir: join(workDir, 'build'),
    logDir: opts.logDir ?? p.logDir!,
    select: everything ? undefined : selected.map((c) => c.name),
  });
}
