// `strata build`, the main job: render every component → build what changed → publish the signed
// repository (with advisories) → compose every Strata image from it → SBOMs → signed provenance →
// a summary. Each stage reports its time; artifacts are listed with size and digest.

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import type { BuildResult } from '../build/index.ts';
import { buildProject, renderComponent, type RenderResult } from '../component/index.ts';
import { loadImageDefinition, strataImageNames } from '../image/definition.ts';
import { type Project, resolveComponents } from '../project/index.ts';
import { type Advisory, loadAdvisoryToml, publishRepository } from '../repo/index.ts';
import {
  cyclonedxBom,
  readRpmInputs,
  rpmPurl,
  sbomPackagesFromRpms,
  serializeCycloneDx,
  serializeSpdx,
  sha256File,
  spdxDocument,
  type SupplySigningKey,
} from '../supply/index.ts';
import { type Artifact, buildImage, type ImageBuildResult } from './image.ts';
import { buildrootPackages, configCommit, writeProvenance } from './provenance.ts';

export class PipelineError extends Error {
  override name = 'PipelineError';
}

export interface PipelineOptions {
  /** OpenPGP secret key (armored): packages and repository metadata. */
  signingKey: { armored: string };
  /** DSSE key (Ed25519 + ML-DSA-65): provenance. */
  provenanceKey: SupplySigningKey;
  sourceDateEpoch: number;
  toolVersion: string;
  arch: string;
  dist?: string;
  jobs?: number;
  /** Only these images (default: every Strata image of the project). */
  images?: string[];
  onStage?: (stage: string) => void;
}

export interface PipelineResult {
  ok: boolean;
  stages: Array<{ stage: string; ms: number; detail: string }>;
  build: BuildResult;
  render: RenderResult[];
  images: ImageBuildResult[];
  artifacts: Artifact[];
  repository: string;
  publicKey: string;
}

