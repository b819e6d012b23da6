// Which package of an installed set satisfies each Requires of another: the DEPENDS_ON edges of an
// SBOM. Matching is rpm's (depmatch.ts rangesOverlap, rich deps as richdep.ts evaluates them, file
// requires by path); every satisfying provider gets an edge, as any of them may be the one used.
import { type Dep, flagsEvrOverlap, parseRichDep, type RichExpr, evaluateRichPackages, richProviders, RichDepError } from '../rpm/index.ts';

/** One package as the graph needs it; `key` names it in the result (a NEVRA). */
export interface DepGraphNode {
  key: string;
  provides: Dep[];
  requires: Dep[];
  /** Paths the package owns (file requires match them). */
  files: string[];
}

interface Provider {
  node: number;
  flags: number;
  version: string | undefined;
}

/** For each node key, the sorted keys of the other nodes it depends on. */
export function dependencyEdges(nodes: DepGraphNode[]): Map<string, string[]> {
  const byName = new Map<string, Provider[]>();
  const byPath = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    for (const p of n.provides) {
      const list = byName.get(p.name) ?? [];
      list.push({ node: i, flags: p.flags, version: p.version });
      byName.set(p.name, list);
    }
    for (const f of n.files) {
      const list = byPath.get(f) ?? [];
      list.push(i);
      byPath.set(f, list);
    }
  });

  const whatProvides = (d: { name: string; flags: number; version?: string | undefined }): number[] => {
    const out = new Set<number>();
    for (const p of byName.get(d.name) ?? []) if (flagsEvrOverlap(p.flags, p.version, d.flags, d.version)) out.add(p.node);
    if (d.name.startsWith('/')) for (const i of byPath.get(d.name) ?? []) out.add(i);
    return [...out];
  };

  const edges = new Map<string, string[]>();
  nodes.forEach((n, i) => {
    const deps = new Set<number>();
    for (const r of n.requires) {
      if (r.name.startsWith('rpmlib(')) continue; // rpm's own features, no package provides them
      const found = r.name.startsWith('(') ? richRequireProviders(r.name, whatProvides) : whatProvides(r);
      for (const j of found) if (j !== i) deps.add(j);
    }
    edges.set(n.key, [...new Set([...deps].map((j) => nodes[j].key))].sort());
  });
  return edges;
}

function richRequireProviders(text: string, whatProvides: (d: { name: string; flags: number; version?: string | undefined }) => number[]): Set<number> {
  let expr: RichExpr;
  try {
    expr = parseRichDep(text, { tag: 'requires' });
  } catch (e) {
    if (e instanceof RichDepError) return new Set(); // rpm would not have built it; nothing to link
    throw e;
  }
  return providersOf(expr, whatProvides);
}

/** The packages that make the satisfied parts of a rich require true (conditions are not dependencies). */
function providersOf(expr: RichExpr, whatProvides: (d: { name: string; flags: number; version?: string | undefined }) => number[]): Set<number> {
  switch (expr.kind) {
    case 'dep':
      return new Set(whatProvides(expr));
    case 'group':
      return providersOf(expr.expr, whatProvides);
    case 'and':
    case 'or': {
      const all = new Set<number>();
      for (const o of expr.operands) for (const x of providersOf(o, whatProvides)) all.add(x);
      return all;
    }
    case 'with':
    case 'without':
      return richProviders(expr, whatProvides);
    case 'if':
    case 'unless': {
      const cond = evaluateRichPackages(expr.cond, whatProvides);
      const takeThen = expr.kind === 'if' ? cond : !cond;
      if (takeThen) return providersOf(expr.then, whatProvides);
      return expr.else ? providersOf(expr.else, whatProvides) : new Set();
    }
    case 'else':
      return providersOf(expr.left, whatProvides);
  }
}
