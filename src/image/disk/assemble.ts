// assembleDisk: a DiskSpec → a raw GPT disk. Each partition is first built as its own file in a
// scratch directory next to the output (filesystems by their tools, verity over the finished
// data partition), then the files are laid out from 1 MiB on, 1 MiB aligned, between the primary
// and backup GPT. Every identifier comes from the seed, every time from sourceDateEpoch.

import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, rm, stat, truncate } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { makeErofs } from './fs-erofs.ts';
import { makeExt4 } from './fs-ext4.ts';
import { makeVfat } from './fs-vfat.ts';
import { writeGpt } from './gpt.ts';
import { deterministicBytes, deterministicUuid, dpsTypeGuid, verityPartitionUuids } from './guid.ts';
import { atomicOutput, copyRegion, hashZeros, writeAll } from './io.ts';
import {
  type AssembledDisk, type AssembledPartition, DiskImageError, type DiskSpec, MiB, type PartitionSpec, type PrebuiltVerity, SECTOR,
  type VerityInfo, roundUp,
} from './model.ts';
import { checkDiskSpec } from './spec.ts';
import { checkVerity, formatVerity, VERITY_BLOCK, verityHashSize } from './verity.ts';

/** A partition built into its own file, padded to its final size. */
interface BuiltPartition {
  spec: PartitionSpec;
  file: string;
  size: number;
  fsUuid?: string;
  contentSize?: number;
  verity?: VerityInfo;
}

interface BuildContext {
  spec: DiskSpec;
  workDir: string;
  built: Map<string, BuiltPartition>;
}

function explicitSize(p: PartitionSpec, ctx: BuildContext): number | undefined {
  if (p.size !== undefined) return roundUp(p.size, MiB);
  if (p.sameSizeAs !== undefined) return ctx.built.get(p.sameSizeAs)!.size;
  return undefined;
}

/** Pads (or checks) a content image to the partition size. */
async function fitTo(file: string, contentSize: number, wanted: number | undefined, context: string): Promise<number> {
  const size = wanted ?? Math.max(MiB, roundUp(contentSize, MiB));
  if (contentSize > size) {
    throw new DiskImageError(`${context}: content is ${(contentSize / MiB).toFixed(1)} MiB, more than the partition's ${size / MiB} MiB`);
  }
  await truncate(file, size);
  return size;
}

async function buildOne(p: PartitionSpec, ctx: BuildContext): Promise<BuiltPartition> {
  const { seed, sourceDateEpoch } = ctx.spec;
  const context = `partition "${p.label}"`;
  const index = ctx.spec.partitions.indexOf(p);
  const file = join(ctx.workDir, `part-${index + 1}.img`);
  const scratch = join(ctx.workDir, `scratch-${index + 1}`);
  await mkdir(scratch, { recursive: true });
  const wanted = explicitSize(p, ctx);
  const c = p.content;
  switch (c.kind) {
    case 'ext4': {
      const fsUuid = deterministicUuid(seed, `filesystem:${p.label}`);
      const { size } = await makeExt4({
        dir: resolve(c.dir), output: file, size: wanted, label: c.label, uuid: fsUuid,
        hashSeed: deterministicUuid(seed, `ext4-hash-seed:${p.label}`), sourceDateEpoch, workDir: scratch, context,
      });
      return { spec: p, file, size, fsUuid };
    }
    case 'vfat': {
      const volumeId = deterministicBytes(seed, `fat-volume-id:${p.label}`, 4).toString('hex');
      const { size } = await makeVfat({ dir: resolve(c.dir), output: file, size: wanted, label: c.label, volumeId, sourceDateEpoch, workDir: scratch, context });
      const fsUuid = `${volumeId.slice(0, 4)}-${volumeId.slice(4)}`.toUpperCase();
      return { spec: p, file, size, fsUuid };
    }
    case 'erofs': {
      const fsUuid = deterministicUuid(seed, `filesystem:${p.label}`);
      const { contentSize } = await makeErofs({ dir: resolve(c.dir), output: file, label: c.label, uuid: fsUuid, sourceDateEpoch, context });
      return { spec: p, file, size: await fitTo(file, contentSize, wanted, context), fsUuid, contentSize };
    }
    case 'file': {
      const st = await stat(c.path).catch(() => undefined);
      if (!st?.isFile()) throw new DiskImageError(`${context}: image file ${c.path} does not exist or is not a file`);
      await copyFile(c.path, file);
      return { spec: p, file, size: await fitTo(file, st.size, wanted, context), contentSize: st.size };
    }
    case 'empty': {
      await (await open(file, 'w')).close();
      return { spec: p, file, size: await fitTo(file, 0, wanted, context) };
    }
    case 'verity': {
      const data = ctx.built.get(c.of)!;
      if (c.prebuilt) return prebuiltVerity(p, c.of, c.prebuilt, data, file, wanted, context);
      const needed = verityHashSize(data.size);
      const size = wanted ?? roundUp(needed, MiB);
      if (needed > size) {
        throw new DiskImageError(`${context}: the hash tree of "${c.of}" needs ${Math.ceil(needed / 1024)} KiB, the partition has ${size / 1024} KiB`);
      }
      await (await open(file, 'w')).close();
      const salt = deterministicBytes(seed, `verity-salt:${p.label}`, 32).toString('hex');
      const uuid = deterministicUuid(seed, `verity:${p.label}`);
      const r = await formatVerity({ data: data.file, hash: file, salt, uuid, context });
      const written = (await stat(file)).size;
      if (written > size) throw new DiskImageError(`${context}: veritysetup wrote ${written} bytes, more than the partition's ${size}`);
      await truncate(file, size);
      const verity: VerityInfo = {
        rootHash: r.rootHash, salt, dataBlockSize: VERITY_BLOCK, hashBlockSize: VERITY_BLOCK,
        dataBlocks: r.dataBlocks, hashOffset: 0, of: c.of, uuid,
      };
      return { spec: p, file, size, verity };
    }
  }
}

