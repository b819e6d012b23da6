// Signing keys for DSSE envelopes: a hybrid pair, Ed25519 + ML-DSA-65 (FIPS 204), both from
// node:crypto. On disk a key is two PEM files: the secret one (two PKCS#8 "PRIVATE KEY" blocks,
// mode 0600, written atomically, refused when group/others can read it) and the public one (two SPKI
// "PUBLIC KEY" blocks). Key ids are the SHA-256 of each public key's SPKI DER, as hex.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isValidKeyName, writeFileAtomic } from '../keys/index.ts';
import { SupplyError } from './errors.ts';

export type SupplyAlgorithm = 'ed25519' | 'ml-dsa-65';
export const SUPPLY_ALGORITHMS: readonly SupplyAlgorithm[] = ['ed25519', 'ml-dsa-65'];

/** Secret halves, one per algorithm. */
export type SupplySigningKey = Record<SupplyAlgorithm, KeyObject>;
/** Public halves, one per algorithm. */
export type SupplyPublicKey = Record<SupplyAlgorithm, KeyObject>;

export function generateSupplyKey(): SupplySigningKey {
  return {
    ed25519: generateKeyPairSync('ed25519').privateKey,
    'ml-dsa-65': generateKeyPairSync('ml-dsa-65').privateKey,
  };
}

export function publicKeyOf(key: SupplySigningKey): SupplyPublicKey {
  return { ed25519: createPublicKey(key.ed25519), 'ml-dsa-65': createPublicKey(key['ml-dsa-65']) };
}

/** SHA-256 of the SPKI DER encoding, lower-case hex. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

export function keyIds(pub: SupplyPublicKey): Record<SupplyAlgorithm, string> {
  return { ed25519: keyIdOf(pub.ed25519), 'ml-dsa-65': keyIdOf(pub['ml-dsa-65']) };
}

export function encodeSigningKey(key: SupplySigningKey): string {
  return SUPPLY_ALGORITHMS.map((a) => key[a].export({ type: 'pkcs8', format: 'pem' }) as string).join('');
}

export function encodePublicKey(pub: SupplyPublicKey): string {
  return SUPPLY_ALGORITHMS.map((a) => pub[a].export({ type: 'spki', format: 'pem' }) as string).join('');
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----\r?\n[\s\S]*?-----END \1-----\r?\n?/g;

function decodeKeys(text: string, source: string, label: 'PRIVATE KEY' | 'PUBLIC KEY'): Record<SupplyAlgorithm, KeyObject> {
  const found: Partial<Record<SupplyAlgorithm, KeyObject>> = {};
  for (const m of text.matchAll(PEM_BLOCK)) {
    if (m[1] !== label) throw new SupplyError(`${source}: unexpected PEM block "${m[1]}" (expected ${label})`);
    let key: KeyObject;
    try {
      key = label === 'PRIVATE KEY' ? createPrivateKey(m[0]) : createPublicKey(m[0]);
    } catch (e) {
      throw new SupplyError(`${source}: unreadable ${label.toLowerCase()}: ${(e as Error).message}`);
    }
    const alg = key.asymmetricKeyType as string;
    if (alg !== 'ed25519' && alg !== 'ml-dsa-65') throw new SupplyError(`${source}: ${alg} key found, only ed25519 and ml-dsa-65 are used`);
    if (found[alg]) throw new SupplyError(`${source}: two ${alg} keys`);
    found[alg] = key;
  }
  for (const a of SUPPLY_ALGORITHMS) if (!found[a]) throw new SupplyError(`${source}: no ${a} ${label.toLowerCase()} (a supply key holds ed25519 and ml-dsa-65)`);
  return found as Record<SupplyAlgorithm, KeyObject>;
}

export function decodeSigningKey(text: string, source = 'signing key'): SupplySigningKey {
  return decodeKeys(text, source, 'PRIVATE KEY');
}

export function decodePublicKey(text: string, source = 'public key'): SupplyPublicKey {
  return decodeKeys(text, source, 'PUBLIC KEY');
}

export const SECRET_KEY_SUFFIX = '.dsse.key';
export const PUBLIC_KEY_SUFFIX = '.dsse.pub';

/** Where key NAME lives in a keystore directory (see src/keys keystoreDir). */
export function supplyKeyPaths(dir: string, name: string): { secret: string; public: string } {
  if (!isValidKeyName(name)) throw new SupplyError(`invalid key name ${JSON.stringify(name)}: use 1-64 characters from A-Z a-z 0-9 . _ - (not starting with . or -)`);
  return { secret: join(dir, name + SECRET_KEY_SUFFIX), public: join(dir, name + PUBLIC_KEY_SUFFIX) };
}

/** Writes both files atomically, secret first (0600), public last (0644); refuses to replace unless `force`. */
export async function writeSupplyKey(paths: { secret: string; public: string }, key: SupplySigningKey, force = false): Promise<void> {
  try {
    await writeFileAtomic(paths.secret, encodeSigningKey(key), 0o600, force);
    await writeFileAtomic(paths.public, encodePublicKey(publicKeyOf(key)), 0o644, force);
  } catch (e) {
    throw new SupplyError(`writing supply key: ${(e as Error).message}`);
  }
}

/** Reads a secret key file, refusing symlinks and files that group or others can access. */
export async function readSupplySigningKey(path: string): Promise<SupplySigningKey> {
  let st;
  try {
    st = await lstat(path);
  } catch (e) {
    throw new SupplyError(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (!st.isFile()) throw new SupplyError(`${path}: not a regular file`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) throw new SupplyError(`${path} is owned by uid ${st.uid}, not by you (uid ${uid})`);
  if (st.mode & 0o077) {
    throw new SupplyError(`${path} has mode 0${(st.mode & 0o777).toString(8)}: secret key files must be accessible only by you (chmod 600 ${path})`);
  }
  return decodeSigningKey(await readFile(path, 'utf8'), path);
}

export async function readSupplyPublicKey(path: string): Promise<SupplyPublicKey> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new SupplyError(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return decodePublicKey(text, path);
}
