// --latest-limit (libdnf filterLatest) and the rpm EVR order of packages it ranks by.

import { compareEvr } from '../../rpm/evr.ts';
import type { RepoPackage } from '../model.ts';
import { push } from './package-index.ts';

export function pkgEvr(p: RepoPackage): string {
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
export function latestOf(pkgs: readonly RepoPackage[], ids: number[], limit: number): number[] {
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
