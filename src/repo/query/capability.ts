// Dependency text: formatting a repo dependency as dnf prints it, and parsing the capabilities a
// query is given (`name [op evr]`), plus the sense/EVR of a RepoDep the filters compare against.

import { RPMSENSE_EQUAL, RPMSENSE_GREATER, RPMSENSE_LESS } from '../../rpm/depmatch.ts';
import { isRichDependency } from '../../rpm/richdep.ts';
import type { RepoDep, RepoDepFlags } from '../model.ts';
import { QueryError } from './types.ts';

const SENSE: Record<RepoDepFlags, number> = {
  EQ: RPMSENSE_EQUAL,
  LT: RPMSENSE_LESS,
  GT: RPMSENSE_GREATER,
  LE: RPMSENSE_LESS | RPMSENSE_EQUAL,
  GE: RPMSENSE_GREATER | RPMSENSE_EQUAL,
};
const OP: Record<RepoDepFlags, string> = { EQ: '=', LT: '<', GT: '>', LE: '<=', GE: '>=' };

export function depSense(d: RepoDep): number {
  return d.flags ? SENSE[d.flags] : 0;
}

// createrepo_c writes epoch="0" for "no epoch"; libsolv drops it, and for range overlap a zero epoch
// and a missing one are the same, so it is dropped here too.
export function depEvr(d: RepoDep): string | undefined {
  if (!d.ver) return undefined;
  const e = d.epoch && d.epoch !== '0' ? `${d.epoch}:` : '';
  return d.rel ? `${e}${d.ver}-${d.rel}` : `${e}${d.ver}`;
}

/** A dependency as dnf prints it: `name`, `name >= [epoch:]ver[-rel]`, or a rich dep verbatim. */
export function formatRepoDep(d: RepoDep): string {
  const evr = depEvr(d);
  return d.flags && evr !== undefined ? `${d.name} ${OP[d.flags]} ${evr}` : d.name;
}

/** A query capability: `name`, or `name op evr` with op one of < <= = == >= >. */
export interface Capability {
  name: string;
  /** rpm sense bits (0 = any version). */
  sense: number;
  evr?: string;
}

const CAP_OPS: ReadonlyArray<[string, number]> = [
  ['<=', RPMSENSE_LESS | RPMSENSE_EQUAL],
  ['>=', RPMSENSE_GREATER | RPMSENSE_EQUAL],
  ['==', RPMSENSE_EQUAL],
  ['<', RPMSENSE_LESS],
  ['>', RPMSENSE_GREATER],
  ['=', RPMSENSE_EQUAL],
];

/**
 * Parse a capability as libdnf's DependencySplitter does. `a b` with no operator is one name with a
 * space (a file name); rich dependencies are refused (dnf 4 silently matches nothing for them).
 */
export function parseCapability(text: string): Capability {
  const bad = (why: string): never => {
    throw new QueryError(`bad dependency ${JSON.stringify(text)}: ${why}`);
  };
  if (isRichDependency(text)) bad('rich dependencies cannot be queried');
  const m = /^(\S+)\s*(.*)$/.exec(text);
  if (!m) return bad('no name');
  const rest = m[2];
  if (rest === '') return { name: m[1], sense: 0 };
  const op = CAP_OPS.find(([o]) => rest.startsWith(o));
  if (!op) return /^\S+$/.test(rest) ? { name: text, sense: 0 } : bad('expected name [op version]');
  const evr = rest.slice(op[0].length).trimStart();
  if (!/^\S+$/.test(evr)) bad(`expected one version after "${op[0]}"`);
  return { name: m[1], sense: op[1], evr };
}
