// Rule generation (libsolv rules.c): package rules from each considered package's dependencies,
// update/feature rules for installed packages, infarch and dup rules, and which policy rules a job
// switches off (jobtodisablelist).
import {
  ILLEGAL_ARCHCHANGE,
  ILLEGAL_DOWNGRADE,
  ILLEGAL_NAMECHANGE,
  ILLEGAL_VENDORCHANGE,
  JOB_BLACKLIST,
  JOB_CLEANDEPS,
  JOB_DISTUPGRADE,
  JOB_ERASE,
  JOB_FORCEBEST,
  JOB_INSTALL,
  JOB_LOCK,
  JOB_MASK,
  JOB_NOAUTOSET,
  JOB_SETARCH,
  JOB_SETEV,
  JOB_SETEVR,
  JOB_SETMASK,
  JOB_SETNAME,
  JOB_SETREPO,
  JOB_SETVENDOR,
  JOB_TARGETED,
  JOB_WEAK,
  POLICY_MODE_CHOOSE,
  POLICY_MODE_RECOMMEND,
  RULE_PKG_CONFLICTS,
  RULE_PKG_IMPLICIT_OBSOLETES,
  RULE_PKG_INSTALLED_OBSOLETES,
  RULE_PKG_NOT_INSTALLABLE,
  RULE_PKG_NOTHING_PROVIDES_DEP,
  RULE_PKG_OBSOLETES,
  RULE_PKG_RECOMMENDS,
  RULE_PKG_REQUIRES,
  RULE_PKG_SAME_NAME,
  RULE_PKG_SELF_CONFLICT,
  SEL_ALL,
  SEL_NAME,
  SEL_PROVIDES,
  SEL_REPO,
  SEL_SOLVABLE,
  SELECT_MASK,
} from './constants.ts';
import { findUpdatePackages, policyFilterUnwanted, policyIsIllegal, pruneToBestVersion } from './policy.ts';
import { disableRule, enableRule, type Rule } from './rule-store.ts';
import type { SolverState } from './state.ts';
import { createCleandepsMap } from './cleandeps.ts';
import { SYSTEM_SOLVABLE } from '../pool/pool.ts';
import { REL_EQ, senseToRel } from '../pool/evr.ts';
import { richCnf, type Cnf } from '../pool/rich.ts';

/** Solvables a job selection covers (FOR_JOB_SELECT: nothing for REPO/ALL, handled by callers). */
export function jobSelect(solv: SolverState, select: number, what: number): number[] {
  if (select === SEL_REPO || select === SEL_ALL) return [];
  if (select === SEL_SOLVABLE) return [what];
  if (select === 0x04) return solv.store.list(what);
  const out: number[] = [];
  for (const p of solv.providers(what)) if (select !== SEL_NAME || solv.matchNevr(p, what) || nameSelectMatches(solv, p, what)) out.push(p);
  return out;
}

/** SOLVER_SOLVABLE_NAME on a plain name: every package of that name (pool_match_nevr on a name). */
function nameSelectMatches(solv: SolverState, p: number, what: number): boolean {
  const t = solv.pool.table;
  return t.flags[what] === 0 && t.name[what] === solv.pool.solvName[p];
}

/** Solvables of repo index `what - 1` (SOLVER_SOLVABLE_REPO uses 1-based repo ids). */
export function repoSolvables(solv: SolverState, what: number): number[] {
  const repo = solv.pool.repos[what - 1];
  if (!repo) return [];
  const out: number[] = [];
  for (let p = repo.start; p < repo.end; p++) out.push(p);
  return out;
}

function addPkgRule(solv: SolverState, p: number, p2: number, d: number, type: number, dep: number, from = 0): void {
  const r = solv.addRule(p, p2, d);
  if (!r) return;
  const info = solv.infoData;
  const push = (type: number, from: number, to: number, dep: number): void => {
    const at = info.length;
    info.push(type, from, to, dep, r.info);
    r.info = at;
  };
  // Recorded as libsolv's addpkgruleinfo does: negative literals name the packages involved.
  const data = solv.store.data;
  const multi = d !== 0 && data[d] !== 0 && data[d + 1] !== 0;
  if (d && !multi && data[d]) p2 = data[d];
  if (multi) {
    // Only a conflict against a multiversion set names its second package.
    if (p < 0 && data[d] < 0 && data[d + 1] >= 0 && type === RULE_PKG_CONFLICTS) p2 = data[d];
  } else if (type === RULE_PKG_CONFLICTS && !p2) p2 = -SYSTEM_SOLVABLE;
  if (type === RULE_PKG_SAME_NAME && p2 && p > p2) [p, p2] = [p2, p];
  if (from && p !== -from) {
    // A sorted complex-dep block: the rule's first literal is not the package (fixup as libsolv).
    push(type, from, p2 < 0 ? -p2 : p < 0 ? -p : 0, dep);
    return;
  }
  push(type, p < 0 ? -p : 0, p2 < 0 ? -p2 : 0, dep);
}

/** The clauses of a rich dep without cross-clause simplification (see richCnf's `raw`). */
function rawCnf(solv: SolverState, dep: number, negate: boolean): Cnf {
  const pool = solv.pool;
  const expr = pool.richExpr(dep);
  if (!expr) return pool.richCnf(dep, negate);
  return richCnf(expr, (leaf) => pool.whatProvides(pool.dep(leaf.name, senseToRel(leaf.flags), leaf.version ?? '')), negate, true);
}

/** Rules for the clauses of a rich dep: requires → (-n ∨ clause), conflicts → (-n ∨ ¬dep clause). */
function addComplexDepRules(solv: SolverState, n: number, dep: number, type: number, dontfix: boolean, work: number[], m: Uint8Array): void {
  const cnf = rawCnf(solv, dep, type === RULE_PKG_CONFLICTS);
  for (const clause of cnf) {
    if (clause.length === 0) {
      if (!dontfix) addPkgRule(solv, -n, 0, 0, type === RULE_PKG_REQUIRES ? RULE_PKG_NOTHING_PROVIDES_DEP : type, dep);
      continue;
    }
    let self = false;
    for (const l of clause) if (l === n || l === SYSTEM_SOLVABLE) self = true;
    if (self) continue;
    const lits = Array.from(clause).filter((l) => l !== -n);
    if (dontfix) {
      // An installed package keeps a broken dependency broken: skip clauses the installed set
      // does not meet already (no installed positive literal, no negative one of a new package).
      if (!lits.some((l) => (l > 0 ? solv.isInstalled(l) : !solv.isInstalled(-l)))) continue;
    }
    if (lits.length === 1) addPkgRule(solv, -n, lits[0], 0, type, dep);
    else if (lits.every((l) => l > 0)) addPkgRule(solv, -n, 0, solv.store.add(lits), type, dep);
    else {
      // Mixed blocks: libsolv keeps the literals sorted, so the rule starts with the smallest.
      const all = [...lits, -n].sort((a, b) => a - b);
      addPkgRule(solv, all[0], 0, solv.store.add(all.slice(1)), type, dep, n);
    }
    for (const l of lits) if (l > 0 && !m[l]) work.push(l);
  }
}

