// `strata component build`: SRPMs and RPMs of components, ordered by BuildRequires, built in
// parallel waves against a chained local repository, cached by input fingerprint.

import { availableParallelism } from 'node:os';
import type { Command } from './command.ts';
import { SELECTOR_HELP, SELECTOR_OPTIONS, selectedComponents, selectorFrom } from './component.ts';
import { componentErrors } from './component-sources.ts';
import { openProject, PROJECT_HELP, PROJECT_OPTIONS, reportWarnings } from './config.ts';
import { CliError, UsageError } from './errors.ts';

export const componentBuild: Command = {
  name: 'component build',
  summary: 'Build components with rpmbuild: solver-ordered parallel waves, a chained local repo, fingerprint cache',
  usage: '[options] [NAME|GLOB...]',
  optionHelp: [
    ['-j, --jobs N', `components built at once within a wave (default: ${availableParallelism()})`],
    ['--dist DIST', 'the %dist of every build, e.g. .azl4'],
    ['--define "NAME VALUE"', 'a macro for every build; repeatable'],
    ['--sign-key KEY', 'sign SRPMs, RPMs and the repositories with a keystore key name or armored secret key file'],
    ['--no-check', 'skip %check'],
    ['--output-dir DIR', 'where out/srpms and out/rpms go (default: the project output-dir)'],
    ['--skip-lock-validation', 'build even when a lock is missing or stale'],
    ['--allow-no-hashes', 'compute missing source-files and archive digests instead of failing'],
    ...SELECTOR_HELP,
    ['', 'components the selected ones build against are built too when they are not yet'],
    ...PROJECT_HELP,
  ],
  examples: ['strata component build -a -C examples/distro --dist .eos1', 'strata component build greeter -j 4 --sign-key release', 'strata component build -a -o json'],
  options: {
    jobs: { type: 'string', short: 'j' },
    dist: { type: 'string' },
    define: { type: 'string', multiple: true },
    'sign-key': { type: 'string' },
    'no-check': { type: 'boolean' },
    'output-dir': { type: 'string' },
    'skip-lock-validation': { type: 'boolean' },
    'allow-no-hashes': { type: 'boolean' },
    ...SELECTOR_OPTIONS,
    ...PROJECT_OPTIONS,
  },
  async run({ out }, v, positionals) {
    let jobs: number | undefined;
    if (typeof v.jobs === 'string') {
      jobs = Number(v.jobs);
      if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`component build: --jobs "${v.jobs}" is not a positive integer`);
    }
    const defines: Record<string, string> = {};
    for (const d of (v.define as string[] | undefined) ?? []) {
      const m = /^\s*(\S+)\s+(.*)$/s.exec(d);
      if (!m) throw new UsageError(`component build: --define "${d}" is not "NAME VALUE"`);
      defines[m[1]] = m[2];
    }
    const project = await openProject(out, v);
    const selected = await selectedComponents('component build', project, selectorFrom(v, positionals));
    reportWarnings(out, project);
    let signingKey: { armored: string } | undefined;
    if (typeof v['sign-key'] === 'string') {
      const { resolveSigningKey, KeystoreError } = await import('../keys/index.ts');
      try {
        signingKey = { armored: (await resolveSigningKey(v['sign-key'])).armored };
      } catch (e) {
        if (e instanceof KeystoreError) throw new CliError(`--sign-key: ${e.message}`);
        throw e;
      }
    }
    const { resolveComponents } = await import('../project/index.ts');
    const { buildProject } = await import('../component/index.ts');
    const { formatBuildSummary } = await import('../build/index.ts');
    const all = resolveComponents(project);
    const progress = out.progress('building', selected.length);
    const result = await componentErrors(() =>
      buildProject(project, all, selected, {
        jobs,
        dist: v.dist as string | undefined,
        defines,
        signingKey,
        noCheck: Boolean(v['no-check']),
        outDir: v['output-dir'] as string | undefined,
        skipLockValidation: Boolean(v['skip-lock-validation']),
        allowNoHashes: Boolean(v['allow-no-hashes']),
        onPrepare: (c) => out.debug(`preparing ${c}`),
        onEvent: (e) => {
          if (e.type === 'wave') out.debug(`wave ${e.wave}: ${e.components.join(' ')}`);
          else if (e.type === 'done') {
            progress.tick();
            out.debug(`${e.name}: ${e.result.result}${e.result.reason ? ` (${e.result.reason})` : ''}`);
          }
        },
      }),
    );
    progress.done();
    if (out.format === 'json') out.json(result);
    else out.line(formatBuildSummary(result).trimEnd());
    return result.ok ? 0 : 1;
  },
};
