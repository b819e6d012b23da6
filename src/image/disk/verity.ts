// dm-verity hash tree for a data partition with `veritysetup format`: format 1, sha256, 4 KiB data
// and hash blocks, a verity superblock at the start of the hash partition (what
// systemd-veritysetup and the DPS expect), salt and UUID from the seed instead of random.

import { stat } from 'node:fs/promises';
import { DiskImageError } from './model.ts';
import { runTool } from './tool.ts';

export const VERITY_BLOCK = 4096;
const HASHES_PER_BLOCK = VERITY_BLOCK / 32;

/** Bytes of a hash device (superblock + every tree level) for `dataBytes` of data. */
export function verityHashSize(dataBytes: number): number {
  let n = Math.ceil(dataBytes / VERITY_BLOCK);
  let blocks = 0;
  while (n > 1) {
    n = Math.ceil(n / HASHES_PER_BLOCK);
    blocks += n;
  }
  return (1 + blocks) * VERITY_BLOCK;
}

export interface VerityInput {
  data: string;
  /** The hash file (created or overwritten from its start). */
  hash: string;
  /** 64 hex digits. */
  salt: string;
  uuid: string;
  context: string;
}

export interface VerityResult {
  rootHash: string;
  dataBlocks: number;
  /** Bytes veritysetup wrote to the hash file. */
  hashBytes: number;
}

export async function formatVerity(input: VerityInput): Promise<VerityResult> {
  const dataSize = (await stat(input.data)).size;
  if (dataSize === 0 || dataSize % VERITY_BLOCK !== 0) {
    throw new DiskImageError(`${input.context}: verity data size ${dataSize} is not a positive multiple of ${VERITY_BLOCK}`);
  }
  const args = [
    'format', '--format', '1', '--hash', 'sha256',
    '--data-block-size', String(VERITY_BLOCK), '--hash-block-size', String(VERITY_BLOCK),
    '--salt', input.salt, '--uuid', input.uuid,
    input.data, input.hash,
  ];
  const run = await runTool('veritysetup', args, { context: input.context });
  const m = /^Root hash:\s*([0-9a-f]{64})\s*$/m.exec(run.stdout);
  if (!m) throw new DiskImageError(`${input.context}: veritysetup printed no root hash`);
  return { rootHash: m[1], dataBlocks: dataSize / VERITY_BLOCK, hashBytes: verityHashSize(dataSize) };
}

/** `veritysetup verify`: refuses unless every data block of `data` matches `rootHash` through `hash`. */
export async function checkVerity(data: string, hash: string, rootHash: string, context: string): Promise<void> {
  await runTool('veritysetup', ['verify', data, hash, rootHash], { context });
}
