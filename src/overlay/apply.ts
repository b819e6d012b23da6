// applyOverlays: a component's overlays applied to its prepared sources directory, in azldev's
// fixed order (core/sources/sourceprep.go collectOverlays):
//   1. archive overlays (batched per archive),
//   2. when `build` yields macros: write <name>.azl.macros, prepend its %{load:…}, insert Source9999,
//   3. the component's overlays (inline first, then overlay-files documents: the caller's order),
//   4. build.check.skip: `exit 0` at the top of %check,
//   5. always: the "modified by azldev" header.
// Unlike azldev, which edits in place and leaves partial edits behind on failure, all work happens
// in a staging copy next to the directory (hard links, so it is cheap; every edit replaces files
// rather than writing into them, so the originals are never touched) that is swapped in only when
// every overlay applied. The spec is written as azldev's serializer writes it: each line ending in
// "\n" (CRLF line ends become LF; a missing final newline is added).

import { randomBytes } from 'node:crypto';
import { copyFile, link, lstat, mkdir, readdir, readFile, readlink, rename, chmod, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseSpecBytes } from '../spec/index.ts';
import { removeTree } from './archive.ts';
import { applyArchiveOverlays, checkArchiveSourceFiles, IndexedOverlayError } from './archive-overlays.ts';
import type { RepackedArchive } from './archive-overlays.ts';
import { replaceFile } from './files.ts';
import { GlobError } from './glob.ts';
import { GoRegexError } from './go-regex.ts';
import { applyOverlay } from './spec-overlays.ts';
import {
  checkSkipOverlays,
  headerOverlays,
  macroLoadOverlays,
  macrosFileContent,
  macrosFileNameProblem,
  MACROS_FILE_SUFFIX,
} from './synthesized.ts';
import { OverlayApplyError, OverlayError, declaredAt, overlayLabel } from './types.ts';
import type { ComponentOverlayInput, OverlayRecord } from './types.ts';
import { checkOverlay, checkOverlayMetadata, modifiesArchive } from './validate.ts';

export interface ApplyOverlaysOptions {
  /** Bootstrap archive hashes: a missing `source-files` entry or hash is computed, not an error. */
  allowNoHashes?: boolean;
  /** Sources were prepared without tarballs (render): archive overlays are not run. */
  skipArchiveOverlays?: boolean;
  /** Macros layered over the build ones (e.g. upstream-provenance macros). */
  extraMacros?: Record<string, string>;
}

export interface ApplyOverlaysResult {
  /** The edited spec (inside the sources directory). */
  specFile: string;
  /** The written macros file, when `build` produced macros. */
  macrosFile?: string;
  /** Archives repacked by archive overlays, with their new digests (for the `sources` file). */
  repackedArchives: RepackedArchive[];
}

const USER_ERRORS = [OverlayApplyError, GoRegexError, GlobError];

function reasonOf(e: unknown): string | undefined {
  if (USER_ERRORS.some((c) => e instanceof c)) return (e as Error).message;
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && err.syscall) return `${err.code}: ${err.message.replace(/^[A-Z]+: /, '')}`;
  return undefined;
}

function overlayFailure(component: string, o: OverlayRecord, index: number, reason: string): OverlayError {
  return new OverlayError(`${component}: ${overlayLabel(o, index)}: ${o.type}: ${reason}${declaredAt(o)}`, component, index);
}

/** Locates the component's spec: `<name>.spec` (azldev's rule), else the only `*.spec` in the directory. */
async function findSpec(component: string, dir: string): Promise<string> {
  const named = `${component}.spec`;
  const st = await lstat(join(dir, named)).catch(() => undefined);
  if (st?.isFile()) return named;
  if (st) throw new OverlayError(`${component}: ${named} is not a regular file`, component);
  const specs = (await readdir(dir)).filter((f) => f.endsWith('.spec'));
  if (specs.length === 1) return specs[0];
  throw new OverlayError(`${component}: no ${named} in ${dir}${specs.length > 1 ? ` (and ${specs.length} other specs)` : ''}`, component);
}

/** Hard-link copy of a tree (copies when linking is refused); returns directory modes to restore. */
async function linkTree(from: string, to: string, dirModes: Map<string, number>): Promise<void> {
  const st = await lstat(from);
  await mkdir(to, { mode: 0o700 });
  dirModes.set(to, st.mode & 0o7777);
  for (const e of await readdir(from, { withFileTypes: true })) {
    const src = join(from, e.name);
    const dst = join(to, e.name);
    if (e.isDirectory()) await linkTree(src, dst, dirModes);
    else if (e.isSymbolicLink()) await symlink(await readlink(src), dst);
    else {
      try {
        await link(src, dst);
      } catch {
        await copyFile(src, dst);
      }
    }
  }
}

