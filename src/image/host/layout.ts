// How a composed root becomes an immutable host: /usr is the read-only, verity-protected OS (one
// EROFS per slot); everything else is state on the writable ROOT partition, seeded at build time
// from the root: /etc, /var, /root, /home…, plus the top-level symlinks of a merged /usr
// (/bin → usr/bin …) and an empty /usr mount point. A copy of /etc also goes into the slot as
// /usr/share/factory/etc (the systemd convention: tmpfiles `C` lines or a reset restore the shipped
// configuration from there, and each slot carries its own defaults).
//
// Refused: programs outside /usr (a /bin, /sbin or /lib that is a real directory with files, or a
// kernel in /boot — the slot could not update them), and anything that manages packages at run time:
// rpm/dnf/yum binaries and an rpmdb. The host changes only by replacing a whole slot.

import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { chmod, mkdir, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class HostLayoutError extends Error {
  override name = 'HostLayoutError';
}

/** Program names of package managers that must not be in an immutable host's /usr. */
export const PACKAGE_MANAGER_PROGRAMS: readonly string[] = [
  'rpm', 'rpmdb', 'rpmkeys', 'rpmquery', 'rpmverify', 'rpmsign', 'rpm2archive',
  'dnf', 'dnf-3', 'dnf4', 'dnf5', 'microdnf', 'tdnf', 'yum', 'zypper', 'apt', 'apt-get', 'dpkg',
];
/** Package databases (relative to the root) that must not exist or must be empty. */
export const PACKAGE_DATABASE_DIRS: readonly string[] = ['usr/lib/sysimage/rpm', 'usr/lib/sysimage/dnf', 'usr/share/rpm', 'var/lib/rpm', 'var/lib/dnf', 'var/lib/dpkg'];
const PROGRAM_DIRS = ['usr/bin', 'usr/sbin', 'usr/libexec', 'bin', 'sbin'];

/** Directories of a merged root that may only be symlinks into /usr (or empty). */
const MERGED_INTO_USR = ['bin', 'sbin', 'lib', 'lib64', 'lib32', 'libx32'];

function isNonEmptyDir(p: string): boolean {
  try {
    return lstatSync(p).isDirectory() && readdirSync(p).length > 0;
  } catch {
    return false;
  }
}

/** Paths (relative to `root`) of package manager programs and package databases; empty when there are none. */
export function findPackageManagement(root: string): string[] {
  const found: string[] = [];
  for (const d of PROGRAM_DIRS) {
    const dir = join(root, d);
    if (!existsSync(dir) || lstatSync(dir).isSymbolicLink()) continue;
    for (const name of PACKAGE_MANAGER_PROGRAMS) {
      try {
        lstatSync(join(dir, name));
        found.push(`${d}/${name}`);
      } catch {
        // absent: good
      }
    }
  }
  for (const d of PACKAGE_DATABASE_DIRS) if (isNonEmptyDir(join(root, d))) found.push(`${d}/`);
  return found.sort();
}

/** Refuses a root that an immutable host cannot be made from (one line naming what is wrong). */
export function checkImmutableRoot(root: string): void {
  if (!isNonEmptyDir(join(root, 'usr'))) throw new HostLayoutError(`${root}: the root has no /usr`);
  const pm = findPackageManagement(root);
  if (pm.length) {
    throw new HostLayoutError(`${root}: an immutable host has no package manager or package database, but the root has ${pm.map((p) => `/${p}`).join(', ')} (compose it without rpm/dnf and with database = manifest)`);
  }
  for (const d of MERGED_INTO_USR) {
    if (isNonEmptyDir(join(root, d))) throw new HostLayoutError(`${root}: /${d} is a directory with files: an immutable host keeps programs and libraries in /usr (a merged /usr: /${d} → usr/${d})`);
  }
  if (isNonEmptyDir(join(root, 'boot'))) throw new HostLayoutError(`${root}: /boot has files: the kernel of an immutable host lives in /usr/lib/modules/<version>/vmlinuz`);
  for (const e of readdirSync(root, { withFileTypes: true })) {
    if (!e.isDirectory() && !e.isSymbolicLink()) throw new HostLayoutError(`${root}: /${e.name} is a file at the top level: only directories and symlinks belong there`);
  }
}

/** Copies /etc into /usr/share/factory/etc (unless the packages already ship one). */
export async function addFactoryEtc(root: string): Promise<boolean> {
  const factory = join(root, 'usr', 'share', 'factory', 'etc');
  if (existsSync(factory) || !existsSync(join(root, 'etc'))) return false;
  // Modes set explicitly: the umask must not reach the image.
  for (const d of [join(root, 'usr', 'share'), join(root, 'usr', 'share', 'factory')]) {
    if (!existsSync(d)) {
      await mkdir(d);
      await chmod(d, 0o755);
    }
  }
  await run('cp', ['-a', '--', join(root, 'etc'), factory]);
  return true;
}

/**
 * Seeds the ROOT partition's tree at `stateDir` (replaced) with every top-level entry of `root`
 * except /usr, copied with owners, modes, xattrs and times (cp -a), and an empty /usr mount point.
 * Directory times of what is created here are the build epoch.
 */
export async function seedStateTree(root: string, stateDir: string, sourceDateEpoch: number): Promise<string[]> {
  await rm(stateDir, { recursive: true, force: true });
  await mkdir(stateDir, { recursive: true });
  const names = readdirSync(root).filter((n) => n !== 'usr').sort();
  if (names.length) await run('cp', ['-a', '--', ...names.map((n) => join(root, n)), stateDir]);
  await mkdir(join(stateDir, 'usr'));
  await chmod(join(stateDir, 'usr'), 0o755);
  await chmod(stateDir, 0o755);
  const t = new Date(sourceDateEpoch * 1000);
  await utimes(join(stateDir, 'usr'), t, t);
  await utimes(stateDir, t, t);
  return names;
}
