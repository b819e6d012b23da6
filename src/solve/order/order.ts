// orderTransaction: elements in → rpm's order out, plus the dependency loops it had to break.
import { buildGraph, type Graph } from './relations.ts';
import { tsort, type Component } from './tsort.ts';
import {
  nevraOf,
  type OrderEdge,
  type OrderLoop,
  type OrderOptions,
  type OrderPackage,
  type OrderResult,
  type TransactionElement,
} from './types.ts';

/**
 * Orders a transaction as rpm 4.18's rpmtsOrder does. `elements` must be in the order they were
 * added to the transaction (for `rpm -U` see upgradeElements): it decides every tie.
 */
export function orderTransaction<P extends OrderPackage>(
  elements: readonly TransactionElement<P>[],
  options: OrderOptions = {},
): OrderResult<P> {
  const graph = buildGraph(elements, options);
  const sorted = tsort(graph, options.prefColor ?? 0);
  const order = sorted.order.map((index) => {
    const e = elements[index];
    return { type: e.type, pkg: e.pkg, index, nevra: nevraOf(e.pkg) };
  });
  const position = new Int32Array(elements.length);
  sorted.order.forEach((el, at) => (position[el] = at));
  return { order, loops: sorted.components.map((c) => loopOf(graph, c, position)) };
}

function loopOf(g: Graph, c: Component, position: Int32Array): OrderLoop {
  const inLoop = new Set(c.members);
  const edges: OrderEdge[] = [];
  // rpm lists each member's dependencies newest first.
  for (const m of c.members) {
    const list = g.pred[m];
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i];
      if (inLoop.has(e.dep)) edges.push({ from: e.req, to: e.dep, prereq: e.flags !== 0 });
    }
  }
  const cut = edges.filter((e) => position[e.from] < position[e.to]);
  return { members: [...c.members], externalDeps: c.externalDeps, edges, cut };
}

/**
 * The loops as rpm prints them with --deploops (lib/order.c detectSCCs), "=>" for a prerequisite,
 * "->" for a plain dependency, plus which dependencies the order breaks. One line per entry.
 */
export function formatLoops(result: OrderResult, elements: readonly TransactionElement[]): string[] {
  const name = (i: number): string => nevraOf(elements[i].pkg);
  const lines: string[] = [];
  if (result.loops.length === 0) return lines;
  lines.push(`${result.loops.length} Strongly Connected Components`);
  result.loops.forEach((loop, k) => {
    lines.push(`SCC #${k + 1}: ${loop.members.length} members (${loop.externalDeps} external dependencies)`);
    for (const m of loop.members) {
      lines.push(`\t${name(m)}`);
      for (const e of loop.edges) if (e.from === m) lines.push(`\t\t${e.prereq ? '=>' : '->'} ${name(e.to)}`);
    }
    for (const e of loop.cut) {
      lines.push(`\tbroken: ${name(e.from)} ${e.prereq ? '=>' : '->'} ${name(e.to)}${e.prereq ? ' (prerequisite)' : ''}`);
    }
  });
  return lines;
}
