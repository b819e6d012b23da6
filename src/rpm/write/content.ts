// First pass over file contents: SHA-256 digests (FILEDIGESTS, algo 8) and the file classes that
// rpmbuild's classifier derives. Files are streamed, never loaded whole.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { FileFlag } from '../model.ts';
import { HEAD_BYTES, classifyRegular, type FileClass } from './classify.ts';
import { PackInputError } from './deps.ts';
import { S_IFDIR, S_IFMT, S_IFREG, type TreeFile } from './tree.ts';

export interface PackFile extends TreeFile, FileClass {
  /** Hex SHA-256 of the content ("" for anything but non-ghost regular files). */
  digest: string;
}

async function readRegular(path: string, size: number, wantDigest: boolean): Promise<{ digest: string; head: Uint8Array }> {
  const hash = wantDigest ? createHash('sha256') : undefined;
  if (!wantDigest && size === 0) return { digest: '', head: new Uint8Array(0) };
  const head = new Uint8Array(Math.min(HEAD_BYTES, size));
  let got = 0;
  const stream = createReadStream(path, wantDigest ? {} : { end: Math.max(0, head.length - 1) });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (got < head.length) head.set(chunk.subarray(0, head.length - got), got);
    got += chunk.length;
    hash?.update(chunk);
    if (!wantDigest && got >= head.length) break;
  }
  if (wantDigest && got !== size) throw new PackInputError(`root: "${path}" changed size while being read`);
  return { digest: hash ? hash.digest('hex') : '', head: head.subarray(0, Math.min(got, head.length)) };
}

/** Digests and classifies every entry of a scanned tree, in order. */
export async function inspectFiles(files: readonly TreeFile[]): Promise<PackFile[]> {
  const out: PackFile[] = [];
  for (const f of files) {
    const type = f.mode & S_IFMT;
    const ghost = (f.flags & FileFlag.GHOST) !== 0;
    let cls: FileClass = { fileClass: '', color: 0 };
    let digest = '';
    if (type === S_IFDIR) cls = { fileClass: 'directory', color: 0 };
    else if (type === S_IFREG && f.diskPath) {
      // rpmbuild classifies existing %ghost files too, but only digests what it ships; files
      // under /dev/ are left unclassified (rpmfc.c treats them as %dev placeholders).
      const r = await readRegular(f.diskPath, f.size, !ghost);
      digest = r.digest;
      if (!f.path.startsWith('/dev/')) cls = classifyRegular(r.head, f.size, (f.mode & 0o111) !== 0);
    }
    out.push({ ...f, ...cls, digest });
  }
  return out;
}
