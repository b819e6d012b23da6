// The content directory of a filesystem partition, listed once in a fixed (byte-sorted, parents
// first) order: for sizing a partition to its content, and for the tools that take files one by
// one (mtools, debugfs fix-ups).

import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DiskImageError } from './model.ts';

export interface TreeEntry {
  /** Relative path with '/' separators, no leading '/'. */
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  /** Seconds. */
  mtime: number;
  /** "dev:ino", to count hard links once. */
  inode: string;
}

export interface TreeSummary {
  entries: TreeEntry[];
  /** Bytes of regular-file data counted in 4 KiB blocks (hard links once), plus one block per directory. */
  blockBytes: number;
  /** Bytes of regular-file data. */
  dataBytes: number;
  /** Inodes the tree needs (hard links once). */
  inodes: number;
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export async function checkContentDir(dir: string, context: string): Promise<void> {
  const top = await lstat(dir).catch(() => undefined);
  if (!top?.isDirectory()) throw new DiskImageError(`${context}: content directory ${dir} does not exist or is not a directory`);
}

export async function walkContent(dir: string, context: string): Promise<TreeSummary> {
  await checkContentDir(dir, context);
  const entries: TreeEntry[] = [];
  const seen = new Set<string>();
  let blockBytes = 4096;
  let dataBytes = 0;
  let inodes = 1;
  const visit = async (rel: string): Promise<void> => {
    const names = (await readdir(join(dir, rel))).sort(byBytes);
    for (const name of names) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const st = await lstat(join(dir, path));
      const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
      const inode = `${st.dev}:${st.ino}`;
      entries.push({ path, type, size: st.size, mtime: Math.floor(st.mtimeMs / 1000), inode });
      if (!seen.has(inode)) {
        seen.add(inode);
        inodes++;
        if (type === 'file') {
          dataBytes += st.size;
          blockBytes += Math.ceil(st.size / 4096) * 4096;
        } else if (type === 'dir' || (type === 'symlink' && st.size >= 60)) {
          blockBytes += 4096;
        }
      }
      if (type === 'dir') await visit(path);
    }
  };
  await visit('');
  return { entries, blockBytes, dataBytes, inodes };
}
