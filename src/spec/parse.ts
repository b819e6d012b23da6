// Parsing (text → lines + structure) and printing (lines → the same text). The split keeps each
// line's own ending, so CRLF files, a missing final newline and stray bytes all print back unchanged.
import { CONDITIONAL_WORDS, SECTION_TYPES, matchTag, sectionPackage } from './classify.ts';
import { goFields, goFirstField, goLower, goTrimSpace } from './text.ts';
import {
  COND_BRANCH,
  COND_CLOSE,
  COND_NONE,
  COND_OPEN,
  type Spec,
  type SpecLine,
  type SpecSection,
  type SpecStructure,
  type SpecTagLine,
} from './model.ts';

export function parseSpec(text: string): Spec {
  return parseWithEncoding(text, 'utf8');
}

function parseWithEncoding(text: string, encoding: Spec['encoding']): Spec {
  const lines = splitLines(text);
  return { lines, newline: majorityNewline(lines), encoding, structure: analyze(lines) };
}

export function printSpec(spec: Spec): string {
  let out = '';
  for (const line of spec.lines) out += line.text + line.eol;
  return out;
}

/**
 * Bytes → Spec for files that may not be valid UTF-8: valid UTF-8 is decoded as such, anything else
 * as Latin-1 (one character per byte), so printSpecBytes gives back the exact bytes either way.
 */
export function parseSpecBytes(bytes: Uint8Array): Spec {
  try {
    // ignoreBOM keeps a byte-order mark in the text, so it prints back too.
    return parseWithEncoding(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), 'utf8');
  } catch {
    return parseWithEncoding(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), 'latin1');
  }
}

/** The spec's bytes, in the encoding it was read with (UTF-8 unless parseSpecBytes fell back to Latin-1). */
export function printSpecBytes(spec: Spec): Buffer {
  return Buffer.from(printSpec(spec), spec.encoding);
}

/** Splits at "\n" like Go's bufio.ScanLines: a "\r" before the "\n" (or ending the file) belongs to
 * the line ending, any other "\r" stays in the text. */
export function splitLines(text: string): SpecLine[] {
  const lines: SpecLine[] = [];
  let start = 0;
  const n = text.length;
  while (start < n) {
    const nl = text.indexOf('\n', start);
    const stop = nl < 0 ? n : nl;
    const cr = stop > start && text.charCodeAt(stop - 1) === 0x0d;
    const textEnd = cr ? stop - 1 : stop;
    lines.push({ text: text.slice(start, textEnd), eol: nl < 0 ? (cr ? '\r' : '') : cr ? '\r\n' : '\n' });
    start = stop + 1;
  }
  return lines;
}

function majorityNewline(lines: readonly SpecLine[]): string {
  let crlf = 0;
  let lf = 0;
  for (const l of lines) {
    if (l.eol === '\n') lf++;
    else if (l.eol === '\r\n') crlf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/** Builds the structure of `lines` in one pass; each line is classified as classifyLine() would
 * (inlined here, with the conditional directive read from the same first word). */
export function analyze(lines: readonly SpecLine[]): SpecStructure {
  const n = lines.length;
  const sections: SpecSection[] = [{ name: '', type: 'package', pkg: '', header: -1, end: n, args: [] }];
  const tags: SpecTagLine[] = [];
  const lineSection = new Int32Array(n);
  const conditional = new Uint8Array(n);
  const depth = new Int32Array(n);
  const continued = new Uint8Array(n);
  const unbalanced: number[] = [];
  const openIfs: number[] = [];
  const cont = new ContinuationTracker();
  let current = 0;
  let inPackage = true;
  for (let i = 0; i < n; i++) {
    const { text, eol } = lines[i];
    let cond = COND_NONE;
    if (text.charCodeAt(0) !== 0x23 /* # */) {
      const logical = goTrimSpace(text);
      let header = false;
      if (logical.charCodeAt(0) === 0x25 /* % */) {
        const word = goLower(goFirstField(logical));
        const type = SECTION_TYPES.get(word);
        if (type !== undefined) {
          header = true;
          const args = goFields(logical);
          sections[current].end = i;
          current = sections.length;
          sections.push({ name: args[0], type, pkg: sectionPackage(type, args), header: i, end: n, args });
          inPackage = type === 'package';
        } else cond = CONDITIONAL_WORDS.get(word) ?? COND_NONE;
      }
      if (!header && inPackage && logical !== '') {
        const tag = matchTag(logical);
        if (tag !== undefined) tags.push({ index: i, tag: tag.tag, value: tag.value, section: current });
      }
    }
    lineSection[i] = current;
    conditional[i] = cond;
    if (cond === COND_OPEN) {
      depth[i] = openIfs.length;
      openIfs.push(i);
    } else if (cond === COND_CLOSE) {
      if (openIfs.pop() === undefined) unbalanced.push(i + 1);
      depth[i] = openIfs.length;
    } else if (cond === COND_BRANCH) {
      if (openIfs.length === 0) unbalanced.push(i + 1);
      depth[i] = Math.max(0, openIfs.length - 1);
    } else depth[i] = openIfs.length;
    continued[i] = cont.inside ? 1 : 0;
    cont.feed(text, eol);
  }
  for (const line of openIfs) unbalanced.push(line + 1);
  unbalanced.sort((a, b) => a - b);
  return { sections, tags, lineSection, conditional, depth, continued, unbalanced };
}

/**
 * rpm's rule for joining physical lines into one logical line (build/parseSpec.c, copyNextLineFromOFI):
 * a line ending in an unescaped backslash continues, and so does text inside an unclosed %{...},
 * %(...) or %[...] (braces, parentheses and brackets nest once one of those is open).
 */
class ContinuationTracker {
  private braces = 0;
  private parens = 0;
  private brackets = 0;
  inside = false;

  feed(text: string, eol: string): void {
    // Fast path: nothing open and no opener on the line, so only a trailing backslash can continue it.
    if (this.braces + this.parens + this.brackets === 0 && !/%[{([]/.test(text)) {
      let run = 0;
      while (run < text.length && text.charCodeAt(text.length - 1 - run) === 0x5c) run++;
      // Backslashes pair up from the left; an odd run leaves the last one escaping the newline
      // (not a "\r\n" ending: rpm then sees the backslash escape the CR).
      this.inside = run % 2 === 1 && eol === '\n';
      return;
    }
    let backslashNewline = false;
    const n = text.length;
    for (let p = 0; p < n; p++) {
      const ch = text.charCodeAt(p);
      if (ch === 0x5c /* \ */) {
        if (p + 1 < n) p++;
        else backslashNewline = eol === '\n';
      } else if (ch === 0x25 /* % */) {
        const next = text.charCodeAt(p + 1);
        if (next === 0x7b) this.braces++;
        else if (next === 0x28) this.parens++;
        else if (next === 0x5b) this.brackets++;
        if (next === 0x7b || next === 0x28 || next === 0x5b || next === 0x25) p++;
      } else if (ch === 0x7b) {
        if (this.braces > 0) this.braces++;
      } else if (ch === 0x7d) {
        if (this.braces > 0) this.braces--;
      } else if (ch === 0x28) {
        if (this.parens > 0) this.parens++;
      } else if (ch === 0x29) {
        if (this.parens > 0) this.parens--;
      } else if (ch === 0x5b) {
        if (this.brackets > 0) this.brackets++;
      } else if (ch === 0x5d) {
        if (this.brackets > 0) this.brackets--;
      }
    }
    this.inside = backslashNewline || this.braces + this.parens + this.brackets > 0;
  }
}
