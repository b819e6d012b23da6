// Rich (boolean) dependencies: parse, validate, format and evaluate exactly as rpm 4.18 does
// (lib/rpmds.c rpmrichParseInternal/rpmrichParseForTag, build/parseReqs.c for the canonical text,
// lib/depends.c unsatisfiedDepend/unsatisfiedDependSet for the meaning).
import { parseSense, senseToString } from './depmatch.ts';

/** A plain dependency operand: `name [op evr]`; flags holds only sense bits (rpmds.h). */
export interface RichLeaf {
  kind: 'dep';
  name: string;
  flags: number;
  version?: string;
}

/** `(x)`: a parenthesised single operand. Kept so formatting reproduces rpm's text exactly. */
export interface RichGroup {
  kind: 'group';
  expr: RichExpr;
}

/** `(a and b and c)`: the only ops rpm lets you chain without extra parentheses. */
export interface RichChain {
  kind: 'and' | 'or' | 'with';
  operands: RichExpr[];
}

/** `(then if cond [else other])` / `(then unless cond [else other])`. */
export interface RichCond {
  kind: 'if' | 'unless';
  then: RichExpr;
  cond: RichExpr;
  else?: RichExpr;
}

/**
 * `(left without right)`, and rpm's stray `(left else right)`: rpm accepts `else` with no
 * `if`/`unless` in the same parentheses; such a group only means something as the condition of
 * an `if`/`unless` (`(a if (b else c))` == `(a if b else c)`), elsewhere rpm evaluates it as `left`.
 */
export interface RichBinary {
  kind: 'without' | 'else';
  left: RichExpr;
  right: RichExpr;
}

export type RichNode = RichGroup | RichChain | RichCond | RichBinary;
export type RichExpr = RichLeaf | RichNode;

/** Dependency tags that may hold rich deps; rpm checks `if`/`unless` placement against them. */
export type RichTag = 'requires' | 'recommends' | 'suggests' | 'supplements' | 'enhances' | 'conflicts';

export class RichDepError extends Error {
  /** rpm's own wording of the problem, without the position. */
  readonly reason: string;
  /** Offset into `input` where the problem was detected. */
  readonly position: number;
  readonly input: string;

  constructor(reason: string, input: string, position: number) {
    super(`${reason} (at offset ${position} in ${JSON.stringify(input)})`);
    this.name = 'RichDepError';
    this.reason = reason;
    this.position = position;
    this.input = input;
  }
}

/** rpmdsIsRich: rpm decides by the first character alone. */
export function isRichDependency(name: string): boolean {
  return name.charCodeAt(0) === LPAREN;
}

const LPAREN = 0x28;
const RPAREN = 0x29;
const COMMA = 0x2c;

// rpm's check bits: CHECK = validate if/unless placement (only when parsing for a tag);
// NO_WITH/NO_AND/NO_OR = what the enclosing context may not be.
const CHECK = 1;
const NO_WITH = 2;
const NO_AND = 4;
const NO_OR = 8;

type Op = 'and' | 'or' | 'if' | 'unless' | 'else' | 'with' | 'without';
const OPS: readonly string[] = ['and', 'or', 'if', 'unless', 'else', 'with', 'without'];
const CHAINABLE: readonly string[] = ['and', 'or', 'with'];

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * Parse one rich dependency such as `(foo >= 1.0 and (bar or baz))`. Without `tag` only rpm's
 * structural rules apply (as when rpm reads a header); with `tag` also the `if`-in-or-context and
 * `unless`-in-and-context rules rpmbuild enforces. Throws RichDepError.
 */
export function parseRichDep(input: string, options: { tag?: RichTag } = {}): RichNode {
  const p = new Parser(input);
  if (input.charCodeAt(0) !== LPAREN) p.fail("Rich dependency does not start with '('", 0);
  const tagged = options.tag !== undefined;
  const { node, end, check } = p.group(0, tagged ? CHECK : 0);
  if (end !== input.length) p.fail('Junk after rich dependency', end);
  if (tagged) {
    const orLike = options.tag === 'conflicts' || options.tag === 'supplements' || options.tag === 'enhances';
    p.checkContext(orLike ? 'or' : 'and', check, 0);
  }
  return node;
}

