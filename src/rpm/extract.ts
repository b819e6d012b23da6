// Safe extraction of a package's files into a directory.
// Hostile packages may name paths with "..", absolute archive names, or plant a symlink and then a file
// "through" it; none of that may write outside the destination. Extraction happens in a fresh sibling
// directory that is renamed into place only after every digest checked out, so a failure leaves nothing.

import { createHash } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { lstat, lutimes, mkdir, open, rename, rm, rmdir, readdir, symlink, chmod, link } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RpmFormatError, printable } from './header.ts';
import { type RpmFile, type RpmPackage, hardlinkGroups, describePackage } from './model.ts';
import { readRpmFileHeaders } from './package.ts';
import { payloadBytes, readPayload } from './payload.ts';
import { Tag } from './tags.ts';

/** FILEDIGESTALGO / PAYLOADDIGESTALGO ids (rpmpgp.h) → node:crypto names. */
export const DIGEST_ALGOS: Record<number, string> = {
  1: 'md5',
  2: 'sha1',
  8: 'sha256',
  9: 'sha384',
  10: 'sha512',
  11: 'sha224',
  12: 'sha3-256',
  14: 'sha3-512',
};

export interface ExtractResult {
  destination: string;
  files: number;
  directories: number;
  symlinks: number;
  hardlinks: number;
  bytes: number;
  /** Entries not created (device nodes, fifos, sockets) with the reason. */
  skipped: Array<{ path: string; reason: string }>;
}

/** Splits a header path into safe components, refusing anything that could leave the root. */
export function safeComponents(path: string): string[] {
  if (path.includes('\0')) throw new RpmFormatError(`refusing path with NUL byte`);
  const parts = path.split('/');
  if (parts[0] === '') parts.shift();
  if (parts.length === 0 || (parts.length === 1 && parts[0] === '')) throw new RpmFormatError(`refusing empty path ${printable(path)}`);
  for (const p of parts) {
    if (p === '..') throw new RpmFormatError(`refusing path with "..": ${printable(path)}`);
    if (p === '' || p === '.') throw new RpmFormatError(`refusing non-canonical path: ${printable(path)}`);
  }
  return parts;
}

class SafeTree {
  private readonly root: string;
  /** Directories known to be real directories under root (created by us or checked). */
  private readonly dirs = new Set<string>();

  constructor(root: string) {
    this.root = root;
    this.dirs.add('');
  }

  /** Ensures every parent of `parts` is a real directory (never a symlink) and returns the full path. */
  async prepare(parts: string[]): Promise<string> {
    let rel = '';
    for (let i = 0; i < parts.length - 1; i++) {
      rel = rel ? `${rel}/${parts[i]}` : parts[i];
      if (this.dirs.has(rel)) continue;
      const full = join(this.root, rel);
      const st = await lstat(full).catch(() => undefined);
      if (st?.isSymbolicLink()) throw new RpmFormatError(`refusing ${printable(`/${parts.join('/')}`)}: parent /${rel} is a symlink`);
      if (st && !st.isDirectory()) throw new RpmFormatError(`refusing ${printable(`/${parts.join('/')}`)}: parent /${rel} is not a directory`);
      if (!st) await mkdir(full, { mode: 0o755 });
      this.dirs.add(rel);
    }
    return join(this.root, ...parts);
  }

  markDir(parts: string[]): void {
    this.dirs.add(parts.join('/'));
  }
}

export interface ExtractOptions {
  /** Replace an existing non-empty destination (default: refuse). */
  force?: boolean;
}

/**
 * Extracts `rpmPath` into `dest`. Verifies the payload digest and every file digest on the way;
 * on any error nothing is left at `dest`.
 */
