// Keystore operations: generate, import, export, list, delete, and resolving the key `--sign-key` names.
// openpgp.js is imported lazily, so commands that never touch keys never load it.

import { readdir, readFile, stat } from 'node:fs/promises';
import type { Config, Key, PrivateKey } from 'openpgp';
import { nonCriticalKeyExpiry } from './compat.ts';
import { KeystoreError } from './errors.ts';
import {
  checkKeyName, checkKeystoreDir, ensureKeystoreDir, isValidKeyName, keystoreDir, type KeystoreOptions, lstatOrUndefined,
  octal, PUBLIC_SUFFIX, publicPath, readKeystoreFile, removeFile, secretPath, syncKeystoreDir, writeFileAtomic,
} from './store.ts';

export type KeyAlgorithm = 'rsa' | 'ed25519';
export const RSA_BITS = [2048, 3072, 4096] as const;

export interface GenerateKeyOptions extends KeystoreOptions {
  /** Keystore name: 1-64 of [A-Za-z0-9._-], not starting with "." or "-". */
  name: string;
  /** "Name <email>" (or just a name). */
  userId: string;
  /** rsa (default) or ed25519: a v4 EdDSA key (algorithm 22), what rpm 4.18, gpg and dnf verify. */
  algorithm?: KeyAlgorithm;
  /** RSA key size: 4096 (default), 3072 or 2048. */
  bits?: number;
  /** Seconds after creation until the key expires, or 'never' (the default). */
  expires?: number | 'never';
  /** Encrypts the stored secret key. */
  passphrase?: string;
  /** Replace an existing key of the same name. */
  force?: boolean;
}

export interface ImportKeyOptions extends KeystoreOptions {
  force?: boolean;
  /** Names the input (a file name) in messages about its content. */
  source?: string;
}

export interface ExportKeyOptions extends KeystoreOptions {
  /** Export the secret key instead of the public one. */
  secret?: boolean;
}

export interface KeyInfo {
  name: string;
  /** Lowercase hex, as elsewhere in strata. */
  fingerprint: string;
  keyId: string;
  /** rsa4096, ed25519 (v4 EdDSA legacy, algorithm 22), ed25519-rfc9580 (algorithm 27), ecdsa-nistP256, … */
  algorithm: string;
  /** OpenPGP key version: 4, or 6 (RFC 9580; only rpm >= 6 verifies its signatures). */
  version: number;
  userIds: string[];
  created: Date;
  /** null: never expires. */
  expires: Date | null;
  hasSecret: boolean;
}

export interface SigningKey {
  /** The armored secret key (possibly passphrase-protected). */
  armored: string;
  /** Where it came from, for messages: `keystore key "NAME"` or the file path. */
  source: string;
  /** Set when a key file is accessible by group or others; the key is still used. */
  warning?: string;
}

const openpgpLib = (): Promise<typeof import('openpgp')> => import('openpgp');

/** openpgp.js settings for what we write: v4 keys, classic (non-AEAD) secret key protection gpg 2.2 reads. */
async function writeConfig(): Promise<Config> {
  const openpgp = await openpgpLib();
  return { ...openpgp.config, v6Keys: false, aeadProtect: false };
}

function algorithmName(key: Key): string {
  const info = key.getAlgorithmInfo() as { algorithm: string; bits?: number; curve?: string };
  switch (info.algorithm) {
    case 'rsaEncryptSign':
    case 'rsaSign':
    case 'rsaEncrypt':
      return `rsa${info.bits ?? ''}`;
    case 'dsa':
      return `dsa${info.bits ?? ''}`;
    case 'eddsaLegacy':
      return info.curve === 'ed25519Legacy' ? 'ed25519' : `eddsa-${info.curve}`;
    case 'ed25519':
      return 'ed25519-rfc9580';
    case 'ecdsa':
      return `ecdsa-${info.curve}`;
    default:
      return info.curve ? `${info.algorithm}-${info.curve}` : info.algorithm;
  }
}

async function describe(name: string, key: Key, hasSecret: boolean): Promise<KeyInfo> {
  let expires: Date | null = null;
  try {
    const t = await key.getExpirationTime();
    if (t instanceof Date) expires = t;
  } catch {
    // No valid self-signature to read an expiry from: reported as no expiry.
  }
  return {
    name,
    fingerprint: key.getFingerprint().toLowerCase(),
    keyId: key.getKeyID().toHex().toLowerCase(),
    algorithm: algorithmName(key),
    version: key.keyPacket.version,
    userIds: key.getUserIDs(),
    created: key.getCreationTime(),
    expires,
    hasSecret,
  };
}

const NOT_A_KEY = 'not an OpenPGP key (expected an armored or binary public or secret key)';

