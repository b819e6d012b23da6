// Signatures: signature packets, subpackets and the digests they are checked against.

import { createHash, type Hash } from 'node:crypto';
import { PgpError, be, nodeHashName, toHex, u32 } from './common.ts';
import { readPackets } from './packets.ts';

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
