// Transaction elements from pool solvables. The pool keeps rpm-md's single pre="1" bit instead of
// the header's qualifiers, so such a require becomes a legacy PreReq: rpm itself reads that as
// Requires(pre) for an install and Requires(preun) for an erase.
import type { Pool, PoolPackage, DepKind } from '../pool/index.ts';
import { REL_EQ, REL_GT, REL_LT, REL_RICH } from '../pool/index.ts';
import { splitEvr } from '../../rpm/evr.ts';
import { DepFlag } from './flags.ts';
import type { OrderDep, OrderPackage, TransactionElement } from './types.ts';

export interface PoolOrderPackage extends OrderPackage {
  solvable: number;
}

function relToSense(rel: number): number {
  if (rel === REL_RICH) return 0;
  return (rel & REL_LT ? DepFlag.LESS : 0) | (rel & REL_GT ? DepFlag.GREATER : 0) | (rel & REL_EQ ? DepFlag.EQUAL : 0);
}

function depsOf(pool: Pool, s: number, kind: DepKind): OrderDep[] {
  const ids = pool.deps(s, kind);
  const pre = kind === 'requires' ? pool.requiresPre(s) : undefined;
  return Array.from(ids, (d, i) => {
    const sense = relToSense(pool.depFlags(d));
    const flags = sense | (pre?.[i] ? DepFlag.PREREQ : 0);
    return sense ? { name: pool.depName(d), flags, version: pool.depEvr(d) } : { name: pool.depName(d), flags };
  });
}

/** One solvable as the orderer sees it (uncoloured: the pool has no file colours). */
export function poolPackage<P extends PoolPackage>(pool: Pool<P>, s: number): PoolOrderPackage {
  const evr = splitEvr(pool.evr(s));
  return {
    solvable: s,
    name: pool.name(s),
    ...(evr.epoch !== undefined && { epoch: evr.epoch }),
    version: evr.version,
    release: evr.release ?? '',
    arch: pool.archOf(s),
    requires: depsOf(pool, s, 'requires'),
    provides: depsOf(pool, s, 'provides'),
    obsoletes: depsOf(pool, s, 'obsoletes'),
    recommends: depsOf(pool, s, 'recommends'),
    suggests: depsOf(pool, s, 'suggests'),
    supplements: depsOf(pool, s, 'supplements'),
    enhances: depsOf(pool, s, 'enhances'),
    files: pool.files(s).map((f) => f.path),
  };
}

/** Installs then erases, each in the order given (the solver's), as elements to order. */
export function poolTransaction<P extends PoolPackage>(
  pool: Pool<P>,
  install: Iterable<number>,
  erase: Iterable<number> = [],
): TransactionElement<PoolOrderPackage>[] {
  return [
    ...Array.from(install, (s): TransactionElement<PoolOrderPackage> => ({ type: 'install', pkg: poolPackage(pool, s) })),
    ...Array.from(erase, (s): TransactionElement<PoolOrderPackage> => ({ type: 'erase', pkg: poolPackage(pool, s) })),
  ];
}
