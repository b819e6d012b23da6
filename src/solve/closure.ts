// Repository closure (dnf repoclosure): every package's requires must have a provider among the
// repositories; with `installable`, the solver must also find a way to install each package alone.
import { poolFromRepositories, type RepositoryForPool } from './pool/load.ts';
import { JOB_INSTALL, SEL_SOLVABLE } from './solver/constants.ts';
import { problemRuleText, ruleInfo, solverProblems } from './solver/problems.ts';
import { Solver } from './solver/solver.ts';

export interface ClosureInput {
  repos: readonly RepositoryForPool[];
  arch: string;
  /** Only report packages of these repository ids (all by default). */
  check?: readonly string[];
  /** Only the newest version of each name.arch. */
  newest?: boolean;
  installable?: boolean;
  /** Called after each checked package (done, total), for a progress display. */
  onProgress?: (done: number, total: number) => void;
}

export interface BrokenPackage {
  nevra: string;
  repo: string;
  unresolved: string[];
  problems: string[];
}

export interface ClosureResult {
  checked: number;
  broken: BrokenPackage[];
}

export function repoClosure(input: ClosureInput): ClosureResult {
  const pool = poolFromRepositories(input.repos, undefined, { arch: input.arch });
  const nevra = (s: number): string => {
    const r = pool.record(s);
    if (!r) return pool.nevra(s);
    return `${r.name}-${r.epoch && r.epoch !== '0' ? `${r.epoch}:` : ''}${r.version}-${r.release}.${r.arch}`;
  };
  const wanted: number[] = [];
  for (let s = 2; s < pool.nsolvables; s++) {
    const repo = pool.repoOf(s);
    if (!repo || !pool.isInstallable(s)) continue;
    if (input.check?.length && !input.check.includes(repo.id)) continue;
    wanted.push(s);
  }
  let list = wanted;
  if (input.newest) {
    const best = new Map<string, number>();
    for (const s of wanted) {
      const key = `${pool.name(s)}.${pool.archOf(s)}`;
      const cur = best.get(key);
      if (cur === undefined || pool.evrCompare(s, cur) > 0) best.set(key, s);
    }
    list = [...best.values()].sort((a, b) => a - b);
  }
  const broken: BrokenPackage[] = [];
  let done = 0;
  for (const s of list) {
    input.onProgress?.(done++, list.length);
    const unresolved: string[] = [];
    for (const req of pool.deps(s, 'requires')) {
      const cnf = pool.richCnf(req);
      if (cnf.some((clause) => clause.length === 0)) unresolved.push(pool.depToString(req));
    }
    const problems: string[] = [];
    if (input.installable && !unresolved.length) {
      const solver = new Solver({ pool, poolFlags: { implicitobsoleteusescolors: true }, flags: { ignorerecommended: true } });
      solver.solve([JOB_INSTALL | SEL_SOLVABLE, s]);
      const naming = { full: nevra, plain: nevra, dep: (d: number) => pool.depToString(d), job: () => '' };
      for (const p of solverProblems(solver)) problems.push(problemRuleText(solver, ruleInfo(solver, p.rule), naming));
    }
    if (unresolved.length || problems.length) broken.push({ nevra: nevra(s), repo: pool.repoOf(s)?.id ?? '', unresolved, problems });
  }
  return { checked: list.length, broken };
}
