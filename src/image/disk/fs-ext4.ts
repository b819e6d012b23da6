// ext4 from a directory with mkfs.ext4 -d, reproducibly:
// - a fixed mke2fs.conf (MKE2FS_CONFIG) instead of the host's, so the feature set does not depend
//   on the build machine; no metadata_csum_seed (GRUB < 2.12 refuses it) and no orphan_file
//   (e2fsck < 1.47 refuses it);
// - -U and -E hash_seed= from the seed; E2FSPROGS_FAKE_TIME for every time mke2fs makes up;
// - e2fsprogs 1.47.0 copies each file's ctime and atime from the build tree (1.47.1 clamps them to
//   SOURCE_DATE_EPOCH); those are whatever the build machine did, so a debugfs pass sets them to
//   sourceDateEpoch and clamps newer mtimes to it. Paths go through debugfs's quoting ("" for ").

import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DiskImageError, MiB, NO_SPACE, roundUp } from './model.ts';
import { runTool } from './tool.ts';
import { walkContent } from './tree.ts';

const MKE2FS_CONF = `[defaults]
	base_features = sparse_super,large_file,filetype,resize_inode,dir_index,ext_attr
	default_mntopts = acl,user_xattr
	enable_periodic_fsck = 0
	blocksize = 4096
	inode_size = 256
	inode_ratio = 16384

[fs_types]
	ext4 = {
		features = has_journal,extent,huge_file,flex_bg,metadata_csum,64bit,dir_nlink,extra_isize
		inode_size = 256
	}
	default = {
		blocksize = 4096
	}
`;

export interface Ext4Input {
  dir: string;
  /** The image file to create (replaced). */
  output: string;
  /** Exact size; omitted = fit the content plus slack. */
  size?: number;
  label?: string;
  uuid: string;
  hashSeed: string;
  sourceDateEpoch: number;
  /** Scratch directory for the config and the debugfs script. */
  workDir: string;
  context: string;
}

/** e2fsprogs' default journal size (blocks of 4 KiB) for a filesystem of `blocks` blocks. */
function journalBlocks(blocks: number): number {
  if (blocks < 32768) return 1024;
  if (blocks < 256 * 1024) return 4096;
  if (blocks < 512 * 1024) return 8192;
  if (blocks < 4096 * 1024) return 16384;
  if (blocks < 8192 * 1024) return 32768;
  if (blocks < 16384 * 1024) return 65536;
  if (blocks < 32768 * 1024) return 131072;
  return 262144;
}

/** Writable-state headroom added to a content-sized ext4 (ROOT holds /etc and /var changes). */
const EXT4_SLACK = 64 * MiB;

export function ext4AutoSize(blockBytes: number, entries: number, inodes: number): number {
  const base = blockBytes + entries * 64;
  let size = roundUp(base * 1.1 + 8 * MiB + inodes * 256 * 1.5, MiB);
  size += journalBlocks(size / 4096) * 4096;
  size = roundUp(size / 0.95 + EXT4_SLACK, MiB); // 5% reserved for root
  return size;
}

function debugfsQuote(path: string): string {
  return `"${path.replace(/"/g, '""')}"`;
}

export async function makeExt4(input: Ext4Input): Promise<{ size: number }> {
  const { context } = input;
  if (input.label !== undefined && Buffer.byteLength(input.label) > 16) {
    throw new DiskImageError(`${context}: ext4 label "${input.label}" is longer than 16 bytes`);
  }
  const tree = await walkContent(input.dir, context);
  for (const e of tree.entries) {
    if (e.path.includes('\n')) throw new DiskImageError(`${context}: file name with a newline: ${JSON.stringify(e.path)}`);
  }
  const conf = join(input.workDir, 'mke2fs.conf');
  await writeFile(conf, MKE2FS_CONF);
  const sde = String(input.sourceDateEpoch);
  const env = { MKE2FS_CONFIG: conf, E2FSPROGS_FAKE_TIME: sde, SOURCE_DATE_EPOCH: sde };
  const auto = input.size === undefined;
  let size = input.size ?? ext4AutoSize(tree.blockBytes, tree.entries.length, tree.inodes);
  if (!auto && size < tree.blockBytes) {
    throw new DiskImageError(`${context}: content needs at least ${(tree.blockBytes / MiB).toFixed(1)} MiB, size is ${size / MiB} MiB`);
  }
  for (let attempt = 0; ; attempt++) {
    const inodeCount = Math.max(Math.ceil(size / 16384), Math.ceil(tree.inodes * 1.5) + 1024);
    const fh = await open(input.output, 'w');
    await fh.truncate(size);
    await fh.close();
    const args = [
      '-q', '-F', '-t', 'ext4', '-T', 'default', '-b', '4096', '-I', '256', '-N', String(inodeCount),
      '-U', input.uuid,
      '-E', `hash_seed=${input.hashSeed},lazy_itable_init=0,lazy_journal_init=0,nodiscard,root_owner=0:0`,
      ...(input.label !== undefined ? ['-L', input.label] : []),
      '-d', input.dir, input.output,
    ];
    try {
      await runTool('mkfs.ext4', args, { env, context });
      break;
    } catch (e) {
      if (!(e instanceof DiskImageError)) throw e;
      if (!auto) throw NO_SPACE.test(e.message) ? new DiskImageError(`${e.message} (the content does not fit in ${size / MiB} MiB)`) : e;
      if (attempt >= 3) throw e;
      size = roundUp(size * 1.5, MiB);
    }
  }
  const script: string[] = [];
  for (const e of tree.entries) {
    const p = debugfsQuote(`/${e.path}`);
    script.push(`sif ${p} ctime @${sde}`, `sif ${p} atime @${sde}`);
    if (e.mtime > input.sourceDateEpoch) script.push(`sif ${p} mtime @${sde}`);
  }
  if (script.length > 0) {
    const scriptPath = join(input.workDir, 'ext4-times.debugfs');
    await writeFile(scriptPath, `${script.join('\n')}\n`);
    const run = await runTool('debugfs', ['-w', '-f', scriptPath, input.output], { env, context });
    // debugfs reports failed commands on stderr and still exits 0; its only expected line is the banner.
    const problems = run.stderr.split('\n').filter((l) => l.trim() !== '' && !/^debugfs \d/.test(l));
    if (problems.length > 0) throw new DiskImageError(`${context}: debugfs: ${problems[0].trim()}`);
  }
  return { size };
}
