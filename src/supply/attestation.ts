// Provenance in a signed envelope: the statement is the DSSE payload (compact JSON, in-toto type).
import { type DsseEnvelope, IN_TOTO_PAYLOAD_TYPE, signEnvelope, verifyEnvelope } from './dsse.ts';
import type { SupplyPublicKey, SupplySigningKey } from './keys.ts';
import { type ProvenanceStatement, serializeStatement } from './provenance.ts';
import { parseProvenance } from './verify.ts';

export function signProvenance(statement: ProvenanceStatement, key: SupplySigningKey): DsseEnvelope {
  return signEnvelope(serializeStatement(statement), key, IN_TOTO_PAYLOAD_TYPE);
}

/** Verifies both signatures, then parses the payload as SLSA provenance. */
export function verifyProvenanceEnvelope(data: string | Uint8Array, trusted: SupplyPublicKey): ProvenanceStatement {
  return parseProvenance(verifyEnvelope(data, trusted, IN_TOTO_PAYLOAD_TYPE).payload);
}
