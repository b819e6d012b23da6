// Rules as libsolv keeps them: a rule is `p ∨ w2` (d = 0; w2 = 0 makes it a unit "assertion") or
// `p ∨ data[d] ∨ data[d+1] ∨ …` (d > 0, a 0-terminated list in the shared literal store). A disabled
// rule has d < 0 (d = -d_orig - 1), exactly as in libsolv, so the solver's loops read the same. w1/w2
// are the watched literals, n1/n2 link the rule into the watch chains of w1/w2 (no allocation when
// propagating).

export class Rule {
  p = 0;
  d = 0;
  w1 = 0;
  w2 = 0;
  n1 = 0;
  n2 = 0;
  /** Head of this package rule's info chain in SolverState.infoData (-1: none). */
  info = -1;
}

/** Shared 0-terminated literal lists ("whatprovidesdata"). Offset 0 is the empty list. */
export class LiteralStore {
  data: number[] = [0, 0];

  /** Stores `lits` as a 0-terminated list and returns its offset (0 for an empty list). */
  add(lits: ArrayLike<number>): number {
    if (lits.length === 0) return 0;
    const off = this.data.length;
    for (let i = 0; i < lits.length; i++) this.data.push(lits[i]);
    this.data.push(0);
    return off;
  }

  /** The list at `off` (a copy). */
  list(off: number): number[] {
    const out: number[] = [];
    for (let i = off; off > 0 && this.data[i] !== 0; i++) out.push(this.data[i]);
    return out;
  }
}

export function ruleDisabled(r: Rule): boolean {
  return r.d < 0;
}

export function disableRule(r: Rule): void {
  if (r.d >= 0) r.d = -r.d - 1;
}

export function enableRule(r: Rule): void {
  if (r.d < 0) r.d = -r.d - 1;
}

/** The literals of a rule, in libsolv's FOR_RULELITERALS order (p first). */
export function ruleLiterals(r: Rule, store: LiteralStore, out: number[] = []): number[] {
  out.length = 0;
  if (!r.p) return out;
  out.push(r.p);
  const d = r.d < 0 ? -r.d - 1 : r.d;
  if (d === 0) {
    if (r.w2) out.push(r.w2);
    return out;
  }
  const data = store.data;
  for (let i = d; data[i] !== 0; i++) out.push(data[i]);
  return out;
}

/** libsolv's unifyrules_sortcmp: the order package rules are kept in (p, then the literals). */
export function compareRules(a: Rule, b: Rule, data: readonly number[]): number {
  const x = a.p - b.p;
  if (x) return x;
  if (a.d === 0 && b.d === 0) return a.w2 - b.w2;
  if (a.d === 0) {
    const y = a.w2 - data[b.d];
    return y ? y : -1;
  }
  if (b.d === 0) {
    const y = data[a.d] - b.w2;
    return y ? y : 1;
  }
  if (a.d === b.d) return 0;
  let ad = a.d;
  let bd = b.d;
  while (data[bd]) {
    const z = data[ad++] - data[bd++];
    if (z) return z;
  }
  return data[ad];
}
