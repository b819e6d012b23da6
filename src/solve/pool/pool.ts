// The package pool: every package of every repository (plus the installed set) as a dense solvable
// id, with interned names/EVRs/dependencies and a provides index, answering "who provides X?" with
// libsolv's rpm semantics. Ids: solvable 0 is unused, 1 is the system solvable (provides rpmlib()
// deps nobody else provides, as libsolv's SYSTEMSOLVABLE), packages start at 2, repo by repo in input
// order. Dependency id 0 is unused.
import { REPO_DEP_KINDS, type RepoDep, type RepoDepKind, type RepoFile } from '../../repo/model.ts';
import { richLeaves, type RichLeaf, type RichNode } from '../../rpm/richdep.ts';
import { ARCH_SCORE_NOARCH, archColor, archScores, isSourceArch } from './arch.ts';
import { DepTable, PoolError } from './deps.ts';
import { REL_RICH, compareEvrParts, evrInRange, rangesIntersect, senseToRel } from './evr.ts';
import { CNF_FALSE, richCandidates, richCnf, unionAll, type Cnf } from './rich.ts';
import { snapshotFileOwners, snapshotFilePaths, snapshotFromPackages, type RepoSnapshot } from './snapshot.ts';

export const SYSTEM_SOLVABLE = 1;
const FIRST_SOLVABLE = 2;

export type DepKind = RepoDepKind;
export const DEP_KINDS = REPO_DEP_KINDS;
// A plain object: deps() is on the solver's hot path, and a property load beats a Map lookup.
const KIND_INDEX = Object.fromEntries(DEP_KINDS.map((k, i) => [k, i])) as Record<DepKind, number>;
const PROVIDES = KIND_INDEX.provides;
const REQUIRES = KIND_INDEX.requires;
const OBSOLETES = KIND_INDEX.obsoletes;

/** What the pool needs of a package (RepoPackage fits; other readers can build this directly). */
export interface PoolPackage {
  name: string;
  /** Absent, '' or '0' = no epoch. */
  epoch?: string;
  version: string;
  release: string;
  arch: string;
  deps?: Partial<Record<DepKind, readonly RepoDep[]>>;
  /** Only paths some dependency mentions become provides (see Pool.addFileProvides). */
  files?: readonly Pick<RepoFile, 'path'>[];
}

interface PoolRepoBase {
  id: string;
  /** libsolv's sense: HIGHER wins. dnf's `priority=` (lower wins) maps to `-priority`. Default 0. */
  priority?: number;
  subpriority?: number;
  /** The installed set ("@System"); at most one repository may be installed. */
  installed?: boolean;
}

/** A repository given as package records (record(s) returns them as they are). */
export interface PoolPackagesInput<P extends PoolPackage = PoolPackage> extends PoolRepoBase {
  packages: readonly P[];
}

/**
 * A repository given as a snapshot (snapshot.ts, e.g. read from the on-disk cache); `record`
 * makes the record of its i-th package when record(s) is first asked for it.
 */
export interface PoolSnapshotInput<P extends PoolPackage = PoolPackage> extends PoolRepoBase {
  snapshot: RepoSnapshot;
  record: (i: number) => P;
}

export type PoolRepoInput<P extends PoolPackage = PoolPackage> = PoolPackagesInput<P> | PoolSnapshotInput<P>;

export interface PoolOptions {
  /** System arch (x86_64, aarch64, …). Unset: every arch but src/nosrc counts as installable. */
  arch?: string;
}

export interface PoolRepo {
  id: string;
  priority: number;
  subpriority: number;
  installed: boolean;
  /** Its solvables are the ids start ≤ s < end. */
  start: number;
  end: number;
}

const EMPTY = new Int32Array(0);

export class Pool<P extends PoolPackage = PoolPackage> {
  /** Interned strings, EVRs and dependencies. */
  readonly table = new DepTable();
  readonly strings = this.table.strings;
  readonly arch: string | undefined;
  readonly repos: PoolRepo[] = [];
  /** Index into `repos` of the installed repository, -1 if none. */
  readonly installedRepo: number = -1;
  /** Number of solvable ids (including 0 and the system solvable). */
  readonly nsolvables: number;

