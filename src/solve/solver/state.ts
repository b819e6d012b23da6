// The solver's state: the rule set (by class, in libsolv's order), the decision queue and the maps
// the policy reads. Kept in one place so rules.ts, policy.ts, sat.ts and problems.ts can share it
// the way libsolv's modules share `Solver`.
import { REL_RICH } from '../pool/evr.ts';
import { SYSTEM_SOLVABLE, type Pool, type PoolRepo } from '../pool/pool.ts';
import { LiteralStore, Rule, ruleLiterals } from './rule-store.ts';

/** Pool-level switches libsolv keeps on the pool (testcase `poolflags`). */
export interface PoolFlags {
  obsoleteusesprovides: boolean;
  implicitobsoleteusesprovides: boolean;
  obsoleteusescolors: boolean;
  implicitobsoleteusescolors: boolean;
  forbidselfconflicts: boolean;
  noinstalledobsoletes: boolean;
  /** Disabled (excluded) packages stay visible in whatprovides, but cannot be installed. */
  whatprovideswithdisabled: boolean;
}

/** Solver switches (testcase `solverflags`, dnf options). Defaults are libsolv's. */
export interface SolverFlags {
  allowdowngrade: boolean;
  allowarchchange: boolean;
  allowvendorchange: boolean;
  allowuninstall: boolean;
  allownamechange: boolean;
  noupdateprovide: boolean;
  needupdateprovide: boolean;
  dosplitprovides: boolean;
  ignorerecommended: boolean;
  addalreadyrecommended: boolean;
  noinfarchcheck: boolean;
  keepexplicitobsoletes: boolean;
  bestobeypolicy: boolean;
  noautotarget: boolean;
  dupallowdowngrade: boolean;
  dupallowarchchange: boolean;
  dupallowvendorchange: boolean;
  dupallownamechange: boolean;
  keeporphans: boolean;
  breakorphans: boolean;
  focusinstalled: boolean;
  focusbest: boolean;
  focusnew: boolean;
  yumobsoletes: boolean;
  urpmreorder: boolean;
  strongrecommends: boolean;
  installalsoupdates: boolean;
  onlynamespacerecommended: boolean;
  strictrepopriority: boolean;
  /**
   * Behave as libsolv 0.7.23 (Debian's testsolv) where later versions changed, for comparisons:
   * installed packages decided in one pass (0.7.29, commit bbd18017, keeps what can be kept
   * first), and choices are neither pruned to packages replacing installed ones nor kept from
   * minimising away from them (both 0.7.25, commit 4edf4e62).
   */
  libsolv0723: boolean;
}

export function defaultSolverFlags(): SolverFlags {
  return {
    allowdowngrade: false,
    allowarchchange: false,
    allowvendorchange: false,
    allowuninstall: false,
    allownamechange: true,
    noupdateprovide: false,
    needupdateprovide: false,
    dosplitprovides: false,
    ignorerecommended: false,
    addalreadyrecommended: false,
    noinfarchcheck: false,
    keepexplicitobsoletes: true,
    bestobeypolicy: false,
    noautotarget: false,
    dupallowdowngrade: true,
    dupallowarchchange: true,
    dupallowvendorchange: true,
    dupallownamechange: true,
    keeporphans: false,
    breakorphans: false,
    focusinstalled: false,
    focusbest: false,
    focusnew: false,
    yumobsoletes: false,
    urpmreorder: false,
    strongrecommends: false,
    installalsoupdates: false,
    onlynamespacerecommended: false,
    strictrepopriority: false,
    libsolv0723: false,
  };
}

export function defaultPoolFlags(): PoolFlags {
  return {
    obsoleteusesprovides: false,
    implicitobsoleteusesprovides: false,
    obsoleteusescolors: false,
    implicitobsoleteusescolors: false,
    forbidselfconflicts: false,
    noinstalledobsoletes: false,
    whatprovideswithdisabled: false,
  };
}

/** Extra per-solvable facts the pool does not carry (vendor, buildtime) and pool-level switches. */
export interface SolverInput {
  pool: Pool;
  flags?: Partial<SolverFlags>;
  poolFlags?: Partial<PoolFlags>;
  /** Vendor per solvable id (missing = no vendor). */
  vendor?: (s: number) => string | undefined;
  buildtime?: (s: number) => number | undefined;
  /** Solvables excluded from solving (testcase `disable`, dnf excludes): not installable. */
  disabled?: Uint8Array;
  /** Vendor classes (libsolv `pool_addvendorclass`): vendors in one class may replace each other. */
  vendorClasses?: string[][];
}

