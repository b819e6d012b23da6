// Disk images: GPT disks with Discoverable-Partitions types, filesystems made reproducibly by
// their own tools (ext4, EROFS, FAT), dm-verity hash partitions, and raw/VHD/qcow2 outputs.
export { assembleDisk } from './assemble.ts';
export { convertDisk } from './convert.ts';
export {
  DiskImageError, MiB, type AssembledDisk, type AssembledPartition, type ConvertedDisk, type ConvertOptions,
  type DiskFormat, type DiskSpec, type PartitionContent, type PartitionSpec, type PartitionType, type PrebuiltVerity, type VerityInfo,
} from './model.ts';
export {
  PARTITION_TYPES, deterministicUuid, dpsTypeGuid, guidFromBytes, guidToBytes, verityPartitionUuids,
} from './guid.ts';
export { readGpt, writeGpt, type GptBytes, type GptEntry, type GptLayout, type ReadGpt } from './gpt.ts';
export { parseVhdFooter, vhdChsGeometry, vhdDynamicHeader, vhdFooter, type ParsedVhdFooter, type VhdFooterInput } from './vhd.ts';
export { verityHashSize } from './verity.ts';
export { setErofsLabel } from './fs-erofs.ts';
