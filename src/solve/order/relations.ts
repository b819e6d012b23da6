// The ordering graph as rpm 4.18 records it (lib/order.c addRelation/addSingleRelation, with the
// provider choice of lib/rpmal.c): for every element in transaction order and every Requires,
// Recommends, Suggests, Supplements, Enhances and OrderWithRequires entry, the one element of the
// same kind (installs see installs, erases see erases) that satisfies it gets an edge.
import { flagsEvrOverlap } from '../../rpm/depmatch.ts';
import { parseRichDep, type RichExpr } from '../../rpm/richdep.ts';
import { DepFlag, isUnordered, prereqBits, richInheritedFlags } from './flags.ts';
import { evrOf, type OrderDep, type OrderOptions, type OrderPackage, type TransactionElement } from './types.ts';

/** `req` waits for `dep`; flags non-zero for a prerequisite. Shared by both endpoint lists. */
export interface Edge {
  req: number;
  dep: number;
  flags: number;
}

/**
 * Per element: `succ` = edges where it is `dep` (rpm's tsi_relations), `pred` = edges where it is
 * `req` (tsi_forward_relations). rpm prepends to linked lists, so both are walked from the end.
 */
export interface Graph {
  n: number;
  erase: boolean[];
  color: number[];
  succ: Edge[][];
  pred: Edge[][];
}

const SENSE = DepFlag.LESS | DepFlag.GREATER | DepFlag.EQUAL;

type Tag = 'requires' | 'recommends' | 'suggests' | 'supplements' | 'enhances' | 'orderWithRequires';
// rpmtsOrder's ordertags, in its order.
const ORDER_TAGS: readonly Tag[] = ['requires', 'recommends', 'suggests', 'supplements', 'enhances', 'orderWithRequires'];

interface Provide {
  el: number;
  dep: OrderDep;
}

/** rpmal: the provides and files of the installs (or of the erases), in transaction order. */
class Available {
  readonly #provides = new Map<string, Provide[]>();
  readonly #files = new Map<string, number[]>();

  constructor(elements: readonly TransactionElement[], erase: boolean) {
    elements.forEach((e, el) => {
      if ((e.type === 'erase') !== erase) return;
      const p = e.pkg;
      const evr = evrOf(p);
      const provides = p.provides ?? [];
      for (const dep of provides) this.#addProvide(dep.name, { el, dep });
      // Every binary header provides `name = EVR` (rpm retrofits it into old ones).
      const isSelf = (d: OrderDep): boolean => d.name === p.name && ((d.flags ?? 0) & SENSE) === DepFlag.EQUAL && d.version === evr;
      if (!provides.some(isSelf)) this.#addProvide(p.name, { el, dep: { name: p.name, flags: DepFlag.EQUAL, version: evr } });
      for (const path of p.files ?? []) {
        const list = this.#files.get(path);
        if (list) list.push(el);
        else this.#files.set(path, [el]);
      }
    });
  }

  #addProvide(name: string, p: Provide): void {
    const list = this.#provides.get(name);
    if (list) list.push(p);
    else this.#provides.set(name, [p]);
  }

  /** rpmalAllSatisfiesDepend: owners of a path first; only without any, matching provides. */
  all(dep: OrderDep): number[] {
    if (dep.name.startsWith('/')) {
      const owners = this.#files.get(dep.name);
      if (owners && owners.length > 0) return owners;
    }
    const out: number[] = [];
    for (const p of this.#provides.get(dep.name) ?? []) {
      if (flagsEvrOverlap(p.dep.flags ?? 0, p.dep.version, dep.flags ?? 0, dep.version)) out.push(p.el);
    }
    return out;
  }
}

/**
 * rpmalSatisfiesDepend: among the providers, a matching colour scores 2 and being the requiring
 * element itself 1; the first best wins, and with no score at all the first provider.
 */
function provider(al: Available, self: number, dep: OrderDep, g: Graph, opts: OrderOptions): number {
  const all = al.all(dep);
  if (all.length === 0) return -1;
  let best = -1;
  let bestScore = 0;
  const tsColor = opts.tsColor ?? 0;
  const pref = opts.prefColor ?? 0;
  const dsColor = dep.color ?? 0;
  for (const p of all) {
    let score = 0;
    if (tsColor) {
      if (dsColor) {
        if (dsColor === g.color[p]) score += 2;
      } else if (pref && pref === g.color[p]) score += 2;
    }
    if (p === self) score += 1;
    if (score > bestScore) {
      bestScore = score;
      best = p;
    }
  }
  return best >= 0 ? best : all[0];
}

