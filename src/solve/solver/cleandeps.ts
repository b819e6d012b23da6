// Clean-deps (libsolv cleandeps.c): when a job erases (or replaces) installed packages with the
// CLEANDEPS flag, also erase the installed packages that only they needed, as dnf does with
// clean_requirements_on_remove. Two passes over the installed set: remove everything the erased
// packages could have pulled in, then add back what the remaining packages still require; what
// stays removed is the clean-deps set. "Mistakes" (a removed package that turns out to be still
// needed) are put back and the search restarts.
import { JOB_CLEANDEPS, JOB_ERASE, JOB_MASK, JOB_USERINSTALLED, SEL_ALL, SEL_REPO, SEL_SOLVABLE, SELECT_MASK } from './constants.ts';
import { updateRecommendsMap } from './policy.ts';
import { depPossible, jobSelect, reenableUpdateRuleFor } from './rules.ts';
import type { SolverState } from './state.ts';
import { SYSTEM_SOLVABLE } from '../pool/pool.ts';

/** Positive literals of the clauses of a rich dep whose negative (condition) literals hold in `m`. */
function complexCandidates(solv: SolverState, req: number, installedm: Uint8Array): number[][] {
  const out: number[][] = [];
  for (const clause of solv.pool.richCnf(req)) {
    let blocked = false;
    for (const l of clause) if (l < 0 && !installedm[-l]) blocked = true;
    if (!blocked) out.push(Array.from(clause));
  }
  return out;
}

/** Installed packages reachable from what installing `p` would replace. */
function obsoletedInstalled(solv: SolverState, p: number): number[] {
  const pool = solv.pool;
  const out: number[] = [];
  for (const q of solv.providersOfName(pool.solvName[p])) {
    if (!solv.isInstalled(q) || pool.solvName[q] !== pool.solvName[p]) continue;
    if (solv.pf.implicitobsoleteusescolors && !solv.colormatch(p, q)) continue;
    out.push(q);
  }
  for (const obs of pool.deps(p, 'obsoletes')) {
    for (const q of solv.providers(obs)) {
      if (!solv.isInstalled(q)) continue;
      if (!solv.pf.obsoleteusesprovides && !solv.matchNevr(q, obs)) continue;
      if (!out.includes(q)) out.push(q);
    }
  }
  return out;
}

