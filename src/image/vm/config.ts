// The text files a VM image carries for booting and for dnf: /etc/fstab, yum.repos.d files, BLS
// type #1 boot entries and systemd-boot's loader.conf. Pure: inputs in, file text out.

import { VmImageError } from './model.ts';

/** dnf repository ids: letters, digits and "-_.:" (libdnf refuses anything else). */
const REPO_ID = /^[A-Za-z0-9_.:-]+$/;

export interface RepoFileEntry {
  /** Section name (repository id). */
  id: string;
  /** Human name (`name=`). */
  title: string;
  /** `baseurl=`; dnf expands $releasever and $basearch in it. */
  baseUrl: string;
  /** In-image path of the key: file:///etc/pki/rpm-gpg/RPM-GPG-KEY-<name>. */
  keyPath: string;
  enabled: boolean;
}

export function checkRepoId(id: string, what: string): void {
  if (!REPO_ID.test(id)) throw new VmImageError(`${what}: repository name "${id}" may only hold letters, digits and "-_.:"`);
}

function oneLine(value: string, what: string): string {
  if (/[\r\n]/.test(value) || value.trim() !== value || value === '') throw new VmImageError(`${what}: "${value}" must be one non-empty line without surrounding spaces`);
  return value;
}

/** A dnf .repo file with signature checks on for both the metadata and the packages. */
export function repoFileText(e: RepoFileEntry): string {
  checkRepoId(e.id, 'repository');
  return [
    `[${e.id}]`,
    `name=${oneLine(e.title, `repository ${e.id} title`)}`,
    `baseurl=${oneLine(e.baseUrl, `repository ${e.id} url`)}`,
    `enabled=${e.enabled ? 1 : 0}`,
    'gpgcheck=1',
    'repo_gpgcheck=1',
    `gpgkey=file://${e.keyPath}`,
    '',
  ].join('\n');
}

export interface FstabMount {
  /** PARTUUID of the partition. */
  partUuid: string;
  mountPoint: string;
  fsType: string;
  options: string;
  /** fsck pass: 1 for the root, 2 for the others. */
  pass: number;
}

export function fstabText(mounts: readonly FstabMount[], comment: string): string {
  const lines = [`# ${comment}`, '# <device>  <mount point>  <type>  <options>  <dump>  <pass>'];
  for (const m of mounts) lines.push(`PARTUUID=${m.partUuid}  ${m.mountPoint}  ${m.fsType}  ${m.options}  0  ${m.pass}`);
  return `${lines.join('\n')}\n`;
}

/** Kernel command line: the root by PARTUUID, read-only until systemd remounts it per fstab, then the extras. */
export function kernelOptions(rootPartUuid: string, extras: readonly string[]): string {
  for (const x of extras) {
    if (!x || /\s/.test(x)) throw new VmImageError(`kernel command line: "${x}" must be one word (no spaces)`);
    if (/^root=/.test(x)) throw new VmImageError(`kernel command line: "${x}": the root is set by the image (root=PARTUUID of ROOT)`);
  }
  return [`root=PARTUUID=${rootPartUuid}`, 'ro', ...extras].join(' ');
}

export interface BootEntry {
  /** Entry token (kernel-install's: the os-release ID by default). */
  token: string;
  kernelVersion: string;
  title: string;
  /** ESP paths (absolute, "/"-separated). */
  linux: string;
  initrd?: string;
  options: string;
  /** BLS architecture name (x64, aa64). */
  efiArch: string;
}

/** BLS type #1 entry file name: `<token>-<kernel version>.conf`, as kernel-install names it. */
export function bootEntryName(e: Pick<BootEntry, 'token' | 'kernelVersion'>): string {
  return `${e.token}-${e.kernelVersion}.conf`;
}

export function bootEntryText(e: BootEntry): string {
  const lines = [`title ${e.title}`, `version ${e.kernelVersion}`, `sort-key ${e.token}`, `options ${e.options}`, `linux ${e.linux}`];
  if (e.initrd) lines.push(`initrd ${e.initrd}`);
  lines.push(`architecture ${e.efiArch}`);
  return `${lines.join('\n')}\n`;
}

/** systemd-boot's loader.conf: newest entry by default, a short menu, no command-line editing at the console. */
export function loaderConfText(timeoutSeconds: number): string {
  return `timeout ${timeoutSeconds}\neditor no\n`;
}

/** Parses an os-release file (KEY=value, optionally quoted). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(l.trim());
    if (!m) continue;
    out[m[1]] = m[2].replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1').replace(/\\(["\\$`])/g, '$1');
  }
  return out;
}
