// Problems as libsolv reports them (problems.c): for each problem the rule that best explains it
// (findproblemrule), that rule's text, and the solutions, each found by re-enabling all but one
// of the problem's rules and re-solving until the rest works (refine_suggestion).
import { createHash } from 'node:crypto';
import {
  JOB_ERASE,
  JOB_ESSENTIAL,
  JOB_INSTALL,
  JOB_MASK,
  RULE_BEST,
  RULE_BLACK,
  RULE_CHOICE,
  RULE_DISTUPGRADE,
  RULE_FEATURE,
  RULE_INFARCH,
  RULE_JOB,
  RULE_JOB_NOTHING_PROVIDES_DEP,
  RULE_JOB_PROVIDED_BY_SYSTEM,
  RULE_JOB_UNKNOWN_PACKAGE,
  RULE_JOB_UNSUPPORTED,
  RULE_LEARNT,
  RULE_PKG,
  RULE_RECOMMENDS,
  RULE_PKG_CONFLICTS,
  RULE_PKG_IMPLICIT_OBSOLETES,
  RULE_PKG_INSTALLED_OBSOLETES,
  RULE_PKG_NOT_INSTALLABLE,
  RULE_PKG_NOTHING_PROVIDES_DEP,
  RULE_PKG_OBSOLETES,
  RULE_PKG_REQUIRES,
  RULE_PKG_SAME_NAME,
  RULE_PKG_SELF_CONFLICT,
  RULE_UNKNOWN,
  RULE_UPDATE,
  RULE_YUMOBS,
  RULE_STRICT_REPO_PRIORITY,
  SEL_NAME,
  SEL_PROVIDES,
  SELECT_MASK,
} from './constants.ts';
import { disableProblem, enableProblem } from './problem-rules.ts';
import { enableRule } from './rule-store.ts';
import { disablePolicyRules, reenablePolicyRules } from './rules.ts';
import type { Solver } from './solver.ts';
import { ruleInfos } from './state.ts';
import { SYSTEM_SOLVABLE } from '../pool/pool.ts';

/** How problem texts name things (testsolv and dnf differ only in these). */
export interface ProblemNaming {
  /** A package as testcase results print it (`name-evr.arch@repo`). */
  full(p: number): string;
  /** A package in problem texts (`name-evr.arch`). */
  plain(p: number): string;
  dep(d: number): string;
  job(how: number, what: number): string;
}

const SOLUTION_JOB = 0;
const SOLUTION_DISTUPGRADE = -1;
const SOLUTION_INFARCH = -2;
const SOLUTION_BEST = -3;
const SOLUTION_BLACK = -5;
const SOLUTION_STRICTREPOPRIORITY = -6;

export interface SolutionElement {
  /** SOLUTION_JOB (0) with rp = job index + 1; < 0: allow rp; > 0: erase p (rp 0) or replace p by rp. */
  p: number;
  rp: number;
}

export interface Solution {
  /** The problem id (rule or job) this solution gives up, for its stable id. */
  internal: number;
  elements: SolutionElement[];
}

export interface Problem {
  /** The rule that explains the problem best. */
  rule: number;
  /** All rules involved (the proof, learnt rules expanded). */
  allRules: number[];
  solutions: Solution[];
}

// ---- rule info ------------------------------------------------------------------------------

export interface RuleInfo {
  type: number;
  from: number;
  to: number;
  dep: number;
}

export function ruleClass(solver: Solver, rid: number): number {
  if (rid <= 0) return RULE_UNKNOWN;
  if (rid < solver.pkgrulesEnd) return RULE_PKG;
  if (rid >= solver.jobrules && rid < solver.jobrulesEnd) return RULE_JOB;
  if (rid >= solver.updaterules && rid < solver.updaterulesEnd) return RULE_UPDATE;
  if (rid >= solver.featurerules && rid < solver.featurerulesEnd) return RULE_FEATURE;
  if (rid >= solver.duprules && rid < solver.duprulesEnd) return RULE_DISTUPGRADE;
  if (rid >= solver.infarchrules && rid < solver.infarchrulesEnd) return RULE_INFARCH;
  if (rid >= solver.bestrules && rid < solver.bestrulesEnd) return RULE_BEST;
  if (rid >= solver.yumobsrules && rid < solver.yumobsrulesEnd) return RULE_YUMOBS;
  if (rid >= solver.blackrules && rid < solver.blackrulesEnd) return RULE_BLACK;
  if (rid >= solver.choicerules && rid < solver.choicerulesEnd) return RULE_CHOICE;
  if (rid >= solver.recommendsrules && rid < solver.recommendsrulesEnd) return RULE_RECOMMENDS;
  if (rid >= solver.strictrepopriorules && rid < solver.strictrepopriorulesEnd) return RULE_STRICT_REPO_PRIORITY;
  if (rid >= solver.learntrules && rid < solver.nrules()) return RULE_LEARNT;
  return RULE_UNKNOWN;
}

