// Dependency strings as a spec writes them ("glibc >= 2.34", "(a or b)"), parsed and checked the way
// rpmbuild does (build/parseReqs.c parseRCPOT/checkDep, lib/rpmds.c rpmrichParse), and kept in
// rpmds order: sorted by name, then EVR, then flags, duplicates dropped (rpmdsMerge).

import { DepFlag, type DepKind } from '../model.ts';

export class PackInputError extends Error {
  override name = 'PackInputError';
}

const OPS: Record<string, number> = {
  '<=': DepFlag.LESS | DepFlag.EQUAL,
  '=<': DepFlag.LESS | DepFlag.EQUAL,
  '<': DepFlag.LESS,
  '==': DepFlag.EQUAL,
  '=': DepFlag.EQUAL,
  '>=': DepFlag.GREATER | DepFlag.EQUAL,
  '=>': DepFlag.GREATER | DepFlag.EQUAL,
  '>': DepFlag.GREATER,
};

/** Qualifiers of Requires(...) and the bits rpmbuild stores for them (parseReqs.c / rpmds.h). */
export const REQUIRE_QUALIFIERS: Record<string, number> = {
  pre: DepFlag.SCRIPT_PRE,
  post: DepFlag.SCRIPT_POST,
  preun: DepFlag.SCRIPT_PREUN,
  postun: DepFlag.SCRIPT_POSTUN,
  pretrans: DepFlag.PRETRANS,
  posttrans: DepFlag.POSTTRANS,
  verify: DepFlag.SCRIPT_VERIFY,
  interp: DepFlag.INTERP,
  meta: DepFlag.META,
};

const RICH_ALLOWED = new Set<DepKind>(['requires', 'recommends', 'suggests', 'supplements', 'enhances', 'conflicts']);
const RICH_OPS = ['and', 'or', 'if', 'unless', 'else', 'with', 'without'] as const;
type RichOp = (typeof RICH_OPS)[number] | 'single';

export interface Dep {
  name: string;
  flags: number;
  /** EVR ("" when unversioned). */
  version: string;
}

const isSpace = (c: string | undefined): boolean => c !== undefined && /[ \t\n\v\f\r,]/.test(c);
const ALNUM = /[A-Za-z0-9]/;

/** checkDep (parseReqs.c): token start, EVR characters and separators. */
function checkDep(what: string, name: string, evr: string | undefined): void {
  const c = name[0];
  if (c.charCodeAt(0) < 0x80 && !(ALNUM.test(c) || c === '_' || c === '/')) {
    throw new PackInputError(`${what}: "${name}": dependency names must begin with a letter, digit, '_' or '/'`);
  }
  if (evr === undefined) return;
  if (name.startsWith('/')) throw new PackInputError(`${what}: "${name}": versioned file names are not permitted`);
  checkEvr(what, evr);
}

/** Version part of a dependency: ALLOWED_CHARS_EVR, one '-' and one ':' at most, numeric epoch. */
export function checkEvr(what: string, evr: string): void {
  const bad = [...evr].find((ch) => !(ALNUM.test(ch) || '._+~^-:'.includes(ch)));
  if (bad !== undefined) throw new PackInputError(`${what}: version "${evr}" has an illegal character '${bad}'`);
  if (evr.includes('..')) throw new PackInputError(`${what}: version "${evr}" has the illegal sequence ".."`);
  for (const sep of ['-', ':']) {
    if (evr.split(sep).length > 2) throw new PackInputError(`${what}: version "${evr}" has more than one '${sep}'`);
  }
  const colon = evr.indexOf(':');
  if (colon >= 0 && !/^[0-9]+$/.test(evr.slice(0, colon))) {
    throw new PackInputError(`${what}: version "${evr}": the epoch must be an unsigned integer`);
  }
}

/**
 * Rich dependency parser (rpmrichParseInternal): validates nesting, operator chaining and the
 * context checks rpmrichParseForTag applies, and rebuilds the normalised text rpmbuild stores.
 */
