// Opening a repository the way dnf/librepo do, trusting nothing unverified: repomd.xml comes from
// the first mirror that serves one (checked against the metalink when there is one, and against
// repomd.xml.asc with repo_gpgcheck); every other file is checked against repomd.xml's size and
// checksum, and after decompression against its open-checksum. Remote metadata is cached per
// repository until metadata_expire; local repositories (plain paths, file://) are read in place.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decompressMetadata } from '../compression.ts';
import { type Checksum, type Repomd, type RepomdRecord, RepoFormatError } from '../model.ts';
import { parseRepomd } from '../repomd.ts';
import { Keyring, parseCerts, PgpError } from '../../rpm/openpgp/index.ts';
import { writeFileAtomic } from '../atomic-file.ts';
import { checkFile, isFresh, pruneDir, readState, repoCacheDir, safeLocation } from './cache.ts';
import { checksumHash, downloadFile, type Expected, fetchBytes, type FetchOptions, type FetchProgress, isLocal, localPath, verifyBytes } from './fetch.ts';
import { checkMetalink, looksLikeMetalink, type Metalink, metalinkBaseUrls, parseMetalink, parseMirrorlist } from './metalink.ts';
import type { RepoConfig } from './repo-file.ts';
import { verifyRepomdSignature } from './signature.ts';

export interface OpenOptions {
  cacheDir: string;
  /** Re-check repomd.xml now even if the cache has not expired. */
  refresh?: boolean;
  /** Trusted keys for repo_gpgcheck; by default the repository's gpgkey locations are loaded. */
  keyring?: Keyring;
  /** Current time, ms since the epoch (expiry decisions and signature validity). */
  now?: number;
  /** Records to fetch besides primary: filelists, other, updateinfo, group, modules… */
  want?: string[];
  onProgress?: (p: FetchProgress) => void;
  /** Transfer settings overriding the repository's timeout/retries (tests use short ones). */
  fetch?: Partial<Pick<FetchOptions, 'connectTimeoutMs' | 'idleTimeoutMs' | 'retries' | 'backoffMs' | 'maxBackoffMs' | 'signal'>>;
}

export interface OpenedRepository {
  config: RepoConfig;
  repomd: Repomd;
  /** Where repository files come from, best first (the mirror that served repomd.xml leads). */
  baseUrls: string[];
  /** Read in place from a local directory (nothing cached). */
  local: boolean;
  /** repomd.xml came from the cache without asking the network. */
  fromCache: boolean;
  /** This repository's cache directory (unused for local repositories). */
  cachePath: string;
  /** The record used for a type: the plain one, else a compressed variant, zchunk last. */
  record(type: string): RepomdRecord | undefined;
  /** Path of a record's verified file as stored (compressed); fetched on demand. */
  recordPath(type: string): Promise<string | undefined>;
  /** A record's verified, decompressed content; undefined when repomd.xml has no such record. */
  readRecord(type: string): Promise<Uint8Array | undefined>;
  /** Where a package (or any repository-relative file) is fetched from, on the best mirror. */
  packageUrl(location: string, locationBase?: string): string;
}

const REPOMD = 'repodata/repomd.xml';
const MAX_REPOMD = 16 * 1024 ** 2;
const MAX_SMALL = 4 * 1024 ** 2;

/** Picks the record for a type: rpm-md's plain record, then compressed variants; zchunk is a last resort. */
export function chooseRecord(repomd: Repomd, type: string): RepomdRecord | undefined {
  for (const t of [type, `${type}_gz`, `${type}_xz`, `${type}_zst`, `${type}_bz2`, `${type}_zck`]) {
    const r = repomd.records.find((x) => x.type === t);
    if (r) return r;
  }
  return undefined;
}

/** Base URLs end with "/" so relative locations resolve under them. */
const withSlash = (u: string): string => (u.endsWith('/') ? u : `${u}/`);

