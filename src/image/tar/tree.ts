// A directory tree as tar entries in a fixed order: depth first, each directory's children by
// the bytes of their UTF-8 names. Everything an entry carries comes from lstat (numeric owners,
// permission bits, clamped mtime, device numbers) and getfattr; hard links become link entries to
// the first path of their set. Only one directory listing per level is held at a time.

import { type BigIntStats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type TarHeaderInput, type TarItemType, TarWriteError } from './header.ts';
import { HOST_XATTRS, type Xattrs, readTreeXattrs } from './xattr.ts';

/** One archive entry; its body (regular files) comes from `source` on disk or from `content`. */
export interface TarItem extends TarHeaderInput {
  source?: string;
  content?: Buffer;
}

/** A file that is not on disk but goes into the archive (or replaces the one on disk). */
export interface ExtraFile {
  /** Relative archive path, e.g. "etc/wsl.conf"; its parent must be a directory in the tree. */
  path: string;
  content: Buffer | string;
  /** Default 0644, owner 0:0, mtime SOURCE_DATE_EPOCH (else now). */
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
}

export interface TreeWalkOptions {
  /** Reproducible builds: mtimes later than this (seconds) are clamped to it. */
  sourceDateEpoch?: number;
  /** 'image' (default): every xattr except build-host ones (security.selinux); 'none': no xattrs. */
  xattrs?: 'image' | 'none';
  extraFiles?: readonly ExtraFile[];
  /** Sees every entry before it is written; throw to refuse one. */
  check?: (item: TarItem) => void;
  /** Sockets (and anything tar cannot hold) are left out and reported here. */
  onSkip?: (path: string, reason: string) => void;
}

const S_IFMT = 0o170000n;
const TYPES = new Map<bigint, TarItemType | 'socket'>([
  [0o100000n, 'file'], [0o040000n, 'dir'], [0o120000n, 'symlink'], [0o020000n, 'char'],
  [0o060000n, 'block'], [0o010000n, 'fifo'], [0o140000n, 'socket'],
]);

/** Linux's dev_t encoding (glibc gnu_dev_major/minor). */
export function deviceNumbers(rdev: bigint): { major: number; minor: number } {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return { major: Number(major), minor: Number(minor) };
}

function clampMtime(st: BigIntStats, sde: number | undefined): number {
  const secs = Number(st.mtimeNs / 1_000_000_000n) - (st.mtimeNs < 0n && st.mtimeNs % 1_000_000_000n !== 0n ? 1 : 0);
  const clamped = sde !== undefined && secs > sde ? sde : secs;
  return Math.max(0, clamped);
}

function checkExtraPath(p: string): string {
  const parts = p.split('/');
  if (p === '' || p.startsWith('/') || parts.some((c) => c === '' || c === '.' || c === '..')) {
    throw new TarWriteError(`extra file "${p}": expected a relative, normalised path like "etc/wsl.conf"`);
  }
  return p;
}

function byteOrder(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}

