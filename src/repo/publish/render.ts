// Reading packages and rendering their three XML fragments, on every core when there is enough
// work. A worker returns strings, not RepoPackage objects: structured-cloning three strings is much
// cheaper than cloning a file list object by object.

import { availableParallelism, loadavg } from 'node:os';
import type { RepoPackage } from '../model.ts';
import { readPackageRecord } from '../record/index.ts';
import { filelistsPackageXml, otherPackageXml, primaryPackageXml } from '../xml-write.ts';
import type { ScannedPackage } from './scan.ts';

export interface RenderOptions {
  checksumType: 'sha256' | 'sha512' | 'sha384' | 'sha224' | 'sha1';
  changelogLimit: number;
  locationBase?: string;
  /** Mark Requires(pretrans/posttrans) pre="1" as createrepo_c >= 1.1.1 does (0.17 does not). */
  transPre?: boolean;
}

export interface RenderedPackage {
  primary: string;
  filelists: string;
  other: string;
  pkgid: string;
}

export function renderRecord(p: RepoPackage): RenderedPackage {
  return {
    primary: primaryPackageXml(p),
    filelists: filelistsPackageXml(p),
    other: otherPackageXml(p),
    pkgid: p.pkgid,
  };
}

export async function renderPackage(item: ScannedPackage, opts: RenderOptions): Promise<RenderedPackage> {
  const rec = await readPackageRecord(item.path, {
    location: item.location,
    locationBase: opts.locationBase,
    checksumType: opts.checksumType,
    changelogLimit: opts.changelogLimit,
    ...(opts.transPre !== undefined ? { transPre: opts.transPre } : {}),
    stat: { size: item.size, mtime: item.mtime },
  });
  return renderRecord(rec);
}

/**
 * Work per extra thread. A worker costs ~50 ms of start-up (its own module loading) on another core,
 * and then runs cold (not yet optimised) code for its first thousand packages at 2-3 times the
 * per-package cost of this thread, which is warm by then: measured on 2 cores, a second thread lost
 * on 1,000 small packages and paid off only well beyond. Work is estimated as ~100 µs per package
 * (header parse + XML) plus hashing at ~1 GB/s.
 */
const WORK_PER_THREAD_MS = 300;

export function autoWorkers(items: ScannedPackage[]): number {
  const bytes = items.reduce((s, i) => s + i.size, 0);
  const ms = items.length * 0.1 + bytes / 1e6;
  // Cores other processes keep busy are no help: a thread there only competes with this one and its
  // compiler and collector threads (measured: 5,000 packages took 40% longer with a worker on a
  // loaded machine). The load average includes about one task of our own (this process, or the
  // script that runs publishes one after another), so only the load beyond that counts as taken.
  const idle = Math.max(1, Math.round(availableParallelism() - Math.max(0, loadavg()[0] - 1)));
  return Math.max(1, Math.min(idle, 1 + Math.floor(ms / WORK_PER_THREAD_MS)));
}

/**
 * Renders every item; `onResult` receives each (with its index) as soon as it is ready, in any order.
 * This thread is one of the `workers`: it renders batches itself while `workers - 1` threads start up
 * and take batches too, so a small repository never waits for a thread to boot.
 */
export async function renderPackages(
  items: ScannedPackage[],
  opts: RenderOptions,
  workers: number,
  onResult: (index: number, r: RenderedPackage) => void,
  /** Awaited between this thread's batches: backpressure from the consumer of the results. */
  between: () => Promise<void> = async () => {},
): Promise<void> {
  const jobs = Math.max(1, Math.min(workers, items.length));
  // Packages go out in batches: one message per package costs more than reading a small one.
  const batch = Math.max(1, Math.min(jobs === 1 ? 32 : 64, Math.floor(items.length / (jobs * 8))));
  let next = 0;
  let stopped = false;
  const take = (): [number, number] | undefined => {
    if (stopped || next >= items.length) return undefined;
    const first = next;
    next = Math.min(items.length, next + batch);
    return [first, next];
  };
  const here = async (): Promise<void> => {
    for (let r = take(); r; r = take()) {
      for (let i = r[0]; i < r[1]; i++) onResult(i, await renderPackage(items[i], opts));
      // Let worker results and the metadata writers in between batches, also when alone: the
      // compressors then work on the thread pool while this thread reads on, and written fragments
      // die young instead of piling up until the end.
      await new Promise((resolve) => setImmediate(resolve));
      await between();
    }
  };
  const thread = async (): Promise<void> => {
    // Loaded on demand: most publishes run on this thread alone.
    const { Worker } = await import('node:worker_threads');
    const w = new Worker(new URL('./render-worker.ts', import.meta.url), { workerData: opts });
    return new Promise<void>((resolve, reject) => {
      let outstanding = 0;
      const feed = (): void => {
        for (let r = outstanding < 2 ? take() : undefined; r; r = outstanding < 2 ? take() : undefined) {
          w.postMessage({ first: r[0], items: items.slice(r[0], r[1]) });
          outstanding++;
        }
        if (outstanding === 0) void w.terminate().then(() => resolve());
      };
      w.on('message', (m: { first: number; results?: RenderedPackage[]; error?: string }) => {
        outstanding--;
        if (m.error !== undefined) {
          stopped = true; // the first error wins
          void w.terminate();
          reject(new RenderError(m.error));
          return;
        }
        m.results!.forEach((r, k) => onResult(m.first + k, r));
        feed();
      });
      w.on('error', reject);
      feed();
    });
  };
  try {
    await Promise.all([here(), ...Array.from({ length: jobs - 1 }, thread)]);
  } catch (e) {
    stopped = true;
    throw e;
  }
}

/** A package a worker could not read; the message is already one line naming the file. */
export class RenderError extends Error {
  override name = 'RenderError';
}
