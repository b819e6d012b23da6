// A view of a testcase pool with libsolv's id-level semantics for what selections need: dependencies
// stay in the testcase's TcDep form (so `A . i686` or `(A . all) = 1-1` can be built and printed as
// libsolv does), whatprovides follows libsolv's pool_addrelproviders (including the REL_ARCH,
// REL_WITH, … cases), and "disabled" / "badarch" packages are known (libsolv's pool->considered and
// pool->id2arch). Written from libsolv's documented behaviour in src/poolwhatprovides.c,
// src/pooldep.c and src/poolid.c.
import { archScores } from '../pool/arch.ts';
import type { Pool } from '../pool/pool.ts';
import { compareEvrParts, evrParts, matchEvrParts } from '../pool/evr.ts';
import { REL, relOpName, type TcDep, type TcPackage } from '../testcase/index.ts';
import type { TcPoolPackage } from './tc-pool.ts';

export const ARCH_SRC = 'src';
export const ARCH_NOSRC = 'nosrc';
export const ARCH_NOARCH = 'noarch';

/** libsolv's EVRCMP_* modes that selections use. */
export const EVRCMP_COMPARE = 0;
export const EVRCMP_MATCH_RELEASE = 1;

/** dpkg's version comparison (libsolv solv_vercmp_deb). */
function debVercmp(a: string, b: string): number {
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  const order = (c: string | undefined): number => {
    if (c === undefined || isDigit(c)) return 0;
    if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
    if (c === '~') return -1;
    return c.charCodeAt(0) + 256;
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    let firstDiff = 0;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

/** Debian's pool_evrcmp_str (EVRCMP_COMPARE, which Debian also uses for matching). */
function debEvrcmp(a: string, b: string): number {
  const split = (evr: string): [string, string, string | undefined] => {
    const m = /^(\d+):/.exec(evr);
    const epoch = m ? (m[1] as string) : '';
    const rest = m ? evr.slice(m[0].length) : evr;
    const dash = rest.lastIndexOf('-');
    return dash >= 0 ? [epoch, rest.slice(0, dash), rest.slice(dash + 1)] : [epoch, rest, undefined];
  };
  const [ea, va, ra] = split(a);
  const [eb, vb, rb] = split(b);
  const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);
  if (ea || eb) {
    const r = ea && eb ? debVercmp(ea, eb) : ea ? (/^0*$/.test(ea) ? 0 : 1) : /^0*$/.test(eb) ? 0 : -1;
    if (r) return sign(r);
  }
  const r = debVercmp(va, vb);
  if (r) return sign(r);
  if (ra === undefined && rb !== undefined) return -1;
  if (ra !== undefined && rb === undefined) return 1;
  return ra !== undefined && rb !== undefined ? sign(debVercmp(ra, rb)) : 0;
}

/**
 * pool_evrcmp_str (EVRCMP_COMPARE or EVRCMP_MATCH_RELEASE). Debian compares with dpkg's rules and
 * always in compare mode (libsolv's EVRCMP_DEPCMP for deb).
 */
export function evrcmp(a: string, b: string, mode: number, disttype = 'rpm'): number {
  if (a === b) return 0;
  if (disttype === 'deb') return debEvrcmp(a, b);
  const pa = evrParts(a);
  const pb = evrParts(b);
  return mode === EVRCMP_COMPARE ? compareEvrParts(pa, pb) : matchEvrParts(pa, pb);
}

export const depName = (name: string): TcDep => ({ kind: 'name', name });
export const depRel = (flags: number, name: TcDep, evr: TcDep): TcDep => ({ kind: 'rel', flags, op: relOpName(flags), name, evr });

/** A structural key: equal keys ⇔ libsolv would intern the same id. */
export function depKey(d: TcDep): string {
  if (d.kind === 'name') return `"${d.name}"`;
  if (d.kind === 'null') return '0';
  return `(${depKey(d.name)} ${d.flags} ${depKey(d.evr)})`;
}

/** The string of a dependency's innermost name (pool_id2str on a reldep). */
export function depBaseName(d: TcDep): string | undefined {
  while (d.kind === 'rel') d = d.name;
  return d.kind === 'name' ? d.name : undefined;
}

const leaf = (d: TcDep): string | undefined => (d.kind === 'name' ? d.name : undefined);

function isComplex(flags: number): boolean {
  return flags === REL.AND || flags === REL.OR || flags === REL.WITH || flags === REL.WITHOUT || flags === REL.COND || flags === REL.UNLESS;
}

/** Package dependency arrays by libsolv key name. */
const DEP_KEYS: Record<string, (p: TcPackage) => readonly { dep: TcDep }[]> = {
  'solvable:provides': (p) => p.provides,
  'solvable:requires': (p) => [...p.requires, ...p.prerequires],
  'solvable:conflicts': (p) => p.conflicts,
  'solvable:obsoletes': (p) => p.obsoletes,
  'solvable:recommends': (p) => p.recommends,
  'solvable:suggests': (p) => p.suggests,
  'solvable:supplements': (p) => p.supplements,
  'solvable:enhances': (p) => p.enhances,
  'solvable:constrains': (p) => p.constrains,
};

/** libsolv's pool_setarchpolicy: `a:b>c=d` → scores (':' new class, '>' worse in class, '=' same). */
function parseArchPolicy(policy: string, noarch: string): Map<string, number> {
  const scores = new Map<string, number>([[noarch, 1]]);
  let score = 0x10001;
  let sep = '';
  for (const m of policy.matchAll(/([^:=>]*)([:=>]?)/g)) {
    const arch = m[1] ?? '';
    if (arch && !scores.has(arch)) {
      if (sep === ':') score += 0x10000;
      else if (sep === '>') score += 1;
      scores.set(arch, score);
    }
    sep = m[2] ?? '';
    if (!sep) break;
  }
  return scores;
}

export interface SelPoolOptions {
  /** The system's dist type (`rpm`, `deb`, `haiku`, …); default rpm. */
  disttype?: string;
  /** An explicit arch policy (`system :x86_64:i686 …`). */
  archPolicy?: string;
  /** Solvables disabled with `disable` (libsolv's pool->considered cleared). */
  disabled?: ReadonlySet<number>;
}

export class SelPool {
  readonly pool: Pool<TcPoolPackage>;
  readonly disttype: string;
  /** The arch of the "noarch" class: `all` for Debian, else `noarch`. */
  readonly noarch: string;
  /** Arch scores, undefined when no system arch is set (then nothing is a bad arch). */
  readonly archScores: Map<string, number> | undefined;
  readonly disabled: ReadonlySet<number>;
  readonly #wp = new Map<string, number[]>();
  #strings: Set<string> | undefined;

  constructor(pool: Pool<TcPoolPackage>, opts: SelPoolOptions = {}) {
    this.pool = pool;
    this.disttype = opts.disttype ?? 'rpm';
    this.noarch = this.disttype === 'deb' ? 'all' : ARCH_NOARCH;
    this.disabled = opts.disabled ?? new Set();
    if (opts.archPolicy !== undefined) this.archScores = parseArchPolicy(opts.archPolicy, this.noarch);
    else if (pool.arch !== undefined) {
      const scores = archScores(pool.arch);
      if (this.noarch !== ARCH_NOARCH) {
        scores.delete(ARCH_NOARCH);
        scores.set(this.noarch, 1);
      }
      this.archScores = scores;
    }
  }

  get deb(): boolean {
    return this.disttype === 'deb';
  }

  /** Package solvable ids (FOR_POOL_SOLVABLES). */
  *solvables(): Generator<number> {
    for (let p = 2; p < this.pool.nsolvables; p++) if (this.pool.record(p)) yield p;
  }

  pkg(p: number): TcPackage {
    const rec = this.pool.record(p);
    if (!rec) throw new Error(`no solvable ${p}`);
    return rec.tc;
  }

  name(p: number): string {
    return this.pkg(p).name;
  }

  evr(p: number): string {
    return this.pkg(p).evr;
  }

  arch(p: number): string | undefined {
    return this.pkg(p).arch;
  }

  repoIndex(p: number): number {
    return this.pool.solvRepo[p];
  }

  installed(p: number): boolean {
    return this.pool.isInstalled(p);
  }

  hasInstalled(): boolean {
    return this.pool.installedRepo >= 0;
  }

  isSource(p: number): boolean {
    const a = this.arch(p);
    return a === ARCH_SRC || a === ARCH_NOSRC;
  }

  /** pool_disabled_solvable. */
  isDisabled(p: number): boolean {
    return this.disabled.has(p);
  }

  /** pool_badarch_solvable. */
  isBadArch(p: number): boolean {
    if (!this.archScores) return false;
    const a = this.arch(p);
    return a === undefined || !this.archScores.get(a);
  }

  /** pool_installable_whatprovides: is p in the whatprovides index? */
  indexed(p: number): boolean {
    if (this.installed(p)) return true;
    return !this.isSource(p) && !this.isBadArch(p) && !this.isDisabled(p);
  }

  deps(p: number, key: string): TcDep[] {
    const get = DEP_KEYS[key];
    return get ? get(this.pkg(p)).map((e) => e.dep) : [];
  }

  provides(p: number): TcDep[] {
    return this.pkg(p).provides.map((e) => e.dep);
  }

  /** Solvables of repo index `r` (FOR_REPO_SOLVABLES). */
  repoSolvables(r: number): number[] {
    const repo = this.pool.repos[r];
    const out: number[] = [];
    if (repo) for (let p = repo.start; p < repo.end; p++) out.push(p);
    return out;
  }

  /** Whether `s` is a string the pool has interned (pool_str2id(…, 0) != 0), approximately. */
  known(s: string): boolean {
    if (!this.#strings) {
      const set = new Set<string>([ARCH_SRC, ARCH_NOSRC, ARCH_NOARCH, 'all', 'any', '']);
      const addDep = (d: TcDep): void => {
        if (d.kind === 'name') set.add(d.name);
        else if (d.kind === 'rel') {
          addDep(d.name);
          addDep(d.evr);
        }
      };
      for (const a of this.archScores?.keys() ?? []) set.add(a);
      for (const r of this.pool.repos) set.add(r.id);
      for (const p of this.solvables()) {
        const pkg = this.pkg(p);
        set.add(pkg.name);
        set.add(pkg.evr);
        if (pkg.arch !== undefined) set.add(pkg.arch);
        if (pkg.vendor !== undefined) set.add(pkg.vendor);
        for (const key of Object.keys(DEP_KEYS)) for (const d of this.deps(p, key)) addDep(d);
      }
      this.#strings = set;
    }
    return this.#strings.has(s);
  }

  /** Every interned string (for the "iterate over all string ids" paths). */
  knownStrings(): string[] {
    this.known('');
    return [...(this.#strings ?? [])];
  }

  /** libsolv's str2archid in selection.c: the arch if it is known and installable (or src/nosrc/noarch). */
  archId(arch: string): string | undefined {
    if (!arch || !this.known(arch)) return undefined;
    if (arch === ARCH_SRC || arch === ARCH_NOSRC || arch === ARCH_NOARCH) return arch;
    if (this.archScores && !this.archScores.get(arch)) return undefined;
    return arch;
  }

  // ---- evr comparison ---------------------------------------------------------------------------

  evrcmp(a: string, b: string, mode: number): number {
    return evrcmp(a, b, mode, this.disttype);
  }

  /** pool_intersect_evrs: do the ranges (pflags pevr) and (flags evr) overlap? */
  intersectEvrs(pflags: number, pevr: TcDep, flags: number, evr: TcDep): boolean {
    if (!pflags || !flags || pflags >= 8 || flags >= 8) return false;
    if (flags === 7 || pflags === 7) return true;
    if (pflags & flags & (REL.LT | REL.GT)) return true;
    if (depKey(pevr) === depKey(evr)) return (flags & pflags & REL.EQ) !== 0;
    const a = leaf(pevr);
    const b = leaf(evr);
    if (a === undefined || b === undefined) return false;
    switch (this.evrcmp(a, b, EVRCMP_MATCH_RELEASE)) {
      case -2:
        return (pflags & REL.EQ) !== 0;
      case -1:
        return (flags & REL.LT) !== 0 || (pflags & REL.GT) !== 0;
      case 0:
        return (flags & pflags & REL.EQ) !== 0;
      case 1:
        return (flags & REL.GT) !== 0 || (pflags & REL.LT) !== 0;
      case 2:
        return (flags & REL.EQ) !== 0;
      default:
        return false;
    }
  }

  // ---- matching -----------------------------------------------------------------------------------

  /** pool_match_nevr: does the package itself (name, evr, arch) match `d`? */
  matchNevr(p: number, d: TcDep): boolean {
    if (d.kind === 'null') return false;
    if (d.kind === 'name') return this.name(p) === d.name;
    const { flags, name, evr } = d;
    if (flags > 7) {
      switch (flags) {
        case REL.ARCH: {
          const a = this.arch(p);
          const want = leaf(evr);
          if (a !== want && !(want === ARCH_SRC && a === ARCH_NOSRC)) return false;
          return this.matchNevr(p, name);
        }
        case REL.OR:
          return this.matchNevr(p, name) || this.matchNevr(p, evr);
        case REL.AND:
        case REL.WITH:
          return this.matchNevr(p, name) && this.matchNevr(p, evr);
        case REL.WITHOUT:
          return this.matchNevr(p, name) && !this.matchNevr(p, evr);
        case REL.MULTIARCH:
          return leaf(evr) === 'any' && this.matchNevr(p, name);
        default:
          return false;
      }
    }
    if (!this.matchNevr(p, name)) return false;
    const e = leaf(evr);
    const sevr = this.evr(p);
    if (e === sevr) return (flags & REL.EQ) !== 0;
    if (!flags || e === undefined) return false;
    if (flags === 7) return true;
    switch (this.evrcmp(sevr, e, EVRCMP_MATCH_RELEASE)) {
      case -2:
        return true;
      case -1:
        return (flags & REL.LT) !== 0;
      case 0:
      case 2:
        return (flags & REL.EQ) !== 0;
      case 1:
        return (flags & REL.GT) !== 0;
      default:
        return false;
    }
  }

  /** pool_match_dep: does dependency d1 (a provider) match d2? */
  matchDep(d1: TcDep, d2: TcDep): boolean {
    if (depKey(d1) === depKey(d2)) return true;
    for (const [a, b, swap] of [
      [d1, d2, false],
      [d2, d1, true],
    ] as const) {
      if (a.kind !== 'rel' || !isComplex(a.flags)) continue;
      const m = (x: TcDep): boolean => (swap ? this.matchDep(b, x) : this.matchDep(x, b));
      if (a.flags === REL.WITH && this.#isIntervalDep(a.name, a.evr)) return m(a.name) && m(a.evr);
      if (m(a.name)) return true;
      let r: TcDep = a;
      if ((a.flags === REL.COND || a.flags === REL.UNLESS) && a.evr.kind === 'rel') {
        r = a.evr;
        if (r.kind !== 'rel' || r.flags !== REL.ELSE) return false;
      }
      if (r.kind === 'rel' && r.flags !== REL.COND && r.flags !== REL.UNLESS && r.flags !== REL.WITHOUT && m(r.evr)) return true;
      return false;
    }
    if (d1.kind !== 'rel') {
      if (d2.kind !== 'rel') return false;
      return this.matchDep(d1, d2.name);
    }
    if (d2.kind !== 'rel') return this.matchDep(d1.name, d2);
    if (!this.matchDep(d1.name, d2.name)) return false;
    return this.intersectEvrs(d1.flags, d1.evr, d2.flags, d2.evr);
  }

  #isIntervalDep(d1: TcDep, d2: TcDep): boolean {
    if (d1.kind !== 'rel' || d2.kind !== 'rel') return false;
    if (depKey(d1.name) !== depKey(d2.name) || d1.flags >= 8 || d2.flags >= 8) return false;
    return ((d1.flags ^ d2.flags) & (REL.LT | REL.GT)) === (REL.LT | REL.GT);
  }

  // ---- whatprovides -------------------------------------------------------------------------------

  /** pool_whatprovides: the solvables providing `d`, ascending (do not modify). */
  whatProvides(d: TcDep): number[] {
    const key = depKey(d);
    let r = this.#wp.get(key);
    if (r === undefined) {
      r = this.#computeProviders(d);
      this.#wp.set(key, r);
    }
    return r;
  }

  #computeProviders(d: TcDep): number[] {
    if (d.kind === 'null') return [];
    if (d.kind === 'name') return this.#nameProviders(d.name);
    const { flags, name, evr } = d;
    if (flags >= 8) {
      switch (flags) {
        case REL.WITH: {
          const b = new Set(this.whatProvides(evr));
          return this.whatProvides(name).filter((p) => b.has(p));
        }
        case REL.WITHOUT: {
          const b = new Set(this.whatProvides(evr));
          return this.whatProvides(name).filter((p) => !b.has(p));
        }
        case REL.AND:
        case REL.OR:
        case REL.COND:
        case REL.UNLESS: {
          let other: TcDep | undefined = evr;
          if (flags === REL.COND || flags === REL.UNLESS) other = evr.kind === 'rel' && evr.flags === REL.ELSE ? evr.evr : undefined;
          const a = this.whatProvides(name);
          if (!a.length) return other ? this.whatProvides(other) : [];
          if (!other) return a;
          return [...new Set([...a, ...this.whatProvides(other)])].sort((x, y) => x - y);
        }
        case REL.NAMESPACE:
          if (leaf(name) === 'namespace:otherproviders') return this.whatProvides(evr);
          return [];
        case REL.ARCH: {
          const a = leaf(evr);
          if (a === ARCH_SRC || a === ARCH_NOSRC) {
            const out: number[] = [];
            for (const p of this.solvables()) {
              const pa = this.arch(p);
              if (pa !== a && pa !== ARCH_NOSRC) continue;
              if (this.isDisabled(p)) continue;
              if (name.kind === 'null' || this.matchNevr(p, name)) out.push(p);
            }
            return out;
          }
          if (name.kind === 'null') return [...this.solvables()].filter((p) => this.indexed(p) && this.arch(p) === a);
          return this.whatProvides(name).filter((p) => this.arch(p) === a);
        }
        case REL.MULTIARCH:
          return leaf(evr) === 'any' ? this.whatProvides(name) : [];
        default:
          return [];
      }
    }
    // A simple version relation: providers of the name whose provides intersect the range.
    const base = depBaseName(name);
    const out: number[] = [];
    for (const p of this.whatProvides(name)) {
      const prov = this.provides(p);
      if (!prov.length || this.isSource(p)) {
        if (this.matchNevr(p, d)) out.push(p);
        continue;
      }
      const hit = prov.some((pd) => {
        if (pd.kind === 'name') return pd.name === base && !this.deb;
        if (pd.kind !== 'rel' || leaf(pd.name) !== base) return false;
        return this.intersectEvrs(pd.flags, pd.evr, flags, evr);
      });
      if (hit) out.push(p);
    }
    return out;
  }

  #nameProviders(name: string): number[] {
    const out: number[] = [];
    const isFile = name.startsWith('/');
    for (const p of this.solvables()) {
      if (!this.indexed(p)) continue;
      if (this.provides(p).some((d) => depBaseName(d) === name) || (isFile && this.pkg(p).files.includes(name))) out.push(p);
    }
    return out;
  }
}

/** libsolv's pool_dep2str (rpm or debian style, not the testcase syntax). */
export function poolDep2str(d: TcDep, disttype: string): string {
  const rpm = disttype === 'rpm';
  const relName = (flags: number): string => {
    if (flags >= 0 && flags <= 7) {
      if (disttype === 'deb' && flags === REL.GT) return ' >> ';
      if (disttype === 'deb' && flags === REL.LT) return ' << ';
      return [' ! ', ' > ', ' = ', ' >= ', ' < ', ' <> ', ' <= ', ' <=> '][flags] as string;
    }
    switch (flags) {
      case REL.AND:
        return rpm ? ' and ' : ' & ';
      case REL.OR:
        return rpm ? ' or ' : ' | ';
      case REL.WITH:
        return rpm ? ' with ' : ' + ';
      case REL.WITHOUT:
        return rpm ? ' without ' : ' - ';
      case REL.NAMESPACE:
        return ' NAMESPACE ';
      case REL.ARCH:
        return '.';
      case REL.MULTIARCH:
        return ':';
      case REL.FILECONFLICT:
        return ' FILECONFLICT ';
      case REL.COND:
        return rpm ? ' if ' : ' IF ';
      case REL.UNLESS:
        return rpm ? ' unless ' : ' UNLESS ';
      case REL.COMPAT:
        return ' compat >= ';
      case REL.KIND:
        return ' KIND ';
      case REL.ELSE:
        return rpm ? ' else ' : ' ELSE ';
      case REL.CONDA:
        return ' ';
      case REL.ERROR:
        return ' ERROR ';
      default:
        return ' ??? ';
    }
  };
  const bool = (f: number): boolean => isComplex(f) || f === REL.ELSE;
  const str = (id: TcDep, oldrel: number): string => {
    let out = '';
    while (id.kind === 'rel') {
      const rel = id.flags;
      if ((bool(oldrel) || oldrel === -1) && bool(rel)) {
        if ((oldrel !== rel || rel === REL.COND || rel === REL.UNLESS || rel === REL.ELSE) && !((oldrel === REL.COND || oldrel === REL.UNLESS) && rel === REL.ELSE)) {
          return `${out}(${str(id.name, rel)}${relName(rel)}${str(id.evr, rel)})`;
        }
      }
      if (rel === REL.KIND) {
        out += `${str(id.evr, rel)}:`;
        id = id.name;
        oldrel = rel;
        continue;
      }
      out += str(id.name, rel);
      if (rel === REL.NAMESPACE) return `${out}(${str(id.evr, rel)})`;
      if (rel === REL.FILECONFLICT) return out;
      out += relName(rel);
      id = id.evr;
      oldrel = rel;
    }
    return out + (id.kind === 'name' ? id.name : '');
  };
  if (d.kind !== 'rel') return d.kind === 'name' ? d.name : '';
  return str(d, rpm ? -1 : 0);
}