/** solver_addpkgrulesforsolvable: rules for `s` and, transitively, for everything it may pull in. */
export function addPkgRulesForSolvable(solv: SolverState, start: number, m: Uint8Array): void {
  const pool = solv.pool;
  const pf = solv.pf;
  const work: number[] = [start];
  for (let wi = 0; wi < work.length; wi++) {
    const n = work[wi];
    if (m[n]) continue;
    m[n] = 1;
    const installedN = solv.isInstalled(n);
    const dontfix = installedN && !solv.fixmapAll && !(solv.fixmap && solv.installed && solv.fixmap[n - solv.installed.start]);
    if (!dontfix) {
      const src = solv.isSourceArch(n);
      if (src ? solv.isDisabled(n) : !solv.installable(n)) addPkgRule(solv, -n, 0, 0, RULE_PKG_NOT_INSTALLABLE, 0);
    }
    const reqs = pool.deps(n, 'requires');
    const pre = pool.requiresPre(n);
    const ignoreInst = installedN ? ignoredPrereqs(solv, n) : undefined;
    for (let i = 0; i < reqs.length; i++) {
      const req = reqs[i];
      if (ignoreInst && pre[i] && ignoreInst.has(req)) continue;
      if (solv.isComplexDep(req)) {
        addComplexDepRules(solv, n, req, RULE_PKG_REQUIRES, dontfix, work, m);
        continue;
      }
      const dp = solv.providers(req);
      if (dp.length && dp[0] === SYSTEM_SOLVABLE) continue;
      if (dontfix) {
        let found = false;
        for (const p of dp) if (solv.isInstalled(p)) found = true;
        if (!found) continue;
      }
      if (!dp.length) {
        addPkgRule(solv, -n, 0, 0, RULE_PKG_NOTHING_PROVIDES_DEP, req);
        continue;
      }
      if (dp.includes(n)) continue;
      addPkgRule(solv, -n, 0, solv.providersOffset(req), RULE_PKG_REQUIRES, req);
      for (const p of dp) if (!m[p]) work.push(p);
    }
    if (solv.flags.strongrecommends && pool.deps(n, 'recommends').length) {
      // Strong recommends become (weak) rules: dropped silently when they cause a problem.
      solv.lastpkgrule = 0;
      const start = solv.nrules();
      for (const rec of pool.deps(n, 'recommends')) {
        if (solv.isComplexDep(rec)) {
          addComplexDepRules(solv, n, rec, RULE_PKG_RECOMMENDS, dontfix, work, m);
          continue;
        }
        const dp = solv.providers(rec);
        if (!dp.length || dp[0] === SYSTEM_SOLVABLE || dp.includes(n)) continue;
        addPkgRule(solv, -n, 0, solv.providersOffset(rec), RULE_PKG_RECOMMENDS, rec);
        for (const p of dp) if (!m[p]) work.push(p);
      }
      for (let i = start; i < solv.nrules(); i++) solv.recommendsRules.add(solv.rules[i]);
      solv.lastpkgrule = 0;
    }
    if (solv.isSourceArch(n)) continue;
    const ispatch = pool.name(n).startsWith('patch:');
    for (const con of pool.deps(n, 'conflicts')) {
      if (!ispatch && solv.isComplexDep(con)) {
        addComplexDepRules(solv, n, con, RULE_PKG_CONFLICTS, dontfix, work, m);
        continue;
      }
      for (let p of solv.providers(con)) {
        if (ispatch && !solv.matchNevr(p, con)) continue;
        if (dontfix && solv.isInstalled(p)) continue;
        if (p === n) {
          if (!pf.forbidselfconflicts) continue;
          addPkgRule(solv, -n, 0, 0, RULE_PKG_SELF_CONFLICT, con);
          continue;
        }
        if (p === SYSTEM_SOLVABLE) p = 0;
        addPkgRule(solv, -n, -p, 0, RULE_PKG_CONFLICTS, con);
      }
    }
    if (!installedN || !pf.noinstalledobsoletes) {
      const multi = solv.isMultiversion(n);
      if (!multi || solv.flags.keepexplicitobsoletes) {
        for (const obs of pool.deps(n, 'obsoletes')) {
          for (let p of solv.providers(obs)) {
            if (p === n) continue;
            if (installedN && dontfix && solv.isInstalled(p)) continue;
            if (!pf.obsoleteusesprovides && !solv.matchNevr(p, obs)) continue;
            if (pf.obsoleteusescolors && !solv.colormatch(n, p)) continue;
            if (p === SYSTEM_SOLVABLE) p = 0;
            addPkgRule(solv, -n, -p, 0, installedN ? RULE_PKG_INSTALLED_OBSOLETES : RULE_PKG_OBSOLETES, obs);
          }
        }
      }
      if (!installedN || !dontfix) {
        const name = pool.solvName[n];
        for (let p of solv.providersOfName(name)) {
          if (p === n) continue;
          if (installedN && !solv.isInstalled(p)) continue;
          if (multi && (pool.solvName[p] !== name || pool.solvEvr[p] !== pool.solvEvr[n] || pool.solvArch[p] !== pool.solvArch[n])) {
            if (installedN || solv.isInstalled(p)) continue;
            if (solv.isMultiversion(p)) continue;
          }
          if (!pf.implicitobsoleteusesprovides && pool.solvName[p] !== name) continue;
          if (pf.implicitobsoleteusescolors && !solv.colormatch(n, p)) continue;
          const same = pool.solvName[p] === name;
          if (p === SYSTEM_SOLVABLE) p = 0;
          if (same) {
            if (p && !solv.isInstalled(p) && m[p] && !solv.isSourceArch(p) && !solv.isMultiversion(p)) continue;
            addPkgRule(solv, -n, -p, 0, RULE_PKG_SAME_NAME, 0);
          } else addPkgRule(solv, -n, -p, 0, RULE_PKG_IMPLICIT_OBSOLETES, solv.nameDep(name));
        }
      }
    }
    if (pf.implicitobsoleteusescolors && solv.archScore(n) > 1) {
      const a = solv.archScore(n);
      for (const p of solv.providersOfName(pool.solvName[n])) {
        if (pool.solvName[p] !== pool.solvName[n] || pool.solvEvr[p] !== pool.solvEvr[n] || m[p]) continue;
        const pa = solv.archScore(p);
        if (!pa || pa === 1 || pa >= a) continue;
        work.push(p);
      }
    }
    for (const kind of ['recommends', 'suggests'] as const) {
      for (const dep of pool.deps(n, kind)) {
        if (solv.isComplexDep(dep)) {
          for (const clause of pool.richCnf(dep)) for (const l of clause) if (l > 0 && !m[l]) work.push(l);
          continue;
        }
        for (const p of solv.providers(dep)) if (!m[p]) work.push(p);
      }
    }
  }
}

/** `=Ipr:` / SOLVABLE_PREREQ_IGNOREINST deps of an installed package (not modelled: none). */
function ignoredPrereqs(_solv: SolverState, _n: number): Set<number> | undefined {
  return undefined;
}

/** solver_addpkgrulesforweak: packages that supplement or enhance something already considered. */
export function addPkgRulesForWeak(solv: SolverState, m: Uint8Array): void {
  const pool = solv.pool;
  // Like libsolv: after adding a package, look at all packages again (wrapping around), as the
  // new one may make further supplements possible. Only packages with supplements or enhances can
  // be added, so the scan goes over those alone (same order).
  const cand: number[] = [];
  for (let i = 2; i < solv.nsolvables; i++) {
    if (!pool.deps(i, 'supplements').length && !pool.deps(i, 'enhances').length) continue;
    if (!solv.isInstalled(i) && !solv.installable(i)) continue;
    cand.push(i);
  }
  for (let ci = 0, n = 0; n < cand.length; ci++, n++) {
    if (ci === cand.length) ci = 0;
    const i = cand[ci];
    if (m[i]) continue;
    const sup = pool.deps(i, 'supplements');
    const enh = pool.deps(i, 'enhances');
    let found = false;
    for (const d of sup) if (depPossible(solv, d, m)) found = true;
    if (!found) for (const d of enh) if (depPossible(solv, d, m)) found = true;
    if (!found) continue;
    addPkgRulesForSolvable(solv, i, m);
    n = 0;
  }
}

/** solver_dep_possible: could `dep` be satisfied by considered packages? */
export function depPossible(solv: SolverState, dep: number, m: Uint8Array): boolean {
  if (solv.isComplexDep(dep)) {
    for (const clause of solv.pool.richCnf(dep)) {
      let ok = false;
      for (const l of clause) if (l < 0 || m[l]) ok = true;
      if (!ok) return false;
    }
    return true;
  }
  for (const p of solv.providers(dep)) if (m[p]) return true;
  return false;
}

export function addPkgRulesForUpdaters(solv: SolverState, s: number, m: Uint8Array, allowAll: boolean): void {
  const qs = findUpdatePackages(solv, s, allowAll ? 1 : 0);
  if (!m[s]) addPkgRulesForSolvable(solv, s, m);
  for (const p of qs) if (!m[p]) addPkgRulesForSolvable(solv, p, m);
}

// ---- update and feature rules ---------------------------------------------------------------

function dupInvolved(solv: SolverState, p: number): boolean {
  return solv.dupinvolvedmapAll || (solv.dupinvolvedmap !== undefined && solv.dupinvolvedmap[p] === 1);
}

function dupMayKeepInstalled(solv: SolverState, s: number): boolean {
  const pool = solv.pool;
  if (solv.dupmap && solv.dupmap[s]) return true;
  for (const ip of solv.providersOfName(pool.solvName[s])) {
    if (pool.solvEvr[ip] !== pool.solvEvr[s]) continue;
    if (solv.dupmap) {
      if (!solv.dupmap[ip]) continue;
    } else if (solv.isInstalled(ip)) continue;
    if (solv.identical(s, ip)) return true;
  }
  return false;
}

