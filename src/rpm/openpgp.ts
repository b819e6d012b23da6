// OpenPGP for RPM signatures: packet parsing (RFC 4880, RFC 9580, draft-ietf-openpgp-pqc composites),
// certificates with subkey binding/revocation/expiry, a keyring, and signature checks over digests that
// the caller computed while streaming a package. Signing is delegated to openpgp.js.
//
// Why not openpgp.js for verification: it wants the signed data itself (not a digest fed chunk by chunk
// while other digests run over the same bytes), it refuses v3 signatures that RPM still carries, and it
// has no ML-DSA. Verification therefore uses node:crypto (RSA, EdDSA, Ed448, ML-DSA) plus BigInt
// arithmetic for DSA/ECDSA, whose node APIs only accept unhashed messages.

import {
  constants,
  createHash,
  createPublicKey,
  getHashes,
  publicDecrypt,
  verify as cryptoVerify,
  type Hash,
  type KeyObject,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';

export class PgpError extends Error {
  override name = 'PgpError';
}

export const PubkeyAlgo = {
  RSA: 1,
  RSA_ENCRYPT: 2,
  RSA_SIGN: 3,
  ELGAMAL_ENCRYPT: 16,
  DSA: 17,
  ECDH: 18,
  ECDSA: 19,
  ELGAMAL: 20,
  DH: 21,
  EDDSA: 22,
  X25519: 25,
  X448: 26,
  ED25519: 27,
  ED448: 28,
  MLDSA65_ED25519: 30,
  MLDSA87_ED448: 31,
} as const;

export const HashAlgo = {
  MD5: 1,
  SHA1: 2,
  RIPEMD160: 3,
  SHA256: 8,
  SHA384: 9,
  SHA512: 10,
  SHA224: 11,
  SHA3_256: 12,
  SHA3_512: 14,
} as const;

export const SigType = {
  BINARY: 0x00,
  TEXT: 0x01,
  STANDALONE: 0x02,
  CERT_GENERIC: 0x10,
  CERT_POSITIVE: 0x13,
  SUBKEY_BINDING: 0x18,
  PRIMARY_KEY_BINDING: 0x19,
  DIRECT_KEY: 0x1f,
  KEY_REVOCATION: 0x20,
  SUBKEY_REVOCATION: 0x28,
} as const;

// rpm's display names (rpmio/rpmpgpval.h), extended with the RFC 9580 and PQC ids rpm 6 knows.
const PUBKEY_NAMES: Record<number, string> = {
  1: 'RSA',
  2: 'RSA(Encrypt-Only)',
  3: 'RSA(Sign-Only)',
  16: 'Elgamal(Encrypt-Only)',
  17: 'DSA',
  18: 'Elliptic Curve',
  19: 'ECDSA',
  20: 'Elgamal',
  21: 'Diffie-Hellman (X9.42)',
  22: 'EdDSA',
  25: 'X25519',
  26: 'X448',
  27: 'Ed25519',
  28: 'Ed448',
  30: 'ML-DSA-65+Ed25519',
  31: 'ML-DSA-87+Ed448',
};

interface HashInfo {
  name: string;
  node?: string;
  /** DER DigestInfo prefix for RSA PKCS#1 v1.5. */
  info?: string;
}

const HASHES: Record<number, HashInfo> = {
  1: { name: 'MD5', node: 'md5', info: '3020300c06082a864886f70d020505000410' },
  2: { name: 'SHA1', node: 'sha1', info: '3021300906052b0e03021a05000414' },
  3: { name: 'RIPEMD160', node: 'ripemd160', info: '3021300906052b2403020105000414' },
  5: { name: 'MD2' },
  6: { name: 'TIGER192' },
  7: { name: 'HAVAL-5-160' },
  8: { name: 'SHA256', node: 'sha256', info: '3031300d060960864801650304020105000420' },
  9: { name: 'SHA384', node: 'sha384', info: '3041300d060960864801650304020205000430' },
  10: { name: 'SHA512', node: 'sha512', info: '3051300d060960864801650304020305000440' },
  11: { name: 'SHA224', node: 'sha224', info: '302d300d06096086480165030402040500041c' },
  12: { name: 'SHA3-256', node: 'sha3-256', info: '3031300d060960864801650304020805000420' },
  14: { name: 'SHA3-512', node: 'sha3-512', info: '3051300d060960864801650304020a05000440' },
};

export function pubkeyAlgoName(algo: number): string {
  return PUBKEY_NAMES[algo] ?? 'Unknown public key algorithm';
}

export function hashAlgoName(algo: number): string {
  return HASHES[algo]?.name ?? 'Unknown hash algorithm';
}

let nodeHashes: Set<string> | undefined;
/** node:crypto name of an OpenPGP hash algorithm, or undefined when this runtime cannot compute it. */
export function nodeHashName(algo: number): string | undefined {
  const n = HASHES[algo]?.node;
  if (!n) return undefined;
  nodeHashes ??= new Set(getHashes());
  return nodeHashes.has(n) ? n : undefined;
}

export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

const u32 = (n: number): Uint8Array => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

function be(b: Uint8Array, o: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + b[o + i];
  return v;
}

// ---------------------------------------------------------------------------------------------
// Packets and armor

export interface Packet {
  tag: number;
  body: Uint8Array;
  /** Offset of the packet header and the end of the body within the parsed buffer. */
  start: number;
  end: number;
}

/** Splits a binary OpenPGP stream into packets. Partial (streamed) lengths are refused: keys and
 * signatures never use them. */
export function readPackets(buf: Uint8Array): Packet[] {
  const out: Packet[] = [];
  let o = 0;
  while (o < buf.length) {
    const start = o;
    const h = buf[o++];
    if (!(h & 0x80)) throw new PgpError(`packet at ${start}: invalid header byte 0x${h.toString(16)}`);
    let tag: number;
    let len: number;
    if (h & 0x40) {
      tag = h & 0x3f;
      if (o >= buf.length) throw new PgpError(`packet at ${start}: truncated length`);
      const l0 = buf[o++];
      if (l0 < 192) len = l0;
      else if (l0 < 224) {
        if (o >= buf.length) throw new PgpError(`packet at ${start}: truncated length`);
        len = ((l0 - 192) << 8) + buf[o++] + 192;
      } else if (l0 === 255) {
        if (o + 4 > buf.length) throw new PgpError(`packet at ${start}: truncated length`);
        len = be(buf, o, 4);
        o += 4;
      } else throw new PgpError(`packet at ${start}: partial body lengths are not supported here`);
    } else {
      tag = (h >> 2) & 0x0f;
      const lt = h & 3;
      if (lt === 3) len = buf.length - o;
      else {
        const n = 1 << lt;
        if (o + n > buf.length) throw new PgpError(`packet at ${start}: truncated length`);
        len = be(buf, o, n);
        o += n;
      }
    }
    if (o + len > buf.length) throw new PgpError(`packet at ${start}: body runs past the end (${len} bytes)`);
    out.push({ tag, body: buf.subarray(o, o + len), start, end: o + len });
    o += len;
  }
  return out;
}

function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const b of data) {
    crc ^= b << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

export interface ArmorBlock {
  /** The word(s) after BEGIN PGP, e.g. "PUBLIC KEY BLOCK", "SIGNATURE". */
  type: string;
  data: Uint8Array;
}

/** Decodes every ASCII-armored block in a text; checks the CRC-24 when present. */
export function dearmor(text: string): ArmorBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: ArmorBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^-----BEGIN PGP ([A-Z0-9 ,/]+)-----\s*$/.exec(lines[i]);
    if (!m) continue;
    const type = m[1];
    i++;
    // Armor headers ("Key: value") end at the first empty line; some writers omit them entirely.
    let j = i;
    while (j < lines.length && /^[A-Za-z][\w-]*: /.test(lines[j])) j++;
    if (j < lines.length && lines[j].trim() === '') j++;
    i = j;
    let b64 = '';
    let crc: string | undefined;
    for (; i < lines.length; i++) {
      const l = lines[i].trim();
      if (l.startsWith('-----END PGP ')) break;
      if (l.startsWith('=') && l.length === 5) crc = l.slice(1);
      else b64 += l;
    }
    if (i >= lines.length) throw new PgpError(`armor: "${type}" block has no END line`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new PgpError(`armor: invalid base64 in "${type}" block`);
    const data = new Uint8Array(Buffer.from(b64, 'base64'));
    if (crc !== undefined) {
      const want = Buffer.from(crc, 'base64');
      if (want.length !== 3 || be(want, 0, 3) !== crc24(data)) throw new PgpError(`armor: CRC mismatch in "${type}" block`);
    }
    blocks.push({ type, data });
  }
  return blocks;
}

