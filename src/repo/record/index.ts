// From an .rpm to its rpm-md package record, with createrepo_c's rules (src/parsehdr.c, src/parsepkg.c,
// src/misc.c, src/xml_dump.c) applied to the header as rpm's rpmReadPackageFile hands it over (lib/package.c):
// reading the file, the record's assembly and the public API; the rules live in the sibling modules.

import { createHash, hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, read } from 'node:fs';
import { promisify } from 'node:util';
// Direct module imports, not ../../rpm/index.ts: publish workers load this file, and the whole rpm
// domain (writer, OpenPGP) would add tens of milliseconds to every worker's start.
import { type Header, RpmFormatError, TagType } from '../../rpm/header.ts';
import { readFullySync, readRpmHeaders } from '../../rpm/package.ts';
import { Tag } from '../../rpm/tags.ts';
import { type RepoPackage, RepoFormatError } from '../model.ts';
import { readDeps } from './deps.ts';
import { readChangelog, readFiles } from './files-changelog.ts';
import { RawHeader, Texts, controlError, retrofit } from './raw-header.ts';

export { compareLibcNames, createrepoEvr } from './deps.ts';
export { createrepoText } from './raw-header.ts';

export type RecordChecksum = 'sha256' | 'sha512' | 'sha384' | 'sha224' | 'sha1';

export interface RecordRules {
  /** Changelog entries kept, newest first in the header (createrepo_c default 10; -1 = all). */
  changelogLimit?: number;
  /**
   * Mark Requires(pretrans)/(posttrans) pre="1" as createrepo_c ≥ 1.1.1 does (default true); false
   * gives 0.17.x output, where only PREREQ, pre and post count.
   */
  transPre?: boolean;
}

export interface RecordOptions extends RecordRules {
  location: string;
  locationBase?: string;
  checksumType?: RecordChecksum;
  /** size and mtime (seconds) when the caller already has them (createrepo_c uses stat's). */
  stat?: { size: number; mtime: number };
}

/** What packageRecordFromHeaders needs of a read package (a subset of RpmHeaders). */
export interface RecordHeaders {
  header: Header;
  signature: Header;
  headerOffset: number;
  payloadOffset: number;
}

/** Facts about the file itself. */
export interface RecordFile {
  pkgid: string;
  checksumType: string;
  size: number;
  mtime: number;
  location: string;
  locationBase?: string;
  /** Names the package in error messages (default: the location). */
  source?: string;
}

/** The record createrepo_c builds from a package's headers and the file's own facts. */
export function packageRecordFromHeaders(hdrs: RecordHeaders, file: RecordFile, rules: RecordRules = {}): RepoPackage {
  const where = file.source ?? file.location;
  const r = new RawHeader(hdrs.header);
  const t = new Texts();
  const fix = retrofit(r, hdrs.signature, where);
  const { files, paths } = readFiles(r, t, where);
  const h = hdrs.header;
  const text = (tag: number, field: string): string => t.text(r.string(tag) ?? '', field);
  const longSize = h.has(Tag.LONGSIZE) ? r.numbers(Tag.LONGSIZE)?.[0] : undefined;
  const size32 = h.entry(Tag.SIZE)?.type === TagType.INT32 ? r.numbers(Tag.SIZE)?.[0] : undefined;
  const base = file.locationBase ? (file.locationBase.startsWith('/') ? `file://${file.locationBase}` : file.locationBase) : undefined;
  const p: RepoPackage = {
    pkgid: file.pkgid,
    checksumType: file.checksumType,
    name: text(Tag.NAME, 'name'),
    arch: fix.isSource ? 'src' : text(Tag.ARCH, 'arch'),
    epoch: String(r.number(Tag.EPOCH)),
    version: text(Tag.VERSION, 'version'),
    release: text(Tag.RELEASE, 'release'),
    summary: text(Tag.SUMMARY, 'summary'),
    description: text(Tag.DESCRIPTION, 'description'),
    packager: text(Tag.PACKAGER, 'packager'),
    url: text(Tag.URL, 'url'),
    fileTime: file.mtime,
    buildTime: r.numbers(Tag.BUILDTIME)?.[0] ?? 0,
    packageSize: file.size,
    installedSize: longSize ?? size32 ?? 0,
    archiveSize: fix.archiveSize,
    location: file.location,
    license: text(Tag.LICENSE, 'license'),
    vendor: text(Tag.VENDOR, 'vendor'),
    group: text(Tag.GROUP, 'group'),
    buildHost: text(Tag.BUILDHOST, 'buildhost'),
    sourceRpm: t.text(fix.sourceRpm ?? '', 'sourcerpm'),
    headerStart: hdrs.headerOffset,
    headerEnd: hdrs.payloadOffset,
    deps: readDeps(r, t, fix, paths, rules.transPre ?? true),
    files,
    filesComplete: true,
    changelog: readChangelog(r, t, rules.changelogLimit ?? 10),
  };
  if (base) p.locationBase = base;
  t.text(file.location, 'location');
  t.text(base ?? '', 'location base');
  if (t.bad) throw controlError(where, t.bad);
  return p;
}