export class SolverState {
  readonly pool: Pool;
  readonly pf: PoolFlags;
  readonly flags: SolverFlags;
  readonly installed: PoolRepo | undefined;
  readonly nsolvables: number;
  readonly vendorOf: (s: number) => string | undefined;
  readonly buildtimeOf: (s: number) => number | undefined;
  readonly disabled: Uint8Array | undefined;
  readonly vendorClasses: string[][];

  readonly store = new LiteralStore();
  rules: Rule[] = [new Rule()];
  /**
   * Why each package rule exists (for problem texts): chains of [type, from, to, dep, next] in one
   * flat array, headed by Rule.info; next is the index of the following entry or -1.
   */
  infoData: number[] = [];
  /** Package rules made from strong recommends (weak: dropped when they cause a problem). */
  recommendsRules = new Set<Rule>();

  pkgrulesEnd = 0;
  featurerules = 0;
  featurerulesEnd = 0;
  updaterules = 0;
  updaterulesEnd = 0;
  jobrules = 0;
  jobrulesEnd = 0;
  infarchrules = 0;
  infarchrulesEnd = 0;
  duprules = 0;
  duprulesEnd = 0;
  bestrules = 0;
  bestrulesEnd = 0;
  bestrulesUp = 0;
  bestrulesInfo: number[] = [];
  yumobsrules = 0;
  yumobsrulesEnd = 0;
  yumobsrulesInfo: number[] = [];
  blackrules = 0;
  blackrulesEnd = 0;
  recommendsrules = 0;
  recommendsrulesEnd = 0;
  recommendsrulesInfo: number[] = [];
  strictrepopriorules = 0;
  strictrepopriorulesEnd = 0;
  choicerules = 0;
  choicerulesEnd = 0;
  choicerulesInfo: number[] = [];
  learntrules = 0;
  lastpkgrule = 0;

  /** The job queue: pairs (how, what). */
  job: number[] = [];
  ruletojob: number[] = [];
  weakruleq: number[] = [];
  weakrulemap: Uint8Array | undefined;
  ruleassertions: number[] = [];

  decisionmap: Int32Array;
  decisionq: number[] = [];
  decisionqWhy: number[] = [];
  decisionqReason: number[] = [];
  propagateIndex = 0;
  watches: Int32Array;
  learntWhy: number[] = [];
  learntPool: number[] = [0];
  branches: number[] = [];
  problems: number[] = [];
  orphaned: number[] = [];
  brokenorphanrules: number[] | undefined;

  recommendsIndex = 0;
  recommendsmap: Uint8Array;
  suggestsmap: Uint8Array;
  noupdate: Uint8Array;
  multiversion: Uint8Array | undefined;
  updatemapAll = false;
  updatemap: Uint8Array | undefined;
  bestupdatemapAll = false;
  bestupdatemap: Uint8Array | undefined;
  fixmapAll = false;
  fixmap: Uint8Array | undefined;
  dupmap: Uint8Array | undefined;
  dupinvolvedmapAll = false;
  dupinvolvedmap: Uint8Array | undefined;
  droporphanedmapAll = false;
  droporphanedmap: Uint8Array | undefined;
  allowuninstallAll = false;
  allowuninstallmap: Uint8Array | undefined;
  cleandepsmap: Uint8Array | undefined;
  cleandepsUpdatepkgs: number[] | undefined;
  /** Installed packages clean-deps wrongly erased (kept from then on). */
  cleandepsMistakes: number[] = [];
  favormap: Int32Array | undefined;
  havedisfavored = false;
  excludefromweakmap: Uint8Array | undefined;
  updateTargets: Map<number, number[]> | undefined;
  specialupdaters: Int32Array | undefined;
  processOrphans = false;
  installedpos = 0;
  doExtraReordering = false;
  /** findUpdatePackages(s, allow all) per installed package (the answer does not change). */
  updatersAll = new Map<number, number[]>();
  /** Reverse obsoletes index: installed solvable → packages of other names obsoleting it. */
  obsoletesIndex: Map<number, number[]> | undefined;

  readonly #wpOff = new Map<number, number>();
  readonly #nameDep = new Map<number, number>();
  readonly #filtered = new WeakMap<Int32Array, Int32Array>();
  readonly #lits: number[] = [];

