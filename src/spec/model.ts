// The lossless spec model: every physical line with its own line ending, plus the structure derived
// from those lines (sections, tags, conditionals, continuations). Edits change `lines` and rebuild
// the structure; printing joins `text + eol` of every line, so an unedited spec prints back byte-for-byte.

/** One physical line. `text` has no line ending; `eol` is "\n", "\r\n", "" (last line without a
 * newline) or "\r" (a lone CR ending the file, which Go's line scanner also strips). */
export interface SpecLine {
  text: string;
  eol: string;
}

/** How a section's body is read (azldev's section types). */
export type SectionType = 'package' | 'script' | 'raw' | 'files' | 'changelog' | 'sourcelist';

export interface SpecSection {
  /** The header word as written ("%files", "%Description"); "" for the preamble. */
  name: string;
  type: SectionType;
  /** The sub-package key azldev uses ("devel" for `%files devel`, "foo" for `%files -n foo`);
   * "" for the main package and for sections that belong to no package (%changelog, %patchlist). */
  pkg: string;
  /** 0-based index of the header line; -1 for the preamble, which has no header. */
  header: number;
  /** 0-based index one past the last line of the section (the next header, or the line count). */
  end: number;
  /** The header line split into words, e.g. ["%files", "-n", "foo", "-f", "list"]; [] for the preamble. */
  args: string[];
}

/** A `Tag: value` line inside a package section (the preamble or a %package section). */
export interface SpecTagLine {
  /** 0-based line index. */
  index: number;
  tag: string;
  value: string;
  /** Index into `sections`. */
  section: number;
}

/** Per-line conditional directive: %if/%ifarch/%ifnarch/%ifos/%ifnos open, %endif closes,
 * %else/%elif* branch (azldev's recognition: first word, case-insensitive, not in a # comment). */
export const COND_NONE = 0;
export const COND_OPEN = 1;
export const COND_CLOSE = 2;
export const COND_BRANCH = 3;

export interface SpecStructure {
  /** sections[0] is the preamble (the main package's tags before the first header). */
  sections: SpecSection[];
  tags: SpecTagLine[];
  /** Per line: index into `sections` (a header line belongs to the section it opens). */
  lineSection: Int32Array;
  /** Per line: COND_* directive kind. */
  conditional: Uint8Array;
  /** Per line: %if blocks open around the line (an %if/%else/%endif line counts the block it belongs to
   * as outside, so a directive and its block's contents differ by one). */
  depth: Int32Array;
  /** Per line: 1 when the line continues the previous one as a single rpm logical line: the previous
   * line ended in a backslash, or a %{ %( %[ opened earlier is still unclosed (rpm's readLine rule). */
  continued: Uint8Array;
  /** 1-based lines of %endif/%else/%elif with no open %if, then of %if never closed. Empty when balanced. */
  unbalanced: number[];
}

export interface Spec {
  lines: SpecLine[];
  /** The line ending given to inserted lines: the file's majority ending ("\n" when it has none). */
  newline: string;
  /** How the text maps to bytes: "utf8", or "latin1" (one character per byte) when parseSpecBytes
   * met bytes that are not UTF-8. Edits store inserted text in the same form. */
  encoding: 'utf8' | 'latin1';
  /** Derived from `lines`; rebuilt by every edit. */
  structure: SpecStructure;
}
