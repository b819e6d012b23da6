// Dependency range overlap exactly as rpm 4.18 decides it (lib/rpmds.c rpmdsCompare and
// rpmio/rpmver.c rpmverOverlap): does a provide satisfy a require (or trigger a conflict)?
import { rpmvercmp, splitEvr } from './evr.ts';

// Sense bits from include/rpm/rpmds.h.
export const RPMSENSE_ANY = 0;
export const RPMSENSE_LESS = 1 << 1;
export const RPMSENSE_GREATER = 1 << 2;
export const RPMSENSE_EQUAL = 1 << 3;
/** rpm's mask is 15, not 14: bit 0 (the ancient "serial" bit) also makes a dep count as versioned. */
export const RPMSENSE_SENSEMASK = 15;

/** One dependency as stored in a header: name, flags (sense bits plus others), EVR ('' = none). */
export interface Dep {
  name: string;
  flags: number;
  version?: string | undefined;
}

/** rpmParseDSFlags: the comparison operators rpm accepts in specs and rich deps; 0 if unknown. */
export function parseSense(op: string): number {
  switch (op) {
    case '<':
      return RPMSENSE_LESS;
    case '<=':
    case '=<':
      return RPMSENSE_LESS | RPMSENSE_EQUAL;
    case '=':
    case '==':
      return RPMSENSE_EQUAL;
    case '>=':
    case '=>':
      return RPMSENSE_GREATER | RPMSENSE_EQUAL;
    case '>':
      return RPMSENSE_GREATER;
    default:
      return 0;
  }
}

/** Operator text for sense bits in rpm's order (<, >, =), e.g. `<=`, `>=`, `<>`; '' when none. */
export function senseToString(flags: number): string {
  return (
    (flags & RPMSENSE_LESS ? '<' : '') + (flags & RPMSENSE_GREATER ? '>' : '') + (flags & RPMSENSE_EQUAL ? '=' : '')
  );
}

// atol(epoch) > 0 for a digit string: any non-zero digit (atol saturates rather than wrapping).
function epochPositive(e: string | undefined): boolean {
  if (e === undefined) return false;
  for (let i = 0; i < e.length; i++) if (e.charCodeAt(i) !== 0x30) return true;
  return false;
}

/**
 * rpmverOverlap for two non-empty EVRs with their sense flags. Epoch: compared only when both
 * sides have one; otherwise the side with a positive epoch is newer (so a missing epoch acts as 0).
 * Release: compared only when both sides have a non-empty one; if only one side has it and the
 * other side's range includes '=', the ranges overlap outright (`= 1.0` matches `= 1.0-5`).
 */
export function evrOverlap(aFlags: number, aEvr: string, bFlags: number, bEvr: string): boolean {
  const a = splitEvr(aEvr);
  const b = splitEvr(bEvr);
  let sense: number;
  if (a.epoch && b.epoch) sense = rpmvercmp(a.epoch, b.epoch);
  else if (epochPositive(a.epoch)) sense = 1;
  else if (epochPositive(b.epoch)) sense = -1;
  else sense = 0;

  if (sense === 0) {
    sense = rpmvercmp(a.version, b.version);
    if (sense === 0) {
      if (a.release && b.release) {
        sense = rpmvercmp(a.release, b.release);
      } else if ((a.release && bFlags & RPMSENSE_EQUAL) || (b.release && aFlags & RPMSENSE_EQUAL)) {
        return true;
      }
    }
  }

  if (sense < 0) return (aFlags & RPMSENSE_GREATER) !== 0 || (bFlags & RPMSENSE_LESS) !== 0;
  if (sense > 0) return (aFlags & RPMSENSE_LESS) !== 0 || (bFlags & RPMSENSE_GREATER) !== 0;
  return (aFlags & bFlags & (RPMSENSE_EQUAL | RPMSENSE_LESS | RPMSENSE_GREATER)) !== 0;
}

/**
 * rpmdsCompare: do the two dependency ranges overlap? Symmetric, so the argument order
 * (provide, require) is only for readability. Different names never overlap; a side without
 * sense bits or with an empty EVR is an existence test and overlaps everything of that name.
 */
export function rangesOverlap(provide: Dep, require: Dep): boolean {
  if (provide.name !== require.name) return false;
  return flagsEvrOverlap(provide.flags, provide.version, require.flags, require.version);
}

/** rangesOverlap without the name check, for callers that already matched names. */
export function flagsEvrOverlap(
  aFlags: number,
  aEvr: string | undefined,
  bFlags: number,
  bEvr: string | undefined,
): boolean {
  if ((aFlags & RPMSENSE_SENSEMASK) === 0 || (bFlags & RPMSENSE_SENSEMASK) === 0) return true;
  if (!aEvr || !bEvr) return true;
  return evrOverlap(aFlags, aEvr, bFlags, bEvr);
}
