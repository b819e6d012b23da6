// A file server for download tests, on 127.0.0.1 at a random port, that misbehaves on demand per
// path: delays, 5xx or 404 answers, bodies cut short of their Content-Length, flipped bytes,
// redirects. Every request is counted per path so tests can tell a cache hit from a download.

import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, normalize } from 'node:path';

export interface Fault {
  /** Answer with this status instead of the file. */
  status?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Send only this many bytes of the body (with the full Content-Length), then close. */
  truncateTo?: number;
  /** Flip a byte of the body (same length). */
  corrupt?: boolean;
  /** Serve this instead of the file. */
  body?: Uint8Array | string;
  /** Redirect (302) to this URL. */
  redirect?: string;
  /** Apply to this many requests, then behave (default: every request). */
  times?: number;
}

export interface TestServer {
  /** http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  /** Adds a fault for a path ("/repodata/repomd.xml"); several queue up in order. */
  fault(path: string, fault: Fault): void;
  clearFaults(): void;
  /** Requests seen for a path (every request, faulty or not). */
  count(path: string): number;
  resetCounts(): void;
  close(): Promise<void>;
}

/** Serves `root` (GET only) until closed. */
export async function startServer(root: string): Promise<TestServer> {
  const faults = new Map<string, Fault[]>();
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const takeFault = (path: string): Fault | undefined => {
    const list = faults.get(path);
    const f = list?.[0];
    if (!f) return undefined;
    if (f.times !== undefined && --f.times <= 0) list!.shift();
    return f;
  };

  async function answer(req: IncomingMessage, res: ServerResponse, path: string, f: Fault | undefined): Promise<void> {
    if (f?.redirect) {
      res.writeHead(302, { location: f.redirect, 'content-length': 0 }).end();
      return;
    }
    if (f?.status) {
      res.writeHead(f.status, { 'content-type': 'text/plain' }).end(`status ${f.status}\n`);
      return;
    }
    let body: Buffer;
    if (f?.body !== undefined) body = Buffer.from(f.body);
    else {
      // Only files under root: the request path is normalised and may not climb out.
      const rel = normalize(decodeURIComponent(path)).replace(/^(\.\.(\/|$))+/, '');
      try {
        body = await readFile(join(root, rel));
      } catch {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
    }
    if (f?.corrupt && body.length) {
      body = Buffer.from(body);
      body[body.length >> 1] ^= 0x01;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    if (f?.truncateTo !== undefined) {
      res.write(body.subarray(0, f.truncateTo), () => req.socket.destroy());
      return;
    }
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const f = takeFault(path);
    const go = (): void => {
      if (res.destroyed || req.socket.destroyed) return;
      answer(req, res, path, f).catch(() => req.socket.destroy());
    };
    if (f?.delayMs) {
      const t = setTimeout(() => {
        timers.delete(t);
        go();
      }, f.delayMs);
      timers.add(t);
    } else go();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    fault(path, fault) {
      const list = faults.get(path) ?? [];
      list.push({ ...fault });
      faults.set(path, list);
    },
    clearFaults: () => faults.clear(),
    count: (path) => counts.get(path) ?? 0,
    resetCounts: () => counts.clear(),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
