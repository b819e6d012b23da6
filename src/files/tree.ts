// Listing a directory tree without leaving it. Node's readdir({ recursive: true }) follows symlinks
// to directories — through an absolute link in an image root or a source tree it walks the build
// host (and loops on a link to a parent) — so trees are listed here, one level at a time, entering
// only real directories. Symlinks are listed, never followed.

import type { Dirent } from 'node:fs';
import { readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Every entry below `dir` (parents before children), like readdir's recursive mode but never through a symlink. */
export async function readTree(dir: string): Promise<Dirent[]> {
  const out: Dirent[] = [];
  const visit = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      out.push(e);
      if (e.isDirectory()) await visit(join(d, e.name));
    }
  };
  await visit(dir);
  return out;
}

/** readTree, synchronously. */
export function readTreeSync(dir: string): Dirent[] {
  const out: Dirent[] = [];
  const visit = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      out.push(e);
      if (e.isDirectory()) visit(join(d, e.name));
    }
  };
  visit(dir);
  return out;
}
