// What overlays did to a component: the file-by-file difference of two trees (before → after), with a
// unified diff for text files. Diff text comes from GNU diff (always present with the toolchain),
// so its format is the one every reviewer already reads.

import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type FileStatus = 'added' | 'removed' | 'modified' | 'type-changed';

export interface FileDiff {
  path: string;
  status: FileStatus;
  binary: boolean;
  /** Unified diff with ---/+++ headers; empty for binary and special files (see message). */
  diff: string;
  message?: string;
}

type Kind = 'file' | 'symlink' | 'other';

/** Relative path → kind for every non-directory under `root`; `.git/` is not part of the sources. */
async function listTree(root: string): Promise<Map<string, Kind>> {
  const out = new Map<string, Kind>();
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (p !== '.git') await walk(p);
      } else out.set(p, e.isFile() ? 'file' : e.isSymbolicLink() ? 'symlink' : 'other');
    }
  };
  await walk('');
  return out;
}

const isBinary = (b: Buffer): boolean => b.subarray(0, 8192).includes(0);

async function unifiedDiff(a: string | undefined, b: string | undefined, path: string): Promise<string> {
  const args = ['-u', '--label', `a/${path}`, '--label', `b/${path}`, a ?? '/dev/null', b ?? '/dev/null'];
  try {
    await run('diff', args, { maxBuffer: 256 * 1024 * 1024 });
    return '';
  } catch (e) {
    const err = e as { code?: number; stdout?: string; message: string };
    if (err.code === 1) return err.stdout ?? '';
    throw new Error(`diff ${path}: ${err.message.split('\n')[0]}`);
  }
}

async function content(root: string, rel: string, kind: Kind): Promise<Buffer> {
  const p = join(root, rel);
  return kind === 'symlink' ? Buffer.from(await readlink(p)) : readFile(p);
}

/** Every file that differs between `before` and `after`, in path order. */
export async function diffTrees(before: string, after: string): Promise<FileDiff[]> {
  const [a, b] = await Promise.all([listTree(before), listTree(after)]);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: FileDiff[] = [];
  for (const path of paths) {
    const ka = a.get(path);
    const kb = b.get(path);
    if (ka && kb && ka !== kb) {
      out.push({ path, status: 'type-changed', binary: false, diff: '', message: `${ka} → ${kb}` });
      continue;
    }
    const kind = (ka ?? kb)!;
    if (kind === 'other') {
      if (!ka || !kb) out.push({ path, status: ka ? 'removed' : 'added', binary: false, diff: '', message: 'special file' });
      continue;
    }
    const ca = ka ? await content(before, path, kind) : undefined;
    const cb = kb ? await content(after, path, kind) : undefined;
    if (ca && cb && ca.equals(cb)) continue;
    const status: FileStatus = !ka ? 'added' : !kb ? 'removed' : 'modified';
    if ((ca && isBinary(ca)) || (cb && isBinary(cb))) {
      out.push({ path, status, binary: true, diff: '', message: `binary file ${status}` });
      continue;
    }
    if (kind === 'symlink') {
      out.push({ path, status, binary: false, diff: '', message: `symlink ${ca ?? '(none)'} → ${cb ?? '(none)'}` });
      continue;
    }
    const diff = await unifiedDiff(ka ? join(before, path) : undefined, kb ? join(after, path) : undefined, path);
    out.push({ path, status, binary: false, diff });
  }
  return out;
}

