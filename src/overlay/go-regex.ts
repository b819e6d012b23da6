// azldev compiles overlay `regex` fields with Go's regexp (RE2 syntax). This translates a Go pattern
// into an equivalent JavaScript RegExp (flags `gu`, plus `i` for a leading (?i)), and rejects what
// Go rejects (look-arounds, back-references, bad escapes, nested repetition, counts over 1000) so a
// pattern valid here is valid for azldev and vice versa.
//
// Semantics kept exactly: `.` never matches "\n" unless (?s); ^/$ are text anchors unless (?m),
// where they match at "\n" only (JS would also match at "\r", U+2028, U+2029); \s is Go's ASCII
// [\t\n\f\r ]; [[:class:]] are ASCII; flags set mid-group last to the end of that group (also
// across `|`), translated to JS modifier groups `(?i:…)`. (?U) (ungreedy) is refused.
// Known gap: repeating a sub-expression that is itself repeated and can match empty (reachable only
// as `x*?(?i)+`) may pick a different match than RE2's automaton; no real overlay does this.

import { CATEGORIES, classChar, complement, literal, MAX_CP, PERL_CLASSES, POSIX_CLASSES, rangesToClassBody } from './go-regex-sets.ts';
import type { Range } from './go-regex-sets.ts';

export class GoRegexError extends Error {
  override name = 'GoRegexError';
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
}

/** One open group of the output: its flags and the JS case mode in force where it started. */
interface Frame {
  flags: Flags;
  /** Case-insensitivity JS applies at the current output position inside this group. */
  jsI: boolean;
  /** JS case mode at the group's start (restored at `|`). */
  baseI: boolean;
  /** Modifier groups opened to switch JS case mode, closed at `|` and `)`. */
  openModifiers: number;
  /** What the last emitted item was, for repetition checks ('repeated': a repeat followed by a
   * flag group, which Go lets be repeated again). */
  last: 'none' | 'atom' | 'assert' | 'repeat' | 'repeated';
  /** Output offset where the last atom starts (to wrap a repeated assertion). */
  lastStart: number;
}

class Translator {
  private readonly src: string;
  private pos = 0;
  private out = '';
  private readonly frames: Frame[] = [];
  jsFlagI = false;

  constructor(src: string) {
    this.src = src;
  }

  fail(reason: string): never {
    throw new GoRegexError(`invalid regex ${JSON.stringify(this.src)}: ${reason}`);
  }

  private peek(offset = 0): number | undefined {
    return this.src.codePointAt(this.pos + offset);
  }

