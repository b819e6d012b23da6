// buildVmImage: a composed root becomes a UEFI disk with dnf inside, the shape of Azure Linux's VM
// image — GPT with an ESP (systemd-boot, BLS type #1 entries) and a ROOT ext4 holding the whole
// root, the root mounted by PARTUUID (kernel command line and /etc/fstab), repo files and the key
// that signs them installed so dnf in the VM checks every package and the metadata — written raw,
// then converted to qcow2 and fixed VHD. Same root, seed and epoch → byte-identical disks.

import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { assembleDisk, convertDisk, type PartitionSpec } from '../disk/index.ts';
import { RootFs } from '../install/index.ts';
import { parseCerts } from '../../rpm/openpgp/index.ts';
import { findBootloader, findKernels, sha256File, writeEspTree } from './boot.ts';
import { checkRepoId, fstabText, kernelOptions, parseOsRelease, repoFileText } from './config.ts';
import { VmImageError, type VmDiskArtifact, type VmDiskFormat, type VmImageOptions, type VmImageResult } from './model.ts';
import { addRootFiles, type RootFile } from './root-files.ts';

const MiB = 1024 * 1024;
export const DEFAULT_ESP_SIZE = 256 * MiB;
export const DEFAULT_KERNEL_CMDLINE: readonly string[] = ['console=tty0', 'console=ttyS0,115200n8'];
export const ESP_LABEL = 'ESP';
export const ROOT_LABEL = 'ROOT';
const FORMATS: readonly VmDiskFormat[] = ['raw', 'qcow2', 'vhd'];

async function readOsRelease(root: string): Promise<Record<string, string>> {
  const fs = new RootFs(root);
  for (const p of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return parseOsRelease(await readFile(fs.hostPath(p, { followFinal: true }), 'utf8'));
    } catch {
      // next candidate
    }
  }
  return {};
}

/** The armored public key of a repository, checked to be one (a secret key must never ship in an image). */
async function repoKey(name: string, keyFile: string): Promise<string> {
  const text = await readFile(keyFile, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new VmImageError(`repository ${name}: key ${keyFile}: ${e.code ?? e.message}`);
  });
  if (!text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) throw new VmImageError(`repository ${name}: key ${keyFile} is not an ASCII-armored OpenPGP public key`);
  try {
    if (!parseCerts(text, keyFile).length) throw new Error('no certificate');
  } catch (e) {
    throw new VmImageError(`repository ${name}: key ${keyFile}: ${(e as Error).message}`);
  }
  return text;
}

function checkOptions(opts: VmImageOptions): VmDiskFormat[] {
  const formats = opts.formats ?? [...FORMATS];
  if (!formats.length) throw new VmImageError('formats: name at least one of raw, qcow2, vhd');
  for (const f of formats) if (!FORMATS.includes(f)) throw new VmImageError(`formats: "${f}" is not one of ${FORMATS.join(', ')}`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(opts.name)) throw new VmImageError(`image name "${opts.name}" must be letters, digits and "._-"`);
  if (!opts.seed) throw new VmImageError('seed: a VM image needs a seed for its UUIDs');
  if (!Number.isSafeInteger(opts.sourceDateEpoch) || opts.sourceDateEpoch < 0) throw new VmImageError(`sourceDateEpoch ${opts.sourceDateEpoch} is not a time in seconds`);
  if (!opts.repos.length) throw new VmImageError('repos: a VM image with dnf needs at least one repository');
  const names = new Set<string>();
  for (const r of opts.repos) {
    checkRepoId(r.name, 'repos');
    if (names.has(r.name)) throw new VmImageError(`repos: "${r.name}" is given twice`);
    names.add(r.name);
  }
  if (opts.loaderTimeout !== undefined && (!Number.isSafeInteger(opts.loaderTimeout) || opts.loaderTimeout < 0)) throw new VmImageError(`loaderTimeout ${opts.loaderTimeout} is not a whole number of seconds`);
  const mp = opts.espMountPoint ?? '/boot/efi';
  if (!mp.startsWith('/') || mp === '/' || mp.split('/').includes('..')) throw new VmImageError(`espMountPoint "${mp}" must be an absolute path below /`);
  return [...new Set(formats)];
}

function partitions(espDir: string, root: string, opts: VmImageOptions): PartitionSpec[] {
  return [
    { label: ESP_LABEL, type: 'esp', size: opts.espSize ?? DEFAULT_ESP_SIZE, content: { kind: 'vfat', dir: espDir, label: 'ESP' } },
    { label: ROOT_LABEL, type: 'root', ...(opts.rootSize ? { size: opts.rootSize } : {}), content: { kind: 'ext4', dir: root, label: 'root' } },
  ];
}

/**
 * The partition UUIDs the disk will have. The kernel command line and /etc/fstab name them, and
 * both are inside the disk, so they are learnt first from a tiny disk with the same seed, labels and
 * types (the disk API derives partition UUIDs from those, not from the content), and checked again
 * on the real disk.
 */
async function predictPartUuids(parts: PartitionSpec[], opts: VmImageOptions, probe: string): Promise<Map<string, string>> {
  const empty = parts.map((p): PartitionSpec => ({ label: p.label, type: p.type, size: MiB, content: { kind: 'empty' } }));
  try {
    const d = await assembleDisk({ partitions: empty, arch: opts.arch, seed: opts.seed, sourceDateEpoch: opts.sourceDateEpoch }, probe);
    return new Map(d.partitions.map((p) => [p.label, p.uuid]));
  } finally {
    await rm(probe, { force: true });
  }
}

