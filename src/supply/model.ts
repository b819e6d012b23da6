// What an SBOM describes, independent of the format it is written in: one artifact (an image or a
// repository), the operating system it carries, its RPM packages with their dependency edges, and the
// source RPMs they were built from. The SPDX and CycloneDX writers both read this.
import { SupplyError } from './errors.ts';
import { nevraOf } from './purl.ts';

export type ArtifactKind = 'container' | 'wsl' | 'vm' | 'repository' | (string & {});

export interface OsInfo {
  /** os-release ID, e.g. "azurelinux". */
  id: string;
  /** os-release VERSION_ID, e.g. "4.0". */
  versionId: string;
  /** os-release NAME, e.g. "Azure Linux". */
  name: string;
  /** Who ships it, e.g. "Microsoft Corporation" (SPDX supplier, CycloneDX supplier). */
  vendor: string;
  /** The rpm purl namespace; default: `id`, lowercased (what scanners match on). */
  purlNamespace?: string;
}

export interface SbomPackage {
  name: string;
  /** Undefined when the package has no epoch. */
  epoch: number | undefined;
  version: string;
  release: string;
  arch: string;
  /** RPM Vendor tag. */
  vendor: string;
  /** RPM License tag as written (an SPDX expression in current Fedora, free text in older packages). */
  license: string;
  /** SOURCERPM file name, e.g. "bash-5.2-1.azl4.src.rpm" ("" when unknown). */
  sourceRpm: string;
  /** SHA-256 (hex) of the .rpm file, when known. */
  sha256?: string | undefined;
  /** SHA-256 (hex) of the main header (signature tag 273), when known: survives re-signing. */
  headerDigest?: string | undefined;
  /** Size of the .rpm file in bytes, when known. */
  size?: number | undefined;
  summary?: string | undefined;
  url?: string | undefined;
  /** NEVRAs (see nevraOf) of the packages in the same set that satisfy this one's Requires. */
  dependsOn: string[];
}

export interface SbomSource {
  /** Source RPM file name as binary packages name it in SOURCERPM. */
  fileName: string;
  /** SHA-256 (hex) of the .src.rpm file, when known. */
  sha256?: string | undefined;
}

export interface SbomArtifact {
  /** Image or repository name. */
  name: string;
  version: string;
  kind: ArtifactKind;
  os: OsInfo;
  packages: SbomPackage[];
  sources?: SbomSource[];
}

/** Everything a document needs besides the artifact: who made it and when. */
export interface SbomOptions {
  /** Strata's version, written as the creating tool. */
  toolVersion: string;
  /** Creation time; use sbomTimestamp() for SOURCE_DATE_EPOCH. */
  created: Date;
  /** SPDX documentNamespace prefix (default https://spdx.org/spdxdocs/, as the SPDX spec's examples). */
  namespaceBase?: string;
}

/** `name-version-release.src.rpm` split into its parts (rpm names source packages this way). */
export function parseSourceRpmName(fileName: string): { name: string; version: string; release: string } | undefined {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(fileName);
  return m ? { name: m[1], version: m[2], release: m[3] } : undefined;
}

/** `[epoch:]version-release`, as rpm prints %{EVR}. */
export function packageEvr(p: Pick<SbomPackage, 'epoch' | 'version' | 'release'>): string {
  return `${p.epoch ? `${p.epoch}:` : ''}${p.version}-${p.release}`;
}

/** What every writer needs to hold: names present, each package once. */
export function checkArtifact(a: SbomArtifact): void {
  if (!a.name) throw new SupplyError('SBOM artifact: empty name');
  if (!a.os.id) throw new SupplyError(`SBOM artifact ${a.name}: empty os id`);
  const seen = new Set<string>();
  for (const p of a.packages) {
    if (!p.name || !p.version || !p.release || !p.arch) throw new SupplyError(`SBOM artifact ${a.name}: package ${JSON.stringify(p.name)} lacks name, version, release or arch`);
    const key = nevraOf(p);
    if (seen.has(key)) throw new SupplyError(`SBOM artifact ${a.name}: package ${key} listed twice`);
    seen.add(key);
  }
}

export function purlNamespaceOf(os: OsInfo): string {
  return (os.purlNamespace ?? os.id).toLowerCase();
}

export function distroQualifier(os: OsInfo): string {
  return os.versionId ? `${os.id}-${os.versionId}` : os.id;
}