function addListRule(solv: SolverState, p: number, qs: readonly number[]): void {
  if (qs.length > 1) solv.addRule(p, 0, solv.store.add(qs));
  else solv.addRule(p, qs.length ? qs[0] : 0, 0);
}

export function addFeatureRule(solv: SolverState, s: number): void {
  const qs = findUpdatePackages(solv, s, 1);
  if (dupInvolved(solv, s) && !dupMayKeepInstalled(solv, s)) {
    let i = 0;
    for (; i < qs.length; i++) if (!solv.isInstalled(qs[i]) || dupMayKeepInstalled(solv, qs[i])) break;
    if (i === qs.length) {
      solv.addRule(0, 0, 0);
      return;
    }
  }
  addListRule(solv, s, qs);
}

function isMultiversionObsoleted(solv: SolverState, s: number, s2: number): boolean {
  if (solv.pf.obsoleteusescolors && !solv.colormatch(s, s2)) return false;
  for (const obs of solv.pool.deps(s2, 'obsoletes')) {
    if (!solv.pf.obsoleteusesprovides) {
      if (solv.matchNevr(s, obs)) return true;
    } else if (solv.providers(obs).includes(s)) return true;
  }
  return false;
}

export function addUpdateRule(solv: SolverState, s: number): void {
  const pool = solv.pool;
  const inst = solv.installed;
  if (!inst) return;
  if (solv.isDisabled(s)) {
    solv.addRule(s, 0, 0);
    return;
  }
  const fr = solv.rules[solv.featurerules + (s - inst.start)];
  if (!fr.p) {
    let p = 0;
    solv.orphaned.push(s);
    if (solv.flags.keeporphans && !(solv.droporphanedmapAll || (solv.droporphanedmap && solv.droporphanedmap[s - inst.start]))) p = s;
    solv.addRule(p, 0, 0);
    return;
  }
  const dupinvolved = dupInvolved(solv, s);
  let qs = findUpdatePackages(solv, s, dupinvolved ? 2 : 0);
  if (qs.length && solv.multiversion) {
    if (qs.some((p) => solv.isMultiversion(p))) {
      const d = solv.store.add(qs);
      const kept: number[] = [];
      for (const p of qs) {
        if (solv.isMultiversion(p)) {
          if (solv.flags.keepexplicitobsoletes && pool.deps(p, 'obsoletes').length && isMultiversionObsoleted(solv, s, p)) {
            kept.push(p);
            continue;
          }
          if (pool.solvName[p] !== pool.solvName[s] || pool.solvEvr[p] !== pool.solvEvr[s] || pool.solvArch[p] !== pool.solvArch[s]) continue;
        }
        kept.push(p);
      }
      let j = kept.length;
      if (j === 0 && dupinvolved && !dupMayKeepInstalled(solv, s)) {
        solv.orphaned.push(s);
        setSpecialUpdaters(solv, s, d);
        if (solv.flags.keeporphans && !(solv.droporphanedmapAll || (solv.droporphanedmap && solv.droporphanedmap[s - inst.start]))) {
          solv.addRule(s, 0, 0);
          return;
        }
        j = qs.length;
      }
      if (j < qs.length) {
        if (d && (solv.updatemapAll || (solv.updatemap && solv.updatemap[s - inst.start]))) setSpecialUpdaters(solv, s, d);
        qs = kept;
      } else {
        solv.addRule(s, 0, d);
        return;
      }
    }
  }
  addListRule(solv, s, qs);
}

function setSpecialUpdaters(solv: SolverState, s: number, d: number): void {
  const inst = solv.installed;
  if (!inst) return;
  solv.specialupdaters ??= new Int32Array(inst.end - inst.start);
  solv.specialupdaters[s - inst.start] = d;
}

// ---- infarch and dup rules ------------------------------------------------------------------

export function addInfarchRules(solv: SolverState, m: Uint8Array): void {
  const pool = solv.pool;
  const pf = solv.pf;
  solv.infarchrules = solv.nrules();
  // Each name group once, at its first (lowest id) considered package, as libsolv's "first" check.
  const seenName = new Uint8Array(pool.strings.size);
  for (let i = 2; i < solv.nsolvables; i++) {
    if (!m[i]) continue;
    const name = pool.solvName[i];
    if (seenName[name]) continue;
    seenName[name] = 1;
    let first = true;
    let bestscore = 0;
    let bests = 0;
    const allowed: number[] = [];
    let isFirst = true;
    for (const p of solv.providersOfName(name)) {
      if (pool.solvName[p] !== name || !m[p]) continue;
      if (p === i) first = false;
      if (first) {
        isFirst = false;
        break;
      }
      const a = solv.archScore(p);
      if (a !== 1 && solv.isInstalled(p)) {
        if (dupInvolved(solv, p)) continue;
        if (!allowed.includes(pool.solvArch[p])) allowed.push(pool.solvArch[p]);
        continue;
      }
      if (a && a !== 1 && (!bestscore || a < bestscore)) {
        bestscore = a;
        bests = p;
      }
    }
    if (!isFirst) continue;
    if (!bestscore && allowed.length > 1 && pf.implicitobsoleteusescolors) {
      for (const arch of allowed) {
        const a = archIdScore(solv, arch);
        if (a && a !== 1 && (!bestscore || a < bestscore)) bestscore = a;
      }
    }
    if (!bestscore) continue;
    if (allowed.length === 1 && bests && allowed[0] === pool.solvArch[bests]) allowed.length = 0;
    if (allowed.length && pf.implicitobsoleteusescolors && solv.installed) {
      allowed.length = 0;
      for (const p of solv.providersOfName(name)) {
        if (pool.solvName[p] !== name || !solv.isInstalled(p) || !m[p]) continue;
        if (dupInvolved(solv, p)) continue;
        const a = solv.archScore(p);
        if (!a) {
          if (!allowed.includes(pool.solvArch[p])) allowed.push(pool.solvArch[p]);
          continue;
        }
        if (a === 1 || ((a ^ bestscore) & 0xffff0000) === 0) continue;
        let lockstepped = false;
        for (const p2 of solv.providersOfName(name)) {
          if (p2 === p || pool.solvName[p2] !== name || pool.solvEvr[p2] !== pool.solvEvr[p] || pool.solvArch[p2] === pool.solvArch[p]) continue;
          const a2 = solv.archScore(p2);
          if (a2 && (a2 === 1 || ((a2 ^ bestscore) & 0xffff0000) === 0)) {
            lockstepped = true;
            break;
          }
        }
        if (!lockstepped && !allowed.includes(pool.solvArch[p])) allowed.push(pool.solvArch[p]);
      }
    }
    const bad: number[] = [];
    for (const p of solv.providersOfName(name)) {
      if (pool.solvName[p] !== name || !m[p]) continue;
      const a = solv.archScore(p);
      if (a !== 1 && ((a ^ bestscore) & 0xffff0000) !== 0) {
        if (solv.isInstalled(p)) {
          if (pf.implicitobsoleteusescolors) bad.push(p);
          continue;
        }
        let ok = false;
        for (const aa of allowed) {
          if (pool.solvArch[p] === aa) ok = true;
          const aas = archIdScore(solv, aa);
          if (aas && ((a ^ aas) & 0xffff0000) === 0) ok = true;
          if (ok) break;
        }
        if (!ok) bad.push(p);
      }
    }
    for (const p of bad) {
      if (pf.implicitobsoleteusescolors) {
        const lsq: number[] = [];
        let haveinstalled = false;
        for (const p2 of solv.providersOfName(name)) {
          if (p2 === p || pool.solvName[p2] !== name || pool.solvEvr[p2] !== pool.solvEvr[p] || pool.solvArch[p2] === pool.solvArch[p]) continue;
          const a = solv.archScore(p2);
          // libsolv masks with 0xffff000 here (one digit short); kept for identical results.
          if (a && (a === 1 || ((a ^ bestscore) & 0xffff000) === 0)) {
            lsq.push(p2);
            if (solv.isInstalled(p2)) haveinstalled = true;
          }
        }
        if (solv.isInstalled(p) && !haveinstalled) continue;
        if (lsq.length < 2) solv.addRule(-p, lsq.length ? lsq[0] : 0, 0);
        else solv.addRule(-p, 0, solv.store.add(lsq));
      } else solv.addRule(-p, 0, 0);
    }
  }
  solv.infarchrulesEnd = solv.nrules();
}