export function createCleandepsMap(solv: SolverState, unneeded = false): Uint8Array {
  const inst = solv.installed;
  const pool = solv.pool;
  const n = solv.installedCount();
  const cleandepsmap = new Uint8Array(n);
  if (!inst || !n) return cleandepsmap;
  const userinstalled = new Uint8Array(n);
  const im = new Uint8Array(solv.nsolvables);
  const installedm = new Uint8Array(solv.nsolvables);
  const job = solv.job;
  for (let i = 0; i < job.length; i += 2) {
    if ((job[i] & JOB_MASK) !== JOB_USERINSTALLED) continue;
    const select = job[i] & SELECT_MASK;
    if (select === SEL_ALL || (select === SEL_REPO && pool.repos[job[i + 1] - 1]?.installed)) userinstalled.fill(1);
    for (const p of jobSelect(solv, select, job[i + 1])) if (solv.isInstalled(p)) userinstalled[p - inst.start] = 1;
  }
  // Positive job literals (locks, installs without cleandeps) count as user installed.
  for (let rid = solv.jobrules; rid < solv.jobrulesEnd; rid++) {
    const r = solv.rules[rid];
    if (r.d < 0) continue;
    if ((job[solv.ruletojob[rid - solv.jobrules]] & JOB_CLEANDEPS) === JOB_CLEANDEPS) continue;
    for (const p of solv.ruleLits(rid)) if (p > 0 && solv.isInstalled(p)) userinstalled[p - inst.start] = 1;
  }
  let iq: number[] = [];
  for (let rid = solv.jobrules; rid < solv.jobrulesEnd; rid++) {
    const r = solv.rules[rid];
    if (r.d < 0) continue;
    const how = job[solv.ruletojob[rid - solv.jobrules]];
    if (r.d === 0 && r.p < 0 && r.w2 === 0) {
      const p = -r.p;
      if (!solv.isInstalled(p)) continue;
      userinstalled[p - inst.start] = 0;
      if (unneeded) continue;
      if ((how & (JOB_MASK | JOB_CLEANDEPS)) === (JOB_ERASE | JOB_CLEANDEPS)) iq.push(p);
    } else if (r.p > 0) {
      if (unneeded || (how & JOB_CLEANDEPS) !== JOB_CLEANDEPS) continue;
      if (r.d === 0 && r.w2 === 0 && solv.isInstalled(r.p)) continue;
      const lits = solv.ruleLits(rid);
      if (solv.multiversion && !solv.flags.keepexplicitobsoletes && lits.some((p) => solv.isMultiversion(p))) continue;
      // Installed packages every candidate of the job would replace.
      let common: number[] | undefined;
      for (const p of lits) {
        if (p < 0) {
          common = [];
          break;
        }
        const obs = solv.isInstalled(p) ? [p] : obsoletedInstalled(solv, p);
        common = common === undefined ? obs : common.filter((x) => obs.includes(x));
        if (!common.length) break;
      }
      for (const p of common ?? []) if (!iq.includes(p)) iq.push(p);
    }
  }
  const iqcopy = [...iq];
  if (unneeded) iq = [];
  for (const p of iq) if (solv.isInstalled(p)) userinstalled[p - inst.start] = 0;
  for (let p = inst.start; p < inst.end; p++) if (solv.isDisabled(p)) userinstalled[p - inst.start] = 1;
  let updateSeeds: number[] = [];
  const updatepkgs = !unneeded && solv.cleandepsUpdatepkgs ? solv.cleandepsUpdatepkgs.filter((p) => solv.isInstalled(p)) : [];
  if (updatepkgs.length) {
    // find_update_seeds: the updated packages nothing else (installed, updated) needs.
    updateSeeds = filterUnneeded(solv, updatepkgs, true).filter((p) => !userinstalled[p - inst.start]);
    for (const p of updatepkgs) if (userinstalled[p - inst.start]) updateSeeds.push(p);
    for (const p of updatepkgs) {
      iq.push(p);
      userinstalled[p - inst.start] = 0;
    }
  }
  for (let p = inst.start; p < inst.end; p++) {
    installedm[p] = 1;
    if (unneeded && !userinstalled[p - inst.start]) continue;
    im[p] = 1;
  }
  installedm[SYSTEM_SOLVABLE] = 1;
  im[SYSTEM_SOLVABLE] = 1;

  // Remove pass.
  for (;;) {
    if (!iq.length) {
      if (unneeded) break;
      for (let ip = inst.start; ip < inst.end; ip++) {
        if (!im[ip] || userinstalled[ip - inst.start]) continue;
        const sups = pool.deps(ip, 'supplements');
        if (!sups.length) continue;
        if (sups.some((sup) => depPossible(solv, sup, im))) continue;
        if (sups.some((sup) => depPossible(solv, sup, installedm))) {
          // Pin the packages the supplements looked at (see libsolv's dep_pkgcheck).
          for (const sup of sups) for (const q of depPackages(solv, sup)) if (im[q] && solv.isInstalled(q)) userinstalled[q - inst.start] = 1;
          iq.push(ip);
        }
      }
      if (!iq.length) break;
    }
    const ip = iq.shift() as number;
    if (!im[ip] || !installedm[ip]) continue;
    if (solv.isInstalled(ip) && userinstalled[ip - inst.start]) continue;
    im[ip] = 0;
    for (const kind of ['requires', 'recommends'] as const) {
      for (const req of pool.deps(ip, kind)) {
        if (solv.isComplexDep(req)) {
          for (const clause of complexCandidates(solv, req, installedm)) for (const p of clause) if (p > 0 && p !== SYSTEM_SOLVABLE && im[p]) iq.push(p);
          continue;
        }
        for (const p of solv.providers(req)) if (p !== SYSTEM_SOLVABLE && im[p]) iq.push(p);
      }
    }
  }

  // Add-back pass: what the kept packages (and the jobs) still need.
  userinstalled.fill(0);
  for (let rid = solv.jobrules; rid < solv.jobrulesEnd; rid++) {
    const r = solv.rules[rid];
    if (r.p >= 0 || r.d !== 0 || r.w2 !== 0) continue;
    const p = -r.p;
    im[p] = 0;
    if (solv.isInstalled(p)) userinstalled[p - inst.start] = 1;
  }
  for (const p of updatepkgs) userinstalled[p - inst.start] = 1;
  im[SYSTEM_SOLVABLE] = 1;
  iq = [];
  for (let p = inst.start; p < inst.end; p++) if (im[p]) iq.push(p);
  for (let rid = solv.jobrules; rid < solv.jobrulesEnd; rid++) {
    if (solv.rules[rid].d < 0) continue;
    for (const p of solv.ruleLits(rid)) if (p > 0) iq.push(p);
  }
  for (let i = 0; i < job.length; i += 2) {
    if ((job[i] & JOB_MASK) === JOB_USERINSTALLED && (job[i] & SELECT_MASK) === SEL_SOLVABLE && !solv.isInstalled(job[i + 1])) iq.push(job[i + 1]);
  }
  const addBack = (ip: number, p: number): void => {
    if (im[p] || !installedm[p] || p === ip) return;
    if (solv.isInstalled(p) && userinstalled[p - inst.start]) return;
    im[p] = 1;
    iq.push(p);
  };
  for (;;) {
    if (!iq.length) {
      for (let ip = inst.start; ip < inst.end; ip++) {
        if (userinstalled[ip - inst.start] || im[ip]) continue;
        const sups = pool.deps(ip, 'supplements');
        if (!sups.length) continue;
        if (sups.some((sup) => depPossible(solv, sup, im))) {
          im[ip] = 1;
          iq.push(ip);
        }
      }
      if (!iq.length) break;
    }
    const ip = iq.shift() as number;
    if (solv.isInstalled(ip) && solv.pf.implicitobsoleteusescolors) {
      // Keep multilib lock-step: a kept inferior-arch package keeps its best-arch twin.
      let bestscore = 0;
      for (const p of solv.providersOfName(pool.solvName[ip])) {
        if (pool.solvName[p] !== pool.solvName[ip] || solv.isInstalled(p)) continue;
        const a = solv.archScore(p);
        if (a && a !== 1 && (!bestscore || a < bestscore)) bestscore = a;
      }
      if (bestscore && solv.archScore(ip) !== bestscore) {
        for (const p of solv.providersOfName(pool.solvName[ip])) {
          if (solv.isInstalled(p) && pool.solvName[p] === pool.solvName[ip] && pool.solvEvr[p] === pool.solvEvr[ip] && pool.solvArch[p] !== pool.solvArch[ip] && solv.archScore(p) === bestscore && !im[p]) {
            im[p] = 1;
            iq.push(p);
          }
        }
      }
    }
    for (const kind of ['requires', 'recommends'] as const) {
      for (const req of pool.deps(ip, kind)) {
        if (solv.isComplexDep(req)) {
          for (const clause of complexCandidates(solv, req, installedm)) {
            if (clause.includes(ip)) continue;
            for (const p of clause) if (p > 0) addBack(ip, p);
          }
          continue;
        }
        const provs = solv.providers(req);
        if (provs.includes(ip)) continue;
        for (const p of provs) addBack(ip, p);
      }
    }
  }
  for (const p of updateSeeds) im[p] = 1;
  for (const p of solv.cleandepsMistakes) im[p] = 1;
  for (const p of iqcopy) im[p] = 1;
  for (let p = inst.start; p < inst.end; p++) {
    if (solv.isDisabled(p)) continue;
    if (!im[p]) cleandepsmap[p - inst.start] = 1;
  }
  return cleandepsmap;
}

