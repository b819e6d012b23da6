// Rich (boolean) dependencies over a package pool.
//
// Two views, both in terms of solvable ids:
// - richCandidates: the flat "who could be involved" set libsolv's whatprovides gives a rich dep
//   (and/or/if/unless: union of the non-condition operands; with: one package providing all
//   operands; without: providers of the left minus those of the right).
// - richCnf: the exact meaning as a CNF over solvable literals, what the rule generator needs.
//   `with`/`without` (and plain leaves) are package sets: "one of these is installed". Conditionals:
//     A if B            = A ∨ ¬B
//     A if B else C     = (A ∨ ¬B) ∧ (C ∨ B)
//     A unless B        = A ∧ ¬B
//     A unless B else C = (A ∨ B) ∧ (C ∨ ¬B)
//   as rpm (lib/depends.c) and libsolv (cplxdeps.c) read them. `¬S` for a set S is "none of S is
//   installed", i.e. one unit clause [-p] per p in S. A stray `(x else y)` outside a condition
//   means x (rpm's reading).
import type { RichExpr, RichLeaf } from '../../rpm/richdep.ts';

/** A clause: one of its literals must hold; s > 0 means "s is installed", -s "s is not installed". */
export type Clause = Int32Array;
/**
 * A conjunction of clauses. `[]` is TRUE (nothing to satisfy); a CNF containing an empty clause is
 * FALSE (cannot be satisfied). Literals within a clause are sorted by solvable id, no duplicates,
 * no tautologies (a clause with both s and -s is dropped).
 */
export type Cnf = Clause[];

export const CNF_TRUE: Cnf = [];
export const CNF_FALSE: Cnf = [new Int32Array(0)];

export function isCnfFalse(cnf: Cnf): boolean {
  return cnf.some((c) => c.length === 0);
}

/** Providers of a leaf, sorted ascending by solvable id. */
export type LeafProviders = (leaf: RichLeaf) => Int32Array;

// Working form: clauses as sorted unique number arrays.
type W = number[][];

/** Upper bound on clauses while distributing ∨ over ∧; beyond it the expression is rejected. */
export const CNF_LIMIT = 100_000;

export class RichTooComplexError extends Error {
  override name = 'RichTooComplexError';
}

/** CNF of `expr` (or of its negation), leaves resolved through `providers`. */
export function richCnf(expr: RichExpr, providers: LeafProviders, negate = false, raw = false): Cnf {
  // `raw` skips the cross-clause simplification: for installed packages each clause is judged on
  // its own (libsolv keeps the clauses an installed package still meets).
  const c = cnf(expr, providers, negate);
  const w = raw ? (c.some((x) => x.length === 0) ? [[]] : c) : simplify(c);
  return w.map((c) => Int32Array.from(c));
}

// Unit resolution and unit subsumption to a fixpoint: with a unit [u], drop other clauses holding u
// and remove -u from the rest. Keeps the meaning; keeps the clause order otherwise.
function simplify(w: W): W {
  if (w.some((c) => c.length === 0)) return [[]];
  const units = new Set<number>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const c of w) if (c.length === 1 && !units.has(c[0])) units.add(c[0]);
    for (const u of units) if (units.has(-u)) return [[]];
    const next: W = [];
    const seen = new Set<string>();
    for (const c of w) {
      let out = c;
      if (c.length > 1) {
        if (c.some((x) => units.has(x))) {
          changed = true;
          continue;
        }
        if (c.some((x) => units.has(-x))) {
          out = c.filter((x) => !units.has(-x));
          changed = true;
          if (out.length === 0) return [[]];
        }
      }
      const k = out.join(',');
      if (seen.has(k)) continue;
      seen.add(k);
      next.push(out);
    }
    w = next;
  }
  return w;
}