function archIdScore(solv: SolverState, archId: number): number {
  const arch = solv.pool.strings.str(archId);
  if (arch === 'src' || arch === 'nosrc') return 0;
  if (solv.pool.arch === undefined) return 1;
  if (arch === 'noarch') return 1;
  // Find any solvable with that arch to reuse the pool's scoring.
  for (let s = 2; s < solv.nsolvables; s++) if (solv.pool.solvArch[s] === archId) return solv.archScore(s);
  return 0;
}

function addToDupMaps(solv: SolverState, p: number, how: number, targeted: boolean): void {
  const pool = solv.pool;
  const inst = solv.installed;
  solv.dupinvolvedmap ??= new Uint8Array(solv.nsolvables);
  const dim = solv.dupinvolvedmap;
  const dm = solv.dupmap as Uint8Array;
  dim[p] = 1;
  if (targeted) dm[p] = 1;
  const markInstalled = (pi: number): void => {
    if (!inst || !solv.isInstalled(pi)) return;
    if ((how & JOB_FORCEBEST) !== 0 && !solv.bestupdatemapAll) {
      solv.bestupdatemap ??= new Uint8Array(inst.end - inst.start);
      solv.bestupdatemap[pi - inst.start] = 1;
    }
    if ((how & JOB_CLEANDEPS) !== 0) addCleandepsUpdatepkg(solv, pi);
  };
  for (const pi of solv.providersOfName(pool.solvName[p])) {
    if (pool.solvName[pi] !== pool.solvName[p]) continue;
    dim[pi] = 1;
    if (targeted && solv.isInstalled(pi)) for (const pi2 of solv.obsoletesIndex?.get(pi) ?? []) if (!solv.isInstalled(pi2)) dim[pi2] = 1;
    markInstalled(pi);
    if (!targeted && !solv.isInstalled(pi)) dm[pi] = 1;
  }
  if (solv.isInstalled(p)) {
    for (const pi of solv.obsoletesIndex?.get(p) ?? []) {
      if (solv.isInstalled(pi)) continue;
      dim[pi] = 1;
      if (!targeted) dm[pi] = 1;
    }
  }
  if (targeted && !solv.isInstalled(p)) {
    for (const obs of pool.deps(p, 'obsoletes')) {
      for (const pi of solv.providers(obs)) {
        if (!solv.pf.obsoleteusesprovides && !solv.matchNevr(pi, obs)) continue;
        if (solv.pf.obsoleteusescolors && !solv.colormatch(p, pi)) continue;
        dim[pi] = 1;
        if (solv.isInstalled(pi)) for (const pi2 of solv.obsoletesIndex?.get(pi) ?? []) if (!solv.isInstalled(pi2)) dim[pi2] = 1;
        markInstalled(pi);
      }
    }
  }
}

export function addCleandepsUpdatepkg(solv: SolverState, p: number): void {
  solv.cleandepsUpdatepkgs ??= [];
  if (!solv.cleandepsUpdatepkgs.includes(p)) solv.cleandepsUpdatepkgs.push(p);
}

export function createDupMaps(solv: SolverState): void {
  const inst = solv.installed;
  solv.dupmap = new Uint8Array(solv.nsolvables);
  solv.dupinvolvedmapAll = false;
  solv.dupinvolvedmap = undefined;
  const job = solv.job;
  for (let i = 0; i < job.length; i += 2) {
    const how = job[i];
    const select = how & SELECT_MASK;
    const what = job[i + 1];
    if ((how & JOB_MASK) !== JOB_DISTUPGRADE) continue;
    if (select === SEL_REPO) {
      const repo = solv.pool.repos[what - 1];
      if (!repo) continue;
      const isInst = repo.installed;
      if (!isInst && !(how & JOB_TARGETED) && solv.flags.noautotarget) continue;
      const targeted = !isInst || (how & JOB_TARGETED) !== 0;
      for (let p = repo.start; p < repo.end; p++) {
        if (!isInst && !solv.installable(p)) continue;
        addToDupMaps(solv, p, how, targeted);
      }
    } else if (select === SEL_ALL) {
      solv.dupinvolvedmapAll = true;
      for (let p = 2; p < solv.nsolvables; p++) {
        if (solv.isInstalled(p) || !solv.installable(p)) continue;
        solv.dupmap[p] = 1;
      }
      if (how & JOB_FORCEBEST) solv.bestupdatemapAll = true;
      if (how & JOB_CLEANDEPS && inst) for (let p = inst.start; p < inst.end; p++) addCleandepsUpdatepkg(solv, p);
    } else {
      let targeted = (how & JOB_TARGETED) !== 0;
      const sel = jobSelect(solv, select, what);
      if (inst && !targeted && !solv.flags.noautotarget) targeted = !sel.some((p) => solv.isInstalled(p));
      else if (!inst && !solv.flags.noautotarget) targeted = true;
      for (const p of sel) {
        if (!solv.isInstalled(p) && !targeted) continue;
        if (!solv.isInstalled(p) && !solv.installable(p)) continue;
        addToDupMaps(solv, p, how, targeted);
      }
    }
  }
  const dim = solv.dupinvolvedmap as Uint8Array | undefined;
  if (dim) dim[SYSTEM_SOLVABLE] = 0;
  if (solv.dupinvolvedmapAll) solv.updatemapAll = true;
  else if (inst && !solv.updatemapAll && dim) {
    for (let p = inst.start; p < inst.end; p++) {
      if (!dim[p]) continue;
      solv.updatemap ??= new Uint8Array(inst.end - inst.start);
      solv.updatemap[p - inst.start] = 1;
    }
  }
}

export function addDupRules(solv: SolverState, m: Uint8Array): void {
  const pool = solv.pool;
  const inst = solv.installed;
  const dm = solv.dupmap as Uint8Array;
  solv.duprules = solv.nrules();
  const seenName = new Uint8Array(pool.strings.size);
  for (let i = 2; i < solv.nsolvables; i++) {
    if (!m[i]) continue;
    const name = pool.solvName[i];
    if (seenName[name]) continue;
    seenName[name] = 1;
    let first = true;
    for (const p of solv.providersOfName(name)) {
      if (pool.solvName[p] !== name || !m[p]) continue;
      if (p === i) first = false;
      if (first) break;
      if (!dupInvolved(solv, p)) continue;
      if (inst && solv.isInstalled(p)) {
        if (solv.isDisabled(p)) continue;
        if (!dm[p]) {
          let ident = false;
          for (const ip of solv.providersOfName(pool.solvName[p])) {
            if (!dm[ip]) continue;
            if (pool.solvEvr[ip] === pool.solvEvr[p] && solv.identical(p, ip)) {
              ident = true;
              break;
            }
          }
          if (ident) {
            dm[p] = 1;
            continue;
          }
          let r = solv.rules[solv.updaterules + (p - inst.start)];
          if (!r.p) r = solv.rules[solv.featurerules + (p - inst.start)];
          if (!r.p) {
            dm[p] = 1;
            continue;
          }
          if (solv.specialupdaters && solv.specialupdaters[p - inst.start]) {
            solv.addRule(-p, 0, solv.specialupdaters[p - inst.start]);
            continue;
          }
          if (r.p === p && !r.d && !r.w2) {
            const fr = solv.rules[solv.featurerules + (p - inst.start)];
            if (!fr.p || (!fr.d && !fr.w2)) {
              dm[p] = 1;
              continue;
            }
          }
          solv.addRule(-p, 0, 0);
        }
      } else if (!dm[p]) solv.addRule(-p, 0, 0);
    }
  }
  solv.duprulesEnd = solv.nrules();
}

// ---- policy rules a job switches off ----------------------------------------------------------

const DISABLE_UPDATE = 1;
const DISABLE_INFARCH = 2;
const DISABLE_DUP = 3;
const DISABLE_BLACK = 4;
const DISABLE_REPOPRIO = 5;

function intersectObsoleted(solv: SolverState, p: number): number[] {
  // Installed packages that installing `p` would replace (same name or obsoleted).
  const pool = solv.pool;
  const out: number[] = [];
  const inst = solv.installed;
  if (!inst) return out;
  for (const q of solv.providersOfName(pool.solvName[p])) {
    if (!solv.isInstalled(q) || pool.solvName[q] !== pool.solvName[p]) continue;
    if (solv.pf.implicitobsoleteusescolors && !solv.colormatch(p, q)) continue;
    if (solv.isMultiversion(p) && pool.solvEvr[q] !== pool.solvEvr[p]) continue;
    out.push(q);
  }
  if (!solv.isMultiversion(p) || solv.flags.keepexplicitobsoletes) {
    for (const obs of pool.deps(p, 'obsoletes')) {
      for (const q of solv.providers(obs)) {
        if (!solv.isInstalled(q)) continue;
        if (!solv.pf.obsoleteusesprovides && !solv.matchNevr(q, obs)) continue;
        if (solv.pf.obsoleteusescolors && !solv.colormatch(p, q)) continue;
        if (!out.includes(q)) out.push(q);
      }
    }
  }
  return out;
}

