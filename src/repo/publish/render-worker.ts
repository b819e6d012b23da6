// Worker thread for render.ts: reads the batches of packages it is sent and returns their XML fragments.
import { parentPort, workerData } from 'node:worker_threads';
import { type RenderedPackage, type RenderOptions, renderPackage } from './render.ts';
import type { ScannedPackage } from './scan.ts';

const opts = workerData as RenderOptions;
parentPort!.on('message', async ({ first, items }: { first: number; items: ScannedPackage[] }) => {
  const results: RenderedPackage[] = [];
  try {
    for (const item of items) results.push(await renderPackage(item, opts));
    parentPort!.postMessage({ first, results });
  } catch (e) {
    parentPort!.postMessage({ first, error: (e as Error).message });
  }
});
