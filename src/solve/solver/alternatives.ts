// The choices the solver made among several candidates (libsolv decision.c alternatives): one per
// open branch, with the candidates, which one was taken, and what asked for it. dnf shows these
// when explaining why a provider was picked.
import {
  RULE_BEST,
  RULE_CHOICE,
  RULE_FEATURE,
  RULE_JOB,
  RULE_LEARNT,
  RULE_PKG_CONFLICTS,
  RULE_PKG_RECOMMENDS,
  RULE_PKG_REQUIRES,
  RULE_RECOMMENDS,
  RULE_UPDATE,
  RULE_YUMOBS,
  SEL_NAME,
  SEL_ONE_OF,
  SEL_PROVIDES,
  SELECT_MASK,
} from './constants.ts';
import { problemRuleText, ruleClass, ruleInfo, type ProblemNaming, type RuleInfo } from './problems.ts';
import type { Solver } from './solver.ts';

export interface Alternative {
  /** Rule id (rule alternatives) or dependency id (recommends alternatives). */
  id: number;
  /** For recommends: the package whose recommends opened the choice; 0 for rules. */
  from: number;
  level: number;
  /** The chosen package (0 if none). */
  chosen: number;
  /** Candidates in policy order; negative ones were tried. */
  choices: number[];
}

export function getAlternatives(solver: Solver): Alternative[] {
  const br = solver.branches;
  const groups: [number, number][] = [];
  for (let count = br.length; count; count -= br[count - 2]) groups.push([count - br[count - 2], count]);
  groups.reverse();
  return groups.map(([start, end]) => {
    const level = br[end - 1];
    let chosen = 0;
    for (let i = end - 5; i >= start; i--) {
      const p = -br[i];
      if (p > 0 && solver.decisionmap[p] === level + 1) {
        chosen = p;
        break;
      }
    }
    return { id: br[end - 3], from: br[end - 4], level, chosen, choices: br.slice(start, end - 4) };
  });
}

/** The rule behind a learnt alternative: one whose positive literals cover all candidates. */
function alternativeRuleFromLearnt(solver: Solver, rid: number, choices: readonly number[]): number {
  const m = new Set(choices.filter((p) => p > 0));
  const rec = (r: number): number => {
    for (let i = solver.learntWhy[r - solver.learntrules]; solver.learntPool[i] !== 0; i++) {
      const x = solver.learntPool[i];
      if (x >= solver.learntrules) {
        const found = rec(x);
        if (found) return found;
        continue;
      }
      let c = 0;
      for (const p of solver.ruleLits(x)) if (p > 0 && m.has(p)) c++;
      if (c === m.size) return x;
    }
    return 0;
  };
  return rec(rid);
}

function alternativeInfo(solver: Solver, alt: Alternative): RuleInfo {
  if (alt.from) return { type: RULE_PKG_RECOMMENDS, from: alt.from, to: 0, dep: alt.id };
  let id = alt.id;
  let cls = ruleClass(solver, id);
  if (cls === RULE_LEARNT) {
    id = alternativeRuleFromLearnt(solver, id, alt.choices);
    if (!id) return { type: RULE_LEARNT, from: 0, to: 0, dep: 0 };
    cls = ruleClass(solver, id);
  }
  if (cls === RULE_CHOICE) id = solver.choicerulesInfo[id - solver.choicerules];
  else if (cls === RULE_RECOMMENDS) id = solver.recommendsrulesInfo[id - solver.recommendsrules];
  else if (cls === RULE_BEST) {
    const info = solver.bestrulesInfo[id - solver.bestrules];
    if (info > 0) return { type: RULE_UPDATE, from: info, to: 0, dep: 0 };
    id = -info;
  }
  return ruleInfo(solver, id);
}

export function alternativeText(solver: Solver, alt: Alternative, n: ProblemNaming): string {
  const info = alternativeInfo(solver, alt);
  const { type, from, to, dep } = info;
  switch (type) {
    case RULE_PKG_RECOMMENDS:
      return from ? `${n.dep(dep)}, recommended by ${n.plain(from)}` : n.dep(dep);
    case RULE_PKG_REQUIRES:
      return from ? `${n.dep(dep)}, required by ${n.plain(from)}` : n.dep(dep);
    case RULE_PKG_CONFLICTS:
      return from ? `${n.dep(dep)}, conflicted by  ${n.plain(from)}` : n.dep(dep);
    case RULE_JOB: {
      const select = to & SELECT_MASK;
      if (select === SEL_PROVIDES || select === SEL_NAME) return n.dep(dep);
      if (select === SEL_ONE_OF) return solver.store.list(dep).map((p) => n.plain(p)).join(', ');
      return n.job(to, dep);
    }
    case RULE_YUMOBS:
      return `${solver.pool.name(to)}, obsoleting ${n.dep(dep)}`;
    case RULE_UPDATE:
    case RULE_FEATURE:
      return n.plain(from);
    default:
      return problemRuleText(solver, info, n);
  }
}