/** Was info `i` recorded while making rules for package `p`? (same-name infos name both). */
function ruleInfoFrom(raw: readonly number[], i: number, p: number): boolean {
  return raw[i + 1] === p || (raw[i] === RULE_PKG_SAME_NAME && raw[i + 2] === p);
}

export function ruleInfo(solver: Solver, rid: number): RuleInfo {
  const r = solver.rules[rid];
  const out: RuleInfo = { type: RULE_UNKNOWN, from: 0, to: 0, dep: 0 };
  if (rid > 0 && rid < solver.pkgrulesEnd) {
    if (r.p >= 0) return { ...out, type: RULE_PKG };
    out.type = RULE_PKG;
    out.from = -r.p;
    // libsolv regenerates the infos package by package in the rule's literal order.
    const raw = ruleInfos(solver, r);
    const infos: number[] = [];
    const used = new Uint8Array(raw.length / 4);
    for (const l of solver.ruleLits(rid)) {
      if (l >= 0) break;
      for (let i = 0; i < raw.length; i += 4) {
        if (used[i / 4] || !ruleInfoFrom(raw, i, -l)) continue;
        used[i / 4] = 1;
        infos.push(raw[i], raw[i + 1], raw[i + 2], raw[i + 3]);
      }
    }
    for (let i = 0; i < raw.length; i += 4) if (!used[i / 4]) infos.push(raw[i], raw[i + 1], raw[i + 2], raw[i + 3]);
    for (let i = 0; i < infos.length; i += 4) {
      const qt = infos[i];
      if (out.type === RULE_PKG || qt === RULE_PKG_SAME_NAME || out.type > qt) {
        out.type = qt;
        out.from = infos[i + 1];
        out.to = infos[i + 2];
        out.dep = infos[i + 3];
        if (qt === RULE_PKG_SAME_NAME) break;
      }
    }
    return out;
  }
  if (rid >= solver.jobrules && rid < solver.jobrulesEnd) {
    const jidx = solver.ruletojob[rid - solver.jobrules];
    out.from = jidx;
    out.to = solver.job[jidx];
    out.dep = solver.job[jidx + 1];
    const d = r.d;
    if ((d === 0 || d === -1) && r.w2 === 0 && r.p === -SYSTEM_SOLVABLE) {
      const how = solver.job[jidx] & (JOB_MASK | SELECT_MASK);
      if (how === (JOB_INSTALL | SEL_NAME)) return { ...out, type: RULE_JOB_UNKNOWN_PACKAGE };
      if (how === (JOB_INSTALL | SEL_PROVIDES)) return { ...out, type: RULE_JOB_NOTHING_PROVIDES_DEP };
      if (how === (JOB_ERASE | SEL_NAME) || how === (JOB_ERASE | SEL_PROVIDES)) return { ...out, type: RULE_JOB_PROVIDED_BY_SYSTEM };
      return { ...out, type: RULE_JOB_UNSUPPORTED };
    }
    return { ...out, type: RULE_JOB };
  }
  const inst = solver.installed;
  if (rid >= solver.updaterules && rid < solver.updaterulesEnd) return { ...out, type: RULE_UPDATE, from: (inst?.start ?? 0) + (rid - solver.updaterules) };
  if (rid >= solver.featurerules && rid < solver.featurerulesEnd) return { ...out, type: RULE_FEATURE, from: (inst?.start ?? 0) + (rid - solver.featurerules) };
  if (rid >= solver.duprules && rid < solver.duprulesEnd) return { ...out, type: RULE_DISTUPGRADE, from: -r.p };
  if (rid >= solver.infarchrules && rid < solver.infarchrulesEnd) return { ...out, type: RULE_INFARCH, from: -r.p };
  if (rid >= solver.bestrules && rid < solver.bestrulesEnd) {
    const info = solver.bestrulesInfo[rid - solver.bestrules];
    return { ...out, type: RULE_BEST, from: info > 0 ? info : 0, to: info < 0 ? -info : 0 };
  }
  if (rid >= solver.blackrules && rid < solver.blackrulesEnd) return { ...out, type: RULE_BLACK, from: -r.p };
  if (rid >= solver.strictrepopriorules && rid < solver.strictrepopriorulesEnd) return { ...out, type: RULE_STRICT_REPO_PRIORITY, from: -r.p };
  if (rid >= solver.yumobsrules && rid < solver.yumobsrulesEnd) {
    const d = r.d < 0 ? -r.d - 1 : r.d;
    return { type: RULE_YUMOBS, from: -r.p, to: d ? solver.store.data[d] : r.w2, dep: solver.yumobsrulesInfo[rid - solver.yumobsrules] };
  }
  if (rid >= solver.recommendsrules && rid < solver.recommendsrulesEnd) return { ...out, type: RULE_RECOMMENDS, from: solver.recommendsrulesInfo[rid - solver.recommendsrules] ?? 0 };
  if (rid >= solver.choicerules && rid < solver.choicerulesEnd) return { ...out, type: RULE_CHOICE, from: solver.choicerulesInfo[rid - solver.choicerules] ?? 0 };
  if (rid >= solver.learntrules) return { ...out, type: RULE_LEARNT };
  return out;
}

