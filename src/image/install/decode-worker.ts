// Worker thread for prefetch.ts: decodes the packages it is sent (decode.ts) and hands the file
// contents back without copying (the buffer is transferred).
import { parentPort } from 'node:worker_threads';
import { type DecodeRequest, decodePackage } from './decode.ts';

parentPort!.on('message', async ({ id, req }: { id: number; req: DecodeRequest }) => {
  try {
    const out = await decodePackage(req);
    const entries = out.entries instanceof Int32Array ? out.entries : Int32Array.from(out.entries);
    parentPort!.postMessage({ id, data: out.data, entries }, [out.data.buffer as ArrayBuffer, entries.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id, error: (e as Error).message });
  }
});