function depPackages(solv: SolverState, dep: number): number[] {
  if (solv.isComplexDep(dep)) return solv.pool.richCnf(dep).flatMap((c) => Array.from(c).filter((l) => l > 0));
  return Array.from(solv.providers(dep));
}

function ruleTrue(solv: SolverState, rid: number): boolean {
  for (const p of solv.ruleLits(rid)) if (p > 0 && solv.decisionmap[p] > 0) return true;
  return false;
}

/** solver_check_cleandeps_mistakes: clean-deps erased something still needed → put it back. */
export function checkCleandepsMistakes(solv: SolverState): boolean {
  const inst = solv.installed;
  const cm = solv.cleandepsmap;
  if (!inst || !cm) return false;
  const pool = solv.pool;
  let mistake = false;
  const addMistake = (p: number): void => {
    solv.cleandepsMistakes.push(p);
    cm[p - inst.start] = 0;
    reenableUpdateRuleFor(solv, p);
    mistake = true;
  };
  updateRecommendsMap(solv);
  for (let i = inst.start; i < inst.end; i++) {
    if (solv.decisionmap[i] > 0) {
      for (const req of pool.deps(i, 'requires')) {
        for (const p2 of solv.providers(req)) {
          if (!solv.isInstalled(p2) || p2 === i || solv.decisionmap[p2] > 0) continue;
          if (!cm[p2 - inst.start]) continue;
          addMistake(p2);
        }
      }
    }
    if (!cm[i - inst.start]) continue;
    let fr = solv.featurerules + (i - inst.start);
    if (!solv.rules[fr].p) fr = solv.updaterules + (i - inst.start);
    if (!solv.rules[fr].p) continue;
    if (!ruleTrue(solv, fr)) {
      if (!solv.recommendsmap[i] && !solv.isSupplementing(i)) continue;
    } else {
      const ur = solv.updaterules + (i - inst.start);
      if (!solv.rules[ur].p || ur === fr || ruleTrue(solv, ur)) {
        let bad = false;
        for (let j = solv.bestrulesUp - solv.bestrules; j < solv.bestrulesEnd - solv.bestrules; j++) {
          if (solv.bestrulesInfo[j] === i && !ruleTrue(solv, solv.bestrules + j)) bad = true;
        }
        if (!bad) continue;
      }
    }
    addMistake(i);
  }
  return mistake;
}