export async function buildVmImage(opts: VmImageOptions): Promise<VmImageResult> {
  const formats = checkOptions(opts);
  const epoch = opts.sourceDateEpoch;
  const osr = await readOsRelease(opts.root);
  const token = opts.entryToken ?? osr.IMAGE_ID ?? osr.ID;
  if (!token) throw new VmImageError(`${opts.root}: no os-release ID to name the boot entries by (install the release package, or give an entry token)`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(token)) throw new VmImageError(`entry token "${token}" must be letters, digits and "._-"`);
  const kernels = await findKernels(opts.root);
  if (!kernels.length) throw new VmImageError(`${opts.root}: no kernel (looked for /usr/lib/modules/<version>/vmlinuz and /boot/vmlinuz-<version>): install a kernel package`);
  const bootloader = await findBootloader(opts.root, opts);
  const keys = await Promise.all(opts.repos.map((r) => repoKey(r.name, r.keyFile)));

  await mkdir(opts.workDir, { recursive: true });
  await mkdir(opts.outDir, { recursive: true });
  const espDir = join(opts.workDir, `${opts.name}.esp`);
  const parts = partitions(espDir, opts.root, opts);
  const uuids = await predictPartUuids(parts, opts, join(opts.workDir, `${opts.name}.probe.raw`));
  const rootUuid = uuids.get(ROOT_LABEL);
  const espUuid = uuids.get(ESP_LABEL);
  if (!rootUuid || !espUuid) throw new VmImageError('the disk API did not report the ESP and ROOT partitions');

  const cmdline = kernelOptions(rootUuid, opts.kernelCmdline ?? DEFAULT_KERNEL_CMDLINE);
  const espMount = opts.espMountPoint ?? '/boot/efi';
  const files: RootFile[] = [
    {
      path: '/etc/fstab',
      mode: 0o644,
      data: fstabText(
        [
          { partUuid: rootUuid, mountPoint: '/', fsType: 'ext4', options: 'defaults', pass: 1 },
          { partUuid: espUuid, mountPoint: espMount, fsType: 'vfat', options: 'umask=0077,shortname=winnt', pass: 2 },
        ],
        `${opts.name}: written by Strata; partitions by PARTUUID`,
      ),
    },
    // kernel-install in the image (run by dnf for new kernels) writes entries like ours.
    { path: '/etc/kernel/cmdline', mode: 0o644, data: `${cmdline}\n` },
    { path: '/etc/kernel/entry-token', mode: 0o644, data: `${token}\n` },
    { path: '/etc/kernel/install.conf', mode: 0o644, data: 'layout=bls\n' },
  ];
  opts.repos.forEach((r, i) => {
    const keyPath = `/etc/pki/rpm-gpg/RPM-GPG-KEY-${r.name}`;
    files.push({ path: keyPath, mode: 0o644, data: keys[i] });
    files.push({ path: `/etc/yum.repos.d/${r.name}.repo`, mode: 0o644, data: repoFileText({ id: r.name, title: r.title ?? r.name, baseUrl: r.url, keyPath, enabled: r.enabled !== false }) });
  });
  const rootFiles = await addRootFiles(opts.root, opts.name, files, [espMount], epoch);

  const bootKernels = await writeEspTree(espDir, kernels, bootloader.host, {
    token,
    title: osr.PRETTY_NAME ?? osr.NAME ?? token,
    options: cmdline,
    loaderTimeout: opts.loaderTimeout ?? 3,
    arch: opts.arch,
    epoch,
  });

  const raw = formats.includes('raw') ? join(opts.outDir, `${opts.name}.raw`) : join(opts.workDir, `${opts.name}.raw`);
  const disk = await assembleDisk({ partitions: parts, arch: opts.arch, seed: opts.seed, sourceDateEpoch: epoch }, raw);
  for (const label of [ESP_LABEL, ROOT_LABEL]) {
    const got = disk.partitions.find((p) => p.label === label)?.uuid;
    if (got !== uuids.get(label)) throw new VmImageError(`partition ${label}: the disk has UUID ${got}, the boot entry and fstab were written for ${uuids.get(label)}`);
  }
  const artifacts: VmDiskArtifact[] = [];
  for (const f of formats) {
    if (f === 'raw') {
      artifacts.push({ format: 'raw', path: raw, sha256: disk.sha256, size: disk.size });
      continue;
    }
    const r = await convertDisk(raw, join(opts.outDir, `${opts.name}.${f}`), f, { sourceDateEpoch: epoch });
    artifacts.push({ format: f, path: r.path, sha256: r.sha256, size: r.size });
  }
  if (!formats.includes('raw')) await rm(raw, { force: true });
  await rm(espDir, { recursive: true, force: true });
  return {
    artifacts,
    diskGuid: disk.diskGuid,
    partitions: disk.partitions.map((p) => ({ label: p.label, type: p.type, typeGuid: p.typeGuid, uuid: p.uuid, offset: p.offset, size: p.size, sha256: p.sha256, ...(p.fsUuid ? { fsUuid: p.fsUuid } : {}) })),
    kernels: bootKernels,
    cmdline,
    bootloader: { source: bootloader.source, path: bootloader.host, sha256: await sha256File(bootloader.host) },
    rootFiles,
  };
}
