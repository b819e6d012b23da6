// Build order from BuildRequires, decided by the solver: for each component, install its
// BuildRequires (as dnf builddep would) into a system that has only the build host's tools,
// from a pool of every other component's declared packages. The components whose packages that
// transaction pulls in — directly or through their own requires — must be built first.
// Topological levels of that graph are the waves; a cycle is an error naming it.
import type { RepoPackage } from '../repo/model.ts';
import { hostFiles, hostPackage, syntheticPackage, unresolvedRequires } from './host.ts';
import { BuildError } from './model.ts';
import { BuildRequiresPool } from './solve.ts';
import type { SpecFacts } from './spec-query.ts';

export interface PlanInput {
  name: string;
  facts: SpecFacts;
}

export interface ComponentPlan {
  name: string;
  buildRequires: string[];
  /** Components that must be built first, sorted. */
  dependsOn: string[];
  /** Why the BuildRequires cannot be satisfied (the solver's problems), if they cannot. */
  missing?: string;
  /** 1-based topological level. */
  wave: number;
}

export interface BuildPlan {
  components: Map<string, ComponentPlan>;
  waves: string[][];
}

export interface PlanOptions {
  arch: string;
  /** Capabilities the host provides besides HOST_BUILD_TOOLS. */
  hostProvides?: readonly string[];
}

/** The first dependency cycle found (as `a → b → a`), or undefined. */
export function findCycle(deps: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 1 | 2>(); // 1 = on the DFS stack, 2 = done
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 1);
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      const s = state.get(d);
      if (s === 1) return [...stack.slice(stack.indexOf(d)), d];
      if (s === undefined) {
        const c = visit(d);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of [...deps.keys()].sort()) {
    if (state.has(n)) continue;
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

/** Topological levels: a component's wave is one more than the latest wave it depends on. */
export function waveLevels(deps: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const level = new Map<string, number>();
  const of = (n: string): number => {
    let l = level.get(n);
    if (l !== undefined) return l;
    l = 1;
    for (const d of deps.get(n) ?? []) if (deps.has(d)) l = Math.max(l, of(d) + 1);
    level.set(n, l);
    return l;
  };
  for (const n of deps.keys()) of(n);
  return level;
}

export function planBuild(inputs: readonly PlanInput[], opts: PlanOptions): BuildPlan {
  const declared = new Map<string, RepoPackage[]>();
  for (const { name, facts } of inputs) {
    declared.set(name, facts.packages.map((p) => syntheticPackage(p, `${name}/${p.name}`)));
  }
  // Declared requires nobody declares a provide for (libc, /bin/sh…) are the base system's.
  const unresolved = unresolvedRequires([...declared.values()].flat());
  const files = hostFiles(inputs.flatMap((i) => i.facts.buildRequires));
  const pool = new BuildRequiresPool(declared, hostPackage([...(opts.hostProvides ?? []), ...files], unresolved, opts.arch), opts.arch);
  const deps = new Map<string, string[]>();
  const plans = new Map<string, ComponentPlan>();
  for (const { name, facts } of inputs) {
    const r = pool.solve(facts.buildRequires, name);
    const dependsOn = [...new Set(r.install.map((i) => i.repo))].sort();
    deps.set(name, dependsOn);
    plans.set(name, { name, buildRequires: facts.buildRequires, dependsOn, ...(r.problem ? { missing: r.problem } : {}), wave: 0 });
  }
  const cycle = findCycle(deps);
  if (cycle) throw new BuildError(`build dependency cycle: ${cycle.join(' → ')} (each needs the next one's packages to build)`);
  const levels = waveLevels(deps);
  const waves: string[][] = [];
  for (const p of plans.values()) {
    p.wave = levels.get(p.name) ?? 1;
    (waves[p.wave - 1] ??= []).push(p.name);
  }
  for (const w of waves) w.sort();
  return { components: plans, waves };
}
