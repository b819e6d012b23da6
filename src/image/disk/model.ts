// The disk description a caller gives (partitions, their content, a seed) and what assembling it
// reports back (offsets, UUIDs, verity root hashes). Shapes shared with the VM-image and
// immutable-host builders; see index.ts for the functions.

export class DiskImageError extends Error {
  override name = 'DiskImageError';
}

export const MiB = 1024 * 1024;
export const SECTOR = 512;

/** Discoverable Partitions Specification names (see guid.ts for the type GUIDs). */
export type PartitionType =
  'esp' | 'xbootldr' | 'root' | 'usr' | 'usr-verity' | 'root-verity' | 'linux-generic' | 'swap';

export type PartitionContent =
  /** mkfs.vfat + mtools, files copied in sorted order; deterministic (volume id, times). */
  | { kind: 'vfat'; dir: string; label?: string }
  /** mkfs.ext4 -d; deterministic (UUID, hash seed, times, fixed feature set). */
  | { kind: 'ext4'; dir: string; label?: string }
  /** mkfs.erofs, owners and modes kept from the tree, mtimes clamped to sourceDateEpoch. */
  | { kind: 'erofs'; dir: string; label?: string }
  /**
   * dm-verity hash tree (with superblock) of the partition labelled `of`: computed over the whole
   * partition, or `prebuilt` — a tree made over the image copied into `of`, whose root hash had to
   * be known before the disk (an immutable host's boot entry names it). Checked against the data.
   */
  | { kind: 'verity'; of: string; prebuilt?: PrebuiltVerity }
  /** A prebuilt filesystem image, copied as is. */
  | { kind: 'file'; path: string }
  /** Zeros (e.g. USR-B before the first update). */
  | { kind: 'empty' };

/** A hash tree file (superblock at offset 0) and what `veritysetup format` made it with. */
export interface PrebuiltVerity {
  path: string;
  rootHash: string;
  salt: string;
  uuid: string;
  dataBlocks: number;
}

export interface PartitionSpec {
  /** GPT partition name (at most 36 UTF-16 code units), unique in the disk. */
  label: string;
  type: PartitionType;
  /** Bytes (rounded up to 1 MiB); omitted = just fits the content (+ slack for ext4 and vfat). */
  size?: number;
  /** Take the (final) size of the partition with this label; e.g. USR-B the size of USR-A. */
  sameSizeAs?: string;
  content: PartitionContent;
  /** GPT attribute bits (e.g. 1n << 60n read-only, 1n << 63n no-auto for the inactive USR slot). */
  attributes?: bigint;
}

export interface DiskSpec {
  partitions: PartitionSpec[];
  /** rpm architecture (x86_64, aarch64); picks the DPS root/usr type GUIDs. */
  arch: string;
  /** Seed for every UUID (disk GUID, partition UUIDs, fs UUIDs, verity salt/UUID): same seed + inputs → same bytes. */
  seed: string;
  sourceDateEpoch: number;
  /** Minimum disk size in bytes (rounded up to 1 MiB); the space after the last partition stays free. */
  size?: number;
}

export interface VerityInfo {
  rootHash: string;
  salt: string;
  dataBlockSize: number;
  hashBlockSize: number;
  dataBlocks: number;
  /** Offset of the verity superblock within the hash partition (always 0: the partition starts with it). */
  hashOffset: number;
  /** Label of the data partition. */
  of: string;
  /** The verity superblock's UUID. */
  uuid: string;
}

export interface AssembledPartition {
  label: string;
  type: PartitionType;
  typeGuid: string;
  /** The GPT unique partition GUID (for a verity pair: the halves of the root hash, as the DPS says). */
  uuid: string;
  /** Byte offset and size within the disk. */
  offset: number;
  size: number;
  /** GPT partition number (1-based). */
  number: number;
  attributes: bigint;
  /** For verity partitions. */
  verity?: VerityInfo;
  /** sha256 (hex) of the partition's bytes. */
  sha256: string;
  /** Filesystem UUID (ext4, erofs) or volume id (vfat, "XXXX-XXXX"). */
  fsUuid?: string;
  /** Size of the filesystem image before padding to the partition size (erofs, file). */
  contentSize?: number;
}

export interface AssembledDisk {
  path: string;
  size: number;
  diskGuid: string;
  partitions: AssembledPartition[];
  /** sha256 (hex) of the whole raw disk. */
  sha256: string;
}

export type DiskFormat = 'raw' | 'vhd' | 'vhd-dynamic' | 'qcow2';

export interface ConvertOptions {
  /** VHD timestamp (seconds since 1970); default $SOURCE_DATE_EPOCH, else 2000-01-01 (0 in VHD time). */
  sourceDateEpoch?: number;
}

export interface ConvertedDisk {
  path: string;
  /** sha256 (hex) of the output file. */
  sha256: string;
  size: number;
}

/** How the filesystem tools say a partition is full. */
export const NO_SPACE = /Could not allocate|No space left|Disk full|too small|not enough space/i;

export function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
