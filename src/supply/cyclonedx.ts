// CycloneDX 1.6 JSON for an artifact, built with @cyclonedx/cyclonedx-library's models and normaliser.
// The library has no pedigree model, so the SRPM a package was built from is added to the normalised
// component as `pedigree.ancestors` (CycloneDX's "derived from" relation) before the JSON is written.
// The serial number is a name-based UUID of the content, the timestamp the caller's (SOURCE_DATE_EPOCH).
import * as CDX from '@cyclonedx/cyclonedx-library';
import { mapRpmLicense } from './license.ts';
import { sha256Hex, uuidV5 } from './determinism.ts';
import { checkArtifact, distroQualifier, packageEvr, parseSourceRpmName, purlNamespaceOf, type SbomArtifact, type SbomOptions } from './model.ts';
import { nevraOf, rpmPurl } from './purl.ts';

type NormalizedComponent = CDX.Serialize.JSON.Types.Normalized.Component;
type Ancestor = Pick<NormalizedComponent, 'type' | 'name' | 'version' | 'purl' | 'hashes'>;
export type CycloneDxComponent = NormalizedComponent & { pedigree?: { ancestors: Ancestor[] } };
export type CycloneDxBom = Omit<CDX.Serialize.JSON.Types.Normalized.Bom, 'components'> & { components?: CycloneDxComponent[] };

export const CDX_ARTIFACT_REF = 'artifact';
export const CDX_OS_REF = 'os';

function licensesOf(tag: string): CDX.Models.License[] {
  const m = mapRpmLicense(tag);
  if (m.kind === 'none') return [];
  if (m.kind === 'text') return [new CDX.Models.NamedLicense(m.text)];
  // A single id CycloneDX knows goes in `id`; anything else (compound, LicenseRef-, `+`) as an expression.
  if (m.single && CDX.SPDX.isSupportedSpdxId(m.expression)) return [new CDX.Models.SpdxLicense(m.expression)];
  return [new CDX.Models.LicenseExpression(m.expression)];
}

export function cyclonedxBom(artifact: SbomArtifact, opts: SbomOptions): CycloneDxBom {
  checkArtifact(artifact);
  const purlCtx = { vendor: purlNamespaceOf(artifact.os), distro: distroQualifier(artifact.os) };
  const supplier = artifact.os.vendor ? new CDX.Models.OrganizationalEntity({ name: artifact.os.vendor }) : undefined;
  const bom = new CDX.Models.Bom();
  bom.serialNumber = 'urn:uuid:00000000-0000-5000-8000-000000000000'; // replaced below, keeps the key's place
  bom.metadata.timestamp = opts.created;
  bom.metadata.tools.components.add(new CDX.Models.Component(CDX.Enums.ComponentType.Application, 'strata', { version: opts.toolVersion }));
  const root = new CDX.Models.Component(
    artifact.kind === 'container' ? CDX.Enums.ComponentType.Container : CDX.Enums.ComponentType.OperatingSystem,
    artifact.name,
    { version: artifact.version, bomRef: CDX_ARTIFACT_REF, supplier, description: `Strata ${artifact.kind} artifact` },
  );
  bom.metadata.component = root;
  const os = new CDX.Models.Component(CDX.Enums.ComponentType.OperatingSystem, artifact.os.id, {
    version: artifact.os.versionId,
    bomRef: CDX_OS_REF,
    supplier,
    description: artifact.os.name,
  });
  bom.components.add(os);
  root.dependencies.add(os.bomRef);

  const sourceSums = new Map((artifact.sources ?? []).map((s) => [s.fileName, s.sha256]));
  const ancestors = new Map<string, Ancestor>();
  const byNevraRef = new Map<string, CDX.Models.Component>();
  for (const p of artifact.packages) {
    const purl = rpmPurl(p, purlCtx);
    const c = new CDX.Models.Component(CDX.Enums.ComponentType.Library, p.name, {
      version: packageEvr(p),
      bomRef: purl,
      purl,
      supplier: p.vendor ? new CDX.Models.OrganizationalEntity({ name: p.vendor }) : undefined,
      description: p.summary || undefined,
    });
    if (p.sha256) c.hashes.set(CDX.Enums.HashAlgorithm['SHA-256'], p.sha256);
    for (const l of licensesOf(p.license)) c.licenses.add(l);
    c.properties.add(new CDX.Models.Property('strata:rpm:arch', p.arch));
    if (p.sourceRpm) c.properties.add(new CDX.Models.Property('strata:rpm:sourcerpm', p.sourceRpm));
    if (p.headerDigest) c.properties.add(new CDX.Models.Property('strata:rpm:header-sha256', p.headerDigest));
    bom.components.add(c);
    os.dependencies.add(c.bomRef);
    byNevraRef.set(nevraOf(p), c);
    const src = p.sourceRpm ? parseSourceRpmName(p.sourceRpm) : undefined;
    if (src) {
      const sum = sourceSums.get(p.sourceRpm);
      ancestors.set(purl, {
        type: CDX.Enums.ComponentType.Library,
        name: src.name,
        version: `${src.version}-${src.release}`,
        purl: rpmPurl({ ...src, epoch: undefined, arch: 'src' }, purlCtx),
        ...(sum ? { hashes: [{ alg: CDX.Enums.HashAlgorithm['SHA-256'], content: sum }] } : {}),
      });
    }
  }
  for (const p of artifact.packages) {
    const c = byNevraRef.get(nevraOf(p))!;
    for (const dep of p.dependsOn) {
      const target = byNevraRef.get(dep);
      if (target) c.dependencies.add(target.bomRef);
    }
  }

  const factory = new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6);
  const normalized = factory.makeForBom().normalize(bom, { sortLists: true }) as CycloneDxBom;
  for (const c of normalized.components ?? []) {
    const a = c['bom-ref'] !== undefined ? ancestors.get(c['bom-ref']) : undefined;
    if (a) c.pedigree = { ancestors: [a] };
  }
  normalized.serialNumber = `urn:uuid:${uuidV5(`urn:strata:cyclonedx:${sha256Hex(JSON.stringify(normalized))}`)}`;
  return normalized;
}

/** The BOM as written: two-space indented JSON and a final newline. */
export function serializeCycloneDx(bom: CycloneDxBom): string {
  return `${JSON.stringify(bom, null, 2)}\n`;
}