/** Walks `root` (whose own entry is not emitted) into tar items. */
export async function* walkTree(root: string, opts: TreeWalkOptions = {}): AsyncGenerator<TarItem> {
  const abs = resolve(root);
  const rootStat = await lstat(abs, { bigint: true }).catch(() => undefined);
  if (!rootStat?.isDirectory()) throw new TarWriteError(`${root}: not a directory`);
  const sde = opts.sourceDateEpoch;
  const xattrMode = opts.xattrs ?? 'image';
  const xattrs = xattrMode === 'none' ? new Map<string, Xattrs>() : await readTreeXattrs(abs);
  const now = Math.floor(Date.now() / 1000);

  // Extras grouped by parent directory; each must be emitted by the end of the walk.
  const extras = new Map<string, Map<string, ExtraFile>>();
  for (const x of opts.extraFiles ?? []) {
    const p = checkExtraPath(x.path);
    const slash = p.lastIndexOf('/');
    const parent = slash < 0 ? '' : p.slice(0, slash);
    const group = extras.get(parent) ?? new Map<string, ExtraFile>();
    if (group.has(p)) throw new TarWriteError(`extra file "${p}" given twice`);
    group.set(p, x);
    extras.set(parent, group);
  }
  const firstOfInode = new Map<string, string>();

  function imageXattrs(path: string): Xattrs | undefined {
    const list = xattrs.get(path)?.filter(([n]) => !HOST_XATTRS.includes(n));
    return list && list.length > 0 ? list : undefined;
  }

  function extraItem(rel: string, x: ExtraFile): TarItem {
    const content = typeof x.content === 'string' ? Buffer.from(x.content, 'utf8') : x.content;
    const mtime = x.mtime ?? sde ?? now;
    return { path: rel, type: 'file', mode: x.mode ?? 0o644, uid: x.uid ?? 0, gid: x.gid ?? 0, size: content.length, mtime, content };
  }

  async function* walkDir(dirAbs: string, dirRel: string): AsyncGenerator<TarItem> {
    const names = (await readdir(dirAbs, { encoding: 'buffer' })) as Buffer[];
    const here = extras.get(dirRel);
    const byName = new Map<string, Buffer>();
    for (const raw of names) {
      const name = raw.toString('utf8');
      if (!Buffer.from(name, 'utf8').equals(raw)) {
        throw new TarWriteError(`${join(dirAbs, name)}: file name is not valid UTF-8`);
      }
      byName.set(name, raw);
    }
    for (const p of here?.keys() ?? []) {
      const name = p.slice(p.lastIndexOf('/') + 1);
      if (!byName.has(name)) byName.set(name, Buffer.from(name, 'utf8'));
    }
    const sorted = [...byName.entries()].sort((a, b) => byteOrder(a[1], b[1]));
    extras.delete(dirRel);

    for (const [name] of sorted) {
      const rel = dirRel === '' ? name : `${dirRel}/${name}`;
      const childAbs = join(dirAbs, name);
      const extra = here?.get(rel);
      const st = await lstat(childAbs, { bigint: true }).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' && extra) return undefined;
        throw e;
      });
      if (extra) {
        if (st?.isDirectory()) throw new TarWriteError(`extra file "${rel}": a directory of that name is in the tree`);
        const item = extraItem(rel, extra);
        opts.check?.(item);
        yield item;
        continue;
      }
      if (!st) continue;
      const type = TYPES.get(st.mode & S_IFMT);
      if (type === undefined || type === 'socket') {
        opts.onSkip?.(rel, type === 'socket' ? 'socket' : 'unknown file type');
        continue;
      }
      const item: TarItem = {
        path: rel,
        type,
        mode: Number(st.mode & 0o7777n),
        uid: Number(st.uid),
        gid: Number(st.gid),
        size: 0,
        mtime: clampMtime(st, sde),
      };
      const x = imageXattrs(childAbs);
      if (x) item.xattrs = x;
      if (type === 'file') {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1n ? firstOfInode.get(key) : undefined;
        if (first !== undefined) {
          // The inode's attributes travel with the first entry of the set.
          item.type = 'hardlink';
          item.linkname = first;
          delete item.xattrs;
        } else {
          if (st.nlink > 1n) firstOfInode.set(key, rel);
          item.size = Number(st.size);
          item.source = childAbs;
        }
      } else if (type === 'symlink') {
        const target = await readlink(childAbs, { encoding: 'buffer' });
        item.linkname = target.toString('utf8');
        if (!Buffer.from(item.linkname, 'utf8').equals(target)) throw new TarWriteError(`${childAbs}: link target is not valid UTF-8`);
      } else if (type === 'char' || type === 'block') {
        const { major, minor } = deviceNumbers(st.rdev);
        item.devmajor = major;
        item.devminor = minor;
      }
      opts.check?.(item);
      yield item;
      if (type === 'dir') yield* walkDir(childAbs, rel);
    }
  }

  yield* walkDir(abs, '');
  const missing = [...extras.values()].flatMap((g) => [...g.keys()]);
  if (missing.length > 0) throw new TarWriteError(`extra file "${missing[0]}": its parent directory is not in the tree`);
}
