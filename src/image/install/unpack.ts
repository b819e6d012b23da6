// Writing one package's files into the root as rpm's file state machine does (lib/fsm.c): parent
// directories created on demand (0755, unowned), directories created 0700 then given their
// owner/mode/mtime, regular files written under a temporary name when something is in the way and
// renamed over it, symlinks, hard link sets sharing one inode, device nodes and fifos; then owner,
// mode and mtime from the header, and file capabilities last (chown would clear them).

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  constants as fsc,
  fchmodSync,
  fchownSync,
  futimesSync,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readlinkSync,
  renameSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { printable } from '../../rpm/header.ts';
import { hardlinkGroups } from '../../rpm/model.ts';
import type { RootAccounts } from './accounts.ts';
import { setFileCaps } from './caps.ts';
import { type FilePlan, InstallError, type TxPackage } from './model.ts';
import type { RootFs } from './rootfs.ts';

const S_IFMT = 0o170000;

export interface UnpackContext {
  fs: RootFs;
  accounts: RootAccounts;
  /** Suffix of temporary names (rpm: ";%08x" of the transaction id). */
  tmpSuffix: string;
  warnings: string[];
  /** Host paths of package files written (not directories). */
  /** Host paths of package files written, with their header mtimes. */
  owned: Map<string, number>;
  /** Host path of each package directory → the mtime its (last) package gave it. */
  ownedDirMtime: Map<string, number>;
}

function writeAll(fd: number, data: Uint8Array): void {
  let o = 0;
  while (o < data.length) o += writeSync(fd, data, o, data.length - o);
}

const errCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

/** Opens `dest` for a new file, or a temporary sibling when something already has its name. */
function createFile(dest: string, tmpSuffix: string, mode: number): { fd: number; tmp?: string } {
  const flags = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW;
  try {
    return { fd: openSync(dest, flags, mode) };
  } catch (e) {
    if (errCode(e) !== 'EEXIST') throw e;
  }
  const tmp = dest + tmpSuffix;
  return { fd: openSync(tmp, flags, mode), tmp };
}

function commit(tmp: string | undefined, dest: string, path: string): void {
  if (tmp === undefined) return;
  try {
    renameSync(tmp, dest);
  } catch (e) {
    unlinkSync(tmp);
    if (errCode(e) === 'EISDIR' || errCode(e) === 'ENOTEMPTY') throw new InstallError(`${printable(path)}: a directory is in the way of a file`);
    throw e;
  }
}

interface Meta {
  uid: number;
  gid: number;
  mode: number;
  mtime: number;
}

function writeRegular(dest: string, path: string, data: Uint8Array, m: Meta, tmpSuffix: string): void {
  // Created with its final permissions where the umask (022 during a transaction) keeps them;
  // otherwise, and after a chown (which clears set-id bits), fchmod sets them as rpm does.
  const perms = m.mode & 0o7777;
  const { fd, tmp } = createFile(dest, tmpSuffix, perms);
  const chown = m.uid !== 0 || m.gid !== 0;
  try {
    writeAll(fd, data);
    if (chown) fchownSync(fd, m.uid, m.gid);
    if (perms & 0o022 || (chown && perms & 0o6000)) fchmodSync(fd, perms);
    futimesSync(fd, m.mtime, m.mtime);
  } finally {
    closeSync(fd);
  }
  commit(tmp, dest, path);
}

function linkInto(existing: string, dest: string, path: string, tmpSuffix: string): void {
  try {
    linkSync(existing, dest);
    return;
  } catch (e) {
    if (errCode(e) !== 'EEXIST') throw e;
  }
  linkSync(existing, dest + tmpSuffix);
  commit(dest + tmpSuffix, dest, path);
}

/** Removes what is in the way of a non-directory (a directory in the way is an error, as in rpm). */
function clearWay(dest: string, path: string): void {
  const st = lstatSync(dest, { throwIfNoEntry: false });
  if (!st) return;
  if (st.isDirectory()) throw new InstallError(`${printable(path)}: a directory is in the way`);
  unlinkSync(dest);
}

