// `dnf repoquery` over rpm-md package records, with dnf 4's matching rules (dnf/cli/commands/
// repoquery.py on libdnf's Query and libsolv): package specs tried form by form, whatprovides falling
// back to file owners, what{requires,conflicts,…} also resolving package specs to their provides,
// --latest-limit per name.arch and --qf formatting. Build a PackageIndex once, then query it many
// times: filters are passes over a selection bitmap plus index lookups, never scans of all deps.
import { compareEvr } from '../rpm/evr.ts';
import { RPMSENSE_EQUAL, RPMSENSE_GREATER, RPMSENSE_LESS, flagsEvrOverlap } from '../rpm/depmatch.ts';
import { RichDepError, isRichDependency, parseRichDep, type RichExpr, type RichLeaf } from '../rpm/richdep.ts';
import { repoNevra, type RepoDep, type RepoDepFlags, type RepoDepKind, type RepoPackage } from './model.ts';

/** A package record plus the repository it came from (`%{repoid}`, the `repoid` filter). */
export type QueryPackage = RepoPackage & { repoid?: string };

/** Bad query input: a malformed glob, dependency string or --qf tag. */
export class QueryError extends Error {
  override name = 'QueryError';
}

// ---------------------------------------------------------------------------------------------
// fnmatch(3) with flags 0 (what libdnf/libsolv use): `*` and `?` also match '/' and a leading '.'.

const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  xdigit: '0-9A-Fa-f',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
};

function esc(c: string, inClass = false): string {
  // Under the u flag only syntax characters may be escaped, and '-' only inside a class.
  return /[\\^$.*+?()[\]{}|/]/.test(c) || (inClass && c === '-') ? `\\${c}` : c;
}

// A bracket expression starting at glob[i] === '['; undefined when unterminated (then '[' is literal).
function bracket(glob: string, i: number): { re: string; end: number } | undefined {
  let j = i + 1;
  let neg = '';
  if (glob[j] === '!' || glob[j] === '^') {
    neg = '^';
    j++;
  }
  let items = '';
  for (let first = true; ; first = false) {
    if (j >= glob.length) return undefined;
    let c = glob[j];
    if (c === ']' && !first) return { re: `[${neg}${items}]`, end: j };
    if (c === '[' && glob[j + 1] === ':') {
      const k = glob.indexOf(':]', j + 2);
      if (k > 0) {
        const cls = CLASSES[glob.slice(j + 2, k)];
        if (cls === undefined) throw new QueryError(`bad glob ${JSON.stringify(glob)}: unknown class [${glob.slice(j + 1, k + 1)}]`);
        items += cls;
        j = k + 2;
        continue;
      }
    }
    if (c === '\\' && j + 1 < glob.length) c = glob[++j];
    if (glob[j + 1] === '-' && j + 2 < glob.length && glob[j + 2] !== ']') {
      items += `${esc(c, true)}-${esc(glob[j + 2], true)}`;
      j += 3;
    } else {
      items += esc(c, true);
      j++;
    }
  }
}

/** The RegExp fnmatch(pattern, s, icase ? FNM_CASEFOLD : 0) amounts to. */
export function globRegExp(glob: string, icase = false): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '[^]*';
    else if (c === '?') re += '[^]';
    else if (c === '\\' && i + 1 < glob.length) re += esc(glob[++i]);
    else if (c === '[') {
      const b = bracket(glob, i);
      re += b ? b.re : '\\[';
      if (b) i = b.end;
    } else re += esc(c);
  }
  try {
    return new RegExp(`^${re}$`, icase ? 'iu' : 'u');
  } catch (e) {
    throw new QueryError(`bad glob ${JSON.stringify(glob)}: ${(e as Error).message}`);
  }
}

