// SPDX 2.3 JSON for an artifact: the document DESCRIBES the artifact, which CONTAINS the operating
// system, which CONTAINS every RPM; each RPM is GENERATED_FROM its source RPM and DEPENDS_ON the
// packages that satisfy its requires. Valid against the official SPDX 2.3 (and 2.3.1) JSON schema,
// whose primaryPackagePurpose enum spells it OPERATING_SYSTEM (the 2.3.1 prose's OPERATING-SYSTEM
// is not accepted by either schema).
import { type LicenseMapping, mapRpmLicense } from './license.ts';
import { isoSeconds, sha256Hex, uuidV5 } from './determinism.ts';
import {
  checkArtifact, distroQualifier, packageEvr, parseSourceRpmName, purlNamespaceOf, type SbomArtifact, type SbomOptions, type SbomPackage,
} from './model.ts';
import { nevraOf, rpmPurl } from './purl.ts';
import { sortPackages } from './from-packages.ts';

export interface SpdxChecksum {
  algorithm: 'SHA256';
  checksumValue: string;
}

export interface SpdxExternalRef {
  referenceCategory: 'PACKAGE-MANAGER';
  referenceType: 'purl';
  referenceLocator: string;
}

export interface SpdxAnnotation {
  annotationDate: string;
  annotationType: 'OTHER';
  annotator: string;
  comment: string;
}

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  packageFileName?: string;
  supplier?: string;
  downloadLocation: string;
  filesAnalyzed: false;
  checksums?: SpdxChecksum[];
  homepage?: string;
  sourceInfo?: string;
  licenseConcluded?: string;
  licenseDeclared?: string;
  copyrightText?: string;
  summary?: string;
  comment?: string;
  externalRefs?: SpdxExternalRef[];
  primaryPackagePurpose?: 'OPERATING_SYSTEM' | 'CONTAINER' | 'ARCHIVE' | 'SOURCE' | 'OTHER';
  annotations?: SpdxAnnotation[];
}

export interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: 'DESCRIBES' | 'CONTAINS' | 'GENERATED_FROM' | 'DEPENDS_ON';
  relatedSpdxElement: string;
}

export interface SpdxExtractedLicense {
  licenseId: string;
  name: string;
  extractedText: string;
  comment: string;
}

export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: SpdxPackage[];
  hasExtractedLicensingInfos?: SpdxExtractedLicense[];
  relationships: SpdxRelationship[];
}

export const SPDX_DOCUMENT_ID = 'SPDXRef-DOCUMENT';
export const SPDX_ARTIFACT_ID = 'SPDXRef-Artifact';
export const SPDX_OS_ID = 'SPDXRef-OperatingSystem';

/** An SPDX idstring ([A-Za-z0-9.-]+) for any text; a digest suffix keeps distinct texts distinct. */
function idPart(s: string): string {
  const cleaned = s.replace(/[^A-Za-z0-9.-]+/g, '-');
  return cleaned === s ? s : `${cleaned}-${sha256Hex(s).slice(0, 8)}`;
}

export const spdxPackageId = (p: SbomPackage): string => `SPDXRef-RPM-${idPart(nevraOf(p))}`;
export const spdxSourceId = (fileName: string): string => `SPDXRef-SRPM-${idPart(fileName.replace(/\.src\.rpm$/, ''))}`;

const supplierOf = (vendor: string): string => (vendor.trim() ? `Organization: ${vendor.trim()}` : 'NOASSERTION');

const PURPOSE: Record<string, SpdxPackage['primaryPackagePurpose']> = { container: 'CONTAINER', wsl: 'ARCHIVE' };

function declaredLicense(m: LicenseMapping): string {
  return m.kind === 'none' ? 'NOASSERTION' : m.kind === 'spdx' ? m.expression : m.ref;
}

