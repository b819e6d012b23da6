// Source tarballs for archive overlays: safe extraction and deterministic repacking.
//
// Extraction refuses anything that could write outside the work directory or that a repack would
// silently drop: absolute names, `..` segments, entries under a symlink, symlinks whose target is
// absolute or leaves the tree, hardlinks, devices, FIFOs and other special entries.
// Repacking follows azldev (internal/utils/archive): entries in name order, directories before
// their contents, mtime 0, owner 0/0 without names, GNU-format headers, the original compression
// (sniffed from the file's first bytes, as azldev does). Permission bits are the archived ones
// masked to 0777. Compression: gzip and zstd via node:zlib at their default levels (azldev uses
// gzip level 9: 2-3x slower for ~1% smaller output), xz (-6, single-threaded) and bzip2 (-9) via
// the system tools; the same input and tool versions give the same bytes, so the post-overlay hash
// in `source-files` is stable. (Byte-identity with azldev's Go compressors is not possible: an
// archive hash recorded by azldev does not match Strata's repack and must be re-recorded.)

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, readlink, rm, symlink, unlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip, createZstdCompress, createZstdDecompress } from 'node:zlib';
import { TAR_END, padding, readTar, tarHeaderBlocks } from './tar.ts';

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

export type ArchiveCompression = 'gz' | 'xz' | 'zstd' | 'bz2' | 'none';

/** Per-entry size cap (as azldev): refuses decompression bombs. */
const MAX_ENTRY_BYTES = 10 * 1024 ** 3;

export function sniffCompression(head: Uint8Array): ArchiveCompression {
  const b = head;
  if (b[0] === 0x1f && b[1] === 0x8b) return 'gz';
  if (b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return 'zstd';
  if (b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58 && b[4] === 0x5a && b[5] === 0x00) return 'xz';
  if (b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68) return 'bz2';
  return 'none';
}

export async function fileCompression(path: string): Promise<ArchiveCompression> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(6);
    const { bytesRead } = await fh.read(head, 0, 6, 0);
    return sniffCompression(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** Runs a filter program, piping `input` in; resolves with its stdout stream's completion handled by the caller. */
function toolStream(prog: string, args: string[]) {
  const child = spawn(prog, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    if (err.length < 300) err += d.toString();
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(new ArchiveError(e.code === 'ENOENT' ? `needs the ${prog} program` : `${prog}: ${e.message}`)),
    );
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new ArchiveError(`${prog} failed: ${err.trim().split('\n')[0] || `exit ${code}`}`)),
    );
  });
  // Errors surface through `exited`; a closed pipe must not crash the process.
  child.stdin.on('error', () => {});
  return { stdin: child.stdin as Writable, stdout: child.stdout as Readable, exited };
}

/** The decompressed bytes of an archive as a stream, and a promise that settles when decoding ends. */
function decompressedStream(path: string, comp: ArchiveCompression): { stream: Readable; done: Promise<void> } {
  const file = createReadStream(path);
  if (comp === 'none') return { stream: file, done: Promise.resolve() };
  if (comp === 'gz' || comp === 'zstd') {
    const dec = comp === 'gz' ? createGunzip() : createZstdDecompress();
    // Errors reach the reader through `dec`; closing `dec` early releases the file.
    file.on('error', (e) => dec.destroy(e));
    dec.on('close', () => file.destroy());
    file.pipe(dec);
    return { stream: dec, done: Promise.resolve() };
  }
  const tool = toolStream(comp === 'xz' ? 'xz' : 'bzip2', ['-d', '-c', '-q']);
  const fed = pipeline(file, tool.stdin);
  const done = Promise.all([fed, tool.exited]).then(() => {});
  // Awaited by the caller once reading ends; until then a failure must not count as unhandled.
  done.catch(() => {});
  return { stream: tool.stdout, done };
}

function safeEntryName(raw: string): string | undefined {
  if (raw.startsWith('/')) throw new ArchiveError(`entry ${JSON.stringify(raw)} has an absolute path`);
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new ArchiveError(`entry ${JSON.stringify(raw)} climbs out of the archive with ".."`);
  if (parts.some((p) => p.includes('\0'))) throw new ArchiveError(`entry ${JSON.stringify(raw)} has a NUL byte`);
  return parts.length === 0 ? undefined : parts.join('/');
}

