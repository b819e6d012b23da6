// Recording and disabling the rules behind a problem (libsolv problems.c, first half): a problem is
// a list of "problem ids": > 0 a policy rule (update, infarch, dup, …), < 0 a job (-(jobidx+1)).
import { JOB_CLEANDEPS } from './constants.ts';
import { disableRule, enableRule } from './rule-store.ts';
import type { SolverState } from './state.ts';

/** Callbacks the engine provides (kept apart to avoid an import cycle). */
export interface PolicyRuleHooks {
  disablePolicyRules(): void;
  reenablePolicyRules(jobidx: number): void;
}

function sameNameRange(solv: SolverState, v: number, start: number, end: number): [number, number] {
  const pool = solv.pool;
  const name = pool.solvName[-solv.rules[v].p];
  let a = v;
  while (a > start && pool.solvName[-solv.rules[a - 1].p] === name) a--;
  let b = a;
  while (b < end && pool.solvName[-solv.rules[b].p] === name) b++;
  return [a, b];
}

export function disableProblem(solv: SolverState, v: number): void {
  if (v > 0) {
    if (v >= solv.infarchrules && v < solv.infarchrulesEnd) {
      const [a, b] = sameNameRange(solv, v, solv.infarchrules, solv.infarchrulesEnd);
      for (let i = a; i < b; i++) disableRule(solv.rules[i]);
      return;
    }
    if (v >= solv.duprules && v < solv.duprulesEnd) {
      const [a, b] = sameNameRange(solv, v, solv.duprules, solv.duprulesEnd);
      for (let i = a; i < b; i++) disableRule(solv.rules[i]);
      return;
    }
    disableRule(solv.rules[v]);
    return;
  }
  const job = -(v + 1);
  const ni = solv.bestrulesUp - solv.bestrules;
  for (let i = 0; i < ni; i++) {
    const j = solv.bestrulesInfo[i];
    if (j < 0 && solv.ruletojob[-j - solv.jobrules] === job) disableRule(solv.rules[solv.bestrules + i]);
  }
  for (let i = solv.jobrules; i < solv.jobrulesEnd; i++) if (solv.ruletojob[i - solv.jobrules] === job) disableRule(solv.rules[i]);
}

export function enableProblem(solv: SolverState, v: number): void {
  if (v > 0) {
    if (v >= solv.infarchrules && v < solv.infarchrulesEnd) {
      const [a, b] = sameNameRange(solv, v, solv.infarchrules, solv.infarchrulesEnd);
      for (let i = a; i < b; i++) enableRule(solv.rules[i]);
      return;
    }
    if (v >= solv.duprules && v < solv.duprulesEnd) {
      const [a, b] = sameNameRange(solv, v, solv.duprules, solv.duprulesEnd);
      for (let i = a; i < b; i++) enableRule(solv.rules[i]);
      return;
    }
    if (v >= solv.featurerules && v < solv.featurerulesEnd) {
      const r = solv.rules[v - solv.featurerules + solv.updaterules];
      if (r.d >= 0) return;
    }
    enableRule(solv.rules[v]);
    if (v >= solv.updaterules && v < solv.updaterulesEnd) {
      const r = solv.rules[v - solv.updaterules + solv.featurerules];
      if (r.p) disableRule(r);
    }
    return;
  }
  const job = -(v + 1);
  const ni = solv.bestrulesUp - solv.bestrules;
  for (let i = 0; i < ni; i++) {
    const j = solv.bestrulesInfo[i];
    if (j < 0 && solv.ruletojob[-j - solv.jobrules] === job) enableRule(solv.rules[solv.bestrules + i]);
  }
  for (let i = solv.jobrules; i < solv.jobrulesEnd; i++) if (solv.ruletojob[i - solv.jobrules] === job) enableRule(solv.rules[i]);
}

