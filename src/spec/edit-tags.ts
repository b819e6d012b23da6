// Tag edits with azldev's semantics (internal/rpm/spec/edit.go): tag names compare case-insensitively,
// only tag lines of the package's own package sections count (the preamble for the main package,
// `%package <pkg>` sections for a sub-package), and "#" comment lines are never tags.
import { classifyLine, type LineClass } from './classify.ts';
import { appendToSections } from './edit-lines.ts';
import { SpecEditError, commit, inPackage, insertAt, makeLines, packageKey, sectionLabel, sectionsNamed, storedText } from './edit-support.ts';
import { COND_CLOSE, COND_OPEN, type Spec } from './model.ts';
import { goEqualFold, goLower } from './text.ts';

/** spec-add-tag: `Tag: value` at the end of the package's preamble (after its trailing blank lines),
 * without checking for an existing tag. Fails if the sub-package has no %package section. */
export function addTag(spec: Spec, pkg: string | undefined, tag: string, value: string): void {
  const key = packageKey(pkg);
  appendToSections(spec, key === '' ? '' : '%package', key, [`${tag}: ${value}`]);
}

/**
 * spec-insert-tag: after the last tag of the same family (lower-cased, trailing digits dropped:
 * Source9999 → "source"), else after the package's last tag, else as addTag. A position inside an
 * %if block moves to that block's %endif so the new tag stays unconditional.
 */
export function insertTag(spec: Spec, pkg: string | undefined, tag: string, value: string): void {
  const key = packageKey(pkg);
  const name = key === '' ? '' : '%package';
  const sections = sectionsNamed(spec, name, key);
  if (sections.length === 0) throw new SpecEditError(`${sectionLabel(name, key)} not found`);
  const family = tagFamily(tag);
  let lastAny = -1;
  let lastFamily = -1;
  for (const t of spec.structure.tags) {
    const s = spec.structure.sections[t.section];
    if (s.pkg !== key || s.name !== name) continue;
    lastAny = t.index;
    if (tagFamily(t.tag) === family) lastFamily = t.index;
  }
  const after = lastFamily >= 0 ? lastFamily : lastAny;
  if (after < 0) {
    addTag(spec, key, tag, value);
    return;
  }
  const at = skipPastConditional(spec, after, sections[sections.length - 1].end) + 1;
  insertAt(spec, at, makeLines(spec, [`${tag}: ${value}`]));
  commit(spec);
}

/** spec-set-tag: updateTag, or addTag when the package has no such tag. */
export function setTag(spec: Spec, pkg: string | undefined, tag: string, value: string): void {
  if (!rewriteTags(spec, packageKey(pkg), tag, value)) addTag(spec, pkg, tag, value);
}

/** spec-update-tag: rewrites *every* matching tag line of the package as `<tag as given>: value`. */
export function updateTag(spec: Spec, pkg: string | undefined, tag: string, value: string): void {
  const key = packageKey(pkg);
  if (!rewriteTags(spec, key, tag, value)) throw new SpecEditError(`tag "${tag}" not found in ${inPackage(key)}`);
}

/** spec-remove-tag: removes every matching tag line of the package (with `value`, only those whose
 * value equals it ignoring case). Fails if none was removed. */
export function removeTag(spec: Spec, pkg: string | undefined, tag: string, value?: string): void {
  const key = packageKey(pkg);
  const wanted = goLower(tag);
  const removed = removeTagLines(
    spec,
    (t, v, p) => p === key && goLower(t) === wanted && (value === undefined || value === '' || goEqualFold(v, value)),
  );
  if (removed.length === 0) {
    const what = value ? `tag "${tag}" with value "${value}"` : `tag "${tag}"`;
    throw new SpecEditError(`${what} not found in ${inPackage(key)}`);
  }
}

/** Removes the tag lines (of any package) `match` selects; returns the removed tags' values. */
export function removeTagLines(spec: Spec, match: (tag: string, value: string, pkg: string) => boolean): string[] {
  const { tags, sections } = spec.structure;
  const drop = new Set<number>();
  const values: string[] = [];
  for (const t of tags) {
    if (match(t.tag, t.value, sections[t.section].pkg)) {
      drop.add(t.index);
      values.push(t.value);
    }
  }
  if (drop.size > 0) {
    spec.lines = spec.lines.filter((_, i) => !drop.has(i));
    commit(spec);
  }
  return values;
}

/**
 * Rewrites matching tags in one forward pass, re-reading each rewritten line as azldev does (a value
 * can turn the line into a section header, which then decides where the following lines belong).
 */
function rewriteTags(spec: Spec, key: string, tag: string, value: string): boolean {
  const wanted = goLower(tag);
  const replacement = storedText(spec, `${tag}: ${value}`);
  let pkg = '';
  let inPackageSection = true;
  let updated = false;
  const enter = (c: LineClass): void => {
    if (c.kind !== 'header') return;
    pkg = c.pkg;
    inPackageSection = c.type === 'package';
  };
  for (const line of spec.lines) {
    const c = classifyLine(line.text, inPackageSection);
    if (c.kind === 'header') enter(c);
    else if (c.kind === 'tag' && pkg === key && goLower(c.tag) === wanted) {
      line.text = replacement;
      updated = true;
      enter(classifyLine(replacement, inPackageSection));
    }
  }
  if (updated) commit(spec);
  return updated;
}

/** "Source9999" → "source", "BuildRequires" → "buildrequires"; an all-digit name stays whole. */
export function tagFamily(tag: string): string {
  const lower = goLower(tag);
  let end = lower.length;
  while (end > 0 && lower.charCodeAt(end - 1) >= 0x30 && lower.charCodeAt(end - 1) <= 0x39) end--;
  return end === 0 ? lower : lower.slice(0, end);
}

/**
 * When line `at` sits inside an %if block (counting %if/%endif from the top of the file), the line of
 * the %endif that closes it, looking no further than `limit`; otherwise `at` itself.
 */
function skipPastConditional(spec: Spec, at: number, limit: number): number {
  const cond = spec.structure.conditional;
  let depth = 0;
  for (let i = 0; i <= at; i++) depth += cond[i] === COND_OPEN ? 1 : cond[i] === COND_CLOSE ? -1 : 0;
  if (depth <= 0) return at;
  for (let i = at + 1; i < limit && i < spec.lines.length; i++) {
    depth += cond[i] === COND_OPEN ? 1 : cond[i] === COND_CLOSE ? -1 : 0;
    if (depth <= 0) return i;
  }
  return at;
}
