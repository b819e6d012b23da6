// Choosing among candidates the way libsolv's policy.c does: repository priority, then best arch,
// then best version per name (and drop packages another candidate obsoletes), then recommended,
// then a reordering (old versions last, common deps, installed names first, suggested, favored).
// Also: which packages may update an installed one (policy_findupdatepackages) and whether a
// replacement is an illegal downgrade/arch/vendor/name change.
import {
  ILLEGAL_ARCHCHANGE,
  ILLEGAL_DOWNGRADE,
  ILLEGAL_NAMECHANGE,
  ILLEGAL_VENDORCHANGE,
  POLICY_MODE_CHOOSE,
  POLICY_MODE_CHOOSE_NOREORDER,
  POLICY_MODE_SUGGEST,
  POLICY_MODE_SUPPLEMENT,
} from './constants.ts';
import { REL_EQ, REL_LT, compareEvrParts } from '../pool/evr.ts';
import type { SolverState } from './state.ts';

function strcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sort key of prune_to_best_version: name, worse arch first, installed first, subpriority, id. */
function bestVersionCmp(solv: SolverState, a: number, b: number): number {
  const pool = solv.pool;
  const na = pool.solvName[a];
  const nb = pool.solvName[b];
  if (na !== nb) return strcmp(pool.strings.str(na), pool.strings.str(nb));
  if (pool.solvArch[a] !== pool.solvArch[b]) {
    const aa = solv.archScore(a);
    const ab = solv.archScore(b);
    if (aa !== ab && aa > 1 && ab > 1) return aa < ab ? -1 : 1;
  }
  const ia = solv.isInstalled(a);
  const ib = solv.isInstalled(b);
  if (ia && !ib) return -1;
  if (ib && !ia) return 1;
  const r = pool.repoSubpriority(b) - pool.repoSubpriority(a);
  if (r) return r;
  return a - b;
}

function pruneToHighestPrio(solv: SolverState, plist: number[]): void {
  let best = 0;
  let set = false;
  for (const p of plist) {
    if (solv.isInstalled(p)) continue;
    const prio = solv.repoPriority(p);
    if (!set || prio > best) {
      best = prio;
      set = true;
    }
  }
  if (!set) return;
  filterInPlace(plist, (p) => solv.repoPriority(p) === best || solv.isInstalled(p));
}

function dupInvolved(solv: SolverState, p: number): boolean {
  return solv.dupinvolvedmapAll || (solv.dupinvolvedmap !== undefined && solv.dupinvolvedmap[p] === 1);
}

/** Installed packages in a dup can only be kept when identical to an available one. */
function pruneInstalledDupPackages(solv: SolverState, plist: number[]): void {
  const pool = solv.pool;
  let i = 0;
  for (; i < plist.length; i++) if (!solv.isInstalled(plist[i])) break;
  if (i === plist.length) return;
  let bestprio = solv.repoPriority(plist[i]);
  const out: number[] = [];
  for (const p of plist) {
    if (!solv.isInstalled(p) && solv.repoPriority(p) < bestprio) continue;
    if (solv.isInstalled(p) && dupInvolved(solv, p)) {
      let keep = false;
      for (const p2 of solv.providersOfName(pool.solvName[p])) {
        if (solv.isInstalled(p2) || pool.solvEvr[p2] !== pool.solvEvr[p] || solv.repoPriority(p2) < bestprio) continue;
        if (!solv.identical(p, p2)) continue;
        keep = true;
        if (solv.repoPriority(p2) > bestprio) {
          bestprio = solv.repoPriority(p2);
          out.length = 0;
        }
      }
      if (!keep) continue;
    }
    out.push(p);
  }
  if (out.length) replace(plist, out);
}

function solverPruneToHighestPrio(solv: SolverState, plist: number[]): void {
  pruneToHighestPrio(solv, plist);
  if (plist.length > 1 && solv.installed && (solv.dupinvolvedmapAll || solv.dupinvolvedmap)) pruneInstalledDupPackages(solv, plist);
}

