// CDCL SAT core for the dependency solver (libsolv semantics live one layer up).
//
// Design, in brief (each choice is about what the package solver needs):
// - Decisions are pluggable. libsolv does not use VSIDS: it decides by policy (job order, best
//   candidate, keep installed…). The caller's `decide` hook returns the next literal; 0 falls back to
//   VSIDS with a per-variable default polarity (false = "not installed" unless told otherwise).
// - Everything hot lives in typed arrays: one Int32Array clause arena, per-literal Int32Array watch
//   lists of (clause, blocker) pairs, Int8Array literal values. Propagation allocates nothing.
// - Literals: external ±v (v ≥ 1); internal 2v (positive) / 2v+1 (negative), so `lit ^ 1` negates.
// - Clause layout in the arena: [size, meta, id, lit0, lit1, …]; lit0/lit1 are the watched ones and
//   a reason clause always has its implied literal at lit0. meta = lbd << 2 | deleted << 1 | learnt.
// - 1-UIP learning with recursive minimisation, non-chronological backjumping, Luby restarts,
//   LBD-based deletion of learned clauses (glue clauses, LBD ≤ 2, are kept) with arena compaction.
// - Assumptions are decided first, one per level (MiniSat style), so an UNSAT answer under
//   assumptions can name the responsible subset; with `proof` on, the original clauses behind the
//   final conflict are reported too (see proof.ts).

import { VarHeap } from './heap.ts';
import { ProofLog, type RootReasons } from './proof.ts';

export type SolveResult = 'SAT' | 'UNSAT';

export interface SolveOptions {
  /** Literals that must hold for this call only. */
  assumptions?: readonly number[];
  /**
   * Decision policy: return an unassigned literal to set true, or 0 to use the default heuristic.
   * Called with the solver so it can inspect the partial assignment (litValue, decisionLevel).
   */
  decide?: (s: SatSolver) => number;
}

export interface SatOptions {
  /** Record resolution antecedents so conflictClauses() can explain UNSAT (memory grows). */
  proof?: boolean;
  /** Luby restarts (default true). Off gives a plain policy-driven search, as libsolv does. */
  restarts?: boolean;
  /** Re-use a variable's last value when the heuristic decides it again (default false). */
  phaseSaving?: boolean;
}

export interface SatStats {
  decisions: number;
  propagations: number;
  conflicts: number;
  restarts: number;
  learned: number;
  deleted: number;
  reductions: number;
}

const HDR = 3;
const LEARNT = 1;
const DELETED = 2;
const NO_REASON = -1;
const RESTART_UNIT = 100;
const VAR_DECAY = 0.95;

/** Luby sequence 1 1 2 1 1 2 4 1 1 2 …, element i (0-based): restart budgets in RESTART_UNITs. */
export function luby(i: number): number {
  let size = 1;
  let seq = 0;
  while (size < i + 1) {
    seq++;
    size = 2 * size + 1;
  }
  while (size - 1 !== i) {
    size = (size - 1) >> 1;
    seq--;
    i = i % size;
  }
  return 2 ** seq;
}

function toInternal(lit: number): number {
  if (!Number.isInteger(lit) || lit === 0) throw new Error(`invalid literal ${lit}`);
  return lit > 0 ? 2 * lit : -2 * lit + 1;
}

function toExternal(lit: number): number {
  return lit & 1 ? -(lit >> 1) : lit >> 1;
}

export class SatSolver {
  readonly stats: SatStats = { decisions: 0, propagations: 0, conflicts: 0, restarts: 0, learned: 0, deleted: 0, reductions: 0 };

