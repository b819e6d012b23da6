// The immutable container host disk from a composed root, in the order the verity binding needs:
//  1. check the root (no package manager, merged /usr), add /usr/share/factory/etc;
//  2. build the initramfs from the root's own busybox, veritysetup and kernel modules;
//  3. make slot A's /usr (EROFS) and its verity hash tree → the root hash;
//  4. write the ESP tree: systemd-boot, loader.conf, slot A's kernel, initrd and boot entry
//     "<id>-a+3-0.conf" whose usrhash= is that root hash;
//  5. seed ROOT (/etc, /var, …) and assemble the GPT disk: ESP, USR-A, USR-A-verity, USR-B,
//     USR-B-verity (empty, same sizes, until the first update), ROOT.
// Slot B gets an entry only once it has content (an update payload, update.ts).

import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assembleDisk, type AssembledDisk, type PartitionSpec, verityHashSize } from '../disk/index.ts';
import {
  bootEntry, bootEntryFileName, DEFAULT_TRIES, efiArch, ESP_LABEL, loaderConf, ROOT_LABEL, type Slot, type SlotEntryInput, slotKernelPaths, slotLabels,
} from './boot-entry.ts';
import { buildInitramfs, type InitramfsResult } from './initramfs.ts';
import { addFactoryEtc, checkImmutableRoot, seedStateTree } from './layout.ts';
import { buildUsrImage, sha256File, type UsrImage } from './usr-image.ts';
import { type SlotUpdatePayload, writeSlotUpdate } from './update.ts';

export class HostImageError extends Error {
  override name = 'HostImageError';
}

const MiB = 1024 * 1024;
const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/** Kernel command line words every entry gets unless the caller gives its own. */
export const DEFAULT_EXTRA_CMDLINE: readonly string[] = ['console=tty0', 'console=ttyS0,115200', 'panic=-1'];

export interface HostImageOptions {
  /** The composed image root; /usr/share/factory/etc is added to it. */
  root: string;
  /** Output directory: <id>.raw, usr-a.erofs, usr-a.verity, esp/, host.json (and the update payload). */
  outDir: string;
  /** Scratch directory (replaced). */
  workDir: string;
  /** Entry token and ESP directory (e.g. "exampleos"). */
  id: string;
  /** OS version of this /usr (BLS version, payload version). */
  version: string;
  arch: string;
  sourceDateEpoch: number;
  /** Seed for every UUID and salt (default "<id>-<version>-<arch>"). */
  seed?: string;
  /** Menu title (default: PRETTY_NAME of the root's os-release). */
  title?: string;
  /** Bytes of each USR slot (default: twice the EROFS image, at least 64 MiB). */
  usrSize?: number;
  /** Bytes of the ESP (default: room for both slots' kernel and initrd, at least 64 MiB). */
  espSize?: number;
  /** Bytes of ROOT (default 64 MiB). */
  rootSize?: number;
  /** Replaces DEFAULT_EXTRA_CMDLINE. */
  extraCmdline?: readonly string[];
  tries?: number;
  /** Modules the initramfs must load besides dm_verity and erofs (default: ext4 for ROOT). */
  initrdModules?: readonly string[];
  optionalInitrdModules?: readonly string[];
  kernelVersion?: string;
  /** Also write the slot update payload of this version here (a directory, or a .tar file). */
  updatePayload?: string;
  /** NEVRAs of the composed packages (recorded in host.json and the payload). */
  packages?: string[];
}

export interface HostSlotRecord {
  slot: Slot;
  version: string;
  rootHash: string;
  entry: string;
  usr: Omit<UsrImage, 'image' | 'hashTree'>;
}

export interface HostImageResult {
  disk: AssembledDisk;
  /** Slot A as built (slot B is empty). */
  slotA: HostSlotRecord;
  usr: UsrImage;
  kernelVersion: string;
  initramfs: { path: string; sha256: string; size: number; modules: string[] };
  esp: string;
  /** host.json: this result as JSON. */
  record: string;
  update?: SlotUpdatePayload;
}

