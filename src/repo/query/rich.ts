// Rich dependencies (`(a if b)`, `(a with b)`, …) as libsolv matches them: whether one mentions a
// capability, whether a package provides it, and which names it is filed under in the index.

import { RPMSENSE_GREATER, RPMSENSE_LESS } from '../../rpm/depmatch.ts';
import type { RichExpr, RichLeaf } from '../../rpm/richdep.ts';

// libsolv's pool_match_dep on a rich dep: could it match `leaf`? Only "then"/"else" branches count
// (not conditions, not the right of `without`), and `(a >= 1 with a < 2)` intervals need both ends.
export function richMentions(e: RichExpr, leaf: (l: RichLeaf) => boolean): boolean {
  switch (e.kind) {
    case 'dep':
      return leaf(e);
    case 'group':
      return richMentions(e.expr, leaf);
    case 'and':
    case 'or':
      return e.operands.some((o) => richMentions(o, leaf));
    case 'with':
      return withMentions(e.operands, 0, leaf);
    case 'without':
    case 'else':
      return richMentions(e.left, leaf);
    case 'if':
    case 'unless': {
      const other = condElse(e.cond, e.else);
      return richMentions(e.then, leaf) || (other !== undefined && richMentions(other, leaf));
    }
  }
}

// `(a if (b else c))` is `(a if b else c)` to rpm and libsolv alike.
function condElse(cond: RichExpr, other: RichExpr | undefined): RichExpr | undefined {
  return other ?? (cond.kind === 'else' ? cond.right : undefined);
}

function unwrap(e: RichExpr): RichExpr {
  return e.kind === 'group' ? unwrap(e.expr) : e;
}

// libsolv nests chains to the right: (a with b with c) = a with (b with c).
function withMentions(ops: RichExpr[], i: number, leaf: (l: RichLeaf) => boolean): boolean {
  if (i === ops.length - 1) return richMentions(ops[i], leaf);
  if (i === ops.length - 2) {
    const l = unwrap(ops[i]);
    const r = unwrap(ops[i + 1]);
    const dirs = RPMSENSE_LESS | RPMSENSE_GREATER;
    if (l.kind === 'dep' && r.kind === 'dep' && l.name === r.name && l.flags && r.flags && ((l.flags ^ r.flags) & dirs) === dirs) {
      return leaf(l) && leaf(r);
    }
  }
  return richMentions(ops[i], leaf) || withMentions(ops, i + 1, leaf);
}

// libsolv's whatprovides of a rich dep, for one package: and/or/if/unless take the union of their
// branches ("potential" providers), with needs all operands, without excludes its right side.
export function richProvidedBy(e: RichExpr, has: (l: RichLeaf) => boolean): boolean {
  switch (e.kind) {
    case 'dep':
      return has(e);
    case 'group':
      return richProvidedBy(e.expr, has);
    case 'and':
    case 'or':
      return e.operands.some((o) => richProvidedBy(o, has));
    case 'with':
      return e.operands.every((o) => richProvidedBy(o, has));
    case 'without':
      return richProvidedBy(e.left, has) && !richProvidedBy(e.right, has);
    case 'else':
      return richProvidedBy(e.left, has);
    case 'if':
    case 'unless': {
      const other = condElse(e.cond, e.else);
      return richProvidedBy(e.then, has) || (other !== undefined && richProvidedBy(other, has));
    }
  }
}

export function leaves(e: RichExpr, out: Set<string>): Set<string> {
  switch (e.kind) {
    case 'dep':
      out.add(e.name);
      break;
    case 'group':
      leaves(e.expr, out);
      break;
    case 'and':
    case 'or':
    case 'with':
      for (const o of e.operands) leaves(o, out);
      break;
    case 'if':
    case 'unless':
      leaves(e.then, out);
      leaves(e.cond, out);
      if (e.else) leaves(e.else, out);
      break;
    default:
      leaves(e.left, out);
      leaves(e.right, out);
  }
  return out;
}
