// From a directory tree plus per-path overrides to the package's file list, with the attributes
// rpmbuild's %files processing gives each entry (build/files.c addFile/genCpioListAndHeader):
// sorted paths, flags, verify flags, link targets, sizes, clamped mtimes, index-based inodes.

import type { Stats } from 'node:fs';
import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { FileFlag } from '../model.ts';
import { PackInputError } from './deps.ts';
import type { FileOverride } from './spec.ts';

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;

/** rpmverify.h bits a %ghost drops: digest, size, link target, mtime. */
const GHOST_NOVERIFY = 1 | 2 | 4 | 32;

/** %__docdir_path with Fedora's directories: anything below is %doc automatically. */
const DOC_DIRS = [
  '/usr/share/doc', '/usr/share/man', '/usr/share/info', '/usr/share/gtk-doc/html', '/usr/share/gnome/help',
  '/usr/share/javadoc', '/usr/doc', '/usr/man', '/usr/info', '/usr/X11R6/man',
];

const OVERRIDE_KEYS = new Set(['config', 'doc', 'license', 'ghost', 'dir', 'mode', 'user', 'group', 'caps']);

export interface TreeFile {
  path: string;
  /** Absolute path on disk; undefined for a %ghost that does not exist in the tree. */
  diskPath?: string;
  mode: number;
  size: number;
  mtime: number;
  user: string;
  group: string;
  flags: number;
  verifyFlags: number;
  linkTo: string;
  caps: string;
  /** FILEINODES: index+1 of the first entry of its hard-link set (rpmbuild's remapping). */
  inode: number;
  /** FILEDEVICES: 1 for files that exist, 0 for faked %ghost entries. */
  device: number;
  /** Header indexes of the hard-link set this regular file belongs to ([] when none). */
  links: number[];
}

interface Found {
  rel: string;
  abs: string;
  st: Stats;
  children: number;
}

/** Validates an override key: absolute, normalised, inside the tree. */
export function checkPackagePath(field: string, p: string): string {
  if (!p.startsWith('/')) throw new PackInputError(`${field}: "${p}" must be an absolute path inside the package`);
  const parts = p.split('/').slice(1);
  if (p !== '/' && p.endsWith('/')) parts.pop();
  if (parts.some((c) => c === '..')) throw new PackInputError(`${field}: "${p}" escapes the package tree`);
  if (parts.some((c) => c === '' || c === '.')) throw new PackInputError(`${field}: "${p}" is not a normalised path`);
  const bad = [...p].find((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (bad !== undefined) throw new PackInputError(`${field}: "${JSON.stringify(p)}" contains a control character`);
  return `/${parts.join('/')}`;
}

function parseMode(field: string, m: string | number): number {
  const v = typeof m === 'number' ? m : /^0?[0-7]{3,4}$/.test(m) ? parseInt(m, 8) : NaN;
  if (!Number.isInteger(v) || v < 0 || v > 0o7777) throw new PackInputError(`${field}: invalid mode "${m}" (octal like "0755")`);
  return v;
}

function checkOwner(field: string, v: unknown): string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/.test(v)) {
    throw new PackInputError(`${field}: invalid user or group name "${String(v)}"`);
  }
  return v;
}

const CAPS_CLAUSE = /^(all|cap_[a-z_]+)(,cap_[a-z_]+)*([=+-][eip]*)+$/;

