// DSA and ECDSA verification in BigInt arithmetic (node's APIs only accept unhashed messages), with
// the NIST curve constants.

import { big } from './keys.ts';

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

export function dsaVerify(k: { p: bigint; q: bigint; g: bigint; y: bigint }, r: bigint, s: bigint, digest: Uint8Array): boolean {
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
export const CURVES: Record<string, Curve> = {
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

export function ecdsaVerify(c: Curve, point: Uint8Array, r: bigint, s: bigint, digest: Uint8Array): boolean {
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
