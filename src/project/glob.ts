// Glob patterns as azldev uses them (doublestar): `*`, `?`, `[…]` and `{a,b}` within one path
// segment, `**` for any number of directories. Expansion lists files only, sorted.

import { readdirSync, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';

/** Whether `s` is a pattern rather than a literal path (azldev: contains `*`, `?` or `[`). */
export function isGlobPattern(s: string): boolean {
  return /[*?[]/.test(s);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+^${}()|\\]/g, '\\$&');
}

/** A regular expression for one path segment's pattern. */
function segmentSource(seg: string): string {
  let out = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '\\' && i + 1 < seg.length) out += escapeRegExp(seg[++i]);
    else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        let body = seg.slice(i + 1, end);
        if (body.startsWith('!') || body.startsWith('^')) body = `^${body.slice(1)}`;
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = seg.indexOf('}', i);
      if (end < 0) out += '\\{';
      else {
        out += `(?:${seg
          .slice(i + 1, end)
          .split(',')
          .map((alt) => segmentSource(alt))
          .join('|')})`;
        i = end;
      }
    } else out += escapeRegExp(c);
  }
  return out;
}

const segmentCache = new Map<string, RegExp>();
function segmentRegExp(seg: string): RegExp {
  let re = segmentCache.get(seg);
  if (!re) {
    re = new RegExp(`^${segmentSource(seg)}$`);
    segmentCache.set(seg, re);
  }
  return re;
}

/** Whether a slash-separated path matches a pattern (both absolute, or both relative). */
export function globMatch(pattern: string, path: string): boolean {
  const p = pattern.split('/');
  const s = path.split('/');
  const match = (pi: number, si: number): boolean => {
    if (pi === p.length) return si === s.length;
    if (p[pi] === '**') {
      for (let k = si; k <= s.length; k++) if (match(pi + 1, k)) return true;
      return false;
    }
    return si < s.length && segmentRegExp(p[pi]).test(s[si]) && match(pi + 1, si + 1);
  };
  return match(0, 0);
}

/** Directory listings are cached per expansion call chain: many components glob the same directory. */
export type DirCache = Map<string, Dirent[] | null>;

function list(dir: string, cache: DirCache): Dirent[] | null {
  let entries = cache.get(dir);
  if (entries === undefined) {
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      entries = null;
    }
    cache.set(dir, entries);
  }
  return entries;
}

function isDir(dir: string, e: Dirent): boolean {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  try {
    return statSync(join(dir, e.name)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The files matching `pattern` (relative patterns are taken from `baseDir`), as sorted absolute
 * paths. A literal pattern yields the file if it exists.
 */
export function expandGlob(baseDir: string, pattern: string, cache: DirCache = new Map()): string[] {
  const abs = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
  const segs = abs.split(sep).filter((s, i) => s !== '' || i === 0);
  // The literal prefix is walked directly; matching starts at the first pattern segment.
  let first = segs.findIndex((s) => isGlobPattern(s) || /[{]/.test(s));
  if (first < 0) first = segs.length;
  const root = segs.slice(0, first).join(sep) || sep;
  const rest = segs.slice(first);
  const out = new Set<string>();
  if (rest.length === 0) {
    try {
      if (statSync(root).isFile()) out.add(root);
    } catch {
      // missing: no match
    }
    return [...out];
  }
  const walk = (dir: string, pi: number): void => {
    if (pi === rest.length) return;
    const seg = rest[pi];
    const entries = list(dir, cache);
    if (!entries) return;
    const last = pi === rest.length - 1;
    if (seg === '**' && last) {
      // A trailing `**` matches every file below.
      for (const e of entries) {
        if (isDir(dir, e)) walk(join(dir, e.name), pi);
        else out.add(join(dir, e.name));
      }
      return;
    }
    if (seg === '**') {
      // Zero directories…
      walk(dir, pi + 1);
      // …or one more, then still inside `**`.
      for (const e of entries) if (isDir(dir, e)) walk(join(dir, e.name), pi);
      return;
    }
    const re = segmentRegExp(seg);
    for (const e of entries) {
      if (!re.test(e.name)) continue;
      const path = join(dir, e.name);
      const directory = isDir(dir, e);
      if (last) {
        if (!directory) out.add(path);
      } else if (directory) walk(path, pi + 1);
    }
  };
  walk(root, 0);
  return [...out].sort();
}
