// Reader for libsolv's testsolv testcases (`*.t`): the model, the dependency syntax, testtags
// repos and expected results. Semantics follow libsolv 0.7.39 ext/testcase.c + repo_testcase.c.
import type { TcPackage } from './types.ts';

export { parseTestcase, type ParseOptions } from './reader.ts';
export { parseTesttags } from './testtags.ts';
export { parseResult } from './result.ts';
export type * from './result.ts';
export { TRANSACTION_TYPES } from './result.ts';
export { TestcaseError, type NumberedLine } from './errors.ts';
export {
  DepSyntaxError,
  formatDep,
  isComplexOp,
  parseDep,
  parseDepEntry,
  REL,
  relOpName,
  toRichExpr,
  type TcDep,
  type TcDepName,
  type TcDepNull,
  type TcDepRel,
} from './dep.ts';
export { fixConflict, fixSupplement, rewriteSuseDep, supplementFromProvide } from './suse.ts';
export * from './tables.ts';
export type * from './types.ts';

/**
 * A package as testcase results name it (testcase_solvid2str): `name-evr[-flavor…][.arch]@repo`,
 * blanks in the repo name turned into '_'. Without `repo`, no `@` part (problem info texts).
 */
export function formatSolvable(pkg: Pick<TcPackage, 'name' | 'evr' | 'arch' | 'flavors'>, repo?: string): string {
  let s = `${pkg.name}-${pkg.evr}`;
  for (const f of pkg.flavors) s += `-${f}`;
  if (pkg.arch !== undefined) s += `.${pkg.arch}`;
  if (repo !== undefined) s += `@${repo.replace(/[ \t]/g, '_')}`;
  return s;
}
