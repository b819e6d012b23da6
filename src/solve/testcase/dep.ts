// Dependencies in libsolv's testcase syntax (ext/repo_testcase.c testcase_str2dep / testcase_dep2str):
// `name`, `name op evr`, and libsolv "reldeps" joined by `&`, `|`, `+` (with), `-` (without),
// `<IF>`, `<UNLESS>`, `<ELSE>`, `<NAMESPACE>`, `.` (arch), `compat >=`, … A right-hand side is read
// to the end of its parentheses, so binary ops chain to the right (`a & b | c` is `a & (b | c)`).
import type { RichExpr } from '../../rpm/richdep.ts';
import { RPMSENSE_EQUAL, RPMSENSE_GREATER, RPMSENSE_LESS } from '../../rpm/depmatch.ts';

/** libsolv's REL_* values (src/pool.h). Comparison ops are the bits GT|EQ|LT. */
export const REL = {
  GT: 1,
  EQ: 2,
  LT: 4,
  AND: 16,
  OR: 17,
  WITH: 18,
  NAMESPACE: 19,
  ARCH: 20,
  FILECONFLICT: 21,
  COND: 22,
  COMPAT: 23,
  KIND: 24,
  MULTIARCH: 25,
  ELSE: 26,
  ERROR: 27,
  WITHOUT: 28,
  UNLESS: 29,
  CONDA: 30,
} as const;

// Search order matters: the first op whose text is a prefix of the input wins (`<=>` before `<`).
const OPS: readonly (readonly [number, string])[] = [
  [REL.EQ, '='],
  [REL.GT | REL.LT | REL.EQ, '<=>'],
  [REL.LT | REL.EQ, '<='],
  [REL.GT | REL.EQ, '>='],
  [REL.GT, '>'],
  [REL.GT | REL.LT, '<>'],
  [REL.AND, '&'],
  [REL.OR, '|'],
  [REL.WITH, '+'],
  [REL.WITHOUT, '-'],
  [REL.NAMESPACE, '<NAMESPACE>'],
  [REL.ARCH, '.'],
  [REL.MULTIARCH, '<MULTIARCH>'],
  [REL.FILECONFLICT, '<FILECONFLICT>'],
  [REL.COND, '<IF>'],
  [REL.COMPAT, 'compat >='],
  [REL.KIND, '<KIND>'],
  [REL.ELSE, '<ELSE>'],
  [REL.ERROR, '<ERROR>'],
  [REL.UNLESS, '<UNLESS>'],
  [REL.CONDA, '<CONDA>'],
  [REL.LT, '<'],
];

/** A plain string id. `name: ''` is libsolv's empty id (written `\00`). */
export interface TcDepName {
  kind: 'name';
  name: string;
}

/** libsolv id 0, written `<NULL>` (e.g. `namespace:language(<NULL>)`). */
export interface TcDepNull {
  kind: 'null';
}

/** A reldep: `name op evr`. `op` is the testcase text of `flags` (`<17>` for unknown flags). */
export interface TcDepRel {
  kind: 'rel';
  flags: number;
  op: string;
  name: TcDep;
  evr: TcDep;
}

export type TcDep = TcDepName | TcDepNull | TcDepRel;

export class DepSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DepSyntaxError';
  }
}

/** The testcase text of a REL_* value. */
export function relOpName(flags: number): string {
  for (const [f, text] of OPS) if (f === flags) return text;
  return `<${flags}>`;
}

/** True for ops that make a dependency "complex" (needs `feature complex_deps` in libsolv). */
export function isComplexOp(flags: number): boolean {
  return (
    flags === REL.AND ||
    flags === REL.OR ||
    flags === REL.WITH ||
    flags === REL.WITHOUT ||
    flags === REL.COND ||
    flags === REL.UNLESS
  );
}

function isHex(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}

/** `\xx` hex escapes as solv_hex2bin reads them; a backslash not followed by two hex digits stays. */
function unescape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    out += c;
    if (c === '\\' && isHex(s[i + 1] ?? '') && isHex(s[i + 2] ?? '')) {
      out = out.slice(0, -1) + String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    }
  }
  return out;
}

class DepReader {
  pos = 0;
  readonly s: string;
  constructor(s: string) {
    this.s = s;
  }

  skipBlank(): void {
    while (this.s[this.pos] === ' ' || this.s[this.pos] === '\t') this.pos++;
  }

