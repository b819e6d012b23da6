// verifyImageRoot: `rpm -Va` for an image root, from its rpmdb (or, for a distroless root, its
// container-manifest-2 plus the package files it was made from) — every installed file's type,
// mode, owner, group, size, digest, link target, device, capabilities and mtime as rpm 4.18's
// rpmfilesVerify checks them — and one check rpm does not make: no file in a directory a package
// owns may be unowned (an extra file is how a tampered image differs from its packages).

import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Header } from '../../rpm/header.ts';
import { DIGEST_ALGOS } from '../../rpm/extract.ts';
import { describePackage, FileFlag, nevra as nevraOf, type RpmPackage } from '../../rpm/model.ts';
import { readRpmFileHeaders } from '../../rpm/package.ts';
import { Tag } from '../../rpm/tags.ts';
import { FileState } from '../rpmdb/installed-header.ts';
import { MANIFEST_DIR, readRpmManifest } from '../rpmdb/manifest.ts';
import { DEFAULT_DBPATH, readRpmdb, rpmdbPath } from '../rpmdb/sqlite.ts';
import { RootAccounts } from './accounts.ts';
import { parseCaps, readTreeCaps, sameFileCaps } from './caps.ts';
import { InstallError } from './model.ts';
import { RootFs, RootPathError } from './rootfs.ts';

export interface VerifyImageOptions {
  dbpath?: string;
  /** A distroless root has no rpmdb: the .rpm files it was composed from describe its files. */
  packageFiles?: string[];
  /** In-root paths (and everything under them) that may exist without a package owning them. */
  allowUnowned?: readonly string[];
  /** Compare file digests (default true; false checks everything else). */
  digests?: boolean;
}

/** rpm -V attribute letters, in its output order. */
const ATTRS = [
  ['S', 1 << 1],
  ['M', 1 << 6],
  ['5', 1 << 0],
  ['D', 1 << 7],
  ['L', 1 << 2],
  ['U', 1 << 3],
  ['G', 1 << 4],
  ['T', 1 << 5],
  ['P', 1 << 8],
] as const;
const V = { DIGEST: 1, SIZE: 2, LINKTO: 4, USER: 8, GROUP: 16, MTIME: 32, MODE: 64, RDEV: 128, CAPS: 256 };

export interface VerifyProblem {
  /** In-root path. */
  path: string;
  /** missing: an installed file is gone; changed: attributes differ (see flags); unowned: an extra
   * file in a package directory; manifest: the manifest and the package files disagree. */
  kind: 'missing' | 'changed' | 'unowned' | 'manifest';
  package?: string;
  /** rpm -V's attribute string, e.g. "S.5....T.", for `changed`. */
  flags?: string;
  /** %config file (rpm marks those "c"). */
  config?: boolean;
  detail?: string;
}

export interface VerifyImageResult {
  ok: boolean;
  source: 'rpmdb' | 'manifest';
  packages: number;
  files: number;
  problems: VerifyProblem[];
}

/** rpm -V's line for a problem: "S.5....T.  c /etc/foo", "missing     /usr/bin/x". */
export function formatVerifyLine(p: VerifyProblem): string {
  if (p.kind === 'missing') return `missing   ${p.config ? 'c' : ' '} ${p.path}`;
  if (p.kind === 'changed') return `${p.flags} ${p.config ? 'c' : ' '} ${p.path}`;
  return `${p.kind}: ${p.path}${p.detail ? ` (${p.detail})` : ''}`;
}

interface Installed {
  nevra: string;
  pkg: RpmPackage;
  states: number[];
}

function fromHeaders(headers: readonly Header[]): Installed[] {
  return headers.map((h) => {
    const pkg = describePackage(h);
    return { nevra: nevraOf(pkg), pkg, states: h.numbers(Tag.FILESTATES) };
  });
}

async function digestOf(path: string, algo: string): Promise<string> {
  const hash = createHash(algo);
  for await (const c of createReadStream(path)) hash.update(c as Buffer);
  return hash.digest('hex');
}

