// `component diff-sources`: the change overlays make, as a diff of the sources before and after.

import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import type { Project, ResolvedComponent } from '../project/index.ts';
import { diffTrees, type FileDiff } from '../sources/index.ts';
import { prepareComponent } from './prepare.ts';

export async function diffComponentSources(
  project: Project,
  c: ResolvedComponent,
  opts: { workDir: string; upstreamCommit?: string; withSources?: boolean },
): Promise<FileDiff[]> {
  const stage = join(opts.workDir, 'diff-sources', c.name);
  try {
    const common = { withSources: opts.withSources ?? false, upstreamCommit: opts.upstreamCommit };
    const before = await prepareComponent(project, c, join(stage, 'before'), { ...common, skipOverlays: true });
    const after = await prepareComponent(project, c, join(stage, 'after'), common);
    return await diffTrees(before.dir, after.dir);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
