// From the solver's decisions to a transaction (libsolv transaction.c): which packages are
// installed or erased, and for each erased installed package which new package replaces it, so
// the change reads as upgrade / downgrade / reinstall / change / obsoleted, as dnf and testsolv
// show it.
import type { TransactionType } from './constants.ts';
import type { SolverState } from './state.ts';
import { SYSTEM_SOLVABLE } from '../pool/pool.ts';

export interface TransactionStep {
  type: TransactionType;
  /** The package the line is about: the installed one for upgrade/erase…, the new one for install. */
  p: number;
  /** For replacements: the package replacing `p`. */
  replacedBy?: number;
}

export interface Transaction {
  /** Solvables that change: new packages to install, installed packages to erase. */
  steps: number[];
  classified: TransactionStep[];
  /** Installed → its (best) replacement. */
  obsoletedBy: Map<number, number>;
  /** New → the installed packages it replaces. */
  replaces: Map<number, number[]>;
}

export function createTransaction(solv: SolverState): Transaction {
  const pool = solv.pool;
  const transacts = new Uint8Array(solv.nsolvables);
  for (const p of solv.decisionq) {
    const s = p > 0 ? p : -p;
    if (s === SYSTEM_SOLVABLE || pool.solvRepo[s] < 0) continue;
    if (solv.isInstalled(s) && p < 0) transacts[s] = 1;
    if (!solv.isInstalled(s) && p > 0) transacts[s] = 1;
  }
  const pairs: [number, number][] = [];
  if (solv.installed) {
    for (const p of solv.decisionq) {
      if (p <= 0 || p === SYSTEM_SOLVABLE || solv.isInstalled(p) || !transacts[p]) continue;
      const multi = solv.isMultiversion(p);
      for (const p2 of solv.providersOfName(pool.solvName[p])) {
        if (!transacts[p2] || !solv.isInstalled(p2)) continue;
        if (multi && (pool.solvName[p] !== pool.solvName[p2] || pool.solvEvr[p] !== pool.solvEvr[p2] || pool.solvArch[p] !== pool.solvArch[p2])) continue;
        if (!solv.pf.implicitobsoleteusesprovides && pool.solvName[p] !== pool.solvName[p2]) continue;
        if (solv.pf.implicitobsoleteusescolors && !solv.colormatch(p, p2)) continue;
        pairs.push([p, p2]);
      }
      if (!multi) {
        for (const obs of pool.deps(p, 'obsoletes')) {
          for (const p2 of solv.providers(obs)) {
            if (!transacts[p2] || !solv.isInstalled(p2)) continue;
            if (!solv.pf.obsoleteusesprovides && !solv.matchNevr(p2, obs)) continue;
            if (solv.pf.obsoleteusescolors && !solv.colormatch(p, p2)) continue;
            pairs.push([p, p2]);
          }
        }
      }
    }
  }
  // obsq_sortcmp on (new, installed) pairs: by new package, then same-name replaced packages
  // first, then by name, highest version, same arch.
  const cmp = (a: [number, number], b: [number, number]): number => {
    if (a[0] !== b[0]) return a[0] - b[0];
    return obsCmp(solv, a[0], a[1], b[1]);
  };
  pairs.sort(cmp);
  const uniq: [number, number][] = [];
  for (const x of pairs) {
    const l = uniq[uniq.length - 1];
    if (!l || l[0] !== x[0] || l[1] !== x[1]) uniq.push(x);
  }
  const replaces = new Map<number, number[]>();
  const obsoletedBy = new Map<number, number>();
  const multiObs = new Set<number>();
  for (const [p, p2] of uniq) {
    let l = replaces.get(p);
    if (!l) replaces.set(p, (l = []));
    l.push(p2);
    const cur = obsoletedBy.get(p2);
    if (cur === undefined) obsoletedBy.set(p2, p);
    else {
      multiObs.add(p2);
      // Keep the "best" obsoleter of p2 (obsq_sortcmp with p2 as the reference).
      if (obsCmp(solv, p2, p, cur) < 0) obsoletedBy.set(p2, p);
    }
  }
  const steps: number[] = [];
  if (solv.installed) for (let p = solv.installed.start; p < solv.installed.end; p++) if (transacts[p]) steps.push(p);
  for (const p of solv.decisionq) if (p > 0 && transacts[p] && !solv.isInstalled(p)) steps.push(p);
  const classified: TransactionStep[] = [];
  for (const p of steps) {
    const t = classify(solv, p, obsoletedBy, replaces, multiObs);
    if (t) classified.push(t);
  }
  return { steps, classified, obsoletedBy, replaces };
}

/** Order two obsoleters `oa`, `ob` of installed `s`: same name first, newer first, same arch. */
function obsCmp(solv: SolverState, s: number, oa: number, ob: number): number {
  const pool = solv.pool;
  if (oa === ob) return 0;
  if (pool.solvName[oa] !== pool.solvName[ob]) {
    if (pool.solvName[oa] === pool.solvName[s]) return -1;
    if (pool.solvName[ob] === pool.solvName[s]) return 1;
    const na = pool.name(oa);
    const nb = pool.name(ob);
    return na < nb ? -1 : na > nb ? 1 : 0;
  }
  const r = solv.evrCmp(oa, ob);
  if (r) return -r;
  if (pool.solvArch[oa] !== pool.solvArch[ob]) {
    if (pool.solvArch[oa] === pool.solvArch[s]) return -1;
    if (pool.solvArch[ob] === pool.solvArch[s]) return 1;
  }
  return oa - ob;
}

/** transaction_type with libsolv's default show mode (passive side of replacements). */
function classify(
  solv: SolverState,
  p: number,
  obsoletedBy: Map<number, number>,
  replaces: Map<number, number[]>,
  multiObs: Set<number>,
): TransactionStep | undefined {
  const pool = solv.pool;
  if (solv.isInstalled(p)) {
    const p2 = obsoletedBy.get(p);
    if (p2 === undefined) return { type: 'erase', p };
    if (pool.solvName[p] === pool.solvName[p2]) {
      if (pool.solvEvr[p] === pool.solvEvr[p2] && solv.identical(p, p2)) return { type: 'reinstall', p, replacedBy: p2 };
      const r = solv.evrCmp(p, p2);
      const type = r < 0 ? 'upgrade' : r > 0 ? 'downgrade' : 'change';
      return { type, p, replacedBy: p2 };
    }
    // Obsoleted by another name: shown as an erase (SHOW_OBSOLETES is off).
    return { type: 'erase', p };
  }
  const multi = solv.isMultiversion(p);
  const olist = replaces.get(p);
  if (multi) {
    const p2 = olist?.[0];
    const same = p2 !== undefined && pool.solvName[p] === pool.solvName[p2] && pool.solvArch[p] === pool.solvArch[p2] && pool.solvEvr[p] === pool.solvEvr[p2];
    if (!same) return { type: 'install', p };
    // A multiversion reinstall shows on the installed package's line when that one points back.
    if (obsoletedBy.get(p2) === p) return undefined;
    return { type: 'reinstall', p };
  }
  if (!olist || !olist.length) return { type: 'install', p };
  // A replacement: shown on the installed package's line, unless no installed package points back.
  const q = olist[0];
  if (pool.solvName[q] !== pool.solvName[p]) return { type: 'install', p };
  if (obsoletedBy.get(q) === p) return undefined;
  for (const q2 of olist) {
    if (pool.solvName[q2] !== pool.solvName[p]) continue;
    if (obsoletedBy.get(q2) === p) return undefined;
  }
  void multiObs;
  return { type: 'install', p };
}