  constructor(input: SolverInput) {
    this.pool = input.pool;
    this.pf = { ...defaultPoolFlags(), ...input.poolFlags };
    this.flags = { ...defaultSolverFlags(), ...input.flags };
    const ir = this.pool.installedRepo;
    this.installed = ir >= 0 ? this.pool.repos[ir] : undefined;
    this.nsolvables = this.pool.nsolvables;
    this.vendorOf = input.vendor ?? (() => undefined);
    this.buildtimeOf = input.buildtime ?? (() => undefined);
    this.disabled = input.disabled;
    this.vendorClasses = input.vendorClasses ?? [];
    this.decisionmap = new Int32Array(this.nsolvables);
    this.watches = new Int32Array(2 * this.nsolvables);
    this.recommendsmap = new Uint8Array(this.nsolvables);
    this.suggestsmap = new Uint8Array(this.nsolvables);
    this.noupdate = new Uint8Array(this.installedCount());
  }

  installedCount(): number {
    return this.installed ? this.installed.end - this.installed.start : 0;
  }

  isInstalled(s: number): boolean {
    const i = this.installed;
    return i !== undefined && s >= i.start && s < i.end;
  }

  nrules(): number {
    return this.rules.length;
  }

  // ---- pool views -----------------------------------------------------------------------------

  /** Providers of a dep, ascending (shared array). */
  providers(dep: number): Int32Array {
    const all = this.pool.whatProvides(dep);
    if (!this.disabled || this.pf.whatprovideswithdisabled) return all;
    let f = this.#filtered.get(all);
    if (!f) {
      const dis = this.disabled;
      f = all.some((p) => dis[p] === 1 && !this.isInstalled(p)) ? all.filter((p) => dis[p] !== 1 || this.isInstalled(p)) : all;
      this.#filtered.set(all, f);
    }
    return f;
  }

  /** Providers of a plain package name (by string id): libsolv's FOR_PROVIDES(p, pp, s->name). */
  providersOfName(nameId: number): Int32Array {
    let d = this.#nameDep.get(nameId);
    if (d === undefined) {
      d = this.pool.dep(this.pool.strings.str(nameId));
      this.#nameDep.set(nameId, d);
    }
    return this.providers(d);
  }

  /** Dep id of a plain name (string id). */
  nameDep(nameId: number): number {
    let d = this.#nameDep.get(nameId);
    if (d === undefined) {
      d = this.pool.dep(this.pool.strings.str(nameId));
      this.#nameDep.set(nameId, d);
    }
    return d;
  }

  /** Offset in the literal store of the providers of `dep` (cached). */
  providersOffset(dep: number): number {
    let off = this.#wpOff.get(dep);
    if (off === undefined) {
      off = this.store.add(this.providers(dep));
      this.#wpOff.set(dep, off);
    }
    return off;
  }

  isComplexDep(dep: number): boolean {
    return this.pool.table.flags[dep] === REL_RICH;
  }

  nameId(s: number): number {
    return this.pool.solvName[s];
  }

  evrCmp(a: number, b: number): number {
    return this.pool.evrCompare(a, b);
  }

  matchNevr(s: number, dep: number): boolean {
    return this.pool.matchesNevr(s, dep);
  }

  archScore(s: number): number {
    if (s === SYSTEM_SOLVABLE) return 1;
    return this.pool.archScore(s);
  }

  colormatch(a: number, b: number): boolean {
    if (this.pool.solvArch[a] === this.pool.solvArch[b]) return true;
    return (this.pool.archColor(a) & this.pool.archColor(b)) !== 0;
  }

  /** pool_installable: right arch and not disabled. */
  installable(s: number): boolean {
    if (this.disabled && this.disabled[s]) return false;
    return this.pool.isInstallable(s);
  }

  isDisabled(s: number): boolean {
    return this.disabled !== undefined && this.disabled[s] === 1;
  }

  isSourceArch(s: number): boolean {
    const a = this.pool.archOf(s);
    return a === 'src' || a === 'nosrc';
  }

  repoPriority(s: number): number {
    return this.pool.repoPriority(s);
  }

  isMultiversion(s: number): boolean {
    return this.multiversion !== undefined && this.multiversion[s] === 1;
  }

