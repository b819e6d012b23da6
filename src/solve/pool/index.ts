// The package pool for the solver: interned packages and dependencies, whatprovides with libsolv's
// rpm semantics (versioned provides, file provides, rich deps), arch policy and policy helpers.
export * from './pool.ts';
export * from './deps.ts';
export * from './load.ts';
export * from './evr.ts';
export * from './arch.ts';
export * from './rich.ts';
export { StringPool, IntVec } from './intern.ts';
export * from './snapshot.ts';
