// Image roots from packages: solve, fetch, verify and install in rpm's transaction order into an
// empty root (files, owners, capabilities, scriptlets chrooted, rpmdb), and verify a root later.
//
// Not supported (fresh installs into an empty root only): Lua scriptlets (-p <lua>; refused, or
// skipped with lua: 'skip'); macro / queryformat expansion of scriptlet bodies (-e / -q: run as
// written, with a warning); erase-side scriptlets and triggers (nothing is ever removed);
// %config files already on disk before the transaction (there are none in an empty root); sockets
// (not created, as rpm only special-cases /dev/log); relocations (INSTPREFIXES = PREFIXES).
// Deliberately stricter than rpm: a symlink whose target climbs above the root with ".." is
// refused when a package path would go through it (rpm, chrooted, would clamp it to the root).
export { composeRoot, openRepositories, type ComposeOptions, type ComposeResult, type OpenRepositoriesOptions } from './compose.ts';
export {
  installPackages,
  orderPackages,
  archColors,
  checkEmptyRoot,
  type InstallOptions,
  type InstallResult,
  type InstalledPackage,
} from './install.ts';
export { InstallError, type PackageSource, type FileAction } from './model.ts';
export type { InstallEvent, ScriptletPolicy, LuaPolicy, DatabaseKind } from './transaction.ts';
export type { ScriptletOutcome } from './scriptlets.ts';
export { planTransaction, filesDiffer, type PlanOptions } from './plan.ts';
export { RootFs, RootPathError } from './rootfs.ts';
export { verifyImageRoot, formatVerifyLine, type VerifyImageOptions, type VerifyImageResult, type VerifyProblem } from './verify.ts';
export { parseCaps, sameFileCaps, type CapSets } from './caps.ts';