function pruneToHighestPrioPerName(solv: SolverState, plist: number[]): void {
  plist.sort((a, b) => bestVersionCmp(solv, a, b));
  const out: number[] = [];
  let group: number[] = [];
  const flush = (): void => {
    if (group.length > 2) solverPruneToHighestPrio(solv, group);
    out.push(...group);
    group = [];
  };
  let name = solv.pool.solvName[plist[0]];
  for (const p of plist) {
    if (solv.pool.solvName[p] !== name) {
      flush();
      name = solv.pool.solvName[p];
    }
    group.push(p);
  }
  flush();
  replace(plist, out);
}

/** prune_to_best_arch: keep the best arch class (noarch always survives). */
function pruneToBestArch(solv: SolverState, plist: number[]): void {
  if (solv.pool.arch === undefined || plist.length < 2) return;
  let best = 0;
  for (const p of plist) {
    const a = solv.archScore(p);
    if (a && a !== 1 && (!best || a < best)) best = a;
  }
  if (!best) return;
  const out = plist.filter((p) => {
    const a = solv.archScore(p);
    if (!a) return false;
    return a === 1 || ((a ^ best) & 0xffff0000) === 0;
  });
  if (out.length) replace(plist, out);
}

/** Does `s` obsolete `other` (different name, by obsoletes)? */
function obsoletesOther(solv: SolverState, s: number, other: number): boolean {
  const pool = solv.pool;
  for (const obs of pool.deps(s, 'obsoletes')) {
    for (const p of solv.providers(obs)) {
      if (p !== other) continue;
      if (pool.solvName[p] === pool.solvName[s]) continue;
      if (!solv.pf.obsoleteusesprovides && !solv.matchNevr(p, obs)) continue;
      if (solv.pf.obsoleteusescolors && !solv.colormatch(s, p)) continue;
      return true;
    }
  }
  return false;
}

/**
 * prune_obsoleted: drop candidates obsoleted by other candidates (of other names). libsolv walks the
 * obsoletes graph with Tarjan's SCC so that mutual obsoletes keep both; we do the same.
 */
function pruneObsoleted(solv: SolverState, plist: number[]): void {
  const n = plist.length;
  if (n === 2) {
    let obmap = 0;
    for (let i = 0; i < 2; i++) if (obsoletesOther(solv, plist[i], plist[1 - i])) obmap |= 1 << i;
    if (obmap === 0 || obmap === 3) return;
    if (obmap === 2) plist[0] = plist[1];
    plist.length = 1;
    return;
  }
  const edges: number[][] = plist.map((s, i) => {
    const out: number[] = [];
    for (let j = 0; j < n; j++) if (j !== i && obsoletesOther(solv, s, plist[j])) out.push(j);
    return out;
  });
  // Keep a node unless it is reachable from another node that it cannot reach back.
  const reach = (from: number): Set<number> => {
    const seen = new Set<number>([from]);
    const stack = [from];
    while (stack.length) {
      const x = stack.pop() as number;
      for (const y of edges[x]) if (!seen.has(y)) { seen.add(y); stack.push(y); }
    }
    return seen;
  };
  const reaches = plist.map((_, i) => reach(i));
  const keep = plist.filter((_, i) => {
    for (let j = 0; j < n; j++) if (j !== i && reaches[j].has(i) && !reaches[i].has(j)) return false;
    return true;
  });
  replace(plist, keep);
}

/** prune_to_best_version: one (best EVR) candidate per name, then drop the obsoleted ones. */
export function pruneToBestVersion(solv: SolverState, plist: number[]): void {
  if (plist.length < 2) return;
  plist.sort((a, b) => bestVersionCmp(solv, a, b));
  const pool = solv.pool;
  const out: number[] = [];
  let best = 0;
  for (const s of plist) {
    if (!best) {
      best = s;
      continue;
    }
    if (pool.solvName[best] !== pool.solvName[s]) {
      out.push(best);
      best = s;
      continue;
    }
    const r = pool.solvEvr[best] !== pool.solvEvr[s] ? solv.evrCmp(best, s) : 0;
    if (r < 0) best = s;
  }
  out.push(best);
  replace(plist, out);
  if (plist.length > 1) pruneObsoleted(solv, plist);
}

