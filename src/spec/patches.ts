// Patches as azldev sees them (AddPatchEntry / RemovePatchEntry): `PatchN:` tags in any package and
// the lines of %patchlist sections.
import { conditionalKind } from './classify.ts';
import { appendToSections } from './edit-lines.ts';
import { SpecEditError, commit, packageKey } from './edit-support.ts';
import { addTag, removeTagLines } from './edit-tags.ts';
import type { Spec } from './model.ts';
import { goAtoi, goEqualFold, goLower, goTrimSpace } from './text.ts';

export interface SpecPatch {
  file: string;
  /** N of a `PatchN:` tag; undefined for a bare `Patch:` tag and for %patchlist entries. */
  number?: number;
  inPatchlist: boolean;
  /** 0-based line index. */
  index: number;
}

/** N for a `PatchN` tag name (case-insensitive; N as Go's strconv.Atoi reads it), else undefined. */
export function patchTagNumber(tag: string): number | undefined {
  const lower = goLower(tag);
  if (!lower.startsWith('patch') || lower.length === 5) return undefined;
  return goAtoi(lower.slice(5));
}

export function specPatches(spec: Spec): SpecPatch[] {
  const out: SpecPatch[] = [];
  for (const t of spec.structure.tags) {
    const number = patchTagNumber(t.tag);
    if (number !== undefined) out.push({ file: t.value, number, inPatchlist: false, index: t.index });
    else if (goEqualFold(t.tag, 'patch')) out.push({ file: t.value, inPatchlist: false, index: t.index });
  }
  for (const s of spec.structure.sections) {
    if (s.name !== '%patchlist') continue;
    for (let i = s.header + 1; i < s.end; i++) {
      const file = goTrimSpace(spec.lines[i].text);
      if (file === '' || file.startsWith('#') || conditionalKind(file) !== 0) continue;
      out.push({ file, inPatchlist: true, index: i });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/**
 * patch-add: appends `file` to the %patchlist when the spec has one (azldev checks for a section named
 * exactly "%patchlist"), else adds `Patch<highest+1>: file` to the package with addTag — azldev's code
 * appends at the end of the preamble rather than inserting next to the other Patch tags. The highest
 * number counts every `PatchN` in every package, and n bare `Patch:` tags as numbers 0..n-1.
 */
export function addPatch(spec: Spec, file: string, pkg?: string): void {
  if (spec.structure.sections.some((s) => s.name === '%patchlist')) {
    appendToSections(spec, '%patchlist', '', [file]);
    return;
  }
  let highest = -1;
  let bare = 0;
  for (const t of spec.structure.tags) {
    const n = patchTagNumber(t.tag);
    if (n !== undefined && n > highest) highest = n;
    else if (goEqualFold(t.tag, 'patch')) bare++;
  }
  if (bare - 1 > highest) highest = bare - 1;
  addTag(spec, packageKey(pkg), `Patch${highest + 1}`, file);
}

/**
 * patch-remove: removes every `PatchN:` tag (any package; bare `Patch:` tags are not considered) whose
 * value `match`es, and every %patchlist line whose trimmed text matches. Returns what was removed;
 * fails if nothing matched. `%patchN` lines in %prep are left alone, as azldev leaves them.
 */
export function removePatches(spec: Spec, match: (file: string) => boolean, pattern = 'the pattern'): string[] {
  const removed = removeTagLines(spec, (tag, value) => patchTagNumber(tag) !== undefined && match(value));
  const drop = new Set<number>();
  for (const s of spec.structure.sections) {
    if (s.name !== '%patchlist') continue;
    for (let i = s.header + 1; i < s.end; i++) {
      const entry = goTrimSpace(spec.lines[i].text);
      if (entry !== '' && match(entry)) {
        drop.add(i);
        removed.push(entry);
      }
    }
  }
  if (drop.size > 0) {
    spec.lines = spec.lines.filter((_, i) => !drop.has(i));
    commit(spec);
  }
  if (removed.length === 0) throw new SpecEditError(`no patches matching ${pattern} found in the spec`);
  return removed;
}
