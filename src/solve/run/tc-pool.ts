// A testcase's repos, flags and jobs as Strata's pool, solver flags and job queue, and the
// testcase spellings of packages, dependencies and jobs (testcase_solvid2str, testcase_job2str).
import { formatRich } from '../../rpm/richdep.ts';
import type { RepoDep, RepoDepFlags } from '../../repo/model.ts';
import { Pool, type PoolPackage, type PoolRepoInput } from '../pool/pool.ts';
import {
  JOB_ALLOWUNINSTALL,
  JOB_BLACKLIST,
  JOB_CLEANDEPS,
  JOB_DISFAVOR,
  JOB_DISTUPGRADE,
  JOB_DROP_ORPHANED,
  JOB_ERASE,
  JOB_ESSENTIAL,
  JOB_EXCLUDEFROMWEAK,
  JOB_FAVOR,
  JOB_FORCEBEST,
  JOB_INSTALL,
  JOB_LOCK,
  JOB_MULTIVERSION,
  JOB_NOAUTOSET,
  JOB_NOOP,
  JOB_NOTBYUSER,
  JOB_ORUPDATE,
  JOB_SETARCH,
  JOB_SETEV,
  JOB_SETEVR,
  JOB_SETREPO,
  JOB_SETVENDOR,
  JOB_TARGETED,
  JOB_UPDATE,
  JOB_USERINSTALLED,
  JOB_VERIFY,
  JOB_WEAK,
  JOB_WEAKENDEPS,
  SEL_ALL,
  SEL_NAME,
  SEL_ONE_OF,
  SEL_PROVIDES,
  SEL_REPO,
  SEL_SOLVABLE,
} from '../solver/constants.ts';
import type { Solver } from '../solver/solver.ts';
import type { RichExpr } from '../../rpm/richdep.ts';
import { selectionToJobs } from './selection.ts';
import type { PoolFlags, SolverFlags } from '../solver/state.ts';
import { defaultSolverFlags } from '../solver/state.ts';
import { formatDep, formatSolvable, REL, SOLVER_FLAG_DEFAULTS, toRichExpr } from '../testcase/index.ts';
import type { TcDep, TcJob, TcPackage, TcPart, TcRepo, TcSelect, Testcase } from '../testcase/index.ts';

export class UnsupportedTestcase extends Error {}

export const JOB_ACTION: Record<string, number> = {
  noop: JOB_NOOP,
  install: JOB_INSTALL,
  erase: JOB_ERASE,
  update: JOB_UPDATE,
  weakendeps: JOB_WEAKENDEPS,
  multiversion: JOB_MULTIVERSION,
  noobsoletes: JOB_MULTIVERSION,
  lock: JOB_LOCK,
  distupgrade: JOB_DISTUPGRADE,
  verify: JOB_VERIFY,
  droporphaned: JOB_DROP_ORPHANED,
  userinstalled: JOB_USERINSTALLED,
  allowuninstall: JOB_ALLOWUNINSTALL,
  favor: JOB_FAVOR,
  disfavor: JOB_DISFAVOR,
  blacklist: JOB_BLACKLIST,
  excludefromweak: JOB_EXCLUDEFROMWEAK,
};

export const JOB_FLAG: Record<string, number> = {
  weak: JOB_WEAK,
  essential: JOB_ESSENTIAL,
  cleandeps: JOB_CLEANDEPS,
  orupdate: JOB_ORUPDATE,
  forcebest: JOB_FORCEBEST,
  targeted: JOB_TARGETED,
  notbyuser: JOB_NOTBYUSER,
  setev: JOB_SETEV,
  setevr: JOB_SETEVR,
  setarch: JOB_SETARCH,
  setvendor: JOB_SETVENDOR,
  setrepo: JOB_SETREPO,
  noautoset: JOB_NOAUTOSET,
};

const SENSE: Record<number, RepoDepFlags> = { 1: 'GT', 2: 'EQ', 3: 'GE', 4: 'LT', 6: 'LE' };

export interface TcPoolPackage extends PoolPackage {
  tc: TcPackage;
  repo: TcRepo;
}

