// SBOM package lists from the package models Strata already has: RpmPackage (read from .rpm files or
// an rpmdb) and RepoPackage (rpm-md metadata). The dependency edges are computed over the given set,
// which should be exactly what is installed in (or published by) the artifact.
import type { RepoDep, RepoPackage } from '../repo/index.ts';
import { type Dep, RPMSENSE_EQUAL, RPMSENSE_GREATER, RPMSENSE_LESS, type RpmPackage } from '../rpm/index.ts';
import { type DepGraphNode, dependencyEdges } from './depgraph.ts';
import type { SbomPackage } from './model.ts';
import { nevraOf } from './purl.ts';

/** An RpmPackage plus what only the file (not the header) tells. */
export interface RpmPackageInput {
  pkg: RpmPackage;
  /** SHA-256 (hex) of the .rpm file. */
  sha256?: string | undefined;
  /** SHA-256 (hex) of the main header (signature tag 273). */
  headerDigest?: string | undefined;
  /** .rpm file size in bytes. */
  size?: number | undefined;
}

export function sbomPackagesFromRpms(inputs: RpmPackageInput[]): SbomPackage[] {
  const binaries = inputs.filter((i) => !i.pkg.isSource);
  const nodes: DepGraphNode[] = binaries.map(({ pkg }) => ({
    key: nevraOf(pkg),
    provides: pkg.deps.provides,
    requires: pkg.deps.requires,
    files: pkg.files.map((f) => f.path),
  }));
  const edges = dependencyEdges(nodes);
  return sortPackages(
    binaries.map(({ pkg, sha256, headerDigest, size }, i) => ({
      name: pkg.name,
      epoch: pkg.epoch || undefined,
      version: pkg.version,
      release: pkg.release,
      arch: pkg.arch,
      vendor: pkg.vendor,
      license: pkg.license,
      sourceRpm: pkg.sourceRpm === '(none)' ? '' : pkg.sourceRpm,
      sha256,
      headerDigest,
      size,
      summary: pkg.summary,
      url: pkg.url,
      dependsOn: edges.get(nodes[i].key) ?? [],
    })),
  );
}

const REPO_FLAGS: Record<string, number> = {
  EQ: RPMSENSE_EQUAL,
  LT: RPMSENSE_LESS,
  GT: RPMSENSE_GREATER,
  LE: RPMSENSE_LESS | RPMSENSE_EQUAL,
  GE: RPMSENSE_GREATER | RPMSENSE_EQUAL,
};

/** An rpm-md `<rpm:entry>` as a header dependency (EVR text `epoch:ver-rel`). */
export function depFromRepo(d: RepoDep): Dep {
  if (!d.flags) return { name: d.name, flags: 0, version: '' };
  const evr = `${d.epoch ? `${d.epoch}:` : ''}${d.ver ?? ''}${d.rel ? `-${d.rel}` : ''}`;
  return { name: d.name, flags: REPO_FLAGS[d.flags] ?? 0, version: evr };
}

/**
 * From repository metadata. The checksum is the record's pkgid when it is a SHA-256; file requires
 * match only the files the record lists (all of them when filelists was read).
 */
export function sbomPackagesFromRepo(pkgs: RepoPackage[]): SbomPackage[] {
  const binaries = pkgs.filter((p) => p.arch !== 'src' && p.arch !== 'nosrc');
  const identity = (p: RepoPackage) => ({ ...p, epoch: Number(p.epoch) || undefined });
  const nodes: DepGraphNode[] = binaries.map((p) => ({
    key: nevraOf(identity(p)),
    provides: p.deps.provides.map(depFromRepo),
    requires: p.deps.requires.map(depFromRepo),
    files: p.files.map((f) => f.path),
  }));
  const edges = dependencyEdges(nodes);
  return sortPackages(
    binaries.map((p, i) => ({
      name: p.name,
      epoch: Number(p.epoch) || undefined,
      version: p.version,
      release: p.release,
      arch: p.arch,
      vendor: p.vendor,
      license: p.license,
      sourceRpm: p.sourceRpm,
      sha256: p.checksumType === 'sha256' ? p.pkgid : undefined,
      size: p.packageSize || undefined,
      summary: p.summary,
      url: p.url,
      dependsOn: edges.get(nodes[i].key) ?? [],
    })),
  );
}

/** By NEVRA, so documents do not depend on the order packages were found in. */
export function sortPackages(pkgs: SbomPackage[]): SbomPackage[] {
  return pkgs
    .map((p) => [nevraOf(p), p] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, p]) => p);
}
