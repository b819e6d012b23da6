// Runs libsolv testsolv testcases with Strata's solver and prints testsolv's result format.
export { runPart, runTestcase, tcDepToRepoDep, UnsupportedTestcase, type TestcasePartResult } from './testcase-run.ts';
