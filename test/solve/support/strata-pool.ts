// Runs Strata's runTestcase over many testcases on a few worker threads, with a time limit per
// case: a case that takes longer is reported as a timeout and its worker is replaced, so one solver
// bug (an endless loop, runaway memory) costs one case, not the whole test run.
import { Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './strata-worker.ts';

export interface StrataCaseResult {
  result?: WorkerReply['result'];
  error?: string;
  timedOut?: boolean;
  ms: number;
}

const WORKER = new URL('./strata-worker.ts', import.meta.url);

function spawn(memoryMb: number): Worker {
  return new Worker(WORKER, { resourceLimits: { maxOldGenerationSizeMb: memoryMb } });
}

/** Runs every case; results in input order. */
export async function runStrataAll(
  cases: Array<{ text: string; file: string }>,
  opts: { workers?: number; timeoutMs?: number; memoryMb?: number; compat?: 'libsolv-0.7.23' } = {},
): Promise<StrataCaseResult[]> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const memoryMb = opts.memoryMb ?? 1024;
  const out: StrataCaseResult[] = new Array(cases.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    let worker: Worker | undefined;
    try {
      while (next < cases.length) {
        const i = next++;
        worker ??= spawn(memoryMb);
        const w = worker;
        const t0 = performance.now();
        out[i] = await new Promise<StrataCaseResult>((resolve) => {
          const done = (r: StrataCaseResult, dead: boolean): void => {
            clearTimeout(timer);
            w.off('message', onMessage);
            w.off('error', onError);
            w.off('exit', onExit);
            if (dead) {
              void w.terminate();
              worker = undefined;
            }
            resolve(r);
          };
          const onMessage = (m: WorkerReply): void => {
            if (m.id === i) done({ result: m.result, error: m.error, ms: m.ms }, false);
          };
          const onError = (e: Error): void => done({ error: `worker crashed: ${e.message}`, ms: performance.now() - t0 }, true);
          const onExit = (code: number): void => done({ error: `worker exited with code ${code}`, ms: performance.now() - t0 }, true);
          const timer = setTimeout(() => done({ error: `timed out after ${timeoutMs} ms`, timedOut: true, ms: timeoutMs }, true), timeoutMs);
          w.on('message', onMessage);
          w.on('error', onError);
          w.on('exit', onExit);
          const req: WorkerRequest = { id: i, text: cases[i].text, file: cases[i].file, ...(opts.compat ? { compat: opts.compat } : {}) };
          w.postMessage(req);
        });
      }
    } finally {
      if (worker) await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.workers ?? 2) }, lane));
  return out;
}