/** policy_update_recommendsmap: mark what the installed-decided packages recommend / suggest. */
export function updateRecommendsMap(solv: SolverState): void {
  if (solv.recommendsIndex < 0) {
    solv.recommendsmap.fill(0);
    solv.suggestsmap.fill(0);
    solv.recommendsIndex = 0;
  }
  const pool = solv.pool;
  while (solv.recommendsIndex < solv.decisionq.length) {
    const p = solv.decisionq[solv.recommendsIndex++];
    if (p < 0) continue;
    for (const rec of pool.deps(p, 'recommends')) markDep(solv, rec, solv.recommendsmap);
    for (const sug of pool.deps(p, 'suggests')) markDep(solv, sug, solv.suggestsmap);
  }
}

function markDep(solv: SolverState, dep: number, map: Uint8Array): void {
  if (solv.isComplexDep(dep)) {
    // The positive literals of clauses whose conditions already hold (libsolv check_complex_dep).
    for (const clause of solv.pool.richCnf(dep)) {
      let blocked = false;
      for (const l of clause) if (l < 0 && solv.decisionmap[-l] <= 0) blocked = true;
      if (blocked) continue;
      for (const l of clause) if (l > 0) map[l] = 1;
    }
    return;
  }
  for (const p of solv.providers(dep)) map[p] = 1;
}

function pruneToRecommended(solv: SolverState, plist: number[]): void {
  let ninst = 0;
  for (const p of plist) if (solv.isInstalled(p)) ninst++;
  if (plist.length - ninst < 2) return;
  if (solv.recommendsIndex < solv.decisionq.length) updateRecommendsMap(solv);
  const out: number[] = [];
  ninst = 0;
  for (const p of plist) {
    if (solv.isInstalled(p)) {
      ninst++;
      if (out.length) out.push(p);
      continue;
    }
    if (!solv.recommendsmap[p] && !solv.isSupplementing(p)) continue;
    if (!out.length && ninst) for (const q of plist) if (out.length < ninst && solv.isInstalled(q)) out.push(q);
    out.push(p);
  }
  if (out.length) replace(plist, out);
}

/** Move candidates for which a better version (or higher priority repo) exists to the back. */
function dislikeOldVersions(solv: SolverState, plist: number[]): void {
  const pool = solv.pool;
  const good: number[] = [];
  const bad: number[] = [];
  for (const p of plist) {
    let isBad = false;
    if (!solv.isInstalled(p) && pool.solvRepo[p] >= 0) {
      for (const q of solv.providersOfName(pool.solvName[p])) {
        if (q === p) continue;
        if (pool.solvName[q] !== pool.solvName[p] || pool.solvArch[q] !== pool.solvArch[p]) continue;
        const pp = solv.repoPriority(p);
        const pq = solv.repoPriority(q);
        if (pp !== pq) {
          if (pp > pq) continue;
          isBad = true;
          break;
        }
        if (solv.evrCmp(q, p) > 0) {
          isBad = true;
          break;
        }
      }
    }
    (isBad ? bad : good).push(p);
  }
  replace(plist, [...good, ...bad]);
}

/**
 * sort_by_common_dep: among candidates that share a versioned provide (e.g. `foo = 1.2`), prefer
 * the one with the highest version of it; each candidate collects a "badness" count.
 */
function sortByCommonDep(solv: SolverState, plist: number[]): void {
  const pool = solv.pool;
  const table = pool.table;
  const count = plist.length;
  const ents: [number, number, number][] = [];
  for (let i = 0; i < count; i++) {
    for (const id of pool.deps(plist[i], 'provides')) {
      const flags = table.flags[id];
      if (flags !== REL_EQ && flags !== (REL_EQ | REL_LT) && flags !== REL_LT) continue;
      const evr = table.evr[id];
      if (flags === REL_EQ) {
        const s = table.evrText[evr];
        if (s.length >= 4 && /^[a-f0-9]+$/.test(s)) continue;
      }
      ents.push([i, table.name[id], flags === REL_LT ? -evr : evr]);
    }
  }
  if (ents.length < 2) return;
  const evrCmpIds = (a: number, b: number): number => compareEvrParts(table.evrParts[a], table.evrParts[b]);
  const cmp = (a: [number, number, number], b: [number, number, number]): number => {
    if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
    if (a[2] === b[2]) return 0;
    const ea = Math.abs(a[2]);
    const eb = Math.abs(b[2]);
    let r = evrCmpIds(eb, ea);
    if (!r && (a[2] < 0 || b[2] < 0)) {
      if (b[2] >= 0) return 1;
      if (a[2] >= 0) return -1;
    }
    r = Math.sign(r);
    return r;
  };
  ents.sort(cmp);
  const badness = new Array<number>(count).fill(0);
  let lastname = 0;
  let bad = 0;
  let havebad = false;
  for (let i = 0; i < ents.length; i++) {
    const e = ents[i];
    if (lastname && e[1] === lastname) {
      const prev = ents[i - 1];
      if (e[0] !== prev[0] && cmp(prev, e) === -1) {
        bad++;
        havebad = true;
      }
    } else {
      bad = 0;
      lastname = e[1];
    }
    badness[e[0]] += bad;
  }
  if (!havebad) return;
  for (let i = 0; i < count; i++) if (solv.isInstalled(plist[i])) badness[i] = 0;
  const idx = plist.map((_, i) => i);
  idx.sort((a, b) => badness[a] - badness[b]);
  replace(plist, idx.map((i) => plist[i]));
}