export function problemRuleText(solver: Solver, info: RuleInfo, n: ProblemNaming): string {
  const { type, from, to, dep } = info;
  const s = (p: number): string => n.plain(p);
  switch (type) {
    case RULE_DISTUPGRADE:
      return `${s(from)} does not belong to a distupgrade repository`;
    case RULE_INFARCH:
      return `${s(from)} has inferior architecture`;
    case RULE_UPDATE:
      return `problem with installed package ${s(from)}`;
    case RULE_JOB:
      return 'conflicting requests';
    case RULE_JOB_UNSUPPORTED:
      return 'unsupported request';
    case RULE_JOB_NOTHING_PROVIDES_DEP:
      return `nothing provides requested ${n.dep(dep)}`;
    case RULE_JOB_UNKNOWN_PACKAGE:
      return `package ${n.dep(dep)} does not exist`;
    case RULE_JOB_PROVIDED_BY_SYSTEM:
      return `${n.dep(dep)} is provided by the system`;
    case RULE_PKG:
      return 'some dependency problem';
    case RULE_BEST:
      return from > 0 ? `cannot install the best update candidate for package ${s(from)}` : 'cannot install the best candidate for the job';
    case RULE_PKG_NOT_INSTALLABLE:
      if (solver.isDisabled(from)) return `package ${s(from)} is disabled`;
      if (!solver.isSourceArch(from) && solver.pool.arch !== undefined && solver.archScore(from) === 0) return `package ${s(from)} does not have a compatible architecture`;
      return `package ${s(from)} is not installable`;
    case RULE_PKG_NOTHING_PROVIDES_DEP:
      return `nothing provides ${n.dep(dep)} needed by ${s(from)}`;
    case RULE_PKG_SAME_NAME:
      return `cannot install both ${s(from)} and ${s(to)}`;
    case RULE_PKG_CONFLICTS:
      return `package ${s(from)} conflicts with ${n.dep(dep)} provided by ${s(to)}`;
    case RULE_PKG_OBSOLETES:
      return `package ${s(from)} obsoletes ${n.dep(dep)} provided by ${s(to)}`;
    case RULE_PKG_INSTALLED_OBSOLETES:
      return `installed package ${s(from)} obsoletes ${n.dep(dep)} provided by ${s(to)}`;
    case RULE_PKG_IMPLICIT_OBSOLETES:
      return `package ${s(from)} implicitly obsoletes ${n.dep(dep)} provided by ${s(to)}`;
    case RULE_PKG_REQUIRES:
      return `package ${s(from)} requires ${n.dep(dep)}, but none of the providers can be installed`;
    case RULE_PKG_SELF_CONFLICT:
      return `package ${s(from)} conflicts with ${n.dep(dep)} provided by itself`;
    case RULE_STRICT_REPO_PRIORITY:
      return `package ${s(from)} is excluded by strict repo priority`;
    case RULE_YUMOBS:
      return `both package ${s(from)} and ${s(to)} obsolete ${n.dep(dep)}`;
    case RULE_BLACK:
      return `package ${s(from)} can only be installed by a direct request`;
    default:
      return 'bad problem rule type';
  }
}

