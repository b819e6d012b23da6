// Putting new metadata in place so that readers never see a half-written repository.
//
// New files have checksum-prefixed names, so they are written next to the old ones without
// disturbing anything; repomd.xml is the commit point and is replaced by rename(2), which is
// atomic. A reader sees either the old repomd.xml (whose files are still there) or the new one
// (whose files were fsynced before it). The signature is replaced just before repomd.xml: a reader
// whose two requests straddle that moment gets a signature mismatch and retries — it fails closed,
// never accepting mixed data. Old files are removed only after the switch (or kept with
// `retainOld`, for readers that fetched the previous repomd.xml a moment ago).
// A first publish builds the whole directory under a temporary name and renames it into place.

import { closeSync, fsyncSync, openSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.ts';
import { RepoFormatError } from '../model.ts';

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the renames are still atomic.
  }
}

/**
 * A lock against two publishers racing on one repository (like createrepo_c's .repodata/). A lock
 * left by a process that no longer runs is taken over.
 */
export async function lockRepository(root: string): Promise<() => Promise<void>> {
  const path = join(root, '.strata-publish.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return async () => rm(path, { force: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // The lock comes before the scan, so a missing directory is first noticed here.
      if (code === 'ENOENT') throw new RepoFormatError(`${root}: no such directory`);
      if (code === 'ENOTDIR') throw new RepoFormatError(`${root}: not a directory`);
      if (code !== 'EEXIST') throw new RepoFormatError(`${root}: cannot create lock file (${code})`);
      const { readFile } = await import('node:fs/promises');
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      let alive = false;
      if (Number.isInteger(pid) && pid > 0) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch (k) {
          alive = (k as NodeJS.ErrnoException).code === 'EPERM';
        }
      }
      if (alive) throw new RepoFormatError(`${root}: another publish (pid ${pid}) is running (lock ${path})`);
      await rm(path, { force: true });
    }
  }
  throw new RepoFormatError(`${root}: cannot take the publish lock ${path}`);
}

/** The directory new metadata files are written to before `commitRepodata`. */
export async function stagingDir(root: string): Promise<{ dir: string; fresh: boolean }> {
  const repodata = join(root, 'repodata');
  const st = await stat(repodata).catch(() => undefined);
  if (st?.isDirectory()) return { dir: repodata, fresh: false };
  if (st) throw new RepoFormatError(`${repodata}: exists and is not a directory`);
  // Leftovers of an interrupted first publish are ours to clear.
  for (const e of await readdir(root)) if (e.startsWith('.repodata.tmp-')) await rm(join(root, e), { recursive: true, force: true });
  const dir = join(root, `.repodata.tmp-${process.pid}`);
  await mkdir(dir, { mode: 0o755 });
  return { dir, fresh: true };
}

export interface CommitInput {
  root: string;
  staging: { dir: string; fresh: boolean };
  repomd: string;
  /** Armored detached signature of `repomd`, when signing. */
  signature?: string;
  /** Every file name under repodata/ the new repomd.xml refers to. */
  keep: Set<string>;
  /** Also keep the files the replaced repomd.xml referred to. */
  retain?: Set<string>;
}

export async function commitRepodata(c: CommitInput): Promise<void> {
  const { dir } = c.staging;
  if (c.signature !== undefined) await writeFileAtomic(join(dir, 'repomd.xml.asc'), c.signature);
  else await rm(join(dir, 'repomd.xml.asc'), { force: true });
  await writeFileAtomic(join(dir, 'repomd.xml'), c.repomd);
  fsyncDir(dir);
  if (c.staging.fresh) {
    await rename(dir, join(c.root, 'repodata'));
    fsyncDir(c.root);
    return;
  }
  for (const name of await readdir(dir)) {
    if (name === 'repomd.xml' || name === 'repomd.xml.asc' || c.keep.has(name) || c.retain?.has(name)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
  }
}
