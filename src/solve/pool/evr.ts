// EVR parts and dependency range matching with libsolv's rpm semantics (pool_intersect_evrs with
// EVRCMP_MATCH_RELEASE, written from its documented behaviour, not its code). The answers equal
// rpm's rpmdsCompare (src/rpm/depmatch.ts; the test suite checks that on random ranges); this
// version works on pre-split, interned EVRs so the provides index never re-parses a string.
import { rpmvercmp, splitEvr } from '../../rpm/evr.ts';
import { RPMSENSE_EQUAL, RPMSENSE_GREATER, RPMSENSE_LESS } from '../../rpm/depmatch.ts';
import type { RepoDep, RepoDepFlags } from '../../repo/model.ts';

/** Relation bits as libsolv numbers them: a set of `<`, `=`, `>`. 0 = unversioned, 7 = any version. */
export const REL_GT = 1;
export const REL_EQ = 2;
export const REL_LT = 4;
/** Pool-internal marker: the dependency is a rich (boolean) expression; its name is the whole text. */
export const REL_RICH = 16;

/** An EVR split for comparison. `epoch` is '' when absent or all zeros; `release` is '' when absent or empty. */
export interface EvrParts {
  epoch: string;
  version: string;
  release: string;
}

function isZeros(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 0x30) return false;
  return true;
}

/** Split `[epoch:]version[-release]` (rpm's parseEVR rules) and normalise a zero epoch away. */
export function evrParts(evr: string): EvrParts {
  const raw = splitEvr(evr);
  const epoch = raw.epoch === undefined || isZeros(raw.epoch) ? '' : raw.epoch;
  return { epoch, version: raw.version, release: raw.release ?? '' };
}

/**
 * The canonical EVR text the pool interns: epoch only when non-zero (a version that itself looks
 * like `N:…` keeps a `0:` so it cannot be misread), release only when non-empty.
 */
export function formatEvrParts(epoch: string | undefined, version: string, release: string | undefined): string {
  let e = epoch !== undefined && epoch !== '' && !isZeros(epoch) ? epoch : '';
  if (e === '') {
    let k = 0;
    while (k < version.length && version.charCodeAt(k) >= 0x30 && version.charCodeAt(k) <= 0x39) k++;
    if (k > 0 && version.charCodeAt(k) === 0x3a) e = '0';
  }
  return `${e ? `${e}:` : ''}${version}${release ? `-${release}` : ''}`;
}

function compareEpochs(a: string, b: string): number {
  if (a === b) return 0;
  if (a && b) return rpmvercmp(a, b);
  // Only one side has a (non-zero) epoch: that side is newer; a missing epoch is 0.
  return a ? 1 : -1;
}

/** Ordering compare (libsolv EVRCMP_COMPARE): a missing release sorts before any release. */
export function compareEvrParts(a: EvrParts, b: EvrParts): number {
  const e = compareEpochs(a.epoch, b.epoch);
  if (e) return e;
  const v = rpmvercmp(a.version, b.version);
  if (v) return v;
  if (a.release === b.release) return 0;
  if (!a.release) return -1;
  if (!b.release) return 1;
  return rpmvercmp(a.release, b.release);
}

/**
 * Matching compare (libsolv EVRCMP_MATCH_RELEASE): like compareEvrParts, but when the versions are
 * equal and only one side has a release the result is -2 (a lacks it) or 2 (b lacks it).
 */
export function matchEvrParts(a: EvrParts, b: EvrParts): number {
  const e = compareEpochs(a.epoch, b.epoch);
  if (e) return e;
  const v = rpmvercmp(a.version, b.version);
  if (v) return v;
  if (a.release && b.release) return rpmvercmp(a.release, b.release);
  if (!a.release && b.release) return -2;
  if (a.release && !b.release) return 2;
  return 0;
}

/**
 * Do the ranges `pflags pevr` (a provide) and `flags evr` (a requirement) overlap? Both must be
 * versioned (non-zero relation bits); callers treat an unversioned side as matching everything.
 * `same` short-cuts the comparison when the caller knows both EVRs are the same interned text.
 */
export function rangesIntersect(pflags: number, pevr: EvrParts, flags: number, evr: EvrParts, same = false): boolean {
  if (pflags === 7 || flags === 7) return true;
  // Both open towards the same side: they always meet.
  if (pflags & flags & (REL_LT | REL_GT)) return true;
  const c = same ? 0 : matchEvrParts(pevr, evr);
  switch (c) {
    case -2:
      return (pflags & REL_EQ) !== 0;
    case -1:
      return (flags & REL_LT) !== 0 || (pflags & REL_GT) !== 0;
    case 0:
      return (flags & pflags & REL_EQ) !== 0;
    case 1:
      return (flags & REL_GT) !== 0 || (pflags & REL_LT) !== 0;
    default:
      return (flags & REL_EQ) !== 0;
  }
}

/**
 * Does a package whose own EVR is `pkg` fall into the range `flags evr`? (libsolv's NEVR match, used
 * for obsoletes and for `name = evr` selections: the package's EVR, not its provides.)
 */
export function evrInRange(pkg: EvrParts, flags: number, evr: EvrParts, same = false): boolean {
  if (flags === 0 || flags === 7) return true;
  const c = same ? 0 : matchEvrParts(pkg, evr);
  switch (c) {
    case -2:
      return true;
    case -1:
      return (flags & REL_LT) !== 0;
    case 0:
      return (flags & REL_EQ) !== 0;
    case 1:
      return (flags & REL_GT) !== 0;
    default:
      return (flags & REL_EQ) !== 0;
  }
}

const REPO_FLAGS: Record<RepoDepFlags, number> = {
  EQ: REL_EQ,
  LT: REL_LT,
  GT: REL_GT,
  LE: REL_LT | REL_EQ,
  GE: REL_GT | REL_EQ,
};

/** rpm-md `flags` attribute to relation bits (0 for an unversioned entry). */
export function repoFlagsToRel(flags: RepoDepFlags | undefined): number {
  return flags === undefined ? 0 : (REPO_FLAGS[flags] ?? 0);
}

/** rpm sense bits (RPMSENSE_LESS/GREATER/EQUAL) to relation bits. */
export function senseToRel(sense: number): number {
  return (sense & RPMSENSE_LESS ? REL_LT : 0) | (sense & RPMSENSE_GREATER ? REL_GT : 0) | (sense & RPMSENSE_EQUAL ? REL_EQ : 0);
}

/** Relation bits as an operator: `<`, `<=`, `=`, `>=`, `>`, `<>`, `<=>`; '' for 0. */
export function relToString(flags: number): string {
  return (flags & REL_LT ? '<' : '') + (flags & REL_GT ? '>' : '') + (flags & REL_EQ ? '=' : '');
}

/** Operator text (as rpm spells them, plus `<>`) to relation bits; 0 when not an operator. */
export function parseRel(op: string): number {
  switch (op) {
    case '<':
      return REL_LT;
    case '<=':
    case '=<':
      return REL_LT | REL_EQ;
    case '=':
    case '==':
      return REL_EQ;
    case '>=':
    case '=>':
      return REL_GT | REL_EQ;
    case '>':
      return REL_GT;
    case '<>':
    case '!=':
      return REL_LT | REL_GT;
    default:
      return 0;
  }
}

/** The EVR text of a versioned rpm-md entry, or '' when the entry is unversioned. */
export function repoDepEvr(dep: RepoDep): string {
  if (!dep.flags || dep.ver === undefined) return '';
  return formatEvrParts(dep.epoch, dep.ver, dep.rel);
}