/** Percent-encodes each segment of a safe relative location for use in a URL. */
function encodeLocation(rel: string): string {
  return rel
    .split('/')
    .map((s) => s.replace(/[^A-Za-z0-9._~!$&'()*+,;=:@-]/g, (c) => encodeURIComponent(c)))
    .join('/');
}

/** The URL (or local path) of a relative location under a base. */
function resolveUnder(base: string, rel: string): string {
  if (isLocal(base)) return join(localPath(base), rel);
  return withSlash(base) + encodeLocation(rel);
}

function recordExpected(r: RepomdRecord): Expected {
  return { size: r.size, checksum: r.checksum };
}

const sha256 = (d: Uint8Array): string => createHash('sha256').update(d).digest('hex');

function fetchOpts(config: RepoConfig, opts: Pick<OpenOptions, 'onProgress' | 'fetch'>, what: string): FetchOptions {
  return {
    what,
    connectTimeoutMs: config.timeout * 1000,
    idleTimeoutMs: config.timeout * 1000,
    retries: config.retries,
    sslverify: config.sslverify,
    onProgress: opts.onProgress,
    ...opts.fetch,
  };
}

/** The mirrors to try, best first: baseurls, then what the metalink or mirrorlist names. */
async function resolveMirrors(config: RepoConfig, opts: OpenOptions): Promise<{ mirrors: string[]; metalink?: Metalink }> {
  const mirrors = [...config.baseurl];
  let metalink: Metalink | undefined;
  const list = config.metalink ?? config.mirrorlist;
  if (list) {
    const kind = config.metalink ? 'metalink' : 'mirrorlist';
    const what = `${config.id}: ${kind} ${list}`;
    const { data } = await fetchBytes(list, { ...fetchOpts(config, opts, what), maxSize: MAX_SMALL });
    const text = Buffer.from(data).toString('utf8');
    if (config.metalink || looksLikeMetalink(text)) {
      metalink = parseMetalink(text, what);
      mirrors.push(...metalinkBaseUrls(metalink));
    } else mirrors.push(...parseMirrorlist(text, config.vars));
    if (mirrors.length === 0) throw new RepoFormatError(`${what}: lists no usable mirror`);
  }
  return { mirrors: [...new Set(mirrors)], metalink };
}

/**
 * Keys for repo_gpgcheck: the caller's keyring, else the repository's gpgkey files/URLs (undefined
 * when `localOnly` and a key would have to be downloaded).
 */
async function loadKeys(config: RepoConfig, opts: OpenOptions, localOnly = false): Promise<Keyring | undefined> {
  if (opts.keyring) return opts.keyring;
  if (localOnly && !config.gpgkey.every(isLocal)) return undefined;
  if (!config.gpgkey.length) throw new RepoFormatError(`${config.id}: repo_gpgcheck is on but no gpgkey is configured`);
  const ring = new Keyring();
  for (const k of config.gpgkey) {
    const what = `${config.id}: gpgkey ${k}`;
    const { data } = await fetchBytes(k, { ...fetchOpts(config, opts, what), maxSize: MAX_SMALL });
    try {
      for (const c of parseCerts(data, k)) ring.add(c);
    } catch (e) {
      if (e instanceof PgpError) throw new RepoFormatError(`${what}: ${e.message}`);
      throw e;
    }
  }
  return ring;
}

/**
 * repo_gpgcheck. A repomd.xml from the cache was verified when fetched; it is checked again when that
 * needs no download (keys given or local), otherwise the cache's own record of it stands.
 */
async function checkSignature(config: RepoConfig, opts: OpenOptions, repomd: Uint8Array, asc: Uint8Array, what: string, cached: boolean): Promise<void> {
  const keys = await loadKeys(config, opts, cached);
  if (!keys) return;
  verifyRepomdSignature(repomd, Buffer.from(asc).toString('utf8'), keys, what, Math.floor((opts.now ?? Date.now()) / 1000));
}

/** Fetches the signature from the mirror that served repomd.xml (it must match those very bytes). */
async function fetchSignature(config: RepoConfig, opts: OpenOptions, repomdUrl: string): Promise<Uint8Array> {
  const url = `${repomdUrl}.asc`;
  const what = `${config.id}: ${REPOMD}.asc`;
  try {
    return (await fetchBytes(url, { ...fetchOpts(config, opts, what), maxSize: 1024 ** 2 })).data;
  } catch (e) {
    if (e instanceof Error && (e as { status?: number }).status === 404) {
      throw new RepoFormatError(`${what}: repo_gpgcheck is on but the repository has no signature (${url}: HTTP 404)`);
    }
    throw e;
  }
}

interface Loaded {
  repomdXml: Uint8Array;
  asc?: Uint8Array;
  mirrors: string[];
  fromCache: boolean;
}

/** repomd.xml from the cache while fresh (and intact), else from the first mirror that has a good one. */
async function loadRepomd(config: RepoConfig, opts: OpenOptions, dir: string, now: number): Promise<Loaded> {
  const state = opts.refresh ? undefined : await readState(dir);
  if (state && isFresh(state, config.metadataExpire, now)) {
    try {
      const repomdXml = new Uint8Array(await readFile(join(dir, 'repomd.xml')));
      if (sha256(repomdXml) === state.repomdSha256) {
        const asc = config.repoGpgcheck ? new Uint8Array(await readFile(join(dir, 'repomd.xml.asc'))) : undefined;
        return { repomdXml, asc, mirrors: state.mirrors, fromCache: true };
      }
    } catch {
      // A damaged or partial cache is simply refreshed.
    }
  }
  const { mirrors, metalink } = await resolveMirrors(config, opts);
  if (!mirrors.length) throw new RepoFormatError(`${config.id}: no baseurl, metalink or mirrorlist`);
  const what = `${config.id}: ${REPOMD}`;
  const { data, url } = await fetchBytes(
    mirrors.map((m) => resolveUnder(m, REPOMD)),
    {
      ...fetchOpts(config, opts, what),
      maxSize: MAX_REPOMD,
      // A mirror serving another version than the metalink vouches for is stale or hostile: next one.
      accept: metalink ? (d) => checkMetalink(d, metalink, what) : undefined,
    },
  );
  const asc = config.repoGpgcheck ? await fetchSignature(config, opts, url) : undefined;
  // The mirror that answered goes first for the records, which must match its repomd.xml.
  const served = mirrors[mirrors.map((m) => resolveUnder(m, REPOMD)).indexOf(url)];
  return { repomdXml: data, asc, mirrors: [served, ...mirrors.filter((m) => m !== served)], fromCache: false };
}

/** Opens a repository: verified repomd.xml plus the wanted records (primary always), cached. */
export async function openRepository(config: RepoConfig, opts: OpenOptions): Promise<OpenedRepository> {
  const now = opts.now ?? Date.now();
  // The id names a cache directory: only dnf's id characters, so it cannot climb out of cacheDir.
  if (!/^[A-Za-z0-9_.:-]+$/.test(config.id) || /^\.+$/.test(config.id)) throw new RepoFormatError(`repository id "${config.id}" is not valid`);
  const dir = repoCacheDir(opts.cacheDir, config);
  const sources = [...config.baseurl, config.metalink, config.mirrorlist].filter(Boolean);
  if (!sources.length) throw new RepoFormatError(`${config.id}: no baseurl, metalink or mirrorlist`);
  const local = !config.metalink && !config.mirrorlist && config.baseurl.every(isLocal);

  let loaded: Loaded;
  if (local) {
    const what = `${config.id}: ${REPOMD}`;
    const { data, url } = await fetchBytes(config.baseurl.map((b) => resolveUnder(b, REPOMD)), { what, maxSize: MAX_REPOMD });
    let asc: Uint8Array | undefined;
    if (config.repoGpgcheck) {
      try {
        asc = new Uint8Array(await readFile(`${url}.asc`));
      } catch {
        throw new RepoFormatError(`${what}.asc: repo_gpgcheck is on but the repository has no signature (${url}.asc)`);
      }
    }
    const served = config.baseurl[config.baseurl.map((b) => resolveUnder(b, REPOMD)).indexOf(url)];
    loaded = { repomdXml: data, asc, mirrors: [served, ...config.baseurl.filter((b) => b !== served)], fromCache: false };
  } else loaded = await loadRepomd(config, opts, dir, now);

  const repomdWhat = `${config.id}: ${REPOMD}`;
  if (config.repoGpgcheck) await checkSignature(config, opts, loaded.repomdXml, loaded.asc!, repomdWhat, loaded.fromCache);
  const repomd = parseRepomd(Buffer.from(loaded.repomdXml).toString('utf8'), repomdWhat);
  const mirrors = loaded.mirrors;

  const record = (type: string): RepomdRecord | undefined => chooseRecord(repomd, type);
  const rel = (r: RepomdRecord): string => safeLocation(r.location, `${config.id}: <data type="${r.type}">`);
  const sourcesOf = (r: RepomdRecord): string[] => {
    const l = rel(r);
    // xml:base points elsewhere on the network; only http(s) is followed (never a local path).
    if (r.locationBase !== undefined) {
      if (!/^https?:\/\//i.test(r.locationBase)) throw new RepoFormatError(`${config.id}: <data type="${r.type}">: xml:base "${r.locationBase}" is not an http(s) URL`);
      return [resolveUnder(r.locationBase, l)];
    }
    return mirrors.map((m) => resolveUnder(m, l));
  };

  /** A verified stored file for the record: in place for local repositories, else in the cache. */
  const ensure = async (r: RepomdRecord): Promise<string> => {
    const what = `${config.id}: ${r.location}`;
    const expected = recordExpected(r);
    if (local && r.locationBase === undefined) {
      const path = resolveUnder(mirrors[0], rel(r));
      const bad = await checkFile(path, expected, what);
      if (bad) throw new RepoFormatError(`${what}: ${bad}`);
      return path;
    }
    const path = join(dir, 'records', rel(r));
    if ((await checkFile(path, expected, what)) === undefined) return path;
    await downloadFile(sourcesOf(r), path, { ...fetchOpts(config, opts, what), expected });
    return path;
  };

  const wanted = ['primary', ...(opts.want ?? [])]
    .map((t) => {
      const r = record(t);
      if (!r && t === 'primary') throw new RepoFormatError(`${repomdWhat}: no primary record`);
      return r;
    })
    .filter((r): r is RepomdRecord => r !== undefined);
  const results = await Promise.allSettled(wanted.map(ensure));
  const failed = results.find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (failed) throw failed.reason;

  if (!local && !loaded.fromCache) {
    // Commit point: the records are in place, now the repomd.xml that names them, then the state.
    if (loaded.asc) await writeFileAtomic(join(dir, 'repomd.xml.asc'), loaded.asc);
    await writeFileAtomic(join(dir, 'repomd.xml'), loaded.repomdXml);
    await writeFileAtomic(
      join(dir, 'state.json'),
      `${JSON.stringify({ version: 1, fetchedAt: now, mirrors, repomdSha256: sha256(loaded.repomdXml) })}\n`,
    );
    await pruneDir(join(dir, 'records'), new Set(repomd.records.map(rel)));
  }

  const decompressed = async (r: RepomdRecord, path: string): Promise<Uint8Array> => {
    const what = `${config.id}: ${r.location}`;
    const raw = new Uint8Array(await readFile(path));
    // Re-verified on every read: the file may have changed since it was checked.
    verifyBytes(raw, recordExpected(r), what);
    const data = await decompressMetadata(raw, what, r.openSize);
    verifyOpen(data, r, what);
    return data;
  };

  return {
    config,
    repomd,
    baseUrls: mirrors,
    local,
    fromCache: loaded.fromCache,
    cachePath: dir,
    record,
    recordPath: async (type) => {
      const r = record(type);
      return r ? ensure(r) : undefined;
    },
    readRecord: async (type) => {
      const r = record(type);
      return r ? decompressed(r, await ensure(r)) : undefined;
    },
    packageUrl: (location, locationBase) => {
      const l = safeLocation(location, `${config.id}: package`);
      return resolveUnder(locationBase ?? mirrors[0], l);
    },
  };
}

/** The decompressed content against open-size and open-checksum. */
function verifyOpen(data: Uint8Array, r: RepomdRecord, what: string): void {
  if (r.openSize !== undefined && data.length !== r.openSize) {
    throw new RepoFormatError(`${what}: decompresses to ${data.length} bytes, open-size says ${r.openSize}`);
  }
  const c = r.openChecksum;
  if (c) {
    const got = checksumHash(c.type, what).update(data).digest('hex');
    if (got !== c.value) throw new RepoFormatError(`${what}: open-checksum mismatch (${c.type} ${got}, expected ${c.value})`);
  }
}

/**
 * A package file, verified: read in place from a local repository, else downloaded into the cache
 * (kept across runs, re-verified before reuse). Returns its path.
 */
export async function fetchPackage(
  opened: OpenedRepository,
  location: string,
  expected: { size?: number; checksum: Checksum },
  opts: { locationBase?: string; onProgress?: OpenOptions['onProgress']; fetch?: OpenOptions['fetch'] } = {},
): Promise<string> {
  const config = opened.config;
  const what = `${config.id}: ${location}`;
  const rel = safeLocation(location, what);
  if (opts.locationBase !== undefined && !/^https?:\/\//i.test(opts.locationBase)) {
    throw new RepoFormatError(`${what}: xml:base "${opts.locationBase}" is not an http(s) URL`);
  }
  if (opened.local && opts.locationBase === undefined) {
    const path = resolveUnder(opened.baseUrls[0], rel);
    const bad = await checkFile(path, expected, what);
    if (bad) throw new RepoFormatError(`${what}: ${bad}`);
    return path;
  }
  const path = join(opened.cachePath, 'packages', rel);
  if ((await checkFile(path, expected, what)) === undefined) return path;
  const urls = opts.locationBase !== undefined ? [resolveUnder(opts.locationBase, rel)] : opened.baseUrls.map((b) => resolveUnder(b, rel));
  await downloadFile(urls, path, { ...fetchOpts(config, opts, what), expected });
  return path;
}