export function splitEvr(evr: string): { epoch?: string; ver: string; rel?: string } {
  let rest = evr;
  let epoch: string | undefined;
  const colon = rest.indexOf(':');
  if (colon > 0 && /^\d+$/.test(rest.slice(0, colon))) {
    epoch = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  if (dash >= 0) return { epoch, ver: rest.slice(0, dash), rel: rest.slice(dash + 1) };
  return { epoch, ver: rest };
}

/** A testcase dependency as an rpm-md entry (plain, versioned, or rich as rpm writes it). */
export function tcDepToRepoDep(dep: TcDep): RepoDep {
  if (dep.kind === 'name') return { name: dep.name };
  if (dep.kind === 'rel' && dep.flags > 0 && dep.flags < 8 && dep.name.kind === 'name' && dep.evr.kind === 'name') {
    const flags = SENSE[dep.flags];
    if (!flags) throw new UnsupportedTestcase(`dependency operator in ${formatDep(dep)}`);
    const e = splitEvr(dep.evr.name);
    return { name: dep.name.name, flags, epoch: e.epoch, ver: e.ver, rel: e.rel };
  }
  if (dep.kind === 'rel' && dep.flags === REL.NAMESPACE) throw new UnsupportedTestcase(`namespace dependency ${formatDep(dep)}`);
  const rich = toRichExpr(dep);
  if (!rich) throw new UnsupportedTestcase(`dependency ${formatDep(dep)}`);
  const text = formatRich(rich);
  return { name: text.startsWith('(') ? text : `(${text})` };
}

export function toPoolPackage(pkg: TcPackage, repo: TcRepo): TcPoolPackage {
  const conv = (list: { dep: TcDep }[], pre = false): RepoDep[] => list.map((e) => ({ ...tcDepToRepoDep(e.dep), ...(pre ? { pre: true } : {}) }));
  return {
    tc: pkg,
    repo,
    name: pkg.name,
    epoch: pkg.epoch,
    version: pkg.version,
    release: pkg.release ?? '',
    arch: pkg.arch ?? '',
    deps: {
      provides: conv(pkg.provides),
      requires: [...conv(pkg.prerequires, true), ...conv(pkg.requires)],
      conflicts: conv(pkg.conflicts),
      obsoletes: conv(pkg.obsoletes),
      recommends: conv(pkg.recommends),
      suggests: conv(pkg.suggests),
      supplements: conv(pkg.supplements),
      enhances: conv(pkg.enhances),
    },
    files: pkg.files.map((path) => ({ path })),
  };
}

/** Everything needed to solve one part: pool, flags, installed repo and printable names. */
export interface PartSetup {
  pool: Pool<TcPoolPackage>;
  flags: Partial<SolverFlags>;
  poolFlags: Partial<PoolFlags>;
}

export function setupPart(tc: Testcase, part: TcPart, system: TcPart['system']): PartSetup {
  const repos = tc.repos.filter((r) => r.part <= part.index);
  for (const r of repos) if (r.unsupported) throw new UnsupportedTestcase(`repo ${r.name}: ${r.unsupported}`);
  const installedName = system?.installed;
  const inputs: PoolRepoInput<TcPoolPackage>[] = repos.map((r) => ({
    id: r.name,
    priority: r.priority,
    subpriority: r.subpriority,
    installed: r.name === installedName,
    packages: r.packages.map((p) => toPoolPackage(p, r)),
  }));
  const arch = system?.arch;
  const pool = new Pool<TcPoolPackage>(inputs, { arch: arch === undefined || arch === 'unset' || arch === '-' ? undefined : arch });
  const poolFlags: Partial<PoolFlags> = {};
  let noobsoletesmultiversion = false;
  // The pool (and its flags) lives across `nextjob` parts, as in testsolv.
  for (const f of tc.parts.filter((p) => p.index <= part.index).flatMap((p) => p.poolflags)) {
    if (f.name === 'noobsoletesmultiversion') noobsoletesmultiversion = f.value;
    else if (f.name in { obsoleteusesprovides: 1, implicitobsoleteusesprovides: 1, obsoleteusescolors: 1, implicitobsoleteusescolors: 1, forbidselfconflicts: 1, noinstalledobsoletes: 1, whatprovideswithdisabled: 1 }) {
      (poolFlags as Record<string, boolean>)[f.name] = f.value;
    }
  }
  // testsolv always resets the solver flags to its table's defaults (keepexplicitobsoletes off).
  void noobsoletesmultiversion;
  const base: Record<string, boolean> = { ...SOLVER_FLAG_DEFAULTS };
  for (const f of part.solverflags ?? []) base[f.name] = f.value;
  const flags: Partial<SolverFlags> = {};
  const known = defaultSolverFlags() as unknown as Record<string, boolean>;
  for (const [k, v] of Object.entries(base)) {
    const key = k === 'splitprovides' ? 'dosplitprovides' : k;
    if (key in known) (flags as Record<string, boolean>)[key] = v;
  }
  return { pool, flags, poolFlags };
}

/** testcase_str2solvid: `name-evr.arch@repo` (arch and repo optional). */
export function findSolvable(pool: Pool<TcPoolPackage>, text: string): number {
  let repoName: string | undefined;
  let s = text;
  for (const r of pool.repos) {
    const suffix = `@${r.id.replace(/[ \t]/g, '_')}`;
    if (s.endsWith(suffix) && s.length > suffix.length) {
      repoName = r.id.replace(/[ \t]/g, '_');
      s = s.slice(0, -suffix.length);
      break;
    }
  }
  for (let p = 2; p < pool.nsolvables; p++) {
    const rec = pool.record(p);
    if (!rec) continue;
    if (repoName !== undefined && rec.repo.name.replace(/[ \t]/g, '_') !== repoName) continue;
    if (formatSolvable(rec.tc) === s || formatSolvable({ ...rec.tc, arch: undefined }) === s) return p;
  }
  throw new UnsupportedTestcase(`unknown package ${text}`);
}

export function depId(pool: Pool<TcPoolPackage>, dep: TcDep): number {
  const rd = tcDepToRepoDep(dep);
  return pool.table.repoDep(rd);
}

/** The (how, what) pairs of one testcase job line (a `selection` can yield several). */
export function jobToPairs(pool: Pool<TcPoolPackage>, job: TcJob, oneOf: (list: number[]) => number): number[] {
  const action = JOB_ACTION[job.action];
  if (action === undefined) throw new UnsupportedTestcase(`job action ${job.action}`);
  let how = action;
  for (const f of job.flags) {
    const bit = JOB_FLAG[f];
    if (bit === undefined) throw new UnsupportedTestcase(`job flag ${f}`);
    how |= bit;
  }
  const sel: TcSelect = job.select;
  switch (sel.kind) {
    case 'pkg':
      return [how | SEL_SOLVABLE, findSolvable(pool, sel.pkg)];
    case 'name':
      return [how | SEL_NAME, depId(pool, sel.dep)];
    case 'provides':
      return [how | SEL_PROVIDES, depId(pool, sel.dep)];
    case 'oneof':
      return [how | SEL_ONE_OF, oneOf(sel.pkgs.map((t) => findSolvable(pool, t)))];
    case 'repo': {
      const idx = pool.repos.findIndex((r) => r.id === sel.repo);
      if (idx < 0) throw new UnsupportedTestcase(`unknown repo ${sel.repo}`);
      return [how | SEL_REPO, idx + 1];
    }
    case 'all':
      return [how | SEL_ALL, 0];
    case 'selection':
      return selectionToJobs(pool, sel, how, oneOf);
    default:
      throw new UnsupportedTestcase(`job selection ${(sel as TcSelect).kind}`);
  }
}

export function solvableName(pool: Pool<TcPoolPackage>, p: number): string {
  const rec = pool.record(p);
  if (!rec) return p === 1 ? 'system:system' : `#${p}`;
  return formatSolvable(rec.tc, rec.repo.name);
}

/** Solves one part and prints its result lines (sorted as testsolv prints them). */
/** testcase_job2str for the jobs a testcase can write. */
export function jobText(pool: Pool<TcPoolPackage>, how: number, what: number, solver: Solver): string {
  const action = Object.entries(JOB_ACTION).find(([k, v]) => v === (how & 0xff00) && k !== 'noobsoletes')?.[0] ?? 'unknown';
  const select = how & 0xff;
  let sel: string;
  if (select === SEL_SOLVABLE) sel = `pkg ${solvableName(pool, what)}`;
  else if (select === SEL_NAME) sel = `name ${depText(pool, what)}`;
  else if (select === SEL_PROVIDES) sel = `provides ${depText(pool, what)}`;
  else if (select === SEL_ONE_OF) {
    const l = solver.store.list(what);
    sel = l.length ? `oneof ${l.map((p) => solvableName(pool, p)).join(' ')}` : 'oneof nothing';
  } else if (select === SEL_REPO) sel = `repo ${pool.repos[what - 1]?.id ?? '?'}`;
  else sel = 'all packages';
  const flags = Object.entries(JOB_FLAG)
    .filter(([, bit]) => (how & bit) !== 0)
    .map(([k]) => k);
  return `${action} ${sel}${flags.length ? ` [${flags.join(',')}]` : ''}`;
}

/** A dependency as testcase_dep2str writes it (rpm ops, rich deps as libsolv's & | <IF> …). */
export function depText(pool: Pool<TcPoolPackage>, d: number): string {
  return pool.table.toString(d);
}


/** testcase_dep2str for a pool dependency: rich deps in testcase syntax (`A | B`, `A <IF> B`). */
export function testcaseDepText(pool: Pool<TcPoolPackage>, d: number): string {
  const expr = pool.richExpr(d);
  if (!expr) return pool.table.toString(d);
  const ops: Record<string, string> = { and: ' & ', or: ' | ', with: ' + ' };
  const fmt = (e: RichExpr, top: boolean): string => {
    let s: string;
    switch (e.kind) {
      case 'dep':
        return e.version ? `${e.name} ${senseText(e.flags)} ${e.version}` : e.name;
      case 'group':
        return fmt(e.expr, top);
      case 'and':
      case 'or':
      case 'with':
        s = e.operands.map((o) => fmt(o, false)).join(ops[e.kind]);
        break;
      case 'without':
        s = `${fmt(e.left, false)} - ${fmt(e.right, false)}`;
        break;
      case 'else':
        s = `${fmt(e.left, false)} <ELSE> ${fmt(e.right, false)}`;
        break;
      case 'if':
      case 'unless': {
        const op = e.kind === 'if' ? ' <IF> ' : ' <UNLESS> ';
        s = `${fmt(e.then, false)}${op}${e.else ? `(${fmt(e.cond, false)} <ELSE> ${fmt(e.else, false)})` : fmt(e.cond, false)}`;
        break;
      }
    }
    return top ? s : `(${s})`;
  };
  return fmt(expr, true);
}

function senseText(flags: number): string {
  const lt = flags & 2 ? '<' : '';
  const gt = flags & 4 ? '>' : '';
  const eq = flags & 8 ? '=' : '';
  return `${lt}${gt}${eq}`;
}
