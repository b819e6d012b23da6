// A dnf-style request (install / erase / upgrade / distro-sync package names) solved over
// repositories and an installed set, with dnf5's defaults: best candidates (forcebest), weak deps
// on, vendor changes allowed, multilib by colour, installonly packages side by side.
import type { RepoPackage } from '../repo/model.ts';
import { poolFromRepositories, type RepositoryForPool } from './pool/load.ts';
import type { Pool } from './pool/pool.ts';
import type { SnapshotRecord } from './pool/snapshot.ts';
import {
  JOB_CLEANDEPS,
  JOB_DISTUPGRADE,
  JOB_ERASE,
  JOB_FORCEBEST,
  JOB_INSTALL,
  JOB_LOCK,
  JOB_MULTIVERSION,
  JOB_SETARCH,
  JOB_SETEVR,
  JOB_UPDATE,
  SEL_ALL,
  SEL_NAME,
  SEL_ONE_OF,
  SEL_PROVIDES,
  SEL_SOLVABLE,
  type TransactionType,
} from './solver/constants.ts';
import { solverProblems, problemRuleText, ruleInfo, type ProblemNaming } from './solver/problems.ts';
import { Solver } from './solver/solver.ts';
import { createTransaction } from './solver/transaction.ts';
import { formatLoops, orderTransaction, poolTransaction } from './order/index.ts';

export type RequestAction = 'install' | 'erase' | 'upgrade' | 'distro-sync';

export interface SolveRequest {
  repos: readonly RepositoryForPool[];
  installed?: readonly RepoPackage[];
  /** System arch (x86_64, aarch64, …). */
  arch: string;
  action: RequestAction;
  /** Package names, provides or file paths; empty for `upgrade` / `distro-sync` means everything. */
  names: readonly string[];
  /** dnf's best=True (default): only the best candidates may be installed. */
  best?: boolean;
  /** install_weak_deps (default true). */
  weakDeps?: boolean;
  /** dnf --allowerasing / remove: installed packages may be removed to resolve the request. */
  allowErasing?: boolean;
  /** Names never to be installed (dnf excludes). */
  excludes?: readonly string[];
  /** Names that keep their installed version (dnf versionlock-like locks). */
  locks?: readonly string[];
  /** installonlypkgs: provides whose packages are installed side by side (kernels). */
  installonly?: readonly string[];
  /** Also compute the order rpm would run the transaction in. */
  order?: boolean;
  /** erase: also erase what only the erased packages needed (libsolv clean-deps). */
  cleanDeps?: boolean;
  /** dnf's installonly_limit (default 3; 0 = no limit). */
  installonlyLimit?: number;
}

export interface TransactionItem {
  action: TransactionType;
  /** `name-[epoch:]version-release.arch` of the package installed, or of the one removed. */
  nevra: string;
  repo: string;
  /** For upgrade/downgrade/reinstall: the installed package being replaced. */
  replaces?: string;
}

export interface SolveOutcome {
  transaction: TransactionItem[];
  /** With `order`: `install NEVRA` / `erase NEVRA` in rpm's order, and the loops it had to break. */
  order?: { steps: string[]; loops: string[] };
  problems: { text: string; rules: string[]; solutions: string[] }[];
  timings: { pool: number; solve: number };
}

/** dnf's default installonlypkgs. */
export const DEFAULT_INSTALLONLY = [
  'kernel',
  'kernel-core',
  'kernel-modules',
  'kernel-modules-core',
  'kernel-devel',
  'installonlypkg(kernel)',
  'installonlypkg(kernel-module)',
  'installonlypkg(vm)',
  'multiversion(kernel)',
];

export class RequestError extends Error {}

function nevraOf(pool: Pool<SnapshotRecord>, s: number): string {
  const r = pool.record(s);
  if (!r) return pool.nevra(s);
  const e = r.epoch && r.epoch !== '0' ? `${r.epoch}:` : '';
  return `${r.name}-${e}${r.version}-${r.release}.${r.arch}`;
}

/**
 * What dnf installs for a name (dnf base.install, obsoletes=True): the packages of that name plus
 * the available packages that obsolete one of them ("b is obsoleted by v, trying to install v").
 */
