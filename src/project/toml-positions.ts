// Line numbers for TOML keys. smol-toml gives values without positions, so errors would have no
// line; this scanner walks the source once (strings, comments, arrays and inline tables understood,
// values otherwise skipped) and records the line where every key, table header, array-of-tables
// element and array element starts. Only files that need a line (an error, an overlay origin) are
// scanned.

/** A path into a TOML document: keys, and 0-based indexes into arrays / arrays of tables. */
export type TomlPath = ReadonlyArray<string | number>;

const encode = (path: TomlPath): string => path.map((s) => (typeof s === 'number' ? `\x1e${s}` : s)).join('\x1f');

export class TomlPositions {
  readonly #lines = new Map<string, number>();

  /** Records where `path` starts, unless an earlier line already did (implicit parent tables). */
  record(path: TomlPath, line: number): void {
    const k = encode(path);
    if (!this.#lines.has(k)) this.#lines.set(k, line);
  }

  /** The line of `path`, or of its nearest recorded ancestor; undefined if none is recorded. */
  lineOf(path: TomlPath): number | undefined {
    for (let n = path.length; n > 0; n--) {
      const line = this.#lines.get(encode(path.slice(0, n)));
      if (line !== undefined) return line;
    }
    return undefined;
  }
}

const BARE_KEY = /[A-Za-z0-9_-]/;

/** Scans a (syntactically valid) TOML document; on malformed input it records what it can. */
export function scanTomlPositions(text: string): TomlPositions {
  const pos = new TomlPositions();
  let i = 0;
  let line = 1;
  const aotCount = new Map<string, number>();

  const peek = (o = 0): string => text[i + o] ?? '';
  const skipBlank = (newlines: boolean): void => {
    while (i < text.length) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\r') i++;
      else if (c === '\n' && newlines) {
        line++;
        i++;
      } else if (c === '#') {
        while (i < text.length && text[i] !== '\n') i++;
      } else break;
    }
  };

  const readQuoted = (): string => {
    // Starts at a quote; returns the decoded content (basic escapes) and leaves i after the closing quote.
    const q = text[i];
    const triple = text.startsWith(q.repeat(3), i);
    i += triple ? 3 : 1;
    const start = i;
    const close = q.repeat(3);
    while (i < text.length) {
      const c = text[i];
      if (c === '\\' && q === '"') {
        if (text[i + 1] === '\n') line++;
        i += 2;
        continue;
      }
      if (c === '\n') line++;
      if (c === q && (!triple || text.startsWith(close, i))) {
        // Up to two quotes right before a closing triple quote belong to the content.
        let end = i;
        if (triple) {
          while (end - i < 2 && text[end + 3] === q) end++;
          i = end + 3;
        } else i++;
        const raw = text.slice(start, end);
        if (q === "'") return raw;
        try {
          return JSON.parse(`"${raw.replace(/\n/g, '\\n')}"`) as string;
        } catch {
          return raw;
        }
      }
      i++;
    }
    return text.slice(start);
  };

  const readKey = (): string[] => {
    const keys: string[] = [];
    for (;;) {
      skipBlank(false);
      const c = peek();
      if (c === '"' || c === "'") keys.push(readQuoted());
      else {
        const start = i;
        while (i < text.length && BARE_KEY.test(text[i])) i++;
        if (i === start) return keys;
        keys.push(text.slice(start, i));
      }
      skipBlank(false);
      if (peek() !== '.') return keys;
      i++;
    }
  };

  const readValue = (path: Array<string | number>): void => {
    skipBlank(false);
    const c = peek();
    if (c === '"' || c === "'") {
      readQuoted();
    } else if (c === '[') {
      i++;
      for (let n = 0; ; n++) {
        skipBlank(true);
        if (i >= text.length || peek() === ']') break;
        const el = [...path, n];
        pos.record(el, line);
        readValue(el);
        skipBlank(true);
        if (peek() === ',') i++;
      }
      i++;
    } else if (c === '{') {
      i++;
      for (;;) {
        skipBlank(true);
        if (i >= text.length || peek() === '}') break;
        const keys = readKey();
        if (keys.length === 0) break;
        const at = line;
        for (let k = 1; k <= keys.length; k++) pos.record([...path, ...keys.slice(0, k)], at);
        skipBlank(false);
        if (peek() === '=') i++;
        readValue([...path, ...keys]);
        skipBlank(true);
        if (peek() === ',') i++;
      }
      i++;
    } else {
      while (i < text.length && !',]}\n#'.includes(text[i])) i++;
    }
  };

  const resolveHeader = (keys: string[], arrayOfTables: boolean): Array<string | number> => {
    const out: Array<string | number> = [];
    keys.forEach((k, n) => {
      out.push(k);
      const key = encode(out);
      if (arrayOfTables && n === keys.length - 1) {
        const count = aotCount.get(key) ?? 0;
        aotCount.set(key, count + 1);
        out.push(count);
      } else {
        const count = aotCount.get(key);
        if (count !== undefined) out.push(count - 1);
      }
    });
    return out;
  };

  let table: Array<string | number> = [];
  while (i < text.length) {
    skipBlank(true);
    if (i >= text.length) break;
    const at = line;
    if (peek() === '[') {
      const aot = peek(1) === '[';
      i += aot ? 2 : 1;
      const keys = readKey();
      table = resolveHeader(keys, aot);
      for (let k = 1; k <= table.length; k++) pos.record(table.slice(0, k), at);
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const keys = readKey();
    if (keys.length === 0) {
      // Not a key: skip the rest of the line rather than loop forever.
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    for (let k = 1; k <= keys.length; k++) pos.record([...table, ...keys.slice(0, k)], at);
    skipBlank(false);
    if (peek() === '=') i++;
    readValue([...table, ...keys]);
  }
  return pos;
}

/** `components.kernel.overlays[3]`, quoting keys that are not bare. */
export function formatTomlPath(path: TomlPath): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else {
      const k = /^[A-Za-z0-9_-]+$/.test(seg) ? seg : JSON.stringify(seg);
      s += s ? `.${k}` : k;
    }
  }
  return s;
}