class Parser {
  readonly s: string;
  constructor(s: string) {
    this.s = s;
  }

  fail(reason: string, position: number): never {
    throw new RichDepError(reason, this.s, position);
  }

  // SKIPWHITE: rpm treats ',' as whitespace inside rich deps.
  skipWhite(p: number): number {
    while (p < this.s.length && (isSpace(this.s.charCodeAt(p)) || this.s.charCodeAt(p) === COMMA)) p++;
    return p;
  }

  // SKIPNONWHITEX: a token ends at whitespace, ',' or a ')' that closes no '(' opened inside it,
  // so names like `perl(Foo::Bar)` stay whole.
  skipToken(p: number): number {
    let depth = 0;
    while (p < this.s.length) {
      const c = this.s.charCodeAt(p);
      if (isSpace(c) || c === COMMA) break;
      if (c === RPAREN) {
        if (depth <= 0) break;
        depth--;
      }
      if (c === LPAREN) depth++;
      p++;
    }
    return p;
  }

  leaf(p: number): { node: RichLeaf; end: number } {
    const name = this.s.slice(p, this.skipToken(p));
    if (name === '') this.fail('Name required', p);
    p = this.skipWhite(p + name.length);
    const opEnd = this.skipToken(p);
    const flags = p < this.s.length ? parseSense(this.s.slice(p, opEnd)) : 0;
    if (!flags) return { node: { kind: 'dep', name, flags: 0 }, end: p };
    const vstart = this.skipWhite(opEnd);
    const vend = this.skipToken(vstart);
    if (vend === vstart) this.fail('Version required', vstart);
    return { node: { kind: 'dep', name, flags, version: this.s.slice(vstart, vend) }, end: vend };
  }

  // rpmrichParseCheck: is an expression whose first op is `op` legal in the context bits `check`?
  checkContext(op: Op | 'single', check: number, position: number): void {
    if ((op === 'with' || op === 'without') && check & NO_WITH) this.fail('Illegal ops in with/without', position);
    if (!(check & CHECK)) return;
    if ((op === 'and' || op === 'if') && check & NO_AND) {
      this.fail("Illegal context for 'unless', please use 'or' instead", position);
    }
    if ((op === 'or' || op === 'unless') && check & NO_OR) {
      this.fail("Illegal context for 'if', please use 'and' instead", position);
    }
  }