function cnf(e: RichExpr, prov: LeafProviders, neg: boolean): W {
  switch (e.kind) {
    case 'dep':
      return setCnf(prov(e), neg);
    case 'group':
      return cnf(e.expr, prov, neg);
    case 'and':
      return neg ? orAll(e.operands.map((o) => cnf(o, prov, true))) : andAll(e.operands.map((o) => cnf(o, prov, false)));
    case 'or':
      return neg ? andAll(e.operands.map((o) => cnf(o, prov, true))) : orAll(e.operands.map((o) => cnf(o, prov, false)));
    case 'with':
    case 'without':
      return setCnf(richCandidates(e, prov), neg);
    case 'else':
      return cnf(e.left, prov, neg);
    case 'if':
    case 'unless': {
      let cond = e.cond;
      let other = e.else;
      if (other === undefined && cond.kind === 'else') {
        other = cond.right;
        cond = cond.left;
      }
      const thenPos = e.kind === 'if';
      if (!neg && other === undefined) {
        // The short forms: A if B = A ∨ ¬B, A unless B = A ∧ ¬B (as libsolv normalises them).
        const parts = [cnf(e.then, prov, false), cnf(cond, prov, true)];
        return thenPos ? orAll(parts) : andAll(parts);
      }
      if (neg && other === undefined) {
        // The short forms libsolv normalises to: ¬(A if B) = ¬A ∧ B, ¬(A unless B) = ¬A ∨ B.
        const parts = [cnf(e.then, prov, true), cnf(cond, prov, false)];
        return thenPos ? andAll(parts) : orAll(parts);
      }
      if (neg && other !== undefined) {
        // ¬(A if B else C) = (¬A ∧ B) ∨ (¬C ∧ ¬B), distributed as libsolv does (all pair clauses).
        const a = andAll([cnf(e.then, prov, true), cnf(cond, prov, !thenPos)]);
        const c = andAll([cnf(other, prov, true), cnf(cond, prov, thenPos)]);
        return orAll([a, c]);
      }
      // if:     then when cond, else-branch (or TRUE) when not cond.
      // unless: then when not cond, else-branch (or FALSE) when cond.
      // Written as (X ∨ ¬C) ∧ (Y ∨ C) with X the cond-true branch, Y the cond-false branch.
      const condTrue: RichExpr | boolean = thenPos ? e.then : (other ?? false);
      const condFalse: RichExpr | boolean = thenPos ? (other ?? true) : e.then;
      // For the negation: ¬((X ∨ ¬C) ∧ (Y ∨ C)) = (¬X ∨ ¬C) ∧ (¬Y ∨ C) (one of the branches is taken).
      const part = (branch: RichExpr | boolean, condNeg: boolean): W => {
        const c = cnf(cond, prov, condNeg);
        if (typeof branch === 'boolean') return branch !== neg ? [] : c;
        return orAll([cnf(branch, prov, neg), c]);
      };
      return andAll([part(condTrue, true), part(condFalse, false)]);
    }
  }
}

/** "some member of S is installed" (or, negated, "none is"). */
function setCnf(s: Int32Array, neg: boolean): W {
  if (neg) {
    const out: W = [];
    for (const p of s) out.push([-p]);
    return out;
  }
  return [Array.from(s)];
}

function andAll(parts: W[]): W {
  const out: W = [];
  const seen = new Set<string>();
  for (const p of parts) {
    for (const c of p) {
      const k = c.join(',');
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(c);
    }
  }
  return out;
}

function orAll(parts: W[]): W {
  let acc: W = [[]]; // FALSE: the identity of ∨
  for (const p of parts) {
    if (p.length === 0) return []; // TRUE ∨ … = TRUE
    const next: W = [];
    const seen = new Set<string>();
    for (const a of acc) {
      for (const b of p) {
        const m = mergeClause(a, b);
        if (m === undefined) continue;
        const k = m.join(',');
        if (seen.has(k)) continue;
        seen.add(k);
        next.push(m);
        if (next.length > CNF_LIMIT) throw new RichTooComplexError(`rich dependency expands to more than ${CNF_LIMIT} clauses`);
      }
    }
    if (next.length === 0) return [];
    acc = next;
  }
  return acc;
}

// Union of two sorted clauses by absolute id then sign; undefined for a tautology (s and -s).
function mergeClause(a: number[], b: number[]): number[] | undefined {
  const set = new Set<number>(a);
  for (const x of b) set.add(x);
  for (const x of set) if (x > 0 && set.has(-x)) return undefined;
  return [...set].sort((x, y) => Math.abs(x) - Math.abs(y) || x - y);
}

/** libsolv's whatprovides view of a rich dep (see the file comment), sorted ascending. */
export function richCandidates(e: RichExpr, prov: LeafProviders): Int32Array {
  switch (e.kind) {
    case 'dep':
      return prov(e);
    case 'group':
      return richCandidates(e.expr, prov);
    case 'and':
    case 'or':
      return unionAll(e.operands.map((o) => richCandidates(o, prov)));
    case 'with': {
      let acc = richCandidates(e.operands[0], prov);
      for (let i = 1; i < e.operands.length && acc.length > 0; i++) acc = intersect(acc, richCandidates(e.operands[i], prov));
      return acc;
    }
    case 'without':
      return difference(richCandidates(e.left, prov), richCandidates(e.right, prov));
    case 'else':
      return richCandidates(e.left, prov);
    case 'if':
    case 'unless': {
      let other = e.else;
      if (other === undefined && e.cond.kind === 'else') other = e.cond.right;
      const t = richCandidates(e.then, prov);
      return other ? unionAll([t, richCandidates(other, prov)]) : t;
    }
  }
}

export function unionAll(sets: Int32Array[]): Int32Array {
  const nonEmpty = sets.filter((s) => s.length > 0);
  if (nonEmpty.length === 0) return EMPTY;
  if (nonEmpty.length === 1) return nonEmpty[0];
  const all = new Set<number>();
  for (const s of nonEmpty) for (const x of s) all.add(x);
  return Int32Array.from(all).sort();
}

function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(a[i]);
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return Int32Array.from(out);
}

function difference(a: Int32Array, b: Int32Array): Int32Array {
  if (b.length === 0) return a;
  const drop = new Set(b);
  return a.filter((x) => !drop.has(x));
}

const EMPTY = new Int32Array(0);