class RichParser {
  private p = 0;
  private readonly s: string;
  private readonly what: string;

  constructor(what: string, s: string) {
    this.what = what;
    this.s = s;
  }

  private fail(msg: string): never {
    throw new PackInputError(`${this.what}: "${this.s}": ${msg}`);
  }

  private skipWhite(): void {
    while (isSpace(this.s[this.p])) this.p++;
  }

  /** SKIPNONWHITEX: a token ends at space, ',' or an unbalanced ')'. */
  private token(): string {
    const start = this.p;
    let depth = 0;
    while (this.p < this.s.length) {
      const c = this.s[this.p];
      if (isSpace(c)) break;
      if (c === ')' && depth-- <= 0) break;
      if (c === '(') depth++;
      this.p++;
    }
    return this.s.slice(start, this.p);
  }

  private simple(): string {
    const name = this.token();
    if (!name) this.fail('name required');
    this.skipWhite();
    const save = this.p;
    const op = this.token();
    const sense = OPS[op];
    if (!sense) {
      this.p = save;
      checkDep(this.what, name, undefined);
      return name;
    }
    this.skipWhite();
    const evr = this.token();
    if (!evr) this.fail('version required');
    checkDep(this.what, name, evr);
    const opText = (sense & DepFlag.LESS ? '<' : '') + (sense & DepFlag.GREATER ? '>' : '') + (sense & DepFlag.EQUAL ? '=' : '');
    return `${name} ${opText} ${evr}`;
  }

  /** Returns [normalised text, check bits]. */
  parse(check: number): [string, number] {
    if (this.s[this.p++] !== '(') this.fail("rich dependency does not start with '('");
    let out = '(';
    let op: RichOp = 'single';
    let firstop: RichOp = 'single';
    let chainop: RichOp | undefined;
    for (;;) {
      this.skipWhite();
      if (this.s[this.p] === ')') this.fail(chainop ? 'missing argument to rich dependency op' : 'empty rich dependency');
      if (this.s[this.p] === '(') {
        const [text, sub] = this.parse(check & CHECK);
        check |= op === 'if' || op === 'unless' ? sub & ~(NO_AND | NO_OR) : sub;
        out += text;
      } else {
        out += this.simple();
      }
      this.skipWhite();
      if (this.p >= this.s.length) this.fail('unterminated rich dependency');
      if (this.s[this.p] === ')') break;
      const start = this.p;
      while (this.p < this.s.length && !/\s/.test(this.s[this.p]) && this.s[this.p] !== ')') this.p++;
      const word = this.s.slice(start, this.p);
      if (!(RICH_OPS as readonly string[]).includes(word)) this.fail(`unknown rich dependency op '${word}'`);
      op = word as RichOp;
      if (firstop === 'single') firstop = op;
      if (op === 'else' && (chainop === 'if' || chainop === 'unless')) chainop = undefined;
      if (chainop && op !== chainop) this.fail('cannot chain different ops');
      if (chainop && op !== 'and' && op !== 'or' && op !== 'with') this.fail('can only chain and/or/with ops');
      out += ` ${op} `;
      chainop = op;
    }
    richCheck(this, firstop, check);
    if (firstop === 'if') check |= NO_OR;
    if (firstop === 'unless') check |= NO_AND;
    if (op === 'and' || op === 'or') check &= ~(NO_AND | NO_OR);
    if (op !== 'single' && op !== 'with' && op !== 'without' && op !== 'or') check |= NO_WITH;
    this.p++;
    return [out + ')', check];
  }

  rest(): string {
    return this.s.slice(this.p);
  }

  error(msg: string): never {
    return this.fail(msg);
  }
}

const CHECK = 1;
const NO_WITH = 2;
const NO_AND = 4;
const NO_OR = 8;

function richCheck(p: RichParser, op: RichOp, check: number): void {
  if ((op === 'with' || op === 'without') && check & NO_WITH) p.error('illegal ops in with/without');
  if (!(check & CHECK)) return;
  if ((op === 'and' || op === 'if') && check & NO_AND) p.error("illegal context for 'unless', please use 'or' instead");
  if ((op === 'or' || op === 'unless') && check & NO_OR) p.error("illegal context for 'if', please use 'and' instead");
}

