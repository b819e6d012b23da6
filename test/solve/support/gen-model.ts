// Random package universes for the solver's differential tests: a small model (packages, deps,
// rich deps) rendered as libsolv testtags (gen-testcase.ts) or as rpm-md records (gen-rpmmd.ts).
// Names come from a small alphabet so that dependencies collide: several versions and arches of
// a name, virtual provides shared by several packages, files required by path.

export type Rand = () => number;

export function pick<T>(r: Rand, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

export function chance(r: Rand, p: number): boolean {
  return r() < p;
}

/** 0..n-1 with the given weights. */
export function weighted(r: Rand, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = r() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/** `k` distinct elements of `xs` (in random order). */
export function sample<T>(r: Rand, xs: readonly T[], k: number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, Math.min(k, a.length));
}

export type CmpOp = '<' | '<=' | '=' | '>=' | '>';

/** `name [op evr]`: evr is `[epoch:]version[-release]`. */
export interface SimpleDep {
  kind: 'simple';
  name: string;
  op?: CmpOp;
  evr?: string;
}

/** A boolean dependency. `ifelse` is `(args[0] if args[1] else args[2])`. */
export interface RichDep {
  kind: 'rich';
  op: 'and' | 'or' | 'if' | 'unless' | 'ifelse';
  args: GenDep[];
}

export type GenDep = SimpleDep | RichDep;

export type GenArch = 'noarch' | 'x86_64' | 'i686';

export interface GenPackage {
  name: string;
  epoch?: number;
  version: string;
  release: string;
  arch: GenArch;
  provides: GenDep[];
  requires: GenDep[];
  conflicts: GenDep[];
  obsoletes: GenDep[];
  recommends: GenDep[];
  supplements: GenDep[];
  files: string[];
}

export type DepKind = 'provides' | 'requires' | 'conflicts' | 'obsoletes' | 'recommends' | 'supplements';
export const DEP_KINDS: readonly DepKind[] = ['provides', 'requires', 'conflicts', 'obsoletes', 'recommends', 'supplements'];

export function evrOf(p: Pick<GenPackage, 'epoch' | 'version' | 'release'>): string {
  return `${p.epoch ? `${p.epoch}:` : ''}${p.version}-${p.release}`;
}

/** `name-[epoch:]version-release.arch` (no epoch when 0), as dnf prints NEVRAs. */
export function nevraOf(p: GenPackage): string {
  return `${p.name}-${evrOf(p)}.${p.arch}`;
}

export function isRich(d: GenDep): d is RichDep {
  return d.kind === 'rich';
}

export function hasRich(p: GenPackage): boolean {
  return DEP_KINDS.some((k) => p[k].some(isRich));
}

/** What a universe's dependencies may point at. */
export interface Universe {
  /** Real package names. */
  names: string[];
  /** Virtual provides (`Prv:` of some packages). */
  virtuals: string[];
  /** Paths some packages own (`Fls:`), that others require. */
  files: string[];
  /** Versions and releases used for packages and versioned deps. */
  versions: string[];
  releases: string[];
  /** Probability that a package gets rich deps at all (0 disables them). */
  richRate: number;
  /** Leave out `ifelse` in weak deps (libsolv 0.7.23 mis-handles it in Recommends: cplxdeps/ifelse_rec.t). */
  noWeakIfElse: boolean;
}

const OPS: readonly CmpOp[] = ['>=', '<', '=', '>', '<=', '>='];

function depEvr(r: Rand, u: Universe): string {
  const v = pick(r, u.versions);
  const i = weighted(r, [5, 4, 1]);
  if (i === 0) return v;
  if (i === 1) return `${v}-${pick(r, u.releases)}`;
  return `1:${v}`;
}

/** A plain dependency on a name (sometimes versioned), a virtual provide or (requires only) a file. */
export function simpleDep(r: Rand, u: Universe, opts: { files?: boolean; versioned?: number } = {}): SimpleDep {
  const k = weighted(r, [65, u.virtuals.length ? 20 : 0, opts.files && u.files.length ? 15 : 0]);
  if (k === 2) return { kind: 'simple', name: pick(r, u.files) };
  const name = k === 0 ? pick(r, u.names) : pick(r, u.virtuals);
  if (chance(r, opts.versioned ?? 0.35)) return { kind: 'simple', name, op: pick(r, OPS), evr: depEvr(r, u) };
  return { kind: 'simple', name };
}

export function richDep(r: Rand, u: Universe, weak: boolean, depth = 0): RichDep {
  const ops: RichDep['op'][] = weak && u.noWeakIfElse ? ['or', 'and', 'if', 'unless'] : ['or', 'and', 'if', 'unless', 'ifelse'];
  const op = pick(r, ops);
  const n = op === 'ifelse' ? 3 : op === 'or' || op === 'and' ? 2 + weighted(r, [4, 1]) : 2;
  const args: GenDep[] = [];
  for (let i = 0; i < n; i++) {
    args.push(depth === 0 && chance(r, 0.15) ? richDep(r, u, weak, depth + 1) : simpleDep(r, u, { versioned: 0.25 }));
  }
  return { kind: 'rich', op, args };
}

function depsFor(r: Rand, u: Universe, kind: DepKind, self: string, rich: boolean): GenDep[] {
  const out: GenDep[] = [];
  const not = (d: SimpleDep): boolean => d.name !== self;
  switch (kind) {
    case 'requires': {
      const n = weighted(r, [35, 35, 20, 10]);
      for (let i = 0; i < n; i++) {
        if (rich && chance(r, 0.3)) out.push(richDep(r, u, false));
        else {
          const d = simpleDep(r, u, { files: true });
          if (not(d)) out.push(d);
        }
      }
      break;
    }
    case 'conflicts':
      if (chance(r, 0.12)) {
        if (rich && chance(r, 0.25)) out.push(richDep(r, u, false));
        else {
          const d = simpleDep(r, u, { versioned: 0.5 });
          if (not(d)) out.push(d);
        }
      }
      break;
    case 'obsoletes':
      if (chance(r, 0.15)) {
        const name = pick(r, u.names);
        if (name !== self) out.push(chance(r, 0.5) ? { kind: 'simple', name, op: pick(r, ['<', '<=']), evr: pick(r, u.versions) } : { kind: 'simple', name });
      }
      break;
    case 'provides':
      if (chance(r, 0.25) && u.virtuals.length) {
        const name = pick(r, u.virtuals);
        out.push(chance(r, 0.4) ? { kind: 'simple', name, op: '=', evr: pick(r, u.versions) } : { kind: 'simple', name });
      }
      break;
    case 'recommends':
      if (chance(r, 0.18)) {
        if (rich && chance(r, 0.3)) out.push(richDep(r, u, true));
        else {
          const d = simpleDep(r, u, { versioned: 0.2 });
          if (not(d)) out.push(d);
        }
      }
      break;
    case 'supplements':
      if (chance(r, 0.08)) {
        if (rich && chance(r, 0.3)) out.push(richDep(r, u, true));
        else {
          const d = simpleDep(r, u, { versioned: 0 });
          if (not(d)) out.push(d);
        }
      }
      break;
  }
  return out;
}

/** A package with random deps; `rich` allows boolean deps for this package. */
export function genPackage(r: Rand, u: Universe, name: string, evr: { epoch?: number; version: string; release: string }, arch: GenArch): GenPackage {
  const rich = chance(r, u.richRate);
  const p: GenPackage = {
    name,
    ...(evr.epoch ? { epoch: evr.epoch } : {}),
    version: evr.version,
    release: evr.release,
    arch,
    provides: [],
    requires: [],
    conflicts: [],
    obsoletes: [],
    recommends: [],
    supplements: [],
    files: [],
  };
  for (const k of DEP_KINDS) p[k] = depsFor(r, u, k, name, rich);
  if (u.files.length && chance(r, 0.25)) p.files = sample(r, u.files, 1 + weighted(r, [3, 1]));
  return p;
}

/** How a name is built: noarch, x86_64 only, multilib (x86_64 and i686) or i686 only. */
export function archesFor(r: Rand): GenArch[] {
  return [['noarch'], ['x86_64'], ['x86_64', 'i686'], ['i686']][weighted(r, [30, 50, 15, 5])] as GenArch[];
}

/** 1..max distinct (version, release) pairs of a name, oldest first. */
export function versionsFor(r: Rand, u: Universe, max: number): Array<{ epoch?: number; version: string; release: string }> {
  const all: Array<{ epoch?: number; version: string; release: string }> = [];
  for (const version of u.versions) for (const release of u.releases) all.push({ version, release });
  const k = 1 + weighted(r, max >= 3 ? [4, 4, 2] : [1, 1]);
  const chosen = sample(r, all, k).sort((a, b) => cmpNum(a.version, b.version) || cmpNum(a.release, b.release));
  // Rarely an epoch bump on the newest, which then wins whatever its version.
  if (chosen.length > 1 && chance(r, 0.04)) chosen[chosen.length - 1] = { ...chosen[chosen.length - 1], epoch: 1, version: chosen[0].version };
  return chosen;
}

function cmpNum(a: string, b: string): number {
  return Number(a) - Number(b);
}
