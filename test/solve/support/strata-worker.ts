// Worker thread for the differential test: runs Strata's runTestcase on testcases it is sent, so
// the main thread can time a case out (and terminate a solver stuck in a loop) or survive a crash.
import { parentPort } from 'node:worker_threads';
import { runTestcase } from '../../../src/solve/run/index.ts';

export interface WorkerRequest {
  id: number;
  text: string;
  file: string;
  /** Solve as libsolv 0.7.23 does where later libsolv changed (see RunOptions.compat). */
  compat?: 'libsolv-0.7.23';
}

export interface WorkerReply {
  id: number;
  /** Per part, as runTestcase returns it. */
  result?: Array<{ part: number; lines?: string[]; skipped?: string }>;
  error?: string;
  ms: number;
}

const port = parentPort;
if (!port) throw new Error('strata-worker.ts runs as a worker thread');

const noFiles = {
  readFile: (name: string): string => {
    throw new Error(`generated testcases read no files (asked for ${name})`);
  },
};

port.on('message', (req: WorkerRequest) => {
  const t0 = performance.now();
  void (async () => {
    let reply: WorkerReply;
    try {
      // awaited so that the harness keeps working if runTestcase becomes async
      const result = await runTestcase(req.text, req.file, { ...noFiles, ...(req.compat ? { compat: req.compat } : {}) });
      reply = { id: req.id, result: result.map((p) => ({ part: p.part, lines: p.lines, skipped: p.skipped })), ms: performance.now() - t0 };
    } catch (e) {
      reply = { id: req.id, error: e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e), ms: performance.now() - t0 };
    }
    port.postMessage(reply);
  })();
});