function osReleaseName(root: string): string | undefined {
  for (const p of ['usr/lib/os-release', 'etc/os-release']) {
    try {
      const m = /^PRETTY_NAME=("?)(.*)\1$/m.exec(readFileSync(join(root, p), 'utf8'));
      if (m) return m[2];
    } catch {
      // next
    }
  }
  return undefined;
}

/** The slot A/B entry input for this image (the same for an update payload's entries). */
function entryInput(o: HostImageOptions, slot: Slot, rootHash: string, title: string): SlotEntryInput {
  return { id: o.id, slot, version: o.version, title, rootHash, extraCmdline: o.extraCmdline ?? DEFAULT_EXTRA_CMDLINE, efiArch: efiArch(o.arch) };
}

/** The ESP tree: systemd-boot as the removable-media loader, loader.conf, slot A's kernel, initrd and entry. */
async function writeEsp(esp: string, root: string, o: HostImageOptions, kernelImage: string, initrd: string, entryName: string, entryText: string): Promise<void> {
  const arch = efiArch(o.arch);
  const bootloader = join(root, 'usr/lib/systemd/boot/efi', `systemd-boot${arch}.efi`);
  if (!existsSync(bootloader)) throw new HostImageError(`the image has no /usr/lib/systemd/boot/efi/systemd-boot${arch}.efi (install systemd-boot; Debian: systemd-boot-efi)`);
  await rm(esp, { recursive: true, force: true });
  for (const d of ['EFI/BOOT', 'EFI/systemd', 'loader/entries', `${o.id}/a`]) await mkdir(join(esp, d), { recursive: true });
  await copyFile(bootloader, join(esp, 'EFI/BOOT', `BOOT${arch.toUpperCase()}.EFI`));
  await copyFile(bootloader, join(esp, 'EFI/systemd', `systemd-boot${arch}.efi`));
  await writeFile(join(esp, 'loader/loader.conf'), loaderConf());
  await writeFile(join(esp, 'loader/entries.srel'), 'type1\n');
  const paths = slotKernelPaths(o.id, 'a');
  await copyFile(kernelImage, join(esp, paths.linux));
  await copyFile(initrd, join(esp, paths.initrd));
  await writeFile(join(esp, 'loader/entries', entryName), entryText);
}

export async function buildHostImage(o: HostImageOptions): Promise<HostImageResult> {
  const seed = o.seed ?? `${o.id}-${o.version}-${o.arch}`;
  const tries = o.tries ?? DEFAULT_TRIES;
  checkImmutableRoot(o.root);
  await addFactoryEtc(o.root);
  await rm(o.workDir, { recursive: true, force: true });
  await mkdir(o.workDir, { recursive: true });
  await mkdir(o.outDir, { recursive: true });

  let initramfs: InitramfsResult;
  try {
    initramfs = await buildInitramfs({
      root: o.root, arch: o.arch, sourceDateEpoch: o.sourceDateEpoch, modules: o.initrdModules ?? ['ext4'],
      ...(o.optionalInitrdModules ? { optionalModules: o.optionalInitrdModules } : {}),
      ...(o.kernelVersion ? { kernelVersion: o.kernelVersion } : {}),
    });
  } catch (e) {
    throw new HostImageError(`initramfs: ${(e as Error).message}`);
  }
  const initrdPath = join(o.outDir, 'initrd');
  await writeFile(initrdPath, initramfs.data);

  const usr = await buildUsrImage({
    usrDir: join(o.root, 'usr'), image: join(o.outDir, 'usr-a.erofs'), hashTree: join(o.outDir, 'usr-a.verity'),
    seed, name: `usr-${o.version}`, sourceDateEpoch: o.sourceDateEpoch,
  });
  const title = o.title ?? osReleaseName(o.root) ?? o.id;
  const entryA = bootEntry(entryInput(o, 'a', usr.verity.rootHash, title));
  const entryName = bootEntryFileName(o.id, 'a', tries);
  const esp = join(o.outDir, 'esp');
  await writeEsp(esp, o.root, o, initramfs.kernelImage, initrdPath, entryName, entryA);
  const state = join(o.workDir, 'state');
  await seedStateTree(o.root, state, o.sourceDateEpoch);

  const usrSize = o.usrSize ?? Math.max(roundUp(2 * usr.size, MiB), 64 * MiB);
  if (usrSize < usr.size) throw new HostImageError(`usrSize ${usrSize} is smaller than the /usr image (${usr.size} bytes)`);
  const veritySize = roundUp(verityHashSize(usrSize), MiB);
  const kernelBytes = statSync(initramfs.kernelImage).size + initramfs.data.length;
  const espSize = o.espSize ?? Math.max(roundUp(3 * kernelBytes + 4 * MiB, MiB), 64 * MiB);
  const readOnly = 1n << 60n;
  const a = slotLabels('a');
  const b = slotLabels('b');
  const partitions: PartitionSpec[] = [
    { label: ESP_LABEL, type: 'esp', size: espSize, content: { kind: 'vfat', dir: esp, label: 'ESP' } },
    { label: a.usr, type: 'usr', size: usrSize, content: { kind: 'file', path: usr.image }, attributes: readOnly },
    // The tree made with the /usr image (its root hash is in the boot entry already); the partition
    // UUIDs of USR-A and USR-A-verity are then the halves of that root hash, as systemd-repart sets them.
    {
      label: a.verity, type: 'usr-verity', size: veritySize, attributes: readOnly,
      content: { kind: 'verity', of: a.usr, prebuilt: { path: usr.hashTree, rootHash: usr.verity.rootHash, salt: usr.verity.salt, uuid: usr.verity.uuid, dataBlocks: usr.verity.dataBlocks } },
    },
    { label: b.usr, type: 'usr', size: usrSize, content: { kind: 'empty' }, attributes: readOnly },
    { label: b.verity, type: 'usr-verity', size: veritySize, content: { kind: 'empty' }, attributes: readOnly },
    { label: ROOT_LABEL, type: 'root', size: o.rootSize ?? 64 * MiB, content: { kind: 'ext4', dir: state, label: 'ROOT' } },
  ];
  const disk = await assembleDisk({ partitions, arch: o.arch, seed, sourceDateEpoch: o.sourceDateEpoch }, join(o.outDir, `${o.id}.raw`));

  let update: SlotUpdatePayload | undefined;
  if (o.updatePayload) {
    update = await writeSlotUpdate(
      {
        id: o.id, version: o.version, arch: o.arch, kernelVersion: initramfs.kernelVersion, sourceDateEpoch: o.sourceDateEpoch, usr,
        kernel: initramfs.kernelImage, initrd: initrdPath, tries,
        entries: { a: entryA, b: bootEntry(entryInput(o, 'b', usr.verity.rootHash, title)) },
        ...(o.packages ? { packages: o.packages } : {}),
      },
      o.updatePayload,
    );
  }
  const { image: _i, hashTree: _h, ...usrRecord } = usr;
  const result: HostImageResult = {
    disk,
    slotA: { slot: 'a', version: o.version, rootHash: usr.verity.rootHash, entry: entryName, usr: usrRecord },
    usr,
    kernelVersion: initramfs.kernelVersion,
    initramfs: { path: initrdPath, sha256: await sha256File(initrdPath), size: initramfs.data.length, modules: initramfs.modules.load.map((m) => m.name) },
    esp,
    record: join(o.outDir, 'host.json'),
    ...(update ? { update } : {}),
  };
  const json = JSON.stringify({ format: 'strata-host-image/1', id: o.id, version: o.version, arch: o.arch, packages: o.packages, ...result }, (_k, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v), 2);
  await writeFile(result.record, `${json}\n`);
  return result;
}
