// Checking a data signature against a keyring.

import type { KeyEntry, Keyring } from './certs.ts';
import { SigType, pubkeyAlgoName } from './common.ts';
import type { PgpSignature } from './signature.ts';
import { verifyDigestSignature } from './verify-raw.ts';

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
