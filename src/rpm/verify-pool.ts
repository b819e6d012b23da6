// Verifying many packages on every core: hashing is CPU-bound and synchronous, so one thread caps
// throughput. Workers each load the keyring from the same key files and take paths from a queue.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Keyring } from './openpgp/index.ts';
import { type VerifyOptions, type VerifyResult, verifyPackage } from './verify.ts';

export interface PoolOptions {
  /** Worker threads (default: available cores). 1 verifies in this thread. */
  jobs?: number;
  /** Key files the workers load (a Keyring object cannot cross threads). */
  keyFiles?: string[];
}

/**
 * Starting a worker costs tens of milliseconds (module loading), so threads are used only when each
 * gets enough bytes to hash; an explicit `jobs` is honoured as given.
 */
const MIN_BYTES_PER_WORKER = 48 << 20;

function autoJobs(paths: string[]): number {
  let total = 0;
  for (const p of paths) total += statSync(p, { throwIfNoEntry: false })?.size ?? 0;
  return Math.min(availableParallelism(), Math.floor(total / MIN_BYTES_PER_WORKER));
}

export async function verifyPackages(
  paths: string[],
  keyring: Keyring | undefined,
  opts: VerifyOptions & PoolOptions,
  onResult?: (index: number, result: VerifyResult) => void,
): Promise<VerifyResult[]> {
  const results: VerifyResult[] = new Array(paths.length);
  const { jobs: wanted, keyFiles = [], ...verifyOpts } = opts;
  const jobs = Math.min(wanted ?? autoJobs(paths), paths.length);
  if (jobs <= 1) {
    for (let i = 0; i < paths.length; i++) {
      results[i] = await verifyPackage(paths[i], keyring, verifyOpts);
      onResult?.(i, results[i]);
    }
    return results;
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, () => {
      const w = new Worker(new URL('./verify-worker.ts', import.meta.url), { workerData: { keyFiles, opts: verifyOpts } });
      return new Promise<void>((resolve, reject) => {
        // Two paths in flight per worker so it never waits for the next one.
        const send = (): void => {
          if (next < paths.length) {
            const i = next++;
            w.postMessage({ i, path: paths[i] });
          }
        };
        let outstanding = 0;
        const feed = (): void => {
          while (outstanding < 2 && next < paths.length) {
            send();
            outstanding++;
          }
          if (outstanding === 0) void w.terminate().then(() => resolve());
        };
        w.on('message', ({ i, result }: { i: number; result: VerifyResult }) => {
          results[i] = result;
          outstanding--;
          onResult?.(i, result);
          feed();
        });
        w.on('error', reject);
        feed();
      });
    }),
  );
  return results;
}
