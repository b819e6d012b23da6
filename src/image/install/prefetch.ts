// Parallel payload decoding with installation order preserved: packages are decoded ahead of the
// installer by a pool of worker threads (decompression, cpio splitting and file digests are
// CPU-bound), while the installer consumes them strictly in transaction order. Decoded payloads
// wait in memory, bounded by a byte budget (one package is always allowed, however large).

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type DecodeRequest, type DecodedPayload, decodePackage } from './decode.ts';

export interface PrefetchItem extends DecodeRequest {
  /** Decoded size (sum of file sizes), for the memory budget. */
  size: number;
}

export interface PrefetchOptions {
  /** Worker threads; 0 decodes in this thread, one package at a time. Default: available cores. */
  jobs?: number;
  /** Bytes of decoded payload held ahead of the installer. Default 256 MiB. */
  budget?: number;
}

interface Slot {
  promise: Promise<DecodedPayload>;
  resolve: (p: DecodedPayload) => void;
  reject: (e: Error) => void;
  started: boolean;
  released: boolean;
}

export class PayloadPrefetcher {
  private readonly items: readonly PrefetchItem[];
  private readonly slots: Slot[];
  private readonly budget: number;
  private readonly idle: Worker[] = [];
  private readonly workers: Worker[] = [];
  private readonly inline: boolean;
  private next = 0;
  private held = 0;
  private closed = false;

  constructor(items: readonly PrefetchItem[], opts: PrefetchOptions = {}) {
    this.items = items;
    this.budget = opts.budget ?? 256 << 20;
    const jobs = Math.min(opts.jobs ?? availableParallelism(), items.length);
    this.inline = jobs <= 0;
    this.slots = items.map(() => {
      let resolve!: (p: DecodedPayload) => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<DecodedPayload>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // A package decoded ahead but never asked for (the transaction failed earlier) is not an error.
      promise.catch(() => {});
      return { promise, resolve, reject, started: false, released: false };
    });
    for (let i = 0; i < jobs; i++) {
      const w = new Worker(new URL('./decode-worker.ts', import.meta.url));
      w.on('message', (m: { id: number; data?: Uint8Array; entries?: Int32Array; error?: string }) => this.done(w, m));
      w.on('error', (e) => this.fail(e));
      this.workers.push(w);
      this.idle.push(w);
    }
    this.pump();
  }

  /** The decoded payload of item `i` (call in order; release it once written). */
  get(i: number): Promise<DecodedPayload> {
    if (this.inline && !this.slots[i].started) this.startInline(i);
    return this.slots[i].promise;
  }

  /** The installer is done with item `i`: its memory no longer counts. */
  release(i: number): void {
    const s = this.slots[i];
    if (s.released || !s.started) return;
    s.released = true;
    this.held -= this.items[i].size;
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private startInline(i: number): void {
    const s = this.slots[i];
    s.started = true;
    this.held += this.items[i].size;
    decodePackage(this.items[i]).then(s.resolve, s.reject);
  }

  private pump(): void {
    if (this.inline || this.closed) return;
    while (this.idle.length && this.next < this.items.length) {
      const size = this.items[this.next].size;
      // Always allow one package in memory, however large; otherwise stay within the budget.
      if (this.held > 0 && this.held + size > this.budget) break;
      const i = this.next++;
      const w = this.idle.pop()!;
      this.slots[i].started = true;
      this.held += size;
      const { size: _size, ...req } = this.items[i];
      w.postMessage({ id: i, req });
    }
  }

  private done(w: Worker, m: { id: number; data?: Uint8Array; entries?: Int32Array; error?: string }): void {
    this.idle.push(w);
    const s = this.slots[m.id];
    if (m.error !== undefined) s.reject(new Error(m.error));
    else s.resolve({ data: m.data!, entries: m.entries! });
    this.pump();
  }

  private fail(e: Error): void {
    for (const s of this.slots) if (s.started) s.reject(e);
  }
}

/** Index file index → [offset, length] of a decoded payload. */
export function payloadIndex(p: DecodedPayload): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const e = p.entries;
  for (let k = 0; k + 2 < e.length; k += 3) out.set(e[k], p.data.subarray(e[k + 1], e[k + 1] + e[k + 2]));
  return out;
}
