// SLSA v1 provenance as an in-toto Statement v1 (https://slsa.dev/spec/v1.0/provenance): what was
// built (subjects: artifact names and SHA-256 digests), from what (resolved dependencies: source RPMs,
// upstream sources, the configuration commit, the buildroot package set) and by what (builder, run).
import { isoSeconds } from './determinism.ts';
import { SupplyError } from './errors.ts';

export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_TYPE = 'https://slsa.dev/provenance/v1';
/** buildType of a Strata build; a URN, as Strata has no web home that could describe it. */
export const STRATA_BUILD_TYPE = 'urn:strata:build-type:v1';

/** in-toto digest set: algorithm → lower-case hex (gitCommit for commits). */
export type DigestSet = Record<string, string>;

/** in-toto ResourceDescriptor: at least one of uri and digest. */
export interface ResourceDescriptor {
  uri?: string;
  digest?: DigestSet;
  name?: string;
  mediaType?: string;
  annotations?: Record<string, unknown>;
}

export interface Subject {
  name: string;
  digest: DigestSet;
}

export interface SlsaPredicate {
  buildDefinition: {
    buildType: string;
    externalParameters: Record<string, unknown>;
    internalParameters?: Record<string, unknown>;
    resolvedDependencies?: ResourceDescriptor[];
  };
  runDetails: {
    builder: { id: string; version?: Record<string, string> };
    metadata?: { invocationId?: string; startedOn?: string; finishedOn?: string };
    byproducts?: ResourceDescriptor[];
  };
}

export interface ProvenanceStatement {
  _type: typeof IN_TOTO_STATEMENT_TYPE;
  subject: Subject[];
  predicateType: typeof SLSA_PROVENANCE_TYPE;
  predicate: SlsaPredicate;
}

export interface ProvenanceInput {
  subjects: Subject[];
  /** Default STRATA_BUILD_TYPE. */
  buildType?: string;
  /** What the user asked for: project, image, config commit, … */
  externalParameters: Record<string, unknown>;
  internalParameters?: Record<string, unknown>;
  resolvedDependencies: ResourceDescriptor[];
  builder: { id: string; version?: Record<string, string> };
  invocationId?: string;
  startedOn?: Date;
  finishedOn?: Date;
  byproducts?: ResourceDescriptor[];
}

const HEX = /^[0-9a-f]+$/;

function checkDigests(where: string, d: DigestSet | undefined): void {
  for (const [alg, value] of Object.entries(d ?? {})) {
    if (!HEX.test(value)) throw new SupplyError(`provenance ${where}: digest ${alg} ${JSON.stringify(value)} is not lower-case hex`);
  }
}

const byName = <T extends { name?: string; uri?: string }>(a: T, b: T): number => {
  const x = `${a.name ?? ''}\0${a.uri ?? ''}`;
  const y = `${b.name ?? ''}\0${b.uri ?? ''}`;
  return x < y ? -1 : x > y ? 1 : 0;
};

/** The statement, subjects and dependencies sorted so equal inputs give equal bytes. */
export function provenanceStatement(input: ProvenanceInput): ProvenanceStatement {
  if (input.subjects.length === 0) throw new SupplyError('provenance: no subjects');
  for (const s of input.subjects) {
    if (!s.name) throw new SupplyError('provenance subject: empty name');
    if (!s.digest.sha256) throw new SupplyError(`provenance subject ${s.name}: missing sha256 digest`);
    checkDigests(`subject ${s.name}`, s.digest);
  }
  for (const r of input.resolvedDependencies) {
    if (!r.uri && !r.digest) throw new SupplyError(`provenance dependency ${r.name ?? '?'}: needs a uri or a digest`);
    checkDigests(`dependency ${r.name ?? r.uri}`, r.digest);
  }
  if (!input.builder.id) throw new SupplyError('provenance: empty builder id');
  const metadata: NonNullable<SlsaPredicate['runDetails']['metadata']> = {};
  if (input.invocationId) metadata.invocationId = input.invocationId;
  if (input.startedOn) metadata.startedOn = isoSeconds(input.startedOn);
  if (input.finishedOn) metadata.finishedOn = isoSeconds(input.finishedOn);
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [...input.subjects].sort(byName),
    predicateType: SLSA_PROVENANCE_TYPE,
    predicate: {
      buildDefinition: {
        buildType: input.buildType ?? STRATA_BUILD_TYPE,
        externalParameters: input.externalParameters,
        ...(input.internalParameters ? { internalParameters: input.internalParameters } : {}),
        resolvedDependencies: [...input.resolvedDependencies].sort(byName),
      },
      runDetails: {
        builder: input.builder,
        ...(Object.keys(metadata).length ? { metadata } : {}),
        ...(input.byproducts?.length ? { byproducts: [...input.byproducts].sort(byName) } : {}),
      },
    },
  };
}

// Helpers for the usual resolved dependencies.

/** A source RPM (or any file) by name and SHA-256. */
export function fileDependency(name: string, sha256: string, uri?: string): ResourceDescriptor {
  return { ...(uri ? { uri } : {}), digest: { sha256 }, name };
}

/** The configuration (distro definition) commit: `git+<repo>@<commit>` with a gitCommit digest. */
export function gitCommitDependency(repoUrl: string, commit: string, name = 'config'): ResourceDescriptor {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) throw new SupplyError(`provenance: commit ${JSON.stringify(commit)} is not a full hex object id`);
  const uri = repoUrl.startsWith('git+') ? repoUrl : `git+${repoUrl}`;
  return { uri: `${uri}@${commit}`, digest: { gitCommit: commit }, name };
}

/** One buildroot package: its purl as uri, the .rpm's SHA-256 as digest. */
export function packageDependency(purl: string, sha256: string | undefined): ResourceDescriptor {
  return sha256 ? { uri: purl, digest: { sha256 } } : { uri: purl };
}

/** The statement as signed: compact JSON (the DSSE payload). */
export function serializeStatement(s: ProvenanceStatement): string {
  return JSON.stringify(s);
}