/** Candidates whose name is already installed go first. */
function moveInstalledToFront(solv: SolverState, plist: number[]): void {
  if (!solv.installed) return;
  const pool = solv.pool;
  const front: number[] = [];
  const back: number[] = [];
  for (const p of plist) {
    let inst = solv.isInstalled(p);
    if (!inst) {
      for (const q of solv.providersOfName(pool.solvName[p])) {
        if (pool.solvName[q] === pool.solvName[p] && solv.isInstalled(q)) {
          inst = true;
          break;
        }
      }
    }
    (inst ? front : back).push(p);
  }
  replace(plist, [...front, ...back]);
}

/** Suggested/enhanced (and installed) packages first. */
function preferSuggested(solv: SolverState, plist: number[]): void {
  if (solv.recommendsIndex < solv.decisionq.length) updateRecommendsMap(solv);
  const good: number[] = [];
  const bad: number[] = [];
  for (const p of plist) {
    if (solv.isInstalled(p) || solv.suggestsmap[p] || solv.isEnhancing(p)) good.push(p);
    else bad.push(p);
  }
  replace(plist, [...good, ...bad]);
}

/** Favored packages first, disfavored last (stable). */
export function preferFavored(solv: SolverState, plist: number[]): void {
  const fm = solv.favormap;
  if (fm && plist.length > 1) plist.sort((a, b) => fm[b] - fm[a]);
}

function filterUnwantedFavored(solv: SolverState, plist: number[], mode: number): void {
  const fm = solv.favormap as Int32Array;
  const qin = [...plist].sort((a, b) => fm[b] - fm[a]);
  plist.length = 0;
  for (let i = 0; i < qin.length; ) {
    const f = fm[qin[i]];
    let j = i + 1;
    while (j < qin.length && fm[qin[j]] === f) j++;
    const qprune = qin.slice(0, j);
    policyFilterUnwanted(solv, qprune, mode | POLICY_MODE_FAVOR_REC_FLAG);
    for (const p of qprune) if (fm[p] === f) plist.push(p);
    i = j;
  }
}

// libsolv ORs POLICY_MODE_FAVOR_REC (3) into the mode; we keep it as a separate bit so the plain
// modes stay distinguishable.
const POLICY_MODE_FAVOR_REC_FLAG = 0x100;

/** policy_filter_unwanted: prune and order `plist` (in place), best candidate first. */
export function policyFilterUnwanted(solv: SolverState, plist: number[], mode: number): void {
  if (mode === POLICY_MODE_SUPPLEMENT) {
    dislikeOldVersions(solv, plist);
    sortByCommonDep(solv, plist);
    preferSuggested(solv, plist);
    preferFavored(solv, plist);
    return;
  }
  if (mode & POLICY_MODE_FAVOR_REC_FLAG) mode &= ~POLICY_MODE_FAVOR_REC_FLAG;
  else if (solv.favormap && plist.length > 1) {
    const f = solv.favormap[plist[0]];
    if (plist.some((p) => (solv.favormap as Int32Array)[p] !== f)) {
      filterUnwantedFavored(solv, plist, mode);
      return;
    }
  }
  if (plist.length > 1) {
    if (mode !== POLICY_MODE_SUGGEST) solverPruneToHighestPrio(solv, plist);
    else pruneToHighestPrioPerName(solv, plist);
  }
  if (plist.length > 1) pruneToBestArch(solv, plist);
  if (plist.length > 1) pruneToBestVersion(solv, plist);
  if (plist.length > 1 && (mode === POLICY_MODE_CHOOSE || mode === POLICY_MODE_CHOOSE_NOREORDER)) {
    pruneToRecommended(solv, plist);
    if (plist.length > 1 && mode !== POLICY_MODE_CHOOSE_NOREORDER) {
      dislikeOldVersions(solv, plist);
      sortByCommonDep(solv, plist);
      moveInstalledToFront(solv, plist);
      preferSuggested(solv, plist);
      preferFavored(solv, plist);
    }
  }
}