export async function verifyImageRoot(rootPath: string, opts: VerifyImageOptions = {}): Promise<VerifyImageResult> {
  const root = realpathSync(rootPath);
  const dbpath = opts.dbpath ?? DEFAULT_DBPATH;
  const problems: VerifyProblem[] = [];
  let installed: Installed[];
  let source: VerifyImageResult['source'];
  if (lstatSync(rpmdbPath(root, dbpath), { throwIfNoEntry: false })) {
    installed = fromHeaders(readRpmdb(root, dbpath).map((r) => r.header));
    source = 'rpmdb';
  } else {
    const manifest = readRpmManifest(root);
    if (!manifest) throw new InstallError(`${root}: no rpm database at ${dbpath} and no ${MANIFEST_DIR}/container-manifest-2`);
    if (!opts.packageFiles) throw new InstallError(`${root}: distroless root (manifest only): give the package files it was composed from`);
    const headers: Header[] = [];
    for (const f of opts.packageFiles) headers.push((await readRpmFileHeaders(f)).header);
    installed = fromHeaders(headers);
    source = 'manifest';
    const listed = new Set(manifest.map((e) => `${e.name}-${e.versionRelease}.${e.arch}`));
    const given = new Set(installed.map((i) => `${i.pkg.name}-${i.pkg.version}-${i.pkg.release}.${i.pkg.arch}`));
    for (const l of listed) if (!given.has(l)) problems.push({ kind: 'manifest', path: `${MANIFEST_DIR}/container-manifest-2`, package: l, detail: 'listed but no package file given' });
    for (const g of given) if (!listed.has(g)) problems.push({ kind: 'manifest', path: `${MANIFEST_DIR}/container-manifest-2`, package: g, detail: 'not listed' });
  }
  const fs = new RootFs(root);
  const accounts = new RootAccounts(fs);
  const caps = await readTreeCaps(root);
  const owned = new Set<string>();
  const ownedDirs = new Set<string>();
  let files = 0;
  for (const inst of installed) {
    const algo = DIGEST_ALGOS[inst.pkg.fileDigestAlgo];
    for (let i = 0; i < inst.pkg.files.length; i++) {
      const f = inst.pkg.files[i];
      let host: string;
      try {
        host = fs.hostPath(f.path);
      } catch (e) {
        if (e instanceof RootPathError) {
          problems.push({ kind: 'changed', path: f.path, package: inst.nevra, flags: '?????????', detail: e.message });
          continue;
        }
        throw e;
      }
      owned.add(host);
      const state = inst.states[i] ?? FileState.NORMAL;
      if (state === FileState.NOTINSTALLED || state === FileState.NETSHARED) continue;
      files++;
      const config = (f.flags & FileFlag.CONFIG) !== 0;
      const ghost = (f.flags & FileFlag.GHOST) !== 0;
      let st: Stats | undefined = lstatSync(host, { throwIfNoEntry: false });
      if (!st) {
        if (!ghost && !(f.flags & FileFlag.MISSINGOK)) problems.push({ kind: 'missing', path: f.path, package: inst.nevra, config });
        continue;
      }
      const expect = accounts.owner(f.user, f.group, f.mode);
      let dirHost = host;
      if ((f.mode & 0o170000) === 0o040000 && st.isSymbolicLink()) {
        const target = fs.hostPath(f.path, { followFinal: true });
        const d = statSync(target, { throwIfNoEntry: false });
        if (d?.isDirectory() && (st.uid === 0 || st.uid === d.uid)) {
          st = d;
          dirHost = target;
        }
      }
      if (st.isDirectory() && (f.mode & 0o170000) === 0o040000) ownedDirs.add(dirHost);
      let flags = f.verifyFlags;
      if (state === FileState.WRONGCOLOR) flags &= ~(V.DIGEST | V.SIZE | V.MTIME | V.RDEV);
      flags &= st.isSymbolicLink() ? ~V.MODE : ~V.LINKTO;
      if (!st.isFile()) flags &= ~(V.DIGEST | V.SIZE | V.MTIME | V.CAPS);
      if (ghost) flags &= ~(V.DIGEST | V.SIZE | V.MTIME | V.LINKTO);
      if (opts.digests === false) flags &= ~V.DIGEST;
      let bad = 0;
      if (flags & V.DIGEST) {
        if (!f.digest || !algo) bad |= V.DIGEST;
        else if ((await digestOf(host, algo)) !== f.digest) bad |= V.DIGEST;
      }
      if (flags & V.LINKTO) {
        if (readlinkSync(host, 'utf8') !== f.linkTo) bad |= V.LINKTO;
      }
      if (flags & V.SIZE && st.size !== f.size) bad |= V.SIZE;
      if (flags & V.MODE) {
        const mask = ghost ? 0o7777 : 0o177777;
        if ((expect.mode & mask) !== (st.mode & mask)) bad |= V.MODE;
      }
      if (flags & V.RDEV) {
        const isDev = (m: number): number => m & 0o170000 & (0o020000 | 0o060000);
        if (isDev(f.mode) !== isDev(st.mode) || (isDev(f.mode) && (st.rdev & 0xffff) !== (f.rdev & 0xffff))) bad |= V.RDEV;
      }
      if (flags & V.CAPS) {
        const have = caps.get(host);
        if ((have || f.caps) && !sameFileCaps(parseCaps(f.caps || '='), parseCaps(have ?? '='))) bad |= V.CAPS;
      }
      if (flags & V.MTIME && Math.floor(st.mtimeMs / 1000) !== f.mtime) bad |= V.MTIME;
      if (flags & V.USER && st.uid !== expect.uid) bad |= V.USER;
      if (flags & V.GROUP && st.gid !== expect.gid) bad |= V.GROUP;
      if (bad) problems.push({ kind: 'changed', path: f.path, package: inst.nevra, flags: ATTRS.map(([c, b]) => (bad & b ? c : '.')).join(''), config });
    }
  }
  problems.push(...unownedFiles(fs, ownedDirs, owned, [dbpath, MANIFEST_DIR, ...(opts.allowUnowned ?? [])]));
  return { ok: problems.length === 0, source, packages: installed.length, files, problems };
}