  private readonly opts: Required<SatOptions>;
  private nv = 0;
  private varCap = 0;
  // Per literal (index 2v / 2v+1): 1 true, -1 false, 0 unassigned.
  private vals = new Int8Array(2);
  // Per variable.
  private levels = new Int32Array(1);
  private reasons = new Int32Array(1);
  private seen = new Uint8Array(1);
  private polarity = new Uint8Array(1); // 1 = decide true first
  private trail = new Int32Array(1);
  private learntBuf = new Int32Array(1);
  private stack = new Int32Array(1);
  private toClear = new Int32Array(1);
  private removedBuf = new Int32Array(1);
  private levelStamp = new Int32Array(1);
  private clearTop = 0; // length of toClear after the last redundant() call
  private stamp = 0;
  private trailLen = 0;
  private qhead = 0;
  private trailLim: number[] = [];
  // Watches: watches[lit] holds (clause ref, blocker) pairs of clauses watching lit, visited when lit
  // becomes false; wlen[lit] is the used length.
  private watches: Int32Array[] = [new Int32Array(0), new Int32Array(0)];
  private wlen = new Int32Array(2);
  private arena = new Int32Array(1 << 16);
  private arenaLen = 0;
  private learnts: number[] = [];
  private readonly heap = new VarHeap();
  private varInc = 1;
  private numOriginal = 0;
  private ok = true;
  private rootConflict = -1;
  private nextReduce = 2000;
  private reduceInterval = 2000;
  private readonly proof: ProofLog | undefined;
  private inSolve = false;
  private lastModel: Int8Array | undefined;
  private lastFailed: number[] = [];
  private lastCore: number[] | undefined;

  constructor(numVars = 0, opts: SatOptions = {}) {
    this.opts = { proof: opts.proof ?? false, restarts: opts.restarts ?? true, phaseSaving: opts.phaseSaving ?? false };
    this.proof = this.opts.proof ? new ProofLog() : undefined;
    this.ensureVars(numVars);
  }

  // ---- variables -------------------------------------------------------------------------------

  numVars(): number {
    return this.nv;
  }

  /** Adds a fresh variable and returns its number. */
  newVar(): number {
    this.ensureVars(this.nv + 1);
    return this.nv;
  }

  /** Makes sure variables 1..n exist (addClause and assumptions do this implicitly). */
  ensureVars(n: number): void {
    if (n <= this.nv) return;
    if (n >= this.varCap) this.growVars(Math.max(n + 1, this.varCap * 2, 16));
    this.heap.grow(n);
    for (let v = this.nv + 1; v <= n; v++) {
      this.reasons[v] = NO_REASON;
      this.watches[2 * v] = new Int32Array(4);
      this.watches[2 * v + 1] = new Int32Array(4);
      this.heap.insert(v);
    }
    this.nv = n;
  }

  /** Default value the heuristic tries first for v (false unless set). */
  setPolarity(v: number, value: boolean): void {
    this.ensureVars(v);
    this.polarity[v] = value ? 1 : 0;
  }

  /** Raises v's heuristic priority (e.g. to seed VSIDS with a preferred order). */
  bumpActivity(v: number, amount = 1): void {
    this.ensureVars(v);
    if (this.heap.bump(v, amount * this.varInc)) this.rescaleActivity();
  }

  private growVars(cap: number): void {
    const grow32 = (a: Int32Array, size: number) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    const vals = new Int8Array(2 * cap);
    vals.set(this.vals);
    this.vals = vals;
    const polarity = new Uint8Array(cap);
    polarity.set(this.polarity);
    this.polarity = polarity;
    this.seen = new Uint8Array(cap); // all zero between analyses
    this.levels = grow32(this.levels, cap);
    this.reasons = grow32(this.reasons, cap);
    this.trail = grow32(this.trail, cap);
    this.learntBuf = new Int32Array(cap);
    this.stack = new Int32Array(cap);
    this.toClear = new Int32Array(cap);
    this.removedBuf = new Int32Array(cap);
    this.levelStamp = new Int32Array(cap + 1);
    const wlen = new Int32Array(2 * cap);
    wlen.set(this.wlen);
    this.wlen = wlen;
    this.varCap = cap;
  }

  // ---- clauses ---------------------------------------------------------------------------------

