// The VM image (capabilities machine-bootable + runtime-package-management): a GPT disk with an ESP
// (systemd-boot, BLS type #1 entries, root=PARTUUID=) and an ext4 ROOT with the composed root, its
// /etc/fstab, dnf repo files and signing keys; raw, qcow2 and fixed VHD, byte-reproducible.
export { buildVmImage, DEFAULT_ESP_SIZE, DEFAULT_KERNEL_CMDLINE, ESP_LABEL, ROOT_LABEL } from './build.ts';
export { findKernels, findBootloader, type FoundKernel } from './boot.ts';
export { bootEntryName, bootEntryText, fstabText, kernelOptions, loaderConfText, parseOsRelease, repoFileText, type BootEntry, type FstabMount, type RepoFileEntry } from './config.ts';
export { efiArch, VmImageError, type VmDiskArtifact, type VmDiskFormat, type VmImageOptions, type VmImageResult, type VmKernel, type VmRepository } from './model.ts';
