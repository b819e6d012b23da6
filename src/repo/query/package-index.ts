// PackageIndex: the lookup tables (names, dependency tables per kind) built once over a package list
// so that every query is index lookups plus passes over a selection, never scans of all deps.

import { RichDepError, isRichDependency, parseRichDep, type RichExpr } from '../../rpm/richdep.ts';
import type { RepoDepKind } from '../model.ts';
import { leaves } from './rich.ts';
import type { QueryPackage } from './types.ts';

/** A dependency table of one kind: name → flat (package, position in p.deps[kind]) pairs. */
export interface DepTable {
  byName: Map<string, number[]>;
  /** Parsed rich deps by text (undefined when malformed); each is filed under all its names. */
  rich: Map<string, RichExpr | undefined>;
  /** pathKey of every path-named dependency: lets file scans skip most paths without hashing them. */
  pathKeys: Set<number>;
  /** The dependency names that are paths. */
  paths: string[];
}

// A cheap fingerprint of a path (length and last two characters). Hashing millions of file paths
// for Map lookups costs seconds the first time (V8 hashes a string on first use); this skips most.
export function pathKey(path: string): number {
  const n = path.length;
  return n * 0x10000 + ((path.charCodeAt(n - 1) * 31 + path.charCodeAt(n - 2)) & 0xffff);
}

/**
 * Lookup tables over a package list. Names are indexed up front, the dependency tables of each kind
 * on first use. There is no file table: a Map over the ~4 million paths of a full Fedora filelists
 * takes seconds to build, while one pass comparing paths takes ~20 ms, so file filters scan.
 */
export class PackageIndex {
  readonly packages: readonly QueryPackage[];
  readonly byName = new Map<string, number[]>();
  #lowerNames: Map<string, number[]> | undefined;
  readonly #deps = new Map<RepoDepKind, DepTable>();

  constructor(packages: readonly QueryPackage[]) {
    this.packages = packages;
    packages.forEach((p, i) => push(this.byName, p.name, i));
  }

  /** Case-folded name → packages, for dnf's case-insensitive package specs. */
  lowerNames(): Map<string, number[]> {
    if (!this.#lowerNames) {
      this.#lowerNames = new Map();
      for (const [name, ids] of this.byName) {
        const k = name.toLowerCase();
        const list = this.#lowerNames.get(k);
        this.#lowerNames.set(k, list ? [...list, ...ids].sort((a, b) => a - b) : ids);
      }
    }
    return this.#lowerNames;
  }

  deps(kind: RepoDepKind): DepTable {
    let t = this.#deps.get(kind);
    if (t) return t;
    t = { byName: new Map(), rich: new Map(), pathKeys: new Set(), paths: [] };
    const { byName, rich } = t;
    const names = new Map<string, string[]>();
    this.packages.forEach((p, pkg) => {
      const list = p.deps[kind];
      for (let j = 0; j < list.length; j++) {
        const name = list[j].name;
        if (!isRichDependency(name)) {
          push2(byName, name, pkg, j);
          continue;
        }
        let leafNames = names.get(name);
        if (leafNames === undefined) {
          const expr = parseRich(name);
          rich.set(name, expr);
          // A malformed rich dep in metadata stays under its literal text, where nothing matches.
          leafNames = expr ? [...leaves(expr, new Set())] : [name];
          names.set(name, leafNames);
        }
        for (const n of leafNames) push2(byName, n, pkg, j);
      }
    });
    for (const k of byName.keys()) {
      if (!k.startsWith('/')) continue;
      t.paths.push(k);
      t.pathKeys.add(pathKey(k));
    }
    this.#deps.set(kind, t);
    return t;
  }
}

function parseRich(text: string): RichExpr | undefined {
  try {
    return parseRichDep(text);
  } catch (e) {
    if (e instanceof RichDepError) return undefined;
    throw e;
  }
}

function push2(m: Map<string, number[]>, k: string, a: number, b: number): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [a, b]);
  else list.push(a, b);
}

export function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}
