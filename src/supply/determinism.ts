// What makes supply-chain documents reproducible: the time comes from SOURCE_DATE_EPOCH (the
// reproducible-builds.org convention), identifiers are derived from content, JSON is written in one order.
import { createHash } from 'node:crypto';
import { SupplyError } from './errors.ts';

/**
 * SOURCE_DATE_EPOCH (decimal seconds) as a Date, else `fallback()` (default: now). A malformed value
 * is an error, not silently "now", since it would quietly break reproducibility.
 */
export function sbomTimestamp(env: NodeJS.ProcessEnv = process.env, fallback: () => Date = () => new Date()): Date {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return fallback();
  if (!/^\d{1,12}$/.test(raw)) throw new SupplyError(`SOURCE_DATE_EPOCH ${JSON.stringify(raw)}: must be a number of seconds since 1970`);
  return new Date(Number(raw) * 1000);
}

/** RFC 3339 UTC without fractional seconds (SPDX's `created` format, fine for in-toto too). */
export function isoSeconds(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new SupplyError('timestamp: invalid date');
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// RFC 9562's URL namespace; Strata's names are `urn:strata:<what>:<content digest>` URNs.
const URL_NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

/** RFC 9562 version-5 UUID of `name` (SHA-1 based, the name-based kind CycloneDX's serialNumber pattern allows). */
export function uuidV5(name: string, namespace: Uint8Array = URL_NAMESPACE): string {
  const h = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
