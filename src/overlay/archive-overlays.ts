// Archive overlays: file-remove / file-search-replace with `archive = "x.tar.gz"` edit files inside
// a source tarball. All overlays on one archive are batched into one extract → edit → repack
// cycle, archives in order of first mention, before any spec or loose-file overlay (azldev
// core/sources/archiveoverlays.go). Each such archive needs exactly one `source-files` entry with
// origin.type = "overlay", replace-upstream = true, a replace-reason and the post-overlay hash; an
// entry no overlay accounts for is stale, and a hash that does not match the repacked archive is
// rejected with the hash it should be.

import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, rename, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ArchiveError, extractArchive, extractRoot, fileCompression, fileDigest, packArchive, removeTree } from './archive.ts';
import { compileGoRegex } from './go-regex.ts';
import { removeFiles, searchReplaceInFiles } from './files.ts';
import { fileGlobMatcher } from './glob.ts';
import { modifiesArchive } from './validate.ts';
import { OverlayApplyError } from './types.ts';
import type { OverlayRecord, SourceFileRecord } from './types.ts';

export interface RepackedArchive {
  filename: string;
  /** "SHA256" or "SHA512": the entry's hash-type (SHA512 when bootstrapping without one). */
  hashType: string;
  hash: string;
}

const LOOSE_FILE_TYPES = new Set(['file-prepend-lines', 'file-search-replace', 'file-add', 'file-remove', 'file-rename', 'patch-add', 'patch-remove']);

/** Whether a loose-file overlay could touch `filename` in the sources directory (azldev TargetsLooseFile). */
function targetsLooseFile(o: OverlayRecord, filename: string): boolean {
  if (!LOOSE_FILE_TYPES.has(o.type) || modifiesArchive(o)) return false;
  if (o.type === 'file-add' || o.type === 'patch-add') return (o.file || basename(o.source ?? '')) === filename;
  if (o.type === 'file-rename' && o.replacement === filename) return true;
  return !!o.file && fileGlobMatcher(o.file)(filename);
}

function overlayEntries(sourceFiles: SourceFileRecord[] | undefined): SourceFileRecord[] {
  return (sourceFiles ?? []).filter((s) => s.origin?.type === 'overlay');
}

function normalizedHashType(t: string | undefined): string | undefined {
  if (t === undefined || t === '') return undefined;
  const u = t.toUpperCase().replace('-', '');
  return u === 'SHA256' || u === 'SHA512' ? u : t;
}

/**
 * Why the archive overlays and `source-files` entries do not fit together, or undefined.
 * `allowNoHashes` (bootstrapping) tolerates a missing entry or a missing hash.
 */
export function checkArchiveSourceFiles(overlays: OverlayRecord[], sourceFiles: SourceFileRecord[] | undefined, allowNoHashes = false): string | undefined {
  const archives = new Set(overlays.filter(modifiesArchive).map((o) => o.archive!));
  const entries = overlayEntries(sourceFiles);
  for (const e of entries) {
    if (!archives.has(e.filename ?? '')) {
      return `'source-files' entry for "${e.filename}" has origin.type = "overlay", but no archive overlay modifies that archive; add the overlay or remove the stale entry`;
    }
  }
  for (const archive of archives) {
    const mine = entries.filter((e) => e.filename === archive);
    if (mine.length > 1) return `archive "${archive}" has ${mine.length} 'source-files' entries with origin.type = "overlay"; exactly one is allowed`;
    const e = mine[0];
    if (!e) {
      if (allowNoHashes) continue;
      return `archive overlay for "${archive}" requires a 'source-files' entry with origin.type = "overlay", replace-upstream = true, a replace-reason and the post-overlay hash`;
    }
    if (!e.replaceUpstream) return `'source-files' entry for "${archive}" needs replace-upstream = true (the repacked archive replaces the upstream one)`;
    if (!e.replaceReason) return `'source-files' entry for "${archive}" needs a replace-reason`;
    const ht = normalizedHashType(e.hashType);
    if (ht !== undefined && ht !== 'SHA256' && ht !== 'SHA512') return `'source-files' entry for "${archive}" has unsupported hash-type "${e.hashType}" (SHA256 or SHA512)`;
    if (e.hash && !ht) return `'source-files' entry for "${archive}" has a hash but no hash-type`;
    if (!e.hash && !allowNoHashes) return `'source-files' entry for "${archive}" needs the post-overlay hash and hash-type (prepare sources with --allow-no-hashes to compute it)`;
    for (const o of overlays) {
      if (targetsLooseFile(o, archive)) {
        return `loose-file "${o.type}" overlay targets archive "${archive}", which is also modified by an archive overlay; an archive and its contents cannot be modified through both`;
      }
    }
  }
  return undefined;
}

