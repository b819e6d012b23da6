// Resolution bookkeeping so an UNSAT answer can name the caller's clauses behind it.
//
// The package solver has to explain failures ("X requires Y, but none of the providers can be
// installed"), which needs the set of *original* clauses the final conflict rests on. Every learned
// clause is a resolvent of other clauses plus root-level (decision level 0) units that were
// dropped from it, so we record exactly those antecedents when it is learned. At the end we walk
// this DAG back to original clauses. Root-level assignments never change once made (clauses are only
// ever added), and their reason clauses are never deleted, so a level-0 variable is explained
// lazily by its current reason clause instead of being recorded eagerly.
//
// Clause ids: original clauses are numbered 0, 1, 2… in addClause order; learned clause k has id
// -(k + 1). Recording is opt-in (SatOptions.proof) because the log only ever grows.

/** What the expansion needs from the solver about level-0 assignments. */
export interface RootReasons {
  /** Clause id of the reason that fixed variable v at level 0. */
  reasonId(v: number): number;
  /** Appends the other variables of v's reason clause (all false at level 0) to `out`. */
  reasonVars(v: number, out: number[]): void;
}

export class ProofLog {
  private anteClauses: Int32Array[] = [];
  private anteUnits: Int32Array[] = [];
  private curClauses: number[] = [];
  private curUnits: number[] = [];

  /** Starts recording the antecedents of the next learned clause. */
  begin(): void {
    this.curClauses.length = 0;
    this.curUnits.length = 0;
  }

  /** A clause (by id) resolved on while deriving the current clause. */
  clause(id: number): void {
    this.curClauses.push(id);
  }

  /** A level-0 variable whose unit was used (its literal dropped from the clause). */
  unit(v: number): void {
    this.curUnits.push(v);
  }

  /** Stores the recorded antecedents and returns the new learned clause's id. */
  commit(): number {
    this.anteClauses.push(Int32Array.from(this.curClauses));
    this.anteUnits.push(Int32Array.from(this.curUnits));
    return -this.anteClauses.length;
  }

  /** The current recording as a (clauses, units) pair, for a final conflict that is not stored. */
  current(): [number[], number[]] {
    return [this.curClauses.slice(), this.curUnits.slice()];
  }

  /** Original clause ids (sorted) that the given clauses and level-0 variables rest on. */
  expand(clauses: readonly number[], units: readonly number[], root: RootReasons): number[] {
    const originals = new Set<number>();
    const seenLearned = new Set<number>();
    const seenVars = new Set<number>();
    const cs = clauses.slice();
    const vs = units.slice();
    while (cs.length > 0 || vs.length > 0) {
      const id = cs.pop();
      if (id !== undefined) {
        if (id >= 0) originals.add(id);
        else if (!seenLearned.has(id)) {
          seenLearned.add(id);
          const k = -id - 1;
          for (const c of this.anteClauses[k]) cs.push(c);
          for (const u of this.anteUnits[k]) vs.push(u);
        }
        continue;
      }
      const v = vs.pop() as number;
      if (seenVars.has(v)) continue;
      seenVars.add(v);
      cs.push(root.reasonId(v));
      root.reasonVars(v, vs);
    }
    return [...originals].sort((a, b) => a - b);
  }
}
