// Downloading repository files over HTTP(S) (or reading file:// URLs and plain paths) without
// trusting the network: bounded size, connect and idle timeouts, retries with exponential backoff
// and jitter for failures that may pass (network errors, 5xx, 408/429, a body shorter than its
// Content-Length), the next mirror for failures that will not (404, 403, wrong size or checksum),
// digests computed while the bytes stream, and nothing left at the destination unless it verified.

import { createHash, type Hash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Checksum } from '../model.ts';
import { RepoFormatError, oneLine } from '../model.ts';

/** A file could not be obtained from any of its URLs (one line: what, URL(s), reason). */
export class RepoFetchError extends Error {
  override name = 'RepoFetchError';
  /** HTTP status of the last failure, when there was one (404 means "not there"). */
  status?: number;
  constructor(message: string, status?: number) {
    super(oneLine(message));
    this.status = status;
  }
}

export interface Expected {
  size?: number;
  checksum?: Checksum;
}

export interface FetchProgress {
  what: string;
  url: string;
  received: number;
  total?: number;
}

export interface FetchOptions {
  /** Names the file in messages, e.g. "fedora: repodata/repomd.xml". */
  what?: string;
  expected?: Expected;
  /** Refuse anything larger (default 1 GiB, or the expected size). */
  maxSize?: number;
  connectTimeoutMs?: number;
  /** No bytes for this long (while waiting for headers or body) abandons the attempt. */
  idleTimeoutMs?: number;
  /** Further attempts at one mirror after a failure that may pass. */
  retries?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Verify TLS certificates (dnf's sslverify). */
  sslverify?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: FetchProgress) => void;
}

const DEFAULTS = {
  maxSize: 1024 ** 3,
  connectTimeoutMs: 30_000,
  idleTimeoutMs: 30_000,
  retries: 3,
  backoffMs: 250,
  maxBackoffMs: 10_000,
};
const MAX_REDIRECTS = 10;
const USER_AGENT = 'strata (rpm-md reader)';

/** rpm-md digest names to node:crypto ones ("sha" is yum's old name for SHA-1). */
export function checksumHash(type: string, what: string): Hash {
  const t = type.toLowerCase();
  const name = t === 'sha' ? 'sha1' : t;
  if (!['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'].includes(name)) {
    throw new RepoFormatError(`${what}: unknown checksum type "${type}"`);
  }
  return createHash(name);
}

/** Checks size and digest of data; throws RepoFormatError naming what differs. */
export function verifyBytes(data: Uint8Array, expected: Expected, what: string): void {
  if (expected.size !== undefined && data.length !== expected.size) {
    throw new RepoFormatError(`${what}: size is ${data.length} bytes, expected ${expected.size}`);
  }
  if (expected.checksum) {
    const got = checksumHash(expected.checksum.type, what).update(data).digest('hex');
    if (got !== expected.checksum.value.toLowerCase()) {
      throw new RepoFormatError(`${what}: ${expected.checksum.type} checksum mismatch (got ${got}, expected ${expected.checksum.value})`);
    }
  }
}

/** Why an attempt failed, and whether trying the same URL again may help. */
class AttemptError extends Error {
  retry: boolean;
  status?: number;
  constructor(message: string, retry: boolean, status?: number) {
    super(message);
    this.retry = retry;
    this.status = status;
  }
}

interface Sink {
  reset(): Promise<void>;
  write(chunk: Uint8Array): Promise<void>;
  /** Last check of a complete, verified body; throwing rejects this mirror's copy. */
  finish?(): void;
}

const hasScheme = (s: string): boolean => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) && !/^[A-Za-z]:\\/.test(s);

/** True for file:// URLs and plain paths (read in place rather than downloaded). */
export function isLocal(url: string): boolean {
  return !hasScheme(url) || url.startsWith('file:');
}

/** The filesystem path of a local location (file:// URL or plain path). */
export function localPath(url: string): string {
  return url.startsWith('file:') ? fileURLToPath(url) : url;
}

/** Safe for messages: no credentials. */
function redact(url: string): string {
  return url.replace(/^([a-z]+:\/\/)[^/@]*@/i, '$1');
}

const RETRY_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED']);

interface Transfer {
  url: string;
  what: string;
  limit: number;
  expectedSize?: number;
  opts: FetchOptions;
  sink: Sink;
  digest?: Hash;
}

/** Streams chunks into the sink and digest, enforcing the size limit as bytes arrive. */
async function pump(t: Transfer, body: AsyncIterable<Buffer>, total?: number): Promise<number> {
  let received = 0;
  try {
    for await (const chunk of body) {
      received += chunk.length;
      if (received > t.limit) {
        const over = t.expectedSize !== undefined && received > t.expectedSize;
        throw new AttemptError(over ? `larger than the expected ${t.expectedSize} bytes` : `larger than ${t.limit} bytes`, false);
      }
      t.digest?.update(chunk);
      await t.sink.write(chunk);
      t.opts.onProgress?.({ what: t.what, url: t.url, received, total });
    }
  } catch (e) {
    if (e instanceof AttemptError) throw e;
    // The body stream failed (connection reset or closed early, idle timeout): worth another try.
    const why = (e as Error).message;
    throw new AttemptError(total !== undefined ? `truncated: ${received} of ${total} bytes (${why})` : `interrupted after ${received} bytes (${why})`, true);
  }
  return received;
}

