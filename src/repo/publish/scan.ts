// Finding the packages of a repository directory: every *.rpm below it, except under repodata/
// and hidden directories. Symlinks are followed only when they stay inside the directory, so a
// link cannot smuggle a file from elsewhere into published metadata. Synchronous calls: stat of a
// local file is quicker done than queued on the thread pool, and there is nothing to overlap with.

import { type Dirent, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { RepoFormatError } from '../model.ts';

export interface ScannedPackage {
  /** Absolute path. */
  path: string;
  /** Path relative to the repository root with `/` separators: the `<location href>`. */
  location: string;
  size: number;
  /** Seconds, as createrepo_c compares and writes `<time file>`. */
  mtime: number;
}

function inside(root: string, p: string): boolean {
  const r = relative(root, p);
  return r !== '' && !r.startsWith('..') && !r.startsWith(sep);
}

/** Lists packages sorted by location (byte order), so output does not depend on directory order. */
export async function scanPackages(dir: string, excludes: string[] = []): Promise<ScannedPackage[]> {
  let root: string;
  try {
    root = realpathSync(dir);
  } catch {
    throw new RepoFormatError(`${dir}: no such directory`);
  }
  const excluded = excludes.map(globToRegExp);
  const out: ScannedPackage[] = [];
  // `rel` is d's location prefix ("" or "sub/dir/"): cheaper than path.relative per package.
  const walk = async (d: string, rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch (e) {
      throw new RepoFormatError(`${d}: cannot read directory (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (d === root && e.name === 'repodata') continue;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        let real: string;
        try {
          real = realpathSync(p);
        } catch {
          continue; // dangling link
        }
        if (!inside(root, real)) continue;
        const st = statSync(real);
        isDir = st.isDirectory();
        isFile = st.isFile();
        if (isDir) continue; // directory links could loop; their packages are found where they live
      }
      if (isDir) await walk(p, `${rel}${e.name}/`);
      else if (isFile && e.name.endsWith('.rpm')) {
        const location = rel + e.name;
        if (excluded.some((r) => r.test(location) || r.test(e.name))) continue;
        const st = statSync(p);
        out.push({ path: p, location, size: st.size, mtime: Math.floor(st.mtimeMs / 1000) });
      }
    }
  };
  await walk(root, '');
  out.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
  return out;
}

/** Shell-style glob (`*`, `?`) as createrepo_c's --excludes takes them. */
function globToRegExp(glob: string): RegExp {
  const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`);
}
