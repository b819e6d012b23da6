// What one physical line is, decided exactly as azldev's spec parser does (internal/rpm/spec/spec.go),
// so that every edit touches the same lines azldev would:
// - a line starting with "#" in column 0 is a comment; otherwise the line is trimmed (Go TrimSpace);
// - a first word that is a known section name (case-insensitive) starts a section;
// - inside a package section (the preamble or %package), `word: value` is a tag, where the word is
//   the leading run of characters that are neither RE2 whitespace nor ":" (so `Requires(post):` is
//   a tag, and so is `%{!?x:...` — azldev does not look further);
// - anything else is plain text. Line continuations and conditionals do not change this (azldev
//   reads physical lines), they are tracked separately in the structure.
import { COND_BRANCH, COND_CLOSE, COND_NONE, COND_OPEN, type SectionType } from './model.ts';
import { goFields, goFirstField, goLower, goTrimSpace, isRe2Space } from './text.ts';

/** azldev's table of section names (lower-cased), plus %verifyscript: rpm's name for the verify
 * scriptlet, which azldev's table lists as "%verify" (kept too, for identical behaviour). */
export const SECTION_TYPES: ReadonlyMap<string, SectionType> = new Map<string, SectionType>([
  ['%package', 'package'],
  ...[
    '%prep', '%conf', '%build', '%install', '%check', '%clean', '%generate_buildrequires',
    '%pre', '%post', '%preun', '%postun', '%pretrans', '%posttrans', '%preuntrans', '%postuntrans',
    '%verify', '%verifyscript', '%triggerin', '%triggerun', '%triggerprein', '%triggerpostun',
    '%filetriggerin', '%filetriggerun', '%filetriggerpostun',
    '%transfiletriggerin', '%transfiletriggerun', '%transfiletriggerpostun',
  ].map((n): [string, SectionType] => [n, 'script']),
  ['%description', 'raw'],
  ['%files', 'files'],
  ['%changelog', 'changelog'],
  ['%patchlist', 'sourcelist'],
  ['%sourcelist', 'sourcelist'],
]);

export interface HeaderLine {
  kind: 'header';
  name: string;
  type: SectionType;
  pkg: string;
  args: string[];
}
export interface TagLine {
  kind: 'tag';
  tag: string;
  value: string;
}
export interface TextLine {
  kind: 'text';
}
export type LineClass = HeaderLine | TagLine | TextLine;

const TEXT: TextLine = { kind: 'text' };

/** Classifies a line; `inPackageSection` is whether the current section is the preamble or a %package. */
export function classifyLine(text: string, inPackageSection: boolean): LineClass {
  if (text.charCodeAt(0) === 0x23 /* # */) return TEXT;
  const logical = goTrimSpace(text);
  if (logical === '') return TEXT;
  if (logical.charCodeAt(0) === 0x25 /* % */) {
    const type = SECTION_TYPES.get(goLower(goFirstField(logical)));
    if (type !== undefined) {
      const args = goFields(logical);
      return { kind: 'header', name: args[0], type, pkg: sectionPackage(type, args), args };
    }
  }
  return inPackageSection ? (matchTag(logical) ?? TEXT) : TEXT;
}

/** `^\s*([^\s:]+):\s*(.*?)\s*$` (RE2) on an already trimmed line. */
export function matchTag(logical: string): TagLine | undefined {
  let i = 0;
  const n = logical.length;
  while (i < n) {
    const c = logical.charCodeAt(i);
    if (c === 0x3a /* : */ || isRe2Space(c)) break;
    i++;
  }
  if (i === 0 || i === n || logical.charCodeAt(i) !== 0x3a) return undefined;
  let start = i + 1;
  let end = n;
  while (start < end && isRe2Space(logical.charCodeAt(start))) start++;
  while (end > start && isRe2Space(logical.charCodeAt(end - 1))) end--;
  const value = logical.slice(start, end);
  // `.` does not match a newline: a value spanning lines (only possible mid-edit) is no tag.
  if (value.includes('\n')) return undefined;
  return { kind: 'tag', tag: logical.slice(0, i), value };
}

/** The package a section header names (azldev's GetPackageNameFromSectionHeader); "" for none. */
export function sectionPackage(type: SectionType, args: string[]): string {
  if (type === 'changelog' || type === 'sourcelist') return '';
  return packageFromHeader(args);
}

/**
 * `%files -n foo` → "foo", `%files devel` → "devel" (the first word that is not an option), skipping
 * the arguments of -f/-p/-l/-P and stopping at "--" (a trigger's condition follows it). -n wins.
 */
export function packageFromHeader(args: readonly string[]): string {
  let absolute = '';
  let suffix = '';
  for (let i = 1; i < args.length; ) {
    const word = args[i];
    if (word === '--') break;
    if (word === '-n') {
      if (i + 1 < args.length) absolute = args[i + 1];
      i += 2;
    } else if (word === '-f' || word === '-p' || word === '-l' || word === '-P') {
      i += 2;
    } else {
      if (!word.startsWith('-') && suffix === '') suffix = word;
      i++;
    }
  }
  return absolute !== '' ? absolute : suffix;
}

/** Conditional directives by lower-cased first word (azldev's conditionalDepthChange and
 * isConditionalBranchDirective): COND_OPEN, COND_CLOSE or COND_BRANCH. */
export const CONDITIONAL_WORDS: ReadonlyMap<string, number> = new Map([
  ...['%if', '%ifarch', '%ifnarch', '%ifos', '%ifnos'].map((w): [string, number] => [w, COND_OPEN]),
  ['%endif', COND_CLOSE],
  ...['%else', '%elif', '%elifarch', '%elifnarch', '%elifos', '%elifnos'].map((w): [string, number] => [w, COND_BRANCH]),
]);

/** The COND_* kind of one line: its trimmed first word, unless the line is blank or a comment. */
export function conditionalKind(text: string): number {
  const trimmed = goTrimSpace(text);
  if (trimmed.charCodeAt(0) !== 0x25 /* % */) return COND_NONE; // also excludes "#" comments and blank lines
  return CONDITIONAL_WORDS.get(goLower(goFirstField(trimmed))) ?? COND_NONE;
}

/** A blank line or a "#" comment after trimming (azldev's isBlankOrComment). */
export function isBlankOrComment(text: string): boolean {
  const trimmed = goTrimSpace(text);
  return trimmed === '' || trimmed.charCodeAt(0) === 0x23;
}