/** solver_ruletoproblem: job rules map to their job, infarch/dup rules to the first of their name. */
export function ruleToProblem(solv: SolverState, rid: number): number {
  if (rid >= solv.jobrules && rid < solv.jobrulesEnd) return -(solv.ruletojob[rid - solv.jobrules] + 1);
  if (rid >= solv.bestrules && rid < solv.bestrulesUp && solv.bestrulesInfo[rid - solv.bestrules] < 0) {
    return -(solv.ruletojob[-solv.bestrulesInfo[rid - solv.bestrules] - solv.jobrules] + 1);
  }
  if (rid > solv.infarchrules && rid < solv.infarchrulesEnd) return sameNameRange(solv, rid, solv.infarchrules, solv.infarchrulesEnd)[0];
  if (rid > solv.duprules && rid < solv.duprulesEnd) return sameNameRange(solv, rid, solv.duprules, solv.duprulesEnd)[0];
  return rid;
}

export function recordProblem(solv: SolverState, rid: number): void {
  const v = ruleToProblem(solv, rid);
  for (let i = solv.problems.length - 1; i >= 0; i--) {
    if (solv.problems[i] === 0) break;
    if (solv.problems[i] === v) return;
  }
  solv.problems.push(v);
}

export function fixProblem(solv: SolverState, rid: number, hooks: PolicyRuleHooks): void {
  const v = ruleToProblem(solv, rid);
  disableProblem(solv, v);
  if (v < 0) hooks.reenablePolicyRules(-v - 1);
}

export function disableProblemSet(solv: SolverState, start: number): void {
  for (let i = start + 1; i < solv.problems.length - 1; i++) disableProblem(solv, solv.problems[i]);
}

/** solver_autouninstall: with allowuninstall, give up the newest update rule in the problem. */
export function autoUninstall(solv: SolverState, start: number, hooks: PolicyRuleHooks): number {
  let m: Uint8Array | undefined;
  if (!solv.flags.allowuninstall && !solv.allowuninstallAll) {
    if (!solv.allowuninstallmap) return 0;
    m = solv.allowuninstallmap;
  }
  let lastfeature = 0;
  let lastupdate = 0;
  let extraflags = -1;
  const inst = solv.installed;
  if (!inst) return 0;
  for (let i = start + 1; i < solv.problems.length - 1; i++) {
    const v = solv.problems[i];
    if (v < 0) extraflags &= solv.job[-v - 1];
    if (v >= solv.updaterules && v < solv.updaterulesEnd) {
      const p = inst.start + (v - solv.updaterules);
      if (m && !m[v - solv.updaterules]) continue;
      if (solv.isDisabled(p)) continue;
      if (solv.bestrulesInfo.length && solv.bestrulesEnd > solv.bestrules) {
        let involved = false;
        for (let j = start + 1; j < solv.problems.length - 1; j++) {
          const vv = solv.problems[j];
          if (vv >= solv.bestrules && vv < solv.bestrulesEnd && solv.bestrulesInfo[vv - solv.bestrules] === p) involved = true;
        }
        if (involved) continue;
      }
      const fr = solv.rules[solv.featurerules + (v - solv.updaterules)];
      if (!fr.p) {
        if (v > lastfeature) lastfeature = v;
        if (solv.flags.keeporphans) {
          const r = solv.rules[v];
          if (!r.d && !r.w2 && r.p === p) {
            lastfeature = v;
            lastupdate = 0;
            break;
          }
        }
        continue;
      }
      if (v > lastupdate) lastupdate = v;
    }
  }
  if (!lastupdate && !lastfeature) return 0;
  const v = lastupdate ? lastupdate : lastfeature;
  disableProblem(solv, v);
  if (extraflags !== -1 && (extraflags & JOB_CLEANDEPS) !== 0 && solv.cleandepsmap) {
    const p = solv.rules[v].p;
    solv.cleandepsUpdatepkgs ??= [];
    if (p > 0 && !solv.cleandepsUpdatepkgs.includes(p)) {
      solv.cleandepsUpdatepkgs.push(p);
      hooks.disablePolicyRules();
    }
  }
  return v;
}
