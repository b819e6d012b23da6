// File dispositions for a whole transaction, decided before anything is written (rpm's
// rpmtsPrepare: skipInstallFiles then handleOverlappedFiles). Pure: paths are compared after
// resolving the directory symlinks the transaction's own packages create (rpm's fingerprints),
// identical files shared between packages are created once, different ones are conflicts unless
// multilib colours decide, and excluded docs / languages / netshared paths are recorded as such.

import { FileFlag, type RpmFile } from '../../rpm/model.ts';
import { Tag } from '../../rpm/tags.ts';
import { FileState } from '../rpmdb/installed-header.ts';
import { type FileAction, type FilePlan, InstallError, type TxPackage, isSkipping } from './model.ts';
import { RootPathError, pathComponents } from './rootfs.ts';

export interface PlanOptions {
  /** %_excludedocs: files marked %doc are not installed (licences still are). */
  excludeDocs?: boolean;
  /** %_install_langs: only files without a language or in one of these (default: all). */
  installLangs?: readonly string[];
  /** %_netsharedpath: paths provided by other means (network file systems); not installed. */
  netSharedPaths?: readonly string[];
  /** Transaction colour (rpmtsColor) and preferred colour: multilib conflicts resolution. */
  tsColor?: number;
  prefColor?: number;
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;

function langMatches(flangs: string, langs: readonly string[]): boolean {
  const list = flangs.split('|').filter(Boolean);
  return langs.some((lang) => list.some((l) => lang.startsWith(l)));
}

function netshared(path: string, paths: readonly string[]): boolean {
  return paths.some((p) => {
    const n = p.replace(/\/+$/, '');
    return n !== '' && (path === n || path.startsWith(`${n}/`));
  });
}

/** rpm's skipInstallFiles for one package: actions before overlaps are considered. */
function skipFiles(p: TxPackage, opts: PlanOptions): FileAction[] {
  const files = p.pkg.files;
  const tsColor = opts.tsColor ?? 0;
  const actions: FileAction[] = files.map((f) => ((f.flags & FileFlag.GHOST) !== 0 ? 'ghost' : 'create'));
  const dirCount = new Map<number, number>();
  const dirEmptied = new Set<number>();
  files.forEach((f, i) => {
    const dx = p.dirIndexes[i] ?? -1;
    dirCount.set(dx, (dirCount.get(dx) ?? 0) + 1);
    let skip: FileAction | undefined;
    if (tsColor && f.color && !(tsColor & f.color)) skip = 'color';
    else if (opts.netSharedPaths?.length && netshared(f.path, opts.netSharedPaths)) skip = 'netshared';
    else if (f.flags & FileFlag.LICENSE) skip = undefined;
    else if (opts.installLangs && f.lang && !langMatches(f.lang, opts.installLangs)) skip = 'excluded';
    else if (opts.excludeDocs && f.flags & FileFlag.DOC) skip = 'excluded';
    if (!skip) return;
    actions[i] = skip;
    dirCount.set(dx, dirCount.get(dx)! - 1);
    dirEmptied.add(dx);
  });
  if (dirEmptied.size === 0) return actions;
  // Directories the package owns that are now empty because of skipped files are skipped too,
  // deepest first (the header lists directory names in sorted order).
  const dirNames = p.header.strings(Tag.DIRNAMES);
  for (let dx = dirNames.length - 1; dx >= 0; dx--) {
    if ((dirCount.get(dx) ?? 0) !== 0 || !dirEmptied.has(dx)) continue;
    const dn = dirNames[dx].replace(/\/$/, '');
    const i = files.findIndex((f, k) => !isSkipping(actions[k]) && (f.mode & S_IFMT) === S_IFDIR && f.path === dn);
    if (i < 0) continue;
    actions[i] = 'excluded';
    const parent = p.dirIndexes[i] ?? -1;
    dirCount.set(parent, (dirCount.get(parent) ?? 0) - 1);
    dirEmptied.add(parent);
  }
  return actions;
}

/** rpmfilesCompare: 0 when two packages' copies of a path are interchangeable. */
export function filesDiffer(a: RpmFile, b: RpmFile): boolean {
  if (a.flags & FileFlag.GHOST || b.flags & FileFlag.GHOST) return false;
  const at = a.mode & S_IFMT;
  if (!(at === S_IFLNK && (b.mode & S_IFMT) === S_IFLNK) && a.mode !== b.mode) return true;
  if ((at === S_IFLNK || at === S_IFREG) && a.size !== b.size) return true;
  if (a.user !== b.user || a.group !== b.group) return true;
  if (at === S_IFLNK) return a.linkTo !== b.linkTo;
  if (at === S_IFREG) return a.digest !== b.digest;
  if (at === 0o020000 || at === 0o060000) return a.rdev !== b.rdev;
  return false;
}

/** Directory symlinks created by the transaction so far, to resolve later paths through. */
class VirtualLinks {
  private readonly links = new Map<string, string>();
  private readonly cache = new Map<string, string>();

