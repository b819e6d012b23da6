// The types every part of the query shares: the package record a query returns and the error
// thrown for bad query input (kept apart so the other files need not import each other for them).

import type { RepoPackage } from '../model.ts';

/** A package record plus the repository it came from (`%{repoid}`, the `repoid` filter). */
export type QueryPackage = RepoPackage & { repoid?: string };

/** Bad query input: a malformed glob, dependency string or --qf tag. */
export class QueryError extends Error {
  override name = 'QueryError';
}
