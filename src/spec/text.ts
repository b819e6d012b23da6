// Text primitives with Go's semantics. azldev (Go) decides what a line *is* with strings.TrimSpace,
// strings.Fields, strings.ToLower and RE2's `\s`; JavaScript's trim()/\s use a different whitespace
// set (e.g. U+FEFF, \v), so the spec classifier uses these instead to classify every line the same way.

/** unicode.IsSpace: the whitespace strings.TrimSpace and strings.Fields skip. */
export function isGoSpace(c: number): boolean {
  if (c <= 0xff) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0;
  return (
    c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

/** RE2's `\s` (Perl class, ASCII only): tab, newline, form feed, carriage return, space. No \v. */
export function isRe2Space(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

/** strings.TrimSpace. All Go space characters are in the BMP, so UTF-16 code units suffice. */
export function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** strings.Fields: the runs of non-space characters. */
export function goFields(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && isGoSpace(s.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isGoSpace(s.charCodeAt(i))) i++;
    out.push(s.slice(start, i));
  }
  return out;
}

/** strings.Fields(s)[0], without building the rest of the list (the hot path of line classification). */
export function goFirstField(s: string): string {
  let i = 0;
  const n = s.length;
  while (i < n && isGoSpace(s.charCodeAt(i))) i++;
  const start = i;
  while (i < n && !isGoSpace(s.charCodeAt(i))) i++;
  return s.slice(start, i);
}

/** strings.ToLower for the strings compared here (tag and section names): ASCII fast path. */
export function goLower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c > 0x7f) return s.toLowerCase();
  }
  return s;
}

/**
 * strings.EqualFold: equal under simple Unicode case folding. Compared per code point, where a
 * lower- or upper-case mapping that stays one code point stands in for the fold (so "ß" does not
 * equal "ss", as in Go).
 */
export function goEqualFold(a: string, b: string): boolean {
  if (a === b) return true;
  const ca = Array.from(a);
  const cb = Array.from(b);
  if (ca.length !== cb.length) return false;
  for (let i = 0; i < ca.length; i++) {
    const x = ca[i];
    const y = cb[i];
    if (x === y) continue;
    const lx = x.toLowerCase();
    const ly = y.toLowerCase();
    if (lx === ly && Array.from(lx).length === 1) continue;
    const ux = x.toUpperCase();
    const uy = y.toUpperCase();
    if (ux === uy && Array.from(ux).length === 1) continue;
    return false;
  }
  return true;
}

/** strconv.Atoi: optional sign, decimal digits, within int64. */
export function goAtoi(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  if (n > 0x7fffffffffffffffn || n < -0x8000000000000000n) return undefined;
  return Number(n);
}

/**
 * regexp.ReplaceAllLiteralString: every non-overlapping match replaced by `replacement` taken
 * literally (no $1). Like Go, an empty match right where the previous match ended is not replaced
 * (JavaScript's String.replace would replace it), and the scan moves one character past an empty match.
 */
export function replaceAllLiteral(text: string, pattern: RegExp, replacement: string): string {
  // A private global, non-sticky copy: the caller's lastIndex is untouched and every match is found.
  const re = new RegExp(pattern.source, `${pattern.flags.replace(/[gy]/g, '')}g`);
  let out = '';
  let copied = 0;
  let prevEnd = -1;
  re.lastIndex = 0;
  while (re.lastIndex <= text.length) {
    const m = re.exec(text);
    if (m === null) break;
    const start = m.index;
    const end = start + m[0].length;
    if (end === start) {
      // Go steps one rune (a whole code point), never into the middle of a surrogate pair.
      re.lastIndex = start + (isSurrogatePairAt(text, start) ? 2 : 1);
      if (start === prevEnd) continue;
    }
    out += text.slice(copied, start) + replacement;
    copied = end;
    prevEnd = end;
  }
  return copied === 0 && prevEnd === -1 ? text : out + text.slice(copied);
}

function isSurrogatePairAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
}
