// Signing (openpgp.js, imported lazily: verification never loads it).

import { PgpError, PubkeyAlgo } from './common.ts';
import { parseSignaturePacket } from './signature.ts';

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
  // The salt notation openpgp.js adds by default makes every signature unique; rpm has no use for it.
  const config = { ...openpgp.config, nonDeterministicSignaturesViaNotation: false };
  let key = await openpgp.readPrivateKey({ armoredKey: secretKeyArmored });
  // A signature cannot predate its key: a reproducible date (SOURCE_DATE_EPOCH) older than the key
  // becomes the key's (newest component's) creation time, still the same bytes for the same key.
  const created = Math.max(key.getCreationTime().getTime(), ...key.subkeys.map((k) => k.getCreationTime().getTime()));
  const wanted = opts.date ?? new Date();
  const date = wanted.getTime() < created ? new Date(created) : wanted;
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
