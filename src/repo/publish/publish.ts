// `strata repo publish`: what createrepo_c (+ modifyrepo_c) does — scan a directory of packages and
// write signed rpm-md metadata for it — with reproducible output and an atomic switch.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetadataCompression } from '../compression.ts';
import { type Advisory, type Repomd, type RepomdRecord, type RepoPackage, RepoFormatError } from '../model.ts';
import { parseRepomd, writeRepomd } from '../repomd.ts';
import type { PreviousMetadata } from './previous.ts';
import { commitRepodata, lockRepository, stagingDir } from './commit.ts';
import { CoreMetadataWriter } from './core-writer.ts';
import { writeMetadataFile } from './metadata-file.ts';
import type { RenderOptions } from './render.ts';
import { type ScannedPackage, scanPackages } from './scan.ts';

export type ChecksumType = RenderOptions['checksumType'];

export interface PublishOptions {
  checksumType?: ChecksumType;
  /** Compression of primary/filelists/other/updateinfo (default zstd, as createrepo_c ≥ 1.0). */
  compression?: MetadataCompression;
  /** `<revision>`; default SOURCE_DATE_EPOCH or the current time. */
  revision?: string;
  /** Changelog entries kept per package in other.xml (createrepo_c default 10). */
  changelogLimit?: number;
  /** Requires(pretrans/posttrans) get pre="1" (default, createrepo_c >= 1.1.1); false for 0.17's output. */
  transPre?: boolean;
  /** Reuse records of unchanged packages from the existing metadata. */
  update?: boolean;
  /** With `update`: trust size + mtime (default) or compare full checksums. */
  statTrust?: boolean;
  /** Worker threads; default chosen by the amount of package data. */
  workers?: number;
  /** Glob patterns (file name or location) of packages to leave out. */
  excludes?: string[];
  /** Advisories for updateinfo.xml. */
  advisories?: Advisory[];
  /** A comps (groups) file's text, already validated, and the base name to publish it under. */
  comps?: { text: string; baseName: string };
  /** Armored secret key: sign repomd.xml (repomd.xml.asc). */
  signingKey?: { armored: string; passphrase?: string };
  /** Also sign every package with `signingKey` (before checksumming, as the metadata must match). */
  signPackages?: boolean;
  /** Seconds since the epoch for timestamps and signatures: reproducible output (SOURCE_DATE_EPOCH). */
  sourceDateEpoch?: number;
  /** `<location xml:base>` for every package. */
  locationBase?: string;
  /** repomd `<tags>`. */
  tags?: Repomd['tags'];
  /** Keep the files the previous repomd.xml referenced (for readers in flight). */
  retainOld?: boolean;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface PublishResult {
  root: string;
  revision: string;
  packages: number;
  /** Packages read from disk (the rest were reused from the previous metadata). */
  read: number;
  reused: number;
  records: RepomdRecord[];
  signed: boolean;
  /** Packages signed by this publish (already signed ones are left alone). */
  signedPackages: number;
  /** Things worth telling the user that did not stop the publish. */
  warnings: string[];
}

const CORE_TYPES = new Set(['primary', 'filelists', 'other']);

async function fileDigest(path: string, algo: string): Promise<string> {
  const h = createHash(algo);
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) h.update(c);
  return h.digest('hex');
}

/** Records of the previous metadata that can stand for unchanged packages (createrepo_c --update). */
async function reusable(
  items: ScannedPackage[],
  previous: Map<string, RepoPackage>,
  opts: { checksumType: string; statTrust: boolean; locationBase?: string },
): Promise<Array<RepoPackage | undefined>> {
  const out: Array<RepoPackage | undefined> = new Array(items.length);
  const check = async (it: ScannedPackage): Promise<RepoPackage | undefined> => {
    const old = previous.get(it.location);
    if (!old || old.checksumType !== opts.checksumType || old.packageSize !== it.size) return undefined;
    if (opts.statTrust ? old.fileTime !== it.mtime : (await fileDigest(it.path, opts.checksumType)) !== old.pkgid) {
      return undefined;
    }
    return { ...old, fileTime: it.mtime, locationBase: opts.locationBase };
  };
  // A few files at a time: one stream per package at once runs out of file descriptors (EMFILE)
  // and buffers a megabyte per stream on a large repository.
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(4, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await check(items[i]);
      }
    }),
  );
  return out;
}

