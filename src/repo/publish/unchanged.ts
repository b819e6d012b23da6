// `publish --update` when no package changed: every package file has the size and mtime the previous
// primary.xml gives it, in the same order, under the same location base and checksum type. The
// record-by-record path would then parse the previous primary, filelists and other and render those
// very records again, into the same text. Here the previous files are kept as they are instead,
// after checking them against repomd.xml; their package entries are only located, not parsed,
// which spares the XML parser (and its loading) and all rendering and compression.
//
// Locating entries by their fixed layout is sound because that layout is exact: every one of them
// starts on its own line with a known prefix, and text and attribute values never contain a raw
// '<', so "</package>\n" and the "\n  <time " line cannot occur inside a value. Anything that does
// not match the layout exactly returns undefined, and the caller takes the record-by-record path.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMPRESSION_SUFFIX, type MetadataCompression, decompressMetadata } from '../compression.ts';
import { type Repomd, type RepomdRecord, RepoFormatError } from '../model.ts';
import { parseRepomd } from '../repomd.ts';
import { escapeAttr, filelistsFooter, filelistsHeader, otherFooter, otherHeader, primaryFooter, primaryHeader } from '../xml-write.ts';
import type { ScannedPackage } from './scan.ts';

export interface UnchangedCore {
  repomd: Repomd;
  /** The primary, filelists and other records, as they were but for the timestamp. */
  records: RepomdRecord[];
  /** pkgid of each scanned package, in scan order. */
  pkgids: string[];
}

export interface UnchangedOptions {
  checksumType: string;
  compression: MetadataCompression;
  /** The location base the reused records get (publish --update gives them the current one). */
  locationBase?: string;
  timestamp: number;
}

const CORE = [
  { type: 'primary', header: primaryHeader, footer: primaryFooter },
  { type: 'filelists', header: filelistsHeader, footer: filelistsFooter },
  { type: 'other', header: otherHeader, footer: otherFooter },
] as const;

const PRIMARY_HEAD = /<package type="rpm">\n {2}<name>[^<]*<\/name>\n {2}<arch>[^<]*<\/arch>\n {2}<version [^<>]*\/>\n {2}<checksum type="([^"<]*)" pkgid="YES">([0-9a-f]+)<\/checksum>\n/y;
const PRIMARY_FILE = /\n {2}<time file="(\d+)" build="\d+"\/>\n {2}<size package="(\d+)" installed="\d+" archive="\d+"\/>\n {2}<location (?:xml:base="([^"<]*)" )?href="([^"<]*)"\/>\n/y;
const END = '</package>\n';

/** The previous core files' records when they can stand for this publish unchanged, else undefined. */
export async function unchangedCore(root: string, items: ScannedPackage[], opts: UnchangedOptions): Promise<UnchangedCore | undefined> {
  const repomdPath = join(root, 'repodata', 'repomd.xml');
  const text = await readFile(repomdPath, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let repomd: Repomd;
  try {
    repomd = parseRepomd(text, repomdPath);
  } catch (e) {
    if (e instanceof RepoFormatError) return undefined; // the record-by-record path reports it
    throw e;
  }
  const texts: string[] = [];
  const records: RepomdRecord[] = [];
  for (const { type, header, footer } of CORE) {
    const found = repomd.records.filter((r) => r.type === type);
    if (found.length !== 1) return undefined;
    const r = found[0];
    const content = await contentOf(root, r, type, opts);
    if (content === undefined || !content.startsWith(header(items.length)) || !content.endsWith(footer())) return undefined;
    texts.push(content);
    records.push({ type, location: r.location, checksum: r.checksum, timestamp: opts.timestamp, size: r.size, ...openFields(r) });
  }
  const pkgids = primaryMatches(texts[0], items, opts);
  if (!pkgids) return undefined;
  for (const k of [1, 2]) {
    if (!sameEntries(texts[k], CORE[k].header(items.length).length, CORE[k].footer().length, pkgids)) return undefined;
  }
  return { repomd, records, pkgids };
}

function openFields(r: RepomdRecord): Pick<RepomdRecord, 'openChecksum' | 'openSize'> {
  return r.openChecksum ? { openChecksum: r.openChecksum, openSize: r.openSize } : {};
}

/**
 * The uncompressed text of a core file written as this publish would write it (name, checksum type,
 * compression, the digests and sizes repomd.xml gives), else undefined.
 */
async function contentOf(root: string, r: RepomdRecord, type: string, opts: UnchangedOptions): Promise<string | undefined> {
  const compressed = opts.compression !== 'none';
  if (r.checksum.type !== opts.checksumType || r.location !== `repodata/${r.checksum.value}-${type}.xml${COMPRESSION_SUFFIX[opts.compression]}`) return undefined;
  if (r.locationBase !== undefined || r.headerChecksum || r.databaseVersion !== undefined || r.size === undefined) return undefined;
  if (compressed ? r.openChecksum?.type !== opts.checksumType || r.openSize === undefined : r.openChecksum || r.openSize !== undefined) return undefined;
  const data = await readFile(join(root, r.location)).catch(() => undefined);
  if (!data || data.length !== r.size || digest(data, r.checksum.type) !== r.checksum.value) return undefined;
  let plain: Uint8Array = data;
  if (compressed) {
    try {
      plain = await decompressMetadata(data, r.location);
    } catch (e) {
      if (e instanceof RepoFormatError) return undefined;
      throw e;
    }
    if (plain.length !== r.openSize || digest(plain, r.openChecksum!.type) !== r.openChecksum!.value) return undefined;
  }
  return Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength).toString('utf8');
}

function digest(data: Uint8Array, type: string): string {
  return createHash(type).update(data).digest('hex');
}

/** The pkgids of primary's entries when each one matches the scanned package at its position. */
function primaryMatches(text: string, items: ScannedPackage[], opts: UnchangedOptions): string[] | undefined {
  const base = opts.locationBase === undefined ? undefined : escapeAttr(opts.locationBase);
  const pkgids: string[] = [];
  let pos = primaryHeader(items.length).length;
  for (const it of items) {
    PRIMARY_HEAD.lastIndex = pos;
    const head = PRIMARY_HEAD.exec(text);
    const end = text.indexOf(END, pos);
    const at = head ? text.indexOf('\n  <time file="', pos) : -1;
    if (!head || end < 0 || at < 0 || at > end || head[1] !== opts.checksumType) return undefined;
    PRIMARY_FILE.lastIndex = at;
    const file = PRIMARY_FILE.exec(text);
    if (!file || Number(file[1]) !== it.mtime || Number(file[2]) !== it.size || file[3] !== base || file[4] !== escapeAttr(it.location)) return undefined;
    pkgids.push(head[2]);
    pos = end + END.length;
  }
  return pos === text.length - primaryFooter().length ? pkgids : undefined;
}

/** filelists and other: one entry per package, in primary's order, and nothing else. */
function sameEntries(text: string, start: number, footer: number, pkgids: string[]): boolean {
  let pos = start;
  for (const id of pkgids) {
    if (!text.startsWith(`<package pkgid="${id}" `, pos)) return false;
    const end = text.indexOf(END, pos);
    if (end < 0) return false;
    pos = end + END.length;
  }
  return pos === text.length - footer;
}