// ---- replacement legality -------------------------------------------------------------------

export function illegalArchChange(solv: SolverState, a: number, b: number): boolean {
  const pool = solv.pool;
  const a1 = pool.archOf(a);
  const a2 = pool.archOf(b);
  if (a1 === a2 || a1 === 'noarch' || a2 === 'noarch') return false;
  if (pool.arch === undefined) return false;
  return ((solv.archScore(a) ^ solv.archScore(b)) & 0xffff0000) !== 0;
}

export function illegalVendorChange(solv: SolverState, a: number, b: number): boolean {
  const v1 = solv.vendorOf(a) ?? '';
  const v2 = solv.vendorOf(b) ?? '';
  if (v1 === v2) return false;
  const mask = (v: string): number => {
    let m = 0;
    solv.vendorClasses.forEach((cls, i) => {
      if (cls.some((pat) => vendorMatches(pat, v))) m |= 1 << i;
    });
    return m;
  };
  const m1 = mask(v1);
  if (!m1) return true;
  return (m1 & mask(v2)) === 0;
}

function vendorMatches(pattern: string, vendor: string): boolean {
  // libsolv compares vendor prefixes case-insensitively (pool_vendor2mask uses strncasecmp).
  const p = pattern.startsWith('!') ? pattern.slice(1) : pattern;
  return vendor.toLowerCase().startsWith(p.toLowerCase());
}

export function policyIsIllegal(solv: SolverState, is: number, s: number, ignore: number): number {
  const pool = solv.pool;
  const dup = dupInvolved(solv, is);
  const f = solv.flags;
  let ret = 0;
  if (!(ignore & ILLEGAL_DOWNGRADE) && !(dup ? f.dupallowdowngrade : f.allowdowngrade)) {
    if (pool.solvName[is] === pool.solvName[s] && solv.evrCmp(is, s) > 0) ret |= ILLEGAL_DOWNGRADE;
  }
  if (!(ignore & ILLEGAL_ARCHCHANGE) && !(dup ? f.dupallowarchchange : f.allowarchchange)) {
    if (pool.solvArch[is] !== pool.solvArch[s] && illegalArchChange(solv, is, s)) ret |= ILLEGAL_ARCHCHANGE;
  }
  if (!(ignore & ILLEGAL_VENDORCHANGE) && !(dup ? f.dupallowvendorchange : f.allowvendorchange)) {
    if (illegalVendorChange(solv, is, s)) ret |= ILLEGAL_VENDORCHANGE;
  }
  if (!(ignore & ILLEGAL_NAMECHANGE) && !(dup ? f.dupallownamechange : f.allownamechange)) {
    if (pool.solvName[is] !== pool.solvName[s]) ret |= ILLEGAL_NAMECHANGE;
  }
  return ret;
}

/** policy_create_obsolete_index: installed package → other-named packages obsoleting it. */
export function createObsoleteIndex(solv: SolverState): void {
  solv.obsoletesIndex = undefined;
  const inst = solv.installed;
  if (!inst || inst.start === inst.end) return;
  const pool = solv.pool;
  const index = new Map<number, number[]>();
  for (let i = 2; i < solv.nsolvables; i++) {
    if (!pool.deps(i, 'obsoletes').length || !solv.installable(i)) continue;
    for (const obs of pool.deps(i, 'obsoletes')) {
      for (const p of solv.providers(obs)) {
        if (!solv.isInstalled(p) || pool.solvName[p] === pool.solvName[i]) continue;
        if (!solv.pf.obsoleteusesprovides && !solv.matchNevr(p, obs)) continue;
        if (solv.pf.obsoleteusescolors && !solv.colormatch(i, p)) continue;
        let l = index.get(p);
        if (!l) index.set(p, (l = []));
        if (l[l.length - 1] !== i) l.push(i);
      }
    }
  }
  solv.obsoletesIndex = index;
}

