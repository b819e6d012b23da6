// FAT (the ESP) from a directory without mounting: mkfs.vfat --invariant with a volume id from the
// seed, then mtools (mmd, mcopy -m) adding directories and files in sorted order, so cluster
// allocation and directory order never depend on readdir. mtools takes "now" from
// SOURCE_DATE_EPOCH and writes local time, hence TZ=UTC (tool.ts). HOME points at the scratch
// directory so a ~/.mtoolsrc cannot change the result.

import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { DiskImageError, MiB, NO_SPACE, roundUp } from './model.ts';
import { runTool } from './tool.ts';
import { type TreeEntry, walkContent } from './tree.ts';

export interface VfatInput {
  dir: string;
  output: string;
  size?: number;
  label?: string;
  /** 8 hex digits. */
  volumeId: string;
  sourceDateEpoch: number;
  workDir: string;
  context: string;
}

const FORBIDDEN_NAME = /["*/:<>?\\|]/;

export function checkVfatLabel(label: string, context: string): void {
  if (label.length > 11 || !/^[\x20-\x7e]*$/.test(label)) {
    throw new DiskImageError(`${context}: FAT label "${label}" must be at most 11 ASCII characters`);
  }
  if (/["*+,./:;<=>?[\\\]|]/.test(label)) throw new DiskImageError(`${context}: FAT label "${label}" has a character FAT forbids`);
}

function checkTree(entries: TreeEntry[], context: string): void {
  const seen = new Map<string, string>();
  for (const e of entries) {
    if (e.type === 'symlink' || e.type === 'other') {
      throw new DiskImageError(`${context}: ${e.path} is a ${e.type === 'symlink' ? 'symbolic link' : 'special file'}; FAT holds only files and directories`);
    }
    const name = e.path.slice(e.path.lastIndexOf('/') + 1);
    if (FORBIDDEN_NAME.test(name) || [...name].some((c) => c.charCodeAt(0) < 0x20) || /[. ]$/.test(name)) throw new DiskImageError(`${context}: ${JSON.stringify(e.path)} is not a valid FAT file name`);
    const folded = e.path.toUpperCase();
    const other = seen.get(folded);
    if (other !== undefined) throw new DiskImageError(`${context}: ${other} and ${e.path} are the same name on FAT (case-insensitive)`);
    seen.set(folded, e.path);
  }
}

function vfatAutoSize(blockBytes: number, entries: number): number {
  const content = blockBytes + entries * 2048;
  return roundUp(content * 1.15 + content / 512 + 4 * MiB, MiB);
}

async function populate(input: VfatInput, entries: TreeEntry[], env: Record<string, string>): Promise<void> {
  const byDir = new Map<string, { files: TreeEntry[]; dirs: string[] }>();
  const group = (d: string) => {
    let g = byDir.get(d);
    if (!g) byDir.set(d, (g = { files: [], dirs: [] }));
    return g;
  };
  group('');
  for (const e of entries) {
    const slash = e.path.lastIndexOf('/');
    const parent = slash < 0 ? '' : e.path.slice(0, slash);
    if (e.type === 'dir') {
      group(parent).dirs.push(e.path);
      group(e.path);
    } else {
      group(parent).files.push(e);
    }
  }
  const image = ['-i', input.output];
  for (const [dir, g] of byDir) {
    // Map iteration follows insertion order: parents before children, sorted (walkContent's order).
    // mcopy -m keeps a file's mtime; without it the file gets "now", i.e. SOURCE_DATE_EPOCH: that
    // clamps files newer than the epoch. Runs of equal treatment keep the sorted order.
    for (let i = 0; i < g.files.length;) {
      const keep = g.files[i].mtime <= input.sourceDateEpoch;
      const run: string[] = [];
      for (; i < g.files.length && (g.files[i].mtime <= input.sourceDateEpoch) === keep; i++) run.push(join(input.dir, g.files[i].path));
      await runTool('mcopy', [...(keep ? ['-m'] : []), ...image, ...run, `::/${dir}`], { env, context: input.context });
    }
    if (g.dirs.length > 0) await runTool('mmd', [...image, ...g.dirs.map((d) => `::/${d}`)], { env, context: input.context });
  }
}

export async function makeVfat(input: VfatInput): Promise<{ size: number }> {
  const { context } = input;
  if (input.label !== undefined) checkVfatLabel(input.label, context);
  if (!/^[0-9a-fA-F]{8}$/.test(input.volumeId)) throw new DiskImageError(`${context}: FAT volume id "${input.volumeId}" is not 8 hex digits`);
  const tree = await walkContent(input.dir, context);
  checkTree(tree.entries, context);
  const env = { SOURCE_DATE_EPOCH: String(input.sourceDateEpoch), MTOOLS_SKIP_CHECK: '1', HOME: input.workDir };
  const auto = input.size === undefined;
  let size = input.size ?? vfatAutoSize(tree.blockBytes, tree.entries.length);
  if (!auto && size < tree.dataBytes) {
    throw new DiskImageError(`${context}: content needs at least ${(tree.dataBytes / MiB).toFixed(1)} MiB, size is ${size / MiB} MiB`);
  }
  for (let attempt = 0; ; attempt++) {
    const fh = await open(input.output, 'w');
    await fh.truncate(size);
    await fh.close();
    const args = ['--invariant', '-i', input.volumeId.toLowerCase(), ...(input.label ? ['-n', input.label] : []), input.output];
    await runTool('mkfs.vfat', args, { env, context });
    try {
      await populate(input, tree.entries, env);
      return { size };
    } catch (e) {
      if (!(e instanceof DiskImageError)) throw e;
      if (!auto) throw NO_SPACE.test(e.message) ? new DiskImageError(`${e.message} (the content does not fit in ${size / MiB} MiB)`) : e;
      if (attempt >= 3) throw e;
      size = roundUp(size * 1.5, MiB);
    }
  }
}