  private take(): number {
    const cp = this.src.codePointAt(this.pos);
    if (cp === undefined) this.fail('unexpected end of pattern');
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private get frame(): Frame {
    return this.frames[this.frames.length - 1];
  }

  translate(): string {
    this.leadingFlags();
    this.frames.push({
      flags: { ...this.initial },
      jsI: this.jsFlagI,
      baseI: this.jsFlagI,
      openModifiers: 0,
      last: 'none',
      lastStart: 0,
    });
    while (this.pos < this.src.length) this.step();
    if (this.frames.length > 1) this.fail('missing closing )');
    this.closeModifiers();
    return this.out;
  }

  private initial: Flags = { i: false, m: false, s: false };

  /** Leading `(?flags)` groups set the whole pattern's flags; a leading (?i) becomes the JS `i` flag. */
  private leadingFlags(): void {
    const re = /^\(\?([a-zA-Z-]*)\)/;
    for (;;) {
      const m = re.exec(this.src.slice(this.pos));
      if (!m) break;
      this.initial = this.parseFlags(m[1], this.initial);
      this.pos += m[0].length;
    }
    this.jsFlagI = this.initial.i;
  }

  private parseFlags(text: string, base: Flags): Flags {
    const flags = { ...base };
    let negate = false;
    let sawFlag = false;
    for (const ch of text) {
      if (ch === '-') {
        if (negate) this.fail('invalid or unsupported Perl syntax: repeated "-" in flags');
        negate = true;
        sawFlag = false;
        continue;
      }
      if (ch === 'U') this.fail('the (?U) ungreedy flag has no JavaScript equivalent');
      if (ch !== 'i' && ch !== 'm' && ch !== 's') this.fail(`invalid or unsupported Perl syntax: flag "${ch}"`);
      flags[ch] = !negate;
      sawFlag = true;
    }
    if (negate && !sawFlag) this.fail('invalid or unsupported Perl syntax: missing flag after "-"');
    if (text === '') this.fail('invalid or unsupported Perl syntax: empty flag group "(?)"');
    return flags;
  }

  /** Before emitting an atom: make JS's case mode match the Go flags in force. */
  private syncCase(): void {
    const f = this.frame;
    if (f.jsI !== f.flags.i) {
      this.out += f.flags.i ? '(?i:' : '(?-i:';
      f.openModifiers++;
      f.jsI = f.flags.i;
    }
  }

  private closeModifiers(): void {
    const f = this.frame;
    this.out += ')'.repeat(f.openModifiers);
    f.openModifiers = 0;
    f.jsI = f.baseI;
  }

  private emitAtom(text: string, kind: 'atom' | 'assert' = 'atom'): void {
    this.syncCase();
    const f = this.frame;
    f.lastStart = this.out.length;
    this.out += text;
    f.last = kind;
  }

  private step(): void {
    const cp = this.take();
    const ch = String.fromCodePoint(cp);
    const f = this.frame;
    switch (ch) {
      case '(':
        return this.openGroup();
      case ')': {
        if (this.frames.length === 1) this.fail('unexpected )');
        this.closeModifiers();
        this.out += ')';
        this.frames.pop();
        const parent = this.frame;
        parent.last = 'atom';
        return;
      }
      case '|':
        this.closeModifiers();
        this.out += '|';
        f.last = 'none';
        return;
      case '*':
      case '+':
      case '?':
        return this.repeat(ch);
      case '{': {
        const m = /^(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.pos));
        if (!m) return this.emitAtom('\\{');
        const min = Number(m[1]);
        const max = m[2] ? (m[3] === '' ? undefined : Number(m[3])) : min;
        if (min > 1000 || (max !== undefined && (max > 1000 || max < min))) this.fail(`invalid repeat count {${m[0]}`);
        this.pos += m[0].length;
        return this.repeat(`{${m[0]}`);
      }
      case '.':
        return this.emitAtom(f.flags.s ? '[^]' : '[^\\n]');
      case '^':
        return this.emitAtom(f.flags.m ? '(?<![^\\n])' : '^', 'assert');
      case '$':
        return this.emitAtom(f.flags.m ? '(?![^\\n])' : '$', 'assert');
      case '[':
        return this.emitAtom(this.charClass());
      case '\\':
        return this.escape();
      default:
        return this.emitAtom(literal(cp));
    }
  }

  private repeat(op: string): void {
    const f = this.frame;
    if (f.last === 'none') this.fail(`missing argument to repetition operator: ${op}`);
    if (f.last === 'repeat') this.fail(`invalid nested repetition operator: ${op}`);
    if (f.last === 'assert' || f.last === 'repeated') {
      // JS cannot repeat an assertion or a repetition directly; Go can, so wrap it.
      this.out = `${this.out.slice(0, f.lastStart)}(?:${this.out.slice(f.lastStart)})`;
    }
    let text = op;
    if (this.peek() === 0x3f /* ? */) {
      this.pos++;
      text += '?';
    }
    this.out += text;
    f.last = 'repeat';
  }