/** Parses exactly one OpenPGP key (public or secret), armored or binary. */
async function parseOneKey(data: string | Uint8Array): Promise<Key> {
  const openpgp = await openpgpLib();
  const bytes = typeof data === 'string' ? new Uint8Array(Buffer.from(data, 'utf8')) : data;
  if (!bytes.length) throw new KeystoreError('empty input: not an OpenPGP key');
  let keys: Key[];
  if (bytes[0] & 0x80) {
    try {
      keys = await openpgp.readKeys({ binaryKeys: bytes });
    } catch {
      throw new KeystoreError(NOT_A_KEY);
    }
  } else {
    const text = typeof data === 'string' ? data : Buffer.from(bytes).toString('utf8');
    const m = /-----BEGIN PGP ([A-Z0-9 ,/]+)-----/.exec(text);
    if (!m) throw new KeystoreError(NOT_A_KEY);
    if (m[1] !== 'PUBLIC KEY BLOCK' && m[1] !== 'PRIVATE KEY BLOCK') throw new KeystoreError(`armored "PGP ${m[1]}" is not a key`);
    try {
      keys = await openpgp.readKeys({ armoredKeys: text });
    } catch {
      throw new KeystoreError(`damaged OpenPGP ${m[1] === 'PRIVATE KEY BLOCK' ? 'secret' : 'public'} key`);
    }
  }
  if (keys.length !== 1) throw new KeystoreError(`${keys.length} keys in one input: import them one at a time`);
  return keys[0];
}

/** Whether a key name is taken (either file present). Does not check permissions. */
async function nameTaken(dir: string, name: string): Promise<boolean> {
  return Boolean((await lstatOrUndefined(publicPath(dir, name))) ?? (await lstatOrUndefined(secretPath(dir, name))));
}

const exists = (name: string): KeystoreError =>
  new KeystoreError(`key "${name}" already exists in the keystore (use --force to replace it)`);

/** Stores a key: secret first (0600), public last (0644), so the public file marks a complete key. */
async function store(dir: string, name: string, secret: string | undefined, pub: string, force: boolean): Promise<void> {
  if (force) {
    await removeFile(publicPath(dir, name));
    if (secret === undefined) await removeFile(secretPath(dir, name));
    else await writeFileAtomic(secretPath(dir, name), secret, 0o600, true);
    await writeFileAtomic(publicPath(dir, name), pub, 0o644, true);
    return;
  }
  if (await nameTaken(dir, name)) throw exists(name);
  try {
    if (secret !== undefined) await writeFileAtomic(secretPath(dir, name), secret, 0o600, false);
  } catch (e) {
    if (e instanceof KeystoreError && /already exists$/.test(e.message)) throw exists(name);
    throw e;
  }
  try {
    await writeFileAtomic(publicPath(dir, name), pub, 0o644, false);
  } catch (e) {
    if (secret !== undefined) {
      await removeFile(secretPath(dir, name));
      await syncKeystoreDir(dir);
    }
    if (e instanceof KeystoreError && /already exists$/.test(e.message)) throw exists(name);
    throw e;
  }
}

function parseUserId(userId: string): { name?: string; email?: string } {
  const bad = (): KeystoreError => new KeystoreError(`invalid user ID ${JSON.stringify(userId)}: expected "Name <email>"`);
  // eslint-disable-next-line no-control-regex
  if (userId.length > 1024 || /[\u0000-\u001f\u007f]/.test(userId)) throw bad();
  const m = /^\s*([^<>]*?)\s*(?:<([^<>\s@]+@[^<>\s@]+)>)?\s*$/.exec(userId);
  if (!m || (!m[1] && !m[2])) throw bad();
  const id: { name?: string; email?: string } = {};
  if (m[1]) id.name = m[1];
  if (m[2]) id.email = m[2];
  return id;
}

