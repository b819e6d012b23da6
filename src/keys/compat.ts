// Making openpgp.js's generated keys readable by rpm's own OpenPGP parser.
//
// openpgp.js marks the key-expiration-time subpacket (type 9) of a self-signature critical. gpg does
// not, and rpm's internal parser (rpm 4.18.0 as Debian ships it; the parsers of older rpms too)
// refuses a critical subpacket it does not implement, so `rpmkeys --import` fails for any key with an
// expiry. The self-certifications of such keys are re-made here with the subpacket non-critical, as
// gpg writes it. This uses openpgp.js internals of its SignaturePacket (runtime API of openpgp 6):
// `sign(key, data, date, detached, config)` and `writeHashedSubPackets()`, hence the narrow casts.

import type { Config, PrivateKey } from 'openpgp';

const KEY_EXPIRATION_TIME = 9;
const CRITICAL = 0x80;

/** Copies a hashed subpacket area (2-octet length, then subpackets) with subpacket `type` non-critical. */
export function clearCriticalBit(area: Uint8Array, type: number): Uint8Array {
  const out = new Uint8Array(area);
  const end = 2 + ((area[0] << 8) | area[1]);
  let i = 2;
  while (i < end && i < out.length) {
    const o = out[i];
    let len: number;
    let hdr: number;
    if (o < 192) [len, hdr] = [o, 1];
    else if (o < 255) [len, hdr] = [((o - 192) << 8) + out[i + 1] + 192, 2];
    else [len, hdr] = [((out[i + 1] << 24) | (out[i + 2] << 16) | (out[i + 3] << 8) | out[i + 4]) >>> 0, 5];
    const t = i + hdr;
    if (len > 0 && (out[t] & ~CRITICAL) === type) out[t] &= ~CRITICAL;
    i = t + len;
  }
  return out;
}

interface SignatureInternals {
  keyExpirationTime: number | null;
  created: Date | null;
  writeHashedSubPackets(): Uint8Array;
  sign(key: unknown, data: unknown, date: Date, detached: boolean, config: Config): Promise<void>;
}

/**
 * Re-signs every self-certification of a freshly generated, unencrypted key that carries a key expiry,
 * with that subpacket non-critical. Signature creation times are kept.
 */
export async function nonCriticalKeyExpiry(key: PrivateKey, config: Config): Promise<void> {
  // The existing salt notation is kept; asking for a new one would make openpgp.js refuse to re-sign.
  const cfg = { ...config, nonDeterministicSignaturesViaNotation: false };
  for (const user of key.users) {
    for (const cert of user.selfCertifications) {
      const sig = cert as unknown as SignatureInternals;
      if (sig.keyExpirationTime === null || sig.created === null) continue;
      const write = sig.writeHashedSubPackets.bind(sig);
      sig.writeHashedSubPackets = () => clearCriticalBit(write(), KEY_EXPIRATION_TIME);
      await sig.sign(key.keyPacket, { userID: user.userID, key: key.keyPacket }, sig.created, false, cfg);
    }
  }
}
