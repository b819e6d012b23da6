// Shared OpenPGP constants and helpers: algorithm ids and names, hash tables, byte helpers.

import { getHashes } from 'node:crypto';

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

export const HASHES: Record<number, HashInfo> = {
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

export const u32 = (n: number): Uint8Array => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

export function be(b: Uint8Array, o: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + b[o + i];
  return v;
}
