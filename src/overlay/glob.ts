// Glob patterns as azldev's doublestar library reads them: `*` and `?` stay within one path
// segment (dot files included), `**` as a whole segment spans any number of directories (zero
// included), `[abc]`/`[!a-z]`/`[^a-z]` classes, `{a,b}` alternatives, `\` escapes. A `**` that is
// not a whole segment acts as `*`.

import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export class GlobError extends Error {
  override name = 'GlobError';
}

function escapeRe(ch: string): string {
  return /[\\^$.*+?()[\]{}|-]/.test(ch) ? `\\${ch}` : ch;
}

/** Compiles a doublestar pattern to an anchored RegExp over '/'-separated relative paths. */
export function globToRegExp(pattern: string): RegExp {
  let i = 0;
  const n = pattern.length;

  function parse(inBraces: boolean): string {
    let out = '';
    while (i < n) {
      const ch = pattern[i];
      if (inBraces && (ch === ',' || ch === '}')) return out;
      if (ch === '}') throw new GlobError(`invalid glob ${JSON.stringify(pattern)}: } without {`);
      const segStart = i === 0 || pattern[i - 1] === '/';
      if (ch === '*' && pattern[i + 1] === '*' && segStart && (i + 2 === n || pattern[i + 2] === '/')) {
        if (i + 2 === n) {
          // Trailing `**`: everything below (and, after a '/', the directory itself).
          if (out.endsWith('/')) out = `${out.slice(0, -1)}(?:/.*)?`;
          else out += '.*';
          i += 2;
        } else {
          out += '(?:.*/)?';
          i += 3;
        }
        continue;
      }
      if (ch === '*') {
        while (pattern[i] === '*') i++;
        out += '[^/]*';
        continue;
      }
      if (ch === '?') {
        out += '[^/]';
        i++;
        continue;
      }
      if (ch === '\\') {
        if (i + 1 >= n) throw new GlobError(`invalid glob ${JSON.stringify(pattern)}: trailing backslash`);
        out += escapeRe(pattern[i + 1]);
        i += 2;
        continue;
      }
      if (ch === '[') {
        out += parseClass();
        continue;
      }
      if (ch === '{') {
        i++;
        const alts: string[] = [];
        for (;;) {
          alts.push(parse(true));
          if (i >= n) throw new GlobError(`invalid glob ${JSON.stringify(pattern)}: missing }`);
          if (pattern[i++] === '}') break;
        }
        out += `(?:${alts.join('|')})`;
        continue;
      }
      out += escapeRe(ch);
      i++;
    }
    return out;
  }

  function parseClass(): string {
    i++; // [
    let negate = false;
    if (pattern[i] === '!' || pattern[i] === '^') {
      negate = true;
      i++;
    }
    if (pattern[i] === ']') throw new GlobError(`invalid glob ${JSON.stringify(pattern)}: empty character class`);
    let body = '';
    for (;;) {
      if (i >= n) throw new GlobError(`invalid glob ${JSON.stringify(pattern)}: missing ]`);
      let ch = pattern[i];
      if (ch === ']') {
        i++;
        break;
      }
      if (ch === '\\') {
        i++;
        if (i >= n) throw new GlobError(`invalid glob ${JSON.stringify(pattern)}: trailing backslash`);
        ch = pattern[i];
      }
      body += escapeRe(ch);
      i++;
      if (pattern[i] === '-' && i + 1 < n && pattern[i + 1] !== ']') {
        i++;
        let hi = pattern[i];
        if (hi === '\\') hi = pattern[++i] ?? '';
        if (hi < ch) throw new GlobError(`invalid glob ${JSON.stringify(pattern)}: bad range ${ch}-${hi}`);
        body += `-${escapeRe(hi)}`;
        i++;
      }
    }
    // A class never matches the path separator.
    return negate ? `[^/${body}]` : `(?:(?!/)[${body}])`;
  }

  const source = parse(false);
  if (i < n) throw new GlobError(`invalid glob ${JSON.stringify(pattern)}: unexpected ${pattern[i]}`);
  return new RegExp(`^${source}$`, 's');
}

/** True when `pattern` is a syntactically valid glob (doublestar.ValidatePattern). */
export function isValidGlob(pattern: string): boolean {
  try {
    globToRegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Whether the string has glob metacharacters at all (azldev: any of `*?[`). */
export function hasGlobMeta(s: string): boolean {
  return /[*?[]/.test(s);
}

export interface WalkedFile {
  /** '/'-separated path relative to the walk root. */
  path: string;
  symlink: boolean;
}

/**
 * Regular files and symlinks under `root`, depth-first in name order (directories' own entries
 * come before their contents, like Go's WalkDir). Symlinks are reported, never followed.
 * `skipDir(relPath)` prunes directories.
 */
export async function walkFiles(root: string, skipDir: (rel: string) => boolean = () => false): Promise<WalkedFile[]> {
  const out: WalkedFile[] = [];
  async function visit(rel: string): Promise<void> {
    const entries = await readdir(rel === '' ? root : join(root, rel), { withFileTypes: true });
    entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    for (const e of entries) {
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (!skipDir(p)) await visit(p);
      } else if (e.isSymbolicLink()) {
        out.push({ path: p, symlink: true });
      } else if (e.isFile()) {
        out.push({ path: p, symlink: false });
      }
    }
  }
  await visit('');
  return out;
}

/** True when `rel` is inside a `.git` directory (which file overlays never touch). */
export function isGitInternal(rel: string): boolean {
  return rel.startsWith('.git/') || rel.includes('/.git/');
}

/** Index of the first unescaped `*?[{`, or -1 (doublestar's indexMeta). */
function indexMeta(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '*' || c === '?' || c === '[' || c === '{') return i;
    if (c === '\\') i++;
  }
  return -1;
}

/** doublestar's unescapeMeta: only `\*` `\?` `\[` `\]` `\{` `\}` lose their backslash. */
function unescapeMeta(s: string): string {
  return s.replace(/\\([*?[\]{}])/g, '$1');
}

/**
 * A path predicate with doublestar.Glob's semantics, which differ from Match's for the part of the
 * pattern before its first wildcard: there a backslash only escapes a wildcard character, so
 * `run-vmblock\x2dfuse.mount` (a real AZL overlay) names the file with that backslash in it.
 */
export function fileGlobMatcher(pattern: string): (path: string) => boolean {
  globToRegExp(pattern); // validates
  const meta = indexMeta(pattern);
  if (meta < 0) {
    const literal = unescapeMeta(pattern);
    return (p) => p === literal;
  }
  const split = pattern.lastIndexOf('/', meta);
  if (split < 0) {
    const re = globToRegExp(pattern);
    return (p) => re.test(p);
  }
  const prefix = `${unescapeMeta(pattern.slice(0, split))}/`;
  const re = globToRegExp(pattern.slice(split + 1));
  return (p) => p.startsWith(prefix) && re.test(p.slice(prefix.length));
}

/** doublestar.Match semantics (used against spec tag values): `\` escapes any character. */
export function globMatcher(pattern: string): (name: string) => boolean {
  const re = globToRegExp(pattern);
  return (p) => re.test(p);
}

/** The files a loose-file overlay glob may match: never `*.spec`, never inside `.git/`. */
export async function globSourceFiles(root: string, pattern: string): Promise<WalkedFile[]> {
  const match = fileGlobMatcher(pattern);
  const files = await walkFiles(root, (d) => d === '.git' || d.endsWith('/.git'));
  return files.filter((f) => !f.path.endsWith('.spec') && !isGitInternal(f.path) && match(f.path));
}

/** lstat that answers undefined for a missing path. */
export async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}
