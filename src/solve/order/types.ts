// The data the orderer works on: packages as rpm's transaction elements see them (name, EVRA,
// dependencies with rpm's sense/qualifier bits, file paths) and what it returns.

/** One dependency as a header stores it: `flags` are rpm sense bits (src/rpm/model.ts DepFlag). */
export interface OrderDep {
  name: string;
  /** LESS/GREATER/EQUAL plus qualifiers (SCRIPT_PRE, SCRIPT_POST, PREREQ, …). Default 0. */
  flags?: number;
  /** EVR ('' or absent when unversioned). */
  version?: string;
  /** Multilib colour of the dependency (rpmdsColor), 0 or absent when uncoloured. */
  color?: number;
}

/** A package of the transaction. Arrays are in header order: rpm's tie-breaks depend on it. */
export interface OrderPackage {
  name: string;
  epoch?: number | string | undefined;
  version: string;
  release: string;
  arch: string;
  requires?: readonly OrderDep[];
  /** `name = EVR` is implied, as every binary header carries it. */
  provides?: readonly OrderDep[];
  obsoletes?: readonly OrderDep[];
  recommends?: readonly OrderDep[];
  suggests?: readonly OrderDep[];
  supplements?: readonly OrderDep[];
  enhances?: readonly OrderDep[];
  /** OrderWithRequires. */
  orderWithRequires?: readonly OrderDep[];
  /** Absolute paths of the package's files (they satisfy file dependencies). */
  files?: readonly string[];
  /** Multilib colour (rpmteColor: 1 = 32-bit, 2 = 64-bit, 0 = none). Default 0. */
  color?: number;
}

export type ElementType = 'install' | 'erase';

/** A transaction element in the order it was added to the transaction (rpm's tie-breaker). */
export interface TransactionElement<P extends OrderPackage = OrderPackage> {
  type: ElementType;
  pkg: P;
}

export interface OrderOptions {
  /** Transaction colour (rpmtsColor; 3 on x86_64 multilib). Default 0: colours are ignored. */
  tsColor?: number;
  /** Preferred colour (rpmtsPrefColor; 2 on x86_64). Default 0. */
  prefColor?: number;
}

/** A dependency edge between two elements: `from` must (or should) come after `to`. */
export interface OrderEdge {
  /** Index (into the input elements) of the element that has to wait: the requirer on install. */
  from: number;
  /** Index of the element it waits for. */
  to: number;
  /**
   * The edge carries a prerequisite (Requires(pre)/(post), PreReq, rpmlib/keyring on install;
   * Requires(preun)/(postun) on erase): rpm's "=>" rather than "->".
   */
  prereq: boolean;
}

/** A dependency loop: a strongly connected component of the ordering graph (rpm's "SCC"). */
export interface OrderLoop {
  /** Element indices, in rpm's member order (the Tarjan root first). */
  members: number[];
  /** Dependencies of members on elements outside the loop (rpm's "external dependencies"). */
  externalDeps: number;
  /** Every edge between members. */
  edges: OrderEdge[];
  /** The edges the order does not honour: `from` ended up before `to`. */
  cut: OrderEdge[];
}

export interface OrderedElement<P extends OrderPackage = OrderPackage> {
  type: ElementType;
  pkg: P;
  /** Position of this element in the input. */
  index: number;
  nevra: string;
}

export interface OrderResult<P extends OrderPackage = OrderPackage> {
  order: OrderedElement<P>[];
  loops: OrderLoop[];
}

/** `name-[epoch:]version-release.arch`, as rpm prints a transaction element. */
export function nevraOf(p: OrderPackage): string {
  const e = p.epoch === undefined || p.epoch === '' ? '' : `${p.epoch}:`;
  return `${p.name}-${e}${p.version}-${p.release}.${p.arch}`;
}

/** `[epoch:]version-release`, the EVR of the implied self-provide. */
export function evrOf(p: OrderPackage): string {
  const e = p.epoch === undefined || p.epoch === '' ? '' : `${p.epoch}:`;
  return `${e}${p.version}-${p.release}`;
}