export interface IndexedOverlay {
  overlay: OverlayRecord;
  /** 0-based position in the component's overlay list. */
  index: number;
}

/** Failure of one overlay: carries which overlay, for the caller's one-line message. */
export class IndexedOverlayError extends Error {
  override name = 'IndexedOverlayError';
  readonly index: number;
  constructor(message: string, index: number) {
    super(message);
    this.index = index;
  }
}

/**
 * Runs the archive overlays of `overlays` in the sources directory `dir`, using `scratch` (a
 * directory outside `dir`) for extraction. Returns each repacked archive with its new hash.
 */
export async function applyArchiveOverlays(
  dir: string,
  overlays: IndexedOverlay[],
  sourceFiles: SourceFileRecord[] | undefined,
  scratch: string,
): Promise<RepackedArchive[]> {
  const groups = new Map<string, IndexedOverlay[]>();
  for (const io of overlays) {
    if (!modifiesArchive(io.overlay)) continue;
    const list = groups.get(io.overlay.archive!) ?? [];
    list.push(io);
    groups.set(io.overlay.archive!, list);
  }
  const out: RepackedArchive[] = [];
  let n = 0;
  for (const [archive, group] of groups) {
    const first = group[0].index;
    const fail = (m: string, index = first): never => {
      throw new IndexedOverlayError(`archive "${archive}": ${m}`, index);
    };
    const archivePath = join(dir, archive);
    const st = await lstat(archivePath).catch(() => undefined);
    if (!st || !st.isFile()) fail(st ? 'is not a regular file in the sources' : 'not found in the component sources (was it downloaded?)');
    const work = join(scratch, `archive-${n++}`);
    await mkdir(work, { recursive: true });
    try {
      let tree;
      try {
        tree = await extractArchive(archivePath, work);
      } catch (e) {
        if (e instanceof ArchiveError) fail(e.message);
        throw e;
      }
      const root = await extractRoot(work);
      for (const { overlay: o, index } of group) {
        try {
          if (o.type === 'file-remove') await removeFiles(root, o.file!);
          else await searchReplaceInFiles(root, o.file!, compileGoRegex(o.regex!), o.regex!, o.replacement ?? '');
        } catch (e) {
          if (e instanceof OverlayApplyError) fail(e.message, index);
          throw e;
        }
      }
      const tmp = join(dir, `.${archive}.repack-${randomBytes(4).toString('hex')}`);
      try {
        await packArchive(work, tmp, await fileCompression(archivePath), tree.modes);
        await chmod(tmp, st!.mode & 0o777);
        await rename(tmp, archivePath);
      } catch (e) {
        await unlink(tmp).catch(() => {});
        if (e instanceof ArchiveError) fail(`repacking failed: ${e.message}`);
        throw e;
      }
    } finally {
      await removeTree(work);
    }
    const entry = overlayEntries(sourceFiles).find((e) => e.filename === archive);
    const hashType = normalizedHashType(entry?.hashType) ?? 'SHA512';
    const hash = await fileDigest(archivePath, hashType);
    if (entry?.hash && entry.hash.toLowerCase() !== hash) {
      fail(`'source-files' hash is stale: the repacked archive's ${hashType} is ${hash} (stated: ${entry.hash}); update the entry's hash`);
    }
    out.push({ filename: archive, hashType, hash });
  }
  return out;
}