  // Struct of arrays, indexed by solvable id.
  readonly solvName: Int32Array;
  readonly solvEvr: Int32Array;
  readonly solvArch: Int32Array;
  readonly solvRepo: Int32Array;
  readonly #records: (P | undefined)[];
  // Per repository: its snapshot and how to make a record of its i-th package (snapshot inputs).
  readonly #snapshots: RepoSnapshot[] = [];
  readonly #makeRecord: (((i: number) => P) | undefined)[] = [];
  readonly #multiversion: Uint8Array;
  readonly #whatprovidesOk: Uint8Array;

  // Per-kind dependency lists (CSR: ids of solvable s are data[off[s]] … data[off[s+1]-1]).
  readonly #depOff: Int32Array[] = [];
  readonly #depData: Int32Array[] = [];
  readonly #requiresPre: Uint8Array;

  // Provides index by name id (CSR over solvables, ascending), entries carry the provide's dep id.
  readonly #provOff: Int32Array;
  readonly #provSolv: Int32Array;
  readonly #provDep: Int32Array;
  // File provides: path name id → solvables having the file (only for paths asked about).
  readonly #fileProv = new Map<number, Int32Array>();

  readonly #archScores: Map<string, number> | undefined;
  readonly #whatprovides: (Int32Array | undefined)[] = [];
  readonly #cnf = new Map<number, Cnf>();
  readonly #cnfNeg = new Map<number, Cnf>();
  #byName: { off: Int32Array; data: Int32Array } | undefined;