  /**
   * Adds a clause (a disjunction of ±v literals) and returns its id (0, 1, 2… in call order), the
   * number conflictClauses() reports. Allowed between solves; it may make the formula UNSAT at once.
   */
  addClause(lits: readonly number[]): number {
    if (this.inSolve) throw new Error('addClause during solve() is not supported');
    let maxVar = 0;
    const ls = lits.map((l) => {
      const i = toInternal(l);
      if (i >> 1 > maxVar) maxVar = i >> 1;
      return i;
    });
    const id = this.numOriginal++;
    if (!this.ok) return id;
    this.cancelUntil(0);
    this.ensureVars(maxVar);
    ls.sort((a, b) => a - b);
    let n = 0;
    let nonFalse = 0;
    for (let i = 0; i < ls.length; i++) {
      const l = ls[i];
      if (n > 0 && ls[n - 1] === l) continue; // duplicate
      if (n > 0 && ls[n - 1] === (l ^ 1)) return id; // tautology: always satisfied
      const val = this.vals[l];
      // Satisfied at level 0 forever: dropping it keeps every UNSAT core valid, since the
      // satisfying unit is itself implied by other clauses.
      if (val === 1) return id;
      ls[n++] = l;
    }
    ls.length = n;
    // Non-false literals first, so lit0/lit1 are proper watches whenever possible.
    ls.sort((a, b) => (this.vals[a] === -1 ? 1 : 0) - (this.vals[b] === -1 ? 1 : 0));
    for (const l of ls) if (this.vals[l] !== -1) nonFalse++;
    const ref = this.storeClause(ls, ls.length, id, 0);
    if (nonFalse === 0) {
      this.ok = false;
      this.rootConflict = ref;
    } else {
      if (ls.length >= 2) this.attach(ref);
      if (nonFalse === 1) this.enqueue(ls[0], ref);
    }
    return id;
  }

  private storeClause(lits: ArrayLike<number>, n: number, id: number, meta: number): number {
    const need = this.arenaLen + HDR + n;
    if (need > this.arena.length) {
      const a = new Int32Array(Math.max(need, this.arena.length * 2));
      a.set(this.arena.subarray(0, this.arenaLen));
      this.arena = a;
    }
    const ref = this.arenaLen;
    const arena = this.arena;
    arena[ref] = n;
    arena[ref + 1] = meta;
    arena[ref + 2] = id;
    for (let i = 0; i < n; i++) arena[ref + HDR + i] = lits[i];
    this.arenaLen = need;
    return ref;
  }

  private attach(ref: number): void {
    const l0 = this.arena[ref + HDR];
    const l1 = this.arena[ref + HDR + 1];
    this.pushWatch(l0, ref, l1);
    this.pushWatch(l1, ref, l0);
  }

  private pushWatch(lit: number, ref: number, blocker: number): void {
    let ws = this.watches[lit];
    const n = this.wlen[lit];
    if (n + 2 > ws.length) {
      const w = new Int32Array(ws.length * 2 + 4);
      w.set(ws.subarray(0, n));
      this.watches[lit] = ws = w;
    }
    ws[n] = ref;
    ws[n + 1] = blocker;
    this.wlen[lit] = n + 2;
  }

  // ---- assignment ------------------------------------------------------------------------------

  /** Current value of an external literal during search: 1 true, -1 false, 0 unassigned. */
  litValue(lit: number): number {
    const i = toInternal(lit);
    return i >> 1 <= this.nv ? this.vals[i] : 0;
  }

  decisionLevel(): number {
    return this.trailLim.length;
  }

  /** Number of assigned literals on the trail, and the i-th of them (external), for policies. */
  trailSize(): number {
    return this.trailLen;
  }

  trailLit(i: number): number {
    return toExternal(this.trail[i]);
  }

  private enqueue(lit: number, reason: number): void {
    const v = lit >> 1;
    this.vals[lit] = 1;
    this.vals[lit ^ 1] = -1;
    this.levels[v] = this.trailLim.length;
    this.reasons[v] = reason;
    this.trail[this.trailLen++] = lit;
  }

  private cancelUntil(level: number): void {
    if (this.trailLim.length <= level) return;
    const start = this.trailLim[level];
    const { vals, trail, polarity, heap } = this;
    const save = this.opts.phaseSaving;
    for (let i = this.trailLen - 1; i >= start; i--) {
      const lit = trail[i];
      const v = lit >> 1;
      vals[lit] = 0;
      vals[lit ^ 1] = 0;
      this.reasons[v] = NO_REASON;
      if (save) polarity[v] = lit & 1 ? 0 : 1;
      heap.insert(v);
    }
    this.trailLen = start;
    this.qhead = start;
    this.trailLim.length = level;
  }

