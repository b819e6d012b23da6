// The /usr image of one slot: an EROFS filesystem (mkfs.erofs, mtimes clamped, UUID from the seed) and
// its dm-verity hash tree (veritysetup format with a salt and UUID derived from the build seed), both
// plain files. They are made before the disk because the root hash goes into the slot's boot entry
// on the ESP; the disk then takes them as prebuilt partition contents, and an update payload ships
// the same two files.

import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class UsrImageError extends Error {
  override name = 'UsrImageError';
}

export const VERITY_BLOCK_SIZE = 4096;
export const VERITY_HASH = 'sha256';

export interface VerityInfo {
  rootHash: string;
  salt: string;
  /** The verity superblock's UUID. */
  uuid: string;
  hashAlgorithm: string;
  dataBlockSize: number;
  hashBlockSize: number;
  dataBlocks: number;
}

export interface UsrImage {
  /** The EROFS image file and its hash tree file (verity superblock at offset 0). */
  image: string;
  hashTree: string;
  size: number;
  hashSize: number;
  sha256: string;
  hashSha256: string;
  fsUuid: string;
  verity: VerityInfo;
}

export interface UsrImageOptions {
  /** The /usr directory of the composed root. */
  usrDir: string;
  /** Output files. */
  image: string;
  hashTree: string;
  /** Seed for the filesystem UUID, verity salt and UUID; `name` tells slots/versions apart. */
  seed: string;
  name: string;
  sourceDateEpoch: number;
  /** EROFS compression (default none: the kernel needs nothing beyond erofs itself). */
  compression?: 'lz4' | 'lz4hc';
}

/** 32 bytes of hex derived from the seed: same seed and name → same value. */
export function seededHex(seed: string, name: string, bytes = 32): string {
  return createHash('sha256').update(`strata\0${seed}\0${name}`).digest('hex').slice(0, bytes * 2);
}

