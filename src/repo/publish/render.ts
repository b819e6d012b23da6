// Reading packages and rendering their three XML fragments, on every core when there is enough
// work. A worker returns strings, not RepoPackage objects: structured-cloning three strings is much
// cheaper than cloning a file list object by object.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RepoPackage } from '../model.ts';
import { readPackageRecord } from '../record.ts';
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
  nevra: string;
}

export function renderRecord(p: RepoPackage): RenderedPackage {
  return {
    primary: primaryPackageXml(p),
    filelists: filelistsPackageXml(p),
    other: otherPackageXml(p),
    pkgid: p.pkgid,
    nevra: `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch}`,
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
 * Worker start-up costs tens of milliseconds (loading the modules again), which a thousand small
 * packages do not repay; threads start only when each would get this many bytes to hash and parse.
 */
const MIN_BYTES_PER_WORKER = 32 << 20;

export function autoWorkers(items: ScannedPackage[]): number {
  const total = items.reduce((s, i) => s + i.size, 0);
  return Math.max(1, Math.min(availableParallelism(), Math.floor(total / MIN_BYTES_PER_WORKER)));
}

/** Renders every item; `onResult` receives each (with its index) as soon as it is ready, in any order. */
export async function renderPackages(
  items: ScannedPackage[],
  opts: RenderOptions,
  workers: number,
  onResult: (index: number, r: RenderedPackage) => void,
): Promise<void> {
  const jobs = Math.min(workers, items.length);
  if (jobs <= 1) {
    // A few reads in flight overlap file I/O with parsing on this one thread.
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(4, items.length) }, async () => {
        while (next < items.length) {
          const i = next++;
          onResult(i, await renderPackage(items[i], opts));
        }
      }),
    );
    return;
  }
  // Packages go out in batches: one message per package costs more than reading a small one.
  const batch = Math.max(1, Math.min(128, Math.floor(items.length / (jobs * 8))));
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, () => {
      const w = new Worker(new URL('./render-worker.ts', import.meta.url), { workerData: opts });
      return new Promise<void>((resolve, reject) => {
        let outstanding = 0;
        const feed = (): void => {
          while (outstanding < 2 && next < items.length) {
            const first = next;
            next = Math.min(items.length, next + batch);
            w.postMessage({ first, items: items.slice(first, next) });
            outstanding++;
          }
          if (outstanding === 0) void w.terminate().then(() => resolve());
        };
        w.on('message', (m: { first: number; results?: RenderedPackage[]; error?: string }) => {
          outstanding--;
          if (m.error !== undefined) {
            next = items.length; // stop feeding; the first error wins
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
    }),
  );
}

/** A package a worker could not read; the message is already one line naming the file. */
export class RenderError extends Error {
  override name = 'RenderError';
}
