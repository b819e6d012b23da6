// Per-file overlay documents, `overlays/NNNN-*.overlay.toml` (azldev projectconfig/overlay_file.go):
// one [metadata] block for the whole file (required, validated, stamped onto every overlay), one or
// more [[overlays]] (per-overlay metadata forbidden), unknown keys rejected, `source` relative to
// the document. Documents matched by an `overlay-files` list load pattern by pattern, each
// pattern's matches in file-name order (full path breaks ties), a document only once; a glob may
// match nothing, a literal path must exist.

import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { globToRegExp, hasGlobMeta, lstatOrUndefined, walkFiles } from './glob.ts';
import { OverlayError, overlayLabel } from './types.ts';
import type { OverlayMetadataRecord, OverlayRecord } from './types.ts';
import { checkOverlay, checkOverlayMetadata } from './validate.ts';

export interface OverlayDocument {
  metadata: OverlayMetadataRecord;
  overlays: OverlayRecord[];
}

const STRING_FIELDS = ['type', 'description', 'tag', 'value', 'section', 'package', 'regex', 'replacement', 'file', 'archive', 'source'] as const;

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function fail(file: string, line: number | undefined, message: string): never {
  throw new OverlayError(`${file}${line ? `:${line}` : ''}: ${message}`);
}

function urlRefs(file: string, line: number | undefined, field: string, v: unknown): Array<{ url?: string }> {
  if (!Array.isArray(v)) fail(file, line, `metadata.${field} must be an array of { url = "…" } tables`);
  return v.map((ref, i) => {
    if (!isTable(ref)) fail(file, line, `metadata.${field}[${i}] must be a table with "url"`);
    for (const k of Object.keys(ref)) if (k !== 'url') fail(file, line, `metadata.${field}[${i}]: unknown field "${k}"`);
    if (ref.url !== undefined && typeof ref.url !== 'string') fail(file, line, `metadata.${field}[${i}].url must be a string`);
    return ref.url === undefined ? {} : { url: ref.url };
  });
}

function decodeMetadata(file: string, line: number | undefined, raw: unknown): OverlayMetadataRecord {
  if (!isTable(raw)) fail(file, line, '[metadata] must be a table');
  const m: OverlayMetadataRecord = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'category' || k === 'upstream-status') {
      if (typeof v !== 'string') fail(file, line, `metadata.${k} must be a string`);
      if (k === 'category') m.category = v;
      else m.upstreamStatus = v;
    } else if (k === 'commits' || k === 'bugs') {
      m[k] = urlRefs(file, line, k, v);
    } else {
      fail(file, line, `metadata: unknown field "${k}"`);
    }
  }
  return m;
}

/** 1-based lines of the `[[overlays]]` headers, in order. */
function overlayHeaderLines(text: string): number[] {
  const out: number[] = [];
  text.split('\n').forEach((l, i) => {
    if (/^\s*\[\[\s*overlays\s*\]\]/.test(l)) out.push(i + 1);
  });
  return out;
}

/**
 * Parses one overlay document. `file` (absolute) names it in errors and anchors relative `source`
 * paths. Overlays come back validated, with metadata stamped and origin {file, line, index}.
 */
export function parseOverlayDocument(text: string, file: string): OverlayDocument {
  let raw: Record<string, unknown>;
  try {
    raw = parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) fail(file, e.line, `invalid TOML: ${e.message.split('\n')[0]}`);
    throw e;
  }
  const metaLine = text.split('\n').findIndex((l) => /^\s*\[\s*metadata\s*\]/.test(l)) + 1 || undefined;
  for (const k of Object.keys(raw)) if (k !== 'metadata' && k !== 'overlays') fail(file, undefined, `unknown field "${k}"`);
  if (raw.metadata === undefined) fail(file, undefined, 'overlay file needs a [metadata] block');
  const metadata = decodeMetadata(file, metaLine, raw.metadata);
  const bad = checkOverlayMetadata(metadata);
  if (bad) fail(file, metaLine, `invalid [metadata]: ${bad}`);

  const list = raw.overlays;
  if (list === undefined || (Array.isArray(list) && list.length === 0)) fail(file, undefined, 'overlay file declares no [[overlays]]');
  if (!Array.isArray(list)) fail(file, undefined, 'overlays must be an array of tables ([[overlays]])');
  const headers = overlayHeaderLines(text);
  const lineOf = (i: number) => (headers.length === list.length ? headers[i] : undefined);
  const dir = dirname(file);
  const overlays = list.map((item, index): OverlayRecord => {
    const line = lineOf(index);
    if (!isTable(item)) fail(file, line, `overlays[${index}] must be a table`);
    const o: OverlayRecord = { type: '' };
    for (const [k, v] of Object.entries(item)) {
      if (k === 'metadata') fail(file, line, 'per-overlay metadata is not allowed in an overlay file; declare [metadata] once for the file');
      if (k === 'lines') {
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(file, line, 'overlays.lines must be an array of strings');
        o.lines = v as string[];
      } else if ((STRING_FIELDS as readonly string[]).includes(k)) {
        if (typeof v !== 'string') fail(file, line, `overlays.${k} must be a string`);
        (o as unknown as Record<string, string>)[k] = v;
      } else {
        fail(file, line, `overlays: unknown field "${k}"`);
      }
    }
    if (o.source) o.source = resolve(dir, o.source);
    o.metadata = structuredClone(metadata);
    o.origin = { file, line: line ?? 0, index };
    const reason = checkOverlay(o);
    if (reason) fail(file, line, `${overlayLabel(o, index)}: ${reason}`);
    return o;
  });
  return { metadata, overlays };
}

/** Files matched by one (absolute) glob pattern, doublestar-style. */
async function globAbsolute(pattern: string): Promise<string[]> {
  if (!hasGlobMeta(pattern)) {
    const st = await lstatOrUndefined(pattern);
    return st?.isFile() ? [pattern] : [];
  }
  const meta = pattern.search(/[*?[{]/);
  const split = pattern.lastIndexOf('/', meta);
  const base = pattern.slice(0, split) || '/';
  const re = globToRegExp(pattern.slice(split + 1));
  if (!(await lstatOrUndefined(base))?.isDirectory()) return [];
  return (await walkFiles(base)).filter((f) => !f.symlink && re.test(f.path)).map((f) => join(base, f.path));
}

/**
 * Loads the overlays of every document `patterns` (relative to `referenceDir` unless absolute)
 * matches, in azldev's order. Throws OverlayError for a literal path that matches nothing.
 */
export async function loadOverlayDocuments(patterns: string[], referenceDir: string): Promise<OverlayRecord[]> {
  const ordered: string[] = [];
  const seen = new Set<string>();
  for (const pattern of patterns) {
    const abs = isAbsolute(pattern) ? pattern : join(referenceDir, pattern);
    const matches = await globAbsolute(abs);
    if (matches.length === 0 && !hasGlobMeta(pattern)) throw new OverlayError(`overlay-files pattern "${pattern}" matched no files (${abs})`);
    matches.sort((a, b) => (basename(a) < basename(b) ? -1 : basename(a) > basename(b) ? 1 : a < b ? -1 : a > b ? 1 : 0));
    for (const m of matches) {
      if (seen.has(m)) continue;
      seen.add(m);
      ordered.push(m);
    }
  }
  const out: OverlayRecord[] = [];
  for (const file of ordered) out.push(...parseOverlayDocument(await readFile(file, 'utf8'), file).overlays);
  return out;
}
