// Which packages are recommended / suggested but not part of the result (libsolv
// solver_get_recommendations): what `dnf` lists as "weak deps not installed" and testsolv prints as
// `recommended` / `suggested`.
import { POLICY_MODE_SUGGEST, REASON_WEAKDEP } from './constants.ts';
import { policyFilterUnwanted } from './policy.ts';
import { disableRule, enableRule } from './rule-store.ts';
import type { Solver } from './solver.ts';

/** removedisabledconflicts: forget conflicts that came from rules now disabled; re-derive the rest. */
function removeDisabledConflicts(solver: Solver): number[] {
  const dm = solver.decisionmap;
  const removed: number[] = [];
  for (let i = 0; i < solver.decisionq.length; i++) {
    const p = solver.decisionq[i];
    if (p > 0) continue;
    const why = solver.decisionqWhy[i];
    if (why <= 0) continue;
    if (solver.rules[why].d < 0 && dm[-p]) {
      removed.push(-p, dm[-p]);
      dm[-p] = 0;
    }
  }
  if (!removed.length) return removed;
  const isFalse = (l: number): boolean => (l > 0 ? dm[l] < 0 : dm[-l] > 0);
  const n = solver.nrules();
  for (let i = 1, k = 1; k < n; i++, k++) {
    if (i === n) i = 1;
    const r = solver.rules[i];
    if (r.d < 0) continue;
    let neu = 0;
    if (!r.w2) {
      if (r.p < 0 && !dm[-r.p]) neu = r.p;
    } else if (!r.d) {
      if (r.p < 0 && dm[-r.p] === 0 && isFalse(r.w2)) neu = r.p;
      else if (r.w2 < 0 && dm[-r.w2] === 0 && isFalse(r.p)) neu = r.w2;
    } else {
      if (r.p < 0 && dm[-r.p] === 0) neu = r.p;
      if (neu || isFalse(r.p)) {
        const data = solver.store.data;
        for (let d = r.d; data[d] !== 0; d++) {
          const p = data[d];
          if (neu && p === neu) continue;
          if (p < 0 && dm[-p] === 0) {
            if (neu) {
              neu = 0;
              break;
            }
            neu = p;
          } else if (!isFalse(p)) {
            neu = 0;
            break;
          }
        }
      }
    }
    if (neu) {
      dm[-neu] = -1;
      k = 0;
    }
  }
  return removed;
}

function markOpen(solver: Solver, dep: number, map: Uint8Array, noselected: boolean): void {
  const dm = solver.decisionmap;
  if (solver.isComplexDep(dep)) {
    for (const clause of solver.pool.richCnf(dep)) {
      let blocked = false;
      let satisfied = false;
      for (const l of clause) {
        if (l < 0 && dm[-l] <= 0) blocked = true;
        if (l > 0 && dm[l] > 0) satisfied = true;
      }
      if (blocked) continue;
      for (const l of clause) if (l > 0 && (!satisfied || (!noselected && dm[l] > 0))) map[l] = 1;
    }
    return;
  }
  const provs = solver.providers(dep);
  let fulfilled = false;
  for (const p of provs) if (dm[p] > 0) fulfilled = true;
  if (fulfilled) {
    if (!noselected) for (const p of provs) if (dm[p] > 0) map[p] = 1;
    return;
  }
  for (const p of provs) map[p] = 1;
}

export function getRecommendations(solver: Solver, noselected = false): { recommended: number[]; suggested: number[] } {
  const pool = solver.pool;
  const dm = solver.decisionmap;
  const obsmap = new Uint8Array(solver.nsolvables);
  const inst = solver.installed;
  if (inst) {
    for (let p = inst.start; p < inst.end; p++) {
      if (dm[p] <= 0 || solver.isMultiversion(p)) continue;
      for (const obs of pool.deps(p, 'obsoletes')) for (const po of solver.providers(obs)) obsmap[po] = 1;
    }
  }
  const disabledq: number[] = [];
  for (let i = solver.jobrules; i < solver.jobrulesEnd; i++) {
    const r = solver.rules[i];
    if (r.d < 0 || r.p >= 0) continue;
    disabledq.push(i);
    disableRule(r);
  }
  let redo: number[] = [];
  if (disabledq.length) {
    solver.enableDisableLearntRules();
    redo = removeDisabledConflicts(solver);
  }
  const collect = (kind: 'recommends' | 'suggests', map: Uint8Array, extra: (s: number) => boolean): number[] => {
    map.fill(0);
    solver.recommendsIndex = -1;
    if (kind === 'recommends') {
      for (let i = 1; i < solver.decisionq.length; i++) {
        const p = solver.decisionq[i];
        if (p > 0 && solver.decisionqWhy[i] === 0 && solver.decisionqReason[dm[p]] === REASON_WEAKDEP) map[p] = 1;
      }
    }
    for (const p of solver.decisionq) {
      if (p < 0) continue;
      for (const dep of pool.deps(p, kind)) markOpen(solver, dep, map, noselected);
    }
    const out: number[] = [];
    for (let i = 2; i < solver.nsolvables; i++) {
      if (dm[i] < 0) continue;
      if (dm[i] > 0 && noselected) continue;
      if (obsmap[i]) continue;
      if (!map[i] && !extra(i)) continue;
      out.push(i);
    }
    policyFilterUnwanted(solver, out, POLICY_MODE_SUGGEST);
    return out;
  };
  const recommended = collect('recommends', solver.recommendsmap, (s) => pool.deps(s, 'supplements').length > 0 && solver.installable(s) && solver.isSupplementing(s));
  const suggested = collect('suggests', solver.suggestsmap, (s) => pool.deps(s, 'enhances').length > 0 && solver.installable(s) && solver.isEnhancing(s));
  for (let i = 0; i < redo.length; i += 2) dm[redo[i]] = redo[i + 1];
  for (const rid of disabledq) enableRule(solver.rules[rid]);
  return { recommended, suggested };
}