  constructor(repos: readonly PoolRepoInput<P>[], options: PoolOptions = {}) {
    this.arch = options.arch;
    this.#archScores = options.arch === undefined ? undefined : archScores(options.arch);
    // Package records become snapshots too (in memory), so there is one way of filling the pool.
    const snaps = repos.map((r) => ('snapshot' in r ? r.snapshot : snapshotFromPackages(r.packages)));
    let total = FIRST_SOLVABLE;
    for (const snap of snaps) total += snap.count;
    this.nsolvables = total;
    this.solvName = new Int32Array(total);
    this.solvEvr = new Int32Array(total);
    this.solvArch = new Int32Array(total);
    this.solvRepo = new Int32Array(total).fill(-1);
    this.#records = new Array<P | undefined>(total).fill(undefined);
    this.#multiversion = new Uint8Array(total);
    this.#whatprovidesOk = new Uint8Array(total);
    this.solvName[SYSTEM_SOLVABLE] = this.strings.intern('system:system');
    this.solvArch[SYSTEM_SOLVABLE] = this.strings.intern('noarch');

    const dataLen = DEP_KINDS.map((_, k) => snaps.reduce((n, snap) => n + snap.depData[k].length, 0));
    const datas = dataLen.map((n) => new Int32Array(n));
    const offs = DEP_KINDS.map(() => new Int32Array(total + 1));
    const pre = new Uint8Array(dataLen[REQUIRES]);
    let s = FIRST_SOLVABLE;
    for (let r = 0; r < repos.length; r++) {
      const input = repos[r];
      const snap = snaps[r];
      const installed = input.installed === true;
      if (installed) {
        if (this.installedRepo >= 0) throw new PoolError('only one repository can be the installed set');
        this.installedRepo = this.repos.length;
      }
      const repo: PoolRepo = {
        id: input.id,
        priority: input.priority ?? 0,
        subpriority: input.subpriority ?? 0,
        installed,
        start: s,
        end: s + snap.count,
      };
      this.repos.push(repo);
      this.#snapshots.push(snap);
      if ('snapshot' in input) this.#makeRecord.push(input.record);
      else {
        this.#makeRecord.push(undefined);
        for (let i = 0; i < snap.count; i++) this.#records[s + i] = input.packages[i];
      }
      this.#addSnapshot(r, snap, s, installed, datas, offs, pre);
      s += snap.count;
    }
    for (let k = 0; k < DEP_KINDS.length; k++) {
      // Ids 0 and 1 own no dependencies; their offsets stay 0.
      this.#depOff.push(offs[k]);
      this.#depData.push(datas[k]);
    }
    this.#requiresPre = pre;

    [this.#provOff, this.#provSolv, this.#provDep] = this.#buildProvidesIndex();
    this.addFileProvides(this.#mentionedPaths());
  }

  /**
   * Interns a snapshot's local strings, EVRs and dependencies (in their order, which is the order
   * the packages first used them) and copies its solvables in as ids start, start+1, …
   */
  #addSnapshot(repo: number, snap: RepoSnapshot, start: number, installed: boolean, datas: Int32Array[], offs: Int32Array[], pre: Uint8Array): void {
    const strMap = new Int32Array(snap.strings.length);
    this.strings.reserve(snap.strings.length);
    for (let i = 0; i < snap.strings.length; i++) strMap[i] = this.strings.intern(snap.strings[i], snap.stringHashes[i]);
    const evrMap = new Int32Array(snap.evrs.length);
    for (let i = 0; i < snap.evrs.length; i++) evrMap[i] = this.table.internEvr(snap.evrs[i]);
    const depMap = new Int32Array(snap.depName.length);
    this.table.reserveDeps(snap.depName.length);
    const { depName, depFlags, depEvr } = snap;
    for (let d = 1; d < depMap.length; d++) depMap[d] = this.table.depId(strMap[depName[d]], depFlags[d], evrMap[depEvr[d]]);
    const okByArch = new Map<number, number>();
    for (let i = 0; i < snap.count; i++) {
      const s = start + i;
      this.solvRepo[s] = repo;
      this.solvName[s] = strMap[snap.name[i]];
      this.solvEvr[s] = evrMap[snap.evr[i]];
      this.solvArch[s] = strMap[snap.arch[i]];
      if (installed) this.#whatprovidesOk[s] = 1;
      else {
        let ok = okByArch.get(this.solvArch[s]);
        if (ok === undefined) okByArch.set(this.solvArch[s], (ok = this.isInstallable(s) ? 1 : 0));
        this.#whatprovidesOk[s] = ok;
      }
    }
    for (let k = 0; k < DEP_KINDS.length; k++) {
      const off = offs[k];
      const base = off[start];
      const src = snap.depData[k];
      const dst = datas[k];
      for (let j = 0; j < src.length; j++) dst[base + j] = depMap[src[j]];
      const soff = snap.depOff[k];
      for (let i = 0; i < snap.count; i++) off[start + i + 1] = base + soff[i + 1];
      if (k === REQUIRES) pre.set(snap.requiresPre, base);
    }
  }

  #buildProvidesIndex(): [Int32Array, Int32Array, Int32Array] {
    const nnames = this.strings.size;
    const off = new Int32Array(nnames + 1);
    const pOff = this.#depOff[PROVIDES];
    const pData = this.#depData[PROVIDES];
    for (let s = FIRST_SOLVABLE; s < this.nsolvables; s++) {
      if (!this.#whatprovidesOk[s]) continue;
      for (let i = pOff[s]; i < pOff[s + 1]; i++) {
        const d = pData[i];
        if (this.table.flags[d] !== REL_RICH) off[this.table.name[d] + 1]++;
      }
    }
    for (let n = 0; n < nnames; n++) off[n + 1] += off[n];
    const fill = off.slice(0, nnames);
    const solv = new Int32Array(off[nnames]);
    const dep = new Int32Array(off[nnames]);
    for (let s = FIRST_SOLVABLE; s < this.nsolvables; s++) {
      if (!this.#whatprovidesOk[s]) continue;
      for (let i = pOff[s]; i < pOff[s + 1]; i++) {
        const d = pData[i];
        if (this.table.flags[d] === REL_RICH) continue;
        const at = fill[this.table.name[d]]++;
        solv[at] = s;
        dep[at] = d;
      }
    }
    return [off, solv, dep];
  }

  // Paths (names starting with '/') that any non-provides dependency mentions, rich leaves included.
  #mentionedPaths(): string[] {
    const { flags, name } = this.table;
    const strings = this.strings.strings;
    const seen = new Uint8Array(name.length);
    const paths: string[] = [];
    for (let k = 0; k < DEP_KINDS.length; k++) {
      if (k === PROVIDES) continue;
      const data = this.#depData[k];
      for (let i = 0; i < data.length; i++) {
        const d = data[i];
        if (seen[d]) continue;
        seen[d] = 1;
        if (flags[d] === REL_RICH) {
          const expr = this.richExpr(d);
          if (expr) for (const leaf of richLeaves(expr)) if (leaf.name.startsWith('/')) paths.push(leaf.name);
        } else if (strings[name[d]].charCodeAt(0) === 0x2f) paths.push(strings[name[d]]);
      }
    }
    return paths;
  }

  /**
   * Make each path a provide of every package that contains it (libsolv's addfileprovides). The
   * constructor does this for the paths dependencies mention; whatProvides does it on demand for
   * any other path, so this is only needed to front-load the scan.
   */
  addFileProvides(paths: Iterable<string>): void {
    const wanted = new Map<string, number[]>();
    for (const p of paths) {
      const id = this.strings.intern(p);
      if (!this.#fileProv.has(id) && !wanted.has(p)) wanted.set(p, []);
    }
    if (wanted.size === 0) return;
    for (let r = 0; r < this.repos.length; r++) {
      const files = this.#snapshots[r].files;
      if (files.nfiles === 0) continue;
      const start = this.repos[r].start;
      for (const [p, list] of wanted) {
        for (const i of snapshotFileOwners(files, p)) if (this.#whatprovidesOk[start + i]) list.push(start + i);
      }
    }
    // No cached answer can be stale: whatProvides indexes a path before answering for it.
    for (const [p, list] of wanted) this.#fileProv.set(this.strings.intern(p), list.length ? Int32Array.from(list) : EMPTY);
  }

  // ---- dependencies (delegated to the table) --------------------------------------------------

  /** Intern `name [flags evr]` (relation bits from evr.ts; a name starting with '(' is a rich dep). */
  dep(name: string, flags = 0, evr = ''): number {
    return this.table.dep(name, flags, evr);
  }

  /** Intern an rpm-md `<rpm:entry>`. */
  repoDep(d: RepoDep): number {
    return this.table.repoDep(d);
  }

  /** Intern a dependency written as text: `name`, `name op evr`, or a rich `( … )` expression. */
  parseDep(text: string): number {
    return this.table.parseDep(text);
  }

  depName(d: number): string {
    return this.strings.str(this.table.name[d]);
  }

  depNameId(d: number): number {
    return this.table.name[d];
  }

  /** Relation bits (0 unversioned, REL_RICH for a rich dep). */
  depFlags(d: number): number {
    return this.table.flags[d];
  }

  depEvr(d: number): string {
    return this.table.evrText[this.table.evr[d]];
  }

  depToString(d: number): string {
    return this.table.toString(d);
  }

  get ndeps(): number {
    return this.table.name.length;
  }

  /** The parsed expression of a rich dep; undefined for plain deps and unparsable text. */
  richExpr(d: number): RichNode | undefined {
    return this.table.richExpr(d);
  }

  // ---- whatprovides ---------------------------------------------------------------------------

  /**
   * Solvables providing `dep`, ascending (a cached, shared array: do not modify). Plain deps match
   * provides by name with libsolv's range rules, plus packages containing the file when the name
   * is a path. Rich deps give libsolv's candidate set (see rich.ts); use richCnf for their meaning.
   * Like libsolv, only installed packages and packages installable on the pool's arch are indexed.
   */
  whatProvides(dep: number | string): Int32Array {
    const d = this.table.toDep(dep);
    let r = this.#whatprovides[d];
    if (r === undefined) {
      r = this.#computeProviders(d);
      this.#whatprovides[d] = r;
    }
    return r;
  }

  #leafProviders = (leaf: RichLeaf): Int32Array =>
    this.whatProvides(this.dep(leaf.name, senseToRel(leaf.flags), leaf.version ?? ''));

  #computeProviders(d: number): Int32Array {
    const flags = this.table.flags[d];
    if (flags === REL_RICH) {
      const expr = this.richExpr(d);
      return expr ? richCandidates(expr, this.#leafProviders) : EMPTY;
    }
    const name = this.table.name[d];
    const out: number[] = [];
    if (name + 1 < this.#provOff.length) {
      const evr = this.table.evr[d];
      const parts = this.table.evrParts[evr];
      let last = 0;
      for (let i = this.#provOff[name]; i < this.#provOff[name + 1]; i++) {
        const s = this.#provSolv[i];
        if (s === last) continue;
        const pd = this.#provDep[i];
        const pflags = this.table.flags[pd];
        if (flags !== 0 && pflags !== 0) {
          const pevr = this.table.evr[pd];
          if (!rangesIntersect(pflags, this.table.evrParts[pevr], flags, parts, pevr === evr)) continue;
        }
        out.push(s);
        last = s;
      }
    }
    let result: Int32Array = out.length ? Int32Array.from(out) : EMPTY;
    const nameText = this.strings.str(name);
    if (nameText.charCodeAt(0) === 0x2f) {
      // File provides are unversioned: they satisfy any range on the path.
      if (!this.#fileProv.has(name)) this.addFileProvides([nameText]);
      result = unionAll([result, this.#fileProv.get(name) ?? EMPTY]);
    }
    if (result.length === 0 && nameText.startsWith('rpmlib(')) return Int32Array.of(SYSTEM_SOLVABLE);
    return result;
  }

  /**
   * The exact meaning of `dep` as CNF over solvable literals (see rich.ts): for a plain dep one
   * clause listing its providers (CNF_FALSE when there are none). With `negate`, the CNF of "dep is
   * not satisfied" (what a Conflicts rule needs). Cached.
   */
  richCnf(dep: number | string, negate = false): Cnf {
    const d = this.table.toDep(dep);
    const cache = negate ? this.#cnfNeg : this.#cnf;
    let r = cache.get(d);
    if (r === undefined) {
      const expr = this.richExpr(d);
      if (expr) r = richCnf(expr, this.#leafProviders, negate);
      else {
        const p = this.whatProvides(d);
        if (negate) r = Array.from(p, (s) => Int32Array.of(-s));
        else r = p.length ? [p] : CNF_FALSE;
      }
      cache.set(d, r);
    }
    return r;
  }

  // ---- solvables ------------------------------------------------------------------------------

  /** Dependency ids of solvable `s` of one kind (a view: do not modify). */
  deps(s: number, kind: DepKind): Int32Array {
    const k = KIND_INDEX[kind];
    const off = this.#depOff[k];
    const a = off[s];
    const b = off[s + 1];
    // Most lists of most kinds are empty: share one empty view instead of allocating.
    return a === b ? EMPTY : this.#depData[k].subarray(a, b);
  }

  /** Pre flags (1 = Requires(pre…)), aligned with deps(s, 'requires'). */
  requiresPre(s: number): Uint8Array {
    const off = this.#depOff[REQUIRES];
    return this.#requiresPre.subarray(off[s], off[s + 1]);
  }

  record(s: number): P | undefined {
    let r = this.#records[s];
    if (r === undefined && s >= FIRST_SOLVABLE && s < this.nsolvables) {
      const repo = this.solvRepo[s];
      const make = this.#makeRecord[repo];
      if (make) r = this.#records[s] = make(s - this.repos[repo].start);
    }
    return r;
  }

  files(s: number): readonly Pick<RepoFile, 'path'>[] {
    if (s < FIRST_SOLVABLE || s >= this.nsolvables) return [];
    const repo = this.solvRepo[s];
    if (!this.#makeRecord[repo]) return this.#records[s]?.files ?? [];
    return snapshotFilePaths(this.#snapshots[repo].files, s - this.repos[repo].start).map((path) => ({ path }));
  }

  name(s: number): string {
    return this.strings.str(this.solvName[s]);
  }

  evr(s: number): string {
    return this.table.evrText[this.solvEvr[s]];
  }

  archOf(s: number): string {
    return this.strings.str(this.solvArch[s]);
  }

  /** `name-evr.arch`, as libsolv prints a solvable. */
  nevra(s: number): string {
    return `${this.name(s)}-${this.evr(s)}.${this.archOf(s)}`;
  }

  /** Solvables whose package name is `name` (any arch, any repo, including uninstallable ones). */
  packagesNamed(name: string): Int32Array {
    const id = this.strings.lookup(name);
    if (id < 0) return EMPTY;
    if (!this.#byName) {
      // CSR by name id (counting sort), solvables ascending.
      const n = this.strings.size;
      const off = new Int32Array(n + 1);
      for (let s = FIRST_SOLVABLE; s < this.nsolvables; s++) off[this.solvName[s] + 1]++;
      for (let i = 0; i < n; i++) off[i + 1] += off[i];
      const fill = off.slice(0, n);
      const data = new Int32Array(this.nsolvables - FIRST_SOLVABLE);
      for (let s = FIRST_SOLVABLE; s < this.nsolvables; s++) data[fill[this.solvName[s]]++] = s;
      this.#byName = { off, data };
    }
    const { off, data } = this.#byName;
    return id + 1 < off.length && off[id] < off[id + 1] ? data.subarray(off[id], off[id + 1]) : EMPTY;
  }

  get installedRange(): [number, number] {
    const r = this.repos[this.installedRepo];
    return r ? [r.start, r.end] : [0, 0];
  }

  isInstalled(s: number): boolean {
    return this.installedRepo >= 0 && this.solvRepo[s] === this.installedRepo;
  }

  repoOf(s: number): PoolRepo | undefined {
    return this.repos[this.solvRepo[s]];
  }

  repoPriority(s: number): number {
    return this.repos[this.solvRepo[s]]?.priority ?? 0;
  }

  repoSubpriority(s: number): number {
    return this.repos[this.solvRepo[s]]?.subpriority ?? 0;
  }

  // ---- arch -----------------------------------------------------------------------------------

  /**
   * Arch score of `s` on `systemArch` (default: the pool's): 0 = not installable, 1 = noarch, else
   * 0x10001 + 0x10000·rank, lower = better (arch.ts). Without any system arch every non-source
   * arch scores 1.
   */
  archScore(s: number, systemArch: string | undefined = this.arch): number {
    const arch = this.archOf(s);
    if (isSourceArch(arch)) return 0;
    if (systemArch === undefined) return ARCH_SCORE_NOARCH;
    const scores = systemArch === this.arch && this.#archScores ? this.#archScores : archScores(systemArch);
    return scores.get(arch) ?? 0;
  }

  /** src/nosrc never; otherwise when the arch is compatible with `systemArch` (default: the pool's). */
  isInstallable(s: number, systemArch: string | undefined = this.arch): boolean {
    if (s === SYSTEM_SOLVABLE) return true;
    return this.archScore(s, systemArch) !== 0;
  }

  /** Multilib colour (arch.ts): 1 = 32-bit, 2 = 64-bit, 3 = noarch. */
  archColor(s: number): number {
    return archColor(this.archOf(s));
  }

  // ---- policy helpers -------------------------------------------------------------------------

  /** EVR ordering between two solvables (missing epoch = 0; missing release sorts first). */
  evrCompare(a: number, b: number): number {
    const ea = this.solvEvr[a];
    const eb = this.solvEvr[b];
    return ea === eb ? 0 : compareEvrParts(this.table.evrParts[ea], this.table.evrParts[eb]);
  }

  sameName(a: number, b: number): boolean {
    return this.solvName[a] === this.solvName[b];
  }

  /** Is `s` itself (its name and EVR, not its provides) inside the plain dep's range? */
  matchesNevr(s: number, dep: number | string): boolean {
    const d = this.table.toDep(dep);
    const flags = this.table.flags[d];
    if (flags === REL_RICH || this.table.name[d] !== this.solvName[s]) return false;
    const evr = this.table.evr[d];
    return evrInRange(this.table.evrParts[this.solvEvr[s]], flags, this.table.evrParts[evr], evr === this.solvEvr[s]);
  }

  /** Does some Obsoletes of `obsoleter` name `target` (by package name and EVR, provides ignored)? */
  obsoletesMatch(obsoleter: number, target: number): boolean {
    for (const d of this.deps(obsoleter, 'obsoletes')) if (this.matchesNevr(target, d)) return true;
    return false;
  }

  /** Solvables (indexed ones, installed included) that `s` obsoletes by name, ascending. */
  obsoletedBy(s: number): Int32Array {
    const off = this.#depOff[OBSOLETES];
    if (off[s] === off[s + 1]) return EMPTY;
    const out = new Set<number>();
    for (const d of this.deps(s, 'obsoletes')) {
      for (const p of this.whatProvides(d)) if (p !== s && this.matchesNevr(p, d)) out.add(p);
    }
    return Int32Array.from(out).sort();
  }

  /** Mark every provider of these deps multiversion (dnf's installonlypkgs: SOLVABLE_PROVIDES). */
  markMultiversion(deps: Iterable<number | string>): void {
    for (const dep of deps) for (const s of this.whatProvides(dep)) this.#multiversion[s] = 1;
  }

  isMultiversion(s: number): boolean {
    return this.#multiversion[s] === 1;
  }
}