function jobToDisableList(solv: SolverState, how: number, what: number, q: number[]): void {
  const pool = solv.pool;
  const inst = solv.installed;
  const select = how & SELECT_MASK;
  switch (how & JOB_MASK) {
    case JOB_INSTALL: {
      let set = how & JOB_SETMASK;
      if (!(set & JOB_NOAUTOSET)) {
        if (select === SEL_NAME) set |= JOB_SETNAME;
        if (select === SEL_SOLVABLE) set |= JOB_SETNAME | JOB_SETARCH | JOB_SETVENDOR | JOB_SETREPO | JOB_SETEVR;
        else if ((select === SEL_NAME || select === SEL_PROVIDES) && pool.table.flags[what] !== 0) {
          if (pool.table.flags[what] === REL_EQ && select === SEL_NAME) {
            set |= pool.table.evrText[pool.table.evr[what]].includes('-') ? JOB_SETEVR : JOB_SETEV;
          }
        }
      } else set &= ~JOB_NOAUTOSET;
      if (!set) return;
      const sel = jobSelect(solv, select, what);
      if ((set & JOB_SETARCH) !== 0 && solv.infarchrules !== solv.infarchrulesEnd) {
        const names: number[] = [];
        for (const p of sel) {
          if (names.includes(pool.solvName[p])) continue;
          for (let i = solv.infarchrules; i < solv.infarchrulesEnd; i++) {
            if (solv.rules[i].p === -p) {
              names.push(pool.solvName[p]);
              q.push(DISABLE_INFARCH, pool.solvName[p]);
              break;
            }
          }
        }
      }
      if ((set & JOB_SETREPO) !== 0 && solv.duprules !== solv.duprulesEnd) {
        const names: number[] = [];
        for (const p of sel) {
          if (names.includes(pool.solvName[p])) continue;
          names.push(pool.solvName[p]);
          q.push(DISABLE_DUP, pool.solvName[p]);
        }
      }
      if ((set & JOB_SETREPO) !== 0 && solv.strictrepopriorules !== solv.strictrepopriorulesEnd) {
        const names: number[] = [];
        for (const p of sel) {
          if (names.includes(pool.solvName[p])) continue;
          names.push(pool.solvName[p]);
          q.push(DISABLE_REPOPRIO, pool.solvName[p]);
        }
      }
      if ((set & JOB_SETEVR) !== 0 && solv.blackrules !== solv.blackrulesEnd) for (const p of sel) q.push(DISABLE_BLACK, p);
      if (!inst || inst.end === inst.start) return;
      for (const p of sel) {
        if (solv.isInstalled(p)) return;
        if (solv.isMultiversion(p) && !solv.flags.keepexplicitobsoletes) return;
      }
      // Installed packages every candidate would replace.
      let common: number[] | undefined;
      for (const p of sel) {
        const obs = intersectObsoleted(solv, p);
        common = common === undefined ? obs : common.filter((x) => obs.includes(x));
        if (!common.length) break;
      }
      if (!common || !common.length) return;
      const all = (set & (JOB_SETEVR | JOB_SETARCH | JOB_SETVENDOR)) === (JOB_SETEVR | JOB_SETARCH | JOB_SETVENDOR);
      for (const is of common) {
        if (!all) {
          let illegalFound = false;
          for (const p of sel) {
            let ignore = 0;
            if (set & JOB_SETEVR) ignore |= ILLEGAL_DOWNGRADE;
            if (set & JOB_SETNAME) ignore |= ILLEGAL_NAMECHANGE;
            if (set & JOB_SETARCH) ignore |= ILLEGAL_ARCHCHANGE;
            if (set & JOB_SETVENDOR) ignore |= ILLEGAL_VENDORCHANGE;
            let illegal = policyIsIllegal(solv, is, p, ignore);
            if (illegal && illegal === ILLEGAL_DOWNGRADE && (set & JOB_SETEV) !== 0) {
              if (solv.evrCmp(is, p) !== 0) illegal = 0;
            }
            if (illegal) {
              illegalFound = true;
              break;
            }
          }
          if (illegalFound) continue;
        }
        q.push(DISABLE_UPDATE, is);
      }
      return;
    }
    case JOB_ERASE: {
      if (!inst) return;
      if (select === SEL_ALL || (select === SEL_REPO && solv.pool.repos[what - 1]?.installed)) {
        for (let p = inst.start; p < inst.end; p++) q.push(DISABLE_UPDATE, p);
      }
      for (const p of jobSelect(solv, select, what)) if (solv.isInstalled(p)) q.push(DISABLE_UPDATE, p);
      return;
    }
    case JOB_LOCK: {
      if (!inst) return;
      const names: number[] = [];
      const add = (p: number): void => {
        if (!solv.isInstalled(p) || names.includes(pool.solvName[p])) return;
        names.push(pool.solvName[p]);
        q.push(DISABLE_DUP, pool.solvName[p]);
      };
      if (select === SEL_ALL || (select === SEL_REPO && solv.pool.repos[what - 1]?.installed)) for (let p = inst.start; p < inst.end; p++) add(p);
      for (const p of jobSelect(solv, select, what)) add(p);
      return;
    }
    default:
      return;
  }
}

function setNoupdate(solv: SolverState, p: number, on: boolean): void {
  const inst = solv.installed;
  if (!inst) return;
  solv.noupdate[p - inst.start] = on ? 1 : 0;
}

function disableUpdateRule(solv: SolverState, p: number): void {
  const inst = solv.installed;
  if (!inst) return;
  setNoupdate(solv, p, true);
  const r = solv.rules[solv.updaterules + (p - inst.start)];
  if (r.p && r.d >= 0) disableRule(r);
  const f = solv.rules[solv.featurerules + (p - inst.start)];
  if (f.p && f.d >= 0) disableRule(f);
  const ni = solv.bestrulesEnd - solv.bestrules;
  for (let i = solv.bestrulesUp - solv.bestrules; i < ni; i++) if (solv.bestrulesInfo[i] === p) disableRule(solv.rules[solv.bestrules + i]);
}

function reenableUpdateRule(solv: SolverState, p: number): void {
  const inst = solv.installed;
  if (!inst) return;
  setNoupdate(solv, p, false);
  const r = solv.rules[solv.updaterules + (p - inst.start)];
  if (r.p) {
    if (r.d < 0) enableRule(r);
  } else {
    const f = solv.rules[solv.featurerules + (p - inst.start)];
    if (f.p && f.d < 0) enableRule(f);
  }
  const ni = solv.bestrulesEnd - solv.bestrules;
  for (let i = solv.bestrulesUp - solv.bestrules; i < ni; i++) if (solv.bestrulesInfo[i] === p) enableRule(solv.rules[solv.bestrules + i]);
}

function forNameRules(solv: SolverState, start: number, end: number, name: number, fn: (r: Rule) => void): void {
  for (let i = start; i < end; i++) {
    const r = solv.rules[i];
    if (r.p < 0 && solv.pool.solvName[-r.p] === name) fn(r);
  }
}

function applyDisable(solv: SolverState, type: number, arg: number, enable: boolean): void {
  if (type === DISABLE_UPDATE) (enable ? reenableUpdateRule : disableUpdateRule)(solv, arg);
  else if (type === DISABLE_INFARCH) forNameRules(solv, solv.infarchrules, solv.infarchrulesEnd, arg, enable ? enableRule : disableRule);
  else if (type === DISABLE_DUP) forNameRules(solv, solv.duprules, solv.duprulesEnd, arg, enable ? enableRule : disableRule);
  else if (type === DISABLE_REPOPRIO) forNameRules(solv, solv.strictrepopriorules, solv.strictrepopriorulesEnd, arg, enable ? enableRule : disableRule);
  else if (type === DISABLE_BLACK) {
    for (let i = solv.blackrules; i < solv.blackrulesEnd; i++) if (solv.rules[i].p === -arg) (enable ? enableRule : disableRule)(solv.rules[i]);
  }
}

