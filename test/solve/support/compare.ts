// Comparing Strata's result lines for a testcase part with what `testsolv -r` printed.
//
// Agreement: the lines are identical, or both sides report problems (problem ids are md5s of
// libsolv rule internals and the transaction printed next to problems is only the solver's partial
// state, so for unsolvable parts only "has problems" must match; exact matches are counted apart).

export type PartClass =
  /** Same lines in the same order. */
  | 'identical'
  /** Both report problems, lines differ. */
  | 'both-problems'
  /** Same lines, different order (testsolv sorts them; Strata must too). */
  | 'order'
  /** Neither reports problems but the transactions differ. */
  | 'transaction'
  /** testsolv reports problems, Strata solves. */
  | 'only-testsolv-problems'
  /** Strata reports problems, testsolv solves. */
  | 'only-strata-problems'
  /** Strata skipped the part (unsupported feature). */
  | 'strata-skipped'
  /** runTestcase threw, or returned no result for the part. */
  | 'strata-error';

export const AGREEING: ReadonlySet<PartClass> = new Set(['identical', 'both-problems']);

/** Worst first: a case's class is that of its worst part. */
const SEVERITY: readonly PartClass[] = [
  'strata-error',
  'strata-skipped',
  'only-strata-problems',
  'only-testsolv-problems',
  'transaction',
  'order',
  'both-problems',
  'identical',
];

export function worst(classes: PartClass[]): PartClass {
  let best = SEVERITY.length - 1;
  for (const c of classes) best = Math.min(best, SEVERITY.indexOf(c));
  return SEVERITY[best];
}

const hasProblems = (lines: readonly string[]): boolean => lines.some((l) => l.startsWith('problem '));

export function classifyPart(expected: readonly string[], actual: readonly string[] | undefined, skipped?: string): PartClass {
  if (skipped !== undefined) return 'strata-skipped';
  if (actual === undefined) return 'strata-error';
  if (expected.length === actual.length && expected.every((l, i) => l === actual[i])) return 'identical';
  const pe = hasProblems(expected);
  const pa = hasProblems(actual);
  if (pe && pa) return 'both-problems';
  if (pe) return 'only-testsolv-problems';
  if (pa) return 'only-strata-problems';
  const se = [...expected].sort();
  const sa = [...actual].sort();
  if (se.length === sa.length && se.every((l, i) => l === sa[i])) return 'order';
  return 'transaction';
}

/** Lines only one side has, as `-expected` / `+strata` (a multiset difference, in input order). */
export function lineDiff(expected: readonly string[], actual: readonly string[]): string[] {
  const count = new Map<string, number>();
  for (const l of actual) count.set(l, (count.get(l) ?? 0) + 1);
  const out: string[] = [];
  for (const l of expected) {
    const n = count.get(l) ?? 0;
    if (n > 0) count.set(l, n - 1);
    else out.push(`-${l}`);
  }
  for (const l of actual) {
    const n = count.get(l) ?? 0;
    if (n > 0) {
      count.set(l, n - 1);
      out.push(`+${l}`);
    }
  }
  return out;
}

/**
 * The testcase text with `lines[i]` filled in after the i-th `result … <inline>` line as `#>` lines,
 * so that plain `testsolv FILE` checks those lines (and prints "Results differ" when they are wrong).
 */
export function withResults(text: string, parts: ReadonlyArray<readonly string[]>): string {
  let part = 0;
  const out: string[] = [];
  for (const line of text.replace(/\n$/, '').split('\n')) {
    out.push(line);
    if (/^result .*<inline>$/.test(line)) for (const l of parts[part++] ?? []) out.push(`#>${l}`);
  }
  return `${out.join('\n')}\n`;
}