function isObsoleting(solv: SolverState, s: number, pi: number): boolean {
  if (solv.pf.obsoleteusescolors && !solv.colormatch(pi, s)) return false;
  for (const obs of solv.pool.deps(s, 'obsoletes')) {
    for (const p of solv.providers(obs)) {
      if (p !== pi) continue;
      if (!solv.pf.obsoleteusesprovides && !solv.matchNevr(pi, obs)) continue;
      return true;
    }
  }
  return false;
}

/**
 * policy_findupdatepackages: candidates that may replace installed `s`. allowAll: 0 = obey the
 * downgrade/arch/vendor/name policy, 1 = anything goes (feature rules), 2 = dup policy.
 */
export function findUpdatePackages(solv: SolverState, s: number, allowAll: 0 | 1 | 2): number[] {
  // The allow-all answer is asked for twice per installed package (package and feature rules).
  if (allowAll === 1) {
    let r = solv.updatersAll.get(s);
    if (!r) solv.updatersAll.set(s, (r = computeUpdatePackages(solv, s, 1)));
    return r;
  }
  return computeUpdatePackages(solv, s, allowAll);
}

function computeUpdatePackages(solv: SolverState, s: number, allowAll: 0 | 1 | 2): number[] {
  const pool = solv.pool;
  const f = solv.flags;
  let allowdowngrade = allowAll ? true : f.allowdowngrade;
  let allownamechange = allowAll ? true : f.allownamechange;
  let allowarchchange = allowAll ? true : f.allowarchchange;
  let allowvendorchange = allowAll ? true : f.allowvendorchange;
  if (allowAll === 2) {
    allowdowngrade = f.dupallowdowngrade;
    allownamechange = f.dupallownamechange;
    allowarchchange = f.dupallowarchchange;
    allowvendorchange = f.dupallowvendorchange;
  }
  const qs: number[] = [];
  let haveprovobs = false;
  const name = pool.solvName[s];
  for (const p of solv.providersOfName(name)) {
    if (p === s) continue;
    if (solv.pf.whatprovideswithdisabled && !solv.isInstalled(p) && solv.isDisabled(p)) continue;
    if (pool.solvName[p] === name) {
      if (solv.pf.implicitobsoleteusescolors && !solv.colormatch(s, p)) continue;
      if (!allowdowngrade && solv.evrCmp(s, p) > 0) continue;
    } else if (!allownamechange) continue;
    else if ((!f.noupdateprovide || f.needupdateprovide) && pool.deps(p, 'obsoletes').length) {
      if (solv.pf.implicitobsoleteusescolors && !solv.colormatch(s, p)) continue;
      if (!isObsoleting(solv, p, s)) continue;
      haveprovobs = true;
    } else continue;
    if (!allowarchchange && pool.solvArch[s] !== pool.solvArch[p] && illegalArchChange(solv, s, p)) continue;
    if (!allowvendorchange && illegalVendorChange(solv, s, p)) continue;
    qs.push(p);
  }
  if (!allownamechange) return qs;
  if (f.needupdateprovide || (!f.noupdateprovide && haveprovobs)) return qs;
  for (const p of solv.obsoletesIndex?.get(s) ?? []) {
    if (solv.pf.implicitobsoleteusescolors && !solv.colormatch(s, p)) continue;
    if (!allowarchchange && pool.solvArch[s] !== pool.solvArch[p] && illegalArchChange(solv, s, p)) continue;
    if (!allowvendorchange && illegalVendorChange(solv, s, p)) continue;
    qs.push(p);
  }
  return qs;
}

// ---- small array helpers --------------------------------------------------------------------

export function replace(plist: number[], items: readonly number[]): void {
  plist.length = 0;
  for (const x of items) plist.push(x);
}

function filterInPlace(plist: number[], keep: (p: number) => boolean): void {
  let j = 0;
  for (let i = 0; i < plist.length; i++) if (keep(plist[i])) plist[j++] = plist[i];
  plist.length = j;
}
