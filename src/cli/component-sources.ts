// `strata component render|prepare-sources|diff-sources|query`: a component's sources after
// overlays — checked in as rendered specs, prepared for a build, shown as a diff, or queried.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Project, ResolvedComponent } from '../project/index.ts';
import type { Command } from './command.ts';
import { SELECTOR_HELP, SELECTOR_OPTIONS, selectedComponents, selectorFrom } from './component.ts';
import { openProject, PROJECT_HELP, PROJECT_OPTIONS, projectErrors, reportWarnings } from './config.ts';
import { CliError } from './errors.ts';
import type { Output } from './output.ts';

const USER_ERRORS = new Set([
  'PrepareError',
  'OverlayError',
  'SourcesFileError',
  'DistGitError',
  'RepoFetchError',
  'RepoFormatError',
  'SpecQueryError',
  'PipelineError',
  'InstallError',
  'RootPathError',
  'CapsError',
  'ScriptletError',
  'CustomizeError',
  'SupplyError',
]);

/** Runs `f`, turning the component domains' user-facing errors into one-line CLI errors. */
export async function componentErrors<T>(f: () => Promise<T>): Promise<T> {
  return projectErrors(async () => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof Error && USER_ERRORS.has(e.name)) throw new CliError(e.message);
      throw e;
    }
  });
}

async function setup(command: string, out: Output, v: Record<string, unknown>, positionals: string[]) {
  const project = await openProject(out, v);
  const comps = await selectedComponents(command, project, selectorFrom(v, positionals));
  reportWarnings(out, project);
  const { lockedFingerprint } = await import('../component/index.ts');
  const { projectLockDir, readLock } = await import('../project/index.ts');
  const lockCommit = (c: ResolvedComponent): string | undefined => {
    if (!v['skip-lock-validation']) return lockedFingerprint(project, c).upstreamCommit;
    return readLock(projectLockDir(project), c.name)?.upstreamCommit;
  };
  return { project, comps, lockCommit, workDir: project.config.project.workDir! };
}

const LOCK_OPTION: Array<[string, string]> = [['--skip-lock-validation', 'go on when a lock is missing or stale']];

export const componentRender: Command = {
  name: 'component render',
  summary: 'Write post-overlay specs and the sidecar files they name (no tarballs) to the rendered-specs directory',
  usage: '[options] [NAME|GLOB...]',
  optionHelp: [
    ['--output-dir DIR', 'render under DIR/<letter>/<name> instead of the project rendered-specs-dir'],
    ['--check-only', 'write nothing; exit 1 when a rendered directory would change (CI gate)'],
    ...LOCK_OPTION,
    ...SELECTOR_HELP,
    ...PROJECT_HELP,
  ],
  examples: ['strata component render -a', 'strata component render -p curl --output-dir /tmp/rendered', 'strata component render -a --check-only'],
  options: { 'output-dir': { type: 'string' }, 'check-only': { type: 'boolean' }, 'skip-lock-validation': { type: 'boolean' }, ...SELECTOR_OPTIONS, ...PROJECT_OPTIONS },
  async run({ out }, v, positionals) {
    const { project, comps, lockCommit, workDir } = await setup('component render', out, v, positionals);
    const { renderComponent } = await import('../component/index.ts');
    const progress = out.progress('rendering', comps.length);
    const results = [];
    for (const c of comps) {
      results.push(
        await componentErrors(() =>
          renderComponent(project, c, { workDir, outputDir: v['output-dir'] as string | undefined, checkOnly: Boolean(v['check-only']), upstreamCommit: lockCommit(c) }),
        ),
      );
      progress.tick();
    }
    progress.done();
    for (const r of results) if (r.warning) out.info(`warning: ${r.component}: ${r.warning}`);
    if (out.format === 'json') out.json(results);
    else out.table(['COMPONENT', 'STATUS', 'FILES', 'DIR'], results.map((r) => [r.component, r.status, r.files.length, r.dir]));
    return v['check-only'] && results.some((r) => r.status === 'would-change') ? 1 : 0;
  },
};

export const componentPrepareSources: Command = {
  name: 'component prepare-sources',
  summary: 'Prepare the full sources of components (spec, sidecars, verified tarballs), overlays applied',
  usage: '[options] [NAME|GLOB...]',
  optionHelp: [
    ['--output-dir DIR', 'write each component to DIR/<name> (default: <work-dir>/sources/<name>)'],
    ['--skip-overlays', 'leave the sources as upstream has them'],
    ['--skip-sources', 'do not download lookaside tarballs or source-files'],
    ['--allow-no-hashes', 'compute missing source-files and archive digests instead of failing'],
    ...LOCK_OPTION,
    ...SELECTOR_HELP,
    ...PROJECT_HELP,
  ],
  examples: ['strata component prepare-sources -p hello --output-dir /tmp/src', 'strata component prepare-sources -a --skip-sources'],
  options: {
    'output-dir': { type: 'string' },
    'skip-overlays': { type: 'boolean' },
    'skip-sources': { type: 'boolean' },
    'allow-no-hashes': { type: 'boolean' },
    'skip-lock-validation': { type: 'boolean' },
    ...SELECTOR_OPTIONS,
    ...PROJECT_OPTIONS,
  },
  async run({ out }, v, positionals) {
    const { project, comps, lockCommit, workDir } = await setup('component prepare-sources', out, v, positionals);
    const { prepareComponent } = await import('../component/index.ts');
    const base = (v['output-dir'] as string | undefined) ?? join(workDir, 'sources');
    const results = [];
    for (const c of comps) {
      const r = await componentErrors(() =>
        prepareComponent(project, c, join(base, c.name), {
          withSources: !v['skip-sources'],
          skipOverlays: Boolean(v['skip-overlays']),
          allowNoHashes: Boolean(v['allow-no-hashes']),
          upstreamCommit: lockCommit(c),
          onStep: (s) => out.debug(`${c.name}: ${s}`),
        }),
      );
      results.push({ component: c.name, dir: r.dir, spec: r.spec, upstreamCommit: r.upstreamCommit ?? null });
    }
    if (out.format === 'json') out.json(results);
    else out.table(['COMPONENT', 'SPEC', 'DIR'], results.map((r) => [r.component, r.spec, r.dir]));
  },
};

