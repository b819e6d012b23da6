// Strata's dependency solver with libsolv semantics: rules, CDCL search with policy-driven
// decisions, problems with solutions, and the resulting transaction.
export * from './constants.ts';
export { Solver } from './solver.ts';
export { defaultPoolFlags, defaultSolverFlags, type PoolFlags, type SolverFlags, type SolverInput } from './state.ts';
export { createTransaction, type Transaction, type TransactionStep } from './transaction.ts';
export { problemLines, problemRuleText, ruleInfo, solverProblems, type Problem, type ProblemNaming, type Solution } from './problems.ts';
