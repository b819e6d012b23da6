// `strata build`: the main job over a project — render, build, publish, images, SBOMs, provenance.

import { availableParallelism } from 'node:os';
import { hostArch } from '../build/index.ts';
import type { Command } from './command.ts';
import { componentErrors } from './component-sources.ts';
import { openProject, PROJECT_HELP, PROJECT_OPTIONS, reportWarnings } from './config.ts';
import { CliError, UsageError } from './errors.ts';
import { sourceDateEpoch } from './repo-publish.ts';

const humanSize = (n: number): string => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

export const build: Command = {
  name: 'build',
  summary: 'Render, build changed components, publish the signed repo, compose every image, write SBOMs and signed provenance',
  usage: '[options]',
  optionHelp: [
    ['--sign-key KEY', 'OpenPGP secret key (keystore name or armored file) for packages and repository metadata'],
    ['--provenance-key FILE', 'DSSE signing key (NAME.dsse.key from `strata key generate-dsse`): Ed25519 + ML-DSA-65'],
    ['--dist DIST', 'the %dist of every component build, e.g. .azl4'],
    ['--image NAME', 'compose only this image; repeatable (default: every image with a strata definition)'],
    ['-j, --jobs N', `components built at once within a wave (default: ${availableParallelism()})`],
    ...PROJECT_HELP,
  ],
  examples: ['strata build -C examples/distro --sign-key release --provenance-key keys/release.dsse.key --dist .eos1', 'strata build -o json --image container-base'],
  options: {
    'sign-key': { type: 'string' },
    'provenance-key': { type: 'string' },
    dist: { type: 'string' },
    image: { type: 'string', multiple: true },
    jobs: { type: 'string', short: 'j' },
    ...PROJECT_OPTIONS,
  },
  maxArgs: 0,
  async run({ out }, v) {
    if (typeof v['sign-key'] !== 'string') throw new UsageError('build: --sign-key is required (packages and the repository are always signed)');
    if (typeof v['provenance-key'] !== 'string') throw new UsageError('build: --provenance-key is required (provenance is always signed)');
    let jobs: number | undefined;
    if (typeof v.jobs === 'string') {
      jobs = Number(v.jobs);
      if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`build: --jobs "${v.jobs}" is not a positive integer`);
    }
    const { resolveSigningKey, KeystoreError } = await import('../keys/index.ts');
    const { readSupplySigningKey, SupplyError } = await import('../supply/index.ts');
    let armored: string;
    let provenanceKey;
    try {
      armored = (await resolveSigningKey(v['sign-key'])).armored;
      provenanceKey = await readSupplySigningKey(v['provenance-key']);
    } catch (e) {
      if (e instanceof KeystoreError || e instanceof SupplyError) throw new CliError(e.message);
      throw e;
    }
    const project = await openProject(out, v);
    reportWarnings(out, project);
    const { runPipeline } = await import('../pipeline/build.ts');
    const { readFileSync } = await import('node:fs');
    const toolVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    const epoch = sourceDateEpoch() ?? (await import('../pipeline/epoch.ts')).projectEpoch(project.rootDir, project.files.filter((f) => !f.startsWith('<')));
    const result = await componentErrors(() =>
      runPipeline(project, {
        signingKey: { armored },
        provenanceKey,
        sourceDateEpoch: epoch,
        toolVersion,
        arch: hostArch(),
        dist: v.dist as string | undefined,
        jobs,
        images: v.image as string[] | undefined,
        onStage: (s) => out.info(`strata build: ${s}…`),
      }),
    );
    if (out.format === 'json') {
      out.json({ ...result, build: { ok: result.build.ok, waves: result.build.waves, components: result.build.components } });
      return;
    }
    out.table(['STAGE', 'TIME', 'RESULT'], result.stages.map((s) => [s.stage, `${(s.ms / 1000).toFixed(1)}s`, s.detail]));
    out.line('');
    out.table(
      ['ARTIFACT', 'KIND', 'SIZE', 'SHA256'],
      result.artifacts.map((a) => [a.path.startsWith(project.rootDir) ? a.path.slice(project.rootDir.length + 1) : a.path, a.kind, a.size ? humanSize(a.size) : '-', a.sha256.slice(0, 16)]),
    );
  },
};
