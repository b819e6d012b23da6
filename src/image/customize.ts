// Image customizations after the packages are installed: extra files, groups and users, the
// os-release variant, systemd units enabled or disabled. Every write goes through RootFs (the root's
// own symlinks resolved inside it), and every path touched is recorded with its digest in
// /usr/lib/strata/image.json, so `strata verify` can tell an intended change from tampering.

import { createHash } from 'node:crypto';
import { chmod, chown, lstat, lutimes, mkdir, readdir, readFile, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RootFs } from './install/index.ts';
import type { ImageDefinition } from './definition.ts';

export const IMAGE_RECORD = '/usr/lib/strata/image.json';

export class CustomizeError extends Error {
  override name = 'CustomizeError';
}

export interface Customization {
  path: string;
  /** sha256 of a file's content, or `symlink:<target>`. */
  digest: string;
}

export interface ImageRecord {
  name: string;
  variant?: string;
  customizations: Customization[];
}

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

interface Ctx {
  fs: RootFs;
  epoch: number;
  touched: Map<string, Customization>;
}

/**
 * Runs `change` on an entry of `hostDir` keeping the directory's mtime as it was (or the epoch, for a
 * directory just created), so the image stays byte-reproducible and matches its packages.
 */
async function keepingDirTime<T>(ctx: Ctx, hostDir: string, change: () => Promise<T>): Promise<T> {
  const before = await lstat(hostDir);
  const r = await change();
  await utimes(hostDir, before.atime, before.mtime);
  return r;
}

/**
 * ctx.fs.parent(path, create), restoring the mtime of the deepest existing ancestor if directories
 * had to be created under it.
 */
async function parentOf(ctx: Ctx, path: string): Promise<{ dir: string[]; name: string }> {
  const parts = path.split('/').filter(Boolean);
  let keep: { host: string; atime: Date; mtime: Date } | undefined;
  for (let i = parts.length - 1; i >= 0 && !keep; i--) {
    const host = i === 0 ? ctx.fs.root : ctx.fs.hostPath(`/${parts.slice(0, i).join('/')}`, { followFinal: true });
    const st = await lstat(host).catch(() => undefined);
    if (st?.isDirectory()) keep = { host, atime: st.atime, mtime: st.mtime };
  }
  const r = ctx.fs.parent(path, true);
  if (keep) await utimes(keep.host, keep.atime, keep.mtime);
  return r;
}

/** Sets the epoch on directories created to hold customizations (their parents keep their times). */
async function settleCreatedDirs(ctx: Ctx): Promise<void> {
  for (const d of [...ctx.fs.createdDirs].reverse()) await utimes(ctx.fs.hostPath(d), ctx.epoch, ctx.epoch).catch(() => {});
}

async function writeInRoot(ctx: Ctx, path: string, data: Uint8Array | string, mode: number, uid = 0, gid = 0): Promise<void> {
  const { dir, name } = await parentOf(ctx, path);
  const host = join(ctx.fs.host(dir), name);
  await keepingDirTime(ctx, ctx.fs.host(dir), () => writeReplacing(ctx, host, data, mode, uid, gid));
  ctx.fs.invalidate();
  ctx.touched.set(path, { path, digest: sha256(data) });
}

async function writeReplacing(ctx: Ctx, host: string, data: Uint8Array | string, mode: number, uid: number, gid: number): Promise<void> {
  const tmp = `${host}.strata-tmp`;
  await writeFile(tmp, data, { mode });
  await chmod(tmp, mode);
  await chown(tmp, uid, gid);
  await utimes(tmp, ctx.epoch, ctx.epoch);
  await rename(tmp, host);
}

async function symlinkInRoot(ctx: Ctx, path: string, target: string): Promise<void> {
  const { dir, name } = await parentOf(ctx, path);
  const host = join(ctx.fs.host(dir), name);
  await keepingDirTime(ctx, ctx.fs.host(dir), async () => {
    await rm(host, { force: true });
    await symlink(target, host);
    await lutimes(host, ctx.epoch, ctx.epoch);
  });
  ctx.fs.invalidate();
  ctx.touched.set(path, { path, digest: `symlink:${target}` });
}

async function readInRoot(ctx: Ctx, path: string): Promise<string | undefined> {
  return readFile(ctx.fs.hostPath(path, { followFinal: true }), 'utf8').catch(() => undefined);
}

/** Appends `line` to an account database unless an entry of that name exists. */
async function addAccount(ctx: Ctx, file: string, name: string, line: string, mode: number, required: boolean): Promise<void> {
  const text = await readInRoot(ctx, file);
  if (text === undefined) {
    if (required) throw new CustomizeError(`${file} does not exist in the image: install a package that provides it (a filesystem/setup package)`);
    return;
  }
  if (text.split('\n').some((l) => l.split(':')[0] === name)) return;
  await writeInRoot(ctx, file, `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${line}\n`, mode);
}

function unitInstallTargets(unitText: string): string[] {
  let inInstall = false;
  const out: string[] = [];
  for (const raw of unitText.split('\n')) {
    const l = raw.trim();
    if (l.startsWith('[')) inInstall = l === '[Install]';
    else if (inInstall) {
      const m = /^(WantedBy|RequiredBy)\s*=\s*(.*)$/.exec(l);
      if (m) for (const t of m[2].split(/\s+/).filter(Boolean)) out.push(`${t}.${m[1] === 'WantedBy' ? 'wants' : 'requires'}`);
    }
  }
  return out;
}