/**
 * The plain parts of a rich dependency that order anything (addRelation's recursion): every
 * operand of and/or, the first of with, the left of without, the "then" of if/unless (rpm re-parses
 * the whole dependency looking for the else branch, so it never orders on it), nothing for a bare
 * else.
 */
function orderingLeaves(expr: RichExpr, out: RichExpr[]): void {
  switch (expr.kind) {
    case 'dep':
      out.push(expr);
      return;
    case 'group':
      orderingLeaves(expr.expr, out);
      return;
    case 'and':
    case 'or':
      for (const e of expr.operands) orderingLeaves(e, out);
      return;
    case 'with':
      orderingLeaves(expr.operands[0], out);
      return;
    case 'if':
    case 'unless':
      orderingLeaves(expr.then, out);
      return;
    case 'without':
      orderingLeaves(expr.left, out);
      return;
    case 'else':
      return;
  }
}

function richParts(dep: OrderDep, tag: Tag): OrderDep[] {
  let expr: RichExpr;
  try {
    expr = parseRichDep(dep.name);
  } catch {
    return []; // rpm skips a dependency it cannot parse
  }
  const inherited = richInheritedFlags(dep.flags ?? 0);
  const leaves: RichExpr[] = [];
  orderingLeaves(expr, leaves);
  return leaves.map((leaf) => {
    if (leaf.kind !== 'dep') throw new Error('unreachable: orderingLeaves returns leaves');
    let flags = inherited | leaf.flags;
    if (tag === 'requires' && leaf.name.startsWith('rpmlib(')) flags |= DepFlag.RPMLIB;
    return { name: leaf.name, flags, ...(leaf.version !== undefined && { version: leaf.version }) };
  });
}

class Recorder {
  readonly #g: Graph;

  constructor(g: Graph) {
    this.#g = g;
  }

  /** addSingleRelation: `p`'s dependency is satisfied by `q`. */
  add(p: number, q: number, flags: number, tag: Tag): void {
    const g = this.#g;
    const erase = g.erase[p];
    // Supplements/Enhances point the other way; an erase runs its dependencies backwards.
    let reversed = tag === 'supplements' || tag === 'enhances';
    if (erase) reversed = !reversed;
    let bits = prereqBits(flags, erase);
    // Weak dependencies order, but never as prerequisites (so loops are not broken on them).
    if (tag !== 'requires' || flags & DepFlag.MISSINGOK) bits = 0;
    let req = p;
    let dep = q;
    if (reversed) [req, dep] = [q, p];
    // rpm merges a repeated relation only when it is the newest one on the list it checks; with
    // the lists of this element being filled in one go that catches the usual duplicates. The
    // reversed case checks the opposite direction, as rpm does.
    if (!reversed) {
      const last = g.succ[dep].at(-1);
      if (last && last.req === req) {
        last.flags |= bits;
        return;
      }
    } else {
      const last = g.pred[dep].at(-1);
      if (last && last.dep === req) {
        last.flags |= bits;
        return;
      }
    }
    const edge: Edge = { req, dep, flags: bits };
    g.succ[dep].push(edge);
    g.pred[req].push(edge);
  }
}

/** Builds the ordering graph of the elements, in rpmtsOrder's order of recording. */
export function buildGraph(elements: readonly TransactionElement[], opts: OrderOptions = {}): Graph {
  const n = elements.length;
  const g: Graph = {
    n,
    erase: elements.map((e) => e.type === 'erase'),
    color: elements.map((e) => e.pkg.color ?? 0),
    succ: Array.from({ length: n }, () => []),
    pred: Array.from({ length: n }, () => []),
  };
  const added = new Available(elements, false);
  const erased = new Available(elements, true);
  const rec = new Recorder(g);

  const relate = (p: number, dep: OrderDep, tag: Tag): void => {
    const flags = dep.flags ?? 0;
    if (isUnordered(flags)) return;
    if (dep.name.startsWith('(')) {
      for (const part of richParts(dep, tag)) relate(p, part, tag);
      return;
    }
    const q = provider(g.erase[p] ? erased : added, p, dep, g, opts);
    if (q < 0 || q === p) return;
    rec.add(p, q, flags, tag);
  };

  elements.forEach((e, p) => {
    const pkg: OrderPackage = e.pkg;
    for (const tag of ORDER_TAGS) for (const dep of pkg[tag] ?? []) relate(p, dep, tag);
  });
  return g;
}
