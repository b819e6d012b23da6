// The immutable A/B container host (Azure Container Linux, Flatcar): /usr as EROFS bound by
// dm-verity to a systemd-boot entry's usrhash=, two slots with boot counting, writable state on
// ROOT, no package manager; its initramfs; and the update payload that fills one slot.
export {
  buildHostImage, DEFAULT_EXTRA_CMDLINE, HostImageError,
  type HostImageOptions, type HostImageResult, type HostSlotRecord,
} from './build.ts';
export {
  bootEntry, bootEntryFileName, DEFAULT_TRIES, efiArch, ESP_LABEL, loaderConf, parseBootEntry, parseBootEntryName, parseCmdline, ROOT_LABEL,
  slotCmdline, slotKernelPaths, slotLabels, SLOTS,
  type BootEntryName, type Slot, type SlotEntryInput, type SlotLabels,
} from './boot-entry.ts';
export { readDynamicInfo, readModinfo, moduleDependencies, isElf, ElfError, type DynamicInfo } from './elf.ts';
export {
  buildInitramfs, DEFAULT_INITRD_MODULES, InitramfsError, InitramfsTree, REQUIRED_INITRD_MODULES,
  type InitramfsOptions, type InitramfsResult,
} from './initramfs.ts';
export { BOOT_FAIL_MARKER, BOOT_OK_MARKER, initScript, type InitScriptOptions } from './init-script.ts';
export {
  findKernel, indexModules, KernelError, moduleName, readModuleBytes, resolveModules,
  type KernelInRoot, type KernelModules, type ModuleFile, type ModuleResolution, type ResolvedModule,
} from './kernel.ts';
export {
  addFactoryEtc, checkImmutableRoot, findPackageManagement, HostLayoutError, PACKAGE_DATABASE_DIRS, PACKAGE_MANAGER_PROGRAMS, seedStateTree,
} from './layout.ts';
export {
  buildUsrImage, formatVerity, parseVeritySuperblock, parseVeritysetupFormat, seededHex, seededUuid, sha256File, UsrImageError, verifyVerity,
  VERITY_BLOCK_SIZE, VERITY_HASH,
  type UsrImage, type UsrImageOptions, type VerityInfo,
} from './usr-image.ts';
export {
  readSlotUpdate, SLOT_UPDATE_FORMAT, SLOT_UPDATE_MANIFEST, SlotUpdateError, writeSlotUpdate,
  type PayloadFile, type ReadSlotUpdateOptions, type SlotUpdateInput, type SlotUpdateManifest, type SlotUpdatePayload, type VerifiedSlotUpdate,
} from './update.ts';
export { bootDisk, findOvmf, kvmUsable, type QemuBootOptions, type QemuBootResult } from './qemu.ts';
