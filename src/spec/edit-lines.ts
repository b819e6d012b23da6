// Line edits with azldev's semantics: spec-prepend-lines, spec-append-lines, spec-search-replace.
import { classifyLine } from './classify.ts';
import { SpecEditError, commit, insertAt, makeLines, packageKey, sectionLabel, sectionsNamed, storedText } from './edit-support.ts';
import type { Spec } from './model.ts';
import { replaceAllLiteral } from './text.ts';

/**
 * spec-prepend-lines. With a section: right after the header of every section with that name and
 * package (the preamble, named "", has no header: its lines go to the top). Without a section: the
 * top of the file (`pkg` is then ignored, as azldev ignores it; its config validation rejects it).
 */
export function prependLines(spec: Spec, section: string | undefined, pkg: string | undefined, lines: string[]): void {
  if (section === undefined || section === '') {
    insertAt(spec, 0, makeLines(spec, lines));
    commit(spec);
    return;
  }
  const key = packageKey(pkg);
  const targets = sectionsNamed(spec, section, key);
  if (targets.length === 0) throw new SpecEditError(`${sectionLabel(section, key)} not found`);
  for (const s of targets.reverse()) insertAt(spec, s.header + 1, makeLines(spec, lines));
  commit(spec);
}

/** spec-append-lines. With a section: at the end of every section with that name and package
 * (before the next header, after any trailing blank lines). Without: the bottom of the file. */
export function appendLines(spec: Spec, section: string | undefined, pkg: string | undefined, lines: string[]): void {
  if (section === undefined || section === '') {
    insertAt(spec, spec.lines.length, makeLines(spec, lines));
    commit(spec);
    return;
  }
  appendToSections(spec, section, packageKey(pkg), lines);
}

/** Appends to every section named `name` ("" = the preamble) of package `key`; fails if none. */
export function appendToSections(spec: Spec, name: string, key: string, lines: readonly string[]): void {
  const targets = sectionsNamed(spec, name, key);
  if (targets.length === 0) throw new SpecEditError(`${sectionLabel(name, key)} not found`);
  for (const s of targets.reverse()) insertAt(spec, s.end, makeLines(spec, lines));
  commit(spec);
}

/**
 * spec-search-replace: `regex` replaces every match on each line with `replacement` taken literally
 * (Go's ReplaceAllLiteralString: no $1). Only body lines are searched, never section headers. A
 * section limits the search to sections of that name; a package to sections of that package — each
 * alone matches across the other (section "%files" without a package edits every %files). Lines are
 * re-read after a change: a line that became a header starts a section for the lines after it.
 * Fails when no line changed.
 */
export function searchReplace(spec: Spec, section: string | undefined, pkg: string | undefined, regex: RegExp, replacement: string): void {
  const replacementText = storedText(spec, replacement);
  let name = '';
  let key = '';
  let inPackageSection = true;
  let changed = false;
  for (const line of spec.lines) {
    const c = classifyLine(line.text, inPackageSection);
    if (c.kind === 'header') {
      ({ name, pkg: key } = c);
      inPackageSection = c.type === 'package';
      continue;
    }
    if (section && name !== section) continue;
    if (pkg && key !== pkg) continue;
    const updated = replaceAllLiteral(line.text, regex, replacementText);
    if (updated === line.text) continue;
    line.text = updated;
    changed = true;
    const now = classifyLine(updated, inPackageSection);
    if (now.kind === 'header') {
      ({ name, pkg: key } = now);
      inPackageSection = now.type === 'package';
    }
  }
  if (!changed) {
    const scope = [section ? `section "${section}"` : '', pkg ? `package "${pkg}"` : ''].filter(Boolean).join(' of ');
    throw new SpecEditError(`pattern /${regex.source}/ matched no line${scope ? ` in ${scope}` : ''}`);
  }
  commit(spec);
}
