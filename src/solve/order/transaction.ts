// The transaction elements `rpm -U` builds (lib/depends.c addPackage): each package to install,
// followed right away by the erasures it causes — installed packages of the same name
// (addSelfErasures), then installed packages its Obsoletes match (addObsoleteErasures) — each
// installed package erased once. rpmtsOrder later runs all installs before all erases, so an
// upgraded package is always removed after its replacement is in place.
import { flagsEvrOverlap } from '../../rpm/depmatch.ts';
import { DepFlag } from './flags.ts';
import { evrOf, type OrderPackage, type TransactionElement } from './types.ts';

export interface UpgradeInput<P extends OrderPackage> {
  /** Packages to install or upgrade to, in the order given to rpm. Assumed distinct (no two NEVRAs alike). */
  install: readonly P[];
  /** The installed packages, in rpmdb order (the order they were installed). */
  installed?: readonly P[];
  /** Installed packages to erase on their own (`rpm -e`), added after the upgrades. */
  erase?: readonly P[];
  /** `rpm -i`: add no erasures for same-name or obsoleted packages. Default false (`rpm -U`). */
  installOnly?: boolean;
  /** Transaction colour: an installed package of a disjoint colour is not replaced (multilib). */
  tsColor?: number;
}

export function upgradeElements<P extends OrderPackage>(input: UpgradeInput<P>): TransactionElement<P>[] {
  const installed = input.installed ?? [];
  const tsColor = input.tsColor ?? 0;
  const out: TransactionElement<P>[] = [];
  const removed = new Set<P>();
  const remove = (pkg: P): void => {
    if (removed.has(pkg)) return;
    removed.add(pkg);
    out.push({ type: 'erase', pkg });
  };
  for (const pkg of input.install) {
    out.push({ type: 'install', pkg });
    if (input.installOnly) continue;
    const color = pkg.color ?? 0;
    for (const old of installed) {
      if (old.name !== pkg.name) continue;
      const oc = old.color ?? 0;
      if (tsColor && color && oc && !(color & oc)) continue;
      remove(old);
    }
    for (const obs of pkg.obsoletes ?? []) {
      for (const old of installed) {
        // rpm looks obsoletes up among installed packages not yet being erased.
        if (old.name !== obs.name || removed.has(old)) continue;
        if (!obs.version || flagsEvrOverlap(DepFlag.EQUAL, evrOf(old), obs.flags ?? 0, obs.version)) remove(old);
      }
    }
  }
  for (const pkg of input.erase ?? []) remove(pkg);
  return out;
}
