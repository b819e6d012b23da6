// EROFS from a directory with mkfs.erofs: owners, modes and xattrs kept from the tree, the UUID
// from the seed, SOURCE_DATE_EPOCH as the build time (mtimes newer than it are clamped). The
// image is as small as its content; the partition pads it with zeros.
//
// erofs-utils 1.5 (Debian 12) has no -L, so a label is written into the superblock's
// volume_name afterwards and the superblock checksum (crc32c, EROFS_FEATURE_COMPAT_SB_CHKSUM)
// recomputed, the same bytes newer mkfs.erofs -L writes.

import { open, stat } from 'node:fs/promises';
import { readExactly, writeAll } from './io.ts';
import { DiskImageError } from './model.ts';
import { runTool } from './tool.ts';
import { checkContentDir } from './tree.ts';

const SUPER_OFFSET = 1024;
const EROFS_MAGIC = 0xe0f5e1e2;
const FEATURE_COMPAT_SB_CHKSUM = 0x1;
const VOLUME_NAME_OFFSET = 64;
const VOLUME_NAME_SIZE = 16;

let crc32cTable: Uint32Array | undefined;

/** CRC-32C (Castagnoli), reflected, as erofs computes it: caller's seed in, no final inversion. */
export function crc32cRaw(seed: number, data: Uint8Array): number {
  if (!crc32cTable) {
    crc32cTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      crc32cTable[i] = c >>> 0;
    }
  }
  let c = seed >>> 0;
  for (let i = 0; i < data.length; i++) c = (crc32cTable[(c ^ data[i]) & 0xff] ^ (c >>> 8)) >>> 0;
  return c >>> 0;
}

/** Sets the EROFS volume name in `image` and fixes the superblock checksum. */
export async function setErofsLabel(image: string, label: string, context: string): Promise<void> {
  const name = Buffer.from(label, 'utf8');
  if (name.length > VOLUME_NAME_SIZE) throw new DiskImageError(`${context}: erofs label "${label}" is longer than ${VOLUME_NAME_SIZE} bytes`);
  const fh = await open(image, 'r+');
  try {
    const head = await readExactly(fh, 4096, 0);
    if (head.length < SUPER_OFFSET + 128 || head.readUInt32LE(SUPER_OFFSET) !== EROFS_MAGIC) {
      throw new DiskImageError(`${context}: ${image} is not an EROFS image`);
    }
    const blockSize = 1 << head[SUPER_OFFSET + 12];
    const block = Buffer.from((await readExactly(fh, blockSize, 0)).subarray(0, blockSize));
    const sb = block.subarray(SUPER_OFFSET);
    sb.fill(0, VOLUME_NAME_OFFSET, VOLUME_NAME_OFFSET + VOLUME_NAME_SIZE);
    name.copy(sb, VOLUME_NAME_OFFSET);
    if (sb.readUInt32LE(8) & FEATURE_COMPAT_SB_CHKSUM) {
      sb.writeUInt32LE(0, 4);
      sb.writeUInt32LE(crc32cRaw(0xffffffff, sb), 4);
    }
    await writeAll(fh, sb.subarray(0, 128), SUPER_OFFSET);
  } finally {
    await fh.close();
  }
}

export interface ErofsInput {
  dir: string;
  output: string;
  label?: string;
  uuid: string;
  sourceDateEpoch: number;
  context: string;
}

export async function makeErofs(input: ErofsInput): Promise<{ contentSize: number }> {
  const { context } = input;
  if (input.label !== undefined && Buffer.byteLength(input.label) > VOLUME_NAME_SIZE) {
    throw new DiskImageError(`${context}: erofs label "${input.label}" is longer than ${VOLUME_NAME_SIZE} bytes`);
  }
  await checkContentDir(input.dir, context); // one clear line when the directory is missing
  await runTool('mkfs.erofs', ['--quiet', `-U${input.uuid}`, input.output, input.dir], {
    env: { SOURCE_DATE_EPOCH: String(input.sourceDateEpoch) },
    context,
  });
  if (input.label !== undefined && input.label !== '') await setErofsLabel(input.output, input.label, context);
  return { contentSize: (await stat(input.output)).size };
}
