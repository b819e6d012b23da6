// Load-time overlay checks, as azldev's ComponentOverlay.Validate and OverlayMetadata.Validate
// (internal/projectconfig/overlay.go, overlay_metadata.go): required fields per type, forbidden
// combinations, regexes that compile, relative file paths, archive names. Stricter than azldev in
// one respect: a `file` path may not contain a `..` segment (azldev relies on its confined
// filesystem to refuse the escape at apply time; we refuse it up front).

import { GoRegexError, compileGoRegex } from './go-regex.ts';
import { isValidGlob } from './glob.ts';
import { OVERLAY_TYPES, OverlayError, overlayLabel } from './types.ts';
import type { OverlayMetadataRecord, OverlayRecord, OverlayType } from './types.ts';

export const OVERLAY_CATEGORIES = [
  'upstream-backport',
  'azl-pruning',
  'azl-compatibility',
  'azl-temp-workaround',
  'azl-branding-policy',
  'azl-disable-flaky-tests',
  'azl-disable-unsupported-tests',
  'azl-security-compliance',
  'azl-release-management',
  'azl-platform-adaptation',
] as const;

export const UPSTREAM_STATUSES = ['upstreamed', 'upstreamable', 'needs-upstream-hook', 'inapplicable', 'unknown'] as const;

/** Archive suffixes an archive overlay may name: azldev's (tar, gz, xz, zst) plus bzip2. */
const ARCHIVE_SUFFIXES = ['.tar.gz', '.tgz', '.tar.xz', '.txz', '.tar.zst', '.tzst', '.tar.bz2', '.tbz2', '.tbz', '.tar'];

export function isArchiveName(name: string): boolean {
  const lower = name.toLowerCase();
  return ARCHIVE_SUFFIXES.some((s) => lower.endsWith(s));
}

export function isOverlayType(t: string): t is OverlayType {
  return (OVERLAY_TYPES as readonly string[]).includes(t);
}

/** Types whose archive-scoped form (`archive = …`) edits a file inside a source tarball. */
export function supportsArchiveScope(t: string): boolean {
  return t === 'file-remove' || t === 'file-search-replace';
}

/** True when the overlay edits files inside an archive (runs in the archive phase). */
export function modifiesArchive(o: OverlayRecord): boolean {
  return supportsArchiveScope(o.type) && !!o.archive && !!o.file;
}

/** azldev's ValidateFilename: one plain, ASCII, space-free file name. */
function filenameProblem(name: string): string | undefined {
  if (name === '.' || name === '..') return 'is not a valid file name';
  if (name.startsWith('/')) return 'cannot be an absolute path';
  if (name.includes('/')) return 'must be a simple filename without directory components';
  if (/\s/.test(name)) return 'must not contain whitespace';
  if (name.includes('\0')) return 'must not contain null bytes';
  if (name.includes('\\')) return 'must not contain backslashes';
  if (/[^\x20-\x7e]/.test(name)) return 'must contain only ASCII characters';
  return undefined;
}

/** Why a `file` path is unsafe (absolute, climbs with `..`), or undefined. */
export function relativePathProblem(path: string): string | undefined {
  if (path.startsWith('/')) return 'to be a relative path';
  if (path.includes('\0')) return 'not to contain NUL bytes';
  if (path.split('/').includes('..')) return 'not to contain ".." path segments';
  return undefined;
}

function regexProblem(pattern: string): string | undefined {
  try {
    compileGoRegex(pattern);
    return undefined;
  } catch (e) {
    if (e instanceof GoRegexError) return e.message;
    throw e;
  }
}