  /** Parse the parenthesised expression starting at `start` (which holds '('). */
  group(start: number, inheritedCheck: number): { node: RichNode; end: number; check: number } {
    const s = this.s;
    let check = inheritedCheck;
    const operands: RichExpr[] = [];
    const ops: Op[] = [];
    let chainop: Op | undefined;
    let p = start + 1;
    for (;;) {
      p = this.skipWhite(p);
      if (s.charCodeAt(p) === RPAREN) {
        this.fail(chainop ? 'Missing argument to rich dependency op' : 'Empty rich dependency', p);
      }
      if (s.charCodeAt(p) === LPAREN) {
        const sub = this.group(p, check & CHECK);
        // The condition of if/unless is a context of its own: anything goes there.
        const last = ops[ops.length - 1];
        check |= last === 'if' || last === 'unless' ? sub.check & ~(NO_AND | NO_OR) : sub.check;
        operands.push(sub.node);
        p = sub.end;
      } else {
        const l = this.leaf(p);
        operands.push(l.node);
        p = l.end;
      }
      p = this.skipWhite(p);
      if (p >= s.length) this.fail(`Unterminated rich dependency: ${s.slice(start)}`, p);
      if (s.charCodeAt(p) === RPAREN) break;

      let pe = p;
      while (pe < s.length && !isSpace(s.charCodeAt(pe)) && s.charCodeAt(pe) !== RPAREN) pe++;
      const word = s.slice(p, pe);
      if (!OPS.includes(word)) this.fail(`Unknown rich dependency op '${word}'`, p);
      const op = word as Op;
      // `else` closes an if/unless; otherwise ops may only repeat, and only and/or/with.
      if (op === 'else' && (chainop === 'if' || chainop === 'unless')) chainop = undefined;
      if (chainop && op !== chainop) this.fail('Cannot chain different ops', p);
      if (chainop && !CHAINABLE.includes(op)) this.fail('Can only chain and/or/with ops', p);
      chainop = op;
      ops.push(op);
      p = pe;
    }

    const firstop: Op | 'single' = ops.length > 0 ? ops[0] : 'single';
    const lastop: Op | 'single' = ops.length > 0 ? ops[ops.length - 1] : 'single';
    this.checkContext(firstop, check, start);
    // What this group forbids in the groups around it.
    if (firstop === 'if') check |= NO_OR;
    if (firstop === 'unless') check |= NO_AND;
    if (lastop === 'and' || lastop === 'or') check &= ~(NO_AND | NO_OR);
    if (lastop !== 'single' && lastop !== 'with' && lastop !== 'without' && lastop !== 'or') check |= NO_WITH;
    return { node: build(operands, ops), end: p + 1, check };
  }
}

// The op sequences that survive rpm's chaining rules map one-to-one onto node kinds.
function build(operands: RichExpr[], ops: Op[]): RichNode {
  if (ops.length === 0) return { kind: 'group', expr: operands[0] };
  const first = ops[0];
  if (first === 'and' || first === 'or' || first === 'with') return { kind: first, operands };
  if (first === 'if' || first === 'unless') {
    const node: RichCond = { kind: first, then: operands[0], cond: operands[1] };
    if (operands.length === 3) node.else = operands[2];
    return node;
  }
  return { kind: first, left: operands[0], right: operands[1] };
}

/**
 * Canonical text, as rpmbuild normalises a rich dep (build/parseReqs.c): single spaces around
 * ops, operators written `<`, `<=`, `=`, `>=`, `>`, every group in parentheses, commas gone.
 */
export function formatRich(expr: RichExpr): string {
  switch (expr.kind) {
    case 'dep':
      return expr.flags && expr.version ? `${expr.name} ${senseToString(expr.flags)} ${expr.version}` : expr.name;
    case 'group':
      return `(${formatRich(expr.expr)})`;
    case 'and':
    case 'or':
    case 'with':
      return `(${expr.operands.map(formatRich).join(` ${expr.kind} `)})`;
    case 'if':
    case 'unless': {
      const tail = expr.else ? ` else ${formatRich(expr.else)}` : '';
      return `(${formatRich(expr.then)} ${expr.kind} ${formatRich(expr.cond)}${tail})`;
    }
    case 'without':
    case 'else':
      return `(${formatRich(expr.left)} ${expr.kind} ${formatRich(expr.right)})`;
  }
}

/** All plain operands, left to right (duplicates kept). */
export function richLeaves(expr: RichExpr): RichLeaf[] {
  const out: RichLeaf[] = [];
  const walk = (e: RichExpr): void => {
    switch (e.kind) {
      case 'dep':
        out.push(e);
        return;
      case 'group':
        return walk(e.expr);
      case 'and':
      case 'or':
      case 'with':
        return e.operands.forEach(walk);
      case 'if':
      case 'unless':
        walk(e.then);
        walk(e.cond);
        if (e.else) walk(e.else);
        return;
      case 'without':
      case 'else':
        walk(e.left);
        walk(e.right);
    }
  };
  walk(expr);
  return out;
}

