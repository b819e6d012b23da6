// What changed between two package lists (two snapshots of a repository, or two repositories):
// packages added, removed, upgraded and downgraded per name.arch, and with `checksums` also rebuilt
// under the same NEVRA. Pure and deterministic: the same inputs give the same lists in the same order.
import { comparePackageEvr, type QueryPackage } from './query/index.ts';

export interface CompareOptions {
  /** Also report packages whose NEVRA is unchanged but whose pkgid (file digest) differs. */
  checksums?: boolean;
}

/** A name.arch whose newest EVR moved (upgrade/downgrade), or a NEVRA whose file changed. */
export interface PackageChange {
  left: QueryPackage;
  right: QueryPackage;
}

export interface CompareSide {
  packages: number;
  /** Sum of `<size package>`: what a full mirror of the side downloads. */
  packageSize: number;
  installedSize: number;
}

export interface CompareStat {
  left: CompareSide;
  right: CompareSide;
  added: number;
  removed: number;
  upgraded: number;
  downgraded: number;
  changed: number;
  /** right.packageSize - left.packageSize */
  packageSizeDelta: number;
}

export interface RepoComparison {
  /** Only on the right. */
  added: QueryPackage[];
  /** Only on the left. */
  removed: QueryPackage[];
  upgraded: PackageChange[];
  downgraded: PackageChange[];
  /** Same NEVRA on both sides, different pkgids (only with `checksums`). */
  changed: PackageChange[];
  stat: CompareStat;
}

// The EVR text libsolv keys versions by (epoch 0 left out), so "1.0-1" and "0:1.0-1" are one version.
function evrKey(p: QueryPackage): string {
  return `${p.epoch && p.epoch !== '0' ? `${p.epoch}:` : ''}${p.version}-${p.release}`;
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Package order for output: name, arch, EVR (rpm order), then pkgid and location for ties.
function comparePackages(a: QueryPackage, b: QueryPackage): number {
  return (
    byString(a.name, b.name) ||
    byString(a.arch, b.arch) ||
    comparePackageEvr(a, b) ||
    byString(evrKey(a), evrKey(b)) ||
    byString(a.pkgid, b.pkgid) ||
    byString(a.location, b.location)
  );
}

// name.arch → EVR → packages (a repository may carry one NEVRA several times, e.g. re-signed).
function group(pkgs: readonly QueryPackage[]): Map<string, Map<string, QueryPackage[]>> {
  const out = new Map<string, Map<string, QueryPackage[]>>();
  for (const p of [...pkgs].sort(comparePackages)) {
    const na = `${p.name}\0${p.arch}`; // NUL sorts first: orders by name, then arch
    let evrs = out.get(na);
    if (!evrs) out.set(na, (evrs = new Map()));
    const list = evrs.get(evrKey(p));
    if (list) list.push(p);
    else evrs.set(evrKey(p), [p]);
  }
  return out;
}

function side(pkgs: readonly QueryPackage[]): CompareSide {
  let packageSize = 0;
  let installedSize = 0;
  for (const p of pkgs) {
    packageSize += p.packageSize;
    installedSize += p.installedSize;
  }
  return { packages: pkgs.length, packageSize, installedSize };
}

/**
 * Compare two package lists by name.arch. When a name.arch has one version per side (the usual
 * case) that version is added, removed, upgraded or downgraded. With several versions, the newest
 * on each side are paired (upgraded/downgraded when they differ) and every other version present on
 * only one side is added or removed on its own, so e.g. left {1, 2} vs right {2, 3} reports
 * 2 → 3 upgraded and 1 removed. Packages in each list are sorted by name, arch, EVR.
 */
export function compareRepositories(
  left: readonly QueryPackage[],
  right: readonly QueryPackage[],
  opts: CompareOptions = {},
): RepoComparison {
  const l = group(left);
  const r = group(right);
  const added: QueryPackage[] = [];
  const removed: QueryPackage[] = [];
  const upgraded: PackageChange[] = [];
  const downgraded: PackageChange[] = [];
  const changed: PackageChange[] = [];

  for (const na of [...new Set([...l.keys(), ...r.keys()])].sort(byString)) {
    const lv = l.get(na) ?? new Map<string, QueryPackage[]>();
    const rv = r.get(na) ?? new Map<string, QueryPackage[]>();
    // Versions ascend within a group (group() sorted the input), so the newest is last.
    const lNew = [...lv.keys()].at(-1);
    const rNew = [...rv.keys()].at(-1);
    let paired: [string, string] | undefined;
    if (lNew !== undefined && rNew !== undefined && lNew !== rNew) {
      const a = lv.get(lNew)![0];
      const b = rv.get(rNew)![0];
      const c = comparePackageEvr(b, a);
      // Equal by rpm but spelt differently (1.0 vs 1.00): neither newer, so not paired.
      if (c !== 0) {
        (c > 0 ? upgraded : downgraded).push({ left: a, right: b });
        paired = [lNew, rNew];
      }
    }
    for (const [evr, ps] of lv) {
      const other = rv.get(evr);
      if (other) {
        if (opts.checksums) changed.push(...checksumChanges(ps, other));
      } else if (evr !== paired?.[0]) removed.push(...ps);
    }
    for (const [evr, ps] of rv) if (!lv.has(evr) && evr !== paired?.[1]) added.push(...ps);
  }

  const ls = side(left);
  const rs = side(right);
  return {
    added,
    removed,
    upgraded,
    downgraded,
    changed,
    stat: {
      left: ls,
      right: rs,
      added: added.length,
      removed: removed.length,
      upgraded: upgraded.length,
      downgraded: downgraded.length,
      changed: changed.length,
      packageSizeDelta: rs.packageSize - ls.packageSize,
    },
  };
}

// Same NEVRA: the copies whose pkgid only one side has, paired off in order. When one side has more
// of them (a NEVRA listed twice on one side), the extras pair with the other side's first copy.
function checksumChanges(ls: QueryPackage[], rs: QueryPackage[]): PackageChange[] {
  const lIds = new Set(ls.map((p) => p.pkgid));
  const rIds = new Set(rs.map((p) => p.pkgid));
  const lOnly = ls.filter((p) => !rIds.has(p.pkgid));
  const rOnly = rs.filter((p) => !lIds.has(p.pkgid));
  const n = Math.max(lOnly.length, rOnly.length);
  const out: PackageChange[] = [];
  for (let i = 0; i < n; i++) out.push({ left: lOnly[i] ?? ls[0], right: rOnly[i] ?? rs[0] });
  return out;
}
