// A generic XML → tree parser (saxes) and a tree differ, for comparing documents by content rather
// than by bytes: attribute order, quoting, character references and indentation do not matter;
// names, attribute values, text and the order of child elements do.

import { SaxesParser } from 'saxes';

export interface XmlElement {
  /** Qualified name as written (e.g. "rpm:entry"). */
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /**
   * The element's own text (character data and CDATA, entities resolved). Whitespace-only text
   * between child elements is formatting and dropped.
   */
  text: string;
}

/** Parses a whole document; throws with the document name and line on malformed XML. */
export function parseXml(xml: string, what = 'xml'): XmlElement {
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const addText = (t: string): void => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('opentag', (tag) => {
    const el: XmlElement = { name: tag.name, attrs: { ...tag.attributes }, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const el = stack.pop()!;
    if (el.children.length > 0 && el.text.trim() === '') el.text = '';
  });
  parser.on('error', (e) => {
    throw new Error(`${what}: ${e.message}`);
  });
  parser.write(xml).close();
  if (!root) throw new Error(`${what}: no root element`);
  return root;
}

/** Element path step: name plus a 1-based index among same-named siblings when there are several. */
function step(parent: XmlElement | undefined, el: XmlElement): string {
  if (!parent) return `/${el.name}`;
  const same = parent.children.filter((c) => c.name === el.name);
  return same.length > 1 ? `/${el.name}[${same.indexOf(el) + 1}]` : `/${el.name}`;
}

const show = (v: string | undefined): string => (v === undefined ? '(absent)' : JSON.stringify(v));

/**
 * Differences between two trees as "path: ours … theirs …" lines (`a` is "ours", `b` "theirs").
 * Children are compared in order; a count mismatch reports the extra elements.
 */
export function diffXml(a: XmlElement, b: XmlElement, at = '', parentA?: XmlElement): string[] {
  const here = at + step(parentA, a);
  const out: string[] = [];
  if (a.name !== b.name) return [`${here}: element ours <${a.name}> theirs <${b.name}>`];
  for (const k of new Set([...Object.keys(a.attrs), ...Object.keys(b.attrs)])) {
    if (a.attrs[k] !== b.attrs[k]) out.push(`${here}@${k}: ours ${show(a.attrs[k])} theirs ${show(b.attrs[k])}`);
  }
  if (a.text !== b.text) out.push(`${here}: text ours ${show(a.text)} theirs ${show(b.text)}`);
  const n = Math.min(a.children.length, b.children.length);
  for (let i = 0; i < n; i++) out.push(...diffXml(a.children[i], b.children[i], here, a));
  for (let i = n; i < a.children.length; i++) out.push(`${here}${step(a, a.children[i])}: only in ours`);
  for (let i = n; i < b.children.length; i++) out.push(`${here}${step(b, b.children[i])}: only in theirs`);
  return out;
}