/** Bytes read before parsing: the headers of nearly every package in one read. */
const HEAD = 256 * 1024;
const CHUNK = 1 << 20;

// Read buffers are reused: a fresh buffer per package is external memory the GC must track, and on
// thousands of small packages that showed up as a sixth of the run time in garbage collection.
// Nothing of a buffer outlives the call that borrowed it (records hold decoded strings only).
const spare: Buffer[] = [];
const borrow = (): Buffer => spare.pop() ?? Buffer.allocUnsafe(CHUNK);
const giveBack = (b: Buffer): void => {
  if (spare.length < 4) spare.push(b);
};
const readAsync = promisify(read);

function seconds(ns: bigint): number {
  const s = ns / 1_000_000_000n;
  // st_mtime is the floor; bigint division truncates toward zero.
  return Number(ns < 0n && s * 1_000_000_000n !== ns ? s - 1n : s);
}

/** The digest of a file whose first `got` bytes (`first`) were read already: the rest streams. */
async function digestRest(fd: number, first: Buffer, checksumType: string): Promise<string> {
  const h = createHash(checksumType).update(first);
  const buf = borrow();
  try {
    for (let pos = first.length; ; ) {
      const { bytesRead } = await readAsync(fd, buf, 0, CHUNK, pos);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  } finally {
    giveBack(buf);
  }
  return h.digest('hex');
}

/**
 * Reads one .rpm: headers, a digest of the whole file, and its record. The first read (headers, and
 * all of a small package) is synchronous, as in src/rpm/package.ts: a thread-pool round trip per
 * call would dominate reading many small packages. It asks for one byte more than stat's size, so a
 * short read proves EOF (the digest must cover the file as it is, whatever stat said); a small
 * package is then digested in one call. The rest of a larger one streams asynchronously.
 */
export async function readPackageRecord(path: string, opts: RecordOptions): Promise<RepoPackage> {
  const checksumType = opts.checksumType ?? 'sha256';
  const fd = openSync(path, 'r');
  const scratch = borrow();
  try {
    let stat = opts.stat;
    if (!stat) {
      const st = fstatSync(fd, { bigint: true });
      stat = { size: Number(st.size), mtime: seconds(st.mtimeNs) };
    }
    const head = scratch.subarray(0, Math.min(Math.max(stat.size, 0) + 1, HEAD));
    const got = readFullySync(fd, head, 0);
    const first = head.subarray(0, got);
    const hdrs = readRpmHeaders({
      read(offset, length) {
        if (offset + length <= got) return first.subarray(offset, offset + length);
        const b = Buffer.allocUnsafe(length);
        return b.subarray(0, readFullySync(fd, b, offset));
      },
    });
    const pkgid = got < head.length ? hash(checksumType, first, 'hex') : await digestRest(fd, first, checksumType);
    const file: RecordFile = {
      pkgid, checksumType, size: stat.size, mtime: stat.mtime, location: opts.location, locationBase: opts.locationBase, source: path,
    };
    return packageRecordFromHeaders(hdrs, file, opts);
  } catch (e) {
    if (e instanceof RpmFormatError && !e.message.startsWith(path)) throw new RpmFormatError(`${path}: ${e.message}`);
    if (e instanceof RepoFormatError && !e.message.startsWith(path)) throw new RepoFormatError(`${path}: ${e.message}`);
    throw e;
  } finally {
    closeSync(fd);
    giveBack(scratch);
  }
}
