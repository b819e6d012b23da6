// Public surface of the overlay engine: azldev's 17 overlay types, archive overlays, overlay
// metadata and overlay documents, validated and applied with azldev's semantics and order.
export { OVERLAY_TYPES, OverlayError } from './types.ts';
export type {
  BuildRecord,
  ComponentOverlayInput,
  OverlayMetadataRecord,
  OverlayOrigin,
  OverlayRecord,
  OverlayType,
  SourceFileRecord,
  UrlRef,
} from './types.ts';
export {
  OVERLAY_CATEGORIES,
  UPSTREAM_STATUSES,
  checkOverlay,
  checkOverlayMetadata,
  isArchiveName,
  modifiesArchive,
  validateOverlay,
  validateOverlayMetadata,
} from './validate.ts';
export { GoRegexError, compileGoRegex, translateGoRegex } from './go-regex.ts';
export { goReplaceAllLiteral } from './go-replace.ts';
export { GlobError, globMatcher, fileGlobMatcher, isValidGlob } from './glob.ts';
export { MACROS_FILE_SUFFIX, SPEC_HEADER_LINES, macrosFileContent } from './synthesized.ts';
export { checkArchiveSourceFiles, type RepackedArchive } from './archive-overlays.ts';
export { applyOverlays, type ApplyOverlaysOptions, type ApplyOverlaysResult } from './apply.ts';
export { loadOverlayDocuments, parseOverlayDocument, type OverlayDocument } from './document.ts';