  private openGroup(): void {
    const rest = this.src.slice(this.pos);
    const parent = this.frame;
    let flags = parent.flags;
    let open = '(';
    if (rest.startsWith('?')) {
      const named = /^\?P?<([^>]*)>/.exec(rest);
      if (named) {
        const name = named[1];
        if (!/^[A-Za-z0-9_]+$/.test(name)) this.fail(`invalid named capture: ${JSON.stringify(name)}`);
        this.pos += named[0].length;
        // Names never matter to a literal replacement, and JS names are stricter (no leading digit,
        // no duplicates, which Go allows), so the group is emitted unnamed.
      } else {
        const m = /^\?([a-zA-Z-]*)([:)])/.exec(rest);
        if (!m) this.fail(`invalid or unsupported Perl syntax: (${rest.slice(0, 3)}`);
        this.pos += m[0].length;
        flags = this.parseFlags(m[1], parent.flags);
        if (m[2] === ')') {
          // (?flags): applies until the end of the enclosing group. Go forgets that a repetition
          // came just before, so `a*(?i)*` is `(?:a*)*`.
          parent.flags = flags;
          if (parent.last === 'repeat') parent.last = 'repeated';
          return;
        }
        open = '(?:';
      }
    }
    this.syncCase();
    if (flags.i !== parent.jsI) open = flags.i ? '(?i:' : '(?-i:';
    this.out += open;
    this.frames.push({ flags: { ...flags }, jsI: flags.i, baseI: flags.i, openModifiers: 0, last: 'none', lastStart: 0 });
  }

  /** Parses after `\` outside a class. */
  private escape(): void {
    const next = this.peek();
    if (next === undefined) this.fail('trailing backslash at end of expression');
    const ch = String.fromCodePoint(next);
    switch (ch) {
      case 'A':
        this.pos++;
        return this.emitAtom('^', 'assert');
      case 'z':
        this.pos++;
        return this.emitAtom('$', 'assert');
      case 'b':
      case 'B':
        this.pos++;
        return this.emitAtom(`\\${ch}`, 'assert');
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        this.pos++;
        return this.emitAtom(`\\${ch}`);
      case 's':
        this.pos++;
        return this.emitAtom(`[${rangesToClassBody(PERL_CLASSES.s)}]`);
      case 'S':
        this.pos++;
        return this.emitAtom(`[^${rangesToClassBody(PERL_CLASSES.s)}]`);
      case 'p':
      case 'P':
        return this.emitAtom(this.unicodeClass(false));
      case 'Q': {
        this.pos++;
        const end = this.src.indexOf('\\E', this.pos);
        const text = end < 0 ? this.src.slice(this.pos) : this.src.slice(this.pos, end);
        this.pos = end < 0 ? this.src.length : end + 2;
        for (const c of text) this.emitAtom(literal(c.codePointAt(0)!));
        return;
      }
      default:
        return this.emitAtom(literal(this.escapedChar()));
    }
  }

  /** A single-character escape (after `\`): returns its code point. Shared by classes and atoms. */
  private escapedChar(): number {
    const cp = this.take();
    const ch = String.fromCodePoint(cp);
    if (cp < 0x80 && !/[0-9A-Za-z]/.test(ch)) return cp;
    switch (ch) {
      case 'a':
        return 0x07;
      case 'f':
        return 0x0c;
      case 't':
        return 0x09;
      case 'n':
        return 0x0a;
      case 'r':
        return 0x0d;
      case 'v':
        return 0x0b;
      case 'x': {
        const rest = this.src.slice(this.pos);
        const braced = /^\{([0-9A-Fa-f]+)\}/.exec(rest);
        if (braced) {
          const v = parseInt(braced[1], 16);
          if (v > MAX_CP) this.fail(`invalid escape sequence: \\x${braced[0]}`);
          this.pos += braced[0].length;
          return v;
        }
        const two = /^[0-9A-Fa-f]{2}/.exec(rest);
        if (!two) this.fail(`invalid escape sequence: \\x${rest.slice(0, 2)}`);
        this.pos += 2;
        return parseInt(two[0], 16);
      }
      default:
        break;
    }
    if (ch >= '0' && ch <= '7') {
      // Go: \0 or \d followed by an octal digit is octal (up to 3 digits); \1–\7 alone would be a back-reference.
      const rest = this.src.slice(this.pos);
      if (ch !== '0' && !/^[0-7]/.test(rest)) this.fail(`invalid escape sequence: \\${ch} (back-references are not supported)`);
      const more = /^[0-7]{0,2}/.exec(rest)![0];
      this.pos += more.length;
      return parseInt(ch + more, 8);
    }
    return this.fail(`invalid escape sequence: \\${ch}`);
  }

  /** \pL, \p{Greek}, \P{…}, \p{^…} (the `\` has been read, `p`/`P` has not). */
  private unicodeClass(inClass: boolean): string {
    let negate = this.take() === 0x50; /* P */
    let name: string;
    if (this.peek() === 0x7b /* { */) {
      const end = this.src.indexOf('}', this.pos);
      if (end < 0) this.fail('invalid character class range: missing } after \\p{');
      name = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
      if (name.startsWith('^')) {
        negate = !negate;
        name = name.slice(1);
      }
    } else {
      name = String.fromCodePoint(this.take());
    }
    if (!/^[A-Za-z_]+$/.test(name)) this.fail(`invalid character class range: \\p{${name}}`);
    if (name === 'Any') {
      const ranges: Range[] = negate ? [] : [[0, MAX_CP]];
      if (inClass) return rangesToClassBody(ranges);
      return negate ? '[]' : '[^]';
    }
    const body = CATEGORIES.has(name) ? name : `Script=${name}`;
    return `\\${negate ? 'P' : 'p'}{${body}}`;
  }

  /** Parses a bracket expression (the `[` has been read) into a JS class. */
  private charClass(): string {
    let negate = false;
    if (this.peek() === 0x5e /* ^ */) {
      this.pos++;
      negate = true;
    }
    let body = '';
    let first = true;
    for (;;) {
      const cp = this.peek();
      if (cp === undefined) this.fail('missing closing ]');
      if (cp === 0x5d /* ] */ && !first) {
        this.pos++;
        break;
      }
      first = false;
      const rest = this.src.slice(this.pos);
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(rest);
      if (posix) {
        const ranges = POSIX_CLASSES[posix[2]];
        if (!ranges) this.fail(`invalid character class range: [:${posix[2]}:]`);
        body += rangesToClassBody(posix[1] ? complement(ranges) : ranges);
        this.pos += posix[0].length;
        continue;
      }
      if (cp === 0x5c /* \ */) {
        const esc = this.peek(1);
        const e = esc === undefined ? '' : String.fromCodePoint(esc);
        if ('dDsSwW'.includes(e) && e !== '') {
          this.pos += 2;
          const ranges = PERL_CLASSES[e.toLowerCase()];
          body += rangesToClassBody(e === e.toUpperCase() ? complement(ranges) : ranges);
          continue;
        }
        if (e === 'p' || e === 'P') {
          this.pos++;
          body += this.unicodeClass(true);
          continue;
        }
      }
      const lo = this.classAtom();
      if (this.peek() === 0x2d /* - */ && this.peek(1) !== undefined && this.peek(1) !== 0x5d) {
        this.pos++;
        const hi = this.classAtom();
        if (hi < lo) this.fail('invalid character class range');
        body += `${classChar(lo)}-${classChar(hi)}`;
      } else {
        body += classChar(lo);
      }
    }
    return `[${negate ? '^' : ''}${body}]`;
  }

  private classAtom(): number {
    const cp = this.take();
    if (cp !== 0x5c) return cp;
    if (this.peek() === undefined) this.fail('trailing backslash at end of expression');
    const e = String.fromCodePoint(this.peek()!);
    if ('dDsSwWpPbBAzQ'.includes(e)) this.fail(`invalid character class range: \\${e}`);
    return this.escapedChar();
  }
}

/** Go RE2 pattern → JS source and flags (without `g`). Throws GoRegexError naming the pattern. */
export function translateGoRegex(pattern: string): { source: string; flags: string } {
  const t = new Translator(pattern);
  const source = t.translate();
  return { source, flags: t.jsFlagI ? 'iu' : 'u' };
}

/**
 * Compiles a Go RE2 pattern to a JS RegExp with flags `gu` (+`i`): ready for replace-all.
 * Throws GoRegexError when Go would reject the pattern or JS cannot express it.
 */
export function compileGoRegex(pattern: string): RegExp {
  const { source, flags } = translateGoRegex(pattern);
  try {
    return new RegExp(source, `g${flags}`);
  } catch (e) {
    throw new GoRegexError(`invalid regex ${JSON.stringify(pattern)}: cannot express in JavaScript (${(e as Error).message})`);
  }
}