/**
 * Truth of a rich dep when each leaf is true iff `provides(leaf)`. Meaning as rpm's depends.c:
 * `A if B` = B → A; `A if B else C` = B ? A : C; `A unless B` = A ∧ ¬B (not ¬B → A: without an
 * else branch rpm treats it as false); `A unless B else C` = B ? C : A. A Requires is met when this
 * is true, a Conflicts triggers when it is true. `with`/`without` need to know which package
 * provides what: use evaluateRichPackages for them (this throws if it meets one).
 */
export function evaluateRich(expr: RichExpr, provides: (dep: RichLeaf) => boolean): boolean {
  return evaluate(expr, provides, (e) => {
    throw new RichDepError(`'${e.kind}' needs package sets: use evaluateRichPackages`, formatRich(e), 0);
  });
}

/**
 * Truth of a rich dep given, for each leaf, the packages that provide it. `A with B` is true when
 * one package provides both, `A without B` when one package provides A but not B.
 */
export function evaluateRichPackages<P>(expr: RichExpr, whatProvides: (dep: RichLeaf) => Iterable<P>): boolean {
  const provides = (dep: RichLeaf): boolean => nonEmpty(whatProvides(dep));
  return evaluate(expr, provides, (e) => richProviders(e, whatProvides).size > 0);
}

/**
 * rpm's "set mode" (unsatisfiedDependSet): the packages that satisfy an expression made of
 * leaves, groups, `or`, `with` and `without` (rpm's parser guarantees nothing else occurs
 * under with/without). Throws for other operators, which have no package-set meaning.
 */
export function richProviders<P>(expr: RichExpr, whatProvides: (dep: RichLeaf) => Iterable<P>): Set<P> {
  switch (expr.kind) {
    case 'dep':
      return new Set(whatProvides(expr));
    case 'group':
      return richProviders(expr.expr, whatProvides);
    case 'or': {
      const all = new Set<P>();
      for (const o of expr.operands) for (const x of richProviders(o, whatProvides)) all.add(x);
      return all;
    }
    case 'with': {
      let acc = richProviders(expr.operands[0], whatProvides);
      for (let i = 1; i < expr.operands.length && acc.size > 0; i++) {
        const next = richProviders(expr.operands[i], whatProvides);
        acc = new Set([...acc].filter((x) => next.has(x)));
      }
      return acc;
    }
    case 'without': {
      const acc = richProviders(expr.left, whatProvides);
      if (acc.size === 0) return acc;
      const drop = richProviders(expr.right, whatProvides);
      return new Set([...acc].filter((x) => !drop.has(x)));
    }
    default:
      throw new RichDepError(`unsupported op '${expr.kind}' in set mode`, formatRich(expr), 0);
  }
}

function nonEmpty<P>(xs: Iterable<P>): boolean {
  return !xs[Symbol.iterator]().next().done;
}

function evaluate(
  expr: RichExpr,
  provides: (dep: RichLeaf) => boolean,
  setMode: (e: RichChain | RichBinary) => boolean,
): boolean {
  const ev = (e: RichExpr): boolean => evaluate(e, provides, setMode);
  switch (expr.kind) {
    case 'dep':
      return provides(expr);
    case 'group':
      return ev(expr.expr);
    case 'and':
      return expr.operands.every(ev);
    case 'or':
      return expr.operands.some(ev);
    case 'with':
    case 'without':
      return setMode(expr);
    case 'else':
      // A stray else group outside an if/unless condition: rpm looks only at its left side.
      return ev(expr.left);
    case 'if':
    case 'unless': {
      // `(a if (b else c))` is read by rpm exactly like `(a if b else c)`.
      let cond = expr.cond;
      let other = expr.else;
      if (other === undefined && cond.kind === 'else') {
        other = cond.right;
        cond = cond.left;
      }
      const c = ev(cond);
      if (expr.kind === 'if') return c ? ev(expr.then) : other ? ev(other) : true;
      return c ? (other ? ev(other) : false) : ev(expr.then);
    }
  }
}
