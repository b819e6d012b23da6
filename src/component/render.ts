// `component render`: the post-overlay spec and the sidecar files it names (patches, scripts,
// configs, the azldev macros file, the `sources` list) — no tarballs — written as a checked-in
// tree `<rendered-specs-dir>/<first letter>/<name>/`, replaced whole or left alone when unchanged.

import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { readTree } from '../files/index.ts';
import type { Project, ResolvedComponent } from '../project/index.ts';
import { prepareComponent } from './prepare.ts';

const run = promisify(execFile);

export type RenderStatus = 'created' | 'updated' | 'unchanged' | 'would-change';

export interface RenderResult {
  component: string;
  dir: string;
  status: RenderStatus;
  files: string[];
  /** Why the file filter was not applied, when it could not be. */
  warning?: string;
}

export interface RenderOptions {
  /** Scratch space (the project's work-dir). */
  workDir: string;
  /** Instead of the project's rendered-specs-dir. */
  outputDir?: string;
  /** Compare only: nothing is written, a difference is reported as "would-change". */
  checkOnly?: boolean;
  upstreamCommit?: string;
  rpmspec?: string;
}

/** The file names the spec's Source and Patch tags name, as rpm expands them. */
async function specFileNames(rpmspec: string, dir: string, spec: string): Promise<string[]> {
  const { stdout } = await run(rpmspec, ['-q', '--srpm', '--qf', '[%{SOURCE}\\n][%{PATCH}\\n]', '--define', `_sourcedir ${dir}`, join(dir, spec)], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return [...new Set(stdout.split('\n').filter(Boolean))];
}

/** Relative paths of the regular files below `dir` (`.git/` left out), sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readTree(dir).catch(() => []);
  return entries
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .filter((p) => p !== '.git' && !p.startsWith('.git/'))
    .sort();
}

async function sameTree(a: string, b: string): Promise<boolean> {
  const [fa, fb] = await Promise.all([listFiles(a), listFiles(b)]);
  if (fa.join('\0') !== fb.join('\0')) return false;
  for (const f of fa) {
    const [x, y] = await Promise.all([readFile(join(a, f)), readFile(join(b, f))]);
    if (!x.equals(y)) return false;
  }
  return true;
}

export function renderedDirOf(c: ResolvedComponent, outputDir?: string): string {
  return outputDir ? join(outputDir, c.name.slice(0, 1).toLowerCase(), c.name) : c.renderedSpecDir;
}

export async function renderComponent(project: Project, c: ResolvedComponent, opts: RenderOptions): Promise<RenderResult> {
  const stage = join(opts.workDir, 'render', c.name);
  const prepared = await prepareComponent(project, c, join(stage, 'sources'), { withSources: false, upstreamCommit: opts.upstreamCommit });
  let keep: string[];
  let warning: string | undefined;
  const all = await listFiles(prepared.dir);
  if (c.config.render?.skipFileFilter) keep = all;
  else {
    try {
      const named = new Set([prepared.spec, 'sources', ...(await specFileNames(opts.rpmspec ?? 'rpmspec', prepared.dir, prepared.spec))]);
      keep = all.filter((f) => named.has(f));
    } catch (e) {
      // A spec rpm cannot expand here (macros of another distro): keep every file, as skip-file-filter does.
      keep = all;
      warning = `rpmspec could not list the spec's sources (${String((e as { stderr?: string }).stderr ?? e).trim().split('\n')[0]}); every file kept`;
    }
  }
  const out = join(stage, 'out');
  await rm(out, { recursive: true, force: true });
  for (const f of keep) {
    await mkdir(dirname(join(out, f)), { recursive: true });
    await cp(join(prepared.dir, f), join(out, f), { verbatimSymlinks: true });
  }
  const dest = renderedDirOf(c, opts.outputDir);
  const existed = (await listFiles(dest)).length > 0;
  let status: RenderStatus;
  if (existed && (await sameTree(out, dest))) status = 'unchanged';
  else if (opts.checkOnly) status = 'would-change';
  else {
    await mkdir(dirname(dest), { recursive: true });
    const old = `${dest}.old-${process.pid}`;
    if (existed) await rename(dest, old);
    else await rm(dest, { recursive: true, force: true });
    await rename(out, dest);
    await rm(old, { recursive: true, force: true });
    status = existed ? 'updated' : 'created';
  }
  await rm(stage, { recursive: true, force: true });
  return { component: c.name, dir: dest, status, files: keep, warning };
}