async function setVariant(ctx: Ctx, variant: string): Promise<void> {
  const text = (await readInRoot(ctx, '/etc/os-release')) ?? (await readInRoot(ctx, '/usr/lib/os-release'));
  if (text === undefined) throw new CustomizeError('variant: the image has no os-release (install the release package)');
  const kept = text.split('\n').filter((l) => l && !/^VARIANT(_ID)?=/.test(l));
  const pretty = variant.replace(/(^|[-_])(\w)/g, (_, s: string, c: string) => `${s ? ' ' : ''}${c.toUpperCase()}`);
  kept.push(`VARIANT="${pretty}"`, `VARIANT_ID=${variant}`);
  await writeInRoot(ctx, '/etc/os-release', `${kept.join('\n')}\n`, 0o644);
}

/** Applies the definition's customizations to `root` and writes the image record. */
export async function customizeRoot(root: string, def: ImageDefinition, epoch: number): Promise<ImageRecord> {
  const ctx: Ctx = { fs: new RootFs(root), epoch, touched: new Map() };
  for (const g of def.groups) await addAccount(ctx, '/etc/group', g.name, `${g.name}:x:${g.gid}:`, 0o644, true);
  for (const u of def.users) {
    const gid = u.gid ?? def.groups.find((g) => g.name === u.group)?.gid ?? u.uid;
    const home = u.home ?? `/home/${u.name}`;
    if (!def.groups.some((g) => g.gid === gid)) await addAccount(ctx, '/etc/group', u.group ?? u.name, `${u.group ?? u.name}:x:${gid}:`, 0o644, true);
    await addAccount(ctx, '/etc/passwd', u.name, `${u.name}:x:${u.uid}:${gid}:${u.gecos ?? ''}:${home}:${u.shell ?? '/bin/sh'}`, 0o644, true);
    await addAccount(ctx, '/etc/shadow', u.name, `${u.name}:!:${Math.floor(epoch / 86400)}::::::`, 0o000, false);
    const { dir, name } = await parentOf(ctx, home);
    const hostHome = join(ctx.fs.host(dir), name);
    await keepingDirTime(ctx, ctx.fs.host(dir), () => mkdir(hostHome, { recursive: true, mode: 0o700 }));
    await chown(hostHome, u.uid, gid);
    await chmod(hostHome, 0o700);
    await utimes(hostHome, epoch, epoch);
    ctx.touched.set(home, { path: home, digest: 'directory' });
  }
  for (const f of def.files) {
    const data = await readFile(f.source).catch((e: NodeJS.ErrnoException) => {
      throw new CustomizeError(`files: ${f.source}: ${e.code ?? e.message}`);
    });
    const lookup = async (db: string, name: string | undefined): Promise<number> => {
      if (!name || name === 'root') return 0;
      const line = (await readInRoot(ctx, db))?.split('\n').find((l) => l.split(':')[0] === name);
      if (!line) throw new CustomizeError(`files: ${f.path}: "${name}" is not in the image's ${db}`);
      return Number(line.split(':')[2]);
    };
    await writeInRoot(ctx, f.path, data, f.mode ?? 0o644, await lookup('/etc/passwd', f.owner), await lookup('/etc/group', f.group));
  }
  if (def.variant) await setVariant(ctx, def.variant);
  for (const unit of def.systemd.enable) {
    const unitPath = ['/etc/systemd/system', '/usr/lib/systemd/system'].map((d) => `${d}/${unit}`);
    let text: string | undefined;
    let found = '';
    for (const p of unitPath) if (text === undefined && (text = await readInRoot(ctx, p)) !== undefined) found = p;
    if (text === undefined) throw new CustomizeError(`systemd: unit ${unit} is not in the image`);
    const targets = unitInstallTargets(text);
    if (!targets.length) throw new CustomizeError(`systemd: ${unit} has no [Install] WantedBy= or RequiredBy=`);
    for (const t of targets) await symlinkInRoot(ctx, `/etc/systemd/system/${t}/${unit}`, found);
  }
  for (const unit of def.systemd.disable) {
    for (const dir of ['/etc/systemd/system']) {
      const host = ctx.fs.hostPath(dir);
      const entries = await readdir(host).catch(() => [] as string[]);
      for (const d of entries.filter((e) => e.endsWith('.wants') || e.endsWith('.requires'))) {
        const link = join(host, d, unit);
        if ((await lstat(link).catch(() => undefined))?.isSymbolicLink()) {
          await keepingDirTime(ctx, join(host, d), () => rm(link));
          ctx.touched.set(`${dir}/${d}/${unit}`, { path: `${dir}/${d}/${unit}`, digest: 'removed' });
        }
      }
    }
  }
  const record: ImageRecord = { name: def.name, ...(def.variant ? { variant: def.variant } : {}), customizations: [...ctx.touched.values()].sort((a, b) => (a.path < b.path ? -1 : 1)) };
  const json = `${JSON.stringify(record, null, 2)}\n`;
  const { dir, name } = await parentOf(ctx, IMAGE_RECORD);
  const host = join(ctx.fs.host(dir), name);
  await keepingDirTime(ctx, ctx.fs.host(dir), () => writeFile(host, json, { mode: 0o644 }));
  await utimes(host, epoch, epoch);
  await settleCreatedDirs(ctx);
  return record;
}
