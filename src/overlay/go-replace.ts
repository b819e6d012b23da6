// Go's Regexp.ReplaceAllLiteralString over a translated pattern (see go-regex.ts).

/**
 * Go's Regexp.ReplaceAllLiteralString: every non-overlapping match replaced by `replacement`
 * verbatim (no $1), where an empty match right after a previous match is skipped (JS's replace
 * would replace it). `re` must carry the `g` flag.
 */
export function goReplaceAllLiteral(text: string, re: RegExp, replacement: string): string {
  re.lastIndex = 0;
  let out = '';
  let copied = 0;
  let prevEnd = -1;
  for (;;) {
    const m = re.exec(text);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    if (m[0].length === 0) {
      // Step over one code point so the next search makes progress.
      const cp = text.codePointAt(start);
      re.lastIndex = start + (cp !== undefined && cp > 0xffff ? 2 : 1);
      if (start === prevEnd) {
        if (start >= text.length) break;
        continue;
      }
    }
    out += text.slice(copied, start) + replacement;
    copied = end;
    prevEnd = end;
    if (start >= text.length) break;
  }
  return out + text.slice(copied);
}