export async function extractPackage(rpmPath: string, dest: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  const h = await readRpmFileHeaders(rpmPath);
  const pkg = describePackage(h.header, h.signature);
  const existing = await lstat(dest).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new RpmFormatError(`${dest}: exists and is not a directory`);
  if (existing && !opts.force && (await readdir(dest)).length > 0) {
    throw new RpmFormatError(`${dest}: directory is not empty (use --force to replace it)`);
  }
  const tmp = join(dirname(dest), `.${basename(dest)}.strata-${process.pid}-${Date.now()}`);
  await mkdir(tmp, { mode: 0o755 });
  try {
    const digest = { value: h.header.strings(Tag.PAYLOADDIGEST)[0], algo: h.header.number(Tag.PAYLOADDIGESTALGO) ?? 8 };
    const result = await extractInto(rpmPath, h.payloadOffset, digest, pkg, tmp);
    if (existing) {
      if (opts.force) await rm(dest, { recursive: true, force: true });
      else await rmdir(dest);
    }
    await rename(tmp, dest);
    return { ...result, destination: dest };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function extractInto(
  rpmPath: string,
  payloadOffset: number,
  payloadDigest: { value: string | undefined; algo: number },
  pkg: RpmPackage,
  root: string,
): Promise<Omit<ExtractResult, 'destination'>> {
  const tree = new SafeTree(root);
  const result = { files: 0, directories: 0, symlinks: 0, hardlinks: 0, bytes: 0, skipped: [] as ExtractResult['skipped'] };
  const files = pkg.files;
  const algo = DIGEST_ALGOS[pkg.fileDigestAlgo];
  if (!algo && files.some((f) => f.digest)) {
    throw new RpmFormatError(`unsupported file digest algorithm ${pkg.fileDigestAlgo}`);
  }
  // Hard link sets: members written before the data-carrying one are linked once it exists.
  const groupOf = new Map<number, number[]>();
  for (const g of hardlinkGroups(files)) for (const i of g) groupOf.set(i, g);
  const written = new Map<number, string>();
  const pending = new Map<number, string[]>();
  const dirModes: Array<[string, number, number]> = [];
  const timestamps: Array<[string, number]> = [];

  // The payload digest is checked before any byte reaches a decompressor: with a verified header
  // (signature/SHA256), this makes everything after it trusted too.
  if (payloadDigest.value) {
    const name = DIGEST_ALGOS[payloadDigest.algo];
    if (!name) throw new RpmFormatError(`unsupported payload digest algorithm ${payloadDigest.algo}`);
    const hash = createHash(name);
    for await (const c of payloadBytes(rpmPath, payloadOffset)) hash.update(c);
    const got = hash.digest('hex');
    if (got !== payloadDigest.value) {
      throw new RpmFormatError(`payload digest mismatch (expected ${payloadDigest.value}, got ${got})`);
    }
  }

  for await (const e of readPayload(pkg, payloadBytes(rpmPath, payloadOffset))) {
    const f = e.file;
    const parts = safeComponents(f.path);
    const full = await tree.prepare(parts);
    const type = f.mode & 0o170000;
    if (type === 0o040000) {
      const st = await lstat(full).catch(() => undefined);
      if (st && !st.isDirectory()) throw new RpmFormatError(`refusing ${printable(f.path)}: exists and is not a directory`);
      if (!st) await mkdir(full, { mode: 0o755 });
      tree.markDir(parts);
      dirModes.push([full, f.mode & 0o1777, f.mtime]);
      result.directories++;
    } else if (type === 0o120000) {
      let target = '';
      for await (const c of e.content) target += Buffer.from(c).toString('utf8');
      if (target !== f.linkTo) throw new RpmFormatError(`${printable(f.path)}: symlink target in archive differs from header`);
      await symlink(f.linkTo, full);
      timestamps.push([full, f.mtime]);
      result.symlinks++;
    } else if (type === 0o100000) {
      const group = groupOf.get(e.index);
      if (group && e.entry.size === 0 && f.size > 0) {
        // A hard link whose data comes with another member of its set.
        const holder = group.find((i) => written.has(i));
        if (holder !== undefined) {
          await link(written.get(holder)!, full);
          result.hardlinks++;
        } else pending.set(e.index, [...(pending.get(e.index) ?? []), full]);
        continue;
      }
      const bytes = await writeFile(full, e.content, f, algo);
      result.bytes += bytes;
      result.files++;
      written.set(e.index, full);
      timestamps.push([full, f.mtime]);
      if (group) {
        for (const i of group) {
          for (const p of pending.get(i) ?? []) {
            await link(full, p);
            result.hardlinks++;
          }
          pending.delete(i);
        }
      }
    } else {
      result.skipped.push({ path: f.path, reason: 'device nodes, fifos and sockets are not created' });
    }
  }
  if (pending.size > 0) {
    const first = files[[...pending.keys()][0]].path;
    throw new RpmFormatError(`payload: hard link ${printable(first)} has no data in the archive`);
  }
  for (const [p, t] of timestamps) await lutimes(p, t, t);
  // Directory modes last (deepest first) so read-only directories don't block their own contents.
  for (const [p, mode, t] of dirModes.reverse()) {
    await chmod(p, mode);
    await lutimes(p, t, t);
  }
  return result;
}

async function writeFile(full: string, content: AsyncIterable<Uint8Array>, f: RpmFile, algo: string | undefined): Promise<number> {
  const fh = await open(full, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o600);
  const hash = f.digest && algo ? createHash(algo) : undefined;
  let n = 0;
  try {
    for await (const c of content) {
      hash?.update(c);
      await fh.write(c);
      n += c.length;
    }
    // Set-id bits are dropped: an extracted tree is data, not an installed system.
    await fh.chmod(f.mode & 0o1777);
  } finally {
    await fh.close();
  }
  if (hash) {
    const got = hash.digest('hex');
    if (got !== f.digest) throw new RpmFormatError(`${printable(f.path)}: file digest mismatch (expected ${f.digest}, got ${got})`);
  }
  return n;
}