function installCandidates(pool: Pool<SnapshotRecord>, arg: string, obsoleters: () => number[]): number[] | undefined {
  const dep = pool.table.parseDep(arg);
  const name = pool.strings.str(pool.table.name[dep]);
  const named = Array.from(pool.packagesNamed(name)).filter(
    (s) => pool.isInstallable(s) && !pool.isInstalled(s) && (pool.table.flags[dep] === 0 || pool.matchesNevr(s, dep)),
  );
  if (!named.length) return undefined;
  const out = new Set(named);
  for (const s of obsoleters()) if (named.some((t) => pool.obsoletesMatch(s, t))) out.add(s);
  return [...out].sort((a, b) => a - b);
}

/** Available installable packages that obsolete something (few), computed once per request. */
function obsoletersOf(pool: Pool<SnapshotRecord>): () => number[] {
  let list: number[] | undefined;
  return () => {
    if (!list) {
      list = [];
      for (let s = 2; s < pool.nsolvables; s++) if (pool.deps(s, 'obsoletes').length && !pool.isInstalled(s) && pool.isInstallable(s)) list.push(s);
    }
    return list;
  };
}

/** Installed installonly packages beyond `limit` versions per name after the solve: the oldest. */
function installonlyExcess(solver: Solver, installonly: readonly string[], limit: number): { erase: number[]; keepNew: number[] } {
  const pool = solver.pool;
  const isInstallonly = new Set<number>();
  for (const dep of installonly) for (const s of pool.whatProvides(pool.table.parseDep(dep))) isInstallonly.add(s);
  const byName = new Map<number, number[]>();
  for (const s of isInstallonly) {
    if (solver.decisionmap[s] <= 0) continue;
    let l = byName.get(pool.solvName[s]);
    if (!l) byName.set(pool.solvName[s], (l = []));
    l.push(s);
  }
  const erase: number[] = [];
  const keepNew: number[] = [];
  for (const kept of byName.values()) {
    if (kept.length <= limit) continue;
    kept.sort((a, b) => pool.evrCompare(a, b));
    for (const s of kept.slice(0, kept.length - limit)) if (pool.isInstalled(s)) erase.push(s);
    for (const s of kept.slice(kept.length - limit)) if (!pool.isInstalled(s)) keepNew.push(s);
  }
  return { erase, keepNew };
}

/** A name as dnf resolves an argument: package name if any package has it, else a provide/file. */
function selectionFor(pool: Pool<SnapshotRecord>, arg: string): [number, number] {
  const dep = pool.table.parseDep(arg);
  if (pool.table.flags[dep] === 0 && pool.packagesNamed(arg).length) return [SEL_NAME, dep];
  if (pool.table.flags[dep] !== 0) {
    const name = pool.strings.str(pool.table.name[dep]);
    if (pool.packagesNamed(name).length) return [SEL_NAME, dep];
  }
  return [SEL_PROVIDES, dep];
}

