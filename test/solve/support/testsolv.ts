// Runs Debian's `testsolv -r` (libsolv 0.7.23) on many testcase files with a small process pool and
// splits its output into parts: with one part it prints the result lines only; with several, each
// part's lines follow a `test N:` header.
import { execFile } from 'node:child_process';

export interface TestsolvRun {
  file: string;
  /** Exit status (testsolv -r exits 0 even when the solver finds problems). */
  code: number;
  stdout: string;
  stderr: string;
  /** Result lines per part (index 0 = part 1). */
  parts: string[][];
}

/** Splits `testsolv -r` output into per-part line lists. */
export function splitTestsolvOutput(stdout: string, parts: number): string[][] {
  const lines = stdout.split('\n').filter((l) => l !== '');
  if (parts <= 1) return [lines];
  const out: string[][] = [];
  for (const l of lines) {
    const m = /^test (\d+):$/.exec(l);
    if (m) {
      out[Number(m[1]) - 1] = [];
      continue;
    }
    if (!out.length) throw new Error(`testsolv output does not start with a 'test N:' header: ${l}`);
    out[out.length - 1].push(l);
  }
  for (let i = 0; i < parts; i++) out[i] ??= [];
  return out;
}

function runOne(bin: string, file: string, parts: number): Promise<TestsolvRun> {
  return new Promise((resolve) => {
    execFile(bin, ['-r', file], { encoding: 'utf8', maxBuffer: 16 << 20, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      let split: string[][];
      try {
        split = splitTestsolvOutput(stdout, parts);
      } catch (e) {
        split = [];
        stderr += `\n${(e as Error).message}`;
      }
      resolve({ file, code, stdout, stderr, parts: split });
    });
  });
}

/** Runs `testsolv -r` on each file, `concurrency` processes at a time; results in input order. */
export async function runTestsolvAll(jobs: Array<{ file: string; parts: number }>, concurrency = 2): Promise<TestsolvRun[]> {
  const out: TestsolvRun[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await runOne('testsolv', jobs[i].file, jobs[i].parts);
      }
    }),
  );
  return out;
}
