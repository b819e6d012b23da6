// rpm databases of image roots: Fedora's sqlite rpmdb (what rpm 4.16+ reads) and Azure Linux's
// distroless package manifests.
export { installedHeaderBlob, FileState, type InstallTags } from './installed-header.ts';
export { INDEX_TABLES, PACKAGES_DDL, indexTableDdl, indexRows, richIndexNames, isTransientRequire, type IndexTable, type IndexRow } from './indexes.ts';
export { RpmdbWriter, RpmdbError, writeRpmdb, readRpmdb, rpmdbPath, DEFAULT_DBPATH, RPMDB_FILE, type RpmdbRecord } from './sqlite.ts';
export {
  MANIFEST_DIR,
  MANIFEST_1,
  MANIFEST_2,
  ManifestError,
  manifestEntry,
  formatManifest1,
  formatManifest2,
  parseManifest2,
  writeRpmManifests,
  readRpmManifest,
  type ManifestEntry,
} from './manifest.ts';
