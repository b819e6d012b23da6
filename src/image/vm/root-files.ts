// Files the VM image adds to its root, written the way customizeRoot writes (paths resolved inside
// the root, existing directories keep their times, new ones and the files get the epoch, so the
// root stays byte-reproducible) and recorded in the image record so `strata verify` takes them as
// intended rather than as tampering.

import { createHash } from 'node:crypto';
import { chmod, chown, lstat, mkdir, readFile, rename, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IMAGE_RECORD, type Customization, type ImageRecord } from '../customize.ts';
import { RootFs } from '../install/index.ts';

export interface RootFile {
  /** Absolute in-image path. */
  path: string;
  data: string | Uint8Array;
  mode: number;
}

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

class RootWriter {
  readonly fs: RootFs;
  readonly epoch: number;

  constructor(root: string, epoch: number) {
    this.fs = new RootFs(root);
    this.epoch = epoch;
  }

  /** Host path of `path`'s resolved parent, creating missing directories and keeping the nearest existing one's times. */
  async parent(path: string): Promise<string> {
    const parts = path.split('/').filter(Boolean);
    let keep: { host: string; atime: Date; mtime: Date } | undefined;
    for (let i = parts.length - 1; i >= 0 && !keep; i--) {
      const host = i === 0 ? this.fs.root : this.fs.hostPath(`/${parts.slice(0, i).join('/')}`, { followFinal: true });
      const st = await lstat(host).catch(() => undefined);
      if (st?.isDirectory()) keep = { host, atime: st.atime, mtime: st.mtime };
    }
    const { dir } = this.fs.parent(path, true);
    if (keep) await utimes(keep.host, keep.atime, keep.mtime);
    return this.fs.host(dir);
  }

  /** Runs `change` inside `dir`, then puts the directory's times back. */
  async keepingTimes<T>(dir: string, change: () => Promise<T>): Promise<T> {
    const before = await lstat(dir);
    const r = await change();
    await utimes(dir, before.atime, before.mtime);
    return r;
  }

  async write(f: RootFile): Promise<void> {
    const dir = await this.parent(f.path);
    const host = join(dir, f.path.split('/').pop()!);
    const tmp = `${host}.strata-tmp`;
    await this.keepingTimes(dir, async () => {
      await writeFile(tmp, f.data, { mode: f.mode });
      await chmod(tmp, f.mode);
      await chown(tmp, 0, 0);
      await utimes(tmp, this.epoch, this.epoch);
      await rename(tmp, host);
    });
    this.fs.invalidate();
  }

  /** A directory (mount point), root-owned 0755 at the epoch when it is new. */
  async directory(path: string): Promise<boolean> {
    const dir = await this.parent(path);
    const host = join(dir, path.split('/').pop()!);
    if ((await lstat(host).catch(() => undefined))?.isDirectory()) return false;
    await this.keepingTimes(dir, () => mkdir(host, { mode: 0o755 }));
    await chmod(host, 0o755);
    await utimes(host, this.epoch, this.epoch);
    this.fs.invalidate();
    return true;
  }

  async settleCreatedDirs(): Promise<void> {
    for (const d of [...this.fs.createdDirs].reverse()) await utimes(this.fs.hostPath(d), this.epoch, this.epoch).catch(() => {});
  }
}

/**
 * Writes `files` and makes the missing `directories` in the root, and adds them to the image record
 * (created when the root has none, named `imageName`). Returns the in-image paths written or made.
 */
export async function addRootFiles(root: string, imageName: string, files: readonly RootFile[], directories: readonly string[], epoch: number): Promise<string[]> {
  const w = new RootWriter(root, epoch);
  const created: string[] = [];
  for (const d of directories) if (await w.directory(d)) created.push(d);
  for (const f of files) await w.write(f);
  // Parents made on the way (e.g. /etc/pki/rpm-gpg) are the image's too.
  for (const d of w.fs.createdDirs) if (!created.includes(d)) created.push(d);
  const recordHost = join(root, ...IMAGE_RECORD.split('/').filter(Boolean));
  const text = await readFile(recordHost, 'utf8').catch(() => undefined);
  const record: ImageRecord = text ? (JSON.parse(text) as ImageRecord) : { name: imageName, customizations: [] };
  const byPath = new Map<string, Customization>(record.customizations.map((c) => [c.path, c]));
  for (const d of created) if (!byPath.has(d)) byPath.set(d, { path: d, digest: 'directory' });
  for (const f of files) byPath.set(f.path, { path: f.path, digest: sha256(f.data) });
  record.customizations = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  await w.write({ path: IMAGE_RECORD, data: `${JSON.stringify(record, null, 2)}\n`, mode: 0o644 });
  await w.settleCreatedDirs();
  return [...created, ...files.map((f) => f.path)];
}
