// Shared XML plumbing for rpm-md: one-line RepoFormatErrors, the saxes driver of the streaming readers,
// feeding bytes, parseXmlTree (a minimal element tree for repomd, updateinfo, comps) and libxml2-style escaping.

import { createRequire } from 'node:module';
import type { SaxesParser } from 'saxes';
import { RepoFormatError } from '../model.ts';

// saxes (with the character tables it loads) is required on first use, not imported: publishing
// loads this module for its escaping alone and should not pay several milliseconds for a parser.
let Saxes: typeof SaxesParser | undefined;
function newParser(): SaxesParser {
  Saxes ??= (createRequire(import.meta.url)('saxes') as typeof import('saxes')).SaxesParser;
  return new Saxes({ xmlns: false, position: true });
}

/**
 * The one way these modules make errors: values quoted from the input may hold line breaks or
 * other control characters, which are shown escaped so the message stays one line.
 */
export function repoError(msg: string): RepoFormatError {
  // eslint-disable-next-line no-control-regex
  return new RepoFormatError(msg.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)));
}

/** A push parser: feed text in any chunking, then close() (which checks the document is complete). */
export interface XmlReader {
  write(chunk: string): void;
  close(): void;
}

/** Turns whatever escaped a parser into a one-line RepoFormatError. */
function asFormatError(e: unknown, what: string): RepoFormatError {
  if (e instanceof RepoFormatError) return e;
  const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  // saxes formats its errors as "line:column: reason" (no fileName option given).
  const m = /^(\d+):(\d+): (.*)$/.exec(msg);
  return repoError(m ? `${what}: line ${m[1]}: malformed XML: ${m[3]}` : `${what}: malformed XML: ${msg}`);
}

export type OpenFn = (name: string, attrs: Record<string, string>, depth: number) => boolean;
/** `text` is the element's text when its `open` asked for it, else undefined. */
export type CloseFn = (name: string, depth: number, text: string | undefined) => void;

/**
 * Drives saxes for the streaming readers. `open` returns true to capture the element's text, which
 * `close` then receives. The text handler is only installed while capturing, so the indentation
 * between elements is never sliced out of the input (saxes skips the work without a handler).
 */
export function streamReader(
  what: string,
  root: string,
  open: OpenFn,
  close: CloseFn,
  end: () => void,
): XmlReader & { fail(msg: string): never } {
  const p = newParser();
  let depth = 0;
  let capDepth = -1;
  let buf = '';
  let failed: RepoFormatError | undefined;
  let closed = false;
  const onText = (t: string): void => {
    buf += t;
  };
  const fail = (msg: string): never => {
    throw repoError(`${what}: line ${p.line}: ${msg}`);
  };
  p.on('opentag', (tag) => {
    depth++;
    if (depth === 1 && tag.name !== root) fail(`expected <${root}> as the root element, found <${tag.name}>`);
    if (capDepth < 0 && open(tag.name, tag.attributes, depth)) {
      capDepth = depth;
      buf = '';
      p.on('text', onText);
    }
  });
  p.on('cdata', (t) => {
    if (capDepth >= 0) buf += t;
  });
  p.on('closetag', (tag) => {
    if (depth === capDepth) {
      p.off('text');
      capDepth = -1;
      const text = buf;
      buf = '';
      close(tag.name, depth, text);
    } else {
      close(tag.name, depth, undefined);
    }
    depth--;
  });
  const guard = (f: () => void): void => {
    if (failed) throw failed;
    if (closed) throw repoError(`${what}: written after close`);
    try {
      f();
    } catch (e) {
      failed = asFormatError(e, what);
      throw failed;
    }
  };
  return {
    fail,
    write: (chunk) => guard(() => p.write(chunk)),
    close: () =>
      guard(() => {
        p.close();
        closed = true;
        end();
      }),
  };
}

/** Feeds bytes (UTF-8) to a reader in 1 MiB pieces, so a file larger than V8's string limit works. */
export function feedBytes(reader: XmlReader, data: Uint8Array, what: string): void {
  const dec = new TextDecoder('utf-8', { fatal: true });
  const STEP = 1 << 20;
  for (let off = 0; off < data.length; off += STEP) {
    const end = Math.min(off + STEP, data.length);
    let s: string;
    try {
      s = dec.decode(data.subarray(off, end), { stream: end < data.length });
    } catch {
      throw repoError(`${what}: not valid UTF-8 (near byte ${off})`);
    }
    reader.write(s);
  }
  reader.close();
}

export function feed(reader: XmlReader, input: string | Uint8Array, what: string): void {
  if (typeof input === 'string') {
    reader.write(input);
    reader.close();
  } else {
    feedBytes(reader, input, what);
  }
}

/** Non-negative decimal integer (as rpm-md writes sizes and times), else undefined. */
export function parseUint(s: string): number | undefined {
  if (s.length === 0 || s.length > 15) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(s);
}

/** One element of a small document: attributes, child elements and its own (direct) text. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
  line: number;
}

/** Parses a whole (small) document into an element tree; `root` is the expected root name. */
export function parseXmlTree(xml: string, what: string, root: string): XmlNode {
  const p = newParser();
  const stack: XmlNode[] = [];
  let top: XmlNode | undefined;
  let doc: XmlNode | undefined;
  p.on('opentag', (tag) => {
    const n: XmlNode = { name: tag.name, attrs: tag.attributes, children: [], text: '', line: p.line };
    if (top) top.children.push(n);
    else if (tag.name !== root) throw repoError(`${what}: expected <${root}> as the root element, found <${tag.name}>`);
    else doc = n;
    stack.push(n);
    top = n;
  });
  const onText = (t: string): void => {
    if (top) top.text += t;
  };
  p.on('text', onText);
  p.on('cdata', onText);
  p.on('closetag', () => {
    stack.pop();
    top = stack[stack.length - 1];
  });
  try {
    p.write(xml).close();
  } catch (e) {
    throw asFormatError(e, what);
  }
  if (!doc) throw repoError(`${what}: no <${root}> element`);
  return doc;
}

/** XML 1.0 forbids these code points outright; rpm-md writers must not emit them. */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function checkChars(s: string, where: string): void {
  const m = INVALID_XML.exec(s);
  if (m) {
    const cp = m[0].charCodeAt(0).toString(16).padStart(4, '0');
    throw repoError(`${where}: character U+${cp} cannot be written to XML`);
  }
}

/** Element text, escaped as libxml2 does (&, <, >, and CR so it survives end-of-line normalisation). */
export function xmlText(s: string, where: string): string {
  checkChars(s, where);
  return /[&<>\r]/.test(s) ? s.replace(/[&<>\r]/g, (c) => ESC[c]) : s;
}

/** Attribute value, escaped as libxml2 does (also ", and TAB/LF/CR, which attribute normalisation would eat). */
export function xmlAttr(s: string, where: string): string {
  checkChars(s, where);
  return /[&<>"\t\n\r]/.test(s) ? s.replace(/[&<>"\t\n\r]/g, (c) => ESC[c]) : s;
}

const ESC: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