export function spdxDocument(artifact: SbomArtifact, opts: SbomOptions): SpdxDocument {
  checkArtifact(artifact);
  const created = isoSeconds(opts.created);
  const tool = `Tool: strata-${opts.toolVersion}`;
  const purlCtx = { vendor: purlNamespaceOf(artifact.os), distro: distroQualifier(artifact.os) };
  const extracted = new Map<string, SpdxExtractedLicense>();
  const relationships: SpdxRelationship[] = [
    { spdxElementId: SPDX_DOCUMENT_ID, relationshipType: 'DESCRIBES', relatedSpdxElement: SPDX_ARTIFACT_ID },
    { spdxElementId: SPDX_ARTIFACT_ID, relationshipType: 'CONTAINS', relatedSpdxElement: SPDX_OS_ID },
  ];

  const artifactPkg: SpdxPackage = {
    SPDXID: SPDX_ARTIFACT_ID,
    name: artifact.name,
    versionInfo: artifact.version,
    supplier: supplierOf(artifact.os.vendor),
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    comment: `Strata ${artifact.kind} artifact`,
    primaryPackagePurpose: PURPOSE[artifact.kind] ?? 'OTHER',
  };
  const osPkg: SpdxPackage = {
    SPDXID: SPDX_OS_ID,
    name: artifact.os.id,
    versionInfo: artifact.os.versionId,
    supplier: supplierOf(artifact.os.vendor),
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    summary: artifact.os.name,
    primaryPackagePurpose: 'OPERATING_SYSTEM',
  };

  const byNevra = new Map(artifact.packages.map((p) => [nevraOf(p), p]));
  const sourceSums = new Map((artifact.sources ?? []).map((s) => [s.fileName, s.sha256]));
  const sourceNames = new Set([...sourceSums.keys(), ...artifact.packages.map((p) => p.sourceRpm).filter(Boolean)]);
  const srpmPkgs: SpdxPackage[] = [];
  const srpmIds = new Map<string, string>();
  for (const fileName of [...sourceNames].sort()) {
    const parsed = parseSourceRpmName(fileName);
    if (!parsed) continue; // not a name rpm would write; the binary keeps it in sourceInfo
    const id = spdxSourceId(fileName);
    srpmIds.set(fileName, id);
    const sum = sourceSums.get(fileName);
    srpmPkgs.push({
      SPDXID: id,
      name: parsed.name,
      versionInfo: `${parsed.version}-${parsed.release}`,
      packageFileName: fileName,
      supplier: supplierOf(artifact.os.vendor),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      ...(sum ? { checksums: [{ algorithm: 'SHA256' as const, checksumValue: sum }] } : {}),
      externalRefs: [purlRef(rpmPurl({ ...parsed, epoch: undefined, arch: 'src' }, purlCtx))],
      primaryPackagePurpose: 'SOURCE',
    });
  }

  // Input order does not matter: packages by NEVRA, edges by target.
  const rpmPkgs = sortPackages(artifact.packages).map((p): SpdxPackage => {
    const license = mapRpmLicense(p.license);
    noteExtracted(extracted, license);
    const id = spdxPackageId(p);
    relationships.push({ spdxElementId: SPDX_OS_ID, relationshipType: 'CONTAINS', relatedSpdxElement: id });
    const srpm = srpmIds.get(p.sourceRpm);
    if (srpm) relationships.push({ spdxElementId: id, relationshipType: 'GENERATED_FROM', relatedSpdxElement: srpm });
    for (const dep of [...p.dependsOn].sort()) {
      const target = byNevra.get(dep);
      if (target) relationships.push({ spdxElementId: id, relationshipType: 'DEPENDS_ON', relatedSpdxElement: spdxPackageId(target) });
    }
    return {
      SPDXID: id,
      name: p.name,
      versionInfo: packageEvr(p),
      packageFileName: `${p.name}-${p.version}-${p.release}.${p.arch}.rpm`,
      supplier: supplierOf(p.vendor),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      ...(p.sha256 ? { checksums: [{ algorithm: 'SHA256' as const, checksumValue: p.sha256 }] } : {}),
      ...(p.url && /^https?:\/\//.test(p.url) ? { homepage: p.url } : {}),
      ...(p.sourceRpm ? { sourceInfo: `built from source package ${p.sourceRpm}` } : {}),
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: declaredLicense(license),
      copyrightText: 'NOASSERTION',
      ...(p.summary ? { summary: p.summary } : {}),
      externalRefs: [purlRef(rpmPurl(p, purlCtx))],
      ...(p.headerDigest
        ? { annotations: [{ annotationDate: created, annotationType: 'OTHER' as const, annotator: tool, comment: `rpm header SHA256: ${p.headerDigest}` }] }
        : {}),
    };
  });

  const doc: SpdxDocument = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: SPDX_DOCUMENT_ID,
    name: `${artifact.name}-${artifact.version}`,
    documentNamespace: '',
    creationInfo: { created, creators: [tool] },
    packages: [artifactPkg, osPkg, ...rpmPkgs, ...srpmPkgs],
    ...(extracted.size ? { hasExtractedLicensingInfos: [...extracted.values()].sort((a, b) => cmp(a.licenseId, b.licenseId)) } : {}),
    relationships: relationships.sort(
      (a, b) => cmp(a.spdxElementId, b.spdxElementId) || cmp(a.relationshipType, b.relationshipType) || cmp(a.relatedSpdxElement, b.relatedSpdxElement),
    ),
  };
  // Same content, same namespace: the URI is derived from everything else in the document.
  const base = opts.namespaceBase ?? 'https://spdx.org/spdxdocs/';
  doc.documentNamespace = `${base}${idPart(doc.name)}-${uuidV5(`urn:strata:spdx:${sha256Hex(JSON.stringify(doc))}`)}`;
  return doc;
}

function purlRef(purl: string): SpdxExternalRef {
  return { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl };
}

function noteExtracted(out: Map<string, SpdxExtractedLicense>, m: LicenseMapping): void {
  if (m.kind === 'text') {
    out.set(m.ref, { licenseId: m.ref, name: m.text, extractedText: m.text, comment: 'RPM License tag that is not an SPDX license expression' });
  } else if (m.kind === 'spdx') {
    for (const ref of m.refs) {
      if (!out.has(ref)) out.set(ref, { licenseId: ref, name: ref, extractedText: ref, comment: 'licence named by an RPM License tag; its text is not part of the package metadata' });
    }
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The document as written: two-space indented JSON and a final newline. */
export function serializeSpdx(doc: SpdxDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
