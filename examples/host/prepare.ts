// Package trees for the ExampleOS container host, made from the build machine's Debian packages
// (git stores no binaries): `strata pack` then turns each tree into an RPM (packages/*.pack.toml).
//   node examples/host/prepare.ts [OUT]          (default: examples/out/host)
// Trees in OUT/trees/<package>/:
//   exampleos-host-base  the merged-/usr layout (/bin → usr/bin …), os-release, passwd and group
//   kernel               Debian's linux-image-<version>-<arch> (apt-get download, dpkg-deb -x),
//                        re-laid the systemd way: usr/lib/modules/<version>/vmlinuz and only the
//                        modules the host boots with (dm-verity, erofs, ext4, disk drivers) plus
//                        their dependencies, modules.builtin and modules.order
//   systemd-boot         /usr/lib/systemd/boot/efi/systemd-boot<arch>.efi (Debian: systemd-boot-efi)
//   veritysetup          /usr/sbin/veritysetup (Debian: cryptsetup-bin) with the libraries ldd
//                        lists, in usr/lib/<triplet>/ and the loader in usr/lib64/
//   busybox              the static busybox (examples/images/busybox/prepare.ts)
// The kernel .deb is kept in OUT/debs/ and reused while Debian's linux-image-<arch> still points to it.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { efiArch, indexModules, REQUIRED_INITRD_MODULES, DEFAULT_INITRD_MODULES, resolveModules } from '../../src/image/host/index.ts';

const HERE = dirname(new URL(import.meta.url).pathname);
const REPO = resolve(HERE, '..', '..');

/** Modules the example kernel package keeps (with their dependencies). */
export const HOST_KERNEL_MODULES: readonly string[] = [...REQUIRED_INITRD_MODULES, 'ext4', 'vfat', 'nls_cp437', 'nls_ascii'];

const DEBIAN_ARCH: Record<string, { deb: string; rpm: string; triplet: string; loader: string }> = {
  x64: { deb: 'amd64', rpm: 'x86_64', triplet: 'x86_64-linux-gnu', loader: 'usr/lib64/ld-linux-x86-64.so.2' },
  arm64: { deb: 'arm64', rpm: 'aarch64', triplet: 'aarch64-linux-gnu', loader: 'usr/lib/ld-linux-aarch64.so.1' },
};

export interface HostTrees {
  trees: Record<string, string>;
  kernelVersion: string;
  kernelDeb: string;
  arch: string;
}