  /** Unit propagation over the watch lists; returns a conflicting clause ref or -1. */
  private propagate(): number {
    const { vals, arena, watches, wlen } = this;
    let conflict = -1;
    while (this.qhead < this.trailLen) {
      const falseLit = this.trail[this.qhead++] ^ 1;
      this.stats.propagations++;
      const ws = watches[falseLit];
      const n = wlen[falseLit];
      let i = 0;
      let j = 0;
      while (i < n) {
        const ref = ws[i];
        const blocker = ws[i + 1];
        i += 2;
        if (vals[blocker] === 1) {
          ws[j++] = ref;
          ws[j++] = blocker;
          continue;
        }
        const b = ref + HDR;
        // Keep the false literal at position 1 so position 0 is the candidate to imply.
        let first = arena[b];
        if (first === falseLit) {
          first = arena[b + 1];
          arena[b] = first;
          arena[b + 1] = falseLit;
        }
        if (first !== blocker && vals[first] === 1) {
          ws[j++] = ref;
          ws[j++] = first;
          continue;
        }
        const end = b + arena[ref];
        let moved = false;
        for (let k = b + 2; k < end; k++) {
          const l = arena[k];
          if (vals[l] !== -1) {
            arena[b + 1] = l;
            arena[k] = falseLit;
            this.pushWatch(l, ref, first);
            moved = true;
            break;
          }
        }
        if (moved) continue;
        ws[j++] = ref;
        ws[j++] = first;
        if (vals[first] === -1) {
          conflict = ref;
          this.qhead = this.trailLen;
          while (i < n) ws[j++] = ws[i++];
        } else {
          this.enqueue(first, ref);
        }
      }
      wlen[falseLit] = j;
      if (conflict >= 0) break;
    }
    return conflict;
  }

  // ---- conflict analysis -----------------------------------------------------------------------

  private bumpVar(v: number): void {
    if (this.heap.bump(v, this.varInc)) this.rescaleActivity();
  }

  private rescaleActivity(): void {
    this.heap.rescale(1e-100);
    this.varInc *= 1e-100;
  }

  /**
   * 1-UIP analysis of a conflict at the current level. Leaves the learned clause in learntBuf
   * (asserting literal first, a literal of the backjump level second) and returns its length.
   */
  private analyze(confl: number): number {
    const { arena, seen, levels, reasons, trail, learntBuf: out, proof } = this;
    const dl = this.trailLim.length;
    let clearLen = 0;
    let outLen = 1;
    let pathC = 0;
    let p = -1;
    let idx = this.trailLen - 1;
    proof?.begin();
    do {
      if (proof) proof.clause(arena[confl + 2]);
      const b = confl + HDR;
      const size = arena[confl];
      for (let k = p === -1 ? 0 : 1; k < size; k++) {
        const q = arena[b + k];
        const v = q >> 1;
        if (seen[v]) continue;
        seen[v] = 1;
        this.toClear[clearLen++] = v;
        if (levels[v] === 0) {
          proof?.unit(v);
          continue;
        }
        this.bumpVar(v);
        if (levels[v] >= dl) pathC++;
        else out[outLen++] = q;
      }
      while (!seen[trail[idx] >> 1]) idx--;
      p = trail[idx--];
      confl = reasons[p >> 1];
      seen[p >> 1] = 0; // resolved away: not a member of the learned clause
      pathC--;
    } while (pathC > 0);
    out[0] = p ^ 1;

    // Minimisation: drop literals implied by the rest of the clause (MiniSat's recursive test,
    // pruned by a 32-bit abstraction of the levels present).
    let abstract = 0;
    for (let i = 1; i < outLen; i++) abstract |= 1 << (levels[out[i] >> 1] & 31);
    let j = 1;
    let removed = 0;
    for (let i = 1; i < outLen; i++) {
      const l = out[i];
      let drop = false;
      if (reasons[l >> 1] !== NO_REASON) {
        drop = this.redundant(l, abstract, clearLen);
        clearLen = this.clearTop;
      }
      if (!drop) out[j++] = l;
      else if (proof) this.removedBuf[removed++] = l;
    }
    if (proof && removed > 0) this.explainRemoved(out, j, removed);
    outLen = j;
    for (let i = 0; i < clearLen; i++) seen[this.toClear[i]] = 0;

    // Backjump level = highest level among the rest; move that literal to position 1.
    if (outLen > 1) {
      let maxI = 1;
      for (let i = 2; i < outLen; i++) if (levels[out[i] >> 1] > levels[out[maxI] >> 1]) maxI = i;
      const t = out[1];
      out[1] = out[maxI];
      out[maxI] = t;
    }
    return outLen;
  }

