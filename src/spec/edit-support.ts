// Shared pieces of the spec edits: the error type, how packages and sections are named in messages,
// and line insertion/removal that keeps the lossless model consistent (new lines get the file's line
// ending; the structure is rebuilt once per edit).
import type { Spec, SpecLine, SpecSection } from './model.ts';
import { analyze, splitLines } from './parse.ts';

/** An edit that cannot apply (azldev's failure rules): one line naming what was missing and where. */
export class SpecEditError extends Error {
  override name = 'SpecEditError';
}

/** The package key azldev uses: "" for the main package. */
export function packageKey(pkg: string | undefined): string {
  return pkg ?? '';
}

export function inPackage(pkg: string): string {
  return pkg === '' ? 'the main package' : `package "${pkg}"`;
}

export function sectionLabel(name: string, pkg: string): string {
  if (name === '') return pkg === '' ? 'the preamble' : `the %package section of "${pkg}"`;
  return pkg === '' ? `section "${name}"` : `section "${name}" of package "${pkg}"`;
}

/** Sections whose header word (as written) and package key are exactly these (azldev compares both
 * case-sensitively). The name "" is the preamble. */
export function sectionsNamed(spec: Spec, name: string, pkg: string): SpecSection[] {
  return spec.structure.sections.filter((s) => s.name === name && s.pkg === pkg);
}

/** New lines for `texts`, ending like the rest of the file. */
export function makeLines(spec: Spec, texts: readonly string[]): SpecLine[] {
  return texts.map((t) => ({ text: storedText(spec, t), eol: spec.newline }));
}

/** Text as the spec stores it: unchanged, or its UTF-8 bytes as Latin-1 characters in a Latin-1 spec. */
export function storedText(spec: Spec, text: string): string {
  return spec.encoding === 'latin1' ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

/** Inserts before line `at` (0 ≤ at ≤ line count). Call commit() after the last change. */
export function insertAt(spec: Spec, at: number, added: readonly SpecLine[]): void {
  if (added.length === 0) return;
  // Lines appended after a last line without a newline: that line gets one, as Go's writer gives
  // every line one.
  if (at === spec.lines.length && at > 0) {
    const last = spec.lines[at - 1];
    if (last.eol === '' || last.eol === '\r') last.eol = spec.newline;
  }
  spec.lines.splice(at, 0, ...added);
}

/** Rebuilds the structure after edits. A line whose text now holds a newline (a replacement or an
 * inserted line may carry one) is split, as writing the file and reading it back would. */
export function commit(spec: Spec): void {
  if (spec.lines.some((l) => l.text.includes('\n') || l.text.endsWith('\r'))) {
    spec.lines = spec.lines.flatMap((l) => (l.text.includes('\n') || l.text.endsWith('\r') ? splitLines(l.text + l.eol) : [l]));
  }
  spec.structure = analyze(spec.lines);
}