  // testcase_str2dep_simple: a token ends at a space, a control char or an unbalanced ')'.
  simple(isName: boolean): TcDep {
    const start = this.pos;
    let paren = 0;
    let escaped = false;
    let p = start;
    for (; p < this.s.length; p++) {
      const c = this.s[p];
      if (c === '\\') escaped = true;
      if (c === ' ' || c.charCodeAt(0) < 32) break;
      if (c === '(') paren++;
      if (c === ')' && paren-- <= 0) break;
    }
    let end = p;
    const isAny = isName && end - start > 4 && this.s.slice(end - 4, end) === ':any';
    if (isAny) end -= 4;
    const raw = this.s.slice(start, end);
    let id: TcDep;
    if (!escaped && raw === '<NULL>') id = { kind: 'null' };
    else if (escaped && raw === '\\00') id = { kind: 'name', name: '' };
    else id = { kind: 'name', name: escaped ? unescape(raw) : raw };
    this.pos = p;
    if (isAny) return rel(REL.MULTIARCH, id, { kind: 'name', name: 'any' });
    return id;
  }

  // testcase_str2dep_complex; relop: we are the evr side of a comparison.
  complex(relop: boolean): TcDep {
    this.skipBlank();
    let namespace: string | undefined;
    if (this.s.startsWith('namespace:', this.pos)) {
      const open = this.s.indexOf('(', this.pos + 10);
      if (open >= 0) {
        namespace = this.s.slice(this.pos, open);
        this.pos = open;
      }
    }
    let id: TcDep;
    if (this.s[this.pos] === '(') {
      this.pos++;
      id = this.complex(false);
      if (this.s[this.pos] !== ')') throw new DepSyntaxError(`missing ')' at offset ${this.pos}`);
      this.pos++;
    } else {
      id = this.simple(!relop);
    }
    if (namespace !== undefined) id = rel(REL.NAMESPACE, { kind: 'name', name: namespace }, id);
    for (;;) {
      this.skipBlank();
      const rest = this.s.slice(this.pos);
      if (rest === '' || rest[0] === ')' || (relop && !rest.startsWith('compat >= '))) return id;
      let flags = -1;
      const num = /^<(\d+)>/.exec(rest);
      if (num) {
        flags = Number(num[1]);
        this.pos += num[0].length;
      } else {
        const op = OPS.find(([, text]) => rest.startsWith(text));
        if (!op) throw new DepSyntaxError(`unknown operator at offset ${this.pos}: ${JSON.stringify(rest)}`);
        flags = op[0];
        this.pos += op[1].length;
      }
      const rhs = this.complex(flags > 0 && flags < 8);
      id = rel(flags, id, rhs);
    }
  }
}

function rel(flags: number, name: TcDep, evr: TcDep): TcDepRel {
  return { kind: 'rel', flags, op: relOpName(flags), name, evr };
}

/**
 * testcase_str2dep: the whole string must be consumed. Throws DepSyntaxError where libsolv
 * would return id 0. (repo_testcase.c's adddep reads deps starting with '/' as plain file names;
 * use parseDepEntry for that.)
 */
export function parseDep(text: string): TcDep {
  const r = new DepReader(text);
  const dep = r.complex(false);
  if (r.pos !== text.length) throw new DepSyntaxError(`junk at offset ${r.pos}: ${JSON.stringify(text.slice(r.pos))}`);
  return dep;
}

/** A testtags dependency entry: a leading '/' makes the whole text one file name. */
export function parseDepEntry(text: string): TcDep {
  return text.startsWith('/') ? { kind: 'name', name: text } : parseDep(text);
}

// testcase_id2str: escape what would not read back as the same single token.
function idToString(s: string, isName: boolean): string {
  const special = '[(<=>!';
  let bad = 0;
  let paren = 0;
  let parenBad = 0;
  if (s.length > 0 && special.includes(s[0])) bad++;
  if (s.startsWith('namespace:')) bad++;
  for (let i = bad; i < s.length; i++) {
    const c = s[i];
    if (c === ' ' || c === '\\' || c.charCodeAt(0) < 32 || c === '(' || c === ')') bad++;
    if (c === '(') paren = paren === 0 ? 1 : -1;
    else if (c === ')') {
      paren = paren === 1 ? 0 : -1;
      if (!paren) parenBad += 2;
    }
  }
  const any = isName && s.length > 4 && s.endsWith(':any');
  if (any) bad++;
  if (!paren && bad - parenBad === 0) return s;
  const hex = (c: string): string => '\\' + c.charCodeAt(0).toString(16).padStart(2, '0');
  let out = '';
  let body = s;
  if (body.startsWith('namespace:')) {
    out = 'namespace\\3a';
    body = body.slice(10);
  }
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    const esc = (i === 0 && special.includes(c)) || c === ' ' || c === '\\' || c.charCodeAt(0) < 32 || c === '(' || c === ')';
    out += esc ? hex(c) : c;
  }
  if (any) out = out.slice(0, -4) + '\\3aany';
  return out;
}

