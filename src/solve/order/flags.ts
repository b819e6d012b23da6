// rpm's dependency-flag predicates for ordering (include/rpm/rpmds.h): which requires order
// nothing, and which make an edge a prerequisite ("=>") for an install or for an erase.
import { DepFlag } from '../../rpm/model.ts';

const SENSE = DepFlag.LESS | DepFlag.GREATER | DepFlag.EQUAL;

const ALL_REQUIRES =
  DepFlag.INTERP |
  DepFlag.SCRIPT_PRE |
  DepFlag.SCRIPT_POST |
  DepFlag.SCRIPT_PREUN |
  DepFlag.SCRIPT_POSTUN |
  DepFlag.SCRIPT_VERIFY |
  DepFlag.FIND_REQUIRES |
  DepFlag.RPMLIB |
  DepFlag.KEYRING |
  DepFlag.PRETRANS |
  DepFlag.POSTTRANS |
  DepFlag.PREREQ |
  DepFlag.META |
  DepFlag.MISSINGOK;

const INSTALL_ONLY =
  DepFlag.SCRIPT_PRE | DepFlag.SCRIPT_POST | DepFlag.RPMLIB | DepFlag.KEYRING | DepFlag.PRETRANS | DepFlag.POSTTRANS;
const ERASE_ONLY = DepFlag.SCRIPT_PREUN | DepFlag.SCRIPT_POSTUN;
const UNORDERED_ONLY =
  DepFlag.RPMLIB | DepFlag.CONFIG | DepFlag.PRETRANS | DepFlag.POSTTRANS | DepFlag.SCRIPT_VERIFY | DepFlag.META;
const FORCE_ORDER = DepFlag.SCRIPT_PRE | DepFlag.SCRIPT_POST | DepFlag.SCRIPT_PREUN | DepFlag.SCRIPT_POSTUN;

/** Bits a rich dependency's parts inherit from the whole (rpmdsParseRichDep's depflags). */
export function richInheritedFlags(flags: number): number {
  return flags & ~(SENSE | 1 | DepFlag.MISSINGOK);
}

/**
 * isUnorderedReq: rpmlib(), config(), Requires(pretrans/posttrans/verify/meta) only matter at other
 * times, so they order nothing — unless the same entry is also a scriptlet prerequisite.
 */
export function isUnordered(flags: number): boolean {
  return (flags & UNORDERED_ONLY) !== 0 && (flags & FORCE_ORDER) === 0;
}

/**
 * The prerequisite bits an edge records: isInstallPreReq / isErasePreReq, with a bare legacy
 * PreReq counting as Requires(pre) on install and Requires(preun) on erase. Non-zero = "=>".
 */
export function prereqBits(flags: number, erase: boolean): number {
  let bits = flags & (erase ? ERASE_ONLY : INSTALL_ONLY);
  if ((flags & ALL_REQUIRES) === DepFlag.PREREQ) bits |= erase ? DepFlag.SCRIPT_PREUN : DepFlag.SCRIPT_PRE;
  return bits;
}

export { DepFlag };
