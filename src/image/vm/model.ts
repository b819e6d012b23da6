// What buildVmImage takes and gives back.

export class VmImageError extends Error {
  override name = 'VmImageError';
}

export type VmDiskFormat = 'raw' | 'qcow2' | 'vhd';

export interface VmRepository {
  /**
   * Repository name: the section id, /etc/yum.repos.d/<name>.repo and the key file
   * /etc/pki/rpm-gpg/RPM-GPG-KEY-<name>.
   */
  name: string;
  /** baseurl written into the repo file (dnf expands $releasever and $basearch). */
  url: string;
  /** ASCII-armored OpenPGP public key that signs the repository metadata and its packages. */
  keyFile: string;
  /** `name=` of the section (default: the name). */
  title?: string;
  /** Default true. */
  enabled?: boolean;
}

export interface VmImageOptions {
  /** Image name: output files are <outDir>/<name>.<raw|qcow2|vhd>. */
  name: string;
  /**
   * A composed image root (composeRoot, then customizeRoot). It is changed in place: /etc/fstab, the
   * repo files, the keys, /etc/kernel/{cmdline,entry-token,install.conf} and the ESP mount point are
   * added, and recorded in /usr/lib/strata/image.json as customizations.
   */
  root: string;
  outDir: string;
  /** Scratch space (the ESP tree, the raw disk when raw is not an output). */
  workDir: string;
  /** Default ['raw', 'qcow2', 'vhd']; vhd is a fixed VHD (raw + footer), as Azure requires. */
  formats?: VmDiskFormat[];
  /** Repositories dnf inside the image uses (at least one: the image is meant to be updated with dnf). */
  repos: VmRepository[];
  /** Seed for every UUID of the disk (with the same inputs and epoch: byte-identical disks). */
  seed: string;
  sourceDateEpoch: number;
  /** x86_64 or aarch64. */
  arch: string;
  /** Appended to `root=PARTUUID=<ROOT> ro`; default Fedora Cloud's ['console=tty0', 'console=ttyS0,115200n8']. */
  kernelCmdline?: string[];
  /**
   * systemd-boot EFI binary. Default: the root's /usr/lib/systemd/boot/efi/systemd-boot<x64|aa64>.efi,
   * else the build machine's (Debian/Ubuntu package systemd-boot-efi) — then the disk depends on
   * that machine's systemd version.
   */
  bootloader?: string;
  /** BLS entry token (default: os-release IMAGE_ID, else ID). */
  entryToken?: string;
  /** ESP size in bytes (default 256 MiB: room for a few kernels and initrds that dnf updates add). */
  espSize?: number;
  /** ROOT size in bytes (default: what the root needs plus the disk API's ext4 slack). */
  rootSize?: number;
  /** Where the root mounts the ESP (default /boot/efi, where kernel-install looks for it too). */
  espMountPoint?: string;
  /** systemd-boot menu timeout in seconds (default 3). */
  loaderTimeout?: number;
}

export interface VmKernel {
  version: string;
  /** In-root paths it was taken from. */
  vmlinuz: string;
  initrd?: string;
  /** Boot entry file on the ESP (loader/entries/...). */
  entry: string;
}

export interface VmDiskArtifact {
  format: VmDiskFormat;
  path: string;
  sha256: string;
  size: number;
}

export interface VmImageResult {
  artifacts: VmDiskArtifact[];
  diskGuid: string;
  partitions: Array<{ label: string; type: string; typeGuid: string; uuid: string; offset: number; size: number; sha256: string; fsUuid?: string }>;
  kernels: VmKernel[];
  /** Full kernel command line of the entries. */
  cmdline: string;
  bootloader: { source: 'root' | 'host' | 'option'; path: string; sha256: string };
  /** In-image paths written into the root (also recorded in /usr/lib/strata/image.json). */
  rootFiles: string[];
}

/** UEFI names of an rpm architecture: the removable-media loader and systemd-boot's file suffix. */
export function efiArch(arch: string): { suffix: string; loader: string } {
  if (arch === 'x86_64') return { suffix: 'x64', loader: 'BOOTX64.EFI' };
  if (arch === 'aarch64') return { suffix: 'aa64', loader: 'BOOTAA64.EFI' };
  throw new VmImageError(`arch "${arch}": VM images are made for x86_64 and aarch64`);
}
