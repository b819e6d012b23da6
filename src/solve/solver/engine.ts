// The SAT engine in libsolv's shape (solver.c): decisions carry a level, unit propagation runs over
// two watched literals per rule, a conflict is analysed to a 1-UIP learnt rule and the search jumps
// back; a conflict at level 1 is a problem, whose job/policy rules are recorded and disabled so the
// rest can still be solved. Decisions are not VSIDS: they follow the policy (jobs first, then keep
// or update installed packages, then open requires, then weak deps), which is what makes the answer
// the one libsolv gives, not just any model.
import { POLICY_MODE_CHOOSE, RULE_UNKNOWN } from './constants.ts';
import { policyFilterUnwanted, preferFavored, updateRecommendsMap } from './policy.ts';
import { autoUninstall, disableProblemSet, fixProblem, recordProblem, type PolicyRuleHooks } from './problem-rules.ts';
import { disableRule, enableRule, Rule } from './rule-store.ts';
import { SolverState } from './state.ts';
import { SYSTEM_SOLVABLE } from '../pool/pool.ts';

export class Engine extends SolverState {
  /** Set by the rule builder: re-run policy rule disabling (jobs ↔ update rules). */
  hooks: PolicyRuleHooks = { disablePolicyRules: () => {}, reenablePolicyRules: () => {} };
  /** How each learnt rule came about: index into learntPool (0-terminated rule ids). */
  stats = { learned: 0, unsolvable: 0, decisions: 0 };
  /** Ruleinfo callbacks need this to classify; recorded here for proofs. */
  readonly ruleClassUnknown = RULE_UNKNOWN;

  // ---- watches --------------------------------------------------------------------------------

  makeWatches(): void {
    const n = this.nsolvables;
    this.watches = new Int32Array(2 * n);
    for (let i = this.rules.length - 1; i >= 1; i--) {
      const r = this.rules[i];
      if (!r.w2) continue;
      r.n1 = this.watches[n + r.w1];
      this.watches[n + r.w1] = i;
      r.n2 = this.watches[n + r.w2];
      this.watches[n + r.w2] = i;
    }
  }

  addWatchesRule(rid: number): void {
    const r = this.rules[rid];
    const n = this.nsolvables;
    r.n1 = this.watches[n + r.w1];
    this.watches[n + r.w1] = rid;
    r.n2 = this.watches[n + r.w2];
    this.watches[n + r.w2] = rid;
  }

  // ---- propagation ----------------------------------------------------------------------------

  /** Unit propagation of all queued decisions; returns a conflicting rule id or 0. */
  propagate(level: number): number {
    const dm = this.decisionmap;
    const n = this.nsolvables;
    const watches = this.watches;
    const data = this.store.data;
    const rules = this.rules;
    while (this.propagateIndex < this.decisionq.length) {
      const pkg = -this.decisionq[this.propagateIndex++];
      // Walk the watch chain of `pkg` (now false). `prev` is where the link to `rid` lives.
      let prevRule = -1; // -1: the chain head in watches[n + pkg]
      let prevIsN1 = false;
      let rid = watches[n + pkg];
      while (rid) {
        const r = rules[rid];
        let nextRid: number;
        let otherWatch: number;
        const isW1 = pkg === r.w1;
        if (isW1) {
          otherWatch = r.w2;
          nextRid = r.n1;
        } else {
          otherWatch = r.w1;
          nextRid = r.n2;
        }
        if (r.d < 0) {
          prevRule = rid;
          prevIsN1 = isW1;
          rid = nextRid;
          continue;
        }
        if (otherWatch > 0 ? dm[otherWatch] > 0 : dm[-otherWatch] < 0) {
          prevRule = rid;
          prevIsN1 = isW1;
          rid = nextRid;
          continue;
        }
        if (r.d) {
          let p = 0;
          if (r.p && r.p !== otherWatch && !(r.p > 0 ? dm[r.p] < 0 : dm[-r.p] > 0)) p = r.p;
          else {
            for (let i = r.d; ; i++) {
              const q = data[i];
              if (q === 0) break;
              if (q !== otherWatch && !(q > 0 ? dm[q] < 0 : dm[-q] > 0)) {
                p = q;
                break;
              }
            }
          }
          if (p) {
            // Unlink rid from pkg's chain and link it into p's chain.
            if (prevRule < 0) watches[n + pkg] = nextRid;
            else if (prevIsN1) rules[prevRule].n1 = nextRid;
            else rules[prevRule].n2 = nextRid;
            if (isW1) {
              r.w1 = p;
              r.n1 = watches[n + p];
            } else {
              r.w2 = p;
              r.n2 = watches[n + p];
            }
            watches[n + p] = rid;
            rid = nextRid;
            continue;
          }
        }
        // Unit: otherWatch must become true.
        if (otherWatch > 0 ? dm[otherWatch] < 0 : dm[-otherWatch] > 0) return rid;
        if (otherWatch > 0) dm[otherWatch] = level;
        else dm[-otherWatch] = -level;
        this.decisionq.push(otherWatch);
        this.decisionqWhy.push(rid);
        prevRule = rid;
        prevIsN1 = isW1;
        rid = nextRid;
      }
    }
    return 0;
  }