/** The reason an overlay is invalid (one phrase, like azldev's message), or undefined when valid. */
export function checkOverlay(o: OverlayRecord): string | undefined {
  const t = o.type;
  const need = (field: string) => `overlay type "${t}" requires "${field}" field`;
  if (!t || !isOverlayType(t)) return `unknown overlay type ${JSON.stringify(t ?? '')}`;

  if (o.archive) {
    if (!isArchiveName(o.archive)) return `overlay "archive" field ${JSON.stringify(o.archive)} is not a recognized archive name`;
    const bad = filenameProblem(o.archive);
    if (bad) return `unsafe overlay "archive" field ${JSON.stringify(o.archive)}: filename ${bad}`;
    if (!supportsArchiveScope(t)) return `overlay type "${t}" does not support archive-scoped file paths`;
    if (!o.file) return need('file');
  }

  const relFile = (): string | undefined => {
    if (!o.file) return need('file');
    const bad = relativePathProblem(o.file);
    return bad ? `overlay type "${t}" requires "file" ${bad}; found ${JSON.stringify(o.file)}` : undefined;
  };
  const sectionIfPackage = () =>
    !o.section && o.package ? `overlay type "${t}" requires "section" field when "package" is set` : undefined;
  const hasLines = Array.isArray(o.lines) && o.lines.length > 0;

  switch (t) {
    case 'spec-add-tag':
    case 'spec-insert-tag':
    case 'spec-set-tag':
    case 'spec-update-tag':
    case 'spec-remove-tag':
      if (!o.tag) return need('tag');
      if (t !== 'spec-remove-tag' && !o.value) return need('value');
      return undefined;
    case 'spec-prepend-lines':
    case 'spec-append-lines':
      if (!hasLines) return need('lines');
      return sectionIfPackage();
    case 'spec-search-replace':
      if (!o.regex) return need('regex');
      return regexProblem(o.regex) ?? sectionIfPackage();
    case 'file-prepend-lines':
      return relFile() ?? (hasLines ? undefined : need('lines'));
    case 'file-search-replace':
      return relFile() ?? (o.regex ? regexProblem(o.regex) : need('regex'));
    case 'file-add':
      return relFile() ?? (o.source ? undefined : need('source'));
    case 'file-remove':
      return relFile();
    case 'file-rename': {
      const bad = relFile();
      if (bad) return bad;
      if (!o.replacement) return need('replacement');
      if (o.replacement.includes('/') || o.replacement === '.' || o.replacement === '..') {
        return `overlay type "${t}" requires "replacement" to be a filename only (not a path); found ${JSON.stringify(o.replacement)}`;
      }
      return undefined;
    }
    case 'spec-remove-section':
      return o.section ? undefined : need('section');
    case 'spec-remove-subpackage':
      if (!o.package) return need('package');
      return o.section ? `overlay type "${t}" does not accept "section" field` : undefined;
    case 'patch-add':
      if (!o.source) return need('source');
      return o.file ? relFile() : undefined;
    case 'patch-remove':
      return relFile() ?? (isValidGlob(o.file!) ? undefined : `invalid glob pattern ${JSON.stringify(o.file)}`);
  }
}

/** The reason overlay metadata is invalid, or undefined. */
export function checkOverlayMetadata(m: OverlayMetadataRecord): string | undefined {
  const category = m.category;
  if (!category) return '"metadata" requires "category"';
  if (!(OVERLAY_CATEGORIES as readonly string[]).includes(category)) return `unknown overlay category ${JSON.stringify(category)}`;
  const backport = category === 'upstream-backport';
  if (backport && (!m.commits || m.commits.length === 0)) {
    return 'overlay category "upstream-backport" requires at least one entry in "commits"';
  }
  const status = m.upstreamStatus;
  if (!status) return '"metadata" requires "upstream-status"';
  if (!(UPSTREAM_STATUSES as readonly string[]).includes(status)) return `unknown overlay upstream-status ${JSON.stringify(status)}`;
  if (backport && status !== 'upstreamed' && status !== 'upstreamable') {
    return `overlay category "upstream-backport" implies the change is already upstream or upstreamable; "upstream-status" value ${JSON.stringify(status)} is contradictory (allowed: "upstreamed" or "upstreamable")`;
  }
  for (const [field, refs] of [['commits', m.commits], ['bugs', m.bugs]] as const) {
    for (const [i, ref] of (refs ?? []).entries()) {
      const bad = urlProblem(ref?.url);
      if (bad) return `metadata ${field}[${i}].url ${bad}`;
    }
  }
  return undefined;
}

function urlProblem(url: unknown): string | undefined {
  if (typeof url !== 'string' || url === '') return 'is required';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${JSON.stringify(url)} is not an absolute URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `${JSON.stringify(url)} must be http(s)`;
  if (parsed.hostname === '') return `${JSON.stringify(url)} has no host`;
  return undefined;
}

/**
 * Throws OverlayError when the overlay (or its metadata) is invalid. The message names the
 * declaring file and line when the overlay carries an origin: `file:line: overlay #2 (desc): reason`.
 */
export function validateOverlay(o: OverlayRecord): void {
  let reason = checkOverlay(o);
  if (!reason && o.metadata) {
    const bad = checkOverlayMetadata(o.metadata);
    if (bad) reason = `invalid metadata: ${bad}`;
  }
  if (!reason) return;
  if (!o.origin) throw new OverlayError(`overlay (${o.description || 'no description'}): ${reason}`);
  const where = `${o.origin.file}${o.origin.line ? `:${o.origin.line}` : ''}`;
  throw new OverlayError(`${where}: ${overlayLabel(o, o.origin.index)}: ${reason}`, undefined, o.origin.index);
}

/** Throws OverlayError when the metadata is invalid; `where` prefixes the message (e.g. "x.overlay.toml"). */
export function validateOverlayMetadata(m: OverlayMetadataRecord, where?: string): void {
  const reason = checkOverlayMetadata(m);
  if (reason) throw new OverlayError(`${where ? `${where}: ` : ''}${reason}`);
}