/** Entries of package-owned directories that no package owns (the database's place excepted). */
function unownedFiles(fs: RootFs, ownedDirs: ReadonlySet<string>, owned: ReadonlySet<string>, allowed: readonly string[]): VerifyProblem[] {
  // An allowed path and everything under it; its parents only as themselves (the database
  // directory may sit in a package directory without the rest of that directory being allowed).
  const subtree: string[] = [];
  const exact = new Set<string>();
  for (const a of allowed) {
    const parts = a.split('/').filter(Boolean);
    try {
      subtree.push(fs.hostPath(`/${parts.join('/')}`, { followFinal: true }));
      for (let k = parts.length; k > 0; k--) exact.add(fs.hostPath(`/${parts.slice(0, k).join('/')}`));
    } catch {
      // An allowance that cannot be resolved allows nothing.
    }
  }
  const isAllowed = (h: string): boolean => exact.has(h) || subtree.some((a) => h === a || h.startsWith(`${a}/`));
  // Directories rpm created for a package's files without the package owning them ("implied"
  // directories such as /usr/share/foo in a package that lists only /usr/share/foo/bar) belong to
  // it as much: they are scanned, and are not extra themselves.
  const implied = new Set<string>();
  for (const h of owned) {
    for (let d = dirname(h); d.length > fs.root.length && !implied.has(d); d = dirname(d)) implied.add(d);
  }
  const out: VerifyProblem[] = [];
  for (const dir of [...new Set([...ownedDirs, ...implied])].sort()) {
    if (!lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
    for (const name of readdirSync(dir).sort()) {
      const h = join(dir, name);
      if (owned.has(h) || implied.has(h) || isAllowed(h)) continue;
      out.push({ kind: 'unowned', path: h === fs.root ? '/' : h.slice(fs.root.length), detail: 'not owned by any package' });
    }
  }
  return out;
}