export async function unpackPackage(ctx: UnpackContext, p: TxPackage, plan: FilePlan, payload: Map<number, Uint8Array>): Promise<void> {
  const files = p.pkg.files;
  const groupOf = new Map<number, number[]>();
  for (const g of hardlinkGroups(files)) for (const i of g) groupOf.set(i, g);
  const doneLinks = new Set<number>();
  const caps: Array<[string, string]> = [];
  for (let i = 0; i < files.length; i++) {
    if (plan.actions[i] !== 'create') continue;
    const f = files[i];
    const type = f.mode & S_IFMT;
    const o = ctx.accounts.owner(f.user, f.group, f.mode);
    for (const u of o.unknown) ctx.warnings.push(`${p.nevra}: ${u} does not exist - using root (${f.path})`);
    const meta: Meta = { uid: o.uid, gid: o.gid, mode: o.mode, mtime: f.mtime };
    if (f.path === '/') {
      setDirMeta(ctx.fs.root, meta);
      ctx.ownedDirMtime.set(ctx.fs.root, meta.mtime);
      continue;
    }
    const { dir, name } = ctx.fs.parent(f.path, true);
    const dest = join(ctx.fs.host(dir), name);
    switch (type) {
      case 0o040000:
        makeDir(ctx, f.path, dest, meta);
        break;
      case 0o120000: {
        const st = lstatSync(dest, { throwIfNoEntry: false });
        ctx.owned.set(dest, meta.mtime);
        if (st?.isSymbolicLink() && readlinkSync(dest, 'utf8') === f.linkTo) {
          lchownSync(dest, meta.uid, meta.gid);
          lutimesSync(dest, meta.mtime, meta.mtime);
          break;
        }
        clearWay(dest, f.path);
        if (st?.isSymbolicLink()) ctx.fs.invalidate();
        symlinkSync(f.linkTo, dest);
        lchownSync(dest, meta.uid, meta.gid);
        lutimesSync(dest, meta.mtime, meta.mtime);
        break;
      }
      case 0o100000: {
        const group = groupOf.get(i);
        if (group) {
          if (doneLinks.has(i)) break;
          writeLinkSet(ctx, p, plan, payload, group, meta);
          for (const k of group) doneLinks.add(k);
        } else {
          const data = payload.get(i);
          if (!data && f.size > 0) throw new InstallError(`${p.nevra}: ${printable(f.path)} is missing from the payload`);
          writeRegular(dest, f.path, data ?? new Uint8Array(0), meta, ctx.tmpSuffix);
          ctx.owned.set(dest, meta.mtime);
        }
        if (f.caps) caps.push([dest, f.caps]);
        if (group) for (const k of group) if (k !== i && plan.actions[k] === 'create' && files[k].caps) caps.push([hostOf(ctx, files[k].path), files[k].caps]);
        break;
      }
      case 0o020000:
      case 0o060000:
      case 0o010000:
        makeNode(dest, f.path, type, f.rdev, meta);
        ctx.owned.set(dest, meta.mtime);
        break;
      default:
        if (f.path !== '/dev/log') ctx.warnings.push(`${p.nevra}: ${f.path}: sockets are not created`);
    }
  }
  if (caps.length) await setFileCaps(caps);
}

function hostOf(ctx: UnpackContext, path: string): string {
  const { dir, name } = ctx.fs.parent(path, true);
  return join(ctx.fs.host(dir), name);
}

function setDirMeta(host: string, m: Meta): void {
  chownSync(host, m.uid, m.gid);
  chmodSync(host, m.mode & 0o7777);
  try {
    utimesSync(host, m.mtime, m.mtime);
  } catch {
    // rpm: a failed utime is not fatal for directories.
  }
}

function makeDir(ctx: UnpackContext, path: string, dest: string, m: Meta): void {
  const st = lstatSync(dest, { throwIfNoEntry: false });
  let target = dest;
  if (st?.isSymbolicLink()) {
    // rpm keeps a symlink to a directory where the package has a directory (/lib -> usr/lib) and
    // applies the directory's metadata to the target, which is resolved inside the root.
    const resolved = ctx.fs.hostPath(path, { followFinal: true });
    if (statSync(resolved, { throwIfNoEntry: false })?.isDirectory()) target = resolved;
    else {
      unlinkSync(dest);
      mkdirSync(dest, { mode: 0o700 });
      ctx.fs.invalidate();
    }
  } else if (st && !st.isDirectory()) {
    unlinkSync(dest);
    mkdirSync(dest, { mode: 0o700 });
  } else if (!st) mkdirSync(dest, { mode: 0o700 });
  setDirMeta(target, m);
  ctx.ownedDirMtime.set(target, m.mtime);
}

function makeNode(dest: string, path: string, type: number, rdev: number, m: Meta): void {
  clearWay(dest, path);
  const args = type === 0o010000 ? [dest, 'p'] : [dest, type === 0o020000 ? 'c' : 'b', String((rdev >> 8) & 0xff), String(rdev & 0xff)];
  const r = spawnSync('mknod', ['-m', '0600', ...args], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new InstallError(`${printable(path)}: mknod failed: ${(r.stderr || r.error?.message || '').trim()}`);
  lchownSync(dest, m.uid, m.gid);
  chmodSync(dest, m.mode & 0o7777);
  lutimesSync(dest, m.mtime, m.mtime);
}

/** A hard link set: one inode written once (data from whichever member carries it), the rest linked. */
function writeLinkSet(ctx: UnpackContext, p: TxPackage, plan: FilePlan, payload: Map<number, Uint8Array>, group: number[], m: Meta): void {
  const files = p.pkg.files;
  const size = files[group[0]].size;
  let data: Uint8Array | undefined;
  for (const k of group) {
    const d = payload.get(k);
    if (d && d.length === size) data = d;
  }
  if (!data && size > 0) throw new InstallError(`${p.nevra}: hard link set of ${printable(files[group[0]].path)} has no data in the payload`);
  const members = group.filter((k) => plan.actions[k] === 'create').sort((a, b) => a - b);
  let first: string | undefined;
  for (const k of members) {
    const dest = hostOf(ctx, files[k].path);
    ctx.owned.set(dest, m.mtime);
    if (first === undefined) {
      writeRegular(dest, files[k].path, data ?? new Uint8Array(0), m, ctx.tmpSuffix);
      first = dest;
    } else linkInto(first, dest, files[k].path, ctx.tmpSuffix);
  }
}