function enabledJobLists(solv: SolverState, skipJob = -1): number[] {
  const all: number[] = [];
  let lastjob = -1;
  for (let i = solv.jobrules; i < solv.jobrulesEnd; i++) {
    if (solv.rules[i].d < 0) continue;
    const j = solv.ruletojob[i - solv.jobrules];
    if (j === lastjob) continue;
    lastjob = j;
    if (j === skipJob) continue;
    jobToDisableList(solv, solv.job[j], solv.job[j + 1], all);
  }
  return all;
}

export function disablePolicyRules(solv: SolverState): void {
  const all = enabledJobLists(solv);
  if (solv.cleandepsmap && solv.installed) {
    // Packages clean-deps will erase count as DISABLE_UPDATE too.
    solv.cleandepsmap = createCleandepsMap(solv);
    for (let p = solv.installed.start; p < solv.installed.end; p++) if (solv.cleandepsmap[p - solv.installed.start]) all.push(DISABLE_UPDATE, p);
  }
  solv.noupdate.fill(0);
  for (let i = 0; i < all.length; i += 2) applyDisable(solv, all[i], all[i + 1], false);
}

export function reenablePolicyRules(solv: SolverState, jobidx: number): void {
  const q: number[] = [];
  jobToDisableList(solv, solv.job[jobidx], solv.job[jobidx + 1], q);
  if (!q.length) return;
  const inst = solv.installed;
  let rest: number[] = [];
  for (let j = 0; j < q.length; j += 2) {
    if (q[j] === DISABLE_UPDATE && inst && solv.cleandepsmap && solv.isInstalled(q[j + 1]) && solv.cleandepsmap[q[j + 1] - inst.start]) continue;
    rest.push(q[j], q[j + 1]);
  }
  const all = enabledJobLists(solv);
  const keep: number[] = [];
  for (let j = 0; j < rest.length; j += 2) {
    let found = false;
    for (let a = 0; a < all.length; a += 2) if (all[a] === rest[j] && all[a + 1] === rest[j + 1]) found = true;
    if (!found) keep.push(rest[j], rest[j + 1]);
  }
  rest = keep;
  for (let j = 0; j < rest.length; j += 2) applyDisable(solv, rest[j], rest[j + 1], true);
}

/** Job kinds that create job rules (used by the solve setup). */
export const JOB_RULE_KINDS = [JOB_INSTALL, JOB_ERASE, JOB_LOCK] as const;

// ---- best rules (forcebest) -------------------------------------------------------------------

function pruneBestUpdate(solv: SolverState, p: number, q: number[]): void {
  const targets = solv.updateTargets?.get(p);
  if (targets) filterList(q, (x) => targets.includes(x));
  if (solv.dupinvolvedmap && solv.dupinvolvedmap[p] && solv.dupmap) {
    const dm = solv.dupmap;
    filterList(q, (x) => dm[x] === 1);
  }
  policyFilterUnwanted(solv, q, POLICY_MODE_RECOMMEND);
}

function filterList(q: number[], keep: (x: number) => boolean): void {
  let j = 0;
  for (let i = 0; i < q.length; i++) if (keep(q[i])) q[j++] = q[i];
  q.length = j;
}

function pushUnique(q: number[], x: number): void {
  if (!q.includes(x)) q.push(x);
}

function addRuleFromList(solv: SolverState, q: number[]): void {
  const p2 = q.shift() as number;
  if (q.length < 2) solv.addRule(p2, q.length ? q[0] : 0, 0);
  else solv.addRule(p2, 0, solv.store.add(q));
}

/** solver_addbestrules: only the best candidates may fulfil forcebest jobs / best updates. */
export function addBestRules(solv: SolverState, havebestinstalljobs: boolean, haslockjob: boolean): void {
  const inst = solv.installed;
  solv.bestrules = solv.nrules();
  const info: number[] = [];
  let locked: Uint8Array | undefined;
  if (haslockjob) {
    locked = new Uint8Array(solv.nsolvables);
    for (let i = 0; i < solv.ruletojob.length; i++) {
      const r = solv.rules[solv.jobrules + i];
      if (r.w2 || (solv.job[solv.ruletojob[i]] & JOB_MASK) !== JOB_LOCK) continue;
      locked[Math.abs(r.p)] = 1;
    }
  }
  const withDisabledPruned = (q: number[]): void => {
    if (solv.disabled && solv.pf.whatprovideswithdisabled) filterList(q, (x) => solv.isInstalled(x) || !solv.isDisabled(x));
  };
  if (havebestinstalljobs) {
    for (let i = 0; i < solv.job.length; i += 2) {
      const how = solv.job[i];
      if ((how & (JOB_MASK | JOB_FORCEBEST)) !== (JOB_INSTALL | JOB_FORCEBEST)) continue;
      for (let j = 0; j < solv.ruletojob.length; j++) {
        if (solv.ruletojob[j] !== i) continue;
        const lits = solv.ruleLits(solv.jobrules + j);
        let q = lits.filter((l) => l > 0);
        let q2 = lits.filter((l) => l < 0);
        withDisabledPruned(q);
        if (!q.length) continue;
        const oldcnt = q.length;
        policyFilterUnwanted(solv, q, POLICY_MODE_RECOMMEND);
        if (q.length === oldcnt) continue;
        if (locked) {
          const lk = locked;
          q = [...q2, ...q];
          q2 = [];
          for (const p2 of lits) {
            if (p2 <= 0) continue;
            if (solv.isInstalled(p2)) {
              if (lk[p2]) pushUnique(q, p2);
            } else if (lk[p2]) continue;
            q2.push(p2);
          }
          withDisabledPruned(q2);
          policyFilterUnwanted(solv, q2, POLICY_MODE_RECOMMEND);
          for (const x of q2) pushUnique(q, x);
          q2 = [];
        }
        if (q2.length) q = [...q2, ...q];
        addRuleFromList(solv, q);
        if (how & JOB_WEAK) solv.weakruleq.push(solv.nrules() - 1);
        info.push(-(solv.jobrules + j));
      }
    }
  }
  solv.bestrulesUp = solv.nrules();
  if (inst && (solv.bestupdatemapAll || solv.bestupdatemap)) {
    const allowun = solv.flags.allowuninstall || solv.allowuninstallAll || solv.allowuninstallmap !== undefined;
    const m = allowun ? new Uint8Array(solv.nsolvables) : undefined;
    for (let p = inst.start; p < inst.end; p++) {
      const k = p - inst.start;
      if (!solv.updatemapAll && !(solv.updatemap && solv.updatemap[k])) continue;
      if (!solv.bestupdatemapAll && !(solv.bestupdatemap && solv.bestupdatemap[k])) continue;
      let rid: number;
      if (solv.flags.bestobeypolicy) rid = solv.updaterules + k;
      else {
        rid = solv.featurerules + k;
        if (!solv.rules[rid].p) rid = solv.updaterules + k;
      }
      let q: number[] = [];
      const d = solv.specialupdaters ? solv.specialupdaters[k] : 0;
      if (d && rid === solv.updaterules + k) {
        if (solv.rules[rid].p === p) q.push(p);
        q.push(...solv.store.list(d));
      } else q = solv.ruleLits(rid).filter((l) => l > 0);
      let q2: number[] = locked ? [...q] : [];
      pruneBestUpdate(solv, p, q);
      if (!q.length) continue;
      if (locked) {
        const lk = locked;
        if (lk[p]) pushUnique(q2, p);
        for (const p2 of q2) if (solv.isInstalled(p2) && lk[p2]) pushUnique(q, p2);
        q2 = q2.filter((p2) => solv.isInstalled(p2) || !lk[p2]);
        pruneBestUpdate(solv, p, q2);
        for (const x of q2) pushUnique(q, x);
      }
      if (solv.flags.bestobeypolicy) {
        const fr = solv.featurerules + k;
        if (solv.rules[fr].p) {
          q2 = solv.ruleLits(fr).filter((l) => l > 0);
          pruneBestUpdate(solv, p, q2);
          for (const x of q2) pushUnique(q, x);
          if (locked) {
            const lk = locked;
            q2 = solv.ruleLits(fr).filter((l) => l > 0 && (solv.isInstalled(l) || !lk[l]));
            pruneBestUpdate(solv, p, q2);
            for (const x of q2) pushUnique(q, x);
          }
        }
      }
      if (m && (solv.flags.allowuninstall || solv.allowuninstallAll || (solv.allowuninstallmap && solv.allowuninstallmap[k]))) {
        // Both allowuninstall and best: forbid the non-best candidates instead.
        const dd = q.length === 1 ? q[0] : -solv.store.add(q);
        for (const x of q) m[x] = 1;
        let frid = solv.featurerules + k;
        if (!solv.rules[frid].p) frid = solv.updaterules + k;
        for (const p2 of solv.ruleLits(frid)) {
          if (m[p2]) continue;
          if (dd >= 0) solv.addRule(-p2, dd, 0);
          else solv.addRule(-p2, 0, -dd);
          info.push(p);
        }
        for (const x of q) m[x] = 0;
        continue;
      }
      addRuleFromList(solv, q);
      info.push(p);
    }
  }
  solv.bestrulesInfo = info;
  solv.bestrulesEnd = solv.nrules();
}

