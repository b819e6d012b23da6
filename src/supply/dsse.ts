// DSSE envelopes (secure-systems-lab/dsse protocol v1): the signature covers
// PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN being the byte length
// in ASCII decimal. Every envelope carries two signatures, Ed25519 and ML-DSA-65 (hybrid: a
// verifier requires BOTH to verify against the trusted keys, so breaking either algorithm alone
// forges nothing). Envelopes are written as compact JSON; verification is strict (known fields only,
// canonical base64), so any changed byte that changes meaning is rejected.
// ML-DSA signing is hedged (randomised, FIPS 204's default), so envelope bytes differ between runs
// even though the payload is identical.
import { sign, verify } from 'node:crypto';
import { SupplyError } from './errors.ts';
import { keyIdOf, SUPPLY_ALGORITHMS, type SupplyPublicKey, type SupplySigningKey, publicKeyOf } from './keys.ts';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface DsseSignature {
  keyid: string;
  sig: string;
}

export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: DsseSignature[];
}

/** Pre-Authentication Encoding. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

const asBytes = (p: string | Uint8Array): Buffer => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p));

export function signEnvelope(payload: string | Uint8Array, key: SupplySigningKey, payloadType = IN_TOTO_PAYLOAD_TYPE): DsseEnvelope {
  const body = asBytes(payload);
  const message = pae(payloadType, body);
  const pub = publicKeyOf(key);
  return {
    payloadType,
    payload: body.toString('base64'),
    signatures: SUPPLY_ALGORITHMS.map((a) => ({ keyid: keyIdOf(pub[a]), sig: sign(null, message, key[a]).toString('base64') })),
  };
}

/** Compact JSON, no trailing newline: every byte of the file is meaningful. */
export function serializeEnvelope(env: DsseEnvelope): string {
  return JSON.stringify({ payloadType: env.payloadType, payload: env.payload, signatures: env.signatures.map((s) => ({ keyid: s.keyid, sig: s.sig })) });
}

function strictBase64(s: unknown, what: string): Buffer {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) {
    throw new SupplyError(`DSSE envelope: ${what} is not base64`);
  }
  const b = Buffer.from(s, 'base64');
  if (b.toString('base64') !== s) throw new SupplyError(`DSSE envelope: ${what} is not canonical base64`);
  return b;
}

function onlyKeys(o: Record<string, unknown>, keys: string[], what: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new SupplyError(`DSSE envelope: unexpected field ${JSON.stringify(k)} in ${what}`);
}

export interface VerifiedEnvelope {
  payloadType: string;
  payload: Buffer;
  /** The key ids whose signatures verified, per algorithm. */
  keyids: Record<string, string>;
}

/**
 * Checks an envelope (its file bytes or text) against the trusted hybrid key: both the Ed25519 and
 * the ML-DSA-65 signature must be present under the trusted keys' ids and verify. Other signatures
 * (other signers) are ignored. Throws SupplyError naming what failed.
 */
export function verifyEnvelope(data: string | Uint8Array, trusted: SupplyPublicKey, payloadType = IN_TOTO_PAYLOAD_TYPE): VerifiedEnvelope {
  let env: unknown;
  try {
    env = JSON.parse(typeof data === 'string' ? data : new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    throw new SupplyError('DSSE envelope: not valid UTF-8 JSON');
  }
  if (typeof env !== 'object' || env === null || Array.isArray(env)) throw new SupplyError('DSSE envelope: not a JSON object');
  const e = env as Record<string, unknown>;
  onlyKeys(e, ['payloadType', 'payload', 'signatures'], 'the envelope');
  if (e.payloadType !== payloadType) throw new SupplyError(`DSSE envelope: payloadType ${JSON.stringify(e.payloadType)}, expected ${JSON.stringify(payloadType)}`);
  const payload = strictBase64(e.payload, 'payload');
  if (!Array.isArray(e.signatures) || e.signatures.length === 0) throw new SupplyError('DSSE envelope: no signatures');
  const sigs = e.signatures.map((s, i) => {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new SupplyError(`DSSE envelope: signature ${i} is not an object`);
    const o = s as Record<string, unknown>;
    onlyKeys(o, ['keyid', 'sig'], `signature ${i}`);
    if (typeof o.keyid !== 'string') throw new SupplyError(`DSSE envelope: signature ${i} has no keyid`);
    return { keyid: o.keyid, sig: o.sig, index: i };
  });
  const message = pae(payloadType, payload);
  const keyids: Record<string, string> = {};
  for (const alg of SUPPLY_ALGORITHMS) {
    const id = keyIdOf(trusted[alg]);
    const mine = sigs.filter((s) => s.keyid === id);
    if (mine.length === 0) throw new SupplyError(`DSSE envelope: no ${alg} signature by trusted key ${id}`);
    if (mine.length > 1) throw new SupplyError(`DSSE envelope: ${mine.length} signatures by key ${id}`);
    const sig = strictBase64(mine[0].sig, `signature ${mine[0].index}`);
    if (!verify(null, message, trusted[alg], sig)) throw new SupplyError(`DSSE envelope: ${alg} signature by key ${id} does not verify`);
    keyids[alg] = id;
  }
  return { payloadType, payload, keyids };
}