function sh(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

function fresh(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function copyInto(src: string, dst: string, mode?: number): void {
  mkdirSync(dirname(dst), { recursive: true });
  copyFileSync(src, dst);
  if (mode !== undefined) chmodSync(dst, mode);
}

function baseTree(dir: string): void {
  fresh(dir);
  for (const d of ['etc', 'home', 'root', 'run', 'tmp', 'dev', 'proc', 'sys', 'usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib64', 'usr/share', 'var/lib', 'var/log', 'var/tmp']) {
    mkdirSync(join(dir, d), { recursive: true });
  }
  chmodSync(join(dir, 'root'), 0o700);
  chmodSync(join(dir, 'tmp'), 0o1777);
  chmodSync(join(dir, 'var/tmp'), 0o1777);
  for (const d of ['bin', 'sbin', 'lib', 'lib64']) symlinkSync(`usr/${d}`, join(dir, d));
  copyInto(join(HERE, 'base', 'os-release'), join(dir, 'usr/lib/os-release'));
  symlinkSync('../usr/lib/os-release', join(dir, 'etc/os-release'));
  const fsComp = join(REPO, 'examples/distro/base/comps/exampleos-filesystem');
  copyInto(join(fsComp, 'passwd'), join(dir, 'etc/passwd'));
  copyInto(join(fsComp, 'group'), join(dir, 'etc/group'));
}

/** Downloads (once) and unpacks Debian's current kernel image package; returns its root and version. */
function debianKernel(debs: string, debArch: string): { root: string; version: string; deb: string } {
  mkdirSync(debs, { recursive: true });
  const meta = `linux-image-${debArch}`;
  const kernelPackage = () => {
    const r = spawnSync('apt-cache', ['depends', '--important', meta], { encoding: 'utf8' });
    return r.status === 0 ? /Depends:\s*(linux-image-\S+)/.exec(r.stdout)?.[1] : undefined;
  };
  const cached = (pkg: string) => readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  // apt-get download fetches into the current directory (as root it warns that _apt cannot write there).
  const download = (pkg: string) => spawnSync('apt-get', ['download', '-q', pkg], { cwd: debs, encoding: 'utf8' });
  let pkg = kernelPackage();
  let deb = pkg ? cached(pkg) : undefined;
  if (!deb) {
    let r = pkg ? download(pkg) : undefined;
    if (!r || r.status !== 0) {
      // Package lists missing or older than the archive (a fresh machine): refresh them once.
      const u = spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8' });
      if (u.status !== 0) throw new Error(`prepare: apt-get update failed: ${u.stderr.trim()}`);
      pkg = kernelPackage();
      if (!pkg) throw new Error(`prepare: apt-cache depends ${meta} names no kernel package`);
      r = download(pkg);
    }
    if (r.status !== 0) throw new Error(`prepare: apt-get download ${pkg} failed: ${r.stderr.trim()}`);
    deb = cached(pkg!);
    if (!deb) throw new Error(`prepare: apt-get download ${pkg} left no .deb in ${debs}`);
  }
  const root = join(debs, deb.replace(/\.deb$/, ''));
  if (!existsSync(join(root, 'boot'))) {
    fresh(root);
    sh('dpkg-deb', ['-x', join(debs, deb), root]);
  }
  const version = readdirSync(join(root, 'lib/modules'))[0];
  if (!version || !existsSync(join(root, 'boot', `vmlinuz-${version}`))) throw new Error(`prepare: ${deb} has no boot/vmlinuz-<version> with lib/modules/<version>`);
  return { root, version, deb: join(debs, deb) };
}

function kernelTree(dir: string, kernel: { root: string; version: string }): void {
  fresh(dir);
  const src = join(kernel.root, 'lib/modules', kernel.version);
  const dst = join(dir, 'usr/lib/modules', kernel.version);
  copyInto(join(kernel.root, 'boot', `vmlinuz-${kernel.version}`), join(dst, 'vmlinuz'), 0o755);
  const picked = resolveModules(src, indexModules(src), HOST_KERNEL_MODULES, DEFAULT_INITRD_MODULES);
  for (const m of picked.load) copyInto(join(src, m.path), join(dst, m.path));
  for (const f of ['modules.builtin', 'modules.builtin.modinfo', 'modules.order']) if (existsSync(join(src, f))) copyInto(join(src, f), join(dst, f));
}

function systemdBootTree(dir: string, arch: string): void {
  fresh(dir);
  const name = `systemd-boot${efiArch(arch)}.efi`;
  const src = join('/usr/lib/systemd/boot/efi', name);
  if (!existsSync(src)) throw new Error(`prepare: no ${src} on this machine (Debian: apt-get install systemd-boot-efi)`);
  copyInto(src, join(dir, 'usr/lib/systemd/boot/efi', name));
}

function veritysetupTree(dir: string, a: { triplet: string; loader: string }): void {
  fresh(dir);
  const bin = ['/usr/sbin/veritysetup', '/sbin/veritysetup'].find((p) => existsSync(p));
  if (!bin) throw new Error('prepare: no veritysetup on this machine (Debian: apt-get install cryptsetup-bin)');
  copyInto(realpathSync(bin), join(dir, 'usr/sbin/veritysetup'), 0o755);
  // ldd lines: "libx.so.1 => /lib/…/libx.so.1 (0x…)" and the loader "/lib64/ld-linux-x86-64.so.2 (0x…)".
  for (const line of sh('ldd', [bin]).split('\n')) {
    const lib = /^\s*(\S+) => (\/\S+)/.exec(line);
    if (lib) copyInto(realpathSync(lib[2]), join(dir, 'usr/lib', a.triplet, lib[1]), 0o755);
    const loader = /^\s*(\/\S*ld-linux\S*)\s/.exec(line);
    if (loader) copyInto(realpathSync(loader[1]), join(dir, a.loader), 0o755);
  }
}

export function prepareHostTrees(out: string): HostTrees {
  const a = DEBIAN_ARCH[process.arch];
  if (!a) throw new Error(`prepare: no Debian kernel mapping for ${process.arch}`);
  const trees: Record<string, string> = {};
  const t = (name: string) => (trees[name] = join(out, 'trees', name));
  baseTree(t('exampleos-host-base'));
  const kernel = debianKernel(join(out, 'debs'), a.deb);
  kernelTree(t('kernel'), kernel);
  systemdBootTree(t('systemd-boot'), a.rpm);
  veritysetupTree(t('veritysetup'), a);
  const bb = spawnSync(process.execPath, [join(REPO, 'examples/images/busybox/prepare.ts'), t('busybox')], { encoding: 'utf8' });
  if (bb.status !== 0) throw new Error(bb.stderr.trim() || 'prepare: busybox tree failed');
  return { trees, kernelVersion: kernel.version, kernelDeb: basename(kernel.deb), arch: a.rpm };
}

if (import.meta.main) {
  const out = resolve(process.argv[2] ?? join(REPO, 'examples/out/host'));
  const r = prepareHostTrees(out);
  console.log(`prepare: kernel ${r.kernelVersion} (${r.kernelDeb}); trees in ${join(out, 'trees')}: ${Object.keys(r.trees).join(', ')}`);
}
