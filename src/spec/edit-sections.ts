// spec-remove-section and spec-remove-subpackage (azldev's RemoveSection / RemoveSubpackage): a
// section is its header line through the line before the next header. Removing it must not break
// %if/%endif nesting: a directive whose partner lies outside the range stays in the spec (an %endif
// closing a block the section sat in, an %if opening the next section's block), and when that would
// leave section content behind, or would drop an %else of an outer block, the edit fails instead.
import { SpecEditError, commit, packageKey, sectionLabel } from './edit-support.ts';
import { isBlankOrComment } from './classify.ts';
import { COND_BRANCH, COND_CLOSE, COND_OPEN, type Spec, type SpecSection } from './model.ts';

interface Range {
  start: number;
  end: number;
}
interface Pair {
  open: number;
  close: number;
}

/** Removes every section with this header word (as written, e.g. "%files") and package key. */
export function removeSection(spec: Spec, section: string, pkg: string | undefined): void {
  const key = packageKey(pkg);
  if (section === '') throw new SpecEditError('cannot remove the preamble (global section)');
  const label = sectionLabel(section, key);
  removeRanges(spec, label, (s) => s.header >= 0 && s.name === section && s.pkg === key, `${label} not found`);
}

/** Removes every section of sub-package `pkg` (%package, %description, %files, scriptlets …), named
 * the way the spec's headers name it ("devel" for `%package devel`, "foo" for `%package -n foo`). */
export function removeSubpackage(spec: Spec, pkg: string): void {
  if (pkg === '') throw new SpecEditError('cannot remove a sub-package with an empty name');
  removeRanges(spec, `sub-package "${pkg}"`, (s) => s.header >= 0 && s.pkg === pkg, `sub-package "${pkg}" not found: no section header names it`);
}

function removeRanges(spec: Spec, label: string, match: (s: SpecSection) => boolean, notFound: string): void {
  const ranges: Range[] = spec.structure.sections.filter(match).map((s) => ({ start: s.header, end: s.end }));
  if (ranges.length === 0) throw new SpecEditError(notFound);
  const pairs = conditionalPairs(spec, label);
  const balanced = ranges.map((r) => balance(spec, r, pairs, label));
  const drop = new Uint8Array(spec.lines.length);
  for (const r of balanced) drop.fill(1, r.start, r.end);
  spec.lines = spec.lines.filter((_, i) => drop[i] === 0);
  commit(spec);
}

/** Matching %if/%endif pairs of the whole file; an unmatched one makes removal unsafe. */
function conditionalPairs(spec: Spec, label: string): Pair[] {
  const cond = spec.structure.conditional;
  const pairs: Pair[] = [];
  const open: number[] = [];
  for (let i = 0; i < cond.length; i++) {
    if (cond[i] === COND_OPEN) open.push(i);
    else if (cond[i] === COND_CLOSE) {
      const o = open.pop();
      if (o === undefined) throw new SpecEditError(`cannot remove ${label}: unmatched %endif at line ${i + 1}`);
      pairs.push({ open: o, close: i });
    }
  }
  if (open.length > 0) throw new SpecEditError(`cannot remove ${label}: unmatched %if at line ${open[0] + 1}`);
  return pairs;
}

/** The range shortened so that no %if/%endif whose partner lies outside it is removed (azldev's balanceRange). */
function balance(spec: Spec, range: Range, pairs: readonly Pair[], label: string): Range {
  const inside = (line: number): boolean => line >= range.start && line < range.end;
  const spans = (): SpecEditError =>
    new SpecEditError(
      `cannot remove ${label} (lines ${range.start + 1}-${range.end}): a conditional block spans into the next section; ` +
        'adjust the conditionals with spec-search-replace first',
    );
  let trimmed = range.end;
  for (const p of pairs) {
    const openIn = inside(p.open);
    if (openIn === inside(p.close)) continue;
    trimmed = Math.min(trimmed, openIn ? p.open : p.close);
    // An %if opened in this section and closed after it: anything but directives and blanks after
    // the %if is this section's content wrapped in the next section's conditional.
    if (openIn && hasContent(spec, p.open + 1, range.end)) throw spans();
  }
  for (let i = range.start; i < range.end; i++) {
    if (spec.structure.conditional[i] !== COND_BRANCH) continue;
    const enclosing = pairs.find((p) => p.open <= i && p.close >= i);
    if (enclosing !== undefined && !(inside(enclosing.open) && inside(enclosing.close))) {
      throw new SpecEditError(
        `cannot remove ${label} (lines ${range.start + 1}-${range.end}): it holds an %else/%elif branch directive ` +
          'of a conditional block that extends beyond it; adjust the conditionals with spec-search-replace first',
      );
    }
  }
  if (trimmed === range.end) return range;
  if (hasContent(spec, trimmed, range.end)) throw spans();
  return { start: range.start, end: trimmed };
}

/** Whether lines [from, to) hold anything but blank lines, comments and %if/%endif lines. */
function hasContent(spec: Spec, from: number, to: number): boolean {
  const cond = spec.structure.conditional;
  for (let i = from; i < to; i++) {
    if (cond[i] !== COND_OPEN && cond[i] !== COND_CLOSE && !isBlankOrComment(spec.lines[i].text)) return true;
  }
  return false;
}