function leafToString(dep: TcDepName | TcDepNull, isName: boolean): string {
  if (dep.kind === 'null') return '<NULL>';
  if (dep.name === '') return '\\00';
  return idToString(dep.name, isName);
}

function formatRel(dep: TcDep, addParens: boolean): string {
  if (dep.kind !== 'rel') return leafToString(dep, true);
  const { flags, name, evr } = dep;
  if (flags === REL.NAMESPACE && name.kind === 'name' && name.name.startsWith('namespace:')) {
    return `${name.name}(${formatRel(evr, false)})`;
  }
  if (flags === REL.MULTIARCH && name.kind !== 'rel' && evr.kind === 'name' && evr.name === 'any') {
    return `${leafToString(name, true)}:any`;
  }
  let leftParens = false;
  if (name.kind === 'rel') {
    leftParens = !(flags > 7 && flags !== REL.COMPAT && name.flags > 0 && name.flags <= 7);
  }
  let right: string;
  if (evr.kind === 'rel') {
    let rightParens = true;
    if (flags > 7 && evr.flags > 0 && evr.flags <= 7) rightParens = false;
    if (flags === REL.AND && evr.flags === REL.AND) rightParens = false;
    if (flags === REL.OR && evr.flags === REL.OR) rightParens = false;
    if (flags > 0 && flags < 8 && evr.flags === REL.COMPAT) rightParens = false;
    right = formatRel(evr, rightParens);
  } else {
    right = leafToString(evr, false);
  }
  const s = `${formatRel(name, leftParens)} ${relOpName(flags)} ${right}`;
  return addParens ? `(${s})` : s;
}

/** testcase_dep2str: the canonical testcase text (what libsolv prints in results). */
export function formatDep(dep: TcDep): string {
  return formatRel(dep, false);
}

function senseOf(flags: number): number {
  return (flags & REL.LT ? RPMSENSE_LESS : 0) | (flags & REL.GT ? RPMSENSE_GREATER : 0) | (flags & REL.EQ ? RPMSENSE_EQUAL : 0);
}

/**
 * The same dependency as rpm's rich-dep AST (src/rpm/richdep.ts), so rpm's evaluator can be
 * reused; undefined when it uses something rpm cannot express (namespaces, arch, compat, …).
 * libsolv's `A <IF> (B <ELSE> C)` becomes `(A if B else C)`.
 */
export function toRichExpr(dep: TcDep): RichExpr | undefined {
  if (dep.kind === 'null') return undefined;
  if (dep.kind === 'name') return { kind: 'dep', name: dep.name, flags: 0 };
  const { flags, name, evr } = dep;
  if (flags > 0 && flags < 8) {
    if (name.kind !== 'name' || evr.kind !== 'name') return undefined;
    return { kind: 'dep', name: name.name, flags: senseOf(flags), version: evr.name };
  }
  const chain = flags === REL.AND ? 'and' : flags === REL.OR ? 'or' : flags === REL.WITH ? 'with' : undefined;
  if (chain !== undefined) {
    const operands: RichExpr[] = [];
    for (const side of [name, evr]) {
      const r = toRichExpr(side);
      if (r === undefined) return undefined;
      if (r.kind === chain) operands.push(...r.operands);
      else operands.push(r);
    }
    return { kind: chain, operands };
  }
  if (flags === REL.WITHOUT) {
    const left = toRichExpr(name);
    const right = toRichExpr(evr);
    return left && right ? { kind: 'without', left, right } : undefined;
  }
  if (flags === REL.COND || flags === REL.UNLESS) {
    const then = toRichExpr(name);
    const kind = flags === REL.COND ? 'if' : 'unless';
    if (!then) return undefined;
    if (evr.kind === 'rel' && evr.flags === REL.ELSE) {
      const cond = toRichExpr(evr.name);
      const other = toRichExpr(evr.evr);
      return cond && other ? { kind, then, cond, else: other } : undefined;
    }
    const cond = toRichExpr(evr);
    return cond ? { kind, then, cond } : undefined;
  }
  return undefined;
}
