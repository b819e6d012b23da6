// Reading a disk image the way an administrator would, with util-linux, mtools and e2fsprogs, never
// with Strata's own code: the partition table from `sfdisk --json`, a partition copied out by its
// offset, FAT files through mtools, an ext4 root mounted through a loop device (or, where loop
// devices are unavailable, copied out with `debugfs rdump`, which keeps owners and modes).

import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';

export interface SfdiskPartition {
  node: string;
  start: number;
  size: number;
  type: string;
  uuid: string;
  name?: string;
  attrs?: string;
}

export interface SfdiskTable {
  label: string;
  id: string;
  sectorsize?: number;
  partitions: SfdiskPartition[];
}

export function run(cmd: string, args: string[], env: Record<string, string> = {}): { code: number; out: string; stdout: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8', ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`, stdout: r.stdout ?? '' };
}

export function sfdiskTable(raw: string): SfdiskTable {
  const r = run('sfdisk', ['--json', raw]);
  if (r.code !== 0) throw new Error(`sfdisk --json ${raw}: ${r.out}`);
  return (JSON.parse(r.stdout) as { partitiontable: SfdiskTable }).partitiontable;
}

/** Copies a partition's bytes (sfdisk's start/size in 512-byte sectors) to `out`. */
export function extractPartition(raw: string, p: SfdiskPartition, out: string, sectorSize = 512): void {
  const src = openSync(raw, 'r');
  const dst = openSync(out, 'w');
  try {
    const buf = Buffer.alloc(4 * 1024 * 1024);
    let pos = p.start * sectorSize;
    let left = p.size * sectorSize;
    while (left > 0) {
      const n = readSync(src, buf, 0, Math.min(buf.length, left), pos);
      if (n === 0) throw new Error(`${raw}: ends inside partition ${p.node}`);
      writeSync(dst, buf, 0, n);
      pos += n;
      left -= n;
    }
  } finally {
    closeSync(src);
    closeSync(dst);
  }
}

const MTOOLS_ENV = { MTOOLS_SKIP_CHECK: '1' };

/** A file of a FAT image, through mtools. */
export function fatRead(image: string, path: string): Buffer {
  const r = spawnSync('mtype', ['-i', image, `::${path}`], { env: { ...process.env, ...MTOOLS_ENV }, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`mtype ${path}: ${r.stderr.toString()}`);
  return r.stdout;
}

/** Names in a FAT directory, through mtools (`mdir -b` prints full paths). */
export function fatList(image: string, dir: string): string[] {
  const r = run('mdir', ['-b', '-i', image, `::${dir}`], MTOOLS_ENV);
  if (r.code !== 0) throw new Error(`mdir ${dir}: ${r.out}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^::/, '').replace(/\/$/, '').split('/').pop()!)
    .sort();
}

/** An ext4 image opened as a writable directory tree: a loop mount when possible, else a debugfs copy. */
export function openExt4(image: string, dir: string): { root: string; how: 'mount' | 'debugfs'; close: () => void } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const m = run('mount', ['-t', 'ext4', '-o', 'loop', image, dir]);
  if (m.code === 0) return { root: dir, how: 'mount', close: () => void run('umount', [dir]) };
  const d = run('debugfs', ['-R', `rdump / ${dir}`, image]);
  if (d.code !== 0) throw new Error(`neither mount (${m.out.trim()}) nor debugfs rdump (${d.out.trim()}) could open ${image}`);
  return { root: dir, how: 'debugfs', close: () => {} };
}