// ---------------------------------------------------------------------------------------------
// Signatures

export interface PgpSignature {
  version: number;
  sigType: number;
  pubkeyAlgo: number;
  hashAlgo: number;
  /** Signature creation time, seconds since the epoch (0 when the packet has none). */
  created: number;
  /** Issuer key ID (16 hex digits), from the issuer subpacket, the v3 field, or the fingerprint. */
  issuerKeyId?: string;
  /** Issuer fingerprint (hex) when the signature carries one. */
  issuerFingerprint?: string;
  /** Bytes hashed after the signed data: the hashed part of the packet plus the v4/v6 trailer. */
  hashSuffix: Uint8Array;
  /** v6 salt, hashed before the signed data. */
  salt?: Uint8Array;
  /** Leading 16 bits of the digest, for a quick sanity check. */
  left16: Uint8Array;
  /** Algorithm-specific signature material. */
  material: Uint8Array;
  keyFlags?: number;
  /** Key expiration time (seconds after key creation) from a self-signature. */
  keyExpiry?: number;
  /** Signature expiration time (seconds after creation). */
  sigExpiry?: number;
  revocationReason?: number;
  embedded: PgpSignature[];
  /** The whole packet body. */
  body: Uint8Array;
}

// Subpacket types whose meaning we know, so a critical bit on them does not invalidate the signature.
const KNOWN_SUBPACKETS = new Set([2, 3, 4, 5, 6, 7, 9, 11, 12, 16, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 37, 38, 39]);

