// The overlay records the engine works on. They are plain objects shaped like azldev's TOML
// (`[[components.<n>.overlays]]`, `source-files`, `build`), so whatever the config loader builds
// from that TOML fits without conversion.

/** The 17 azldev overlay types, in azldev's declaration order. */
export const OVERLAY_TYPES = [
  'spec-add-tag',
  'spec-insert-tag',
  'spec-set-tag',
  'spec-update-tag',
  'spec-remove-tag',
  'spec-prepend-lines',
  'spec-append-lines',
  'spec-search-replace',
  'spec-remove-section',
  'spec-remove-subpackage',
  'patch-add',
  'patch-remove',
  'file-prepend-lines',
  'file-search-replace',
  'file-add',
  'file-remove',
  'file-rename',
] as const;

export type OverlayType = (typeof OVERLAY_TYPES)[number];

/** Where an overlay was declared: the TOML file, its line when known, its position in that file's list. */
export interface OverlayOrigin {
  file: string;
  /** 1-based line of the declaration; 0 or absent when unknown. */
  line?: number;
  /** 0-based position in the list it was declared in. */
  index: number;
}

export interface UrlRef {
  url?: string;
}

/** `metadata` of an overlay or of an overlay document; documentation only (not applied, not fingerprinted). */
export interface OverlayMetadataRecord {
  category?: string;
  /** TOML `upstream-status`. */
  upstreamStatus?: string;
  commits?: UrlRef[];
  bugs?: UrlRef[];
}

export interface OverlayRecord {
  type: string;
  description?: string;
  tag?: string;
  value?: string;
  section?: string;
  package?: string;
  regex?: string;
  replacement?: string;
  lines?: string[];
  file?: string;
  archive?: string;
  /** File to copy (file-add, patch-add): absolute, or relative to the directory of `origin.file`. */
  source?: string;
  metadata?: OverlayMetadataRecord;
  origin?: OverlayOrigin;
}

/** One `source-files` entry (only the fields the archive-overlay rule reads; TOML keys in camelCase). */
export interface SourceFileRecord {
  filename?: string;
  hash?: string;
  /** "SHA256" or "SHA512". */
  hashType?: string;
  origin?: { type?: string };
  replaceUpstream?: boolean;
  replaceReason?: string;
}

/** The `build` table fields that produce synthesized overlays. */
export interface BuildRecord {
  with?: string[];
  without?: string[];
  defines?: Record<string, string>;
  undefines?: string[];
  /** TOML `check.skip` / `check.skip_reason`. */
  check?: { skip?: boolean; skipReason?: string };
}

/** Everything applyOverlays needs to know about one component. */
export interface ComponentOverlayInput {
  name: string;
  /** Inline overlays first, then those of its overlay-files documents (the loader's order). */
  overlays: OverlayRecord[];
  build?: BuildRecord;
  sourceFiles?: SourceFileRecord[];
}

/**
 * A user-facing overlay failure; the message is one line (component, overlay number and
 * description, type, reason). `component`/`overlayIndex` are set when known (index is 0-based).
 */
export class OverlayError extends Error {
  override name = 'OverlayError';
  readonly component?: string;
  readonly overlayIndex?: number;
  constructor(message: string, component?: string, overlayIndex?: number) {
    super(message);
    this.component = component;
    this.overlayIndex = overlayIndex;
  }
}

/** A failure inside one overlay's application; applyOverlays prefixes it with the component and overlay. */
export class OverlayApplyError extends Error {
  override name = 'OverlayApplyError';
}

/** "#3 (Drop foo BuildRequires)" — how errors name an overlay; `index` is 0-based. */
export function overlayLabel(o: OverlayRecord, index: number): string {
  const desc = o.description && o.description.trim() !== '' ? o.description : 'no description';
  return `overlay #${index + 1} (${desc})`;
}

/** " (declared at file:line)" when the origin is known, else "". */
export function declaredAt(o: OverlayRecord): string {
  if (!o.origin) return '';
  return ` (declared at ${o.origin.file}${o.origin.line ? `:${o.origin.line}` : ''})`;
}