export function solveRequest(req: SolveRequest): SolveOutcome {
  const t0 = performance.now();
  const pool = poolFromRepositories(req.repos, req.installed ? [...req.installed] : undefined, { arch: req.arch });
  let disabled: Uint8Array | undefined;
  if (req.excludes?.length) {
    disabled = new Uint8Array(pool.nsolvables);
    for (const n of req.excludes) for (const s of pool.packagesNamed(n)) if (!pool.isInstalled(s)) disabled[s] = 1;
  }
  const newSolver = (): Solver => new Solver({
    pool,
    flags: {
      ignorerecommended: req.weakDeps === false,
      allowvendorchange: true,
      allowuninstall: req.allowErasing === true || req.action === 'erase',
      yumobsoletes: true,
      bestobeypolicy: true,
      keepexplicitobsoletes: true,
    },
    poolFlags: { implicitobsoleteusescolors: true },
    vendor: (s) => pool.record(s)?.vendor || undefined,
    buildtime: (s) => pool.record(s)?.buildTime || undefined,
    disabled,
  });
  let solver = newSolver();
  const best = req.best !== false ? JOB_FORCEBEST : 0;
  const job: number[] = [];
  for (const io of req.installonly ?? DEFAULT_INSTALLONLY) job.push(JOB_MULTIVERSION | SEL_PROVIDES, pool.table.parseDep(io));
  for (const l of req.locks ?? []) job.push(JOB_LOCK | SEL_NAME, pool.table.parseDep(l));
  switch (req.action) {
    case 'install': {
      if (!req.names.length) throw new RequestError('install: no package names given');
      const obsoleters = obsoletersOf(pool);
      for (const n of req.names) {
        // As libdnf: a name becomes the set of matching packages (plus their obsoleters), and
        // installing specific packages sets their arch and version (infarch rules step aside).
        const candidates = installCandidates(pool, n, obsoleters);
        if (candidates) {
          job.push(JOB_INSTALL | SEL_ONE_OF | JOB_SETARCH | JOB_SETEVR | best, solver.store.add(candidates));
          continue;
        }
        const [sel, what] = selectionFor(pool, n);
        job.push(JOB_INSTALL | sel | best, what);
      }
      break;
    }
    case 'erase':
      if (!req.names.length) throw new RequestError('erase: no package names given');
      for (const n of req.names) {
        const [sel, what] = selectionFor(pool, n);
        job.push(JOB_ERASE | sel | (req.cleanDeps ? JOB_CLEANDEPS : 0), what);
      }
      break;
    case 'upgrade':
      if (!req.names.length) job.push(JOB_UPDATE | SEL_ALL | best, 0);
      for (const n of req.names) {
        const [sel, what] = selectionFor(pool, n);
        job.push(JOB_UPDATE | sel | best, what);
      }
      break;
    case 'distro-sync':
      if (!req.names.length) job.push(JOB_DISTUPGRADE | SEL_ALL | best, 0);
      for (const n of req.names) {
        const [sel, what] = selectionFor(pool, n);
        job.push(JOB_DISTUPGRADE | sel | best, what);
      }
      break;
  }
  const t1 = performance.now();
  solver.solve(job);
  // installonly_limit, as libdnf applies it: when more versions of an installonly package would be
  // installed than the limit, erase the oldest installed ones and solve again.
  const limit = req.installonlyLimit ?? 3;
  if (limit > 0 && pool.installedRepo >= 0 && !solver.problemRanges().length) {
    const { erase, keepNew } = installonlyExcess(solver, req.installonly ?? DEFAULT_INSTALLONLY, limit);
    if (erase.length) {
      // The new versions become explicit installs: an erase of one version would otherwise also
      // forbid the other not-installed versions of that name (libsolv's erase semantics).
      for (const p of keepNew) job.push(JOB_INSTALL | SEL_SOLVABLE, p);
      for (const p of erase) job.push(JOB_ERASE | SEL_SOLVABLE, p);
      solver = newSolver();
      solver.solve(job);
    }
  }
  const t2 = performance.now();
  const repoOf = (s: number): string => pool.repoOf(s)?.id ?? '';
  const trans = createTransaction(solver);
  const transaction: TransactionItem[] = [];
  for (const step of trans.classified) {
    if (pool.isInstalled(step.p) && step.replacedBy !== undefined) {
      const r = step.replacedBy;
      transaction.push({ action: step.type, nevra: nevraOf(pool, r), repo: repoOf(r), replaces: nevraOf(pool, step.p) });
    } else transaction.push({ action: step.type, nevra: nevraOf(pool, step.p), repo: repoOf(step.p) });
  }
  let order: SolveOutcome['order'];
  if (req.order) {
    const install = trans.steps.filter((p) => !pool.isInstalled(p));
    const erase = trans.steps.filter((p) => pool.isInstalled(p));
    const elements = poolTransaction(pool, install, erase);
    const result = orderTransaction(elements);
    order = { steps: result.order.map((e) => `${e.type} ${e.nevra}`), loops: formatLoops(result, elements) };
  }
  const naming: ProblemNaming = {
    full: (p) => `${nevraOf(pool, p)}@${repoOf(p)}`,
    plain: (p) => nevraOf(pool, p),
    dep: (d) => pool.depToString(d),
    job: (how, what) => `${how.toString(16)} ${what}`,
  };
  const problems = solverProblems(solver).map((p) => ({
    text: problemRuleText(solver, ruleInfo(solver, p.rule), naming),
    // Every rule involved, as dnf5 lists them under a problem.
    rules: [...new Set(p.allRules.filter((r) => r < solver.learntrules).map((r) => problemRuleText(solver, ruleInfo(solver, r), naming)))],
    solutions: p.solutions.map((s) =>
      s.elements
        .map((e) => {
          if (e.p === 0) return 'do not ask for it';
          if (e.p > 0 && e.rp === 0) return `remove ${naming.plain(e.p)}`;
          if (e.p > 0) return `replace ${naming.plain(e.p)} with ${naming.plain(e.rp)}`;
          return `allow ${naming.plain(e.rp)}`;
        })
        .join(', '),
    ),
  }));
  return { transaction, problems, ...(order ? { order } : {}), timings: { pool: t1 - t0, solve: t2 - t1 } };
}