// ---- choice rules -----------------------------------------------------------------------------

/** choicerule_find_installed: the installed package `p` would replace (same name or obsoleted). */
function choiceFindInstalled(solv: SolverState, p: number): number {
  const pool = solv.pool;
  if (pool.solvRepo[p] < 0) return 0;
  if (solv.isInstalled(p)) return p;
  for (const p2 of solv.providersOfName(pool.solvName[p])) {
    if (!solv.isInstalled(p2)) continue;
    if (!solv.pf.implicitobsoleteusesprovides && pool.solvName[p] !== pool.solvName[p2]) continue;
    if (solv.pf.implicitobsoleteusescolors && !solv.colormatch(p, p2)) continue;
    return p2;
  }
  for (const obs of pool.deps(p, 'obsoletes')) {
    for (const p2 of solv.providers(obs)) {
      if (!solv.isInstalled(p2)) continue;
      if (!solv.pf.obsoleteusesprovides && !solv.matchNevr(p2, obs)) continue;
      if (solv.pf.obsoleteusescolors && !solv.colormatch(p, p2)) continue;
      return p2;
    }
  }
  return 0;
}

/**
 * solver_choicerulecheck: does none of the (best) updates of installed `pi` provide what rule `r`
 * asks for (`m` marks the rule's providers)? `qcheck` caches the updates of the last `pi`.
 */
function choiceRuleCheck(solv: SolverState, pi: number, m: Uint8Array, qcheck: number[]): boolean {
  const inst = solv.installed as { start: number };
  if (!qcheck.length || qcheck[0] !== pi) {
    qcheck.length = 0;
    let ur = solv.updaterules + (pi - inst.start);
    if (!solv.rules[ur].p) ur = solv.featurerules + (pi - inst.start);
    if (!solv.rules[ur].p) return false;
    qcheck.push(pi, 0);
    for (const p of solv.ruleLits(ur)) if (p > 0) qcheck.push(p);
  }
  if (qcheck.length === 2) return true;
  if (qcheck.length === 3) return m[qcheck[2]] ? false : true;
  if (!qcheck[1]) {
    let all = true;
    for (let i = 2; i < qcheck.length; i++) if (!m[qcheck[i]]) all = false;
    if (all) return false;
    const rest = qcheck.slice(2);
    policyFilterUnwanted(solv, rest, POLICY_MODE_CHOOSE);
    qcheck.length = 0;
    qcheck.push(pi, 1, ...rest);
  }
  for (let i = 2; i < qcheck.length; i++) if (m[qcheck[i]]) return false;
  return true;
}

/**
 * solver_addchoicerules: for a requires that could be met by updating an installed package or by a
 * new package, a weak rule that prefers the update (so `install foo` does not pull a new provider
 * when an update of something installed would do).
 */
export function addChoiceRules(solv: SolverState): void {
  const pool = solv.pool;
  const inst = solv.installed;
  solv.choicerules = solv.nrules();
  solv.choicerulesInfo = [];
  if (!inst) {
    solv.choicerulesEnd = solv.nrules();
    return;
  }
  let dodowngradecheck = solv.flags.allowdowngrade;
  if ((solv.dupinvolvedmapAll || solv.dupinvolvedmap) && solv.flags.dupallowdowngrade) dodowngradecheck = true;
  const m = new Uint8Array(solv.nsolvables);
  const mneg = new Uint8Array(solv.nsolvables);
  for (const [a, b] of [
    [solv.infarchrules, solv.infarchrulesEnd],
    [solv.duprules, solv.duprulesEnd],
  ]) {
    for (let rid = a; rid < b; rid++) {
      const r = solv.rules[rid];
      if (r.p < 0 && !r.w2 && (r.d === 0 || r.d === -1)) mneg[-r.p] = 1;
    }
  }
  const qcheck: number[] = [];
  // choicerule_find_installed per package, computed once (-1: not yet).
  const foundInstalled = new Int32Array(solv.nsolvables).fill(-1);
  const findInstalled = (p: number): number => {
    if (foundInstalled[p] < 0) foundInstalled[p] = choiceFindInstalled(solv, p);
    return foundInstalled[p];
  };
  let lastP = 0;
  let lastQ: number[] = [];
  for (let rid = 1; rid < solv.pkgrulesEnd; rid++) {
    const r = solv.rules[rid];
    if (r.p >= 0 || ((r.d === 0 || r.d === -1) && r.w2 <= 0)) continue;
    let qi: number[] = [];
    let havechoice = false;
    let isinstalled = false;
    const lits = solv.ruleLits(rid);
    for (const p of lits) {
      if (p < 0) {
        const p2 = solv.isInstalled(-p) ? -p : 0;
        if (p2 && !(solv.updatemapAll || (solv.updatemap && solv.updatemap[p2 - inst.start]))) isinstalled = true;
        continue;
      }
      if (pool.solvRepo[p] < 0) continue;
      if (solv.isInstalled(p)) {
        qi.push(p, p);
        continue;
      }
      const p2 = findInstalled(p);
      if (p2) {
        if (mneg[p]) continue;
        if (policyIsIllegal(solv, p2, p, 0)) continue;
        qi.push(p2, p);
        continue;
      }
      havechoice = true;
    }
    if (!havechoice || !qi.length) continue;
    for (const p of lits) if (p > 0) m[p] = 1;
    if (!isinstalled) {
      const kept: number[] = [];
      for (let i = 0; i < qi.length; i += 2) {
        const p2 = qi[i];
        const p = qi[i + 1];
        let isdowngrade = false;
        if (dodowngradecheck && pool.solvName[p2] === pool.solvName[p] && solv.evrCmp(p2, p) > 0) isdowngrade = true;
        if (isdowngrade || solv.updatemapAll || (solv.updatemap && solv.updatemap[p2 - inst.start])) {
          if (choiceRuleCheck(solv, p2, m, qcheck)) continue;
        }
        kept.push(p2, p);
      }
      qi = kept;
    }
    if (!qi.length) {
      for (const p of lits) if (p > 0) m[p] = 0;
      continue;
    }
    const q: number[] = [];
    const qinst: number[] = [];
    for (let i = 0; i < qi.length; i += 2) {
      q.push(qi[i + 1]);
      qinst.push(qi[i]);
    }
    // If every update of every involved installed package is among the providers, no rule needed.
    let i = 0;
    for (; i < qinst.length; i++) {
      if (!qinst[i]) continue;
      let ur = solv.updaterules + (qinst[i] - inst.start);
      if (!solv.rules[ur].p) ur = solv.featurerules + (qinst[i] - inst.start);
      if (!solv.rules[ur].p) continue;
      let missing = false;
      for (const p of solv.ruleLits(ur)) if (!m[p]) missing = true;
      if (missing) break;
      for (let j = i + 1; j < qinst.length; j++) if (qinst[i] === qinst[j]) qinst[j] = 0;
    }
    let negcnt = 0;
    for (const p of lits) {
      if (p > 0) m[p] = 0;
      else negcnt++;
    }
    if (i === qinst.length) continue;
    if (negcnt > 1) {
      const negs = lits.filter((p) => p < 0 && p !== r.p);
      q.unshift(...negs);
    }
    if (lastP === r.p && lastQ.length === q.length && lastQ.every((x, k) => x === q[k])) continue;
    lastP = r.p;
    lastQ = [...q];
    solv.addRule(r.p, 0, q.length ? solv.store.add(q) : 0);
    solv.weakruleq.push(solv.nrules() - 1);
    solv.choicerulesInfo.push(rid);
  }
  solv.choicerulesEnd = solv.nrules();
}

