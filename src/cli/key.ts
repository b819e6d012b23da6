// `strata key …`: the signing keystore (generate, import, export, list, delete).
// Nothing here prints secret key material or passphrases, except `key export --secret` into the
// file (or `--output-file -`) the user names. (`--output` is taken: it is the global -o.)

import { readFile, stat } from 'node:fs/promises';
import { stdin, stdout } from 'node:process';
import {
  deleteKey, exportKey, generateKey, getKey, importKey, type KeyInfo, keystoreDir, KeystoreError, listKeys, parseExpires, RSA_BITS,
  writeFileAtomic,
} from '../keys/index.ts';
import type { Command } from './command.ts';
import { CliError, UsageError } from './errors.ts';
import type { Output } from './output.ts';

const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;

/** Keystore problems become one-line CLI errors (exit 1). */
function wrap(e: unknown): never {
  if (e instanceof KeystoreError) throw new CliError(e.message);
  throw e;
}

const day = (d: Date): string => d.toISOString().slice(0, 10);

function record(k: KeyInfo): Record<string, unknown> {
  return { ...k, created: k.created.toISOString(), expires: k.expires ? k.expires.toISOString() : null };
}

function printKeys(out: Output, keys: KeyInfo[]): void {
  out.table(
    ['NAME', 'KEY ID', 'ALGORITHM', 'CREATED', 'EXPIRES', 'SECRET', 'USER ID'],
    keys.map((k) => [k.name, k.keyId, k.algorithm, day(k.created), k.expires ? day(k.expires) : 'never', k.hasSecret ? 'yes' : 'no', k.userIds[0] ?? '']),
  );
}