  add(resolved: string, target: string): void {
    this.links.set(resolved, target);
    this.cache.clear();
  }

  /** The in-root path of `dir` with the transaction's symlinks followed (rpm's fingerprint dir). */
  resolveDir(dir: string, what: string): string {
    const hit = this.cache.get(dir);
    if (hit !== undefined) return hit;
    const cur: string[] = [];
    const queue = pathComponents(dir);
    let hops = 0;
    while (queue.length) {
      const c = queue.shift()!;
      if (c === '..') {
        if (!cur.length) throw new RootPathError(`refusing ${what}: a symlink on its way leads outside the root`);
        cur.pop();
        continue;
      }
      cur.push(c);
      const target = this.links.get(`/${cur.join('/')}`);
      if (target === undefined) continue;
      if (++hops > 40) throw new RootPathError(`refusing ${what}: too many levels of symbolic links`);
      cur.pop();
      if (target.startsWith('/')) cur.length = 0;
      queue.unshift(...target.split('/').filter((x) => x !== '' && x !== '.'));
    }
    const out = `/${cur.join('/')}`;
    this.cache.set(dir, out);
    return out;
  }
}

function splitPath(path: string): [string, string] {
  const i = path.lastIndexOf('/');
  return [path.slice(0, i) || '/', path.slice(i + 1)];
}

/**
 * Plans every file of every package (in transaction order). Throws InstallError listing the file
 * conflicts, as rpm refuses the whole transaction.
 */
export function planTransaction(pkgs: readonly TxPackage[], opts: PlanOptions = {}): FilePlan[] {
  const plans: FilePlan[] = pkgs.map((p) => ({ actions: skipFiles(p, opts), states: [] }));
  const links = new VirtualLinks();
  const owners = new Map<string, { pkg: number; file: number }>();
  const conflicts: string[] = [];
  const tsColor = opts.tsColor ?? 0;
  const prefColor = opts.prefColor ?? 0;
  pkgs.forEach((p, pi) => {
    const actions = plans[pi].actions;
    p.pkg.files.forEach((f, fi) => {
      if (isSkipping(actions[fi])) return;
      const [dir, base] = splitPath(f.path);
      const resolvedDir = links.resolveDir(dir, f.path);
      const key = resolvedDir === '/' ? `/${base}` : `${resolvedDir}/${base}`;
      const prev = owners.get(key);
      owners.set(key, { pkg: pi, file: fi });
      if ((f.mode & S_IFMT) === S_IFLNK && actions[fi] === 'create') links.add(key, f.linkTo);
      if (!prev) return;
      const other = pkgs[prev.pkg].pkg.files[prev.file];
      const otherActions = plans[prev.pkg].actions;
      if (filesDiffer(other, f)) {
        // handleColorConflict: on multilib systems the preferred colour's copy wins.
        const fc = f.color & tsColor;
        const oc = other.color & tsColor;
        if (tsColor && fc && oc && fc !== oc && (fc & prefColor || oc & prefColor)) {
          if (fc & prefColor) {
            if (otherActions[prev.file] === 'create') otherActions[prev.file] = 'color';
          } else actions[fi] = 'color';
          return;
        }
        conflicts.push(`file ${f.path} conflicts between attempted installs of ${p.nevra} and ${pkgs[prev.pkg].nevra}`);
        return;
      }
      // Identical: created once, by the first package (unless that one only had a %ghost).
      const oa = otherActions[prev.file];
      if (!isSkipping(oa) && oa !== 'ghost') actions[fi] = 'shared';
      else if (oa === 'color') actions[fi] = 'color';
    });
  });
  if (conflicts.length) throw new InstallError(`transaction check failed:\n  ${conflicts.join('\n  ')}`);
  for (const plan of plans) plan.states = plan.actions.map(stateOf);
  return plans;
}

function stateOf(a: FileAction): number {
  switch (a) {
    case 'excluded':
      return FileState.NOTINSTALLED;
    case 'netshared':
      return FileState.NETSHARED;
    case 'color':
      return FileState.WRONGCOLOR;
    default:
      return FileState.NORMAL;
  }
}