/** solver_disablechoicerules: disable this choice rule and those sharing its dropped providers. */
export function disableChoiceRules(solv: SolverState, rid: number): void {
  disableRule(solv.rules[rid]);
  const m = new Uint8Array(solv.nsolvables);
  for (const p of solv.ruleLits(solv.choicerulesInfo[rid - solv.choicerules])) if (p > 0) m[p] = 1;
  for (const p of solv.ruleLits(rid)) if (p > 0) m[p] = 0;
  for (let r2 = solv.choicerules; r2 < solv.choicerulesEnd; r2++) {
    if (solv.rules[r2].d < 0) continue;
    const origin = solv.ruleLits(solv.choicerulesInfo[r2 - solv.choicerules]);
    if (origin.some((p) => p > 0 && m[p])) disableRule(solv.rules[r2]);
  }
}

/** solver_check_unneeded_choicerules: drop choice rules whose origin got fulfilled another way. */
export function checkUnneededChoiceRules(solv: SolverState): boolean {
  let havedisabled = false;
  for (let rid = solv.choicerules; rid < solv.choicerulesEnd; rid++) {
    const r = solv.rules[rid];
    if (r.d < 0) continue;
    const orid = solv.choicerulesInfo[rid - solv.choicerules];
    if (solv.rules[orid].d < 0) continue;
    const mine = solv.ruleLits(rid);
    for (const p of solv.ruleLits(orid)) {
      if (p < 0 || solv.decisionmap[p] <= 0) continue;
      if (!mine.includes(p)) {
        disableChoiceRules(solv, rid);
        havedisabled = true;
        break;
      }
    }
  }
  return havedisabled;
}

// ---- yum-style obsoletes ----------------------------------------------------------------------

/** find_obsolete_group: packages sharing the obsoletes `obs` of an installed package, by name group. */
function findObsoleteGroup(solv: SolverState, obs: number): number[] {
  const pool = solv.pool;
  const pf = solv.pf;
  const q: number[] = [];
  for (const p2 of solv.providers(obs)) {
    if (!solv.isInstalled(p2)) continue;
    if (!pf.obsoleteusesprovides && !solv.matchNevr(p2, obs)) continue;
    const consider = (op: number): void => {
      if (!pool.deps(op, 'obsoletes').length) return;
      if ((pf.obsoleteusescolors || pf.implicitobsoleteusescolors) && !solv.colormatch(p2, op)) return;
      if (pool.deps(op, 'obsoletes').includes(obs) && !q.includes(op)) q.push(op);
    };
    for (const op of solv.obsoletesIndex?.get(p2) ?? []) consider(op);
    for (const op of solv.providersOfName(pool.solvName[p2])) if (pool.solvName[op] === pool.solvName[p2]) consider(op);
  }
  const qn = [...q];
  pruneToBestVersionForYumobs(solv, qn);
  if (qn.length === 1) return [];
  const out: number[] = [];
  let ncnt = 0;
  for (const b of qn) {
    const n = pool.solvName[b];
    let got = false;
    for (const p of q) {
      if (pool.solvName[p] === n) {
        out.push(p);
        got = true;
      }
    }
    if (got) {
      out.push(0);
      ncnt++;
    }
  }
  return ncnt <= 1 ? [] : out;
}

function pruneToBestVersionForYumobs(solv: SolverState, q: number[]): void {
  pruneToBestVersion(solv, q);
}

/** solver_addyumobsrules: a package of one obsoleting group excludes the other groups (yum). */
export function addYumobsRules(solv: SolverState): void {
  const pool = solv.pool;
  const inst = solv.installed;
  const pf = solv.pf;
  solv.yumobsrules = solv.nrules();
  solv.yumobsrulesInfo = [];
  if (!inst || !solv.obsoletesIndex) {
    solv.yumobsrulesEnd = solv.nrules();
    return;
  }
  const qo: number[] = [];
  for (let p = inst.start; p < inst.end; p++) {
    for (const op of solv.obsoletesIndex.get(p) ?? []) {
      for (const obs of pool.deps(op, 'obsoletes')) {
        for (const p2 of solv.providers(obs)) {
          if (!solv.isInstalled(p2)) continue;
          if (!pf.obsoleteusesprovides && !solv.matchNevr(p2, obs)) continue;
          if ((pf.obsoleteusescolors || pf.implicitobsoleteusescolors) && !solv.colormatch(p, p2)) continue;
          if (!qo.includes(obs)) qo.push(obs);
          break;
        }
      }
    }
  }
  for (const obs of qo) {
    const qq = findObsoleteGroup(solv, obs);
    if (!qq.length) continue;
    let group = 0;
    for (let j = 0; j < qq.length; j++) {
      const p = qq[j];
      if (!p) {
        group++;
        continue;
      }
      if (solv.isInstalled(p)) continue;
      let groupk = 0;
      let groupstart = 0;
      for (let k = 0; k < qq.length; k++) {
        if (qq[k]) continue;
        if (group !== groupk && k > groupstart) {
          if (k - groupstart === 1) solv.addRule(-p, qq[groupstart], 0);
          else solv.addRule(-p, 0, solv.store.add(qq.slice(groupstart, k)));
          solv.yumobsrulesInfo.push(obs);
        }
        groupstart = k + 1;
        groupk++;
      }
    }
  }
  solv.yumobsrulesEnd = solv.nrules();
}

// ---- blacklist and strict repo priority ---------------------------------------------------

/** solver_addblackrules: blacklisted packages can only come in by a direct request. */
export function addBlackRules(solv: SolverState): void {
  const pool = solv.pool;
  solv.blackrules = solv.nrules();
  const names = new Set<number>();
  const jobs: number[] = [];
  for (let i = 0; i < solv.job.length; i += 2) if ((solv.job[i] & JOB_MASK) === JOB_BLACKLIST) jobs.push(i);
  for (const i of jobs) for (const p of jobSelect(solv, solv.job[i] & SELECT_MASK, solv.job[i + 1])) if (solv.isInstalled(p)) names.add(pool.solvName[p]);
  for (const i of jobs) {
    for (const p of jobSelect(solv, solv.job[i] & SELECT_MASK, solv.job[i + 1])) {
      if (solv.isInstalled(p) || names.has(pool.solvName[p])) continue;
      solv.addRule(-p, 0, 0);
    }
  }
  solv.blackrulesEnd = solv.nrules();
}

/** solver_addstrictrepopriorules: only the highest-priority repo may provide a package name. */
export function addStrictRepoPrioRules(solv: SolverState, m: Uint8Array): void {
  const pool = solv.pool;
  const prio = m.slice();
  solv.strictrepopriorules = solv.nrules();
  for (let p = 2; p < solv.nsolvables; p++) {
    if (!prio[p]) continue;
    const name = pool.solvName[p];
    let max = solv.repoPriority(p);
    for (const p2 of solv.providersOfName(name)) if (pool.solvName[p2] === name && solv.repoPriority(p2) > max) max = solv.repoPriority(p2);
    for (const p2 of solv.providersOfName(name)) {
      if (pool.solvName[p2] !== name || !prio[p2]) continue;
      prio[p2] = 0;
      if (solv.isInstalled(p2)) continue;
      if (solv.repoPriority(p2) < max) solv.addRule(-p2, 0, 0);
    }
  }
  solv.strictrepopriorulesEnd = solv.nrules();
}

/** solver_reenablepolicyrules_cleandeps: `p` is kept after all; re-enable its update rule. */
export function reenableUpdateRuleFor(solv: SolverState, p: number): void {
  const all = enabledJobLists(solv);
  for (let a = 0; a < all.length; a += 2) if (all[a] === DISABLE_UPDATE && all[a + 1] === p) return;
  reenableUpdateRule(solv, p);
}

/** solver_addrecommendsrules: strong recommends without their disfavored providers. */
export function addRecommendsRules(solv: SolverState): void {
  solv.recommendsrules = solv.nrules();
  solv.recommendsrulesInfo = [];
  const fm = solv.favormap as Int32Array;
  const pkgRecommends: number[] = [];
  for (let rid = 1; rid < solv.pkgrulesEnd; rid++) if (solv.recommendsRules.has(solv.rules[rid])) pkgRecommends.push(rid);
  for (const rid of pkgRecommends) {
    const q: number[] = [];
    let havedis = false;
    let havepos = false;
    for (const p of solv.ruleLits(rid)) {
      if (p > 0 && fm[p] < 0) havedis = true;
      else {
        if (p > 0) havepos = true;
        q.push(p);
      }
    }
    if (!havedis) continue;
    disableRule(solv.rules[rid]);
    if (!havepos || q.length < 2) continue;
    if (q.length === 2) solv.addRule(q[0], q[1], 0);
    else solv.addRule(q[0], 0, solv.store.add(q.slice(1)));
    solv.recommendsrulesInfo.push(rid);
  }
  solv.recommendsrulesEnd = solv.nrules();
}
