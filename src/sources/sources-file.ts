// Fedora dist-git `sources` files: which lookaside tarballs a package needs, with their digests.
// Two line forms exist: "SHA512 (name.tar.gz) = <hex>" and the legacy MD5 "<hex>  name.tar.gz".
// Comments and blank lines are kept so a rewrite changes only the entries it means to.

export class SourcesFileError extends Error {
  override name = 'SourcesFileError';
}

export interface SourcesEntry {
  filename: string;
  /** Upper-case digest name as written: SHA512, SHA256, MD5 … */
  hashType: string;
  hash: string;
}

export interface SourcesLine {
  raw: string;
  entry?: SourcesEntry;
}

const MODERN = /^([A-Z0-9]+)\s+\(([^)]+)\)\s+=\s+([a-fA-F0-9]+)$/;
const LEGACY = /^([a-fA-F0-9]+)\s+(\S+)$/;

/** A file name a `sources` entry may name: one plain path component, nothing that climbs out. */
export function isSafeFilename(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

/** Parses a `sources` file; `file` names it in errors ("curl/sources:3: …"). */
export function parseSourcesFile(text: string, file = 'sources'): SourcesLine[] {
  if (text === '') return [];
  const raw = text.split('\n');
  if (raw[raw.length - 1] === '') raw.pop();
  const seen = new Map<string, number>();
  return raw.map((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return { raw: line };
    const m = MODERN.exec(t);
    const l = m ? undefined : LEGACY.exec(t);
    const entry: SourcesEntry | undefined = m
      ? { filename: m[2], hashType: m[1], hash: m[3] }
      : l
        ? { filename: l[2], hashType: 'MD5', hash: l[1] }
        : undefined;
    if (!entry) throw new SourcesFileError(`${file}:${i + 1}: not a "HASHTYPE (file) = hash" or legacy "hash file" line`);
    if (!isSafeFilename(entry.filename)) throw new SourcesFileError(`${file}:${i + 1}: unsafe file name "${entry.filename}"`);
    const prev = seen.get(entry.filename);
    if (prev !== undefined) {
      throw new SourcesFileError(`${file}:${i + 1}: duplicate file "${entry.filename}" (already on line ${prev})`);
    }
    seen.set(entry.filename, i + 1);
    return { raw: line, entry };
  });
}

export function formatSourcesEntry(e: SourcesEntry): string {
  return `${e.hashType} (${e.filename}) = ${e.hash}`;
}

/**
 * `lines` with `entries` merged in: an entry for a file already listed replaces that line in place,
 * new ones are appended; comments and order are kept.
 */
export function mergeSourcesEntries(lines: SourcesLine[], entries: SourcesEntry[]): string {
  const byName = new Map(entries.map((e) => [e.filename, e]));
  const out = lines.map((l) => {
    const e = l.entry && byName.get(l.entry.filename);
    if (!e) return l.raw;
    byName.delete(e.filename);
    return formatSourcesEntry(e);
  });
  for (const e of byName.values()) out.push(formatSourcesEntry(e));
  return out.length ? `${out.join('\n')}\n` : '';
}
