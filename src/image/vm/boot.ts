// The ESP of a VM image: systemd-boot as the removable-media loader, and a BLS type #1 entry for
// every kernel in the root, laid out as kernel-install's "bls" layout does (so the kernels dnf
// installs later, through kernel-install in the image, land beside them):
//   EFI/BOOT/BOOTX64.EFI, EFI/systemd/systemd-bootx64.efi, loader/loader.conf, loader/entries.srel,
//   loader/entries/<token>-<ver>.conf, <token>/<ver>/linux, <token>/<ver>/initrd

import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readTree } from '../../files/index.ts';
import { RootFs } from '../install/index.ts';
import { rpmvercmp } from '../../rpm/evr.ts';
import { bootEntryName, bootEntryText, loaderConfText } from './config.ts';
import { efiArch, VmImageError, type VmImageOptions, type VmKernel } from './model.ts';

export interface FoundKernel {
  version: string;
  /** In-root path and host path. */
  vmlinuz: { path: string; host: string };
  initrd?: { path: string; host: string };
}

async function regularFile(host: string): Promise<boolean> {
  return (await stat(host).catch(() => undefined))?.isFile() === true;
}

/** An in-root path resolved inside the root, if it names a regular file (symlinks followed within the root). */
async function rootFile(fs: RootFs, path: string): Promise<{ path: string; host: string } | undefined> {
  let host: string;
  try {
    host = fs.hostPath(path, { followFinal: true });
  } catch {
    return undefined;
  }
  return (await regularFile(host)) ? { path, host } : undefined;
}

const initrdCandidates = (ver: string): string[] => [
  `/usr/lib/modules/${ver}/initrd`,
  `/usr/lib/modules/${ver}/initramfs.img`,
  `/boot/initramfs-${ver}.img`,
  `/boot/initrd.img-${ver}`,
  `/boot/initrd-${ver}`,
];

/**
 * The kernels of a root, newest first: /usr/lib/modules/<ver>/vmlinuz (Fedora's kernel-core; /lib is
 * usually a link there) and /boot/vmlinuz-<ver> (Debian's, and older Fedora's), each with the first
 * initrd found among the usual names.
 */
export async function findKernels(root: string): Promise<FoundKernel[]> {
  const fs = new RootFs(root);
  const found = new Map<string, FoundKernel>();
  for (const modules of ['/usr/lib/modules', '/lib/modules']) {
    let dir: string;
    try {
      dir = fs.hostPath(modules, { followFinal: true });
    } catch {
      continue;
    }
    for (const ver of (await readdir(dir).catch(() => [] as string[])).sort()) {
      if (found.has(ver)) continue;
      const vmlinuz = await rootFile(fs, `${modules}/${ver}/vmlinuz`);
      if (vmlinuz) found.set(ver, { version: ver, vmlinuz });
    }
  }
  const boot = await readdir(fs.hostPath('/boot', { followFinal: true })).catch(() => [] as string[]);
  for (const name of boot.sort()) {
    const ver = /^vmlinuz-(.+)$/.exec(name)?.[1];
    if (!ver || found.has(ver)) continue;
    const vmlinuz = await rootFile(fs, `/boot/${name}`);
    if (vmlinuz) found.set(ver, { version: ver, vmlinuz });
  }
  for (const k of found.values()) {
    for (const p of initrdCandidates(k.version)) {
      const f = await rootFile(fs, p);
      if (f) {
        k.initrd = f;
        break;
      }
    }
  }
  return [...found.values()].sort((a, b) => rpmvercmp(b.version, a.version));
}

const HOST_BOOT_DIR = '/usr/lib/systemd/boot/efi';

/** systemd-boot's EFI binary: the option, else the root's, else the build machine's. */
export async function findBootloader(root: string, opts: Pick<VmImageOptions, 'bootloader' | 'arch'>): Promise<{ source: 'root' | 'host' | 'option'; host: string }> {
  if (opts.bootloader) {
    if (!(await regularFile(opts.bootloader))) throw new VmImageError(`bootloader: ${opts.bootloader} is not a file`);
    return { source: 'option', host: opts.bootloader };
  }
  const file = `systemd-boot${efiArch(opts.arch).suffix}.efi`;
  const inRoot = await rootFile(new RootFs(root), `${HOST_BOOT_DIR}/${file}`);
  if (inRoot) return { source: 'root', host: inRoot.host };
  const onHost = join(HOST_BOOT_DIR, file);
  if (await regularFile(onHost)) return { source: 'host', host: onHost };
  throw new VmImageError(`no systemd-boot: the image has no ${HOST_BOOT_DIR}/${file} and neither has this machine (install systemd-boot-efi, or give a bootloader file)`);
}

export interface EspPlan {
  token: string;
  title: string;
  options: string;
  loaderTimeout: number;
  arch: string;
  epoch: number;
}

async function put(dir: string, rel: string, data: Uint8Array | string | { copy: string }): Promise<void> {
  const p = join(dir, ...rel.split('/'));
  await mkdir(join(p, '..'), { recursive: true });
  if (typeof data === 'object' && 'copy' in data) await copyFile(data.copy, p);
  else await writeFile(p, data);
}

/** Every file and directory of `dir` at the epoch, so the FAT timestamps do not depend on the build's time. */
async function settleTimes(dir: string, epoch: number): Promise<void> {
  const entries = await readTree(dir);
  const paths = entries.map((e) => join(e.parentPath, e.name)).sort((a, b) => b.length - a.length);
  for (const p of [...paths, dir]) await utimes(p, epoch, epoch);
}

export async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** Writes the ESP tree at `dir` (replacing it); returns the kernels with their entry files. */
export async function writeEspTree(dir: string, kernels: readonly FoundKernel[], bootloader: string, plan: EspPlan): Promise<VmKernel[]> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const { suffix, loader } = efiArch(plan.arch);
  await put(dir, `EFI/BOOT/${loader}`, { copy: bootloader });
  await put(dir, `EFI/systemd/systemd-boot${suffix}.efi`, { copy: bootloader });
  await put(dir, 'loader/loader.conf', loaderConfText(plan.loaderTimeout));
  // systemd ≥ 254 marks the entries directory as holding type #1 entries.
  await put(dir, 'loader/entries.srel', 'type1\n');
  const out: VmKernel[] = [];
  for (const k of kernels) {
    const base = `/${plan.token}/${k.version}`;
    await put(dir, `${base.slice(1)}/linux`, { copy: k.vmlinuz.host });
    if (k.initrd) await put(dir, `${base.slice(1)}/initrd`, { copy: k.initrd.host });
    const entry = {
      token: plan.token,
      kernelVersion: k.version,
      title: `${plan.title} (${k.version})`,
      linux: `${base}/linux`,
      ...(k.initrd ? { initrd: `${base}/initrd` } : {}),
      options: plan.options,
      efiArch: suffix,
    };
    const name = `loader/entries/${bootEntryName(entry)}`;
    await put(dir, name, bootEntryText(entry));
    out.push({ version: k.version, vmlinuz: k.vmlinuz.path, ...(k.initrd ? { initrd: k.initrd.path } : {}), entry: name });
  }
  await settleTimes(dir, plan.epoch);
  return out;
}