function parseSubpackets(sig: PgpSignature, area: Uint8Array, hashed: boolean, seen: Set<number>): void {
  let o = 0;
  while (o < area.length) {
    const l0 = area[o++];
    let len: number;
    if (l0 < 192) len = l0;
    else if (l0 < 255) {
      if (o >= area.length) throw new PgpError('signature: truncated subpacket length');
      len = ((l0 - 192) << 8) + area[o++] + 192;
    } else {
      if (o + 4 > area.length) throw new PgpError('signature: truncated subpacket length');
      len = be(area, o, 4);
      o += 4;
    }
    if (len < 1 || o + len > area.length) throw new PgpError('signature: subpacket runs past its area');
    const type = area[o] & 0x7f;
    const critical = (area[o] & 0x80) !== 0;
    const d = area.subarray(o + 1, o + len);
    o += len;
    if (critical && !KNOWN_SUBPACKETS.has(type)) throw new PgpError(`signature: unknown critical subpacket ${type}`);
    switch (type) {
      case 2:
        // Only a hashed creation time counts (RFC 4880 5.2.3.4); two of them are ambiguous (rpm rejects).
        if (!hashed || d.length !== 4) break;
        if (seen.has(2)) throw new PgpError('signature: duplicate creation time');
        seen.add(2);
        sig.created = be(d, 0, 4);
        break;
      case 3:
        if (hashed && d.length === 4) sig.sigExpiry = be(d, 0, 4);
        break;
      case 9:
        if (hashed && d.length === 4) sig.keyExpiry = be(d, 0, 4);
        break;
      case 16:
        if (d.length === 8 && sig.issuerKeyId === undefined) sig.issuerKeyId = toHex(d);
        break;
      case 27:
        if (!hashed) break;
        if (seen.has(27)) throw new PgpError('signature: duplicate key flags');
        seen.add(27);
        sig.keyFlags = d.length ? d[0] : 0;
        break;
      case 29:
        if (hashed && d.length >= 1) sig.revocationReason = d[0];
        break;
      case 32:
        try {
          sig.embedded.push(parseSignatureBody(d));
        } catch {
          // An unreadable embedded signature simply does not count (e.g. a missing back-signature).
        }
        break;
      case 33:
        if (d.length >= 21 && sig.issuerFingerprint === undefined) sig.issuerFingerprint = toHex(d.subarray(1));
        break;
    }
  }
}

/** Parses a signature packet body (v3, v4 or v6). */
export function parseSignatureBody(body: Uint8Array): PgpSignature {
  if (body.length < 1) throw new PgpError('signature: empty packet');
  const version = body[0];
  const sig: PgpSignature = {
    version,
    sigType: 0,
    pubkeyAlgo: 0,
    hashAlgo: 0,
    created: 0,
    hashSuffix: new Uint8Array(0),
    left16: new Uint8Array(0),
    material: new Uint8Array(0),
    embedded: [],
    body,
  };
  if (version === 3) {
    if (body.length < 19 || body[1] !== 5) throw new PgpError('signature: malformed v3 packet');
    sig.sigType = body[2];
    sig.created = be(body, 3, 4);
    sig.issuerKeyId = toHex(body.subarray(7, 15));
    sig.pubkeyAlgo = body[15];
    sig.hashAlgo = body[16];
    sig.left16 = body.subarray(17, 19);
    sig.material = body.subarray(19);
    sig.hashSuffix = body.subarray(2, 7);
    return sig;
  }
  if (version !== 4 && version !== 6) throw new PgpError(`signature: unsupported version ${version}`);
  const lw = version === 4 ? 2 : 4;
  let o = 4;
  if (body.length < o + lw) throw new PgpError('signature: truncated packet');
  sig.sigType = body[1];
  sig.pubkeyAlgo = body[2];
  sig.hashAlgo = body[3];
  const hlen = be(body, o, lw);
  o += lw;
  if (o + hlen + lw > body.length) throw new PgpError('signature: hashed area runs past the packet');
  const hashedEnd = o + hlen;
  const seen = new Set<number>();
  parseSubpackets(sig, body.subarray(o, hashedEnd), true, seen);
  o = hashedEnd;
  const ulen = be(body, o, lw);
  o += lw;
  if (o + ulen + 2 > body.length) throw new PgpError('signature: unhashed area runs past the packet');
  parseSubpackets(sig, body.subarray(o, o + ulen), false, seen);
  o += ulen;
  if (!seen.has(2)) throw new PgpError('signature: no hashed creation time');
  sig.left16 = body.subarray(o, o + 2);
  o += 2;
  if (version === 6) {
    if (o >= body.length) throw new PgpError('signature: truncated salt');
    const sl = body[o++];
    if (o + sl > body.length) throw new PgpError('signature: truncated salt');
    sig.salt = body.subarray(o, o + sl);
    o += sl;
  }
  sig.material = body.subarray(o);
  const trailer = new Uint8Array(hashedEnd + 6);
  trailer.set(body.subarray(0, hashedEnd), 0);
  trailer[hashedEnd] = version;
  trailer[hashedEnd + 1] = 0xff;
  trailer.set(u32(hashedEnd), hashedEnd + 2);
  sig.hashSuffix = trailer;
  if (sig.issuerKeyId === undefined && sig.issuerFingerprint) {
    const f = sig.issuerFingerprint;
    sig.issuerKeyId = f.length === 40 ? f.slice(24) : f.slice(0, 16);
  }
  return sig;
}

