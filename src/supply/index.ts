// Supply chain: SBOMs (SPDX 2.3, CycloneDX 1.6) with RPM purls and dependency graphs, SLSA v1
// provenance, DSSE envelopes signed with Ed25519 + ML-DSA-65, and the checks `strata verify` makes.

export { SupplyError } from './errors.ts';
export { formatPurl, nevraOf, parsePurl, parseRpmPurl, purlEncode, rpmPurl } from './purl.ts';
export type { PackageUrl, RpmIdentity, RpmPurlContext } from './purl.ts';
export { checkArtifact, distroQualifier, packageEvr, parseSourceRpmName, purlNamespaceOf } from './model.ts';
export type { ArtifactKind, OsInfo, SbomArtifact, SbomOptions, SbomPackage, SbomSource } from './model.ts';
export { dependencyEdges } from './depgraph.ts';
export type { DepGraphNode } from './depgraph.ts';
export { depFromRepo, sbomPackagesFromRepo, sbomPackagesFromRpms, sortPackages } from './from-packages.ts';
export type { RpmPackageInput } from './from-packages.ts';
export { readRpmInput, readRpmInputs, readSourceRpms, sha256File } from './read-rpms.ts';
export { licenseRefFor, mapRpmLicense } from './license.ts';
export type { LicenseMapping } from './license.ts';
export { isoSeconds, sbomTimestamp, sha256Hex, uuidV5 } from './determinism.ts';
export { serializeSpdx, spdxDocument, spdxPackageId, spdxSourceId, SPDX_ARTIFACT_ID, SPDX_DOCUMENT_ID, SPDX_OS_ID } from './spdx.ts';
export type { SpdxDocument, SpdxPackage, SpdxRelationship } from './spdx.ts';
export { CDX_ARTIFACT_REF, CDX_OS_REF, cyclonedxBom, serializeCycloneDx } from './cyclonedx.ts';
export type { CycloneDxBom, CycloneDxComponent } from './cyclonedx.ts';
export {
  fileDependency, gitCommitDependency, IN_TOTO_STATEMENT_TYPE, packageDependency, provenanceStatement, serializeStatement,
  SLSA_PROVENANCE_TYPE, STRATA_BUILD_TYPE,
} from './provenance.ts';
export type { DigestSet, ProvenanceInput, ProvenanceStatement, ResourceDescriptor, SlsaPredicate, Subject } from './provenance.ts';
export {
  decodePublicKey, decodeSigningKey, encodePublicKey, encodeSigningKey, generateSupplyKey, keyIdOf, keyIds, PUBLIC_KEY_SUFFIX,
  publicKeyOf, readSupplyPublicKey, readSupplySigningKey, SECRET_KEY_SUFFIX, SUPPLY_ALGORITHMS, supplyKeyPaths, writeSupplyKey,
} from './keys.ts';
export type { SupplyAlgorithm, SupplyPublicKey, SupplySigningKey } from './keys.ts';
export { IN_TOTO_PAYLOAD_TYPE, pae, serializeEnvelope, signEnvelope, verifyEnvelope } from './dsse.ts';
export type { DsseEnvelope, DsseSignature, VerifiedEnvelope } from './dsse.ts';
export { signProvenance, verifyProvenanceEnvelope } from './attestation.ts';
export { checkFileDigest, parseProvenance, sbomRpmPurls, verifySbomAgainstPackages, verifySubjects } from './verify.ts';
export type { InstalledPackage } from './verify.ts';
