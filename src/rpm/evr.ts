// Version comparison exactly as rpm does it (rpmio/rpmvercmp.c and rpmio/rpmver.c in rpm 4.18).
// Hot path: char-code scanning only, no regexes and no substring allocation.

/** A parsed `[epoch:]version[-release]`. `undefined` means the part was absent. */
export interface Evr {
  epoch: number | undefined;
  version: string;
  release: string | undefined;
}

const TILDE = 0x7e;
const CARET = 0x5e;
const ZERO = 0x30;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAlpha(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

// rpm's risalnum is ASCII-only, so every other code unit (including non-ASCII) is a separator.
function isSegmentChar(c: number): boolean {
  return isDigit(c) || isAlpha(c) || c === TILDE || c === CARET;
}

/**
 * rpmvercmp: compare two version (or release) strings; 1 if a is newer, -1 if b is newer, 0 if equal.
 * `~` sorts before anything (even the end of the string); `^` sorts after the end of the string but
 * before any other segment.
 */
export function rpmvercmp(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  let i = 0;
  let j = 0;
  while (i < la || j < lb) {
    while (i < la && !isSegmentChar(a.charCodeAt(i))) i++;
    while (j < lb && !isSegmentChar(b.charCodeAt(j))) j++;
    // 0 stands for C's NUL terminator once a string is exhausted.
    const ca = i < la ? a.charCodeAt(i) : 0;
    const cb = j < lb ? b.charCodeAt(j) : 0;

    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === CARET || cb === CARET) {
      // A base version that ended is older than base^something.
      if (ca === 0) return -1;
      if (cb === 0) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === 0 || cb === 0) break;

    // Segment class is decided by a's first char; b's segment of the same class may be empty.
    const numeric = isDigit(ca);
    let ie = i;
    let je = j;
    if (numeric) {
      while (ie < la && isDigit(a.charCodeAt(ie))) ie++;
      while (je < lb && isDigit(b.charCodeAt(je))) je++;
    } else {
      while (ie < la && isAlpha(a.charCodeAt(ie))) ie++;
      while (je < lb && isAlpha(b.charCodeAt(je))) je++;
    }
    // Different segment types: numeric is always newer than alpha.
    if (je === j) return numeric ? 1 : -1;

    if (numeric) {
      while (i < ie && a.charCodeAt(i) === ZERO) i++;
      while (j < je && b.charCodeAt(j) === ZERO) j++;
      const na = ie - i;
      const nb = je - j;
      if (na !== nb) return na > nb ? 1 : -1;
    }
    const rc = compareRange(a, i, ie, b, j, je);
    if (rc !== 0) return rc;
    i = ie;
    j = je;
  }
  if (i >= la && j >= lb) return 0;
  return i >= la ? -1 : 1;
}

// strcmp over a[i..ie) and b[j..je) (ASCII only here, so code units order like bytes).
function compareRange(a: string, i: number, ie: number, b: string, j: number, je: number): -1 | 0 | 1 {
  while (i < ie && j < je) {
    const d = a.charCodeAt(i) - b.charCodeAt(j);
    if (d !== 0) return d < 0 ? -1 : 1;
    i++;
    j++;
  }
  if (i < ie) return 1;
  if (j < je) return -1;
  return 0;
}

/** EVR split keeping the epoch as rpm keeps it: a digit string (so huge epochs compare exactly). */
export interface RawEvr {
  epoch: string | undefined;
  version: string;
  release: string | undefined;
}

/**
 * Split like rpm's parseEVR: the epoch is the leading digits when they are followed by ':'
 * (an empty epoch, ":1.0", becomes "0"); the release is whatever follows the LAST '-'.
 */
export function splitEvr(s: string): RawEvr {
  let k = 0;
  while (k < s.length && isDigit(s.charCodeAt(k))) k++;
  let epoch: string | undefined;
  let vstart = 0;
  if (s.charCodeAt(k) === 0x3a) {
    epoch = k === 0 ? '0' : s.slice(0, k);
    vstart = k + 1;
  }
  const dash = s.lastIndexOf('-');
  // rpm searches for '-' only after the epoch digits; a '-' before them is impossible anyway.
  if (dash >= vstart) {
    return { epoch, version: s.slice(vstart, dash), release: s.slice(dash + 1) };
  }
  return { epoch, version: s.slice(vstart), release: undefined };
}

/** Parse `[epoch:]version[-release]` as rpm does (see splitEvr); the epoch becomes a number. */
export function parseEvr(s: string): Evr {
  const raw = splitEvr(s);
  return {
    epoch: raw.epoch === undefined ? undefined : Number(raw.epoch),
    version: raw.version,
    release: raw.release,
  };
}

/** Format back to `[epoch:]version[-release]`. */
export function formatEvr(evr: Evr | RawEvr): string {
  const e = evr.epoch === undefined ? '' : `${evr.epoch}:`;
  const r = evr.release === undefined ? '' : `-${evr.release}`;
  return `${e}${evr.version}${r}`;
}

export function toRawEvr(evr: string | Evr | RawEvr): RawEvr {
  if (typeof evr === 'string') return splitEvr(evr);
  if (typeof evr.epoch === 'number') return { epoch: String(evr.epoch), version: evr.version, release: evr.release };
  return evr as RawEvr;
}

// rpm's compare_values: an absent part is older than any present one (even an empty one).
function compareOptional(a: string | undefined, b: string | undefined): -1 | 0 | 1 {
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  return rpmvercmp(a, b);
}

/**
 * rpmverCmp: order two EVRs for sorting. A missing epoch counts as 0; a missing release sorts
 * before any release. (For dependency matching, where a missing release is a wildcard, use
 * depmatch.ts.)
 */
export function compareEvr(a: string | Evr | RawEvr, b: string | Evr | RawEvr): -1 | 0 | 1 {
  const x = toRawEvr(a);
  const y = toRawEvr(b);
  return (
    rpmvercmp(x.epoch ?? '0', y.epoch ?? '0') ||
    rpmvercmp(x.version, y.version) ||
    compareOptional(x.release, y.release)
  );
}