const rpmFiles = async (dir: string): Promise<string[]> =>
  (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.rpm')).sort().map((f) => join(dir, f));

export async function runPipeline(project: Project, opts: PipelineOptions): Promise<PipelineResult> {
  const p = project.config.project;
  const outDir = p.outputDir!;
  const workDir = p.workDir!;
  const stages: PipelineResult['stages'] = [];
  const stage = async <T>(name: string, f: () => Promise<T>, detail: (r: T) => string): Promise<T> => {
    opts.onStage?.(name);
    const t = Date.now();
    const r = await f();
    stages.push({ stage: name, ms: Date.now() - t, detail: detail(r) });
    return r;
  };
  const startedOn = new Date();
  const components = resolveComponents(project);

  const render = await stage(
    'render',
    async () => {
      const out: RenderResult[] = [];
      for (const c of components) out.push(await renderComponent(project, c, { workDir }));
      return out;
    },
    (r) => `${r.length} components, ${r.filter((x) => x.status !== 'unchanged').length} changed`,
  );

  const build = await stage(
    'build',
    () => buildProject(project, components, components, { signingKey: opts.signingKey, dist: opts.dist, jobs: opts.jobs }),
    (r) => {
      const n = (k: string) => r.components.filter((c) => c.result === k).length;
      return `${n('built')} built, ${n('cached')} cached, ${n('failed')} failed, ${n('skipped')} skipped`;
    },
  );
  if (!build.ok) {
    const failed = build.components.filter((c) => c.result === 'failed').map((c) => `${c.name}: ${c.reason ?? 'failed'}`);
    throw new PipelineError(`build failed: ${failed.join('; ')}`);
  }

  // The repository: every package of the project (built ones and any placed in out/rpms), signed,
  // with the project's advisories (advisories/*.toml beside azldev.toml).
  const repoDir = join(outDir, 'rpms');
  const publicKey = (await openpgp.readPrivateKey({ armoredKey: opts.signingKey.armored })).toPublic().armor();
  const keyFile = join(outDir, 'RPM-GPG-KEY');
  await writeFile(keyFile, publicKey);
  const advisories: Advisory[] = [];
  const advDir = join(project.rootDir, 'advisories');
  for (const f of (await readdir(advDir).catch(() => [] as string[])).filter((x) => x.endsWith('.toml')).sort()) advisories.push(...(await loadAdvisoryToml(join(advDir, f))));
  await stage(
    'publish',
    () => publishRepository(repoDir, { signingKey: opts.signingKey, signPackages: true, advisories, sourceDateEpoch: opts.sourceDateEpoch, update: true, statTrust: false }),
    (r) => `${r.packages} packages, ${advisories.length} advisories, repomd.xml signed`,
  );

  const config = await configCommit(project.rootDir);
  const buildroot = await buildrootPackages();
  const srpms = await Promise.all((await rpmFiles(join(outDir, 'srpms'))).map(async (f) => ({ name: f.split('/').pop()!, sha256: await sha256File(f) })));
  const artifacts: Artifact[] = [];

  // Repository SBOMs and provenance.
  await stage(
    'repository sbom',
    async () => {
      const files = await rpmFiles(repoDir);
      const inputs = await readRpmInputs(files);
      const vendor = inputs[0]?.pkg.vendor || 'unknown';
      const os = { id: project.config.project.defaultDistro?.name ?? 'distro', versionId: '', name: p.description ?? 'distro', vendor };
      const artifact = { name: 'repository', version: String(opts.sourceDateEpoch), kind: 'repository', os, packages: sbomPackagesFromRpms(inputs) };
      const created = new Date(opts.sourceDateEpoch * 1000);
      const dir = join(outDir, 'sbom');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'repository.spdx.json'), serializeSpdx(spdxDocument(artifact, { toolVersion: opts.toolVersion, created })));
      await writeFile(join(dir, 'repository.cdx.json'), serializeCycloneDx(cyclonedxBom(artifact, { toolVersion: opts.toolVersion, created })));
      const subjects: Artifact[] = [];
      for (const f of ['repository.spdx.json', 'repository.cdx.json']) {
        const path = join(dir, f);
        subjects.push({ name: `sbom/${f}`, path, kind: f.includes('spdx') ? 'spdx' : 'cyclonedx', sha256: await sha256File(path), size: (await stat(path)).size });
      }
      const repomd = join(repoDir, 'repodata', 'repomd.xml');
      subjects.push({ name: 'rpms/repodata/repomd.xml', path: repomd, kind: 'repository', sha256: await sha256File(repomd), size: (await stat(repomd)).size });
      inputs.forEach((i, n) => subjects.push({ name: `rpms/${files[n].split('/').pop()}`, path: files[n], kind: 'repository', sha256: i.sha256 ?? '', size: i.size ?? 0 }));
      await writeProvenance(
        join(outDir, 'repository.provenance.dsse.json'),
        {
          artifacts: subjects,
          packages: [],
          srpms,
          config,
          buildroot,
          externalParameters: { project: p.description ?? '', stage: 'repository' },
          toolVersion: opts.toolVersion,
          startedOn,
          finishedOn: new Date(),
          invocationId: randomUUID(),
        },
        opts.provenanceKey,
      );
      artifacts.push(...subjects.filter((s) => !s.name.startsWith('rpms/') || s.name.endsWith('repomd.xml')));
      return inputs.length;
    },
    (n) => `${n} packages in SPDX + CycloneDX, provenance signed`,
  );

  const names = opts.images ?? strataImageNames(project);
  const images: ImageBuildResult[] = [];
  for (const name of names) {
    const def = loadImageDefinition(project, name);
    const r = await stage(
      `image ${name}`,
      async () => {
        const imgOut = join(outDir, 'images', name);
        const res = await buildImage(def, {
          repoDir,
          keyFile,
          workDir,
          outDir: imgOut,
          sourceDateEpoch: opts.sourceDateEpoch,
          version: String(opts.sourceDateEpoch),
          toolVersion: opts.toolVersion,
          arch: opts.arch,
        });
        const inputs = await readRpmInputs(res.packageFiles);
        const vendor = inputs[0]?.pkg.vendor || 'unknown';
        await writeProvenance(
          join(imgOut, `${name}.provenance.dsse.json`),
          {
            artifacts: res.artifacts,
            packages: inputs.map((i) => ({
              purl: rpmPurl(
                { name: i.pkg.name, epoch: i.pkg.epoch ? Number(i.pkg.epoch) : undefined, version: i.pkg.version, release: i.pkg.release, arch: i.pkg.arch },
                { vendor: project.config.project.defaultDistro?.name ?? vendor },
              ),
              sha256: i.sha256,
            })),
            srpms: srpms.filter((s) => inputs.some((i) => i.pkg.sourceRpm === s.name)),
            config,
            buildroot,
            externalParameters: { project: p.description ?? '', image: name, definition: def.file.slice(project.rootDir.length + 1) },
            toolVersion: opts.toolVersion,
            startedOn,
            finishedOn: new Date(),
            invocationId: randomUUID(),
          },
          opts.provenanceKey,
        );
        return res;
      },
      (res) => `${res.packages.length} packages → ${res.artifacts.map((a) => a.kind).join(', ')}`,
    );
    images.push(r);
    artifacts.push(...r.artifacts);
  }
  if (!existsSync(keyFile)) throw new PipelineError(`${keyFile}: missing`);
  return { ok: true, stages, build, render, images, artifacts, repository: repoDir, publicKey: keyFile };
}