/** A prebuilt hash tree copied in, after `veritysetup verify` proves it covers the data partition. */
async function prebuiltVerity(
  p: PartitionSpec, of: string, v: PrebuiltVerity, data: BuiltPartition, file: string, wanted: number | undefined, context: string,
): Promise<BuiltPartition> {
  const st = await stat(v.path).catch(() => undefined);
  if (!st?.isFile()) throw new DiskImageError(`${context}: hash tree file ${v.path} does not exist or is not a file`);
  if (v.dataBlocks * VERITY_BLOCK > data.size) throw new DiskImageError(`${context}: the tree covers ${v.dataBlocks} blocks, more than partition "${of}" holds`);
  await copyFile(v.path, file);
  await checkVerity(data.file, file, v.rootHash, context);
  const size = await fitTo(file, st.size, wanted, context);
  const verity: VerityInfo = {
    rootHash: v.rootHash, salt: v.salt, dataBlockSize: VERITY_BLOCK, hashBlockSize: VERITY_BLOCK, dataBlocks: v.dataBlocks, hashOffset: 0, of, uuid: v.uuid,
  };
  return { spec: p, file, size, verity };
}

/** Builds partitions in dependency order (sameSizeAs targets and verity data first). */
async function buildAll(ctx: BuildContext): Promise<void> {
  const pending = [...ctx.spec.partitions];
  while (pending.length > 0) {
    const ready = pending.findIndex((p) =>
      (p.sameSizeAs === undefined || ctx.built.has(p.sameSizeAs)) && (p.content.kind !== 'verity' || ctx.built.has(p.content.of)));
    if (ready < 0) throw new DiskImageError(`partition "${pending[0].label}": sizes depend on each other in a cycle`);
    const [p] = pending.splice(ready, 1);
    ctx.built.set(p.label, await buildOne(p, ctx));
  }
}

function partitionUuids(spec: DiskSpec, built: Map<string, BuiltPartition>): Map<string, string> {
  const uuids = new Map<string, string>();
  for (const p of spec.partitions) uuids.set(p.label, deterministicUuid(spec.seed, `partition:${p.label}`));
  for (const b of built.values()) {
    if (!b.verity) continue;
    const pair = verityPartitionUuids(b.verity.rootHash);
    uuids.set(b.verity.of, pair.data);
    uuids.set(b.spec.label, pair.hash);
  }
  return uuids;
}

/** Builds a raw GPT disk image at `output` (atomically). */
export async function assembleDisk(spec: DiskSpec, outputPath: string): Promise<AssembledDisk> {
  checkDiskSpec(spec);
  // Absolute paths everywhere: a relative name starting with "-" would read as a tool option.
  const output = resolve(outputPath);
  const workDir = join(dirname(output), `.${basename(output)}.parts-${randomBytes(6).toString('hex')}`);
  await mkdir(workDir, { recursive: true });
  try {
    const ctx: BuildContext = { spec, workDir, built: new Map() };
    await buildAll(ctx);
    const uuids = partitionUuids(spec, ctx.built);
    let offset = MiB;
    const parts: AssembledPartition[] = spec.partitions.map((p, i) => {
      const b = ctx.built.get(p.label)!;
      const part: AssembledPartition = {
        label: p.label, type: p.type, typeGuid: dpsTypeGuid(p.type, spec.arch), uuid: uuids.get(p.label)!,
        offset, size: b.size, number: i + 1, attributes: p.attributes ?? 0n, sha256: '',
        ...(b.verity ? { verity: b.verity } : {}),
        ...(b.fsUuid ? { fsUuid: b.fsUuid } : {}),
        ...(b.contentSize !== undefined ? { contentSize: b.contentSize } : {}),
      };
      offset += b.size;
      return part;
    });
    const needed = offset + MiB;
    if (spec.size !== undefined && roundUp(spec.size, MiB) < needed) {
      throw new DiskImageError(`disk: partitions need ${needed / MiB} MiB, more than the disk size ${roundUp(spec.size, MiB) / MiB} MiB`);
    }
    const size = Math.max(needed, spec.size === undefined ? 0 : roundUp(spec.size, MiB));
    const diskGuid = deterministicUuid(spec.seed, 'disk');
    const gpt = writeGpt({
      diskGuid,
      totalSectors: size / SECTOR,
      partitions: parts.map((p) => ({
        typeGuid: p.typeGuid, uuid: p.uuid, firstLba: p.offset / SECTOR, lastLba: (p.offset + p.size) / SECTOR - 1,
        attributes: p.attributes, name: p.label,
      })),
    });
    const diskHash = createHash('sha256');
    await atomicOutput(output, async (fh) => {
      await writeAll(fh, gpt.head, 0);
      diskHash.update(gpt.head);
      hashZeros([diskHash], MiB - gpt.head.length);
      for (const p of parts) {
        const partHash = createHash('sha256');
        await copyRegion(ctx.built.get(p.label)!.file, fh, p.offset, p.size, [diskHash, partHash]);
        p.sha256 = partHash.digest('hex');
      }
      hashZeros([diskHash], size - gpt.tail.length - offset);
      await writeAll(fh, gpt.tail, size - gpt.tail.length);
      diskHash.update(gpt.tail);
      await fh.truncate(size);
    });
    return { path: output, size, diskGuid, partitions: parts, sha256: diskHash.digest('hex') };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