export const componentDiffSources: Command = {
  name: 'component diff-sources',
  summary: 'Show the diff overlays make to a component’s sources (before → after)',
  usage: '[options] [NAME|GLOB...]',
  optionHelp: [
    ['--output-file FILE', 'write the diff to FILE instead of stdout'],
    ['--with-sources', 'also fetch tarballs, so archive overlays show (as binary changes)'],
    ...LOCK_OPTION,
    ...SELECTOR_HELP,
    ...PROJECT_HELP,
  ],
  examples: ['strata component diff-sources hello', 'strata component diff-sources -a -o json'],
  options: { 'output-file': { type: 'string' }, 'with-sources': { type: 'boolean' }, 'skip-lock-validation': { type: 'boolean' }, ...SELECTOR_OPTIONS, ...PROJECT_OPTIONS },
  async run({ out }, v, positionals) {
    const { project, comps, lockCommit, workDir } = await setup('component diff-sources', out, v, positionals);
    const { diffComponentSources } = await import('../component/index.ts');
    const all = [];
    for (const c of comps) {
      const files = await componentErrors(() => diffComponentSources(project, c, { workDir, upstreamCommit: lockCommit(c), withSources: Boolean(v['with-sources']) }));
      all.push({ component: c.name, files });
    }
    const text = all
      .flatMap((c) => c.files.map((f) => f.diff || `--- a/${f.path}\n+++ b/${f.path}\n# ${c.component}: ${f.message ?? f.status}\n`))
      .join('');
    if (typeof v['output-file'] === 'string') await writeFile(v['output-file'], out.format === 'json' ? `${JSON.stringify(all, null, 2)}\n` : text);
    else if (out.format === 'json') out.json(all);
    else if (text) process.stdout.write(text);
    out.info(`${all.reduce((n, c) => n + c.files.length, 0)} file(s) changed by overlays in ${comps.length} component(s)`);
  },
};

async function queryOne(project: Project, c: ResolvedComponent, workDir: string, upstreamCommit: string | undefined) {
  const { prepareComponent } = await import('../component/index.ts');
  const { querySpec } = await import('../build/spec-query.ts');
  const { rm } = await import('node:fs/promises');
  const dir = join(workDir, 'query', c.name);
  try {
    const s = await prepareComponent(project, c, dir, { withSources: false, upstreamCommit });
    const facts = await querySpec('rpmspec', join(s.dir, s.spec), { _sourcedir: s.dir });
    const main = facts.packages[0];
    return {
      name: c.name,
      version: main.version,
      release: main.release,
      epoch: main.epoch === '0' ? null : main.epoch,
      packages: facts.packages.map((p) => p.name),
      buildRequires: facts.buildRequires,
      requires: Object.fromEntries(facts.packages.map((p) => [p.name, p.requires])),
      provides: Object.fromEntries(facts.packages.map((p) => [p.name, p.provides])),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const componentQuery: Command = {
  name: 'component query',
  summary: 'Parse components’ rendered specs (rpmspec): version, release, sub-packages, dependencies',
  usage: '[options] [NAME|GLOB...]',
  optionHelp: [...LOCK_OPTION, ...SELECTOR_HELP, ...PROJECT_HELP],
  examples: ['strata component query greeter', 'strata component query -a -o json'],
  options: { 'skip-lock-validation': { type: 'boolean' }, ...SELECTOR_OPTIONS, ...PROJECT_OPTIONS },
  async run({ out }, v, positionals) {
    const { project, comps, lockCommit, workDir } = await setup('component query', out, v, positionals);
    const results = [];
    for (const c of comps) results.push(await componentErrors(() => queryOne(project, c, workDir, lockCommit(c))));
    if (out.format === 'json') out.json(results);
    else {
      out.table(
        ['COMPONENT', 'VERSION', 'RELEASE', 'PACKAGES', 'BUILDREQUIRES'],
        results.map((r) => [r.name, r.version, r.release, r.packages.join(' '), r.buildRequires.join(', ')]),
      );
    }
  },
};

export const componentSourceCommands: Command[] = [componentRender, componentPrepareSources, componentDiffSources, componentQuery];