  // ---- backtracking ---------------------------------------------------------------------------

  revert(level: number): void {
    const dm = this.decisionmap;
    while (this.decisionq.length) {
      const v = this.decisionq[this.decisionq.length - 1];
      const vv = v > 0 ? v : -v;
      if (dm[vv] <= level && dm[vv] >= -level) break;
      dm[vv] = 0;
      this.decisionq.pop();
      this.decisionqWhy.pop();
      this.propagateIndex = this.decisionq.length;
    }
    while (this.branches.length && this.branches[this.branches.length - 1] >= level) {
      this.branches.length -= this.branches[this.branches.length - 2];
    }
    if (this.recommendsIndex > this.decisionq.length) this.recommendsIndex = -1;
    this.decisionqReason.length = level + 1;
  }

  reset(): void {
    for (const v of this.decisionq) this.decisionmap[v > 0 ? v : -v] = 0;
    this.decisionq.length = 0;
    this.decisionqWhy.length = 0;
    this.decisionqReason.length = 0;
    this.recommendsIndex = -1;
    this.propagateIndex = 0;
    this.branches.length = 0;
    // Learnt rules whose proof uses a now-disabled rule no longer hold (and vice versa).
    this.enableDisableLearntRules();
  }

  #watch2OnHighest(r: Rule): void {
    const d = r.d < 0 ? -r.d - 1 : r.d;
    if (!d) return;
    let wl = 0;
    const data = this.store.data;
    for (let i = d; data[i] !== 0; i++) {
      const v = data[i];
      let l = this.decisionmap[v < 0 ? -v : v];
      if (l < 0) l = -l;
      if (l > wl) {
        r.w2 = v;
        wl = l;
      }
    }
  }

  /** 1-UIP conflict analysis; learns a rule, reverts, returns [new level, learnt rule id]. */
  analyze(level: number, conflict: number): [number, number] {
    const dm = this.decisionmap;
    const seen = new Uint8Array(this.nsolvables);
    const q: number[] = [];
    let rlevel = 1;
    let p = 0;
    let num = 0;
    let l1num = 0;
    const learntWhyStart = this.learntPool.length;
    let idx = this.decisionq.length;
    let c = conflict;
    outer: for (;;) {
      this.learntPool.push(c);
      for (const v of this.ruleLits(c)) {
        if (v > 0 ? dm[v] > 0 : dm[-v] < 0) continue;
        const vv = v > 0 ? v : -v;
        if (seen[vv]) continue;
        seen[vv] = 1;
        let l = dm[vv];
        if (l < 0) l = -l;
        if (l === 1) l1num++;
        else if (l === level) num++;
        else {
          q.push(v);
          if (l > rlevel) rlevel = l;
        }
      }
      for (;;) {
        if (!num && !--l1num) break outer;
        let v = 0;
        let vv = 0;
        for (;;) {
          v = this.decisionq[--idx];
          vv = v > 0 ? v : -v;
          if (seen[vv]) break;
        }
        seen[vv] = 0;
        if (num && --num === 0) {
          p = -v;
          if (!l1num) break outer;
          for (const x of q) seen[x > 0 ? x : -x] = 0;
          l1num++;
          continue;
        }
        const why = this.decisionqWhy[idx];
        if (why <= 0) continue;
        c = why;
        continue outer;
      }
    }
    this.learntPool.push(0);
    this.stats.learned++;
    this.revert(rlevel);
    let r: Rule;
    if (q.length < 2) {
      r = this.#pushRule(p, q.length ? q[0] : 0, 0);
    } else {
      r = this.#pushRule(p, 0, this.store.add(q));
    }
    const rid = this.rules.length - 1;
    this.learntWhy.push(learntWhyStart);
    if (r.w2) {
      this.#watch2OnHighest(r);
      this.addWatchesRule(rid);
    } else this.ruleassertions.push(rid);
    return [rlevel, rid];
  }

  /** Append a rule without the package-rule dedup logic (learnt rules). */
  #pushRule(p: number, p2: number, d: number): Rule {
    const r = new Rule();
    r.p = p;
    r.d = d;
    r.w1 = p;
    r.w2 = d ? this.store.data[d] : p2;
    this.rules.push(r);
    return r;
  }

  // ---- unsolvable ---------------------------------------------------------------------------

  #analyzeUnsolvableRule(rid: number, weakq: number[], rseen: Set<number>): void {
    if (this.learntrules && rid >= this.learntrules) {
      if (rseen.has(rid)) return;
      rseen.add(rid);
      for (let i = this.learntWhy[rid - this.learntrules]; this.learntPool[i]; i++) {
        if (this.learntPool[i] > 0) this.#analyzeUnsolvableRule(this.learntPool[i], weakq, rseen);
      }
      return;
    }
    if (this.weakrulemap && this.weakrulemap[rid]) weakq.push(rid);
    if (rid >= this.pkgrulesEnd) recordProblem(this, rid);
  }

  #disableWeakRules(weakq: number[]): void {
    let lastweak = 0;
    for (const w of weakq) if (w > lastweak) lastweak = w;
    if (lastweak < this.pkgrulesEnd && this.recommendsRules.has(this.rules[lastweak])) {
      for (const rid of weakq) if (this.recommendsRules.has(this.rules[rid])) disableRule(this.rules[rid]);
      return;
    }
    if (lastweak >= this.choicerules && lastweak < this.choicerulesEnd) this.disableChoiceRules(lastweak);
    else fixProblem(this, lastweak, this.hooks);
  }

  /** Overridden by the rule builder (choice rules are disabled together with their origin). */
  disableChoiceRules(rid: number): void {
    disableRule(this.rules[rid]);
  }

  /** A conflict at level 1: record the problem; returns 0 to retry with rules disabled, -1 to stop. */
  analyzeUnsolvable(cr: number, disablerules: boolean): number {
    const dm = this.decisionmap;
    this.stats.unsolvable++;
    const oldproblemcount = this.problems.length;
    const oldlearntpoolcount = this.learntPool.length;
    this.problems.push(0);
    const involved = new Uint8Array(this.nsolvables);
    const rseen = new Set<number>();
    const weakq: number[] = [];
    this.learntPool.push(cr);
    this.#analyzeUnsolvableRule(cr, weakq, rseen);
    for (const v of this.ruleLits(cr)) involved[v > 0 ? v : -v] = 1;
    let idx = this.decisionq.length;
    while (idx > 0) {
      const v = this.decisionq[--idx];
      const vv = v > 0 ? v : -v;
      if (!involved[vv] || vv === SYSTEM_SOLVABLE) continue;
      const why = this.decisionqWhy[idx];
      if (why <= 0) continue;
      this.learntPool.push(why);
      this.#analyzeUnsolvableRule(why, weakq, rseen);
      for (const w of this.ruleLits(why)) {
        if (w > 0 ? dm[w] > 0 : dm[-w] < 0) continue;
        involved[w > 0 ? w : -w] = 1;
      }
    }
    this.problems.push(0);
    if (weakq.length) {
      this.problems.length = oldproblemcount;
      this.learntPool.length = oldlearntpoolcount;
      this.#disableWeakRules(weakq);
      this.reset();
      return 0;
    }
    if (this.flags.allowuninstall || this.allowuninstallAll || this.allowuninstallmap) {
      if (autoUninstall(this, oldproblemcount, this.hooks) !== 0) {
        this.problems.length = oldproblemcount;
        this.learntPool.length = oldlearntpoolcount;
        this.reset();
        return 0;
      }
    }
    this.learntPool.push(0);
    this.problems[oldproblemcount] = oldlearntpoolcount;
    if (disablerules && oldproblemcount + 2 < this.problems.length) {
      disableProblemSet(this, oldproblemcount);
      this.reset();
      return 0;
    }
    return -1;
  }

  /** Enable/disable learnt rules after problem rules were toggled (their proofs may be gone). */
  enableDisableLearntRules(): void {
    for (let i = this.learntrules; i < this.rules.length; i++) {
      const r = this.rules[i];
      let why = 0;
      for (let j = this.learntWhy[i - this.learntrules]; (why = this.learntPool[j]) !== 0; j++) {
        if (this.rules[why].d < 0) break;
      }
      if (why && r.d >= 0) disableRule(r);
      else if (!why && r.d < 0) enableRule(r);
    }
  }

  /** Decide all assertions (unit rules); conflicts between them become problems. */
  makeRuleDecisions(disablerules: boolean): number {
    const dm = this.decisionmap;
    this.decisionq.push(SYSTEM_SOLVABLE);
    this.decisionqWhy.push(0);
    this.decisionqReason.push(0, 0);
    dm[SYSTEM_SOLVABLE] = 1;
    const decisionstart = this.decisionq.length;
    let havedisabled = false;
    for (;;) {
      while (this.decisionq.length > decisionstart) {
        const v = this.decisionq.pop() as number;
        this.decisionqWhy.pop();
        dm[v > 0 ? v : -v] = 0;
      }
      let restart = false;
      for (const ri of this.ruleassertions) {
        const r = this.rules[ri];
        if (havedisabled && ri >= this.learntrules) {
          this.enableDisableLearntRules();
          havedisabled = false;
        }
        if (r.d < 0 || !r.p || r.w2) continue;
        if (ri < this.learntrules && this.weakrulemap && this.weakrulemap[ri]) continue;
        const v = r.p;
        const vv = v > 0 ? v : -v;
        if (!dm[vv]) {
          this.decisionq.push(v);
          this.decisionqWhy.push(ri);
          dm[vv] = v > 0 ? 1 : -1;
          continue;
        }
        if (v > 0 && dm[vv] > 0) continue;
        if (v < 0 && dm[vv] < 0) continue;
        if (ri >= this.learntrules) {
          disableRule(r);
          continue;
        }
        // Conflict between two assertions: find the decision that contradicts.
        let i = 0;
        for (; i < this.decisionq.length; i++) if (this.decisionq[i] === -v) break;
        const ori = v === -SYSTEM_SOLVABLE ? 0 : this.decisionqWhy[i];
        let doautouninstall = false;
        const oldproblemcount = this.problems.length;
        this.problems.push(0);
        if (ori < this.pkgrulesEnd) {
          recordProblem(this, ri);
          if (ri >= this.featurerules && ri < this.updaterulesEnd) doautouninstall = true;
        } else {
          for (let k = this.pkgrulesEnd; k < this.learntrules; k++) {
            const rr = this.rules[k];
            if (rr.d < 0 || rr.w2) continue;
            if (rr.p !== vv && rr.p !== -vv) continue;
            if (this.weakrulemap && this.weakrulemap[k]) continue;
            recordProblem(this, k);
            if (k >= this.featurerules && k < this.updaterulesEnd) doautouninstall = true;
          }
        }
        this.problems.push(0);
        if (doautouninstall && (this.flags.allowuninstall || this.allowuninstallAll || this.allowuninstallmap)) {
          if (autoUninstall(this, oldproblemcount, this.hooks) !== 0) {
            this.problems.length = oldproblemcount;
            havedisabled = true;
            restart = true;
            break;
          }
        }
        this.problems[oldproblemcount] = this.learntPool.length;
        this.learntPool.push(ri);
        if (ori) this.learntPool.push(ori);
        this.learntPool.push(0);
        if (!disablerules) return -1;
        disableProblemSet(this, oldproblemcount);
        havedisabled = true;
        restart = true;
        break;
      }
      if (restart) continue;
      if (!this.weakrulemap) break;
      let again = false;
      for (const ri of this.ruleassertions) {
        const r = this.rules[ri];
        if (r.d < 0 || r.w2) continue;
        if (ri >= this.learntrules || !this.weakrulemap[ri]) continue;
        const v = r.p;
        const vv = v > 0 ? v : -v;
        if (!dm[vv]) {
          this.decisionq.push(v);
          this.decisionqWhy.push(ri);
          dm[vv] = v > 0 ? 1 : -1;
          continue;
        }
        if (v > 0 && dm[vv] > 0) continue;
        if (v < 0 && dm[vv] < 0) continue;
        fixProblem(this, ri, this.hooks);
        havedisabled = true;
        again = true;
        break;
      }
      if (!again) break;
    }
    return 1;
  }

  /** Decide `decision` at a new level and propagate; learn and backjump on conflicts. */
  setPropagateLearn(level: number, decision: number, disablerules: boolean, ruleid: number, reason: number): number {
    if (decision) {
      level++;
      if (decision > 0) this.decisionmap[decision] = level;
      else this.decisionmap[-decision] = -level;
      this.decisionq.push(decision);
      this.decisionqWhy.push(-ruleid);
      this.decisionqReason.push(reason);
      this.stats.decisions++;
    }
    for (;;) {
      const r = this.propagate(level);
      if (!r) break;
      if (level === 1) return this.analyzeUnsolvable(r, disablerules);
      const [nl, lr] = this.analyze(level, r);
      level = nl;
      const d = this.rules[lr].p;
      this.decisionmap[d > 0 ? d : -d] = d > 0 ? level : -level;
      this.decisionq.push(d);
      this.decisionqWhy.push(lr);
    }
    return level;
  }

  // ---- choosing -------------------------------------------------------------------------------

  createBranch(level: number, dq: readonly number[], p: number, data: number): void {
    this.branches.push(-dq[0]);
    for (let i = 1; i < dq.length; i++) this.branches.push(dq[i]);
    this.branches.push(p, data, dq.length + 4, level);
  }

  takeBranch(pos: number, end: number, disablerules: boolean): number {
    const level = this.branches[end - 1];
    const p = this.branches[pos];
    this.branches[pos] = -p;
    this.branches[end - 1] = 0;
    // revert() truncates; remember the why/reason of the decision we replace first.
    const whyIdx = this.decisionqWhy.length;
    const savedWhy = this.decisionqWhy.slice();
    const savedReason = this.decisionqReason.slice();
    this.revert(level);
    this.branches[end - 1] = level;
    void whyIdx;
    const why = -(savedWhy[this.decisionqWhy.length] ?? 0);
    const reason = savedReason[level + 1] ?? 0;
    return this.setPropagateLearn(level, p, disablerules, why < 0 ? 0 : why, reason);
  }

  /** Pick the best of `dq` by policy, open a branch for the rest, decide it. */
  selectAndInstall(level: number, dq: number[], disablerules: boolean, ruleid: number, reason: number): number {
    if (dq.length > 1) policyFilterUnwanted(this, dq, POLICY_MODE_CHOOSE);
    if (dq.length > 1 && this.doExtraReordering) {
      if (!this.flags.libsolv0723) this.#pruneDqForFutureInstalled(dq);
      if (dq.length > 1) this.#reorderDqForFutureInstalled(level, dq);
    }
    if (dq.length > 1 && this.yumobsrulesEnd > this.yumobsrules) this.#pruneYumobs(dq);
    if (dq.length > 1) this.createBranch(level, dq, 0, ruleid);
    return this.setPropagateLearn(level, dq[0], disablerules, ruleid, reason);
  }

  replacesInstalledPackage(p: number): boolean {
    const pool = this.pool;
    const inst = this.installed;
    if (!inst) return false;
    if (this.isInstalled(p) && !this.noupdate[p - inst.start]) return true;
    for (const p2 of this.providersOfName(pool.solvName[p])) {
      if (pool.solvName[p2] !== pool.solvName[p] || !this.isInstalled(p2) || this.noupdate[p2 - inst.start]) continue;
      if (this.pf.implicitobsoleteusescolors && !this.colormatch(p, p2)) continue;
      return true;
    }
    for (const obs of pool.deps(p, 'obsoletes')) {
      for (const p2 of this.providers(obs)) {
        if (!this.isInstalled(p2) || this.noupdate[p2 - inst.start]) continue;
        if (!this.pf.obsoleteusesprovides && !this.matchNevr(p2, obs)) continue;
        if (this.pf.obsoleteusescolors && !this.colormatch(p, p2)) continue;
        return true;
      }
    }
    return false;
  }

  #pruneDqForFutureInstalled(dq: number[]): void {
    const kept = dq.filter((p) => this.replacesInstalledPackage(p));
    if (kept.length) {
      dq.length = 0;
      dq.push(...kept);
    }
  }

  #reorderDqForFutureInstalled(level: number, dq: number[]): void {
    const inst = this.installed;
    if (!inst) return;
    const pool = this.pool;
    const decisionqcount = this.decisionq.length;
    let haveone = false;
    for (let p = inst.start; p < inst.end; p++) {
      if (this.noupdate[p - inst.start]) continue;
      if (this.decisionmap[p] === 0) {
        if (pool.deps(p, 'recommends').length || pool.deps(p, 'suggests').length) this.decisionq.push(p);
        this.decisionmap[p] = level + 1;
        haveone = true;
      }
    }
    if (!haveone) return;
    updateRecommendsMap(this);
    const first: number[] = [];
    const rest: number[] = [];
    for (const p of dq) {
      if (this.isInstalled(p) || this.suggestsmap[p] || this.isEnhancing(p)) first.push(p);
      else rest.push(p);
    }
    const ordered = [...first, ...rest];
    const a: number[] = [];
    const b: number[] = [];
    for (const p of ordered) {
      if (this.isInstalled(p) || this.recommendsmap[p] || this.isSupplementing(p)) a.push(p);
      else b.push(p);
    }
    dq.length = 0;
    dq.push(...a, ...b);
    for (let p = inst.start; p < inst.end; p++) if (this.decisionmap[p] === level + 1) this.decisionmap[p] = 0;
    if (this.decisionq.length !== decisionqcount) {
      this.recommendsIndex = -1;
      this.decisionq.length = decisionqcount;
    }
    preferFavored(this, dq);
  }

  #pruneYumobs(dq: number[]): void {
    const pool = this.pool;
    for (let i = 0; i < dq.length - 1; i++) {
      const p = dq[i];
      if (!p || !pool.deps(p, 'obsoletes').length) continue;
      const m = new Set<number>();
      for (let rid = this.yumobsrules; rid < this.yumobsrulesEnd; rid++) {
        if (this.rules[rid].p !== -p) continue;
        for (const p2 of this.ruleLits(rid)) if (p2 > 0) m.add(p2);
      }
      if (!m.size) continue;
      for (let j = i + 1; j < dq.length; j++) if (m.has(dq[j])) dq[j] = 0;
    }
    const kept = dq.filter((x) => x !== 0);
    dq.length = 0;
    dq.push(...kept);
  }
}
