// Provenance for what `strata build` made: an in-toto statement with the SLSA v1 predicate per
// artifact set (each image, the repository), signed into a DSSE envelope with both Ed25519 and
// ML-DSA-65. Resolved dependencies: the packages and SRPMs that went in, the distro definition's
// git commit, and the build host's toolchain packages (the buildroot Strata builds with).

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { HOST_BUILD_TOOLS } from '../build/index.ts';
import {
  gitCommitDependency,
  packageDependency,
  provenanceStatement,
  type ResourceDescriptor,
  serializeEnvelope,
  signProvenance,
  type SupplySigningKey,
} from '../supply/index.ts';
import type { Artifact } from './image.ts';

const run = promisify(execFile);

/** The project's git commit (and remote), when it is a git checkout with no uncommitted config. */
export async function configCommit(dir: string): Promise<{ commit: string; url: string; dirty: boolean } | undefined> {
  try {
    const commit = (await run('git', ['-C', dir, 'rev-parse', 'HEAD'])).stdout.trim();
    const url = (await run('git', ['-C', dir, 'config', '--get', 'remote.origin.url']).catch(() => ({ stdout: '' }))).stdout.trim() || `file://${dir}`;
    const dirty = (await run('git', ['-C', dir, 'status', '--porcelain', '--', '.'])).stdout.trim() !== '';
    return { commit, url, dirty };
  } catch {
    return undefined;
  }
}

/** The build host's toolchain as Debian packages (pkg:deb purls), when the host is Debian-like. */
export async function buildrootPackages(): Promise<ResourceDescriptor[]> {
  const names = ['rpm', 'gcc', 'make', 'binutils', 'coreutils', 'bash', 'tar', 'gzip', 'xz-utils', 'zstd'];
  try {
    const { stdout } = await run('dpkg-query', ['-W', '-f', '${Package}\\t${Version}\\t${Architecture}\\n', ...names]);
    return stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [n, v, a] = l.split('\t');
        return { uri: `pkg:deb/debian/${n}@${encodeURIComponent(v)}?arch=${a}`, name: `buildroot:${n}` };
      });
  } catch {
    return HOST_BUILD_TOOLS.map((n) => ({ uri: `pkg:generic/${n}`, name: `buildroot:${n}` }));
  }
}

export interface ProvenanceParams {
  artifacts: Artifact[];
  /** Installed or published packages: purl + sha256. */
  packages: Array<{ purl: string; sha256?: string }>;
  srpms: Array<{ name: string; sha256: string }>;
  config?: { commit: string; url: string; dirty: boolean };
  buildroot: ResourceDescriptor[];
  externalParameters: Record<string, unknown>;
  toolVersion: string;
  startedOn: Date;
  finishedOn: Date;
  invocationId: string;
}

/** Writes the signed envelope to `path`; returns its sha256. */
export async function writeProvenance(path: string, p: ProvenanceParams, key: SupplySigningKey): Promise<void> {
  const deps: ResourceDescriptor[] = [
    ...p.packages.map((x) => packageDependency(x.purl, x.sha256)),
    ...p.srpms.map((s) => ({ name: `srpm:${s.name}`, digest: { sha256: s.sha256 } })),
    ...p.buildroot,
  ];
  if (p.config && !p.config.dirty) deps.push(gitCommitDependency(p.config.url, p.config.commit));
  const statement = provenanceStatement({
    subjects: p.artifacts.map((a) => ({ name: a.name, digest: { sha256: a.sha256 } })),
    externalParameters: { ...p.externalParameters, ...(p.config?.dirty ? { configDirty: true } : {}) },
    resolvedDependencies: deps,
    builder: { id: 'urn:strata:builder:local', version: { strata: p.toolVersion } },
    invocationId: p.invocationId,
    startedOn: p.startedOn,
    finishedOn: p.finishedOn,
  });
  await writeFile(path, `${serializeEnvelope(signProvenance(statement, key))}\n`);
}
