// writeWslImage: an image root → the WSL root filesystem, a gzip tar with the root's contents at
// the top level (`etc/`, `usr/`, … as `tar -C root -c *` gives). The same bytes serve as
// `<name>.tar.gz` (`wsl --import`) and `<name>.wsl` (WSL ≥ 2.4.4: `wsl --install --from-file`,
// double-click). /etc/wsl.conf and /etc/wsl-distribution.conf are added in the archive when the
// root has none; the root on disk is never changed.

import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, readlink, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { type ExtraFile, TarWriteError, sourceDateEpoch, walkTree, writeTarball } from '../tar/index.ts';
import { WslImageError, type WslDistributionSettings, wslConf, wslDistributionConf } from './conf.ts';

export interface WslImageOptions extends WslDistributionSettings {
  root: string;
  /** The output file; ".wsl" or ".tar.gz" (same content). */
  output: string;
  /** Reproducible builds: clamps mtimes (and dates the generated files). Default: $SOURCE_DATE_EPOCH. */
  sourceDateEpoch?: number;
  /** Clamp file mtimes to sourceDateEpoch (default true); false keeps the root's (package) mtimes. */
  clampMtimes?: boolean;
  /** [boot] systemd in a generated wsl.conf; default: whether the root has /sbin/init. */
  systemd?: boolean;
  gzipLevel?: number;
  xattrs?: 'image' | 'none';
}

export interface WslImageResult {
  path: string;
  /** "sha256:<hex>" of the file (what a WSL manifest's Sha256 and provenance subjects use). */
  digest: string;
  size: number;
  tarDigest: string;
  tarSize: number;
  entries: number;
  /** Files added in the archive ("etc/wsl.conf", "etc/wsl-distribution.conf"). */
  generated: string[];
  /** Things WSL's validator would flag (no root user, no /bin/sh, …); the image is still written. */
  warnings: string[];
  /** Entries left out (sockets). */
  skipped: string[];
}

/**
 * Follows `path` inside `root` the way the image itself would see it (absolute link targets are
 * rooted at `root`, `..` stops at it). Returns the host path of the final file, or undefined.
 */
export async function resolveInRoot(root: string, path: string): Promise<string | undefined> {
  const pending = path.split('/').filter((c) => c !== '' && c !== '.');
  const done: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const c = pending.shift()!;
    if (c === '..') {
      done.pop();
      continue;
    }
    const host = join(root, ...done, c);
    const st = await lstat(host).catch(() => undefined);
    if (!st) return undefined;
    if (st.isSymbolicLink()) {
      if (++hops > 40) return undefined;
      const target = await readlink(host);
      if (target.startsWith('/')) done.length = 0;
      pending.unshift(...target.split('/').filter((x) => x !== '' && x !== '.'));
      continue;
    }
    done.push(c);
  }
  return join(root, ...done);
}

async function isFile(root: string, path: string): Promise<boolean> {
  const host = await resolveInRoot(root, path);
  return host !== undefined && (await lstat(host)).isFile();
}

/** What WSL's distribution validator checks in a root, as warnings. */
async function rootWarnings(root: string, systemd: boolean): Promise<string[]> {
  const warnings: string[] = [];
  const passwd = await resolveInRoot(root, '/etc/passwd');
  const text = passwd ? await readFile(passwd, 'utf8').catch(() => '') : '';
  if (!text.split('\n').some((l) => /^root:[^:]*:0:/.test(l))) warnings.push('/etc/passwd has no root user (uid 0)');
  if (!(await isFile(root, '/bin/sh'))) warnings.push('/bin/sh is missing');
  if (systemd && !(await isFile(root, '/sbin/init'))) warnings.push('wsl.conf enables systemd but /sbin/init is missing');
  return warnings;
}

/** Builds the WSL root filesystem archive for `opts.root`. */
export async function writeWslImage(opts: WslImageOptions): Promise<WslImageResult> {
  const root = resolve(opts.root);
  const rootStat = await lstat(root).catch(() => undefined);
  if (!rootStat?.isDirectory()) throw new WslImageError(`${opts.root}: not a directory`);
  if (!(await isFile(root, '/etc/os-release')) && !(await isFile(root, '/usr/lib/os-release'))) {
    throw new WslImageError(`${opts.root}: no /etc/os-release or /usr/lib/os-release (WSL names and shows the distribution from it)`);
  }
  let sde: number | undefined;
  try {
    sde = sourceDateEpoch(opts.sourceDateEpoch);
  } catch (e) {
    throw new WslImageError((e as Error).message);
  }
  for (const [field, p] of [['oobeCommand', opts.oobeCommand], ['shortcutIcon', opts.shortcutIcon], ['terminalProfileTemplate', opts.terminalProfileTemplate]] as const) {
    if (p !== undefined && !(await isFile(root, p))) throw new WslImageError(`${field}: ${p} is not a file in the image root`);
  }

  const extras: ExtraFile[] = [];
  const generated: string[] = [];
  const warnings: string[] = [];
  const systemd = opts.systemd ?? (await isFile(root, '/sbin/init'));
  if (await resolveInRoot(root, '/etc/wsl-distribution.conf')) {
    warnings.push('the root has its own /etc/wsl-distribution.conf; it is kept and the distribution settings given are not used');
  } else {
    extras.push({ path: 'etc/wsl-distribution.conf', content: wslDistributionConf(opts), ...(sde !== undefined ? { mtime: sde } : {}) });
  }
  if (!(await resolveInRoot(root, '/etc/wsl.conf'))) extras.push({ path: 'etc/wsl.conf', content: wslConf(systemd), ...(sde !== undefined ? { mtime: sde } : {}) });
  for (const x of extras) generated.push(x.path);
  if (extras.length > 0 && !(await lstat(join(root, 'etc')).then((s) => s.isDirectory(), () => false))) {
    throw new WslImageError(`${opts.root}: /etc is not a directory`);
  }
  warnings.push(...(await rootWarnings(root, systemd)));

  const dest = resolve(opts.output);
  await mkdir(dirname(dest), { recursive: true });
  const tmp = join(dirname(dest), `.${basename(dest)}.tmp-${randomBytes(4).toString('hex')}`);
  const skipped: string[] = [];
  try {
    const items = walkTree(root, { sourceDateEpoch: opts.clampMtimes === false ? undefined : sde, xattrs: opts.xattrs, extraFiles: extras, onSkip: (p) => skipped.push(p) });
    const t = await writeTarball(items, { gzipPath: tmp, gzipLevel: opts.gzipLevel });
    await rename(tmp, dest);
    return {
      path: dest, digest: t.gzipDigest, size: t.gzipSize, tarDigest: t.tarDigest, tarSize: t.tarSize, entries: t.entries,
      generated, warnings, skipped,
    };
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof TarWriteError) throw new WslImageError(e.message);
    throw e;
  }
}