  /** True if literal p (in the clause) is implied by other clause literals; sets clearTop. */
  private redundant(p: number, abstract: number, clearLen: number): boolean {
    const { arena, seen, levels, reasons, stack, toClear } = this;
    const top = clearLen;
    let sp = 0;
    stack[sp++] = p;
    while (sp > 0) {
      const c = reasons[stack[--sp] >> 1];
      const b = c + HDR;
      const size = arena[c];
      for (let k = 1; k < size; k++) {
        const q = arena[b + k];
        const v = q >> 1;
        if (seen[v] || levels[v] === 0) continue;
        if (reasons[v] !== NO_REASON && (abstract & (1 << (levels[v] & 31))) !== 0) {
          seen[v] = 1;
          stack[sp++] = q;
          toClear[clearLen++] = v;
        } else {
          for (let i = top; i < clearLen; i++) seen[toClear[i]] = 0;
          this.clearTop = top;
          return false;
        }
      }
    }
    this.clearTop = clearLen;
    return true;
  }

  /**
   * Proof only: records the reasons that justify the literals minimisation removed, walking the
   * implication graph from them down to kept literals or level-0 units.
   */
  private explainRemoved(out: Int32Array, kept: number, removed: number): void {
    const proof = this.proof as ProofLog;
    const mark = new Set<number>();
    for (let i = 0; i < kept; i++) mark.add(out[i] >> 1);
    const work: number[] = [];
    for (let i = 0; i < removed; i++) work.push(this.removedBuf[i] >> 1);
    for (const v of work) mark.add(v);
    while (work.length > 0) {
      const v = work.pop() as number;
      const c = this.reasons[v];
      proof.clause(this.arena[c + 2]);
      for (let k = 1; k < this.arena[c]; k++) {
        const w = this.arena[c + HDR + k] >> 1;
        if (mark.has(w)) continue;
        mark.add(w);
        if (this.levels[w] === 0) proof.unit(w);
        else work.push(w);
      }
    }
  }