// ---- finding the problem rule ---------------------------------------------------------------

interface Found {
  req: number;
  con: number;
  sys: number;
  job: number;
  blk: number;
  scp: number;
}

function findProblemRuleInternal(solver: Solver, idx: number, f: Found, rseen: Set<number>): void {
  const lf: Found = { req: 0, con: 0, sys: 0, job: 0, blk: 0, scp: 0 };
  const pool = solver.pool;
  let jobassert = 0;
  for (let i = idx; solver.learntPool[i] !== 0; i++) {
    const rid = solver.learntPool[i];
    if (rid < solver.jobrules || rid >= solver.jobrulesEnd) continue;
    const r = solver.rules[rid];
    const d = r.d < 0 ? -r.d - 1 : r.d;
    if (!d && r.w2 === 0 && r.p > 0) {
      jobassert = r.p;
      break;
    }
  }
  let reqset = 0;
  let conset = 0;
  for (let i = idx; solver.learntPool[i] !== 0; i++) {
    const rid = solver.learntPool[i];
    if (rid >= solver.learntrules) {
      if (rseen.has(rid)) continue;
      rseen.add(rid);
      findProblemRuleInternal(solver, solver.learntWhy[rid - solver.learntrules], lf, rseen);
      continue;
    }
    const inRange = (a: number, b: number): boolean => rid >= a && rid < b;
    if (
      inRange(solver.jobrules, solver.jobrulesEnd) ||
      inRange(solver.infarchrules, solver.infarchrulesEnd) ||
      inRange(solver.duprules, solver.duprulesEnd) ||
      inRange(solver.bestrules, solver.bestrulesEnd) ||
      inRange(solver.yumobsrules, solver.yumobsrulesEnd)
    ) {
      if (!f.job) f.job = rid;
      continue;
    }
    if (inRange(solver.updaterules, solver.updaterulesEnd)) {
      if (!f.sys) f.sys = rid;
      continue;
    }
    if (inRange(solver.blackrules, solver.blackrulesEnd)) {
      if (!f.blk) f.blk = rid;
      continue;
    }
    if (inRange(solver.strictrepopriorules, solver.strictrepopriorulesEnd)) {
      if (!f.scp) f.scp = rid;
      continue;
    }
    if (rid >= solver.pkgrulesEnd) continue;
    const r = solver.rules[rid];
    const d = r.d < 0 ? -r.d - 1 : r.d;
    if (!d && r.w2 < 0) {
      if (solver.installed && !conset) {
        if (r.p < 0 && (solver.isInstalled(-r.p) || solver.isInstalled(-r.w2))) {
          f.con = rid;
          conset = 1;
        }
      }
      if (!f.con) f.con = rid;
    } else {
      if (!d && r.w2 === 0 && reqset < 3) {
        if (f.req > 0 && r.p < -1) {
          const op = -solver.rules[f.req].p;
          if (op > 1 && pool.solvArch[op] !== pool.solvArch[-r.p] && pool.archOf(-r.p) !== 'noarch') continue;
        }
        f.req = rid;
        reqset = 3;
      } else if (jobassert && r.p === -jobassert) {
        f.req = rid;
        reqset = 2;
      } else if (solver.installed && r.p < 0 && solver.isInstalled(-r.p) && reqset <= 1) {
        f.req = rid;
        reqset = 1;
      } else if (!f.req) f.req = rid;
    }
  }
  if (!f.req && lf.req) f.req = lf.req;
  if (!f.con && lf.con) f.con = lf.con;
  if (!f.job && lf.job) f.job = lf.job;
  if (!f.sys && lf.sys) f.sys = lf.sys;
  if (!f.blk && lf.blk) f.blk = lf.blk;
  if (!f.scp && lf.scp) f.scp = lf.scp;
}

export function findProblemRule(solver: Solver, proofIdx: number): number {
  const f: Found = { req: 0, con: 0, sys: 0, job: 0, blk: 0, scp: 0 };
  findProblemRuleInternal(solver, proofIdx, f, new Set());
  const { req: reqr, con: conr } = f;
  if (reqr && conr && solver.installed && solver.rules[reqr].p < 0 && solver.rules[conr].p < 0 && solver.rules[conr].w2 < 0) {
    const s = -solver.rules[reqr].p;
    const s1 = -solver.rules[conr].p;
    const s2 = -solver.rules[conr].w2;
    let cp = 0;
    if (s === s1 && solver.isInstalled(s2)) cp = s2;
    else if (s === s2 && solver.isInstalled(s1)) cp = s1;
    if (cp && solver.pool.solvName[s1] !== solver.pool.solvName[s2] && !solver.isInstalled(s)) {
      if (solver.ruleLits(reqr).includes(cp)) return conr;
    }
  }
  return f.req || f.con || f.blk || f.scp || f.sys || f.job;
}

