// An azldev-compatible project: load its TOML (includes, merge rules, file:line errors), resolve
// its components (inheritance, groups, overlay documents), and keep their locks and fingerprints.

export { displayPath, ProjectConfigError, SourceText } from './errors.ts';
export { CONFIG_FILE_NAME, findProjectConfig, loadProject, type LoadOptions, type Project } from './loader.ts';
export type * from './model.ts';
export {
  componentDistro,
  defaultDistro,
  resolveComponents,
  resolveDistroRef,
  type ResolvedComponent,
  type ResolvedDistro,
} from './resolve.ts';
export { selectComponents, selectorIsEmpty, type ComponentSelector } from './select.ts';
export {
  canonicalJson,
  componentIdentity,
  computeFingerprint,
  fingerprintView,
  localSourceIdentity,
  overlaySourceIdentity,
  resolutionInputHash,
  resolutionInputs,
  UnresolvedSourceError,
  type ComponentIdentity,
  type FingerprintInputs,
  type ResolutionInputs,
} from './fingerprint.ts';
export {
  formatLock,
  LOCK_VERSION,
  lockedComponentNames,
  lockPath,
  parseLock,
  readLock,
  removeLock,
  writeLock,
  type ComponentLock,
} from './lock.ts';
export { isProblem, projectLockDir, updateLocks, type UpdateOptions, type UpdateResult, type UpdateStatus } from './update.ts';
export { projectDump, projectDumpToml } from './dump.ts';
export { overlayMetadataProblem } from './validate.ts';
export { expandGlob, globMatch, isGlobPattern } from './glob.ts';
