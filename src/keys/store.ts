// The keystore on disk: where it lives, what its files are called, the permission checks made before
// anything is read (like ssh's StrictModes), and atomic writes (temp file, fsync, rename or link).
//
// Layout: one directory (mode 0700) holding, per key NAME,
//   NAME.pub.asc     the armored public key (always present; it names the key)
//   NAME.secret.asc  the armored secret key, mode 0600 (only for keys that can sign)
// A key is written secret first and public last, so a key whose public file exists is complete.

import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { chmod, link, lstat, mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { KeystoreError } from './errors.ts';

export interface KeystoreOptions {
  /** The keystore directory; default from the environment (see keystoreDir). */
  dir?: string;
  /** Environment to read STRATA_KEYS_DIR / XDG_CONFIG_HOME from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export const PUBLIC_SUFFIX = '.pub.asc';
export const SECRET_SUFFIX = '.secret.asc';

/** `$STRATA_KEYS_DIR`, else `$XDG_CONFIG_HOME/strata/keys` (absolute values only, as XDG says), else `~/.config/strata/keys`. */
export function keystoreDir(opts: KeystoreOptions = {}): string {
  if (opts.dir) return resolve(opts.dir);
  const env = opts.env ?? process.env;
  if (env.STRATA_KEYS_DIR) return resolve(env.STRATA_KEYS_DIR);
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'strata', 'keys');
  return join(homedir(), '.config', 'strata', 'keys');
}

const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;

export function isValidKeyName(name: string): boolean {
  return NAME_RE.test(name);
}

/** Key names are file names: 1-64 of [A-Za-z0-9._-], not starting with "." (hidden, temp files) or "-" (options). */
export function checkKeyName(name: string): void {
  if (!isValidKeyName(name)) {
    throw new KeystoreError(
      `invalid key name ${JSON.stringify(name)}: use 1-64 characters from A-Z a-z 0-9 . _ - (not starting with . or -)`,
    );
  }
}

export const publicPath = (dir: string, name: string): string => join(dir, name + PUBLIC_SUFFIX);
export const secretPath = (dir: string, name: string): string => join(dir, name + SECRET_SUFFIX);

export const octal = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

const myUid = (): number | undefined => process.getuid?.();

function notMine(st: Stats): boolean {
  const uid = myUid();
  return uid !== undefined && st.uid !== uid;
}

const isErrno = (e: unknown, ...codes: string[]): boolean =>
  typeof (e as NodeJS.ErrnoException)?.code === 'string' && codes.includes((e as NodeJS.ErrnoException).code!);

export async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (e) {
    if (isErrno(e, 'ENOENT', 'ENOTDIR')) return undefined;
    throw e;
  }
}

/**
 * Checks the keystore directory: a directory, owned by the current user, with no access for group or
 * others. Returns false when it does not exist. Too-open permissions are refused, not repaired: they mean
 * something outside strata changed them, and the user should look.
 */
export async function checkKeystoreDir(dir: string): Promise<boolean> {
  let st: Stats;
  try {
    st = await stat(dir);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return false;
    throw e;
  }
  if (!st.isDirectory()) throw new KeystoreError(`keystore ${dir} is not a directory`);
  if (notMine(st)) throw new KeystoreError(`keystore directory ${dir} is owned by uid ${st.uid}, not by you (uid ${myUid()})`);
  if (st.mode & 0o077) {
    throw new KeystoreError(
      `keystore directory ${dir} has mode ${octal(st.mode)}: it must not be accessible by group or others (chmod 700 ${dir})`,
    );
  }
  return true;
}

/** Creates the keystore directory (mode 0700) when missing; checks it either way. */
export async function ensureKeystoreDir(dir: string): Promise<void> {
  if (await checkKeystoreDir(dir)) return;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700); // whatever the umask did
  await checkKeystoreDir(dir);
}

/**
 * Reads a keystore file after checking it: a regular file (not a symlink), owned by the user; a secret
 * file must have no group/other permission bits at all (0600 or stricter), a public one must not be
 * writable by group or others.
 */
export async function readKeystoreFile(path: string, secret: boolean): Promise<string> {
  const st = await lstat(path);
  if (!st.isFile()) throw new KeystoreError(`${path} is not a regular file`);
  if (notMine(st)) throw new KeystoreError(`${path} is owned by uid ${st.uid}, not by you (uid ${myUid()})`);
  if (secret && st.mode & 0o077) {
    throw new KeystoreError(
      `${path} has mode ${octal(st.mode)}: secret key files must be accessible only by you (chmod 600 ${path})`,
    );
  }
  if (!secret && st.mode & 0o022) {
    throw new KeystoreError(`${path} has mode ${octal(st.mode)}: it must not be writable by group or others (chmod 644 ${path})`);
  }
  return readFile(path, 'utf8');
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } catch (e) {
    // Some file systems cannot fsync a directory; the rename itself is still atomic there.
    if (!isErrno(e, 'EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EBADF')) throw e;
  } finally {
    await fh.close();
  }
}

/**
 * Writes `data` to `path` atomically: a new temp file in the same directory (O_EXCL, O_NOFOLLOW,
 * created with `mode` so secrets are never briefly readable), fsync, then rename over the target
 * (`overwrite`) or hard-link it into place, which fails instead of replacing an existing file.
 * The directory is fsynced afterwards so the new name survives a crash.
 */
export async function writeFileAtomic(path: string, data: string, mode: number, overwrite: boolean): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fh;
  try {
    fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  } catch (e) {
    // Report the file the caller asked for, not the temp name (e.g. a missing or read-only directory).
    if (isErrno(e, 'ENOENT', 'EACCES', 'EROFS', 'ENOTDIR')) (e as NodeJS.ErrnoException).path = path;
    throw e;
  }
  try {
    try {
      await fh.chmod(mode); // the umask may have cleared bits; never adds any beyond `mode`
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (overwrite) await rename(tmp, path);
    else await linkNoClobber(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    if (isErrno(e, 'EEXIST')) throw new KeystoreError(`${path} already exists`);
    throw e;
  }
  await syncDir(dir);
}

async function linkNoClobber(tmp: string, path: string): Promise<void> {
  try {
    await link(tmp, path);
  } catch (e) {
    // File systems without hard links: check, then rename (not race-free, but the best available).
    if (!isErrno(e, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK')) throw e;
    if (await lstatOrUndefined(path)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    await rename(tmp, path);
    return;
  }
  await unlink(tmp);
}

/** Removes a keystore file; missing is fine. Returns whether it existed. */
export async function removeFile(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return false;
    throw e;
  }
}

export async function syncKeystoreDir(dir: string): Promise<void> {
  await syncDir(dir);
}