/** Parses one dependency of `kind`. `qualifiers` only apply to requires ("pre", "post", ...). */
export function parseDependency(kind: DepKind, text: string, qualifiers: readonly string[] = []): Dep {
  const what = kind;
  const s = text.trim();
  if (!s) throw new PackInputError(`${what}: empty dependency`);
  let flags = 0;
  for (const q of qualifiers) {
    const bit = REQUIRE_QUALIFIERS[q];
    if (kind !== 'requires') throw new PackInputError(`${what}: "${s}": qualifiers such as "${q}" only apply to requires`);
    if (bit === undefined) {
      throw new PackInputError(`${what}: "${s}": unknown qualifier "${q}" (${Object.keys(REQUIRE_QUALIFIERS).join(', ')})`);
    }
    flags |= bit;
  }
  if (s.startsWith('(')) {
    if (!RICH_ALLOWED.has(kind)) throw new PackInputError(`${what}: "${s}": rich dependencies are not allowed here`);
    const parser = new RichParser(what, s);
    const [name, check] = parser.parse(CHECK);
    if (parser.rest().trim()) throw new PackInputError(`${what}: "${s}": one dependency per entry (unexpected "${parser.rest().trim()}")`);
    const tagOp = kind === 'conflicts' || kind === 'supplements' || kind === 'enhances' ? 'or' : 'and';
    richCheck(parser, tagOp, check);
    return { name, flags, version: '' };
  }
  const tokens = s.split(/[\s,]+/);
  const [name, op, evr] = tokens;
  if (tokens.length > 3) throw new PackInputError(`${what}: "${s}": one dependency per entry`);
  if (op !== undefined) {
    const sense = OPS[op];
    if (!sense) throw new PackInputError(`${what}: "${s}": unknown dependency operator "${op}" (use <, <=, =, >=, >)`);
    if (evr === undefined) throw new PackInputError(`${what}: "${s}": version required after "${op}"`);
    flags |= sense;
  }
  checkDep(what, name, evr);
  if (kind === 'obsoletes') checkPackageName(what, name);
  return { name, flags, version: evr ?? '' };
}

/** Package names (ALLOWED_CHARS_NAME without macros): letters, digits and "._+-", not starting with punctuation. */
export function checkPackageName(what: string, name: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._+-]*$/.test(name) || name.includes('..')) {
    throw new PackInputError(`${what}: invalid package name "${name}" (letters, digits and . _ + - only)`);
  }
}

const utf8 = new TextEncoder();
const cmpBytes = (a: string, b: string): number => Buffer.compare(utf8.encode(a), utf8.encode(b));

/** rpmds doFind order: strcmp(name), strcmp(EVR), flags. */
export function compareDeps(a: Dep, b: Dep): number {
  return cmpBytes(a.name, b.name) || cmpBytes(a.version, b.version) || (a.flags | 0) - (b.flags | 0);
}

/** A sorted, duplicate-free dependency list, as rpmdsMerge keeps it. */
export class DepSet {
  readonly items: Dep[] = [];

  add(d: Dep): void {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareDeps(d, this.items[mid]);
      if (c === 0) return;
      if (c < 0) hi = mid;
      else lo = mid + 1;
    }
    this.items.splice(lo, 0, d);
  }

  indexOf(d: Dep): number {
    return this.items.findIndex((x) => compareDeps(x, d) === 0);
  }
}

/** The flags rpmSanitizeDSFlags keeps per kind (lib/rpmds.c). */
export function sanitizeFlags(kind: DepKind, flags: number): number {
  const sense = flags & (DepFlag.LESS | DepFlag.GREATER | DepFlag.EQUAL);
  if (kind === 'provides') return sense | (flags & DepFlag.FIND_PROVIDES);
  if (kind === 'conflicts') return flags;
  if (kind === 'requires') return flags;
  return sense;
}
