// The spec half of the overlay types, mapped onto src/spec's editor (which owns azldev's
// per-edit semantics and failure rules), and the dispatcher that runs one overlay of any
// non-archive type against a component's parsed spec and its sources directory.

import { basename, dirname, isAbsolute, resolve } from 'node:path';
import {
  addPatch,
  addTag,
  appendLines,
  insertTag,
  prependLines,
  removePatches,
  removeSection,
  removeSubpackage,
  removeTag,
  searchReplace,
  setTag,
  SpecEditError,
  updateTag,
} from '../spec/index.ts';
import type { Spec } from '../spec/index.ts';
import { compileGoRegex } from './go-regex.ts';
import { addFile, prependLinesToFiles, removeFiles, renameFile, searchReplaceInFiles } from './files.ts';
import { globMatcher } from './glob.ts';
import { OverlayApplyError } from './types.ts';
import type { OverlayRecord } from './types.ts';

/** The overlay's `source` as an absolute path: relative paths are relative to the declaring file. */
export function resolveOverlaySource(o: OverlayRecord): string {
  const src = o.source ?? '';
  if (isAbsolute(src)) return src;
  if (!o.origin?.file) throw new OverlayApplyError(`relative source ${JSON.stringify(src)} but the overlay has no declaring file to resolve it against`);
  return resolve(dirname(o.origin.file), src);
}

/** Runs a spec edit, turning its SpecEditError into the overlay failure reason. */
function edit(run: () => void, rewrite?: (message: string) => string): void {
  try {
    run();
  } catch (e) {
    if (e instanceof SpecEditError) throw new OverlayApplyError(rewrite ? rewrite(e.message) : e.message);
    throw e;
  }
}

/**
 * Applies one non-archive overlay: spec edits to `spec` (in memory), file edits under `root`.
 * Throws OverlayApplyError with the reason when it does not apply.
 */
export async function applyOverlay(o: OverlayRecord, spec: Spec, root: string): Promise<void> {
  const pkg = o.package || undefined;
  const section = o.section || undefined;
  switch (o.type) {
    case 'spec-add-tag':
      return edit(() => addTag(spec, pkg, o.tag!, o.value!));
    case 'spec-insert-tag':
      return edit(() => insertTag(spec, pkg, o.tag!, o.value!));
    case 'spec-set-tag':
      return edit(() => setTag(spec, pkg, o.tag!, o.value!));
    case 'spec-update-tag':
      return edit(() => updateTag(spec, pkg, o.tag!, o.value!));
    case 'spec-remove-tag':
      return edit(() => removeTag(spec, pkg, o.tag!, o.value || undefined));
    case 'spec-prepend-lines':
      return edit(() => prependLines(spec, section, pkg, o.lines!));
    case 'spec-append-lines':
      return edit(() => appendLines(spec, section, pkg, o.lines!));
    case 'spec-search-replace': {
      const re = compileGoRegex(o.regex!);
      // The editor quotes the translated JS pattern; users wrote the Go one.
      return edit(
        () => searchReplace(spec, section, pkg, re, o.replacement ?? ''),
        (m) => m.replace(`/${re.source}/`, JSON.stringify(o.regex)),
      );
    }
    case 'spec-remove-section':
      return edit(() => removeSection(spec, o.section!, pkg));
    case 'spec-remove-subpackage':
      return edit(() => removeSubpackage(spec, o.package!));
    case 'patch-add': {
      const source = resolveOverlaySource(o);
      const dest = o.file || basename(source);
      edit(() => addPatch(spec, dest, pkg));
      return addFile(root, dest, source, 'patch');
    }
    case 'patch-remove': {
      const match = globMatcher(o.file!);
      edit(() => removePatches(spec, match, JSON.stringify(o.file)));
      await removeFiles(root, o.file!, 'patch-remove');
      return;
    }
    case 'file-prepend-lines':
      return prependLinesToFiles(root, o.file!, o.lines!);
    case 'file-search-replace':
      return searchReplaceInFiles(root, o.file!, compileGoRegex(o.regex!), o.regex!, o.replacement ?? '');
    case 'file-add':
      if (o.file!.endsWith('.spec')) throw new OverlayApplyError(`file overlays cannot target .spec file "${o.file}"; use a spec-* overlay`);
      return addFile(root, o.file!, resolveOverlaySource(o), 'file');
    case 'file-remove':
      await removeFiles(root, o.file!);
      return;
    case 'file-rename':
      return renameFile(root, o.file!, o.replacement!);
    default:
      throw new OverlayApplyError(`unknown overlay type ${JSON.stringify(o.type)}`);
  }
}
