// Installing BuildRequires with the solver, as `dnf builddep` does: each BuildRequires is a
// dependency to satisfy (by provides), weak dependencies are not installed, and the build host is
// the installed system. One pool serves many components: a component's own packages are disabled
// while its BuildRequires are solved (a spec cannot build against what it is about to produce).
import type { RepoPackage } from '../repo/model.ts';
import { SYSTEM_REPO_ID, poolFromRepositories } from '../solve/pool/load.ts';
import type { Pool } from '../solve/pool/pool.ts';
import type { SnapshotRecord } from '../solve/pool/snapshot.ts';
import { JOB_FORCEBEST, JOB_INSTALL, SEL_PROVIDES } from '../solve/solver/constants.ts';
import { problemRuleText, ruleInfo, solverProblems } from '../solve/solver/problems.ts';
import { Solver } from '../solve/solver/solver.ts';
import { createTransaction } from '../solve/solver/transaction.ts';

export interface BuildRequiresSolution {
  /** The packages to install: repository id (the component) and record, in solver order. */
  install: Array<{ repo: string; record: RepoPackage }>;
  /** The solver's problems in one line, when the BuildRequires cannot be installed. */
  problem?: string;
}

/** A pool over components' packages (repository id = component name) with the host installed. */
export class BuildRequiresPool {
  readonly pool: Pool<SnapshotRecord>;
  readonly #records = new Map<number, RepoPackage>();

  constructor(components: ReadonlyMap<string, readonly RepoPackage[]>, host: RepoPackage, arch: string) {
    const repos = [...components].map(([id, packages]) => ({ id, packages }));
    this.pool = poolFromRepositories(repos, [host], { arch });
    for (const repo of this.pool.repos) {
      if (repo.id === SYSTEM_REPO_ID) continue;
      const list = components.get(repo.id) ?? [];
      for (let s = repo.start; s < repo.end; s++) this.#records.set(s, list[s - repo.start]);
    }
  }

  /** Solves installing `buildRequires`, with the packages of `exclude` (a component) disabled. */
  solve(buildRequires: readonly string[], exclude?: string): BuildRequiresSolution {
    const pool = this.pool;
    if (!buildRequires.length) return { install: [] };
    const disabled = new Uint8Array(pool.nsolvables);
    for (const repo of pool.repos) if (repo.id === exclude) disabled.fill(1, repo.start, repo.end);
    const solver = new Solver({
      pool,
      flags: { ignorerecommended: true, allowvendorchange: true, bestobeypolicy: true },
      poolFlags: { implicitobsoleteusescolors: true },
      disabled,
    });
    const job: number[] = [];
    for (const br of buildRequires) job.push(JOB_INSTALL | SEL_PROVIDES | JOB_FORCEBEST, pool.table.parseDep(br));
    solver.solve(job);
    const problems = solverProblems(solver);
    if (problems.length) {
      const name = (p: number): string => {
        const r = this.#records.get(p);
        return r ? `${r.name}-${r.epoch !== '0' ? `${r.epoch}:` : ''}${r.version}-${r.release}.${r.arch}` : pool.nevra(p);
      };
      const naming = { full: name, plain: name, dep: (d: number) => pool.depToString(d), job: () => '' };
      return { install: [], problem: problems.map((p) => problemRuleText(solver, ruleInfo(solver, p.rule), naming)).join('; ') };
    }
    const install: BuildRequiresSolution['install'] = [];
    for (const step of createTransaction(solver).classified) {
      const record = this.#records.get(step.p);
      if (step.type === 'install' && record) install.push({ repo: pool.repoOf(step.p)!.id, record });
    }
    return { install };
  }
}