export interface ExtractedTree {
  /** Archived permission bits (masked to 0777) per path; on disk everything is owner-writable. */
  modes: Map<string, number>;
}

/**
 * Extracts `archivePath` into the empty directory `dest`. Throws ArchiveError for unsafe or
 * unsupported entries. Later duplicates of a file replace earlier ones (as tar does).
 */
export async function extractArchive(archivePath: string, dest: string): Promise<ExtractedTree> {
  const comp = await fileCompression(archivePath);
  const { stream, done } = decompressedStream(archivePath, comp);
  const modes = new Map<string, number>();
  const dirs = new Set<string>(['']);
  const links = new Set<string>();

  const ensureDir = async (rel: string): Promise<void> => {
    if (dirs.has(rel)) return;
    if (links.has(rel)) throw new ArchiveError(`entry path goes through symlink ${JSON.stringify(rel)}`);
    await ensureDir(posix.dirname(rel) === '.' ? '' : posix.dirname(rel));
    const st = await lstat(join(dest, rel)).catch(() => undefined);
    if (st && !st.isDirectory()) throw new ArchiveError(`${JSON.stringify(rel)} is both a file and a directory`);
    if (!st) await mkdir(join(dest, rel), { mode: 0o755 });
    await chmod(join(dest, rel), 0o755);
    dirs.add(rel);
    if (!modes.has(rel)) modes.set(rel, 0o755);
  };
  const clearSlot = async (rel: string): Promise<void> => {
    if (dirs.has(rel)) throw new ArchiveError(`${JSON.stringify(rel)} is both a directory and a file`);
    links.delete(rel);
    await unlink(join(dest, rel)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  };

  try {
    for await (const entry of readTar(stream)) {
      const rel = safeEntryName(entry.name);
      if (entry.kind === 'hardlink') throw new ArchiveError(`entry ${JSON.stringify(entry.name)} is a hardlink (not supported; repacking would lose it)`);
      if (entry.kind === 'other') {
        throw new ArchiveError(`entry ${JSON.stringify(entry.name)} has unsupported type ${JSON.stringify(entry.typeflag)} (only files, directories and symlinks)`);
      }
      if (rel === undefined) {
        if (entry.kind === 'dir') continue;
        throw new ArchiveError(`entry ${JSON.stringify(entry.name)} has an empty name`);
      }
      const parent = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
      await ensureDir(parent);
      const mode = entry.mode & 0o777;
      if (entry.kind === 'dir') {
        await ensureDir(rel);
        modes.set(rel, mode);
      } else if (entry.kind === 'symlink') {
        const target = entry.linkname;
        if (target === '' || target.startsWith('/')) throw new ArchiveError(`symlink ${JSON.stringify(entry.name)} has an absolute or empty target ${JSON.stringify(target)}`);
        const resolved = posix.normalize(posix.join(parent, target));
        if (resolved === '..' || resolved.startsWith('../')) throw new ArchiveError(`symlink ${JSON.stringify(entry.name)} points outside the archive (${JSON.stringify(target)})`);
        await clearSlot(rel);
        await symlink(target, join(dest, rel));
        links.add(rel);
        modes.set(rel, 0o777);
      } else {
        if (entry.size > MAX_ENTRY_BYTES) throw new ArchiveError(`entry ${JSON.stringify(entry.name)} is larger than ${MAX_ENTRY_BYTES} bytes`);
        await clearSlot(rel);
        // O_EXCL: never write through anything already at this path.
        const fh = await open(join(dest, rel), 'wx', 0o600);
        try {
          await entry.readBody(async (chunk) => {
            await fh.write(chunk);
          });
        } finally {
          await fh.close();
        }
        await chmod(join(dest, rel), mode | 0o600);
        modes.set(rel, mode);
      }
    }
  } catch (e) {
    stream.destroy();
    await done.catch(() => {});
    if (e instanceof ArchiveError) throw e;
    throw new ArchiveError(`cannot read archive: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    await done;
  } catch (e) {
    throw new ArchiveError(`cannot read archive: ${(e as Error).message.split('\n')[0]}`);
  }
  // Each target was checked as written, but only lexically: through other links (c -> ".", then
  // b -> "c/..") or links replaced later, a target can still lead out. Check the finished tree.
  for (const rel of [...links].sort()) {
    const where = await resolveInTree(dest, rel);
    if (where !== 'inside') {
      const target = await readlink(join(dest, rel));
      throw new ArchiveError(`symlink ${JSON.stringify(rel)} ${where === 'loop' ? 'is part of a symlink loop' : 'points outside the archive'} (${JSON.stringify(target)})`);
    }
  }
  return { modes };
}

/**
 * Follows `rel` inside `dest` as the kernel would (each symlink replaced by its target, `..` taken
 * after the link is resolved); a missing component is taken as a plain directory.
 */
async function resolveInTree(dest: string, rel: string): Promise<'inside' | 'outside' | 'loop'> {
  const todo = rel.split('/');
  const at: string[] = [];
  for (let hops = 0; todo.length; ) {
    const part = todo.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (at.pop() === undefined) return 'outside';
      continue;
    }
    at.push(part);
    const path = join(dest, ...at);
    const st = await lstat(path).catch(() => undefined);
    if (!st?.isSymbolicLink()) continue;
    if (++hops > 40) return 'loop'; // the kernel's limit (ELOOP)
    const target = await readlink(path);
    if (target.startsWith('/')) return 'outside';
    at.pop();
    todo.unshift(...target.split('/'));
  }
  return 'inside';
}

/** azldev's extract root: the single top-level directory when there is exactly one entry and it is one. */
export async function extractRoot(dir: string): Promise<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  if (entries.length === 1 && entries[0].isDirectory()) return join(dir, entries[0].name);
  return dir;
}

async function* tarStream(root: string, modes: Map<string, number>): AsyncGenerator<Buffer> {
  async function* visit(rel: string): AsyncGenerator<Buffer> {
    const names = (await readdir(rel === '' ? root : join(root, rel))).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const name of names) {
      const p = rel === '' ? name : `${rel}/${name}`;
      const abs = join(root, p);
      const st = await lstat(abs);
      const mode = modes.get(p) ?? st.mode & 0o777;
      if (st.isDirectory()) {
        yield* tarHeaderBlocks({ name: `${p}/`, kind: 'dir', mode, size: 0 });
        yield* visit(p);
      } else if (st.isSymbolicLink()) {
        yield* tarHeaderBlocks({ name: p, kind: 'symlink', mode, size: 0, linkname: await readlink(abs) });
      } else if (st.isFile()) {
        yield* tarHeaderBlocks({ name: p, kind: 'file', mode, size: st.size });
        let written = 0;
        for await (const chunk of createReadStream(abs)) {
          written += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
        if (written !== st.size) throw new ArchiveError(`${p} changed while repacking`);
        yield Buffer.alloc(padding(st.size));
      } else {
        throw new ArchiveError(`${p}: cannot pack a special file`);
      }
    }
  }
  yield* visit('');
  yield TAR_END;
}

/**
 * Packs everything under `root` (top directory included) into `outPath` with `comp`,
 * deterministically. `modes` overrides on-disk permission bits (see ExtractedTree).
 */
export async function packArchive(root: string, outPath: string, comp: ArchiveCompression, modes: Map<string, number>): Promise<void> {
  const out = createWriteStream(outPath, { flags: 'wx', mode: 0o644 });
  const source = tarStream(root, modes);
  switch (comp) {
    case 'none':
      await pipeline(source, out);
      return;
    case 'gz':
      await pipeline(source, createGzip({ level: 6 }), out);
      return;
    case 'zstd':
      await pipeline(source, createZstdCompress(), out);
      return;
    case 'xz':
    case 'bz2': {
      const tool = comp === 'xz' ? toolStream('xz', ['-c', '-q', '-6', '-T1']) : toolStream('bzip2', ['-c', '-q', '-9']);
      await Promise.all([pipeline(source, tool.stdin), pipeline(tool.stdout, out), tool.exited]);
      return;
    }
  }
}

/** Hex digest of a file (SHA256 or SHA512, any case). */
export async function fileDigest(path: string, hashType: string): Promise<string> {
  const algo = hashType.toLowerCase().replace('-', '');
  if (algo !== 'sha256' && algo !== 'sha512') throw new ArchiveError(`unsupported hash type ${JSON.stringify(hashType)} (SHA256 or SHA512)`);
  const h = createHash(algo);
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Removes a directory tree, ignoring a missing one. */
export async function removeTree(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