/** Parses bytes that must hold exactly one signature packet (rpm's rule for signature tags). */
export function parseSignaturePacket(bytes: Uint8Array): PgpSignature {
  if (bytes.length > 65535) throw new PgpError('signature: too large');
  const pkts = readPackets(bytes);
  if (pkts.length !== 1 || pkts[0].tag !== 2) throw new PgpError('not a single signature packet');
  return parseSignatureBody(pkts[0].body);
}

/** Starts a digest for a signature: v6 signatures hash their salt before the data. */
export function signatureHash(sig: PgpSignature): Hash | undefined {
  const n = nodeHashName(sig.hashAlgo);
  if (!n) return undefined;
  const h = createHash(n);
  if (sig.salt) h.update(sig.salt);
  return h;
}

/** Finishes a digest of the signed data (a copy is taken: the caller's context stays usable). */
export function finishSignatureDigest(sig: PgpSignature, dataHash: Hash): Uint8Array {
  const h = dataHash.copy();
  h.update(sig.hashSuffix);
  return new Uint8Array(h.digest());
}

// ---------------------------------------------------------------------------------------------
// Public keys

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

function readMpis(b: Uint8Array, o: number, count: number): { vs: Uint8Array[]; next: number } {
  const vs: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const r = readMpi(b, o);
    vs.push(r.v);
    o = r.next;
  }
  return { vs, next: o };
}

const big = (b: Uint8Array): bigint => (b.length ? BigInt(`0x${toHex(b)}`) : 0n);

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
function keyFraming(k: PgpKey): Uint8Array[] {
  const n = k.body.length;
  return k.version === 6 ? [Uint8Array.of(0x9b), u32(n), k.body] : [Uint8Array.of(0x99, n >> 8, n & 0xff), k.body];
}

// ---------------------------------------------------------------------------------------------
// Raw signature verification over a digest

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

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

