// Certificates: subkey bindings, revocation, expiry, the keyring and readKeyring.

import { readFile } from 'node:fs/promises';
import { PgpError, SigType, u32 } from './common.ts';
import { keyFraming, parseKeyBody, type PgpKey } from './keys.ts';
import { dearmor, readPackets, type Packet } from './packets.ts';
import { parseSignatureBody, type PgpSignature } from './signature.ts';
import { checkKeySig } from './verify-raw.ts';

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
