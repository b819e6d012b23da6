// File filters (--file, file names as specs, whatprovides' file fallback): a scan over package file
// lists, since a path table for a full distribution would take seconds to build.

import { globRegExp } from './glob.ts';
import { pathKey, type PackageIndex } from './package-index.ts';
import type { Sel } from './selection.ts';

// The literal text before a glob's first special character: a cheap test before the RegExp.
export function literalPrefix(glob: string): string {
  const k = glob.search(/[*?[\\]/);
  return k < 0 ? glob : glob.slice(0, k);
}

// Source packages list their files without a directory ("foo.spec"); libsolv files them under '/'.
export function absPath(path: string): string {
  return path.charCodeAt(0) === 0x2f ? path : `/${path}`;
}

/** Packages (within `within`, if given) owning a file matching one of the globs. */
export function fileSel(ix: PackageIndex, globs: readonly string[], within?: Sel): Sel {
  const out = new Uint8Array(ix.packages.length);
  const exact: string[] = [];
  const patterns: Array<{ prefix: string; re: RegExp }> = [];
  for (const g of globs) {
    // libdnf drops a trailing '/' of a file pattern.
    const glob = g.length > 1 && g.endsWith('/') ? g.slice(0, -1) : g;
    if (/[*?[\\]/.test(glob)) patterns.push({ prefix: literalPrefix(glob), re: globRegExp(glob) });
    else exact.push(glob);
  }
  // The pathKey test first: most of the (possibly millions of) paths are never hashed.
  const keys = new Set(exact.map(pathKey));
  const exactSet = new Set(exact);
  const hit = (path: string): boolean => {
    if (keys.has(pathKey(path)) && exactSet.has(path)) return true;
    for (const g of patterns) if (path.startsWith(g.prefix) && g.re.test(path)) return true;
    return false;
  };
  ix.packages.forEach((p, i) => {
    if (within && !within[i]) return;
    for (const f of p.files) {
      if (hit(absPath(f.path))) {
        out[i] = 1;
        return;
      }
    }
  });
  return out;
}
