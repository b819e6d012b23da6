// Streaming readers for filelists.xml and other.xml (the files and changelogs of each package), and the
// mergers that join their entries to primary's packages by pkgid.

import type { RepoChangelog, RepoFile, RepoPackage } from '../model.ts';
import { fileEntry } from './primary.ts';
import { type CloseFn, type OpenFn, type XmlReader, feed, parseUint, repoError, streamReader } from './xml.ts';

/** The identity part of a filelists/other <package>. */
export interface PackageRef {
  pkgid: string;
  name: string;
  arch: string;
  epoch: string;
  version: string;
  release: string;
}

export interface FilelistsEntry extends PackageRef {
  files: RepoFile[];
}

export interface OtherEntry extends PackageRef {
  changelog: RepoChangelog[];
}

/**
 * The common shape of filelists.xml and other.xml: <package pkgid name arch><version/> then a
 * list of one repeated child (`item`), read by `onItem`.
 */
function refReader<E extends PackageRef>(
  what: string,
  root: string,
  item: string,
  make: (ref: PackageRef) => E,
  onItem: (e: E, attrs: Record<string, string>, text: string, fail: (m: string) => never) => void,
  onEntry: (e: E) => void,
): XmlReader {
  let cur: E | undefined;
  let hasVersion = false;
  let index = 0;
  let itemAttrs: Record<string, string> = {};
  const open: OpenFn = (name, a, d) => {
    if (d === 2) {
      cur = undefined;
      if (name !== 'package') return false;
      index++;
      if (!a.pkgid || !a.name || !a.arch) r.fail(`package ${index}: <package> needs pkgid, name and arch`);
      cur = make({ pkgid: a.pkgid, name: a.name, arch: a.arch, epoch: '0', version: '', release: '' });
      hasVersion = false;
      return false;
    }
    if (d !== 3 || cur === undefined) return false;
    if (name === 'version') {
      if (a.ver === undefined || a.rel === undefined) r.fail(`package ${index} (${cur.name}): <version> needs ver and rel`);
      cur.epoch = a.epoch ?? '0';
      cur.version = a.ver;
      cur.release = a.rel;
      hasVersion = true;
      return false;
    }
    if (name === item) {
      itemAttrs = a;
      return true;
    }
    return false;
  };
  const close: CloseFn = (_name, d, text) => {
    if (cur === undefined) return;
    if (text !== undefined) onItem(cur, itemAttrs, text, r.fail);
    else if (d === 2) {
      const e = cur;
      cur = undefined;
      if (!hasVersion) r.fail(`package ${index} (${e.name}): missing <version>`);
      onEntry(e);
    }
  };
  const r = streamReader(what, root, open, close, () => {});
  return r;
}

/** Streams filelists.xml: every file of every package, in header order. */
export function createFilelistsReader(onEntry: (e: FilelistsEntry) => void, what = 'filelists.xml'): XmlReader {
  return refReader<FilelistsEntry>(
    what,
    'filelists',
    'file',
    (ref) => ({ ...ref, files: [] }),
    (e, a, text, fail) => e.files.push(fileEntry(text, a.type, fail)),
    onEntry,
  );
}

/** Streams other.xml: each package's changelog entries (oldest first, as createrepo_c writes them). */
export function createOtherReader(onEntry: (e: OtherEntry) => void, what = 'other.xml'): XmlReader {
  return refReader<OtherEntry>(
    what,
    'otherdata',
    'changelog',
    (ref) => ({ ...ref, changelog: [] }),
    (e, a, text, fail) => {
      const date =
        (a.date === undefined ? undefined : parseUint(a.date)) ??
        fail(`package ${e.name}: <changelog date="${(a.date ?? '').slice(0, 20)}">: not an integer`);
      e.changelog.push({ author: a.author ?? '', date, text });
    },
    onEntry,
  );
}

export interface MergeOptions {
  /**
   * `packages` is a subset of primary: entries for other pkgids are skipped and packages without
   * an entry are left as they are. Without it both are errors (the files disagree).
   */
  partial?: boolean;
}

/**
 * Joins entries to primary packages by pkgid. A repository may list the same .rpm twice (same
 * pkgid, two locations); the n-th entry for a pkgid then goes to the n-th such package.
 */
function joiner<E extends PackageRef>(
  packages: RepoPackage[],
  what: string,
  opts: MergeOptions,
  apply: (p: RepoPackage, e: E) => void,
): { onEntry: (e: E) => void; end: () => void } {
  const byId = new Map<string, RepoPackage | RepoPackage[]>();
  for (const p of packages) {
    const prev = byId.get(p.pkgid);
    if (prev === undefined) byId.set(p.pkgid, p);
    else if (Array.isArray(prev)) prev.push(p);
    else byId.set(p.pkgid, [prev, p]);
  }
  const done = new Set<RepoPackage>();
  return {
    onEntry(e) {
      const hit = byId.get(e.pkgid);
      let p: RepoPackage | undefined;
      if (Array.isArray(hit)) p = hit.find((q) => !done.has(q));
      else if (hit !== undefined && !done.has(hit)) p = hit;
      if (p === undefined) {
        if (opts.partial) return;
        throw repoError(`${what}: package ${e.name} (pkgid ${e.pkgid}) is not in primary${hit ? ' (listed twice)' : ''}`);
      }
      if (p.name !== e.name || p.arch !== e.arch || p.epoch !== e.epoch || p.version !== e.version || p.release !== e.release) {
        throw repoError(
          `${what}: pkgid ${e.pkgid} is ${e.name}-${e.epoch}:${e.version}-${e.release}.${e.arch} here but ` +
            `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch} in primary`,
        );
      }
      done.add(p);
      apply(p, e);
    },
    end() {
      if (opts.partial || done.size === packages.length) return;
      const miss = packages.find((p) => !done.has(p));
      throw repoError(
        `${what}: ${packages.length - done.size} primary package(s) missing, e.g. ${miss?.name} (pkgid ${miss?.pkgid})`,
      );
    },
  };
}

/** A reader that fills `files` (filesComplete = true) of the given primary packages from filelists.xml. */
export function createFilelistsMerger(packages: RepoPackage[], what = 'filelists.xml', opts: MergeOptions = {}): XmlReader {
  const j = joiner<FilelistsEntry>(packages, what, opts, (p, e) => {
    p.files = e.files;
    p.filesComplete = true;
  });
  return withEnd(createFilelistsReader(j.onEntry, what), j.end);
}

/** A reader that fills `changelog` of the given primary packages from other.xml. */
export function createOtherMerger(packages: RepoPackage[], what = 'other.xml', opts: MergeOptions = {}): XmlReader {
  const j = joiner<OtherEntry>(packages, what, opts, (p, e) => {
    p.changelog = e.changelog;
  });
  return withEnd(createOtherReader(j.onEntry, what), j.end);
}

function withEnd(r: XmlReader, end: () => void): XmlReader {
  return {
    write: (c) => r.write(c),
    close: () => {
      r.close();
      end();
    },
  };
}

export function mergeFilelists(packages: RepoPackage[], input: string | Uint8Array, what = 'filelists.xml', opts: MergeOptions = {}): void {
  feed(createFilelistsMerger(packages, what, opts), input, what);
}

export function mergeOther(packages: RepoPackage[], input: string | Uint8Array, what = 'other.xml', opts: MergeOptions = {}): void {
  feed(createOtherMerger(packages, what, opts), input, what);
}
