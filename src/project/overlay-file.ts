// Per-file overlay documents (`overlays/NNNN-*.overlay.toml`): one [metadata] block describing one
// logical change, and its ordered [[overlays]]. The metadata is stamped onto every overlay; an
// overlay may not carry its own. `source` paths are relative to the document.

import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { decodeTable, isTable } from './decode.ts';
import { displayPath, ProjectConfigError, SourceText } from './errors.ts';
import { expandGlob, isGlobPattern, type DirCache } from './glob.ts';
import { cloneValue } from './merge.ts';
import type { Overlay, OverlayMetadata } from './model.ts';
import { OVERLAY_FILE } from './schema.ts';
import { overlayMetadataProblem } from './validate.ts';

export interface OverlayFileContext {
  permissive: boolean;
  warnings: string[];
  /** Parsed documents by path: a document inherited by many components is read once. */
  documents: Map<string, Overlay[]>;
  dirs: DirCache;
}

/** Reads one overlay document (its overlays, metadata stamped, sources absolute). */
export function readOverlayFile(path: string, ctx: OverlayFileContext): Overlay[] {
  const cached = ctx.documents.get(path);
  if (cached) return cached;
  const text = readFileSync(path, 'utf8');
  const source = new SourceText(path, text);
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    if (e instanceof TomlError) throw new ProjectConfigError(`${displayPath(path)}:${e.line}:${e.column}: invalid TOML: ${e.message.split('\n')[0].replace(/^Invalid TOML document: /, '')}`);
    throw e;
  }
  // Per-overlay metadata is checked on the raw document: the schema would otherwise accept it.
  if (isTable(raw) && Array.isArray(raw.overlays)) {
    raw.overlays.forEach((o, i) => {
      if (isTable(o) && 'metadata' in o) {
        throw source.error(['overlays', i, 'metadata'], 'per-overlay metadata is not allowed in an overlay file; declare [metadata] once for the file');
      }
    });
  }
  const doc = decodeTable(OVERLAY_FILE, raw, [], { source, permissive: ctx.permissive, warnings: ctx.warnings }) as {
    metadata?: OverlayMetadata;
    overlays?: Overlay[];
  };
  let metadata = doc.metadata;
  const problem = metadata ? overlayMetadataProblem(metadata) : 'missing [metadata]';
  if (problem) {
    if (!ctx.permissive) throw source.error(['metadata'], `overlay file: ${problem}`);
    ctx.warnings.push(`${source.where(['metadata'])}: overlay file: ${problem} (metadata dropped: --permissive-config)`);
    metadata = undefined;
  }
  if (!doc.overlays?.length) throw new ProjectConfigError(`${displayPath(path)}: overlay file declares no [[overlays]]`);
  const dir = dirname(path);
  const overlays = doc.overlays.map((o) => ({
    ...o,
    ...(o.source ? { source: resolve(dir, o.source) } : {}),
    ...(metadata ? { metadata: cloneValue(metadata) } : {}),
  }));
  ctx.documents.set(path, overlays);
  return overlays;
}

/**
 * The overlays of every document matched by `patterns` (relative to `refDir`): patterns in their
 * order, matches of one pattern in file-name order (full path breaks ties), each document once.
 * A glob may match nothing; a literal path must exist. `where` names the declaring key in errors.
 */
export function loadOverlayFiles(refDir: string, patterns: string[], ctx: OverlayFileContext, where: string): Overlay[] {
  const ordered: string[] = [];
  const seen = new Set<string>();
  for (const pattern of patterns) {
    const matches = expandGlob(refDir, pattern, ctx.dirs);
    if (matches.length === 0 && !isGlobPattern(pattern)) {
      throw new ProjectConfigError(`${where}: overlay-files "${pattern}" matched no file (${displayPath(resolve(refDir, pattern))})`);
    }
    matches.sort((a, b) => (basename(a) < basename(b) ? -1 : basename(a) > basename(b) ? 1 : a < b ? -1 : a > b ? 1 : 0));
    for (const m of matches) {
      if (!seen.has(m)) {
        seen.add(m);
        ordered.push(m);
      }
    }
  }
  return ordered.flatMap((path) => readOverlayFile(path, ctx).map((o) => cloneValue(o)));
}
