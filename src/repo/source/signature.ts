// repomd.xml's detached signature (repomd.xml.asc), as `gpg --detach-sign --armor` makes it and
// librepo/dnf check it with repo_gpgcheck: one or more binary-document signatures over the exact
// bytes of repomd.xml. Signing reuses the rpm signing path (v4 for v4 keys, SHA-256); checking
// uses our own verifier against a keyring, so no gpg agent or keyring directory is involved.

import {
  checkSignature,
  dearmor,
  finishSignatureDigest,
  type Keyring,
  type PgpSignature,
  parseSignatureBody,
  PgpError,
  readPackets,
  signatureHash,
  signDetached,
} from '../../rpm/openpgp/index.ts';
import { RepoFormatError } from '../model.ts';

export interface SignRepomdOptions {
  passphrase?: string;
  /** Signature time (fixed for reproducible output). */
  date?: Date;
}

/** Signs repomd.xml bytes; returns an armored detached signature (repomd.xml.asc). */
export async function signRepomd(data: Uint8Array, secretKeyArmored: string, opts: SignRepomdOptions = {}): Promise<string> {
  const packet = await signDetached(data, secretKeyArmored, opts);
  const openpgp = await import('openpgp');
  return openpgp.armor(openpgp.enums.armor.signature, packet);
}

/** The repomd signature was not made by a trusted, valid key over these bytes. */
export class RepoSignatureError extends RepoFormatError {
  override name = 'RepoSignatureError';
}

const iso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

/** Signature packets of an armored (or binary) detached signature. */
function readSignatures(sig: string | Uint8Array, what: string): PgpSignature[] {
  let bin: Uint8Array;
  try {
    if (typeof sig !== 'string' && sig.length && sig[0] & 0x80) bin = sig;
    else {
      const text = typeof sig === 'string' ? sig : Buffer.from(sig).toString('utf8');
      const blocks = dearmor(text);
      if (blocks.length !== 1 || blocks[0].type !== 'SIGNATURE') throw new PgpError('not an armored PGP SIGNATURE block');
      bin = blocks[0].data;
    }
    const sigs = readPackets(bin)
      .filter((p) => p.tag === 2)
      .map((p) => parseSignatureBody(p.body));
    if (!sigs.length) throw new PgpError('no signature packet');
    return sigs;
  } catch (e) {
    if (e instanceof PgpError) throw new RepoFormatError(`${what}: ${e.message}`);
    throw e;
  }
}

/**
 * Checks a detached signature of repomd.xml; returns when one signature is good, made by a key of the
 * keyring that is valid now (not expired or revoked: librepo refuses those too). Otherwise throws a
 * RepoSignatureError naming `what` and the reason (BAD, NOKEY, expired…).
 */
export function verifyRepomdSignature(
  data: Uint8Array,
  armoredSig: string | Uint8Array,
  keyring: Keyring | undefined,
  what: string,
  now = Math.floor(Date.now() / 1000),
): void {
  const sigs = readSignatures(armoredSig, what);
  const problems: string[] = [];
  for (const sig of sigs) {
    const id = sig.issuerKeyId ? `key ${sig.issuerKeyId}` : 'unknown key';
    const h = signatureHash(sig);
    if (!h) {
      problems.push(`${id}: unsupported digest algorithm ${sig.hashAlgo}`);
      continue;
    }
    h.update(data);
    const v = checkSignature(keyring, sig, finishSignatureDigest(sig, h), now);
    if (v.status === 'OK' && v.key) {
      const expired = [v.key.cert.state.expires, v.key.state.expires].find((t) => t !== undefined && t <= now);
      if (expired !== undefined) {
        problems.push(`${id}: signed by a key that expired on ${iso(expired)}`);
        continue;
      }
      return;
    }
    const detail = v.detail ? ` (${v.detail})` : '';
    const reason =
      v.status === 'NOKEY' ? `${id} is not among the trusted keys${detail}`
      : v.status === 'BAD' ? `BAD signature by ${id}${detail}`
      : `${id}: ${v.detail ?? v.status}`;
    problems.push(reason);
  }
  throw new RepoSignatureError(`${what}: signature check failed: ${problems.join('; ')}`);
}

