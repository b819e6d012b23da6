// Glob matching as libdnf/libsolv do it, used by package specs, file filters and capability names.

import { QueryError } from './types.ts';

// fnmatch(3) with flags 0 (what libdnf/libsolv use): `*` and `?` also match '/' and a leading '.'.

const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  xdigit: '0-9A-Fa-f',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
};

function esc(c: string, inClass = false): string {
  // Under the u flag only syntax characters may be escaped, and '-' only inside a class.
  return /[\\^$.*+?()[\]{}|/]/.test(c) || (inClass && c === '-') ? `\\${c}` : c;
}

// A bracket expression starting at glob[i] === '['; undefined when unterminated (then '[' is literal).
function bracket(glob: string, i: number): { re: string; end: number } | undefined {
  let j = i + 1;
  let neg = '';
  if (glob[j] === '!' || glob[j] === '^') {
    neg = '^';
    j++;
  }
  let items = '';
  for (let first = true; ; first = false) {
    if (j >= glob.length) return undefined;
    let c = glob[j];
    if (c === ']' && !first) return { re: `[${neg}${items}]`, end: j };
    if (c === '[' && glob[j + 1] === ':') {
      const k = glob.indexOf(':]', j + 2);
      if (k > 0) {
        const cls = CLASSES[glob.slice(j + 2, k)];
        if (cls === undefined) throw new QueryError(`bad glob ${JSON.stringify(glob)}: unknown class [${glob.slice(j + 1, k + 1)}]`);
        items += cls;
        j = k + 2;
        continue;
      }
    }
    if (c === '\\' && j + 1 < glob.length) c = glob[++j];
    if (glob[j + 1] === '-' && j + 2 < glob.length && glob[j + 2] !== ']') {
      items += `${esc(c, true)}-${esc(glob[j + 2], true)}`;
      j += 3;
    } else {
      items += esc(c, true);
      j++;
    }
  }
}

/** The RegExp fnmatch(pattern, s, icase ? FNM_CASEFOLD : 0) amounts to. */
export function globRegExp(glob: string, icase = false): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '[^]*';
    else if (c === '?') re += '[^]';
    else if (c === '\\' && i + 1 < glob.length) re += esc(glob[++i]);
    else if (c === '[') {
      const b = bracket(glob, i);
      re += b ? b.re : '\\[';
      if (b) i = b.end;
    } else re += esc(c);
  }
  try {
    return new RegExp(`^${re}$`, icase ? 'iu' : 'u');
  } catch (e) {
    throw new QueryError(`bad glob ${JSON.stringify(glob)}: ${(e as Error).message}`);
  }
}

/** libdnf's hy_is_glob_pattern. */
export function isGlob(s: string): boolean {
  return /[*?[]/.test(s);
}

/** A string predicate for a glob; plain strings (the common case) compare directly. */
export function matcher(pattern: string, icase = false): (s: string) => boolean {
  if (!/[*?[\\]/.test(pattern)) {
    if (!icase) return (s) => s === pattern;
    const lower = pattern.toLowerCase();
    return (s) => s.toLowerCase() === lower;
  }
  const re = globRegExp(pattern, icase);
  return (s) => re.test(s);
}

export function keysMatching<V>(m: Map<string, V>, pattern: string, icase = false): string[] {
  if (!/[*?[\\]/.test(pattern)) return m.has(pattern) ? [pattern] : [];
  const test = matcher(pattern, icase);
  return [...m.keys()].filter(test);
}