  /** solvable_identical: same NEVRA and vendor, same build time (or the same requires). */
  identical(a: number, b: number): boolean {
    const pool = this.pool;
    if (pool.solvName[a] !== pool.solvName[b] || pool.solvArch[a] !== pool.solvArch[b]) return false;
    if (pool.solvEvr[a] !== pool.solvEvr[b]) return false;
    if ((this.vendorOf(a) ?? '') !== (this.vendorOf(b) ?? '')) return false;
    const ba = this.buildtimeOf(a);
    const bb = this.buildtimeOf(b);
    if (ba && bb) return ba === bb;
    // libsolv compares an XOR of the requires ids (a hash); we compare the sets themselves.
    const ra = [...pool.deps(a, 'requires')].sort((x, y) => x - y);
    const rb = [...pool.deps(b, 'requires')].sort((x, y) => x - y);
    return ra.length === rb.length && ra.every((x, i) => x === rb[i]);
  }

  // ---- rules ----------------------------------------------------------------------------------

  /**
   * solver_addrule: 1 or 2 literals in (p, p2), 3+ as an offset `d`. While package rules are being
   * made, an exact repeat of the previous rule and self-fulfilling rules are dropped (returns
   * undefined for the latter).
   */
  addRule(p: number, p2: number, d: number): Rule | undefined {
    const data = this.store.data;
    if (d) {
      if (!data[d]) d = 0;
      else if (!data[d + 1]) {
        p2 = data[d];
        d = 0;
      }
    }
    if (!this.pkgrulesEnd) {
      const r = this.rules[this.lastpkgrule];
      if (d) {
        if (r.p === p) {
          if (r.d === d) return r;
          let i = d;
          let j = r.d;
          if (j > 0) {
            while (data[i] && data[i] === data[j]) {
              i++;
              j++;
            }
            if (data[i] === data[j]) return r;
          }
        }
        for (let i = d; data[i]; i++) if (data[i] === -p) return undefined;
      } else {
        if (p2 && p > p2) {
          const o = p;
          p = p2;
          p2 = o;
        }
        if (r.p === p && !r.d && r.w2 === p2) return r;
        if (p === -p2) return undefined;
      }
      this.lastpkgrule = this.rules.length;
    }
    const r = new Rule();
    r.p = p;
    r.d = d;
    r.w1 = p;
    r.w2 = d ? data[d] : p2;
    this.rules.push(r);
    return r;
  }

  ruleIndex(r: Rule): number {
    return this.rules.indexOf(r);
  }

  literals(r: Rule): number[] {
    return ruleLiterals(r, this.store, this.#lits);
  }

  /** The literals of rule `rid` as a fresh array. */
  ruleLits(rid: number): number[] {
    return ruleLiterals(this.rules[rid], this.store, []);
  }

  // ---- decisions ------------------------------------------------------------------------------

  /** True if the literal is currently true / false. */
  litTrue(l: number): boolean {
    return l > 0 ? this.decisionmap[l] > 0 : this.decisionmap[-l] < 0;
  }

  litFalse(l: number): boolean {
    return l > 0 ? this.decisionmap[l] < 0 : this.decisionmap[-l] > 0;
  }

  /** solver_dep_fulfilled: is the dependency satisfied by what is decided installed now? */
  depFulfilled(dep: number): boolean {
    if (this.isComplexDep(dep)) {
      for (const clause of this.pool.richCnf(dep)) {
        let ok = false;
        for (const l of clause) {
          if (l > 0 ? this.decisionmap[l] > 0 : this.decisionmap[-l] <= 0) {
            ok = true;
            break;
          }
        }
        if (!ok) return false;
      }
      return true;
    }
    for (const p of this.providers(dep)) if (this.decisionmap[p] > 0) return true;
    return false;
  }

  isSupplementing(s: number): boolean {
    for (const d of this.pool.deps(s, 'supplements')) if (this.depFulfilled(d)) return true;
    return false;
  }

  isEnhancing(s: number): boolean {
    for (const d of this.pool.deps(s, 'enhances')) if (this.depFulfilled(d)) return true;
    return false;
  }
}

/** The infos of a rule as [type, from, to, dep]…, in the order they were recorded. */
export function ruleInfos(solv: SolverState, r: Rule): number[] {
  const out: number[] = [];
  const chain: number[] = [];
  for (let i = r.info; i >= 0; i = solv.infoData[i + 4]) chain.push(i);
  for (let k = chain.length - 1; k >= 0; k--) {
    const i = chain[k];
    out.push(solv.infoData[i], solv.infoData[i + 1], solv.infoData[i + 2], solv.infoData[i + 3]);
  }
  return out;
}