/** A UUID (version 4 layout) derived from the seed. */
export function seededUuid(seed: string, name: string): string {
  const h = seededHex(seed, `uuid\0${name}`, 16).split('');
  h[12] = '4';
  h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

async function tool(cmd: string, args: string[], what: string, pkg: string, env?: Record<string, string>): Promise<string> {
  try {
    const r = await run(cmd, args, { maxBuffer: 16 << 20, ...(env ? { env: { ...process.env, ...env } } : {}) });
    return r.stdout;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new UsrImageError(`${what}: ${cmd} is not installed (Debian: apt-get install ${pkg})`);
    throw new UsrImageError(`${what}: ${cmd} failed: ${(err.stderr ?? err.message).trim().split('\n').pop()}`);
  }
}

const tmpName = (p: string) => join(dirname(p), `.${basename(p)}.${randomBytes(4).toString('hex')}.tmp`);

/** Parses `veritysetup format` output ("Root hash:", "Salt:", "UUID:", "Data blocks:"). */
export function parseVeritysetupFormat(out: string): { rootHash: string; salt: string; uuid: string; dataBlocks: number } {
  const field = (k: string) => new RegExp(`^${k}:\\s*(\\S+)`, 'mi').exec(out)?.[1];
  const rootHash = field('Root hash');
  const salt = field('Salt');
  const uuid = field('UUID');
  const dataBlocks = field('Data blocks');
  if (!rootHash || !salt || !uuid || !dataBlocks) throw new UsrImageError(`veritysetup format: unexpected output: ${out.trim().slice(0, 200)}`);
  return { rootHash, salt, uuid, dataBlocks: Number(dataBlocks) };
}

/** Formats the hash tree of `data` into `hashTree` (atomically); returns the verity parameters. */
export async function formatVerity(data: string, hashTree: string, salt: string, uuid: string): Promise<VerityInfo> {
  const tmp = tmpName(hashTree);
  try {
    const out = await tool(
      'veritysetup',
      ['format', `--hash=${VERITY_HASH}`, `--data-block-size=${VERITY_BLOCK_SIZE}`, `--hash-block-size=${VERITY_BLOCK_SIZE}`, `--salt=${salt}`, `--uuid=${uuid}`, data, tmp],
      `${data}: verity hash tree`,
      'cryptsetup-bin',
    );
    const p = parseVeritysetupFormat(out);
    await rename(tmp, hashTree);
    return { ...p, hashAlgorithm: VERITY_HASH, dataBlockSize: VERITY_BLOCK_SIZE, hashBlockSize: VERITY_BLOCK_SIZE };
  } finally {
    await rm(tmp, { force: true });
  }
}

/** `veritysetup verify`: true when every data block of `data` matches `rootHash` through `hashTree`. */
export async function verifyVerity(data: string, hashTree: string, rootHash: string): Promise<{ ok: boolean; message: string }> {
  try {
    const r = await run('veritysetup', ['verify', data, hashTree, rootHash], { maxBuffer: 16 << 20 });
    return { ok: true, message: r.stdout.trim() };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new UsrImageError('veritysetup is not installed (Debian: apt-get install cryptsetup-bin)');
    return { ok: false, message: (err.stderr ?? err.message).trim() };
  }
}

/** mkfs.erofs of the /usr tree, then its verity hash tree. */
export async function buildUsrImage(opts: UsrImageOptions): Promise<UsrImage> {
  const fsUuid = seededUuid(opts.seed, `${opts.name}\0erofs`);
  const tmp = tmpName(opts.image);
  try {
    // mkfs.erofs reads SOURCE_DATE_EPOCH itself (build time, mtimes clamped to it) and then ignores
    // -T, so it is always set here: the caller's environment must not change the image.
    await tool(
      'mkfs.erofs',
      ['--quiet', `-U${fsUuid}`, ...(opts.compression ? [`-z${opts.compression}`] : []), tmp, opts.usrDir],
      `${opts.usrDir}: EROFS image`,
      'erofs-utils',
      { SOURCE_DATE_EPOCH: String(opts.sourceDateEpoch) },
    );
    await rename(tmp, opts.image);
  } finally {
    await rm(tmp, { force: true });
  }
  const size = (await stat(opts.image)).size;
  if (size % VERITY_BLOCK_SIZE) throw new UsrImageError(`${opts.image}: EROFS image size ${size} is not a multiple of ${VERITY_BLOCK_SIZE}`);
  const verity = await formatVerity(opts.image, opts.hashTree, seededHex(opts.seed, `${opts.name}\0verity-salt`), seededUuid(opts.seed, `${opts.name}\0verity`));
  if (verity.dataBlocks * VERITY_BLOCK_SIZE !== size) throw new UsrImageError(`${opts.image}: verity covers ${verity.dataBlocks} blocks, the image has ${size / VERITY_BLOCK_SIZE}`);
  return {
    image: opts.image,
    hashTree: opts.hashTree,
    size,
    hashSize: (await stat(opts.hashTree)).size,
    sha256: await sha256File(opts.image),
    hashSha256: await sha256File(opts.hashTree),
    fsUuid,
    verity,
  };
}

/** The fields of a dm-verity hash device's superblock (struct verity_sb, little-endian, at offset 0). */
export function parseVeritySuperblock(block: Uint8Array, what = 'verity hash tree'): Omit<VerityInfo, 'rootHash'> {
  const b = Buffer.from(block.buffer, block.byteOffset, block.byteLength);
  if (b.length < 512 || b.subarray(0, 8).toString('latin1') !== 'verity\0\0') throw new UsrImageError(`${what}: no verity superblock`);
  if (b.readUInt32LE(8) !== 1) throw new UsrImageError(`${what}: verity superblock version ${b.readUInt32LE(8)}, expected 1`);
  const hex = b.subarray(16, 32).toString('hex');
  const alg = b.subarray(32, 64).toString('latin1').replace(/\0.*$/s, '');
  const saltSize = b.readUInt16LE(80);
  if (saltSize > 256) throw new UsrImageError(`${what}: salt size ${saltSize} exceeds 256`);
  return {
    uuid: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    hashAlgorithm: alg,
    dataBlockSize: b.readUInt32LE(64),
    hashBlockSize: b.readUInt32LE(68),
    dataBlocks: Number(b.readBigUInt64LE(72)),
    salt: b.subarray(88, 88 + saltSize).toString('hex'),
  };
}