function modInv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [((a % m) + m) % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/** The digest as an integer, truncated to the bit length of the group order (FIPS 186). */
function digestInt(digest: Uint8Array, order: bigint): bigint {
  const nbits = order.toString(2).length;
  let e = big(digest);
  const dbits = digest.length * 8;
  if (dbits > nbits) e >>= BigInt(dbits - nbits);
  return e;
}

function dsaVerify(k: { p: bigint; q: bigint; g: bigint; y: bigint }, r: bigint, s: bigint, digest: Uint8Array): boolean {
  if (r <= 0n || r >= k.q || s <= 0n || s >= k.q) return false;
  const w = modInv(s, k.q);
  const u1 = (digestInt(digest, k.q) * w) % k.q;
  const u2 = (r * w) % k.q;
  const v = ((modPow(k.g, u1, k.p) * modPow(k.y, u2, k.p)) % k.p) % k.q;
  return v === r;
}

interface Curve {
  p: bigint;
  a: bigint;
  b: bigint;
  n: bigint;
  gx: bigint;
  gy: bigint;
  size: number;
}

// NIST curves (FIPS 186-4 D.1.2); the tests check G and the order against node:crypto.
const CURVES: Record<string, Curve> = {
  'P-256': {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
    size: 32,
  },
  'P-384': {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffcn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
    size: 48,
  },
  'P-521': {
    p: (1n << 521n) - 1n,
    a: (1n << 521n) - 4n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    gx: 0x00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66n,
    gy: 0x011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650n,
    size: 66,
  },
};

/** Exposed for tests: the curve constants, so they can be checked against node:crypto. */
export const ecCurves: Readonly<Record<string, Readonly<Curve>>> = CURVES;

type Jac = [bigint, bigint, bigint];

function jDouble(c: Curve, [x, y, z]: Jac): Jac {
  const { p } = c;
  if (y === 0n || z === 0n) return [0n, 1n, 0n];
  const yy = (y * y) % p;
  const s = (4n * x * yy) % p;
  const zz = (z * z) % p;
  const m = (3n * x * x + c.a * zz * zz) % p;
  const x3 = (((m * m - 2n * s) % p) + p) % p;
  const y3 = (((m * (s - x3) - 8n * yy * yy) % p) + p) % p;
  const z3 = (2n * y * z) % p;
  return [x3, y3, z3];
}

function jAdd(c: Curve, a: Jac, b: Jac): Jac {
  const { p } = c;
  if (a[2] === 0n) return b;
  if (b[2] === 0n) return a;
  const z1z1 = (a[2] * a[2]) % p;
  const z2z2 = (b[2] * b[2]) % p;
  const u1 = (a[0] * z2z2) % p;
  const u2 = (b[0] * z1z1) % p;
  const s1 = (a[1] * b[2] * z2z2) % p;
  const s2 = (b[1] * a[2] * z1z1) % p;
  if (u1 === u2) return s1 === s2 ? jDouble(c, a) : [0n, 1n, 0n];
  const h = (((u2 - u1) % p) + p) % p;
  const r = (((s2 - s1) % p) + p) % p;
  const hh = (h * h) % p;
  const hhh = (hh * h) % p;
  const v = (u1 * hh) % p;
  const x3 = (((r * r - hhh - 2n * v) % p) + p) % p;
  const y3 = (((r * (v - x3) - s1 * hhh) % p) + p) % p;
  const z3 = (a[2] * b[2] * h) % p;
  return [x3, y3, z3];
}

function jMulAdd(c: Curve, k1: bigint, P: Jac, k2: bigint, Q: Jac): Jac {
  // Shamir's trick: one pass of doublings for k1*P + k2*Q.
  const PQ = jAdd(c, P, Q);
  let R: Jac = [0n, 1n, 0n];
  const bits = Math.max(k1.toString(2).length, k2.toString(2).length);
  for (let i = bits - 1; i >= 0; i--) {
    R = jDouble(c, R);
    const b1 = (k1 >> BigInt(i)) & 1n;
    const b2 = (k2 >> BigInt(i)) & 1n;
    if (b1 && b2) R = jAdd(c, R, PQ);
    else if (b1) R = jAdd(c, R, P);
    else if (b2) R = jAdd(c, R, Q);
  }
  return R;
}

function ecdsaVerify(c: Curve, point: Uint8Array, r: bigint, s: bigint, digest: Uint8Array): boolean {
  if (point.length !== 1 + 2 * c.size || point[0] !== 0x04) return false;
  const qx = big(point.subarray(1, 1 + c.size));
  const qy = big(point.subarray(1 + c.size));
  const { p, n } = c;
  if (qx >= p || qy >= p || (qy * qy - (qx * qx * qx + c.a * qx + c.b)) % p !== 0n) return false;
  if (r <= 0n || r >= n || s <= 0n || s >= n) return false;
  const w = modInv(s, n);
  const u1 = (digestInt(digest, n) * w) % n;
  const u2 = (r * w) % n;
  const X = jMulAdd(c, u1, [c.gx, c.gy, 1n], u2, [qx, qy, 1n]);
  if (X[2] === 0n) return false;
  const zi = modInv(X[2], p);
  const x = (X[0] * zi * zi) % p;
  return x % n === r;
}

/** Digest for a signature made over key material (self-signatures, bindings, revocations). */
function keySigDigest(sig: PgpSignature, parts: Uint8Array[]): Uint8Array | undefined {
  const h = signatureHash(sig);
  if (!h) return undefined;
  for (const x of parts) h.update(x);
  h.update(sig.hashSuffix);
  return new Uint8Array(h.digest());
}

function checkKeySig(signer: PgpKey, sig: PgpSignature, parts: Uint8Array[]): boolean {
  if (sig.version === 3) return false;
  const d = keySigDigest(sig, parts);
  if (!d || d[0] !== sig.left16[0] || d[1] !== sig.left16[1]) return false;
  return verifyDigestSignature(signer, sig, d) === true;
}

// ---------------------------------------------------------------------------------------------
// Certificates

export interface KeyState {
  /** Usable to verify data signatures (bound, signing-capable). Validity in time is separate. */
  usable: boolean;
  /** Why the key is not usable. */
  problem?: string;
  flags?: number;
  /** Absolute expiry, seconds since the epoch. */
  expires?: number;
  revoked?: { time: number; hard: boolean };
}

export interface PgpSubkey {
  key: PgpKey;
  state: KeyState;
}

export interface PgpCert {
  primary: PgpKey;
  /** The primary key carries a valid self-signature; without one nothing in the certificate is used. */
  valid: boolean;
  /** The primary key as a signer. */
  state: KeyState;
  userIds: string[];
  subkeys: PgpSubkey[];
  /** The file the certificate came from, for messages. */
  source?: string;
}

// Reasons for revocation that keep earlier signatures valid (RFC 9580 5.2.3.31): superseded, retired.
const SOFT_REVOCATION = new Set([1, 3]);

function revocationOf(sigs: PgpSignature[]): { time: number; hard: boolean } | undefined {
  let rev: { time: number; hard: boolean } | undefined;
  for (const s of sigs) {
    const hard = s.revocationReason === undefined || !SOFT_REVOCATION.has(s.revocationReason);
    if (!rev || (hard && !rev.hard) || (hard === rev.hard && s.created < rev.time)) rev = { time: s.created, hard };
  }
  return rev;
}

const latest = (sigs: PgpSignature[]): PgpSignature | undefined =>
  sigs.reduce<PgpSignature | undefined>((a, s) => (!a || s.created >= a.created ? s : a), undefined);

function parseSigSafe(body: Uint8Array): PgpSignature | undefined {
  try {
    return parseSignatureBody(body);
  } catch {
    return undefined;
  }
}

/** Builds a certificate from its packets (primary key first) and validates every binding. */
function buildCert(pkts: Packet[], source?: string): PgpCert {
  const primary = parseKeyBody(pkts[0].body);
  const pframe = keyFraming(primary);
  const isSelf = (s: PgpSignature): boolean =>
    (!s.issuerFingerprint || s.issuerFingerprint === primary.fingerprint) &&
    (!s.issuerKeyId || s.issuerKeyId === primary.keyId);
  const selfSigs: PgpSignature[] = [];
  const keyRevocations: PgpSignature[] = [];
  const userIds: string[] = [];
  const subkeys: PgpSubkey[] = [];
  let i = 1;
  let uid: Uint8Array | undefined;
  let uidTag = 0;
  let sub: { key: PgpKey; bindings: PgpSignature[]; revocations: PgpSignature[]; problem?: string } | undefined;
  const finishSub = (): void => {
    if (!sub) return;
    subkeys.push({ key: sub.key, state: subkeyState(primary, sub) });
    sub = undefined;
  };
  for (; i < pkts.length; i++) {
    const { tag, body } = pkts[i];
    if (tag === 2) {
      const s = parseSigSafe(body);
      if (!s || !isSelf(s)) continue;
      if (sub) {
        const parts = [...pframe, ...keyFraming(sub.key)];
        if (s.sigType === SigType.SUBKEY_BINDING) {
          if (checkKeySig(primary, s, parts)) sub.bindings.push(s);
          else sub.problem ??= 'binding signature does not verify';
        } else if (s.sigType === SigType.SUBKEY_REVOCATION && checkKeySig(primary, s, parts)) {
          sub.revocations.push(s);
        }
      } else if (uid) {
        if (s.sigType >= SigType.CERT_GENERIC && s.sigType <= SigType.CERT_POSITIVE) {
          const frame = [Uint8Array.of(uidTag === 13 ? 0xb4 : 0xd1), u32(uid.length), uid];
          if (checkKeySig(primary, s, [...pframe, ...frame])) selfSigs.push(s);
        }
      } else if (s.sigType === SigType.DIRECT_KEY || s.sigType === SigType.KEY_REVOCATION) {
        if (checkKeySig(primary, s, pframe)) (s.sigType === SigType.DIRECT_KEY ? selfSigs : keyRevocations).push(s);
      }
    } else if (tag === 13 || tag === 17) {
      finishSub();
      uid = body;
      uidTag = tag;
      if (tag === 13) userIds.push(Buffer.from(body).toString('utf8'));
    } else if (tag === 14) {
      finishSub();
      uid = undefined;
      try {
        sub = { key: parseKeyBody(body), bindings: [], revocations: [] };
      } catch {
        sub = undefined; // an unreadable subkey (e.g. v3, unknown version) is skipped
      }
    }
    // Trust (12), marker (10) and other packets carry nothing we use.
  }
  finishSub();
  const self = latest(selfSigs);
  const state: KeyState = { usable: Boolean(self) };
  if (!self) state.problem = 'no valid self-signature';
  if (self?.keyFlags !== undefined) {
    state.flags = self.keyFlags;
    if (!(self.keyFlags & 0x02)) {
      state.usable = false;
      state.problem = 'not a signing key (key flags)';
    }
  }
  if (self?.keyExpiry) state.expires = primary.created + self.keyExpiry;
  state.revoked = revocationOf(keyRevocations);
  return { primary, valid: Boolean(self), state, userIds, subkeys, source };
}

function subkeyState(
  primary: PgpKey,
  sub: { key: PgpKey; bindings: PgpSignature[]; revocations: PgpSignature[]; problem?: string },
): KeyState {
  const b = latest(sub.bindings);
  if (!b) return { usable: false, problem: sub.problem ?? 'no binding signature' };
  const state: KeyState = { usable: true, flags: b.keyFlags, revoked: revocationOf(sub.revocations) };
  if (b.keyExpiry) state.expires = sub.key.created + b.keyExpiry;
  if (b.keyFlags === undefined || !(b.keyFlags & 0x02)) return { ...state, usable: false, problem: 'not a signing subkey' };
  // A signing subkey must cross-certify its primary (back-signature), or anyone could claim it.
  const parts = [...keyFraming(primary), ...keyFraming(sub.key)];
  const back = b.embedded.some((e) => e.sigType === SigType.PRIMARY_KEY_BINDING && checkKeySig(sub.key, e, parts));
  if (!back) return { ...state, usable: false, problem: 'signing subkey without a valid back-signature' };
  return state;
}

/** Parses OpenPGP public key data: ASCII-armored (one or more blocks) or binary. */
export function parseCerts(data: Uint8Array | string, source?: string): PgpCert[] {
  let binaries: Uint8Array[];
  const bytes = typeof data === 'string' ? new Uint8Array(Buffer.from(data, 'utf8')) : data;
  if (bytes.length && bytes[0] & 0x80) binaries = [bytes];
  else {
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    const blocks = dearmor(text);
    if (!blocks.length) throw new PgpError('no OpenPGP data (neither armored nor binary)');
    for (const b of blocks) {
      if (b.type !== 'PUBLIC KEY BLOCK') throw new PgpError(`armored "${b.type}" is not a public key`);
    }
    binaries = blocks.map((b) => b.data);
  }
  const certs: PgpCert[] = [];
  for (const bin of binaries) {
    const pkts = readPackets(bin);
    let cur: Packet[] | undefined;
    for (const p of pkts) {
      if (p.tag === 5 || p.tag === 7) throw new PgpError('secret key material: give the public key');
      if (p.tag === 6) {
        if (cur) certs.push(buildCert(cur, source));
        cur = [p];
      } else if (cur) cur.push(p);
      else if (p.tag !== 10) throw new PgpError(`expected a public key packet, found packet type ${p.tag}`);
    }
    if (cur) certs.push(buildCert(cur, source));
  }
  if (!certs.length) throw new PgpError('no public key found');
  return certs;
}

export interface KeyEntry {
  cert: PgpCert;
  key: PgpKey;
  /** The primary key's state, or the subkey's. */
  state: KeyState;
  primary: boolean;
}

export class Keyring {
  readonly certs: PgpCert[] = [];
  private readonly byKeyId = new Map<string, KeyEntry[]>();

  constructor(certs: PgpCert[] = []) {
    for (const c of certs) this.add(c);
  }

  add(cert: PgpCert): void {
    this.certs.push(cert);
    const put = (e: KeyEntry): void => {
      const l = this.byKeyId.get(e.key.keyId);
      if (l) l.push(e);
      else this.byKeyId.set(e.key.keyId, [e]);
    };
    put({ cert, key: cert.primary, state: cert.state, primary: true });
    const invalid: KeyState = { usable: false, problem: 'its primary key has no valid self-signature' };
    for (const s of cert.subkeys) put({ cert, key: s.key, state: cert.valid ? s.state : invalid, primary: false });
  }

  get size(): number {
    return this.certs.length;
  }

  /** Keys a signature names: by issuer key ID; entries whose fingerprint matches come first. */
  find(sig: PgpSignature): KeyEntry[] {
    const id = sig.issuerKeyId;
    if (!id) return [];
    const l = this.byKeyId.get(id) ?? [];
    const fpr = sig.issuerFingerprint;
    if (!fpr) return l;
    return [...l.filter((e) => e.key.fingerprint === fpr), ...l.filter((e) => e.key.fingerprint !== fpr)];
  }
}

/** Loads public keys (armored or binary, v4/v6, several per file) into one keyring. */
export async function readKeyring(paths: string[]): Promise<Keyring> {
  const ring = new Keyring();
  for (const p of paths) {
    let certs: PgpCert[];
    try {
      certs = parseCerts(new Uint8Array(await readFile(p)), p);
    } catch (e) {
      if (e instanceof PgpError) throw new PgpError(`${p}: ${e.message}`);
      throw e;
    }
    for (const c of certs) ring.add(c);
  }
  return ring;
}

// ---------------------------------------------------------------------------------------------
// Checking a data signature against a keyring

export type SignatureStatus = 'OK' | 'BAD' | 'NOKEY' | 'NOTTRUSTED' | 'UNSUPPORTED';

export interface SignatureVerdict {
  status: SignatureStatus;
  detail?: string;
  /** The key that made the signature (when it verified). */
  key?: KeyEntry;
}

const isoTime = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

function describeEntry(e: KeyEntry): string {
  return e.primary ? `key ${e.key.keyId}` : `subkey ${e.key.keyId} of key ${e.cert.primary.keyId}`;
}

/** Time validity of a key that verified a signature, judged at the signature's creation time. */
function trustProblem(e: KeyEntry, sig: PgpSignature, now: number): string | undefined {
  const who = describeEntry(e);
  const keys = e.primary ? [{ k: e.key, s: e.state }] : [{ k: e.cert.primary, s: e.cert.state }, { k: e.key, s: e.state }];
  for (const { k, s } of keys) {
    const w = k === e.key ? who : `key ${k.keyId}`;
    if (s.revoked && (s.revoked.hard || s.revoked.time <= sig.created)) return `${w} has been revoked`;
    if (s.expires !== undefined && s.expires <= sig.created) return `${w} expired on ${isoTime(s.expires)}`;
    if (k.created > sig.created) return `signature predates ${w}`;
  }
  if (sig.sigExpiry && sig.created + sig.sigExpiry <= now) {
    return `signature expired on ${isoTime(sig.created + sig.sigExpiry)}`;
  }
  return undefined;
}

/**
 * Checks a data signature whose digest (data + hashed trailer) is given, the way rpm does: a wrong
 * digest prefix is BAD even without a key; no matching key is NOKEY; a key that verifies but was
 * revoked or expired at signing time is NOTTRUSTED.
 */
export function checkSignature(
  keyring: Keyring | undefined,
  sig: PgpSignature,
  digest: Uint8Array,
  now = Math.floor(Date.now() / 1000),
): SignatureVerdict {
  if (sig.sigType !== SigType.BINARY) {
    return { status: 'BAD', detail: `signature type 0x${sig.sigType.toString(16)} is not a binary signature` };
  }
  if (digest[0] !== sig.left16[0] || digest[1] !== sig.left16[1]) {
    return { status: 'BAD', detail: 'digest does not match the signature' };
  }
  const found = keyring ? keyring.find(sig).filter((e) => e.key.algo === sig.pubkeyAlgo) : [];
  const usable = found.filter((e) => e.state.usable);
  if (!usable.length) {
    const why = found.find((e) => !e.state.usable);
    return why ? { status: 'NOKEY', detail: `${describeEntry(why)} is not usable: ${why.state.problem}` } : { status: 'NOKEY' };
  }
  let unsupported = false;
  for (const e of usable) {
    const r = verifyDigestSignature(e.key, sig, digest);
    if (r === 'unsupported') {
      unsupported = true;
      continue;
    }
    if (!r) continue;
    const problem = trustProblem(e, sig, now);
    return problem ? { status: 'NOTTRUSTED', detail: problem, key: e } : { status: 'OK', key: e };
  }
  if (unsupported) return { status: 'UNSUPPORTED', detail: `unsupported algorithm ${pubkeyAlgoName(sig.pubkeyAlgo)}` };
  return { status: 'BAD' };
}

// ---------------------------------------------------------------------------------------------
// Signing (openpgp.js)

export interface SignOptions {
  passphrase?: string;
  /** Signature creation time; fixing it (with a deterministic algorithm) makes signing reproducible. */
  date?: Date;
}

/** The hash a signature by this key should use: SHA-256 unless the curve needs a longer one. */
function signingHash(openpgp: typeof import('openpgp'), info: { algorithm: string; curve?: string }): number {
  const h = openpgp.enums.hash;
  if (info.algorithm === 'ed448') return h.sha512;
  if (info.curve === 'nistP521' || info.curve === 'brainpoolP512r1') return h.sha512;
  if (info.curve === 'nistP384' || info.curve === 'brainpoolP384r1') return h.sha384;
  return h.sha256;
}

/**
 * Creates a detached binary-document signature over `data` with an armored secret key, the way rpm's
 * header signatures are made: v4 for v4 keys (RSA, EdDSA, ECDSA; v6 keys give v6 signatures for the
 * OPENPGP tag), SHA-256 (SHA-384/512 only where a larger curve demands it), signed by the key's valid
 * signing (sub)key at `date`. RSA and EdDSA signatures are deterministic, so a fixed `date` makes
 * signing reproducible. Returns the binary signature packet; `signatureTagFor` names its tag.
 */
export async function signDetached(data: Uint8Array, secretKeyArmored: string, opts: SignOptions = {}): Promise<Uint8Array> {
  const openpgp = await import('openpgp');
  const date = opts.date ?? new Date();
  // The salt notation openpgp.js adds by default makes every signature unique; rpm has no use for it.
  const config = { ...openpgp.config, nonDeterministicSignaturesViaNotation: false };
  let key = await openpgp.readPrivateKey({ armoredKey: secretKeyArmored });
  if (!key.isDecrypted()) {
    if (opts.passphrase === undefined) throw new PgpError('secret key is encrypted: a passphrase is needed');
    key = await openpgp.decryptKey({ privateKey: key, passphrase: opts.passphrase });
  }
  const signer = (await key.getSigningKey(undefined, date, undefined, config)).keyPacket;
  // openpgp.sign() would pick the hash from the key's preferences (often SHA-512); rpm signs with
  // SHA-256, so the packet is built here with the steps openpgp.sign takes. openpgp.js's type
  // declarations hide the members involved (runtime API of openpgp 6), hence the narrow casts.
  const Literal = openpgp.LiteralDataPacket as unknown as new (date: Date) => {
    setBytes(bytes: Uint8Array, format: number): void;
  };
  const literal = new Literal(date);
  literal.setBytes(data, openpgp.enums.literal.binary);
  const sig = new openpgp.SignaturePacket();
  sig.signatureType = openpgp.enums.signature.binary;
  sig.publicKeyAlgorithm = signer.algorithm;
  sig.hashAlgorithm = signingHash(openpgp, signer.getAlgorithmInfo()) as typeof sig.hashAlgorithm;
  const sign = sig.sign as unknown as (key: unknown, data: unknown, date: Date, detached: boolean, config: unknown) => Promise<void>;
  await sign.call(sig, signer, literal, date, true, config);
  const list = new openpgp.PacketList();
  list.push(sig);
  return new Uint8Array(list.write());
}

/**
 * The signature header tag a signature belongs in: RSA (268) or DSA (267, also EdDSA/ECDSA) for v3/v4
 * header-only signatures; OPENPGP (278, base64 in a string array) for v6 ones, which only rpm >= 6 reads.
 */
export function signatureTagFor(signature: Uint8Array): 267 | 268 | 278 {
  const s = parseSignaturePacket(signature);
  if (s.version === 6) return 278;
  return s.pubkeyAlgo === PubkeyAlgo.RSA || s.pubkeyAlgo === PubkeyAlgo.RSA_SIGN ? 268 : 267;
}