async function attemptLocal(t: Transfer): Promise<number> {
  const path = localPath(t.url);
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new AttemptError('not a regular file', false);
    size = st.size;
  } catch (e) {
    if (e instanceof AttemptError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new AttemptError(err.code === 'ENOENT' ? 'not found' : err.message.replace(/^[A-Z]+: /, ''), false, err.code === 'ENOENT' ? 404 : undefined);
  }
  if (size > t.limit) throw new AttemptError(`${size} bytes, more than ${t.limit}`, false);
  return pump(t, createReadStream(path), size);
}

/** One HTTP(S) GET, following redirects; rejects with AttemptError. */
function attemptHttp(t: Transfer, url: URL, hops = 0): Promise<number> {
  const o = t.opts;
  return new Promise<number>((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.get(url, {
      headers: { 'user-agent': USER_AGENT, 'accept-encoding': 'identity' },
      rejectUnauthorized: o.sslverify !== false,
    });
    let settled = false;
    const fail = (e: AttemptError): void => {
      if (settled) return;
      settled = true;
      reject(e);
      req.destroy();
    };
    const connectTimer = setTimeout(
      () => fail(new AttemptError(`no connection within ${o.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs} ms`, true)),
      o.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    );
    const onAbort = (): void => fail(new AttemptError('aborted', false));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = (): void => {
      clearTimeout(connectTimer);
      o.signal?.removeEventListener('abort', onAbort);
    };
    req.on('socket', (s) => {
      if (!s.connecting) clearTimeout(connectTimer);
      else s.once('connect', () => clearTimeout(connectTimer));
    });
    // Socket inactivity: covers a server that accepts but never answers, and one that stalls mid-body.
    const idle = o.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs;
    req.setTimeout(idle, () => fail(new AttemptError(`no data for ${idle} ms`, true)));
    req.on('error', (e: NodeJS.ErrnoException) => {
      cleanup();
      const tls = e.code?.startsWith('ERR_TLS') || /certificate|SSL/i.test(e.message);
      fail(new AttemptError(e.message, !tls && (RETRY_CODES.has(e.code ?? '') || !e.code)));
    });
    req.on('response', (res) => {
      clearTimeout(connectTimer);
      // Errors after we give up on a response (destroyed mid-body) must not go unhandled; the body
      // iterator in pump() sees them on its own.
      res.on('error', () => {});
      const status = res.statusCode ?? 0;
      const drop = (e: AttemptError): void => {
        res.resume();
        cleanup();
        fail(e);
      };
      if (status >= 300 && status < 400 && status !== 304 && res.headers.location) {
        res.resume();
        if (hops >= MAX_REDIRECTS) return drop(new AttemptError('too many redirects', false, status));
        let next: URL;
        try {
          next = new URL(res.headers.location, url);
        } catch {
          return drop(new AttemptError(`bad redirect to "${res.headers.location}"`, false, status));
        }
        // Never from TLS to plain text, and never to anything but http(s) (no file:// via a server).
        if ((url.protocol === 'https:' && next.protocol !== 'https:') || !['http:', 'https:'].includes(next.protocol)) {
          return drop(new AttemptError(`refusing redirect to ${redact(next.href)}`, false, status));
        }
        cleanup();
        settled = true;
        attemptHttp(t, next, hops + 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        const retry = status >= 500 || status === 408 || status === 429;
        return drop(new AttemptError(`HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`, retry, status));
      }
      const cl = res.headers['content-length'];
      const total = cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : undefined;
      if (total !== undefined && total > t.limit) {
        return drop(new AttemptError(t.expectedSize !== undefined ? `server says ${total} bytes, expected ${t.expectedSize}` : `${total} bytes, more than ${t.limit}`, false));
      }
      pump(t, res, total).then(
        (received) => {
          cleanup();
          if (total !== undefined && received !== total) {
            fail(new AttemptError(`truncated: ${received} of ${total} bytes`, true));
          } else if (!res.complete) {
            fail(new AttemptError(`connection closed after ${received} bytes`, true));
          } else if (!settled) {
            settled = true;
            resolve(received);
          }
        },
        (e: unknown) => {
          cleanup();
          fail(e instanceof AttemptError ? e : new AttemptError((e as Error).message, true));
        },
      );
    });
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RepoFetchError('aborted'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new RepoFetchError('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Tries each URL in order: transient failures are retried on the same URL with exponential backoff
 * and full jitter, other failures move to the next URL. The sink is reset before every attempt.
 */
async function fetchInto(urls: string[], sink: Sink, opts: FetchOptions): Promise<{ url: string; size: number }> {
  const what = opts.what ?? urls[0] ?? 'download';
  if (!urls.length) throw new RepoFetchError(`${what}: no URL to fetch from`);
  const expected = opts.expected ?? {};
  const limit = expected.size ?? opts.maxSize ?? DEFAULTS.maxSize;
  const retries = opts.retries ?? DEFAULTS.retries;
  const failures: string[] = [];
  let lastStatus: number | undefined;
  for (const url of urls) {
    for (let attempt = 0; ; attempt++) {
      if (opts.signal?.aborted) throw new RepoFetchError(`${what}: aborted`);
      const digest = expected.checksum ? checksumHash(expected.checksum.type, what) : undefined;
      const t: Transfer = { url, what, limit, expectedSize: expected.size, opts, sink, digest };
      try {
        await sink.reset();
        let size: number;
        if (isLocal(url)) size = await attemptLocal(t);
        else {
          let u: URL;
          try {
            u = new URL(url);
          } catch {
            throw new AttemptError('not a valid URL', false);
          }
          if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AttemptError(`unsupported protocol ${u.protocol}`, false);
          size = await attemptHttp(t, u);
        }
        if (expected.size !== undefined && size !== expected.size) {
          throw new AttemptError(`size is ${size} bytes, expected ${expected.size}`, false);
        }
        if (digest && expected.checksum) {
          const got = digest.digest('hex');
          if (got !== expected.checksum.value.toLowerCase()) {
            throw new AttemptError(`${expected.checksum.type} checksum mismatch (got ${got}, expected ${expected.checksum.value})`, false);
          }
        }
        if (sink.finish) {
          try {
            sink.finish();
          } catch (e) {
            throw new AttemptError((e as Error).message, false);
          }
        }
        return { url, size };
      } catch (e) {
        if (!(e instanceof AttemptError)) throw e;
        lastStatus = e.status;
        if (e.retry && attempt < retries) {
          const cap = Math.min(opts.maxBackoffMs ?? DEFAULTS.maxBackoffMs, (opts.backoffMs ?? DEFAULTS.backoffMs) * 2 ** attempt);
          await sleep(cap / 2 + Math.random() * (cap / 2), opts.signal);
          continue;
        }
        failures.push(`${redact(url)}: ${e.message}${e.retry ? ` (after ${attempt + 1} attempts)` : ''}`);
        break;
      }
    }
  }
  const shown = failures.slice(0, 3).join('; ') + (failures.length > 3 ? `; and ${failures.length - 3} more mirrors` : '');
  throw new RepoFetchError(`${what}: ${urls.length > 1 ? `all ${urls.length} mirrors failed: ` : ''}${shown}`, lastStatus);
}

export interface FetchBytesOptions extends FetchOptions {
  /**
   * Judges a complete copy (e.g. repomd.xml against a metalink); throwing moves on to the next
   * mirror, and the message is reported as that mirror's failure.
   */
  accept?: (data: Uint8Array) => void;
}

/** Fetches a (small, default ≤ 64 MiB) file into memory, verified against `expected` when given. */
export async function fetchBytes(urls: string | string[], opts: FetchBytesOptions = {}): Promise<{ data: Uint8Array; url: string }> {
  let chunks: Uint8Array[] = [];
  let data = new Uint8Array(0);
  const sink: Sink = {
    reset: async () => {
      chunks = [];
    },
    write: async (c) => {
      chunks.push(c);
    },
    finish: () => {
      data = new Uint8Array(Buffer.concat(chunks));
      opts.accept?.(data);
    },
  };
  const { url } = await fetchInto(typeof urls === 'string' ? [urls] : urls, sink, { maxSize: 64 * 1024 ** 2, ...opts });
  return { data, url };
}

/**
 * Downloads to `dest` through a temporary file in the same directory (fsynced, renamed only once size
 * and checksum verified), so `dest` is either absent, as it was, or complete and verified.
 */
export async function downloadFile(urls: string | string[], dest: string, opts: FetchOptions = {}): Promise<{ url: string; size: number }> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = join(dirname(dest), `.${basename(dest)}.${randomBytes(6).toString('hex')}.part`);
  const fh: FileHandle = await open(tmp, 'w+', 0o644);
  // Explicit positions: after a retry truncates the file, writing must start again at 0.
  let pos = 0;
  const sink: Sink = {
    reset: async () => {
      await fh.truncate(0);
      pos = 0;
    },
    write: async (c) => {
      await fh.write(c, 0, c.length, pos);
      pos += c.length;
    },
  };
  let done = false;
  try {
    const r = await fetchInto(typeof urls === 'string' ? [urls] : urls, sink, opts);
    await fh.sync();
    await fh.close();
    await rename(tmp, dest);
    done = true;
    return r;
  } finally {
    if (!done) {
      await fh.close().catch(() => {});
      await rm(tmp, { force: true });
    }
  }
}