/** Creates a v4 signing key (no encryption subkey) and stores it. */
export async function generateKey(opts: GenerateKeyOptions): Promise<KeyInfo> {
  checkKeyName(opts.name);
  const userId = parseUserId(opts.userId);
  const algorithm = opts.algorithm ?? 'rsa';
  if (algorithm !== 'rsa' && algorithm !== 'ed25519') throw new KeystoreError(`unknown algorithm "${String(algorithm)}" (rsa, ed25519)`);
  if (opts.bits !== undefined && algorithm !== 'rsa') throw new KeystoreError('a key size only applies to RSA keys');
  const bits = opts.bits ?? 4096;
  if (!(RSA_BITS as readonly number[]).includes(bits)) throw new KeystoreError(`RSA key size ${bits}: use ${RSA_BITS.join(', ')}`);
  let keyExpirationTime = 0;
  if (opts.expires !== undefined && opts.expires !== 'never') {
    if (!Number.isInteger(opts.expires) || opts.expires <= 0 || opts.expires > 0xffffffff) {
      throw new KeystoreError('expiry must be a positive number of seconds (at most 2^32-1) or "never"');
    }
    keyExpirationTime = opts.expires;
  }
  if (opts.passphrase === '') throw new KeystoreError('empty passphrase (leave it out for an unprotected key)');

  const dir = keystoreDir(opts);
  await ensureKeystoreDir(dir);
  if (!opts.force && (await nameTaken(dir, opts.name))) throw exists(opts.name);

  const openpgp = await openpgpLib();
  const config = await writeConfig();
  const type = algorithm === 'rsa' ? { type: 'rsa' as const, rsaBits: bits } : { type: 'ecc' as const, curve: 'ed25519Legacy' as const };
  let key: PrivateKey;
  try {
    ({ privateKey: key } = await openpgp.generateKey({
      ...type,
      userIDs: [userId],
      keyExpirationTime,
      subkeys: [], // a signing key: the primary key certifies and signs, nothing to encrypt to
      format: 'object',
      config,
    }));
  } catch (e) {
    if (/user ID/i.test((e as Error).message)) throw new KeystoreError(`invalid user ID ${JSON.stringify(opts.userId)}: expected "Name <email>"`);
    throw new KeystoreError('key generation failed');
  }
  if (keyExpirationTime) await nonCriticalKeyExpiry(key, config);
  const pub = key.toPublic().armor(config);
  if (opts.passphrase !== undefined) key = await openpgp.encryptKey({ privateKey: key, passphrase: opts.passphrase, config });
  await store(dir, opts.name, key.armor(config), pub, Boolean(opts.force));
  return describe(opts.name, key, true);
}

/**
 * Imports one public or secret key (armored or binary). Without a name the key is stored under its
 * 16-hex-digit key ID. A key already in the keystore under another name is refused unless `force`.
 */
export async function importKey(data: string | Uint8Array, name?: string, opts: ImportKeyOptions = {}): Promise<KeyInfo> {
  if (name !== undefined) checkKeyName(name);
  let key: Key;
  try {
    key = await parseOneKey(data);
  } catch (e) {
    if (e instanceof KeystoreError && opts.source) throw new KeystoreError(`${opts.source}: ${e.message}`);
    throw e;
  }
  const keyName = name ?? key.getKeyID().toHex().toLowerCase();
  checkKeyName(keyName);
  const packet = key.keyPacket as unknown as { isDummy?(): boolean; validate(): Promise<void> };
  if (key.isPrivate() && key.isDecrypted() && !packet.isDummy?.()) {
    // A secret key whose secret and public halves disagree would make signatures nobody can verify.
    try {
      await packet.validate();
    } catch {
      throw new KeystoreError(`${opts.source ? `${opts.source}: ` : ''}the secret key does not match its public key`);
    }
  }
  const dir = keystoreDir(opts);
  await ensureKeystoreDir(dir);
  if (!opts.force) {
    if (await nameTaken(dir, keyName)) throw exists(keyName);
    const fpr = key.getFingerprint().toLowerCase();
    const same = (await listKeys({ dir })).find((k) => k.fingerprint === fpr);
    if (same) throw new KeystoreError(`key ${fpr} is already in the keystore as "${same.name}" (use --force to import it again)`);
  }
  const config = await writeConfig();
  const secret = key.isPrivate() ? key.armor(config) : undefined;
  await store(dir, keyName, secret, key.toPublic().armor(config), Boolean(opts.force));
  return describe(keyName, key, key.isPrivate());
}

async function readStoreFile(dir: string, name: string, secret: boolean): Promise<string> {
  checkKeyName(name);
  if (!(await checkKeystoreDir(dir))) throw new KeystoreError(`no key named "${name}": the keystore ${dir} does not exist`);
  try {
    return await readKeystoreFile(secret ? secretPath(dir, name) : publicPath(dir, name), secret);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    if (secret && (await lstatOrUndefined(publicPath(dir, name)))) {
      throw new KeystoreError(`key "${name}" has no secret key (it was imported as a public key)`);
    }
    throw new KeystoreError(`no key named "${name}" in the keystore ${dir}`);
  }
}

/** The armored public key (default) or secret key. */
export async function exportKey(name: string, opts: ExportKeyOptions = {}): Promise<string> {
  return readStoreFile(keystoreDir(opts), name, Boolean(opts.secret));
}

async function infoFor(dir: string, name: string, armored: string): Promise<KeyInfo> {
  const openpgp = await openpgpLib();
  let key: Key;
  try {
    key = await openpgp.readKey({ armoredKey: armored });
  } catch {
    throw new KeystoreError(`${publicPath(dir, name)}: damaged public key file`);
  }
  return describe(name, key, Boolean(await lstatOrUndefined(secretPath(dir, name))));
}