/** The passphrase is the file's content without one trailing newline (as `pack --passphrase-file`). */
async function readPassphrase(cmd: string, file: string): Promise<string> {
  const p = (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  if (!p) throw new CliError(`${cmd}: --passphrase-file ${file} is empty`);
  return p;
}

async function readInput(file: string): Promise<Uint8Array> {
  if (file !== '-') {
    if ((await stat(file)).isDirectory()) throw new CliError(`${file} is a directory, not a key file`);
    return new Uint8Array(await readFile(file));
  }
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

export const keyGenerate: Command = {
  name: 'key generate',
  summary: 'Create an OpenPGP signing key (RSA or Ed25519) named KEYNAME in the keystore',
  usage: '[options] --user-id "NAME <EMAIL>" KEYNAME',
  optionHelp: [
    ['--user-id "NAME <EMAIL>"', 'the key\'s user ID (required)'],
    ['--algorithm ALGO', 'rsa (default) or ed25519 (a v4 EdDSA key, what rpm 4.18, gpg and dnf verify)'],
    ['--bits N', `RSA key size: ${RSA_BITS.join(', ')} (default 4096)`],
    ['--expires WHEN', 'never (default), or N followed by d, w, m or y: days, weeks, 30-day months, 365-day years'],
    ['--passphrase-file FILE', 'protect the stored secret key with the passphrase in FILE'],
    ['--force', 'replace an existing key named KEYNAME (names: 1-64 of A-Z a-z 0-9 . _ -)'],
  ],
  examples: [
    'strata key generate --user-id "Strata Test <t@example.com>" release',
    'strata key generate --algorithm ed25519 --expires 2y --user-id "CI <ci@example.com>" ci',
  ],
  options: { 'user-id': str, algorithm: str, bits: str, expires: str, 'passphrase-file': str, force: bool },
  minArgs: 1,
  maxArgs: 1,
  async run({ out }, v, [name]) {
    if (typeof v['user-id'] !== 'string') throw new UsageError('key generate: --user-id "NAME <EMAIL>" is required');
    const algorithm = (v.algorithm as string | undefined) ?? 'rsa';
    if (algorithm !== 'rsa' && algorithm !== 'ed25519') throw new UsageError(`key generate: --algorithm: unknown algorithm "${algorithm}" (rsa, ed25519)`);
    let bits: number | undefined;
    if (v.bits !== undefined) {
      if (algorithm !== 'rsa') throw new UsageError('key generate: --bits applies to RSA keys only');
      bits = Number(v.bits);
      if (!(RSA_BITS as readonly number[]).includes(bits)) throw new UsageError(`key generate: --bits: use ${RSA_BITS.join(', ')}`);
    }
    let expires: number | 'never' = 'never';
    if (typeof v.expires === 'string') {
      try {
        expires = parseExpires(v.expires);
      } catch (e) {
        throw new UsageError(`key generate: --expires: ${(e as Error).message}`);
      }
    }
    const passphrase = typeof v['passphrase-file'] === 'string' ? await readPassphrase('key generate', v['passphrase-file']) : undefined;
    out.debug(`keystore: ${keystoreDir()}`);
    out.debug(`generating ${algorithm === 'rsa' ? `rsa${bits ?? 4096}` : 'ed25519 (v4 EdDSA)'} key "${name}"${passphrase ? ' (passphrase-protected)' : ''}`);
    const k = await generateKey({ name, userId: v['user-id'], algorithm, bits, expires, passphrase, force: v.force === true }).catch(wrap);
    out.debug(`stored ${k.fingerprint} as "${name}"`);
    if (out.format === 'json') return out.json(record(k));
    printKeys(out, [k]);
  },
};

export const keyImport: Command = {
  name: 'key import',
  summary: 'Add an OpenPGP public or secret key (armored or binary) to the keystore',
  usage: '[options] FILE|-',
  optionHelp: [
    ['--name KEYNAME', 'name it in the keystore (default: its 16-digit key ID)'],
    ['--force', 'replace a key of the same name, or import a key that is already there'],
  ],
  examples: ['strata key import --name release release-secret.asc', 'gpg --export-secret-keys --armor ci@example.com | strata key import --name ci -'],
  options: { name: str, force: bool },
  minArgs: 1,
  maxArgs: 1,
  async run({ out }, v, [file]) {
    const data = await readInput(file);
    const source = file === '-' ? 'standard input' : file;
    const k = await importKey(data, v.name as string | undefined, { force: v.force === true, source }).catch(wrap);
    if (k.version === 6) out.info(`warning: "${k.name}" is a v6 key: only rpm >= 6 verifies its signatures`);
    if (out.format === 'json') return out.json(record(k));
    printKeys(out, [k]);
  },
};

export const keyExport: Command = {
  name: 'key export',
  summary: 'Print a keystore key, armored: the public key, or with --secret the secret key into a file',
  usage: '[options] KEYNAME',
  optionHelp: [
    ['--secret', 'export the secret key; needs --output-file (a secret is never printed unasked)'],
    ['--output-file FILE', 'write to FILE (secret: mode 0600) instead of stdout; - means stdout'],
    ['--force', 'replace an existing --output-file'],
  ],
  examples: [
    'strata key export release > RPM-GPG-KEY-release',
    'strata key export release --secret --output-file release-backup.asc',
  ],
  options: { secret: bool, 'output-file': str, force: bool },
  minArgs: 1,
  maxArgs: 1,
  async run({ out }, v, [name]) {
    const secret = v.secret === true;
    const file = v['output-file'] as string | undefined;
    if (secret && file === undefined) {
      throw new UsageError('key export: --secret needs --output-file FILE (or --output-file - to really print it)');
    }
    const armored = await exportKey(name, { secret }).catch(wrap);
    if (file === undefined || file === '-') {
      if (out.format === 'json') return out.json({ name, secret, armored });
      stdout.write(armored.endsWith('\n') ? armored : `${armored}\n`);
      return;
    }
    await writeFileAtomic(file, armored, secret ? 0o600 : 0o644, v.force === true).catch((e: unknown) => {
      if (e instanceof KeystoreError) throw new CliError(`key export: ${e.message}${v.force ? '' : ' (use --force to replace it)'}`);
      throw e;
    });
    const rec = { name, secret, path: file };
    if (out.format === 'json') return out.json(rec);
    out.info(`wrote the ${secret ? 'secret' : 'public'} key "${name}" to ${file}`);
  },
};

export const keyList: Command = {
  name: 'key list',
  summary: 'List the keystore\'s keys ($STRATA_KEYS_DIR, else $XDG_CONFIG_HOME/strata/keys or ~/.config/strata/keys)',
  usage: '[options]',
  optionHelp: [],
  examples: ['strata key list', 'strata key list -o json'],
  options: {},
  maxArgs: 0,
  async run({ out }) {
    const keys = await listKeys().catch(wrap);
    if (out.format === 'json') return out.json(keys.map(record));
    if (!keys.length) {
      out.info(`no keys in ${keystoreDir()}`);
      return;
    }
    printKeys(out, keys);
  },
};

export const keyDelete: Command = {
  name: 'key delete',
  summary: 'Remove a key (public and secret) from the keystore',
  usage: '[options] KEYNAME',
  optionHelp: [],
  examples: ['strata key delete old-release'],
  options: {},
  minArgs: 1,
  maxArgs: 1,
  async run({ out }, _v, [name]) {
    // The details are for the message only; a damaged public file must not prevent deleting the key.
    const info = await getKey(name).catch(() => undefined);
    await deleteKey(name).catch(wrap);
    const rec = { name, fingerprint: info?.fingerprint ?? null, deleted: true };
    if (out.format === 'json') return out.json(rec);
    out.info(`deleted key "${name}"${info ? ` (${info.fingerprint}${info.hasSecret ? ', with its secret key' : ''})` : ''}`);
  },
};

export const keyCommands: Command[] = [keyGenerate, keyImport, keyExport, keyList, keyDelete];
