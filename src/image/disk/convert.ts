// convertDisk: a raw disk → raw (copy), vhd (fixed: the raw bytes + footer), vhd-dynamic (BAT +
// only the non-zero 2 MiB blocks) or qcow2 (qemu-img). The VHD unique id is derived from the raw
// content, its timestamp from SOURCE_DATE_EPOCH, so equal disks give equal files.
//
// qcow2: `qemu-img convert` writes no timestamps or random ids; with -m 1 (one coroutine) and no
// out-of-order writes, clusters are allocated in disk order, so the output is byte-identical for
// equal input with the same qemu-img version (test/image/disk checks two conversions).

import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { deterministicUuid, guidToBytes } from './guid.ts';
import { atomicOutput, CHUNK, copyRegion, isZero, readExactly, sha256File, writeAll } from './io.ts';
import { type ConvertedDisk, type ConvertOptions, DiskImageError, type DiskFormat, MiB } from './model.ts';
import { runTool } from './tool.ts';
import {
  VHD_BLOCK_SIZE, VHD_FOOTER_SIZE, vhdBatBytes, vhdBatEntries, vhdBlockBitmap, vhdDynamicHeader, vhdFooter,
} from './vhd.ts';

const FORMATS: readonly DiskFormat[] = ['raw', 'vhd', 'vhd-dynamic', 'qcow2'];

function timestampOf(options: ConvertOptions | undefined): number {
  if (options?.sourceDateEpoch !== undefined) {
    if (!Number.isSafeInteger(options.sourceDateEpoch) || options.sourceDateEpoch < 0) {
      throw new DiskImageError(`convert: sourceDateEpoch "${options.sourceDateEpoch}" is not a non-negative whole number`);
    }
    return options.sourceDateEpoch;
  }
  const env = process.env.SOURCE_DATE_EPOCH;
  if (env !== undefined && env !== '') {
    if (!/^[0-9]+$/.test(env)) throw new DiskImageError(`SOURCE_DATE_EPOCH: invalid value "${env}"`);
    return Number(env);
  }
  return 946684800; // the VHD epoch itself: time 0
}

/** Reads the raw disk once: its sha256 and which VHD blocks hold any non-zero byte. */
async function scanRaw(raw: string, size: number): Promise<{ sha256: string; usedBlocks: boolean[] }> {
  const h = createHash('sha256');
  const usedBlocks = new Array<boolean>(vhdBatEntries(size)).fill(false);
  const fh = await open(raw, 'r');
  try {
    for (let pos = 0; pos < size; pos += CHUNK) {
      const chunk = await readExactly(fh, Math.min(CHUNK, size - pos), pos);
      h.update(chunk);
      if (!isZero(chunk)) usedBlocks[Math.floor(pos / VHD_BLOCK_SIZE)] = true;
    }
  } finally {
    await fh.close();
  }
  return { sha256: h.digest('hex'), usedBlocks };
}

function uniqueId(rawSha256: string): Buffer {
  return guidToBytes(deterministicUuid(rawSha256, 'vhd-unique-id'));
}

async function writeFixedVhd(raw: string, output: string, size: number, timestamp: number): Promise<string> {
  const out = createHash('sha256');
  const content = createHash('sha256');
  await atomicOutput(output, async (fh) => {
    await copyRegion(raw, fh, 0, size, [out, content]);
    const footer = vhdFooter({ type: 'fixed', size, timestamp, uniqueId: uniqueId(content.digest('hex')) });
    await writeAll(fh, footer, size);
    out.update(footer);
  });
  return out.digest('hex');
}

async function writeDynamicVhd(raw: string, output: string, size: number, timestamp: number): Promise<string> {
  const { sha256, usedBlocks } = await scanRaw(raw, size);
  const footer = vhdFooter({ type: 'dynamic', size, timestamp, uniqueId: uniqueId(sha256) });
  const entries = usedBlocks.length;
  const batOffset = VHD_FOOTER_SIZE + 1024;
  const bat = Buffer.alloc(vhdBatBytes(entries), 0xff);
  const bitmap = vhdBlockBitmap();
  let next = batOffset + bat.length;
  usedBlocks.forEach((used, i) => {
    if (!used) return;
    bat.writeUInt32BE(next / 512, i * 4);
    next += bitmap.length + VHD_BLOCK_SIZE;
  });
  const out = createHash('sha256');
  await atomicOutput(output, async (fh) => {
    const head = Buffer.concat([footer, vhdDynamicHeader(batOffset, entries), bat]);
    await writeAll(fh, head, 0);
    out.update(head);
    let pos = head.length;
    const src = await open(raw, 'r');
    try {
      for (let i = 0; i < entries; i++) {
        if (!usedBlocks[i]) continue;
        await writeAll(fh, bitmap, pos);
        out.update(bitmap);
        pos += bitmap.length;
        // The last block may extend past the disk: its tail reads as zeros, as the format requires.
        const block = Buffer.alloc(VHD_BLOCK_SIZE);
        const got = await readExactly(src, Math.min(VHD_BLOCK_SIZE, size - i * VHD_BLOCK_SIZE), i * VHD_BLOCK_SIZE);
        got.copy(block);
        await writeAll(fh, block, pos);
        out.update(block);
        pos += VHD_BLOCK_SIZE;
      }
    } finally {
      await src.close();
    }
    await writeAll(fh, footer, pos);
    out.update(footer);
  });
  return out.digest('hex');
}

async function writeQcow2(raw: string, output: string): Promise<string> {
  await atomicOutput(output, async (_fh, tmp) => {
    await runTool('qemu-img', ['convert', '-q', '-m', '1', '-f', 'raw', '-O', 'qcow2', '-o', 'compat=1.1', raw, tmp], {
      context: `converting ${raw} to qcow2`,
    });
  });
  return sha256File(output);
}

async function writeRaw(raw: string, output: string, size: number): Promise<string> {
  const out = createHash('sha256');
  await atomicOutput(output, async (fh) => {
    await copyRegion(raw, fh, 0, size, [out]);
    await fh.truncate(size);
  });
  return out.digest('hex');
}

/** Converts a raw disk to raw, vhd (fixed), vhd-dynamic or qcow2 at `output` (atomically). */
export async function convertDisk(rawPath: string, outputPath: string, format: DiskFormat, options?: ConvertOptions): Promise<ConvertedDisk> {
  const raw = resolve(rawPath);
  const output = resolve(outputPath);
  if (!FORMATS.includes(format)) throw new DiskImageError(`convert: unknown format "${format}" (use ${FORMATS.join(', ')})`);
  const st = await stat(raw).catch(() => undefined);
  if (!st?.isFile()) throw new DiskImageError(`convert: raw disk ${raw} does not exist or is not a file`);
  const size = st.size;
  if (size === 0) throw new DiskImageError(`convert: raw disk ${raw} is empty`);
  let sha256: string;
  if (format === 'raw') {
    sha256 = await writeRaw(raw, output, size);
  } else if (format === 'qcow2') {
    sha256 = await writeQcow2(raw, output);
  } else {
    // Azure accepts only VHDs whose virtual size is a whole number of MiB.
    if (size % MiB !== 0) throw new DiskImageError(`convert: raw disk ${raw} is ${size} bytes, not a whole number of MiB (required for VHD)`);
    const timestamp = timestampOf(options);
    sha256 = format === 'vhd' ? await writeFixedVhd(raw, output, size, timestamp) : await writeDynamicVhd(raw, output, size, timestamp);
  }
  return { path: output, sha256, size: (await stat(output)).size };
}