export function findAllProblemRules(solver: Solver, proofIdx: number): number[] {
  const out: number[] = [];
  const rseen = new Set<number>();
  const walk = (idx: number): void => {
    for (let i = idx; solver.learntPool[i] !== 0; i++) {
      const rid = solver.learntPool[i];
      if (rid >= solver.learntrules) {
        if (rseen.has(rid)) continue;
        rseen.add(rid);
        walk(solver.learntWhy[rid - solver.learntrules]);
        continue;
      }
      if (!out.includes(rid)) out.push(rid);
    }
  };
  walk(proofIdx);
  return out;
}

// ---- solutions ------------------------------------------------------------------------------

function enableWeakRules(solver: Solver): void {
  if (!solver.weakrulemap) return;
  for (let i = 1; i < solver.learntrules; i++) {
    const r = solver.rules[i];
    if (r.d >= 0 || !solver.weakrulemap[i]) continue;
    enableRule(r);
  }
}

function refineSuggestion(solver: Solver, problem: number[], sug: number, essentialok: boolean): number[] {
  const refined: number[] = [];
  if (!essentialok && sug < 0 && (solver.job[-sug - 1] & JOB_ESSENTIAL) !== 0) return refined;
  refined.push(sug);
  solver.reset();
  for (const v of problem) if (v !== sug) enableProblem(solver, v);
  if (sug < 0) reenablePolicyRules(solver, -sug - 1);
  if (sug >= solver.updaterules && sug < solver.updaterulesEnd) {
    const r = solver.rules[solver.featurerules + (sug - solver.updaterules)];
    if (r.p) enableRule(r);
  }
  enableWeakRules(solver);
  const disabled: number[] = [];
  for (;;) {
    solver.problems.length = 0;
    solver.reset();
    solver.runSat(false, false);
    if (!solver.problems.length) break;
    const disabledcnt = disabled.length;
    let nother = 0;
    let nfeature = 0;
    let nupdate = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 1; i < solver.problems.length - 1; i++) {
        const v = solver.problems[i];
        if (v === 0) break;
        if (!essentialok && v < 0 && (solver.job[-v - 1] & JOB_ESSENTIAL) !== 0) continue;
        if (sug !== v) {
          let j = 0;
          for (; j < problem.length; j++) if (problem[j] === v || (pass && problem[j] === sug)) break;
          if (j < problem.length && problem[j] === v) continue;
        }
        if (v >= solver.featurerules && v < solver.featurerulesEnd) nfeature++;
        else if (v > solver.updaterules && v < solver.updaterulesEnd) nupdate++;
        else nother++;
        disabled.push(v);
      }
      if (disabled.length !== disabledcnt) break;
    }
    if (disabled.length === disabledcnt) {
      refined.length = 0;
      break;
    }
    if (!nother && nupdate && nfeature) {
      const kept = disabled.slice(disabledcnt).filter((v) => v < solver.featurerules || v >= solver.featurerulesEnd);
      disabled.length = disabledcnt;
      disabled.push(...kept);
      nfeature = 0;
    }
    const enableFeatureOf = (v: number): void => {
      if (v >= solver.updaterules && v < solver.updaterulesEnd) {
        const r = solver.rules[v - solver.updaterules + solver.featurerules];
        if (r.p) enableRule(r);
      }
    };
    if (disabled.length === disabledcnt + 1) {
      const v = disabled[disabledcnt];
      if (!nfeature && v !== sug) refined.push(v);
      disableProblem(solver, v);
      if (v < 0) reenablePolicyRules(solver, -v - 1);
      enableFeatureOf(v);
    } else {
      for (let i = disabledcnt; i < disabled.length; i++) {
        const v = disabled[i];
        disableProblem(solver, v);
        enableFeatureOf(v);
      }
    }
  }
  for (const v of disabled) enableProblem(solver, v);
  for (const v of problem) enableProblem(solver, v);
  disablePolicyRules(solver);
  for (const v of problem) disableProblem(solver, v);
  return refined;
}

