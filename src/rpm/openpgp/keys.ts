// Public keys: key packets, curve OIDs, fingerprints and key IDs.

import { createHash } from 'node:crypto';
import { PgpError, be, toHex, u32 } from './common.ts';

export type KeyParams =
  | { kind: 'rsa'; n: Uint8Array; e: Uint8Array }
  | { kind: 'dsa'; p: bigint; q: bigint; g: bigint; y: bigint }
  | { kind: 'ecdsa'; curve?: string; point: Uint8Array }
  | { kind: 'eddsa'; curve?: 'Ed25519' | 'Ed448'; pub: Uint8Array }
  | { kind: 'composite'; ed: 'Ed25519' | 'Ed448'; edPub: Uint8Array; mldsa: 'ML-DSA-65' | 'ML-DSA-87'; mlPub: Uint8Array }
  | { kind: 'other' };

export interface PgpKey {
  version: number;
  algo: number;
  /** Creation time, seconds since the epoch. */
  created: number;
  body: Uint8Array;
  fingerprint: string;
  keyId: string;
  params: KeyParams;
}

function readMpi(b: Uint8Array, o: number): { v: Uint8Array; next: number } {
  if (o + 2 > b.length) throw new PgpError('truncated MPI');
  const bits = (b[o] << 8) | b[o + 1];
  const n = (bits + 7) >> 3;
  if (o + 2 + n > b.length) throw new PgpError('truncated MPI');
  return { v: b.subarray(o + 2, o + 2 + n), next: o + 2 + n };
}

export function readMpis(b: Uint8Array, o: number, count: number): { vs: Uint8Array[]; next: number } {
  const vs: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const r = readMpi(b, o);
    vs.push(r.v);
    o = r.next;
  }
  return { vs, next: o };
}

export const big = (b: Uint8Array): bigint => (b.length ? BigInt(`0x${toHex(b)}`) : 0n);

// Curve OIDs (DER content bytes, hex).
const OID_CURVES: Record<string, string> = {
  '2a8648ce3d030107': 'P-256',
  '2b81040022': 'P-384',
  '2b81040023': 'P-521',
  '2b06010401da470f01': 'Ed25519',
  '2b656d': 'Ed448',
  '2b060104019755010501': 'Curve25519',
};

function parseKeyParams(algo: number, m: Uint8Array): KeyParams {
  switch (algo) {
    case 1:
    case 2:
    case 3: {
      const { vs } = readMpis(m, 0, 2);
      return { kind: 'rsa', n: vs[0], e: vs[1] };
    }
    case 17: {
      const { vs } = readMpis(m, 0, 4);
      return { kind: 'dsa', p: big(vs[0]), q: big(vs[1]), g: big(vs[2]), y: big(vs[3]) };
    }
    case 19:
    case 22: {
      const ol = m[0];
      if (!ol || ol === 0xff || 1 + ol > m.length) throw new PgpError('key: bad curve OID');
      const curve = OID_CURVES[toHex(m.subarray(1, 1 + ol))];
      const { v } = readMpi(m, 1 + ol);
      if (algo === 19) return { kind: 'ecdsa', curve, point: v };
      // Native EdDSA points are prefixed with 0x40 (RFC 9580 legacy EdDSA).
      const ed = curve === 'Ed25519' || curve === 'Ed448' ? curve : undefined;
      const pub = v[0] === 0x40 ? v.subarray(1) : v;
      return { kind: 'eddsa', curve: ed, pub };
    }
    case 27:
      if (m.length !== 32) throw new PgpError('key: Ed25519 key must be 32 bytes');
      return { kind: 'eddsa', curve: 'Ed25519', pub: m };
    case 28:
      if (m.length !== 57) throw new PgpError('key: Ed448 key must be 57 bytes');
      return { kind: 'eddsa', curve: 'Ed448', pub: m };
    case 30:
      if (m.length !== 32 + 1952) throw new PgpError('key: ML-DSA-65+Ed25519 key has the wrong size');
      return { kind: 'composite', ed: 'Ed25519', edPub: m.subarray(0, 32), mldsa: 'ML-DSA-65', mlPub: m.subarray(32) };
    case 31:
      if (m.length !== 57 + 2592) throw new PgpError('key: ML-DSA-87+Ed448 key has the wrong size');
      return { kind: 'composite', ed: 'Ed448', edPub: m.subarray(0, 57), mldsa: 'ML-DSA-87', mlPub: m.subarray(57) };
    default:
      return { kind: 'other' };
  }
}

/** Parses a public (sub)key packet body (v4 or v6) and computes its fingerprint and key ID. */
export function parseKeyBody(body: Uint8Array): PgpKey {
  const version = body[0];
  if (version !== 4 && version !== 6) throw new PgpError(`key: unsupported version ${version}`);
  if (body.length < (version === 4 ? 6 : 10)) throw new PgpError('key: truncated packet');
  const created = be(body, 1, 4);
  const algo = body[5];
  let material = body.subarray(6);
  if (version === 6) {
    const ml = be(body, 6, 4);
    material = body.subarray(10);
    if (ml !== material.length) throw new PgpError('key: material length mismatch');
  }
  const params = parseKeyParams(algo, material);
  let fpr: Uint8Array;
  if (version === 4) {
    fpr = createHash('sha1')
      .update(Uint8Array.of(0x99, body.length >> 8, body.length & 0xff))
      .update(body)
      .digest();
  } else {
    fpr = createHash('sha256').update(Uint8Array.of(0x9b)).update(u32(body.length)).update(body).digest();
  }
  const fingerprint = toHex(fpr);
  const keyId = version === 4 ? fingerprint.slice(24) : fingerprint.slice(0, 16);
  return { version, algo, created, body, fingerprint, keyId, params };
}

/** The framing with which a key is hashed into a signature over it. */
export function keyFraming(k: PgpKey): Uint8Array[] {
  const n = k.body.length;
  return k.version === 6 ? [Uint8Array.of(0x9b), u32(n), k.body] : [Uint8Array.of(0x99, n >> 8, n & 0xff), k.body];
}
