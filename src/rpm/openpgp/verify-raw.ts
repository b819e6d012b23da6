// Raw signature verification over a digest: RSA, EdDSA, Ed448 and ML-DSA via node:crypto; DSA and
// ECDSA via the BigInt arithmetic in ecdsa-dsa.ts.

import { constants, createPublicKey, publicDecrypt, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { HASHES, PgpError, PubkeyAlgo } from './common.ts';
import { CURVES, dsaVerify, ecdsaVerify } from './ecdsa-dsa.ts';
import { big, readMpis, type PgpKey } from './keys.ts';
import { signatureHash, type PgpSignature } from './signature.ts';

const keyObjects = new WeakMap<PgpKey, KeyObject[]>();

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

function derLen(n: number): number[] {
  if (n < 128) return [n];
  const out: number[] = [];
  while (n > 0) {
    out.unshift(n & 0xff);
    n >>= 8;
  }
  return [0x80 | out.length, ...out];
}

function der(tag: number, content: Uint8Array): Uint8Array {
  return Uint8Array.from([tag, ...derLen(content.length), ...content]);
}

const ML_DSA_OID: Record<string, number> = { 'ML-DSA-44': 0x11, 'ML-DSA-65': 0x12, 'ML-DSA-87': 0x13 };

function mldsaKey(name: string, pub: Uint8Array): KeyObject {
  const algId = der(0x30, Uint8Array.of(0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, ML_DSA_OID[name]));
  const bits = new Uint8Array(pub.length + 1);
  bits.set(pub, 1);
  const spki = der(0x30, Uint8Array.from([...algId, ...der(0x03, bits)]));
  return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
}

function edKey(curve: 'Ed25519' | 'Ed448', pub: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: curve, x: b64url(pub) }, format: 'jwk' });
}

function nodeKeys(k: PgpKey): KeyObject[] {
  let ko = keyObjects.get(k);
  if (ko) return ko;
  const p = k.params;
  if (p.kind === 'rsa') ko = [createPublicKey({ key: { kty: 'RSA', n: b64url(p.n), e: b64url(p.e) }, format: 'jwk' })];
  else if (p.kind === 'eddsa' && p.curve) ko = [edKey(p.curve, p.pub)];
  else if (p.kind === 'composite') ko = [edKey(p.ed, p.edPub), mldsaKey(p.mldsa, p.mlPub)];
  else ko = [];
  keyObjects.set(k, ko);
  return ko;
}

/** A fixed-width big-endian copy of an MPI value (left-padded; undefined when too long). */
function pad(v: Uint8Array, width: number): Uint8Array | undefined {
  let s = 0;
  while (s < v.length && v[s] === 0) s++;
  v = v.subarray(s);
  if (v.length > width) return undefined;
  const out = new Uint8Array(width);
  out.set(v, width - v.length);
  return out;
}

export type RawVerdict = boolean | 'unsupported';

/** Whether `sig` is a valid signature by `key` over `digest` (the finished signature digest). */
export function verifyDigestSignature(key: PgpKey, sig: PgpSignature, digest: Uint8Array): RawVerdict {
  if (key.algo !== sig.pubkeyAlgo) return false;
  const p = key.params;
  const m = sig.material;
  try {
    switch (p.kind) {
      case 'rsa': {
        const info = HASHES[sig.hashAlgo]?.info;
        if (!info) return 'unsupported';
        const { vs, next } = readMpis(m, 0, 1);
        if (next !== m.length) return false;
        const s = pad(vs[0], p.n.length - countLeadingZeros(p.n));
        if (!s || big(s) >= big(p.n)) return false;
        const [ko] = nodeKeys(key);
        const rec = publicDecrypt({ key: ko, padding: constants.RSA_PKCS1_PADDING }, s);
        return Buffer.concat([Buffer.from(info, 'hex'), digest]).equals(rec);
      }
      case 'eddsa': {
        if (!p.curve) return 'unsupported';
        const w = p.curve === 'Ed25519' ? 32 : 57;
        let raw: Uint8Array | undefined;
        if (sig.pubkeyAlgo === PubkeyAlgo.EDDSA) {
          const { vs, next } = readMpis(m, 0, 2);
          if (next !== m.length) return false;
          const r = pad(vs[0], w);
          const s = pad(vs[1], w);
          if (!r || !s) return false;
          raw = Buffer.concat([r, s]);
        } else {
          if (m.length !== 2 * w) return false;
          raw = m;
        }
        return cryptoVerify(null, digest, nodeKeys(key)[0], raw);
      }
      case 'composite': {
        const ew = p.ed === 'Ed25519' ? 64 : 114;
        const mw = p.mldsa === 'ML-DSA-65' ? 3309 : 4627;
        if (m.length !== ew + mw) return false;
        const [ek, mk] = nodeKeys(key);
        // Both halves sign the same message digest; both must verify.
        return cryptoVerify(null, digest, ek, m.subarray(0, ew)) && cryptoVerify(null, digest, mk, m.subarray(ew));
      }
      case 'dsa': {
        const { vs, next } = readMpis(m, 0, 2);
        if (next !== m.length) return false;
        return dsaVerify(p, big(vs[0]), big(vs[1]), digest);
      }
      case 'ecdsa': {
        const c = p.curve ? CURVES[p.curve] : undefined;
        if (!c) return 'unsupported';
        const { vs, next } = readMpis(m, 0, 2);
        if (next !== m.length) return false;
        return ecdsaVerify(c, p.point, big(vs[0]), big(vs[1]), digest);
      }
      default:
        return 'unsupported';
    }
  } catch (e) {
    if (e instanceof PgpError) return false;
    // node:crypto rejects malformed keys or signatures by throwing; that is a failed verification.
    return false;
  }
}

function countLeadingZeros(b: Uint8Array): number {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return i;
}
/** Digest for a signature made over key material (self-signatures, bindings, revocations). */
function keySigDigest(sig: PgpSignature, parts: Uint8Array[]): Uint8Array | undefined {
  const h = signatureHash(sig);
  if (!h) return undefined;
  for (const x of parts) h.update(x);
  h.update(sig.hashSuffix);
  return new Uint8Array(h.digest());
}

export function checkKeySig(signer: PgpKey, sig: PgpSignature, parts: Uint8Array[]): boolean {
  if (sig.version === 3) return false;
  const d = keySigDigest(sig, parts);
  if (!d || d[0] !== sig.left16[0] || d[1] !== sig.left16[1]) return false;
  return verifyDigestSignature(signer, sig, d) === true;
}