/**
 * The new package a feature/update rule was fulfilled with: [the first one that is not
 * multiversion, the last multiversion one] (0 when none).
 */
function replacementIn(solver: Solver, rid: number): [number, number] {
  let mvrp = 0;
  for (const l of solver.ruleLits(rid)) {
    if (l > 0 && solver.decisionmap[l] > 0 && !solver.isInstalled(l)) {
      mvrp = l;
      if (!solver.isMultiversion(l)) return [l, mvrp];
    }
  }
  return [0, mvrp];
}

function convertSolution(solver: Solver, why: number, out: SolutionElement[]): void {
  const pool = solver.pool;
  const dm = solver.decisionmap;
  if (why < 0) {
    out.push({ p: SOLUTION_JOB, rp: -why });
    return;
  }
  const nameRange = (start: number, end: number, kind: number): void => {
    let w = why;
    const name = pool.solvName[-solver.rules[w].p];
    while (w > start && pool.solvName[-solver.rules[w - 1].p] === name) w--;
    for (; w < end && pool.solvName[-solver.rules[w].p] === name; w++) {
      const p = -solver.rules[w].p;
      if (dm[p] > 0) {
        out.push({ p: kind, rp: p });
        return;
      }
    }
  };
  if (why >= solver.infarchrules && why < solver.infarchrulesEnd) return nameRange(solver.infarchrules, solver.infarchrulesEnd, SOLUTION_INFARCH);
  if (why >= solver.duprules && why < solver.duprulesEnd) return nameRange(solver.duprules, solver.duprulesEnd, SOLUTION_DISTUPGRADE);
  const inst = solver.installed;
  if (inst && why >= solver.updaterules && why < solver.updaterulesEnd) {
    for (const p of solver.ruleLits(why)) if (p > 0 && dm[p] > 0) return;
    const p = inst.start + (why - solver.updaterules);
    if (dm[p] > 0) return;
    let rrIdx = solver.featurerules + (why - solver.updaterules);
    if (!solver.rules[rrIdx].p) rrIdx = why;
    let rp = 0;
    if (solver.rules[rrIdx].w2) {
      const [found, mvrp] = replacementIn(solver, rrIdx);
      rp = found;
      if (!rp && mvrp) out.push({ p, rp: mvrp });
    }
    out.push({ p, rp });
    return;
  }
  if (why >= solver.blackrules && why < solver.blackrulesEnd) {
    out.push({ p: SOLUTION_BLACK, rp: -solver.rules[why].p });
    return;
  }
  if (why >= solver.strictrepopriorules && why < solver.strictrepopriorulesEnd) {
    out.push({ p: SOLUTION_STRICTREPOPRIORITY, rp: -solver.rules[why].p });
    return;
  }
  if (why >= solver.bestrules && why < solver.bestrulesEnd) {
    for (const p of solver.ruleLits(why)) if (p > 0 && dm[p] > 0) return;
    const p = solver.bestrulesInfo[why - solver.bestrules];
    if (p < 0) {
      out.push({ p: SOLUTION_JOB, rp: solver.ruletojob[-p - solver.jobrules] + 1 });
      return;
    }
    if (dm[p] > 0) {
      out.push({ p: SOLUTION_BEST, rp: p });
      return;
    }
    if (!inst) return;
    let rrIdx = solver.featurerules + (p - inst.start);
    if (!solver.rules[rrIdx].p) rrIdx = solver.updaterules + (p - inst.start);
    const [rp, mvrp] = replacementIn(solver, rrIdx);
    if (!rp && mvrp) {
      out.push({ p: SOLUTION_BEST, rp: mvrp }, { p, rp: 0 });
      return;
    }
    if (rp) out.push({ p: SOLUTION_BEST, rp });
  }
}

function problemsSortCmp(solver: Solver, a: number, b: number): number {
  if (a < 0 && b > 0) return 1;
  if (a > 0 && b < 0) return -1;
  if (a < 0 && b < 0) {
    const x = (solver.job[-a - 1] & JOB_ESSENTIAL) - (solver.job[-b - 1] & JOB_ESSENTIAL);
    if (x) return x;
  }
  return a - b;
}