/** One key's details (reads only the public file). */
export async function getKey(name: string, opts: KeystoreOptions = {}): Promise<KeyInfo> {
  const dir = keystoreDir(opts);
  return infoFor(dir, name, await readStoreFile(dir, name, false));
}

/** Every key, sorted by name (reads only public files; secrets are only looked at for existence). */
export async function listKeys(opts: KeystoreOptions = {}): Promise<KeyInfo[]> {
  const dir = keystoreDir(opts);
  if (!(await checkKeystoreDir(dir))) return [];
  const names = (await readdir(dir))
    .filter((f) => f.endsWith(PUBLIC_SUFFIX))
    .map((f) => f.slice(0, -PUBLIC_SUFFIX.length))
    .filter(isValidKeyName)
    .sort();
  const out: KeyInfo[] = [];
  for (const n of names) out.push(await infoFor(dir, n, await readKeystoreFile(publicPath(dir, n), false)));
  return out;
}

/** Removes a key (public and secret files). */
export async function deleteKey(name: string, opts: KeystoreOptions = {}): Promise<void> {
  checkKeyName(name);
  const dir = keystoreDir(opts);
  if (!(await checkKeystoreDir(dir)) || !(await nameTaken(dir, name))) throw new KeystoreError(`no key named "${name}" in the keystore ${dir}`);
  await removeFile(publicPath(dir, name));
  await removeFile(secretPath(dir, name));
  await syncKeystoreDir(dir);
}

/**
 * The secret key `--sign-key VALUE` means: a keystore key name, or a path to a secret key file
 * (armored or binary; binary is armored here). A value with a "/" is always a path; a bare word that
 * is both a keystore key and a file in the current directory is refused as ambiguous (write ./FILE).
 * Keystore secrets with too-open permissions are refused; a key file readable by group or others is
 * used with a `warning` (it was the caller's explicit choice, and read-only shared fixtures are common).
 */
export async function resolveSigningKey(nameOrPath: string, opts: KeystoreOptions = {}): Promise<SigningKey> {
  if (!nameOrPath) throw new KeystoreError('empty signing key name');
  const dir = keystoreDir(opts);
  const maybeName = !nameOrPath.includes('/') && isValidKeyName(nameOrPath);
  const inStore = maybeName && (await nameTaken(dir, nameOrPath));
  const st = await stat(nameOrPath).catch(() => undefined);
  if (inStore && st) {
    throw new KeystoreError(`"${nameOrPath}" is both a keystore key and a file: write ./${nameOrPath} for the file`);
  }
  if (inStore) return { armored: await readStoreFile(dir, nameOrPath, true), source: `keystore key "${nameOrPath}"` };
  if (!st) {
    throw new KeystoreError(
      maybeName ? `no key named "${nameOrPath}" in the keystore ${dir}, and no such file` : `${nameOrPath}: no such file`,
    );
  }
  if (st.isDirectory()) throw new KeystoreError(`${nameOrPath} is a directory, not a secret key file`);
  const bytes = new Uint8Array(await readFile(nameOrPath));
  const result: SigningKey = { armored: await armoredSecret(bytes, nameOrPath), source: nameOrPath };
  if (st.isFile() && st.mode & 0o077) {
    result.warning = `warning: secret key file ${nameOrPath} has mode ${octal(st.mode)} and is accessible by group or others; ` +
      `chmod 600 it, or keep it in the keystore (strata key import)`;
  }
  return result;
}

async function armoredSecret(bytes: Uint8Array, path: string): Promise<string> {
  const notSecret = `${path}: not an OpenPGP secret key (expected an armored or binary secret key)`;
  if (bytes.length && bytes[0] & 0x80) {
    const openpgp = await openpgpLib();
    try {
      return (await openpgp.readPrivateKey({ binaryKey: bytes })).armor();
    } catch {
      throw new KeystoreError(notSecret);
    }
  }
  const text = Buffer.from(bytes).toString('utf8');
  if (text.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----')) return text;
  if (text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) throw new KeystoreError(`${path} is a public key: signing needs the secret key`);
  throw new KeystoreError(notSecret);
}

const UNIT_SECONDS: Record<string, number> = { d: 86400, w: 7 * 86400, m: 30 * 86400, y: 365 * 86400 };

/** "never", or N followed by d, w, m (30 days) or y (365 days), as gpg counts them; returns seconds. */
export function parseExpires(text: string): number | 'never' {
  if (text === 'never') return 'never';
  const m = /^([1-9][0-9]{0,5})([dwmy])$/.exec(text);
  const secs = m ? Number(m[1]) * UNIT_SECONDS[m[2]] : NaN;
  if (!m || secs > 0xffffffff) {
    throw new KeystoreError(`expiry "${text}": use never, or a number followed by d, w, m or y (e.g. 2y) up to 136 years`);
  }
  return secs;
}
