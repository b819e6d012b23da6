// Runs libsolv testsolv testcases with Strata's solver and prints testsolv's result format.
export { runPart, runTestcase, type RunOptions, type TestcasePartResult } from './testcase-run.ts';
export { tcDepToRepoDep, UnsupportedTestcase } from './tc-pool.ts';
