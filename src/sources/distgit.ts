// Dist-git: clone a package's git repository and pin it to the commit a component is locked to.
// Commit resolution follows azldev: an explicit pin wins, else the last commit on the distro branch
// before the snapshot time, else the branch head.

import { execFile } from 'node:child_process';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class DistGitError extends Error {
  override name = 'DistGitError';
}

async function git(args: string[], what: string): Promise<string> {
  try {
    const { stdout } = await run('git', args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    return stdout.trim();
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    const last = (err.stderr ?? err.message).trim().split('\n').filter(Boolean).pop() ?? 'failed';
    throw new DistGitError(`${what}: ${last}`);
  }
}

export interface CommitQuery {
  /** A 7–40 hex commit pinned in config or the lock. */
  pin?: string;
  /** Branch on the dist-git remote (e.g. "f43"); default: the remote's HEAD. */
  branch?: string;
  /** RFC 3339 snapshot time: the last commit at or before it is chosen. */
  snapshot?: string;
}

/** The full commit id `q` resolves to in the clone at `repo`. */
export async function resolveCommit(repo: string, q: CommitQuery, what = repo): Promise<string> {
  if (q.pin) {
    if (!/^[0-9a-f]{7,40}$/i.test(q.pin)) throw new DistGitError(`${what}: upstream-commit "${q.pin}" is not 7–40 hex digits`);
    return git(['-C', repo, 'rev-parse', '--verify', '--quiet', `${q.pin}^{commit}`], `${what}: commit ${q.pin}`);
  }
  const ref = q.branch ? `origin/${q.branch}` : 'HEAD';
  if (q.snapshot) {
    const c = await git(['-C', repo, 'rev-list', '-1', `--before=${q.snapshot}`, ref], `${what}: ${ref} before ${q.snapshot}`);
    if (!c) throw new DistGitError(`${what}: no commit on ${ref} before the snapshot ${q.snapshot}`);
    return c;
  }
  return git(['-C', repo, 'rev-parse', '--verify', `${ref}^{commit}`], `${what}: ${ref}`);
}

/**
 * Clones `url` into `dest` (which must not exist) and checks out the commit `q` resolves to; returns
 * that commit. The clone happens beside `dest` and is renamed into place only when complete.
 */
export async function cloneDistGit(url: string, dest: string, q: CommitQuery, what = url): Promise<string> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.clone-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  try {
    await git(['clone', '--quiet', '--no-checkout', url, tmp], `${what}: git clone ${url}`);
    const commit = await resolveCommit(tmp, q, what);
    await git(['-C', tmp, '-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', commit], `${what}: checkout ${commit}`);
    await rename(tmp, dest);
    return commit;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** The commit `q` resolves to on the remote `url`, without keeping a checkout. */
export async function resolveRemoteCommit(url: string, q: CommitQuery, scratch: string, what = url): Promise<string> {
  const tmp = `${scratch}.resolve-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(dirname(tmp), { recursive: true });
  try {
    const args = ['clone', '--quiet', '--no-checkout', ...(q.branch ? ['--single-branch', '--branch', q.branch] : []), url, tmp];
    await git(args, `${what}: git clone ${url}`);
    return await resolveCommit(tmp, q, what);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