/** libdnf's hy_is_glob_pattern. */
export function isGlob(s: string): boolean {
  return /[*?[]/.test(s);
}

/** A string predicate for a glob; plain strings (the common case) compare directly. */
function matcher(pattern: string, icase = false): (s: string) => boolean {
  if (!/[*?[\\]/.test(pattern)) {
    if (!icase) return (s) => s === pattern;
    const lower = pattern.toLowerCase();
    return (s) => s.toLowerCase() === lower;
  }
  const re = globRegExp(pattern, icase);
  return (s) => re.test(s);
}

// ---------------------------------------------------------------------------------------------
// Dependencies

const SENSE: Record<RepoDepFlags, number> = {
  EQ: RPMSENSE_EQUAL,
  LT: RPMSENSE_LESS,
  GT: RPMSENSE_GREATER,
  LE: RPMSENSE_LESS | RPMSENSE_EQUAL,
  GE: RPMSENSE_GREATER | RPMSENSE_EQUAL,
};
const OP: Record<RepoDepFlags, string> = { EQ: '=', LT: '<', GT: '>', LE: '<=', GE: '>=' };

function depSense(d: RepoDep): number {
  return d.flags ? SENSE[d.flags] : 0;
}

// createrepo_c writes epoch="0" for "no epoch"; libsolv drops it, and for range overlap a zero epoch
// and a missing one are the same, so it is dropped here too.
function depEvr(d: RepoDep): string | undefined {
  if (!d.ver) return undefined;
  const e = d.epoch && d.epoch !== '0' ? `${d.epoch}:` : '';
  return d.rel ? `${e}${d.ver}-${d.rel}` : `${e}${d.ver}`;
}

/** A dependency as dnf prints it: `name`, `name >= [epoch:]ver[-rel]`, or a rich dep verbatim. */
export function formatRepoDep(d: RepoDep): string {
  const evr = depEvr(d);
  return d.flags && evr !== undefined ? `${d.name} ${OP[d.flags]} ${evr}` : d.name;
}

/** A query capability: `name`, or `name op evr` with op one of < <= = == >= >. */
export interface Capability {
  name: string;
  /** rpm sense bits (0 = any version). */
  sense: number;
  evr?: string;
}

const CAP_OPS: ReadonlyArray<[string, number]> = [
  ['<=', RPMSENSE_LESS | RPMSENSE_EQUAL],
  ['>=', RPMSENSE_GREATER | RPMSENSE_EQUAL],
  ['==', RPMSENSE_EQUAL],
  ['<', RPMSENSE_LESS],
  ['>', RPMSENSE_GREATER],
  ['=', RPMSENSE_EQUAL],
];

/**
 * Parse a capability as libdnf's DependencySplitter does. `a b` with no operator is one name with a
 * space (a file name); rich dependencies are refused (dnf 4 silently matches nothing for them).
 */
export function parseCapability(text: string): Capability {
  const bad = (why: string): never => {
    throw new QueryError(`bad dependency ${JSON.stringify(text)}: ${why}`);
  };
  if (isRichDependency(text)) bad('rich dependencies cannot be queried');
  const m = /^(\S+)\s*(.*)$/.exec(text);
  if (!m) return bad('no name');
  const rest = m[2];
  if (rest === '') return { name: m[1], sense: 0 };
  const op = CAP_OPS.find(([o]) => rest.startsWith(o));
  if (!op) return /^\S+$/.test(rest) ? { name: text, sense: 0 } : bad('expected name [op version]');
  const evr = rest.slice(op[0].length).trimStart();
  if (!/^\S+$/.test(evr)) bad(`expected one version after "${op[0]}"`);
  return { name: m[1], sense: op[1], evr };
}

// libsolv's pool_match_dep on a rich dep: could it match `leaf`? Only "then"/"else" branches count
// (not conditions, not the right of `without`), and `(a >= 1 with a < 2)` intervals need both ends.
function richMentions(e: RichExpr, leaf: (l: RichLeaf) => boolean): boolean {
  switch (e.kind) {
    case 'dep':
      return leaf(e);
    case 'group':
      return richMentions(e.expr, leaf);
    case 'and':
    case 'or':
      return e.operands.some((o) => richMentions(o, leaf));
    case 'with':
      return withMentions(e.operands, 0, leaf);
    case 'without':
    case 'else':
      return richMentions(e.left, leaf);
    case 'if':
    case 'unless': {
      const other = condElse(e.cond, e.else);
      return richMentions(e.then, leaf) || (other !== undefined && richMentions(other, leaf));
    }
  }
}

// `(a if (b else c))` is `(a if b else c)` to rpm and libsolv alike.
function condElse(cond: RichExpr, other: RichExpr | undefined): RichExpr | undefined {
  return other ?? (cond.kind === 'else' ? cond.right : undefined);
}

function unwrap(e: RichExpr): RichExpr {
  return e.kind === 'group' ? unwrap(e.expr) : e;
}

// libsolv nests chains to the right: (a with b with c) = a with (b with c).
function withMentions(ops: RichExpr[], i: number, leaf: (l: RichLeaf) => boolean): boolean {
  if (i === ops.length - 1) return richMentions(ops[i], leaf);
  if (i === ops.length - 2) {
    const l = unwrap(ops[i]);
    const r = unwrap(ops[i + 1]);
    const dirs = RPMSENSE_LESS | RPMSENSE_GREATER;
    if (l.kind === 'dep' && r.kind === 'dep' && l.name === r.name && l.flags && r.flags && ((l.flags ^ r.flags) & dirs) === dirs) {
      return leaf(l) && leaf(r);
    }
  }
  return richMentions(ops[i], leaf) || withMentions(ops, i + 1, leaf);
}

// libsolv's whatprovides of a rich dep, for one package: and/or/if/unless take the union of their
// branches ("potential" providers), with needs all operands, without excludes its right side.
function richProvidedBy(e: RichExpr, has: (l: RichLeaf) => boolean): boolean {
  switch (e.kind) {
    case 'dep':
      return has(e);
    case 'group':
      return richProvidedBy(e.expr, has);
    case 'and':
    case 'or':
      return e.operands.some((o) => richProvidedBy(o, has));
    case 'with':
      return e.operands.every((o) => richProvidedBy(o, has));
    case 'without':
      return richProvidedBy(e.left, has) && !richProvidedBy(e.right, has);
    case 'else':
      return richProvidedBy(e.left, has);
    case 'if':
    case 'unless': {
      const other = condElse(e.cond, e.else);
      return richProvidedBy(e.then, has) || (other !== undefined && richProvidedBy(other, has));
    }
  }
}

function leaves(e: RichExpr, out: Set<string>): Set<string> {
  switch (e.kind) {
    case 'dep':
      out.add(e.name);
      break;
    case 'group':
      leaves(e.expr, out);
      break;
    case 'and':
    case 'or':
    case 'with':
      for (const o of e.operands) leaves(o, out);
      break;
    case 'if':
    case 'unless':
      leaves(e.then, out);
      leaves(e.cond, out);
      if (e.else) leaves(e.else, out);
      break;
    default:
      leaves(e.left, out);
      leaves(e.right, out);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The index

/** A dependency table of one kind: name → flat (package, position in p.deps[kind]) pairs. */
export interface DepTable {
  byName: Map<string, number[]>;
  /** Parsed rich deps by text (undefined when malformed); each is filed under all its names. */
  rich: Map<string, RichExpr | undefined>;
  /** pathKey of every path-named dependency: lets file scans skip most paths without hashing them. */
  pathKeys: Set<number>;
  /** The dependency names that are paths. */
  paths: string[];
}

// A cheap fingerprint of a path (length and last two characters). Hashing millions of file paths
// for Map lookups costs seconds the first time (V8 hashes a string on first use); this skips most.
function pathKey(path: string): number {
  const n = path.length;
  return n * 0x10000 + ((path.charCodeAt(n - 1) * 31 + path.charCodeAt(n - 2)) & 0xffff);
}

/**
 * Lookup tables over a package list. Names are indexed up front, the dependency tables of each kind
 * on first use. There is no file table: a Map over the ~4 million paths of a full Fedora filelists
 * takes seconds to build, while one pass comparing paths takes ~20 ms, so file filters scan.
 */
export class PackageIndex {
  readonly packages: readonly QueryPackage[];
  readonly byName = new Map<string, number[]>();
  #lowerNames: Map<string, number[]> | undefined;
  readonly #deps = new Map<RepoDepKind, DepTable>();

  constructor(packages: readonly QueryPackage[]) {
    this.packages = packages;
    packages.forEach((p, i) => push(this.byName, p.name, i));
  }

  /** Case-folded name → packages, for dnf's case-insensitive package specs. */
  lowerNames(): Map<string, number[]> {
    if (!this.#lowerNames) {
      this.#lowerNames = new Map();
      for (const [name, ids] of this.byName) {
        const k = name.toLowerCase();
        const list = this.#lowerNames.get(k);
        this.#lowerNames.set(k, list ? [...list, ...ids].sort((a, b) => a - b) : ids);
      }
    }
    return this.#lowerNames;
  }

  deps(kind: RepoDepKind): DepTable {
    let t = this.#deps.get(kind);
    if (t) return t;
    t = { byName: new Map(), rich: new Map(), pathKeys: new Set(), paths: [] };
    const { byName, rich } = t;
    const names = new Map<string, string[]>();
    this.packages.forEach((p, pkg) => {
      const list = p.deps[kind];
      for (let j = 0; j < list.length; j++) {
        const name = list[j].name;
        if (!isRichDependency(name)) {
          push2(byName, name, pkg, j);
          continue;
        }
        let leafNames = names.get(name);
        if (leafNames === undefined) {
          const expr = parseRich(name);
          rich.set(name, expr);
          // A malformed rich dep in metadata stays under its literal text, where nothing matches.
          leafNames = expr ? [...leaves(expr, new Set())] : [name];
          names.set(name, leafNames);
        }
        for (const n of leafNames) push2(byName, n, pkg, j);
      }
    });
    for (const k of byName.keys()) {
      if (!k.startsWith('/')) continue;
      t.paths.push(k);
      t.pathKeys.add(pathKey(k));
    }
    this.#deps.set(kind, t);
    return t;
  }
}

function parseRich(text: string): RichExpr | undefined {
  try {
    return parseRichDep(text);
  } catch (e) {
    if (e instanceof RichDepError) return undefined;
    throw e;
  }
}

function push2(m: Map<string, number[]>, k: string, a: number, b: number): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [a, b]);
  else list.push(a, b);
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}

// A selection: one byte per package of the index (libsolv's Map, without the bit packing).
type Sel = Uint8Array;

function full(ix: PackageIndex): Sel {
  return new Uint8Array(ix.packages.length).fill(1);
}

function keysMatching<V>(m: Map<string, V>, pattern: string, icase = false): string[] {
  if (!/[*?[\\]/.test(pattern)) return m.has(pattern) ? [pattern] : [];
  const test = matcher(pattern, icase);
  return [...m.keys()].filter(test);
}

// ---------------------------------------------------------------------------------------------
// Package specs (libdnf Query::filterSubject with nevra.cpp's forms)

/** The package-spec forms, in the order dnf tries them. */
export const SPEC_FORMS = ['nevra', 'na', 'name', 'nevr', 'nev'] as const;
export type SpecForm = (typeof SPEC_FORMS)[number];

export interface SpecNevra {
  name: string;
  epoch?: number;
  version: string;
  release: string;
  arch: string;
}

// nevra.cpp's character sets: names may hold '-' and '.', versions and releases '.', arches neither.
const NAME_RE = /^[^:(/=<> ]+$/;
const VER_RE = /^[^-:(/=<> ]+$/;
const ARCH_RE = /^[^-:.(/=<> ]+$/;

// name-[epoch:]version: version and epoch come after the last '-'.
function splitNev(s: string): SpecNevra | undefined {
  const d = s.lastIndexOf('-');
  if (d <= 0 || !NAME_RE.test(s.slice(0, d))) return undefined;
  const m = /^(?:(\d+):)?(.*)$/.exec(s.slice(d + 1));
  if (!m || !VER_RE.test(m[2])) return undefined;
  const nv: SpecNevra = { name: s.slice(0, d), version: m[2], release: '', arch: '' };
  if (m[1] !== undefined) nv.epoch = Number(m[1]);
  return nv;
}

function splitNevr(s: string): SpecNevra | undefined {
  const d = s.lastIndexOf('-');
  const release = s.slice(d + 1);
  if (d < 0 || !VER_RE.test(release)) return undefined;
  const nv = splitNev(s.slice(0, d));
  return nv && { ...nv, release };
}

/**
 * Split a package spec in one form, as libdnf's Nevra::parse: the forms' fields cannot hold the
 * separators that follow them, so the split is at the last '.' (arch) and the last one or two '-'.
 */
export function parseSpec(spec: string, form: SpecForm): SpecNevra | undefined {
  if (form === 'name') return NAME_RE.test(spec) ? { name: spec, version: '', release: '', arch: '' } : undefined;
  if (form === 'nev') return splitNev(spec);
  if (form === 'nevr') return splitNevr(spec);
  const dot = spec.lastIndexOf('.');
  const arch = spec.slice(dot + 1);
  if (dot < 0 || !ARCH_RE.test(arch)) return undefined;
  const head = spec.slice(0, dot);
  if (form === 'na') return NAME_RE.test(head) ? { name: head, version: '', release: '', arch } : undefined;
  const nv = splitNevr(head);
  return nv && { ...nv, arch };
}

// Query::addFilter(Nevra): name by glob (case-folded for repoquery), the rest by case-sensitive glob;
// empty or '*' fields do not filter.
function specSel(ix: PackageIndex, nv: SpecNevra, icase: boolean): Sel {
  const out = new Uint8Array(ix.packages.length);
  let ids: Iterable<number>;
  if (nv.name === '' || nv.name === '*') ids = ix.packages.keys();
  else if (icase) ids = keysMatching(ix.lowerNames(), nv.name.toLowerCase(), true).flatMap((n) => ix.lowerNames().get(n) ?? []);
  else ids = keysMatching(ix.byName, nv.name).flatMap((n) => ix.byName.get(n) ?? []);
  const field = (pattern: string): ((s: string) => boolean) | undefined =>
    pattern === '' || pattern === '*' ? undefined : matcher(pattern);
  const ver = field(nv.version);
  const rel = field(nv.release);
  const arch = field(nv.arch);
  for (const i of ids) {
    const p = ix.packages[i];
    if (nv.epoch !== undefined && Number(p.epoch || '0') !== nv.epoch) continue;
    if ((ver && !ver(p.version)) || (rel && !rel(p.release)) || (arch && !arch(p.arch))) continue;
    out[i] = 1;
  }
  return out;
}

function nonEmpty(s: Sel): boolean {
  return s.includes(1);
}

// libdnf's last-resort HY_PKG_NEVRA glob: name-[epoch:]version-release.arch, the epoch shown
// (as 0: if need be) exactly when the pattern has a ':'.
function nevraGlobSel(ix: PackageIndex, pattern: string): Sel {
  const out = new Uint8Array(ix.packages.length);
  if (/[(/=<> ]/.test(pattern)) return out;
  const test = matcher(pattern);
  const withEpoch = pattern.includes(':');
  ix.packages.forEach((p, i) => {
    const e = withEpoch ? `${p.epoch || '0'}:` : '';
    if (test(`${p.name}-${e}${p.version}-${p.release}.${p.arch}`)) out[i] = 1;
  });
  return out;
}

// The literal text before a glob's first special character: a cheap test before the RegExp.
function literalPrefix(glob: string): string {
  const k = glob.search(/[*?[\\]/);
  return k < 0 ? glob : glob.slice(0, k);
}

// Source packages list their files without a directory ("foo.spec"); libsolv files them under '/'.
function absPath(path: string): string {
  return path.charCodeAt(0) === 0x2f ? path : `/${path}`;
}

/** Packages (within `within`, if given) owning a file matching one of the globs. */
function fileSel(ix: PackageIndex, globs: readonly string[], within?: Sel): Sel {
  const out = new Uint8Array(ix.packages.length);
  const exact: string[] = [];
  const patterns: Array<{ prefix: string; re: RegExp }> = [];
  for (const g of globs) {
    // libdnf drops a trailing '/' of a file pattern.
    const glob = g.length > 1 && g.endsWith('/') ? g.slice(0, -1) : g;
    if (/[*?[\\]/.test(glob)) patterns.push({ prefix: literalPrefix(glob), re: globRegExp(glob) });
    else exact.push(glob);
  }
  // The pathKey test first: most of the (possibly millions of) paths are never hashed.
  const keys = new Set(exact.map(pathKey));
  const exactSet = new Set(exact);
  const hit = (path: string): boolean => {
    if (keys.has(pathKey(path)) && exactSet.has(path)) return true;
    for (const g of patterns) if (path.startsWith(g.prefix) && g.re.test(path)) return true;
    return false;
  };
  ix.packages.forEach((p, i) => {
    if (within && !within[i]) return;
    for (const f of p.files) {
      if (hit(absPath(f.path))) {
        out[i] = 1;
        return;
      }
    }
  });
  return out;
}

interface SubjectOptions {
  icase: boolean;
  filenames: boolean;
}

// Query::filterSubject with_provides=false: the first spec form that selects anything wins.
function subjectSel(ix: PackageIndex, spec: string, o: SubjectOptions): Sel {
  for (const form of SPEC_FORMS) {
    const nv = parseSpec(spec, form);
    if (!nv) continue;
    const s = specSel(ix, nv, o.icase);
    if (nonEmpty(s)) return s;
  }
  const s = nevraGlobSel(ix, spec);
  if (nonEmpty(s)) return s;
  if (o.filenames && (spec.startsWith('/') || spec.startsWith('*/'))) return fileSel(ix, [spec]);
  return new Uint8Array(ix.packages.length);
}

// ---------------------------------------------------------------------------------------------
// Dependency filters

function capOverlaps(cap: Capability, sense: number, evr: string | undefined): boolean {
  return flagsEvrOverlap(cap.sense, cap.evr, sense, evr);
}

// Does package p provide `name sense evr`? Provides, plus its files for path dependencies (libsolv
// file provides).
function pkgProvides(p: RepoPackage, name: string, sense: number, evr: string | undefined): boolean {
  for (const d of p.deps.provides) {
    if (d.name === name && flagsEvrOverlap(depSense(d), depEvr(d), sense, evr)) return true;
  }
  return name.startsWith('/') && p.files.some((f) => absPath(f.path) === name);
}

// Does package p provide the `kind` dep at position j of package `pkg`?
function depProvidedBy(t: DepTable, dep: RepoDep, p: RepoPackage): boolean {
  const rich = t.rich.get(dep.name);
  if (rich) return richProvidedBy(rich, (l) => pkgProvides(p, l.name, l.flags, l.version));
  return pkgProvides(p, dep.name, depSense(dep), depEvr(dep));
}

// `kind` deps of selected packages that match a capability (a glob in the name when `glob`).
function depMatchSel(ix: PackageIndex, kind: RepoDepKind, caps: readonly string[], within: Sel, glob: boolean, out: Sel): void {
  const t = ix.deps(kind);
  for (const text of caps) {
    const cap = parseCapability(text);
    const names = glob ? keysMatching(t.byName, cap.name) : t.byName.has(cap.name) ? [cap.name] : [];
    const nameOk = glob ? matcher(cap.name) : (n: string) => n === cap.name;
    for (const name of names) {
      const pairs = t.byName.get(name) ?? [];
      for (let k = 0; k < pairs.length; k += 2) {
        const pkg = pairs[k];
        if (!within[pkg] || out[pkg]) continue;
        const dep = ix.packages[pkg].deps[kind][pairs[k + 1]];
        const rich = t.rich.get(dep.name);
        const hit = rich
          ? richMentions(rich, (l) => nameOk(l.name) && capOverlaps(cap, l.flags, l.version))
          : capOverlaps(cap, depSense(dep), depEvr(dep));
        if (hit) out[pkg] = 1;
      }
    }
  }
}

// dnf's _resolve_nevras: the caps read as package specs (case-sensitive, no file names), within.
function resolveSpecs(ix: PackageIndex, caps: readonly string[], within: Sel): number[] {
  const hit = new Uint8Array(ix.packages.length);
  for (const c of caps) {
    const s = subjectSel(ix, c, { icase: false, filenames: false });
    for (let i = 0; i < s.length; i++) if (s[i] && within[i]) hit[i] = 1;
  }
  return indices(hit);
}

// libsolv's whatprovides only holds installable packages: never source packages, and with
// `installableArches` (dnf: the host's compatible arches) only those arches.
type Installable = (p: RepoPackage) => boolean;

function installable(arches: readonly string[] | undefined): Installable {
  return (p) => p.arch !== 'src' && p.arch !== 'nosrc' && (!arches || arches.includes(p.arch));
}

// Selected packages whose `kind` deps are provided by one of `providers` (libsolv's
// pool_whatmatchessolvable): reached through each provider's provide names and, for path deps, its
// files. Like libsolv it skips self-matches and requirers that are not installable.
function providedBySel(ix: PackageIndex, kind: RepoDepKind, providers: number[], within: Sel, inst: Installable, out: Sel): void {
  const t = ix.deps(kind);
  const visit = (name: string, i: number, p: RepoPackage): void => {
    const pairs = t.byName.get(name);
    if (pairs === undefined) return;
    for (let k = 0; k < pairs.length; k += 2) {
      const pkg = pairs[k];
      if (!within[pkg] || out[pkg] || pkg === i) continue;
      const q = ix.packages[pkg];
      if (inst(q) && depProvidedBy(t, q.deps[kind][pairs[k + 1]], p)) out[pkg] = 1;
    }
  };
  for (const i of providers) {
    const p = ix.packages[i];
    if (!inst(p)) continue;
    for (const d of p.deps.provides) visit(d.name, i, p);
    if (!t.pathKeys.size) continue;
    for (const f of p.files) {
      const path = absPath(f.path);
      if (t.pathKeys.has(pathKey(path))) visit(path, i, p);
    }
  }
}

function whatDepSel(ix: PackageIndex, kinds: readonly RepoDepKind[], caps: readonly string[], within: Sel, resolve: boolean, inst: Installable): Sel {
  const out = new Uint8Array(ix.packages.length);
  for (const k of kinds) depMatchSel(ix, k, caps, within, true, out);
  if (resolve) {
    const providers = resolveSpecs(ix, caps, within);
    for (const k of kinds) providedBySel(ix, k, providers, within, inst, out);
  }
  return out;
}

const NON_PROVIDE_KINDS: readonly RepoDepKind[] = ['requires', 'conflicts', 'obsoletes', 'recommends', 'suggests', 'supplements', 'enhances'];

// provides__glob, and only when that finds nothing, file__glob (dnf's whatprovides). Paths other
// packages depend on are also provided by their owners (libsolv's file provides), so a glob over
// such paths finds owners in the provides pass already.
function whatProvidesSel(ix: PackageIndex, caps: readonly string[], within: Sel, inst: Installable): Sel {
  const out = new Uint8Array(ix.packages.length);
  const t = ix.deps('provides');
  const paths = new Set<string>();
  for (const text of caps) {
    const cap = parseCapability(text);
    for (const name of keysMatching(t.byName, cap.name)) {
      const pairs = t.byName.get(name) ?? [];
      for (let k = 0; k < pairs.length; k += 2) {
        const pkg = pairs[k];
        const p = ix.packages[pkg];
        const dep = p.deps.provides[pairs[k + 1]];
        if (within[pkg] && inst(p) && capOverlaps(cap, depSense(dep), depEvr(dep))) out[pkg] = 1;
      }
    }
    if (!/[*?[\\]/.test(cap.name)) {
      if (cap.name.startsWith('/')) paths.add(cap.name);
    } else if (/^[/*?[]/.test(cap.name)) {
      const test = matcher(cap.name);
      for (const k of NON_PROVIDE_KINDS) for (const path of ix.deps(k).paths) if (test(path)) paths.add(path);
    }
  }
  if (paths.size) {
    const owners = fileSel(ix, [...paths], within);
    ix.packages.forEach((p, i) => {
      if (owners[i] && inst(p)) out[i] = 1;
    });
  }
  return nonEmpty(out) ? out : fileSel(ix, caps, within);
}

function and(a: Sel, b: Sel): Sel {
  for (let i = 0; i < a.length; i++) a[i] &= b[i];
  return a;
}

function indices(s: Sel): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) if (s[i]) out.push(i);
  return out;
}

// ---------------------------------------------------------------------------------------------
// --latest-limit

function pkgEvr(p: RepoPackage): string {
  return `${p.epoch && p.epoch !== '0' ? `${p.epoch}:` : ''}${p.version}-${p.release}`;
}

/** rpm's EVR order for two packages. */
export function comparePackageEvr(a: RepoPackage, b: RepoPackage): -1 | 0 | 1 {
  return compareEvr(
    { epoch: a.epoch || '0', version: a.version, release: a.release },
    { epoch: b.epoch || '0', version: b.version, release: b.release },
  );
}

// libdnf filterLatest (HY_PKG_LATEST_PER_ARCH): per name.arch, newest first; limit > 0 keeps the
// packages of the `limit` newest distinct EVRs, limit < 0 drops those of the -limit newest.
function latestOf(pkgs: readonly RepoPackage[], ids: number[], limit: number): number[] {
  if (limit === 0) return ids;
  const groups = new Map<string, number[]>();
  for (const i of ids) push(groups, `${pkgs[i].name}\0${pkgs[i].arch}`, i);
  const keep: number[] = [];
  for (const g of groups.values()) {
    g.sort((a, b) => comparePackageEvr(pkgs[b], pkgs[a]) || a - b);
    let rank = 0;
    for (let k = 0; k < g.length; k++) {
      if (k > 0 && pkgEvr(pkgs[g[k]]) !== pkgEvr(pkgs[g[k - 1]])) rank++;
      if (limit > 0 ? rank < limit : rank >= -limit) keep.push(g[k]);
    }
  }
  return keep.sort((a, b) => a - b);
}

/** `--latest-limit N` over a package list (input order kept). */
export function latestPackages<P extends RepoPackage>(pkgs: readonly P[], limit: number): P[] {
  return latestOf(pkgs, [...pkgs.keys()], limit).map((i) => pkgs[i]);
}

// ---------------------------------------------------------------------------------------------
// The query

export interface QueryOptions {
  /** Package specs (repoquery's KEY arguments, globs allowed); none or empty = every package. */
  patterns?: readonly string[];
  /** --arch: exact architectures. */
  arch?: readonly string[];
  /** --repo: exact repository ids. */
  repoid?: readonly string[];
  /** --file: file globs. */
  file?: readonly string[];
  whatprovides?: readonly string[];
  whatrequires?: readonly string[];
  whatconflicts?: readonly string[];
  whatobsoletes?: readonly string[];
  whatrecommends?: readonly string[];
  whatsuggests?: readonly string[];
  whatsupplements?: readonly string[];
  whatenhances?: readonly string[];
  /** requires, recommends, suggests, supplements or enhances. */
  whatdepends?: readonly string[];
  /** --exactdeps: whatrequires/whatdepends match capabilities only, without resolving package specs. */
  exactdeps?: boolean;
  /** --latest-limit: N newest EVRs per name.arch; negative = all but the -N newest; 0 = off. */
  latestLimit?: number;
  /**
   * The arches dnf could install here (for x86_64: x86_64, i686, …, noarch). dnf's whatprovides and
   * its package-to-provides resolution see only those packages; unset = every arch. Source packages
   * are never seen there.
   */
  installableArches?: readonly string[];
}

type WeakOption = 'whatrecommends' | 'whatenhances' | 'whatsupplements' | 'whatsuggests';
const WEAK: ReadonlyArray<[WeakOption, RepoDepKind]> = [
  ['whatrecommends', 'recommends'],
  ['whatenhances', 'enhances'],
  ['whatsupplements', 'supplements'],
  ['whatsuggests', 'suggests'],
];

/**
 * `dnf repoquery` with the given options, filters applied in dnf's order; packages come back in
 * index order (use formatQueryResults for dnf's output).
 */
export function queryPackages(ix: PackageIndex, o: QueryOptions = {}): QueryPackage[] {
  let sel: Sel;
  if (o.patterns?.length) {
    sel = new Uint8Array(ix.packages.length);
    for (const p of o.patterns) {
      const s = subjectSel(ix, p, { icase: true, filenames: true });
      for (let i = 0; i < s.length; i++) sel[i] |= s[i];
    }
  } else sel = full(ix);
  const keepIf = (test: (p: QueryPackage) => boolean): void => {
    ix.packages.forEach((p, i) => {
      if (sel[i] && !test(p)) sel[i] = 0;
    });
  };
  const { repoid, arch } = o;
  if (repoid?.length) keepIf((p) => p.repoid !== undefined && repoid.includes(p.repoid));
  if (arch?.length) keepIf((p) => arch.includes(p.arch));
  if (o.file?.length) sel = and(fileSel(ix, o.file), sel);
  const inst = installable(o.installableArches);
  if (o.whatconflicts?.length) sel = whatDepSel(ix, ['conflicts'], o.whatconflicts, sel, true, inst);
  if (o.whatobsoletes?.length) {
    const out = new Uint8Array(ix.packages.length);
    depMatchSel(ix, 'obsoletes', o.whatobsoletes, sel, false, out);
    sel = out;
  }
  if (o.whatprovides?.length) sel = whatProvidesSel(ix, o.whatprovides, sel, inst);
  if (o.whatrequires?.length) sel = whatDepSel(ix, ['requires'], o.whatrequires, sel, !o.exactdeps, inst);
  if (o.whatdepends?.length) {
    const kinds: RepoDepKind[] = ['requires', 'recommends', 'enhances', 'supplements', 'suggests'];
    sel = whatDepSel(ix, kinds, o.whatdepends, sel, !o.exactdeps, inst);
  }
  for (const [opt, kind] of WEAK) {
    const caps = o[opt];
    if (caps?.length) sel = whatDepSel(ix, [kind], caps, sel, true, inst);
  }
  let ids = indices(sel);
  if (o.latestLimit) ids = latestOf(ix.packages, ids, o.latestLimit);
  return ids.map((i) => ix.packages[i]);
}

type ArchOption = Pick<QueryOptions, 'installableArches'>;

/** `dnf repoquery --whatprovides CAP…`. */
export function whatProvides(ix: PackageIndex, caps: readonly string[], opts: ArchOption = {}): QueryPackage[] {
  return queryPackages(ix, { ...opts, whatprovides: caps });
}

/** `dnf repoquery --whatrequires CAP… [--exactdeps]`. */
export function whatRequires(ix: PackageIndex, caps: readonly string[], opts: ArchOption & { exactdeps?: boolean } = {}): QueryPackage[] {
  return queryPackages(ix, { ...opts, whatrequires: caps });
}

// ---------------------------------------------------------------------------------------------
// --queryformat

/** dnf repoquery's default output: the epoch is always shown. */
export const DEFAULT_QUERY_FORMAT = '%{name}-%{epoch}:%{version}-%{release}.%{arch}';

type Tag = (p: QueryPackage) => string;

// hawkey returns None for unset strings, which dnf prints as "(none)".
const orNone = (s: string | undefined): string => (s ? s : '(none)');
// dnf's sorted(set(...)) of the stringified list, one per line.
const lines = (xs: string[]): string => [...new Set(xs)].sort().join('\n');
const deps = (kind: RepoDepKind): Tag => (p) => lines(p.deps[kind].map(formatRepoDep));

function utcMinutes(seconds: number): string {
  // dnf: datetime.utcfromtimestamp(t).strftime("%Y-%m-%d %H:%M"), '' for 0.
  return seconds > 0 ? new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ') : '';
}

function sourceName(srpm: string): string | undefined {
  return /^(.+)-[^-]+-[^-]+\.(?:no)?src\.rpm$/.exec(srpm)?.[1];
}

const TAGS: Record<string, Tag> = {
  name: (p) => p.name,
  epoch: (p) => p.epoch || '0',
  version: (p) => p.version,
  release: (p) => p.release,
  arch: (p) => p.arch,
  evr: pkgEvr,
  nevra: repoNevra,
  nvr: (p) => `${p.name}-${p.version}-${p.release}`,
  summary: (p) => orNone(p.summary),
  description: (p) => orNone(p.description),
  url: (p) => orNone(p.url),
  license: (p) => orNone(p.license),
  packager: (p) => orNone(p.packager),
  vendor: (p) => p.vendor,
  group: (p) => orNone(p.group),
  buildhost: (p) => orNone(p.buildHost),
  location: (p) => p.location,
  pkgid: (p) => p.pkgid,
  checksum: (p) => p.pkgid,
  checksumtype: (p) => p.checksumType,
  size: (p) => String(p.packageSize),
  packagesize: (p) => String(p.packageSize),
  downloadsize: (p) => String(p.packageSize),
  installsize: (p) => String(p.installedSize),
  archivesize: (p) => String(p.archiveSize),
  buildtime: (p) => utcMinutes(p.buildTime),
  sourcerpm: (p) => orNone(p.sourceRpm),
  source_name: (p) => orNone(sourceName(p.sourceRpm)),
  repoid: (p) => orNone(p.repoid),
  reponame: (p) => orNone(p.repoid),
  files: (p) => lines(p.files.map((f) => absPath(f.path))),
  provides: deps('provides'),
  requires: deps('requires'),
  requires_pre: (p) => lines(p.deps.requires.filter((d) => d.pre).map(formatRepoDep)),
  conflicts: deps('conflicts'),
  obsoletes: deps('obsoletes'),
  recommends: deps('recommends'),
  suggests: deps('suggests'),
  supplements: deps('supplements'),
  enhances: deps('enhances'),
};

/** The tags --qf accepts. */
export const QUERY_TAGS: readonly string[] = Object.keys(TAGS).sort();

// dnf's %[-][width]{tag}; anything else, including a lone '%', is literal text.
const TAG_RE = /%(-?)(\d*)\{([\w.:-]+)\}/g;

/**
 * Compile a --qf format: `%{tag}` (case-insensitive, `requires-pre` = `requires_pre`), `%20{tag}`
 * right-aligned and `%-20{tag}` left-aligned as in rpm and printf (dnf 4 does the opposite, a
 * quirk not copied), `\n` and `\t` escapes. Throws QueryError for an unknown tag.
 */
export function compileQueryFormat(fmt: string): (p: QueryPackage) => string {
  const text = fmt.replaceAll('\\n', '\n').replaceAll('\\t', '\t');
  const parts: Array<string | ((p: QueryPackage) => string)> = [];
  let pos = 0;
  for (const m of text.matchAll(TAG_RE)) {
    parts.push(text.slice(pos, m.index));
    pos = m.index + m[0].length;
    const tag = TAGS[m[3].toLowerCase().replaceAll('-', '_')];
    if (!tag) throw new QueryError(`unknown query tag %{${m[3]}} (see QUERY_TAGS)`);
    const width = m[2] ? Number(m[2]) : 0;
    const left = m[1] === '-';
    parts.push(width ? (p) => pad(tag(p), width, left) : tag);
  }
  parts.push(text.slice(pos));
  return (p) => parts.map((x) => (typeof x === 'string' ? x : x(p))).join('');
}

// Width counts code points, like Python's str.format.
function pad(s: string, width: number, left: boolean): string {
  const n = [...s].length;
  if (n >= width) return s;
  const fill = ' '.repeat(width - n);
  return left ? s + fill : fill + s;
}

/** One package through a --qf format. */
export function formatQuery(fmt: string, pkg: QueryPackage): string {
  return compileQueryFormat(fmt)(pkg);
}

/** repoquery's output: each package formatted, duplicates dropped, sorted (as Python sorts strings). */
export function formatQueryResults(pkgs: readonly QueryPackage[], fmt = DEFAULT_QUERY_FORMAT): string[] {
  const f = compileQueryFormat(fmt);
  const out = [...new Set(pkgs.map(f))];
  // JS compares UTF-16 code units, Python code points: they differ only when surrogates are involved.
  return out.some((s) => /[\uD800-\uDFFF]/.test(s)) ? out.sort(compareCodePoints) : out.sort();
}

function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i].codePointAt(0) ?? 0) - (y[i].codePointAt(0) ?? 0);
  }
  return x.length - y.length;
}
