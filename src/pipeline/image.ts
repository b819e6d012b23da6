// One image, end to end: compose the root from the project's signed repository, customize it, write
// its SBOMs (SPDX 2.3, CycloneDX 1.6) from the installed packages, then its outputs (OCI layout +
// docker-archive, WSL rootfs) carrying the SBOM digests.

import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ImageDefinition } from '../image/definition.ts';
import { customizeRoot } from '../image/customize.ts';
import { composeRoot, openRepositories } from '../image/install/index.ts';
import { writeOciImage } from '../image/oci/index.ts';
import { writeWslImage } from '../image/wsl/index.ts';
import { repoConfigFromLocation } from '../repo/index.ts';
import { cyclonedxBom, type OsInfo, readRpmInputs, sbomPackagesFromRpms, serializeCycloneDx, serializeSpdx, spdxDocument } from '../supply/index.ts';

export interface Artifact {
  /** Name relative to the image's output directory (a provenance subject name). */
  name: string;
  path: string;
  kind: 'oci' | 'docker-archive' | 'wsl' | 'vm' | 'host' | 'spdx' | 'cyclonedx' | 'repository';
  sha256: string;
  size: number;
}

export interface ImageBuildOptions {
  /** The signed repository with the project's packages (its repodata/ is signed). */
  repoDir: string;
  /** Public key that signs that repository and its packages. */
  keyFile: string;
  workDir: string;
  /** out/images/<name>/ */
  outDir: string;
  sourceDateEpoch: number;
  version: string;
  toolVersion: string;
  arch: string;
}

export interface ImageBuildResult {
  name: string;
  packages: string[];
  artifacts: Artifact[];
  /** The .rpm files installed (resolved dependencies of the provenance). */
  packageFiles: string[];
  timings: Record<string, number>;
}

async function fileArtifact(name: string, path: string, kind: Artifact['kind']): Promise<Artifact> {
  const data = await readFile(path);
  return { name, path, kind, sha256: createHash('sha256').update(data).digest('hex'), size: (await stat(path)).size };
}

