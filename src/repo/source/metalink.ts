// Mirror lists. A metalink (MirrorManager's metalink 3.0) lists mirrors of repomd.xml with a
// preference each, and the size and digests repomd.xml must have: the current one and recent
// alternates (mirrors lag behind). A plain mirrorlist is one base URL per line. Either way the
// mirrors themselves are untrusted; the metalink's digests are what make repomd.xml trustworthy when
// it is not signed.

import { SaxesParser } from 'saxes';
import { type Checksum, RepoFormatError } from '../model.ts';
import { substituteVars } from './repo-file.ts';
import { checksumHash } from './fetch.ts';

export interface MetalinkUrl {
  url: string;
  /** http, https, ftp, rsync… (from the protocol/type attribute, else the URL's scheme). */
  protocol: string;
  /** 0..100, higher first. */
  preference: number;
  location?: string;
}

/** One acceptable version of the file: its size and digests. */
export interface MetalinkVersion {
  size?: number;
  timestamp?: number;
  hashes: Checksum[];
}

export interface Metalink {
  /** The current version first, then the alternates. */
  versions: MetalinkVersion[];
  urls: MetalinkUrl[];
}

const local = (name: string): string => name.slice(name.indexOf(':') + 1);

// Digest names as metalink writes them (v3 "sha256", v4 "sha-256") to rpm-md's.
const hashName = (t: string): string => t.toLowerCase().replace(/^sha-/, 'sha');

const KNOWN_HASHES = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);

/** Parses a metalink document and returns what it says about `fileName` (repomd.xml). */
export function parseMetalink(xml: string, what: string, fileName = 'repomd.xml'): Metalink {
  const parser = new SaxesParser({ xmlns: false });
  const stack: string[] = [];
  let inFile = false;
  let found = false;
  let text = '';
  let cur: MetalinkVersion | undefined;
  let url: Omit<MetalinkUrl, 'url'> | undefined;
  let hashType: string | undefined;
  const out: Metalink = { versions: [], urls: [] };
  let error: Error | undefined;
  parser.on('error', (e) => {
    error ??= e;
  });
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    const attrs = tag.attributes as Record<string, string>;
    stack.push(name);
    text = '';
    if (name === 'file' && stack.length === 3 && stack[1] === 'files') {
      inFile = attrs.name === fileName;
      if (inFile) {
        found = true;
        cur = { hashes: [] };
        out.versions.push(cur);
      }
    } else if (!inFile) return;
    else if (name === 'alternate') {
      cur = { hashes: [] };
      out.versions.push(cur);
    } else if (name === 'hash') hashType = attrs.type;
    else if (name === 'url') {
      const pref = Number(attrs.preference ?? '100');
      url = {
        protocol: (attrs.protocol ?? attrs.type ?? '').toLowerCase(),
        preference: Number.isFinite(pref) ? pref : 0,
        location: attrs.location,
      };
    }
  });
  parser.on('text', (t) => {
    text += t;
  });
  parser.on('closetag', (tag) => {
    const name = local(tag.name);
    stack.pop();
    if (!inFile) return;
    const value = text.trim();
    text = '';
    if (name === 'file') inFile = false;
    else if (name === 'alternate') cur = out.versions[0];
    else if (name === 'size' && cur) {
      if (!/^\d+$/.test(value)) error ??= new Error(`<size> "${value}" is not a number`);
      cur.size = Number(value);
    } else if (name === 'timestamp' && cur && /^\d+$/.test(value)) cur.timestamp = Number(value);
    else if (name === 'hash' && cur && hashType) {
      const type = hashName(hashType);
      // Unknown digest kinds are skipped, as librepo does; known ones must look like hex.
      if (KNOWN_HASHES.has(type)) {
        if (!/^[0-9a-fA-F]+$/.test(value)) error ??= new Error(`<hash type="${hashType}"> is not hex`);
        cur.hashes.push({ type, value: value.toLowerCase() });
      }
      hashType = undefined;
    } else if (name === 'url' && url) {
      if (value) {
        const protocol = url.protocol || value.slice(0, Math.max(0, value.indexOf(':'))).toLowerCase();
        out.urls.push({ ...url, protocol, url: value });
      }
      url = undefined;
    }
  });
  try {
    parser.write(xml).close();
  } catch (e) {
    error ??= e as Error;
  }
  if (error) throw new RepoFormatError(`${what}: not a valid metalink: ${error.message.split('\n')[0]}`);
  if (!found) throw new RepoFormatError(`${what}: metalink has no <file name="${fileName}">`);
  if (!out.versions.some((v) => v.hashes.length)) throw new RepoFormatError(`${what}: metalink gives no usable hash for ${fileName}`);
  return out;
}

/**
 * Repository base URLs from a metalink, best first: http(s) and file only, by preference (stable
 * for ties), with the trailing repodata/repomd.xml removed.
 */
export function metalinkBaseUrls(m: Metalink): string[] {
  const usable = m.urls.filter((u) => ['http', 'https', 'file'].includes(u.protocol) && /^(https?|file):/i.test(u.url));
  const sorted = usable.map((u, i) => ({ u, i })).sort((a, b) => b.u.preference - a.u.preference || a.i - b.i);
  const bases = sorted.map(({ u }) => u.url.replace(/repodata\/repomd\.xml$/, ''));
  return [...new Set(bases)];
}

/** Checks repomd.xml bytes against the metalink: they must match one listed version in full. */
export function checkMetalink(data: Uint8Array, m: Metalink, what: string): void {
  const cache = new Map<string, string>();
  const digest = (type: string): string => {
    let d = cache.get(type);
    if (d === undefined) cache.set(type, (d = checksumHash(type, what).update(data).digest('hex')));
    return d;
  };
  const matches = (v: MetalinkVersion): boolean =>
    v.hashes.length > 0 && (v.size === undefined || v.size === data.length) && v.hashes.every((h) => digest(h.type) === h.value);
  if (m.versions.some(matches)) return;
  const v = m.versions[0];
  const strongest = ['sha512', 'sha384', 'sha256', 'sha224', 'sha1', 'md5'].map((t) => v.hashes.find((h) => h.type === t)).find(Boolean);
  const detail =
    v.size !== undefined && v.size !== data.length
      ? `size ${data.length}, metalink says ${v.size}`
      : strongest
        ? `${strongest.type} ${digest(strongest.type)}, metalink says ${strongest.value}`
        : 'no matching hash';
  throw new RepoFormatError(`${what}: does not match the metalink (${detail}${m.versions.length > 1 ? ` or its ${m.versions.length - 1} alternates` : ''})`);
}

/** A plain mirrorlist: one base URL per line, `#` comments; variables substituted as librepo does. */
export function parseMirrorlist(text: string, vars: Record<string, string> = {}): string[] {
  const urls: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const url = substituteVars(line, vars);
    if (/^(https?|file):\/\//i.test(url) && !urls.includes(url)) urls.push(url);
  }
  return urls;
}

/** MirrorManager answers a mirrorlist URL with a metalink when asked with ?metalink: detect it. */
export function looksLikeMetalink(text: string): boolean {
  return /<metalink[\s>]/.test(text.slice(0, 4096));
}
