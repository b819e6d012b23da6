// Loading repositories for queries: open (fetch + verify) each one, then parse what it holds into the
// repository model. Every standard record is fetched and checked against repomd.xml — like
// `dnf makecache` — so a damaged file anywhere in the repository is refused, not silently skipped.

import { homedir } from 'node:os';
import { join } from 'node:path';
import { env } from 'node:process';
import { parseComps } from './comps.ts';
import { type RepoMetadata, type RepoPackage, RepoFormatError } from './model.ts';
import { type OpenOptions, type OpenedRepository, fetchPackage, openRepository } from './source/open.ts';
import { type RepoConfig, readRepoFile, repoConfigFromLocation } from './source/repo-file.ts';
import { parseUpdateinfo } from './updateinfo.ts';
import { mergeFilelists, mergeOther, parsePrimary } from './xml-read/index.ts';

/** Optional records a repository may have; fetched and verified whenever listed in repomd.xml. */
const STANDARD_RECORDS = ['filelists', 'other', 'updateinfo', 'group'];

export interface LoadedRepository {
  id: string;
  opened: OpenedRepository;
  metadata: RepoMetadata;
}

/** Where fetched metadata is cached: $STRATA_CACHE_DIR, else $XDG_CACHE_HOME/strata/repos, else ~/.cache. */
export function defaultCacheDir(): string {
  if (env.STRATA_CACHE_DIR) return env.STRATA_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'strata', 'repos');
}

/**
 * Security by default: repomd.xml must be signature-checked, or come from an https metalink that
 * pins its hashes (how Fedora's repositories are trusted). `noGpgCheck` (the user's explicit opt-out)
 * turns both checks off; `keyFiles` given with `enforce` turns both on. Returns the first repository
 * that would still be read unverified, for the caller to refuse in its own words.
 */
export function applyTrustPolicy(configs: RepoConfig[], opts: { keyFiles: readonly string[]; noGpgCheck?: boolean; enforce?: boolean }): RepoConfig | undefined {
  for (const c of configs) {
    if (opts.noGpgCheck) {
      c.repoGpgcheck = false;
      c.gpgcheck = false;
      continue;
    }
    if (opts.enforce && opts.keyFiles.length) {
      c.repoGpgcheck = true;
      c.gpgcheck = true;
    }
    const signed = opts.keyFiles.length > 0 || (c.repoGpgcheck && c.gpgkey.length > 0);
    const pinned = c.metalink !== undefined && /^https:\/\//i.test(c.metalink);
    if (!signed && !pinned) return c;
  }
  return undefined;
}

export interface RepoSelection {
  /** Directories or URLs (like dnf --repofrompath). */
  locations?: string[];
  /** .repo files; only enabled repositories are used. */
  repoFiles?: string[];
  vars?: Record<string, string>;
  /** Key files: turn on repo_gpgcheck and gpgcheck for every repository, trusting these keys. */
  keyFiles?: string[];
}

/** The repositories a command was pointed at, as dnf would configure them. */
export function selectRepositories(sel: RepoSelection): RepoConfig[] {
  const configs: RepoConfig[] = [];
  for (const f of sel.repoFiles ?? []) configs.push(...readRepoFile(f, { vars: sel.vars }).filter((c) => c.enabled));
  for (const l of sel.locations ?? []) configs.push(repoConfigFromLocation(l));
  if (sel.keyFiles?.length) {
    for (const c of configs) {
      c.repoGpgcheck = true;
      c.gpgcheck = true;
    }
  }
  const ids = new Set<string>();
  for (const c of configs) {
    if (ids.has(c.id)) throw new RepoFormatError(`repository id "${c.id}" is defined twice`);
    ids.add(c.id);
  }
  return configs;
}

const text = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

export async function loadRepository(
  config: RepoConfig,
  opts: Omit<OpenOptions, 'want'> & { withChangelogs?: boolean },
): Promise<LoadedRepository> {
  return loadOpenedRepository(await openRepository(config, { ...opts, want: STANDARD_RECORDS }), opts);
}

/**
 * Reads and parses an opened repository's records (fetching and verifying any not fetched yet):
 * what loadRepository does after opening, for callers that opened it themselves.
 */
export async function loadOpenedRepository(opened: OpenedRepository, opts: { withChangelogs?: boolean } = {}): Promise<LoadedRepository> {
  const config = opened.config;
  const primary = await opened.readRecord('primary');
  if (!primary) throw new RepoFormatError(`${config.id}: repomd.xml has no primary record`);
  const packages = parsePrimary(primary, `${config.id}: primary`);
  // Reading each record verifies it (size, checksum, open-checksum) even when it is not parsed.
  const filelists = await opened.readRecord('filelists');
  if (filelists) mergeFilelists(packages, filelists, `${config.id}: filelists`);
  const other = await opened.readRecord('other');
  if (other && opts.withChangelogs) mergeOther(packages, other, `${config.id}: other`);
  const updateinfo = await opened.readRecord('updateinfo');
  const group = await opened.readRecord('group');
  return {
    id: config.id,
    opened,
    metadata: {
      repomd: opened.repomd,
      packages,
      advisories: updateinfo ? parseUpdateinfo(text(updateinfo), `${config.id}: updateinfo`) : [],
      ...(group ? { comps: parseComps(text(group), `${config.id}: group`) } : {}),
    },
  };
}

/**
 * Checks the packages' files (size and checksum from primary.xml; with gpgcheck, their signatures
 * too, by the caller): reads local ones in place, downloads remote ones into the cache.
 */
export async function packagePaths(repo: LoadedRepository, packages: RepoPackage[], opts: Pick<OpenOptions, 'fetch'> = {}): Promise<string[]> {
  const out: string[] = [];
  for (const p of packages) {
    out.push(
      await fetchPackage(repo.opened, p.location, { size: p.packageSize, checksum: { type: p.checksumType, value: p.pkgid } }, {
        ...(p.locationBase !== undefined ? { locationBase: p.locationBase } : {}),
        ...opts,
      }),
    );
  }
  return out;
}