export async function publishRepository(root: string, opts: PublishOptions = {}): Promise<PublishResult> {
  const checksumType = opts.checksumType ?? 'sha256';
  const kind = opts.compression ?? 'zstd';
  const now = opts.sourceDateEpoch ?? Math.floor(Date.now() / 1000);
  const revision = opts.revision ?? String(now);
  const progress = opts.onProgress ?? (() => {});
  const unlock = await lockRepository(root);
  try {
    const items = await scanPackages(root, opts.excludes);
    let signedPackages = 0;
    if (opts.signPackages) {
      if (!opts.signingKey) throw new RepoFormatError('publish: signing packages needs a signing key');
      let n = 0;
      progress('sign', 0, items.length);
      const date = opts.sourceDateEpoch !== undefined ? new Date(opts.sourceDateEpoch * 1000) : undefined;
      const { signPackages } = await import('./sign-packages.ts');
      signedPackages = await signPackages(items, opts.signingKey, date, () => progress('sign', ++n, items.length));
    }
    const warnings: string[] = [];
    const statTrust = opts.statTrust ?? true;
    // The usual re-publish changes no package: the previous core files then stand as they are.
    const unchanged =
      opts.update && statTrust
        ? await (await import('./unchanged.ts')).unchangedCore(root, items, {
            checksumType,
            compression: kind,
            ...(opts.locationBase !== undefined ? { locationBase: opts.locationBase } : {}),
            timestamp: now,
          })
        : undefined;
    let previous: PreviousMetadata | undefined;
    if (opts.update && !unchanged) {
      try {
        const { readPreviousMetadata } = await import('./previous.ts');
        previous = await readPreviousMetadata(root);
      } catch (e) {
        if (!(e instanceof RepoFormatError)) throw e;
        warnings.push(`previous metadata not reused: ${e.message}`);
      }
    }
    const previousRepomd = unchanged?.repomd ?? previous?.repomd;
    const reused = previous
      ? await reusable(items, previous.byLocation, { checksumType, statTrust, locationBase: opts.locationBase })
      : items.map(() => undefined);
    const toRead = unchanged ? [] : items.filter((_, i) => !reused[i]);
    const staging = await stagingDir(root);
    const records: RepomdRecord[] = [];
    let duplicates: Array<[number, number]>;
    try {
      progress('read', 0, toRead.length);
      const core = unchanged
        ? { records: unchanged.records, duplicates: duplicatesOf(unchanged.pkgids) }
        : await writeCore(staging.dir, items, reused, toRead, { ...opts, checksumType, compression: kind, onProgress: progress }, now);
      progress('write', 0, 1);
      records.push(...core.records);
      duplicates = core.duplicates;
      if (opts.advisories) {
        const { writeUpdateinfo } = await import('../updateinfo.ts');
        const text = writeUpdateinfo(opts.advisories);
        records.push(await writeMetadataFile(staging.dir, 'updateinfo', 'updateinfo.xml', text, kind, checksumType, now));
      }
      if (opts.comps) {
        // createrepo_c's pair: plain `group` for old readers, `group_gz` for dnf (which asks for it first).
        records.push(await writeMetadataFile(staging.dir, 'group', opts.comps.baseName, opts.comps.text, 'none', checksumType, now));
        records.push(await writeMetadataFile(staging.dir, 'group_gz', opts.comps.baseName, opts.comps.text, 'gz', checksumType, now));
      }
    } catch (e) {
      if (staging.fresh) await rm(staging.dir, { recursive: true, force: true });
      throw e;
    }
    if (duplicates.length) {
      const [i, j] = duplicates[0];
      warnings.push(`${duplicates.length} package file(s) are identical copies of others (e.g. ${items[i].location} = ${items[j].location})`);
    }
    // createrepo_c --update keeps additional metadata (updateinfo, comps, modules…) it is not given anew.
    if (previousRepomd) {
      const replaced = new Set(records.map((r) => r.type));
      for (const r of previousRepomd.records) {
        const base = r.type.replace(/_(zck|db|gz|xz|zst|bz2)$/, '');
        if (CORE_TYPES.has(base) || replaced.has(base) || replaced.has(r.type)) continue;
        if (base === 'group' && opts.comps) continue;
        records.push(r);
      }
    }
    const repomd: Repomd = { revision, tags: opts.tags ?? { content: [], repo: [], distro: [] }, records };
    const repomdXml = writeRepomd(repomd);
    // Optional steps load their modules on use (OpenPGP, XML reader, TOML): a plain publish starts faster.
    const signature = opts.signingKey
      ? await (await import('../source/signature.ts')).signRepomd(Buffer.from(repomdXml), opts.signingKey.armored, {
          passphrase: opts.signingKey.passphrase,
          ...(opts.sourceDateEpoch !== undefined ? { date: new Date(opts.sourceDateEpoch * 1000) } : {}),
        })
      : undefined;
    const keep = new Set(records.map((r) => r.location.replace(/^repodata\//, '')));
    // Without --update the previous repomd.xml has not been read yet; --retain-old needs its records too.
    const oldRecords = opts.retainOld ? (previousRepomd?.records ?? (await currentRecords(root))) : undefined;
    const retain = oldRecords ? new Set(oldRecords.map((r) => r.location.replace(/^repodata\//, ''))) : undefined;
    await commitRepodata({ root, staging, repomd: repomdXml, signature, keep, retain });
    progress('write', 1, 1);
    return {
      root,
      revision,
      packages: items.length,
      read: toRead.length,
      reused: items.length - toRead.length,
      records,
      signed: signature !== undefined,
      signedPackages,
      warnings,
    };
  } finally {
    await unlock();
  }
}

/**
 * primary, filelists and other: reused records rendered again, the other packages read (on worker
 * threads when there is enough work), streamed to disk in package order. Returns their records.
 */
async function writeCore(
  dir: string,
  items: ScannedPackage[],
  reused: Array<RepoPackage | undefined>,
  toRead: ScannedPackage[],
  opts: PublishOptions & Required<Pick<PublishOptions, 'checksumType' | 'compression' | 'onProgress'>>,
  now: number,
): Promise<{ records: RepomdRecord[]; duplicates: Array<[number, number]> }> {
  // Loaded here: reading packages brings in the rpm domain, which an unchanged --update never needs.
  const { autoWorkers, renderPackages, renderRecord } = await import('./render.ts');
  const renderOpts: RenderOptions = {
    checksumType: opts.checksumType,
    changelogLimit: opts.changelogLimit ?? 10,
    ...(opts.transPre !== undefined ? { transPre: opts.transPre } : {}),
    ...(opts.locationBase !== undefined ? { locationBase: opts.locationBase } : {}),
  };
  const core = new CoreMetadataWriter(dir, items.length, opts.compression, opts.checksumType);
  try {
    const readIndex: number[] = [];
    items.forEach((_, i) => {
      const old = reused[i];
      if (old) core.put(i, renderRecord(old));
      else readIndex.push(i);
    });
    let done = 0;
    await renderPackages(
      toRead,
      renderOpts,
      opts.workers ?? autoWorkers(toRead),
      (j, r) => {
        core.put(readIndex[j], r);
        opts.onProgress('read', ++done, toRead.length);
      },
      () => core.caughtUp(),
    );
    return { records: await core.finish(now), duplicates: core.duplicates };
  } catch (e) {
    await core.abort();
    throw e;
  }
}

/** [index, index of the first identical file] for every package file that repeats an earlier one. */
function duplicatesOf(pkgids: string[]): Array<[number, number]> {
  const first = new Map<string, number>();
  const out: Array<[number, number]> = [];
  pkgids.forEach((id, i) => {
    const j = first.get(id);
    if (j === undefined) first.set(id, i);
    else out.push([i, j]);
  });
  return out;
}

/** The records of the repository's current repomd.xml; none when it is missing or unreadable. */
async function currentRecords(root: string): Promise<RepomdRecord[]> {
  const path = join(root, 'repodata', 'repomd.xml');
  try {
    return parseRepomd(await readFile(path, 'utf8'), path).records;
  } catch {
    return [];
  }
}