/**
 * Applies the component's overlays to `sourceDir` (its spec and sidecar files, plus tarballs for
 * archive overlays). Throws OverlayError — one line naming the component, the overlay (number,
 * description, type, declaring file) and the reason — and leaves `sourceDir` unchanged on failure.
 */
export async function applyOverlays(component: ComponentOverlayInput, sourceDir: string, opts: ApplyOverlaysOptions = {}): Promise<ApplyOverlaysResult> {
  const name = component.name;
  const overlays = component.overlays;

  overlays.forEach((o, i) => {
    const reason = checkOverlay(o) ?? (o.metadata ? checkOverlayMetadata(o.metadata) : undefined);
    if (reason) throw overlayFailure(name, o, i, `invalid overlay: ${reason}`);
  });
  // Checked even when archives are skipped: the configuration is wrong either way (as azldev).
  const badArchives = checkArchiveSourceFiles(overlays, component.sourceFiles, opts.allowNoHashes);
  if (badArchives) throw new OverlayError(`${name}: ${badArchives}`, name);
  const macros = macrosFileContent(component.build, opts.extraMacros);
  const macrosName = `${name}${MACROS_FILE_SUFFIX}`;
  if (macros !== undefined) {
    const bad = macrosFileNameProblem(macrosName);
    if (bad) throw new OverlayError(`${name}: ${bad}`, name);
  }
  const specName = await findSpec(name, sourceDir);

  const tag = randomBytes(4).toString('hex');
  const staging = join(dirname(sourceDir), `.${basename(sourceDir)}.overlay-${tag}`);
  const scratch = `${staging}.scratch`;
  const dirModes = new Map<string, number>();
  try {
    await linkTree(sourceDir, staging, dirModes);
    let repackedArchives: RepackedArchive[] = [];
    if (!opts.skipArchiveOverlays) {
      try {
        repackedArchives = await applyArchiveOverlays(staging, overlays.map((overlay, index) => ({ overlay, index })), component.sourceFiles, scratch);
      } catch (e) {
        if (e instanceof IndexedOverlayError) throw overlayFailure(name, overlays[e.index], e.index, e.message);
        throw e;
      }
    }
    if (macros !== undefined) await replaceFile(join(staging, macrosName), Buffer.from(macros), 0o644);

    const specPath = join(staging, specName);
    const specMode = (await lstat(specPath)).mode & 0o7777;
    const spec = parseSpecBytes(await readFile(specPath));
    const steps: Array<{ o: OverlayRecord; fail: (reason: string) => OverlayError }> = [];
    const synthesized = (what: string) => (o: OverlayRecord) => ({
      o,
      fail: (reason: string) => new OverlayError(`${name}: ${what}: ${o.type}: ${reason}`, name),
    });
    if (macros !== undefined) steps.push(...macroLoadOverlays(macrosName).map(synthesized(`loading ${macrosName}`)));
    overlays.forEach((o, i) => {
      if (!modifiesArchive(o)) steps.push({ o, fail: (reason) => overlayFailure(name, o, i, reason) });
    });
    steps.push(...checkSkipOverlays(component.build).map(synthesized('build.check.skip')));
    steps.push(...headerOverlays().map(synthesized('azldev header')));
    for (const { o, fail } of steps) {
      try {
        await applyOverlay(o, spec, staging);
      } catch (e) {
        const reason = reasonOf(e);
        if (reason === undefined) throw e;
        throw fail(reason);
      }
    }
    const text = spec.lines.map((l) => `${l.text}\n`).join('');
    await replaceFile(specPath, Buffer.from(text, spec.encoding), specMode);

    for (const [dir, mode] of [...dirModes].reverse()) await chmod(dir, mode);
    const old = `${staging}.old`;
    await rename(sourceDir, old);
    try {
      await rename(staging, sourceDir);
    } catch (e) {
      await rename(old, sourceDir);
      throw e;
    }
    // The new tree is in place; a leftover old copy is not worth failing for.
    await removeTree(old).catch(() => {});
    return {
      specFile: join(sourceDir, specName),
      ...(macros !== undefined ? { macrosFile: join(sourceDir, macrosName) } : {}),
      repackedArchives,
    };
  } finally {
    await removeTree(staging);
    await removeTree(scratch);
  }
}