  private lbd(lits: Int32Array, n: number): number {
    const stamp = ++this.stamp;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const lv = this.levels[lits[i] >> 1];
      if (this.levelStamp[lv] !== stamp) {
        this.levelStamp[lv] = stamp;
        count++;
      }
    }
    return count;
  }

  /**
   * The assumption whose negation p became true cannot hold: collect the assumptions (decisions)
   * that imply p, plus, with proof on, the clauses used.
   */
  private analyzeFinal(p: number): void {
    const { arena, seen, levels, reasons, trail, proof } = this;
    proof?.begin();
    const failed = [toExternal(p ^ 1)];
    const v0 = p >> 1;
    if (levels[v0] === 0) proof?.unit(v0);
    else if (this.trailLim.length > 0) {
      seen[v0] = 1;
      for (let i = this.trailLen - 1; i >= this.trailLim[0]; i--) {
        const v = trail[i] >> 1;
        if (!seen[v]) continue;
        seen[v] = 0;
        const c = reasons[v];
        if (c === NO_REASON) {
          failed.push(toExternal(trail[i])); // an assumption (only they are decided this low)
          continue;
        }
        proof?.clause(arena[c + 2]);
        for (let k = 1; k < arena[c]; k++) {
          const w = arena[c + HDR + k] >> 1;
          if (levels[w] > 0) seen[w] = 1;
          else proof?.unit(w);
        }
      }
    }
    this.lastFailed = failed;
    if (proof) {
      const [cls, units] = proof.current();
      this.lastCore = proof.expand(cls, units, this.rootReasons);
    }
  }

  /** The formula is UNSAT without assumptions: `confl` is false at level 0. */
  private rootUnsat(confl: number): void {
    this.ok = false;
    this.rootConflict = confl;
  }

  private explainRoot(): void {
    this.lastFailed = [];
    if (!this.proof) return;
    const c = this.rootConflict;
    const units: number[] = [];
    for (let k = 0; k < this.arena[c]; k++) units.push(this.arena[c + HDR + k] >> 1);
    this.lastCore = this.proof.expand([this.arena[c + 2]], units, this.rootReasons);
  }

  private readonly rootReasons: RootReasons = {
    reasonId: (v) => this.arena[this.reasons[v] + 2],
    reasonVars: (v, out) => {
      const c = this.reasons[v];
      for (let k = 0; k < this.arena[c]; k++) {
        const w = this.arena[c + HDR + k] >> 1;
        if (w !== v) out.push(w);
      }
    },
  };

  // ---- learned clause database -----------------------------------------------------------------

  private learn(n: number): void {
    const out = this.learntBuf;
    const lbd = this.lbd(out, n);
    const id = this.proof ? this.proof.commit() : -1;
    const ref = this.storeClause(out, n, id, (lbd << 2) | LEARNT);
    this.stats.learned++;
    if (n >= 2) {
      this.attach(ref);
      this.learnts.push(ref);
    }
    this.enqueue(out[0], ref);
  }

  private locked(ref: number): boolean {
    const l0 = this.arena[ref + HDR];
    return this.vals[l0] === 1 && this.reasons[l0 >> 1] === ref;
  }

  /** Deletes the worse half of the non-glue learned clauses, then compacts the arena. */
  private reduceDB(): void {
    const arena = this.arena;
    const cand = this.learnts.filter((r) => arena[r + 1] >>> 2 > 2 && !this.locked(r));
    // Worst first: high LBD, then older (lower ref).
    cand.sort((a, b) => (arena[b + 1] >>> 2) - (arena[a + 1] >>> 2) || a - b);
    const del = cand.length >> 1;
    for (let i = 0; i < del; i++) arena[cand[i] + 1] |= DELETED;
    this.stats.deleted += del;
    this.stats.reductions++;
    this.compact();
  }

  /** Copies live clauses into a fresh arena, remaps references and rebuilds all watch lists. */
  private compact(): void {
    const old = this.arena;
    const next = new Int32Array(Math.max(1 << 16, this.arenaLen));
    let len = 0;
    for (let r = 0; r < this.arenaLen; ) {
      const size = old[r];
      const span = HDR + size;
      if ((old[r + 1] & DELETED) === 0) {
        next.set(old.subarray(r, r + span), len);
        old[r + 1] = len; // forwarding address; the old header is not needed any more
        len += span;
      } else {
        old[r + 1] = -1;
      }
      r += span;
    }
    for (let i = 0; i < this.trailLen; i++) {
      const v = this.trail[i] >> 1;
      if (this.reasons[v] !== NO_REASON) this.reasons[v] = old[this.reasons[v] + 1];
    }
    this.learnts = this.learnts.map((r) => old[r + 1]).filter((r) => r >= 0);
    this.arena = next;
    this.arenaLen = len;
    this.wlen.fill(0);
    for (let r = 0; r < len; r += HDR + next[r]) if (next[r] >= 2) this.attach(r);
  }

  // ---- search ----------------------------------------------------------------------------------

  /** Searches for a model; see SolveOptions. The model/failed assumptions are kept until next call. */
  solve(opts: SolveOptions = {}): SolveResult {
    if (this.inSolve) throw new Error('solve() is not re-entrant');
    this.lastModel = undefined;
    this.lastFailed = [];
    this.lastCore = undefined;
    const assumptions = (opts.assumptions ?? []).map(toInternal);
    for (const a of assumptions) this.ensureVars(a >> 1);
    // Already-true assumptions open empty levels, so levels can exceed the variable count.
    if (this.levelStamp.length <= this.nv + assumptions.length) this.levelStamp = new Int32Array(this.nv + assumptions.length + 1);
    if (!this.ok) {
      this.explainRoot();
      return 'UNSAT';
    }
    this.inSolve = true;
    try {
      this.cancelUntil(0);
      for (let round = 0; ; round++) {
        const budget = this.opts.restarts ? luby(round) * RESTART_UNIT : Infinity;
        const r = this.search(budget, assumptions, opts.decide);
        if (r !== undefined) return r;
        this.stats.restarts++;
      }
    } finally {
      this.cancelUntil(0);
      this.inSolve = false;
    }
  }

  private search(budget: number, assumptions: number[], decide: SolveOptions['decide']): SolveResult | undefined {
    let conflicts = 0;
    for (;;) {
      const confl = this.propagate();
      if (confl >= 0) {
        this.stats.conflicts++;
        conflicts++;
        if (this.trailLim.length === 0) {
          this.rootUnsat(confl);
          this.explainRoot();
          return 'UNSAT';
        }
        const n = this.analyze(confl);
        this.cancelUntil(n > 1 ? this.levels[this.learntBuf[1] >> 1] : 0);
        this.learn(n);
        this.varInc /= VAR_DECAY;
        continue;
      }
      if (conflicts >= budget) {
        this.cancelUntil(0);
        return undefined;
      }
      if (this.stats.conflicts >= this.nextReduce) {
        this.reduceInterval += 300;
        this.nextReduce = this.stats.conflicts + this.reduceInterval;
        this.reduceDB();
      }
      let next = -1;
      while (this.trailLim.length < assumptions.length) {
        const a = assumptions[this.trailLim.length];
        if (this.vals[a] === 1) {
          this.trailLim.push(this.trailLen); // already true: an empty level keeps levels aligned
        } else if (this.vals[a] === -1) {
          this.analyzeFinal(a ^ 1);
          return 'UNSAT';
        } else {
          next = a;
          break;
        }
      }
      if (next === -1) {
        if (this.trailLen === this.nv) {
          this.saveModel();
          return 'SAT';
        }
        next = this.pickBranch(decide);
        this.stats.decisions++;
      }
      this.trailLim.push(this.trailLen);
      this.enqueue(next, NO_REASON);
    }
  }

  private pickBranch(decide: SolveOptions['decide']): number {
    if (decide) {
      const ext = decide(this);
      if (ext !== 0) {
        const lit = toInternal(ext);
        if (lit >> 1 > this.nv || this.vals[lit] !== 0) {
          throw new Error(`decide returned ${ext}, which is not an unassigned literal`);
        }
        return lit;
      }
    }
    for (;;) {
      const v = this.heap.pop();
      if (v === 0) throw new Error('internal: no unassigned variable left');
      if (this.vals[2 * v] === 0) return this.polarity[v] ? 2 * v : 2 * v + 1;
    }
  }

  private saveModel(): void {
    const m = new Int8Array(this.nv + 1);
    for (let v = 1; v <= this.nv; v++) m[v] = this.vals[2 * v];
    this.lastModel = m;
  }

  // ---- results ---------------------------------------------------------------------------------

  /** Value of v in the last model (undefined if the last solve was not SAT or v is unknown). */
  value(v: number): boolean | undefined {
    const m = this.lastModel;
    if (!m || v < 1 || v >= m.length) return undefined;
    return m[v] === 1;
  }

  /** Last model: index v holds 1 (true) or -1 (false); index 0 unused. Undefined unless SAT. */
  model(): Int8Array | undefined {
    return this.lastModel;
  }

  /**
   * After UNSAT under assumptions: the assumptions that together cannot hold (a subset of those
   * passed, in no particular order). Empty when the clauses are UNSAT on their own.
   */
  failedAssumptions(): number[] {
    return this.lastFailed.slice();
  }

  /**
   * After UNSAT, with `proof` enabled: ids of original clauses that, together with the failed
   * assumptions, are unsatisfiable. Undefined when proof recording is off or the answer was SAT.
   */
  conflictClauses(): number[] | undefined {
    return this.lastCore?.slice();
  }

  /** Whether the clauses (without assumptions) are known UNSAT already. */
  isOk(): boolean {
    return this.ok;
  }
}