function createSolutions(solver: Solver, elements: number[]): Solution[] {
  const savedQ = solver.decisionq.slice();
  const savedWhy = solver.decisionqWhy.slice();
  const savedMap = solver.decisionmap.slice();
  const savedProblems = solver.problems.slice();
  const savedBranches = solver.branches.slice();
  const savedReason = solver.decisionqReason.slice();
  const savedPropagate = solver.propagateIndex;
  solver.problems = [];
  solver.branches = [];
  const problem = [...elements].sort((a, b) => problemsSortCmp(solver, a, b));
  const solutions: Solution[] = [];
  let essentialok = false;
  for (let i = 0; i < problem.length; i++) {
    const refined = refineSuggestion(solver, problem, problem[i], essentialok);
    const els: SolutionElement[] = [];
    for (const v of refined) convertSolution(solver, v, els);
    if (!els.length) {
      if (solutions.length || i + 1 < problem.length) continue;
      if (!essentialok) {
        essentialok = true;
        i = -1;
        continue;
      }
      for (const v of problem) {
        convertSolution(solver, v, els);
        if (els.length) break;
      }
      if (!els.length) continue;
    }
    solutions.push({ internal: problem[i], elements: els });
  }
  solver.decisionq = savedQ;
  solver.decisionqWhy = savedWhy;
  solver.decisionmap = savedMap;
  solver.problems = savedProblems;
  solver.branches = savedBranches;
  solver.decisionqReason = savedReason;
  solver.propagateIndex = savedPropagate;
  return solutions;
}

/** All problems of the last solve, with their solutions. */
export function solverProblems(solver: Solver): Problem[] {
  const ranges = solver.problemRanges();
  const out: Problem[] = [];
  for (const [start, end] of ranges) {
    const proof = solver.problems[start];
    const elements = solver.problems.slice(start + 1, end);
    out.push({ rule: findProblemRule(solver, proof), allRules: findAllProblemRules(solver, proof), solutions: [] });
    out[out.length - 1].solutions = createSolutions(solver, elements);
  }
  return out;
}

// ---- testsolv output --------------------------------------------------------------------------

function md5hex(parts: readonly string[], bytes: number): string {
  const h = createHash('md5');
  for (const s of parts) h.update(Buffer.concat([Buffer.from(s, 'utf8'), Buffer.of(0)]));
  return h.digest('hex').slice(0, bytes * 2);
}

function sortUnique(list: string[]): string[] {
  const sorted = [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.filter((s, i) => i === 0 || s !== sorted[i - 1]);
}

/** testcase_ruleid: md5 over the rule's literals as `[!]name-evr.arch@repo`, sorted. */
export function testcaseRuleId(solver: Solver, rid: number, n: ProblemNaming): string {
  let lits = solver.ruleLits(rid).filter((p) => p !== -SYSTEM_SOLVABLE);
  if (!lits.length) lits = [-SYSTEM_SOLVABLE];
  const strs = lits.map((p) => {
    const s = Math.abs(p) === SYSTEM_SOLVABLE ? '@SYSTEM' : n.full(Math.abs(p));
    return p < 0 ? `!${s}` : s;
  });
  return md5hex(sortUnique(strs), 16);
}

/** testsolv `problem …` result lines. */
export function problemLines(solver: Solver, n: ProblemNaming): string[] {
  const lines: string[] = [];
  for (const prob of solverProblems(solver)) {
    const pid = md5hex(sortUnique(prob.allRules.map((r) => testcaseRuleId(solver, r, n))), 4);
    const prefix = `problem ${pid}`;
    lines.push(`${prefix} info ${problemRuleText(solver, ruleInfo(solver, prob.rule), n)}`);
    for (const sol of prob.solutions) {
      const idText = sol.internal < 0 ? n.job(solver.job[-sol.internal - 1], solver.job[-sol.internal]) : testcaseRuleId(solver, sol.internal, n);
      const sp = `${prefix} solution ${md5hex([idText], 4)}`;
      for (const e of sol.elements) {
        if (e.p === SOLUTION_JOB) lines.push(`${sp} deljob ${n.job(solver.job[e.rp - 1], solver.job[e.rp])}`);
        else if (e.p > 0 && e.rp === 0) lines.push(`${sp} erase ${n.full(e.p)}`);
        else if (e.p > 0 && e.rp > 0) lines.push(`${sp} replace ${n.full(e.p)} ${n.full(e.rp)}`);
        else if (e.p < 0 && e.rp > 0) lines.push(`${sp} allow ${n.full(e.rp)}`);
        else lines.push(`${sp} unknown`);
      }
    }
  }
  return lines;
}