/** os-release of the composed root (for the SBOM's operating-system component). */
async function osInfo(root: string, vendor: string): Promise<OsInfo> {
  const text = (await readFile(join(root, 'usr/lib/os-release'), 'utf8').catch(() => '')) || (await readFile(join(root, 'etc/os-release'), 'utf8').catch(() => ''));
  const v: Record<string, string> = {};
  for (const l of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(l);
    if (m) v[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return { id: v.ID ?? 'unknown', versionId: v.VERSION_ID ?? '', name: v.NAME ?? v.ID ?? 'unknown', vendor };
}

export async function buildImage(def: ImageDefinition, opts: ImageBuildOptions): Promise<ImageBuildResult> {
  const timings: Record<string, number> = {};
  const t = (k: string, since: number) => (timings[k] = Date.now() - since);
  const root = join(opts.workDir, 'images', def.name, 'root');
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  let since = Date.now();
  const repo = { ...repoConfigFromLocation(opts.repoDir, { id: 'project' }), gpgkey: [`file://${opts.keyFile}`] };
  const repos = await openRepositories([repo], { keyFiles: [opts.keyFile], cacheDir: join(opts.workDir, 'repo-cache') });
  const composed = await composeRoot({
    root,
    packages: def.packages,
    repos,
    keyFiles: [opts.keyFile],
    weakDeps: def.weakDeps,
    excludes: def.excludePackages,
    excludeDocs: def.excludeDocs,
    scriptlets: def.scriptlets,
    database: def.rpmdb === 'manifest' ? 'manifest' : 'rpmdb',
    sourceDateEpoch: opts.sourceDateEpoch,
    arch: opts.arch,
  });
  t('compose', since);
  since = Date.now();
  await customizeRoot(root, def, opts.sourceDateEpoch);
  t('customize', since);

  since = Date.now();
  await rm(opts.outDir, { recursive: true, force: true });
  await mkdir(opts.outDir, { recursive: true });
  const packageFiles = composed.packages.map((p) => p.path);
  const inputs = await readRpmInputs(packageFiles);
  const os = await osInfo(root, inputs[0]?.pkg.vendor || 'unknown');
  const kind = def.outputs.includes('oci') ? 'container' : 'wsl';
  const artifact = { name: def.name, version: opts.version, kind, os, packages: sbomPackagesFromRpms(inputs) };
  const created = new Date(opts.sourceDateEpoch * 1000);
  const spdxPath = join(opts.outDir, `${def.name}.spdx.json`);
  const cdxPath = join(opts.outDir, `${def.name}.cdx.json`);
  await writeFile(spdxPath, serializeSpdx(spdxDocument(artifact, { toolVersion: opts.toolVersion, created })));
  await writeFile(cdxPath, serializeCycloneDx(cyclonedxBom(artifact, { toolVersion: opts.toolVersion, created })));
  const artifacts = [await fileArtifact(`${def.name}.spdx.json`, spdxPath, 'spdx'), await fileArtifact(`${def.name}.cdx.json`, cdxPath, 'cyclonedx')];
  t('sbom', since);

  since = Date.now();
  if (def.outputs.includes('oci')) {
    const archive = join(opts.outDir, `${def.name}.docker.tar`);
    const r = await writeOciImage({
      root,
      layout: join(opts.outDir, 'oci'),
      tag: def.container.tag ?? opts.version,
      config: {
        architecture: opts.arch,
        env: def.container.env,
        entrypoint: def.container.entrypoint,
        cmd: def.container.cmd,
        workingDir: def.container.workdir,
        user: def.container.user,
        labels: def.container.labels,
      },
      metadata: { title: def.name, version: opts.version, vendor: os.vendor, description: def.description },
      sourceDateEpoch: opts.sourceDateEpoch,
      // The root is reproducible as composed (package mtimes, customizations at the epoch).
      clampMtimes: false,
      sboms: [
        { format: 'spdx', mediaType: 'application/spdx+json', digest: `sha256:${artifacts[0].sha256}`, size: artifacts[0].size, path: spdxPath },
        { format: 'cyclonedx', mediaType: 'application/vnd.cyclonedx+json', digest: `sha256:${artifacts[1].sha256}`, size: artifacts[1].size, path: cdxPath },
      ],
      dockerArchive: archive,
    });
    artifacts.push({ name: 'oci', path: r.layout, kind: 'oci', sha256: r.manifest.digest.replace(/^sha256:/, ''), size: r.manifest.size });
    artifacts.push(await fileArtifact(`${def.name}.docker.tar`, archive, 'docker-archive'));
  }
  if (def.outputs.includes('wsl')) {
    const user = def.users.find((u) => u.name === def.wsl.defaultUser);
    const r = await writeWslImage({
      root,
      output: join(opts.outDir, `${def.name}.wsl`),
      defaultName: def.wsl.defaultName ?? def.name,
      ...(user ? { defaultUid: user.uid } : {}),
      sourceDateEpoch: opts.sourceDateEpoch,
      clampMtimes: false,
    });
    artifacts.push({ name: `${def.name}.wsl`, path: r.path, kind: 'wsl', sha256: r.digest.replace(/^sha256:/, ''), size: r.size });
  }
  if (def.outputs.includes('vm')) {
    // Last: the VM writer adds fstab, repo files and keys to the root itself.
    const { buildVmImage } = await import('../image/vm/index.ts');
    const r = await buildVmImage({
      name: def.name,
      root,
      outDir: opts.outDir,
      workDir: join(opts.workDir, 'images', def.name, 'vm'),
      formats: def.vm.formats,
      repos: [{ name: def.vm.repoName ?? os.id, url: def.vm.repoUrl ?? pathToFileURL(opts.repoDir).href, keyFile: opts.keyFile }],
      seed: `${def.name}:${opts.version}`,
      sourceDateEpoch: opts.sourceDateEpoch,
      arch: opts.arch,
      ...(def.vm.kernelCmdline ? { kernelCmdline: def.vm.kernelCmdline } : {}),
    });
    for (const a of r.artifacts) artifacts.push({ name: a.path.split('/').pop()!, path: a.path, kind: 'vm', sha256: a.sha256, size: a.size });
  }
  if (def.outputs.includes('host')) {
    const { buildHostImage } = await import('../image/host/index.ts');
    const r = await buildHostImage({
      root,
      outDir: join(opts.outDir, 'host'),
      workDir: join(opts.workDir, 'images', def.name, 'host'),
      id: os.id,
      version: opts.version,
      arch: opts.arch,
      sourceDateEpoch: opts.sourceDateEpoch,
      seed: `${def.name}:${opts.version}`,
      packages: composed.packages.map((p) => p.nevra),
      updatePayload: join(opts.outDir, `${def.name}-${opts.version}.update.tar`),
    });
    artifacts.push(await fileArtifact(`host/${r.disk.path.split('/').pop()}`, r.disk.path, 'host'));
    artifacts.push(await fileArtifact(`${def.name}-${opts.version}.update.tar`, join(opts.outDir, `${def.name}-${opts.version}.update.tar`), 'host'));
  }
  t('outputs', since);
  return { name: def.name, packages: composed.packages.map((p) => p.nevra), artifacts, packageFiles, timings };
}
