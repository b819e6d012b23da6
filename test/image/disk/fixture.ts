// Content trees for the disk tests (ESP, /usr, ROOT) with what filesystem tools tend to get wrong:
// symlinks, hard links, owners, xattrs, names with spaces and quotes, mtimes on both sides of
// SOURCE_DATE_EPOCH. `reverse` creates the same tree in the opposite order, so a second build
// sees other inode numbers, ctimes and (on most filesystems) readdir order.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, linkSync, mkdirSync, readFileSync, readdirSync, lstatSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DiskSpec } from '../../../src/image/disk/index.ts';
import { hasTool } from '../../support/tools.ts';

export const SDE = 1_700_000_000;
export const isRoot = process.getuid?.() === 0;
export const canXattr = hasTool('setfattr') && hasTool('getfattr');

/** Deterministic pseudo-random bytes (incompressible, so sizes are real). */
export function noise(seed: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let off = 0, i = 0; off < length; i++) {
    off += createHash('sha256').update(`${seed}:${i}`).digest().copy(out, off);
  }
  return out;
}

type Item =
  | { kind: 'dir'; path: string; mtime?: number }
  | { kind: 'file'; path: string; data: Buffer | string; mtime?: number; uid?: number; xattr?: [string, string] }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'hardlink'; path: string; target: string };

export const OLD = SDE - 86400 * 365;

export const ESP_ITEMS: Item[] = [
  { kind: 'dir', path: 'EFI', mtime: OLD },
  { kind: 'dir', path: 'EFI/BOOT', mtime: OLD },
  { kind: 'file', path: 'EFI/BOOT/BOOTX64.EFI', data: noise('efi', 70_000), mtime: OLD },
  { kind: 'dir', path: 'loader', mtime: OLD },
  { kind: 'file', path: 'loader/loader.conf', data: 'timeout 3\n', mtime: OLD },
  { kind: 'dir', path: 'loader/entries', mtime: OLD },
  // Newer than SOURCE_DATE_EPOCH: must come out clamped.
  { kind: 'file', path: 'loader/entries/strata-a+3-0.conf', data: 'title Strata (A)\nlinux /vmlinuz\n' },
  { kind: 'file', path: 'loader/entries/strata-b+3-0.conf', data: 'title Strata (B)\nlinux /vmlinuz\n', mtime: OLD },
];

export const USR_ITEMS: Item[] = [
  { kind: 'dir', path: 'bin', mtime: OLD },
  { kind: 'file', path: 'bin/tool', data: noise('tool', 900_000), mtime: OLD },
  { kind: 'hardlink', path: 'bin/tool-alias', target: 'bin/tool' },
  { kind: 'symlink', path: 'bin/sh', target: 'tool' },
  { kind: 'dir', path: 'lib', mtime: OLD },
  { kind: 'file', path: 'lib/owned-by-1000', data: 'x\n', mtime: OLD, uid: 1000 },
  { kind: 'file', path: 'lib/with-xattr', data: 'y\n', mtime: OLD, xattr: ['user.strata', 'kept'] },
  { kind: 'file', path: 'lib/new-file', data: 'newer than the epoch\n' },
  { kind: 'dir', path: 'share/doc', mtime: OLD },
  { kind: 'file', path: 'share/doc/a name with "quotes" and spaces', data: 'q\n', mtime: OLD },
];

export const ROOT_ITEMS: Item[] = [
  { kind: 'dir', path: 'etc', mtime: OLD },
  { kind: 'file', path: 'etc/hostname', data: 'strata\n', mtime: OLD },
  { kind: 'file', path: 'etc/we"ird name', data: 'w\n', mtime: OLD },
  { kind: 'file', path: 'etc/owned-by-1000', data: 'o\n', mtime: OLD, uid: 1000 },
  { kind: 'dir', path: 'var/log', mtime: OLD },
  { kind: 'symlink', path: 'var/run', target: '../run' },
  { kind: 'file', path: 'var/lib/state', data: noise('state', 200_000) },
];

export function makeTree(dir: string, items: Item[], reverse = false): void {
  const list = reverse ? [...items].reverse() : items;
  for (const it of list) mkdirSync(join(dir, it.path, it.kind === 'dir' ? '.' : '..'), { recursive: true });
  const ordered = [...list.filter((i) => i.kind !== 'hardlink' && i.kind !== 'dir'), ...list.filter((i) => i.kind === 'hardlink')];
  for (const it of ordered) {
    const p = join(dir, it.path);
    if (it.kind === 'file') {
      writeFileSync(p, it.data);
      if (it.uid !== undefined && isRoot) chownSync(p, it.uid, it.uid);
      if (it.xattr && canXattr) spawnSync('setfattr', ['-n', it.xattr[0], '-v', it.xattr[1], p]);
      if (it.mtime !== undefined) utimesSync(p, it.mtime, it.mtime);
    } else if (it.kind === 'symlink') {
      symlinkSync(it.target, p);
    } else if (it.kind === 'hardlink') {
      linkSync(join(dir, it.target), p);
    }
  }
  // Directory mtimes last (creating entries changes them); parents after children.
  for (const it of [...items].reverse()) if (it.kind === 'dir' && it.mtime !== undefined) utimesSync(join(dir, it.path), it.mtime, it.mtime);
}

export function makeTrees(base: string, reverse = false): { esp: string; usr: string; root: string } {
  const t = { esp: join(base, 'esp'), usr: join(base, 'usr'), root: join(base, 'root') };
  makeTree(t.esp, ESP_ITEMS, reverse);
  makeTree(t.usr, USR_ITEMS, reverse);
  makeTree(t.root, ROOT_ITEMS, reverse);
  return t;
}

/** The immutable-host layout of the contract: ESP, USR-A(+verity), USR-B(+verity, empty), ROOT. */
export function hostSpec(trees: { esp: string; usr: string; root: string }, seed = 'disk-test'): DiskSpec {
  return {
    arch: 'x86_64',
    seed,
    sourceDateEpoch: SDE,
    partitions: [
      { label: 'ESP', type: 'esp', size: 40 * 1024 * 1024, content: { kind: 'vfat', dir: trees.esp, label: 'ESP' } },
      { label: 'USR-A', type: 'usr', content: { kind: 'erofs', dir: trees.usr, label: 'usr-a' }, attributes: 1n << 60n },
      { label: 'USR-A-verity', type: 'usr-verity', content: { kind: 'verity', of: 'USR-A' }, attributes: 1n << 60n },
      { label: 'USR-B', type: 'usr', sameSizeAs: 'USR-A', content: { kind: 'empty' }, attributes: (1n << 60n) | (1n << 63n) },
      { label: 'USR-B-verity', type: 'usr-verity', sameSizeAs: 'USR-A-verity', content: { kind: 'verity', of: 'USR-B' }, attributes: (1n << 60n) | (1n << 63n) },
      { label: 'ROOT', type: 'root', content: { kind: 'ext4', dir: trees.root, label: 'root' } },
    ],
  };
}

/** path → "d" | "l:<target>" | "f:<sha256>" for every entry under `dir`. */
export function describe(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(join(dir, r));
      if (st.isDirectory()) {
        out[r] = 'd';
        walk(r);
      } else if (st.isSymbolicLink()) {
        out[r] = 'l';
      } else {
        out[r] = `f:${createHash('sha256').update(readFileSync(join(dir, r))).digest('hex')}`;
      }
    }
  };
  walk('');
  return out;
}