function checkOverride(field: string, o: FileOverride): void {
  if (typeof o !== 'object' || o === null) throw new PackInputError(`${field}: expected a table of attributes`);
  for (const k of Object.keys(o)) if (!OVERRIDE_KEYS.has(k)) throw new PackInputError(`${field}.${k}: unknown file attribute`);
  for (const k of ['doc', 'license', 'ghost', 'dir'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new PackInputError(`${field}.${k}: expected true or false`);
  }
  if (o.config !== undefined && ![true, false, 'noreplace', 'missingok'].includes(o.config)) {
    throw new PackInputError(`${field}.config: expected true, "noreplace" or "missingok"`);
  }
  if (o.caps !== undefined && (typeof o.caps !== 'string' || !o.caps.trim().split(/\s+/).every((c) => CAPS_CLAUSE.test(c)))) {
    throw new PackInputError(`${field}.caps: invalid capability text "${String(o.caps)}" (e.g. "cap_net_raw=ep")`);
  }
}

async function walk(root: string): Promise<Found[]> {
  const out: Found[] = [];
  const visit = async (abs: string, rel: string, parent: Found | undefined): Promise<void> => {
    const names = (await readdir(abs)).sort();
    if (parent) parent.children = names.length;
    for (const n of names) {
      const childAbs = join(abs, n);
      const f: Found = { rel: `${rel}/${n}`, abs: childAbs, st: await lstat(childAbs), children: 0 };
      out.push(f);
      if (f.st.isDirectory()) await visit(childAbs, f.rel, f);
    }
  };
  await visit(root, '', undefined);
  return out;
}

const utf8 = new TextEncoder();
const byPath = (a: { path: string }, b: { path: string }): number =>
  Buffer.compare(utf8.encode(a.path), utf8.encode(b.path));

export interface TreeOptions {
  /** SOURCE_DATE_EPOCH: mtimes above it are clamped (%clamp_mtime_to_source_date_epoch). */
  clampMtime?: number;
  /** mtime of faked %ghost entries (rpmbuild uses the build time). */
  buildTime: number;
}

/** Scans `root` and applies `overrides`; returns the header file list in rpm's order. */
export async function scanTree(
  root: string,
  overrides: Record<string, FileOverride>,
  opts: TreeOptions,
): Promise<TreeFile[]> {
  const rootAbs = resolve(root);
  const rs = await stat(rootAbs).catch(() => undefined);
  if (!rs?.isDirectory()) throw new PackInputError(`root: "${root}" is not a directory`);
  const ov = new Map<string, FileOverride>();
  for (const [k, o] of Object.entries(overrides)) {
    const field = `files."${k}"`;
    checkOverride(field, o);
    ov.set(checkPackagePath(field, k), o);
  }
  const found = await walk(rootAbs);
  const seen = new Set<string>();
  const files: Array<TreeFile & { dev: number; ino: number; nlink: number }> = [];
  for (const f of found) {
    const path = f.rel;
    const o = ov.get(path);
    seen.add(path);
    const field = `files."${path}"`;
    const bad = [...path].find((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
    if (bad !== undefined) throw new PackInputError(`root: file name ${JSON.stringify(path)} contains a control character`);
    const st = f.st;
    if (st.isDirectory()) {
      // Owned when listed in [files] (unless dir = false) or when empty, since nothing else
      // would carry it into the package.
      if (!(o?.dir ?? (o !== undefined || f.children === 0))) continue;
    } else if (!st.isFile() && !st.isSymbolicLink()) {
      throw new PackInputError(`root: "${path}" is a special file (only files, directories and symlinks can be packaged)`);
    }
    let linkTo = '';
    if (st.isSymbolicLink()) {
      linkTo = await readlink(f.abs);
      if (isAbsolute(linkTo) && (linkTo === rootAbs || linkTo.startsWith(rootAbs + sep))) {
        throw new PackInputError(`root: symlink "${path}" points into the build tree (${linkTo})`);
      }
      if (o?.mode !== undefined) throw new PackInputError(`${field}.mode: a mode does not apply to a symlink`);
    }
    files.push({
      ...attributes(field, path, o, st.mode, st.isDirectory()),
      diskPath: f.abs,
      size: st.isDirectory() ? 0 : st.isSymbolicLink() ? utf8.encode(linkTo).length : st.size,
      mtime: clamp(Math.floor(st.mtimeMs / 1000), opts.clampMtime),
      linkTo,
      inode: 0,
      device: 1,
      links: [],
      dev: st.dev,
      ino: st.ino,
      nlink: st.nlink,
    });
  }
  for (const [path, o] of ov) {
    if (seen.has(path)) continue;
    const field = `files."${path}"`;
    if (!o.ghost) throw new PackInputError(`${field}: not found in root "${root}" (only a %ghost may be missing)`);
    // rpmbuild fakes a stat for missing ghosts; default permissions stand in for %attr.
    const type = o.dir ? S_IFDIR : S_IFREG;
    files.push({
      ...attributes(field, path, o, type | (o.dir ? 0o755 : 0o644), !!o.dir),
      size: 0, mtime: clamp(opts.buildTime, opts.clampMtime), linkTo: '', inode: 0, device: 0, links: [],
      dev: 0, ino: 0, nlink: 1,
    });
  }
  files.sort(byPath);
  assignInodes(files);
  return files.map(({ dev: _d, ino: _i, nlink: _n, ...f }) => f);
}

function clamp(mtime: number, limit: number | undefined): number {
  return limit !== undefined && mtime > limit ? limit : mtime;
}

function attributes(field: string, path: string, o: FileOverride | undefined, stMode: number, isDir: boolean) {
  let mode = stMode & 0o177777;
  if (o?.mode !== undefined) mode = (mode & S_IFMT) | parseMode(`${field}.mode`, o.mode);
  let flags = 0;
  if (o?.config) flags |= FileFlag.CONFIG | (o.config === 'noreplace' ? FileFlag.NOREPLACE : 0) | (o.config === 'missingok' ? FileFlag.MISSINGOK : 0);
  if (o?.doc) flags |= FileFlag.DOC;
  if (o?.license) flags |= FileFlag.LICENSE;
  if (o?.ghost) flags |= FileFlag.GHOST;
  if (!isDir && DOC_DIRS.some((d) => path.startsWith(`${d}/`))) flags |= FileFlag.DOC;
  // build/files.c: directories never carry %config/%doc/%license.
  if (isDir) flags &= ~(FileFlag.CONFIG | FileFlag.DOC | FileFlag.LICENSE | FileFlag.NOREPLACE | FileFlag.MISSINGOK);
  if (o?.caps !== undefined && (mode & S_IFMT) !== S_IFREG) throw new PackInputError(`${field}.caps: capabilities only apply to regular files`);
  if (o?.dir && !isDir) throw new PackInputError(`${field}.dir: "${path}" is not a directory`);
  return {
    path,
    mode,
    user: o?.user !== undefined ? checkOwner(`${field}.user`, o.user) : 'root',
    group: o?.group !== undefined ? checkOwner(`${field}.group`, o.group) : 'root',
    flags,
    verifyFlags: o?.ghost ? ~GHOST_NOVERIFY >>> 0 : 0xffffffff,
    caps: o?.caps?.trim() ?? '',
  };
}

/**
 * FILEINODES/links: rpmbuild numbers each entry index+1 and gives every later member of a hard-link
 * set (same dev+ino, equal nlink > 1, file or symlink) the number of the first (files.c
 * seenHardLink); rpm then treats regular non-ghost files sharing a number as one set
 * (rpmfi.c rpmfilesBuildNLink).
 */
function assignInodes(files: Array<TreeFile & { dev: number; ino: number; nlink: number }>): void {
  const first = new Map<string, number>();
  files.forEach((f, i) => {
    f.inode = i + 1;
    const t = f.mode & S_IFMT;
    if (!f.device || f.nlink < 2 || (t !== S_IFREG && t !== S_IFLNK)) return;
    const key = `${f.dev}:${f.ino}:${f.nlink}`;
    const k = first.get(key);
    if (k === undefined) first.set(key, i);
    else f.inode = k + 1;
  });
  const sets = new Map<number, number[]>();
  files.forEach((f, i) => {
    if ((f.mode & S_IFMT) !== S_IFREG || f.flags & FileFlag.GHOST) return;
    const s = sets.get(f.inode);
    if (s) s.push(i);
    else sets.set(f.inode, [i]);
  });
  for (const s of sets.values()) {
    if (s.length < 2) continue;
    const a = files[s[0]];
    for (const i of s) {
      const b = files[i];
      // One inode has one mode/owner/capability set: rpm would install whichever comes last and
      // then report the others as modified by rpm -V.
      if (b.mode !== a.mode || b.user !== a.user || b.group !== a.group || b.caps !== a.caps) {
        throw new PackInputError(`files."${b.path}": hard link of "${a.path}" with a different mode, owner or capabilities`);
      }
      b.links = s;
    }
  }
}