/** solver_get_cleandeps: installed packages erased only because of clean-deps. */
export function getCleandeps(solv: SolverState): number[] {
  const inst = solv.installed;
  const cm = solv.cleandepsmap;
  const out: number[] = [];
  if (!inst || !cm) return out;
  for (let p = inst.start; p < inst.end; p++) {
    if (!cm[p - inst.start] || solv.decisionmap[p] >= 0) continue;
    const ur = solv.updaterules + (p - inst.start);
    if (solv.rules[ur].p && solv.ruleLits(ur).some((q) => solv.decisionmap[q] > 0)) continue;
    out.push(p);
  }
  return out;
}

/**
 * filter_unneeded: keep the packages of `list` that no other package of `list` needs — those whose
 * strongly connected component has no incoming requires/recommends/supplements edge — then again
 * on recommends/supplements edges alone. With `justone`, only deps with a single installed
 * provider make edges.
 */
export function filterUnneeded(solv: SolverState, list: readonly number[], justone: boolean): number[] {
  const n = list.length;
  if (n < 2) return [...list];
  const pool = solv.pool;
  const index = new Map<number, number>();
  list.forEach((p, i) => index.set(p, i));
  const reqEdges: number[][] = list.map(() => []);
  const weakEdges: number[][] = list.map(() => []);
  const installedm = new Uint8Array(solv.nsolvables);
  const inst = solv.installed;
  if (inst) for (let p = inst.start; p < inst.end; p++) installedm[p] = 1;
  list.forEach((s, i) => {
    (['requires', 'recommends'] as const).forEach((kind) => {
      const target = kind === 'requires' ? reqEdges[i] : weakEdges[i];
      for (const dep of pool.deps(s, kind)) {
        const provs = solv.isComplexDep(dep) ? complexCandidates(solv, dep, installedm).flat().filter((p) => p > 0) : Array.from(solv.providers(dep));
        if (justone && !solv.isComplexDep(dep)) {
          const c = provs.filter((p) => p !== s && solv.isInstalled(p)).length;
          if (c !== 1) continue;
        }
        for (const p of provs) {
          const j = index.get(p);
          if (p === s || j === undefined || target.includes(j)) continue;
          target.push(j);
        }
      }
    });
    for (const sup of pool.deps(s, 'supplements')) {
      if (!depPossible(solv, sup, installedm)) continue;
      const pk = depPackages(solv, sup);
      if (justone && pk.length !== 1) continue;
      for (const p of pk) {
        const j = index.get(p);
        if (p === s || j === undefined) continue;
        if (!weakEdges[j].includes(i)) weakEdges[j].push(i);
      }
    }
  });
  let keep = new Array<boolean>(n).fill(true);
  for (const pass of [0, 1]) {
    const adj = list.map((_, i) => (pass === 0 ? [...reqEdges[i], ...weakEdges[i]] : weakEdges[i]).filter((j) => keep[j]));
    const comp = sccs(adj, keep);
    const hasIncoming = new Set<number>();
    for (let i = 0; i < n; i++) {
      if (!keep[i]) continue;
      for (const j of adj[i]) if (comp[i] !== comp[j]) hasIncoming.add(comp[j]);
    }
    keep = keep.map((k, i) => k && !hasIncoming.has(comp[i]));
  }
  return list.filter((_, i) => keep[i]);
}

/** Strongly connected component id of each active node (iterative Tarjan). */
function sccs(adj: number[][], active: boolean[]): number[] {
  const n = adj.length;
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const comp = new Array<number>(n).fill(-1);
  const stack: number[] = [];
  let idx = 0;
  let ncomp = 0;
  for (let root = 0; root < n; root++) {
    if (!active[root] || index[root] >= 0) continue;
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = idx++;
    stack.push(root);
    onStack[root] = true;
    while (work.length) {
      const top = work[work.length - 1];
      const [v, ei] = top;
      if (ei < adj[v].length) {
        top[1]++;
        const w = adj[v][ei];
        if (!active[w]) continue;
        if (index[w] < 0) {
          index[w] = low[w] = idx++;
          stack.push(w);
          onStack[w] = true;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      work.pop();
      if (work.length) low[work[work.length - 1][0]] = Math.min(low[work[work.length - 1][0]], low[v]);
      if (low[v] === index[v]) {
        for (;;) {
          const w = stack.pop() as number;
          onStack[w] = false;
          comp[w] = ncomp;
          if (w === v) break;
        }
        ncomp++;
      }
    }
  }
  return comp;
}
