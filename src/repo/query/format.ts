// --queryformat: compiling dnf's %{tag} formats and printing query results as dnf does (unique,
// sorted as Python sorts strings).

import { repoNevra, type RepoDepKind } from '../model.ts';
import { formatRepoDep } from './capability.ts';
import { absPath } from './files.ts';
import { pkgEvr } from './latest.ts';
import { QueryError, type QueryPackage } from './types.ts';

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
