// Checks behind `strata verify`: the SBOM lists exactly the installed packages, the provenance
// statement is well formed, and its subjects' digests match the files.
import { SupplyError } from './errors.ts';
import { nevraOf, parseRpmPurl, type RpmIdentity } from './purl.ts';
import { IN_TOTO_STATEMENT_TYPE, type ProvenanceStatement, SLSA_PROVENANCE_TYPE } from './provenance.ts';
import { sha256File } from './read-rpms.ts';

/** A package as installed: RpmPackage, RepoPackage (epoch "0") and SbomPackage all fit. */
export interface InstalledPackage {
  name: string;
  epoch?: number | string | undefined;
  version: string;
  release: string;
  arch: string;
}

const identity = (p: InstalledPackage): RpmIdentity => ({
  name: p.name,
  epoch: Number(p.epoch) || undefined,
  version: p.version,
  release: p.release,
  arch: p.arch,
});

/** The binary RPM purls an SPDX 2.3 or CycloneDX document lists (source RPMs excluded). */
export function sbomRpmPurls(sbom: unknown): string[] {
  if (typeof sbom !== 'object' || sbom === null) throw new SupplyError('SBOM: not a JSON object');
  const doc = sbom as Record<string, unknown>;
  const purls: string[] = [];
  if (typeof doc.spdxVersion === 'string') {
    for (const [i, p] of objects(doc.packages, 'SPDX packages')) {
      for (const [, ref] of objects(p.externalRefs, `SPDX packages[${i}].externalRefs`)) {
        if (ref.referenceType === 'purl' && typeof ref.referenceLocator === 'string') purls.push(ref.referenceLocator);
      }
    }
  } else if (doc.bomFormat === 'CycloneDX') {
    const walk = (cs: unknown, where: string): void => {
      for (const [i, comp] of objects(cs, where)) {
        if (typeof comp.purl === 'string') purls.push(comp.purl);
        walk(comp.components, `${where}[${i}].components`);
      }
    };
    walk(doc.components, 'CycloneDX components');
  } else {
    throw new SupplyError('SBOM: neither SPDX (spdxVersion) nor CycloneDX (bomFormat)');
  }
  return purls.filter((u) => u.startsWith('pkg:rpm/') && parseRpmPurl(u).arch !== 'src');
}

/** The entries of an optional list of objects, with their indexes; anything else in it is refused. */
function objects(v: unknown, where: string): Array<[number, Record<string, unknown>]> {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new SupplyError(`SBOM: ${where} is not a list`);
  return v.map((x, i) => {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new SupplyError(`SBOM: ${where}[${i}] is not an object`);
    return [i, x as Record<string, unknown>];
  });
}

function listSome(items: string[], max = 10): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Throws unless the SBOM names exactly `installed` (by NEVRA), each once. */
export function verifySbomAgainstPackages(sbom: unknown, installed: InstalledPackage[]): void {
  const listed = new Map<string, number>();
  for (const u of sbomRpmPurls(sbom)) {
    const key = nevraOf(parseRpmPurl(u));
    listed.set(key, (listed.get(key) ?? 0) + 1);
  }
  const have = new Set(installed.map((p) => nevraOf(identity(p))));
  const twice = [...listed].filter(([, n]) => n > 1).map(([k]) => k).sort();
  const extra = [...listed.keys()].filter((k) => !have.has(k)).sort();
  const missing = [...have].filter((k) => !listed.has(k)).sort();
  const problems: string[] = [];
  if (extra.length) problems.push(`listed but not installed: ${listSome(extra)}`);
  if (missing.length) problems.push(`installed but not listed: ${listSome(missing)}`);
  if (twice.length) problems.push(`listed more than once: ${listSome(twice)}`);
  if (problems.length) throw new SupplyError(`SBOM does not match the installed packages: ${problems.join('; ')}`);
}

/** Parses a DSSE payload as an in-toto Statement v1 carrying SLSA v1 provenance. */
export function parseProvenance(payload: Uint8Array | string): ProvenanceStatement {
  let s: unknown;
  try {
    s = JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'));
  } catch {
    throw new SupplyError('provenance: payload is not JSON');
  }
  const st = s as Partial<ProvenanceStatement> | null;
  if (!st || st._type !== IN_TOTO_STATEMENT_TYPE) throw new SupplyError(`provenance: _type is not ${IN_TOTO_STATEMENT_TYPE}`);
  if (st.predicateType !== SLSA_PROVENANCE_TYPE) throw new SupplyError(`provenance: predicateType is not ${SLSA_PROVENANCE_TYPE}`);
  if (!Array.isArray(st.subject) || st.subject.length === 0) throw new SupplyError('provenance: no subjects');
  for (const sub of st.subject) {
    if (typeof sub?.name !== 'string' || typeof sub.digest?.sha256 !== 'string') throw new SupplyError('provenance: a subject lacks a name or a sha256 digest');
  }
  if (typeof st.predicate?.buildDefinition?.buildType !== 'string') throw new SupplyError('provenance: predicate.buildDefinition.buildType missing');
  if (typeof st.predicate?.runDetails?.builder?.id !== 'string') throw new SupplyError('provenance: predicate.runDetails.builder.id missing');
  return st as ProvenanceStatement;
}

/** Throws unless the file's SHA-256 is `expected`. */
export async function checkFileDigest(path: string, expected: string, what = path): Promise<void> {
  let actual: string;
  try {
    actual = await sha256File(path);
  } catch (e) {
    throw new SupplyError(`${what}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (actual !== expected.toLowerCase()) throw new SupplyError(`${what}: sha256 ${actual} does not match the recorded ${expected}`);
}

/**
 * Re-checks every subject of a statement: `pathOf(name)` says where its file is (undefined = not
 * present, an error). Returns the names checked.
 */
export async function verifySubjects(statement: ProvenanceStatement, pathOf: (name: string) => string | undefined): Promise<string[]> {
  for (const s of statement.subject) {
    const path = pathOf(s.name);
    if (path === undefined) throw new SupplyError(`provenance subject ${s.name}: file not found`);
    await checkFileDigest(path, s.digest.sha256, `provenance subject ${s.name}`);
  }
  return statement.subject.map((s) => s.name);
}
