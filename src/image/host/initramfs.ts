// The immutable host's initramfs, built from the image's own files (never the build host's): the
// static busybox, veritysetup with every shared library its ELF headers name (resolved inside the
// image root, symlinks along the way recreated), the kernel modules the init loads (dependencies
// first), /dev/console, and the /init script. Written as a newc cpio in path order with fixed
// inode numbers, owners and times, gzip-compressed: the same inputs give the same bytes.

import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CpioWriter } from '../../rpm/write/cpio.ts';
import { readDynamicInfo } from './elf.ts';
import { initScript } from './init-script.ts';
import { findKernel, indexModules, type ModuleResolution, readModuleBytes, resolveModules } from './kernel.ts';

export class InitramfsError extends Error {
  override name = 'InitramfsError';
}

type Node =
  | { kind: 'dir'; mode: number }
  | { kind: 'symlink'; target: string }
  | { kind: 'file'; mode: number; data: Uint8Array }
  | { kind: 'char'; mode: number; major: number; minor: number };

/** An initramfs tree under construction: absolute paths → entries. */
export class InitramfsTree {
  readonly nodes = new Map<string, Node>();

  private put(path: string, node: Node): void {
    const p = posix.normalize(path);
    if (!p.startsWith('/') || p === '/') throw new InitramfsError(`initramfs path "${path}" must be absolute`);
    const old = this.nodes.get(p);
    if (old) {
      if (old.kind === 'dir' && node.kind === 'dir') return;
      if (old.kind === 'symlink' && node.kind === 'symlink' && old.target === node.target) return;
      if (old.kind === 'file' && node.kind === 'file' && Buffer.compare(old.data, node.data) === 0) return;
      throw new InitramfsError(`initramfs path ${p} added twice with different content (${old.kind}, ${node.kind})`);
    }
    const parent = posix.dirname(p);
    if (parent !== '/') {
      const up = this.nodes.get(parent);
      if (!up) this.put(parent, { kind: 'dir', mode: 0o755 });
      else if (up.kind !== 'dir') throw new InitramfsError(`initramfs path ${p}: parent ${parent} is a ${up.kind}`);
    }
    this.nodes.set(p, node);
  }

  dir(path: string, mode = 0o755): void {
    this.put(path, { kind: 'dir', mode });
  }
  symlink(path: string, target: string): void {
    this.put(path, { kind: 'symlink', target });
  }
  file(path: string, data: Uint8Array | string, mode = 0o644): void {
    this.put(path, { kind: 'file', mode, data: typeof data === 'string' ? Buffer.from(data) : data });
  }
  charDevice(path: string, major: number, minor: number, mode = 0o600): void {
    this.put(path, { kind: 'char', mode, major, minor });
  }

  /**
   * Copies `path` from the image `root` as the image resolves it: every symlink met on the way is
   * recreated (so /lib64/ld-linux-x86-64.so.2 works through the same links), the final file is
   * copied. Returns the resolved path inside the root.
   */
  copyFromRoot(root: string, path: string): string {
    let todo = path.split('/').filter(Boolean);
    let cur = '/';
    for (let hops = 0; todo.length; ) {
      const comp = todo.shift()!;
      if (comp === '.') continue;
      if (comp === '..') {
        cur = posix.dirname(cur);
        continue;
      }
      const next = posix.join(cur, comp);
      let st;
      try {
        st = lstatSync(join(root, next));
      } catch {
        throw new InitramfsError(`${path}: ${next} does not exist in the image`);
      }
      if (st.isSymbolicLink()) {
        if (++hops > 40) throw new InitramfsError(`${path}: too many symbolic links`);
        const target = readlinkSync(join(root, next));
        this.symlink(next, target);
        todo = [...target.split('/').filter(Boolean), ...todo];
        if (target.startsWith('/')) cur = '/';
      } else if (st.isDirectory()) {
        this.dir(next, st.mode & 0o7777);
        cur = next;
      } else if (st.isFile()) {
        if (todo.length) throw new InitramfsError(`${path}: ${next} is a file, not a directory`);
        this.file(next, readFileSync(join(root, next)), st.mode & 0o7777);
        return next;
      } else {
        throw new InitramfsError(`${path}: ${next} is not a regular file`);
      }
    }
    throw new InitramfsError(`${path}: is a directory`);
  }

  /** The newc cpio archive of the tree (sorted paths, inode numbers from 1, owner 0:0, mtime). */
  async cpio(mtime: number): Promise<Buffer> {
    const chunks: Uint8Array[] = [];
    const w = new CpioWriter(async (c) => {
      chunks.push(c);
    });
    const paths = [...this.nodes.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    let ino = 0;
    for (const p of paths) {
      const n = this.nodes.get(p)!;
      const data = n.kind === 'file' ? n.data : n.kind === 'symlink' ? Buffer.from(n.target) : new Uint8Array();
      const mode = { dir: 0o040000, symlink: 0o120000, file: 0o100000, char: 0o020000 }[n.kind] | (n.kind === 'symlink' ? 0o777 : n.mode);
      await w.entry({
        name: p.slice(1), ino: ++ino, mode, uid: 0, gid: 0, nlink: n.kind === 'dir' ? 2 : 1, mtime, size: data.length,
        devMajor: 0, devMinor: 0, rdevMajor: n.kind === 'char' ? n.major : 0, rdevMinor: n.kind === 'char' ? n.minor : 0,
      });
      if (data.length) await w.data(data);
    }
    await w.finish();
    return Buffer.concat(chunks);
  }
}

/** Where the initramfs looks for its programs in the image root (first match wins). */
const PROGRAM_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function findProgram(root: string, name: string): string {
  for (const d of PROGRAM_DIRS) {
    try {
      lstatSync(join(root, d, name));
      return `${d}/${name}`;
    } catch {
      // next directory
    }
  }
  throw new InitramfsError(`the image has no ${name} (looked in ${PROGRAM_DIRS.join(', ')}): the immutable host's initramfs needs it`);
}

function libraryDirs(arch: string): string[] {
  const triplet = `${arch}-linux-gnu`;
  return ['/usr/lib64', `/usr/lib/${triplet}`, '/usr/lib', '/lib64', `/lib/${triplet}`, '/lib'];
}

/** Copies a dynamically linked program with its loader and libraries; returns the library directories used. */
function copyProgramWithLibraries(tree: InitramfsTree, root: string, program: string, arch: string): Set<string> {
  const used = new Set<string>();
  const seen = new Set<string>();
  const queue: Array<{ path: string; what: string }> = [{ path: program, what: program }];
  while (queue.length) {
    const { path, what } = queue.shift()!;
    const resolved = tree.copyFromRoot(root, path);
    if (seen.has(resolved)) continue;
    seen.add(resolved);
    const info = readDynamicInfo(readFileSync(join(root, resolved)), `${what} (${resolved})`);
    if (info.interpreter) queue.push({ path: info.interpreter, what: `${program}'s loader` });
    const origin = posix.dirname(resolved);
    const dirs = [...info.runpath.map((d) => d.replaceAll('$ORIGIN', origin).replaceAll('${ORIGIN}', origin)), ...libraryDirs(arch)];
    for (const soname of info.needed) {
      const dir = dirs.find((d) => {
        try {
          lstatSync(join(root, d, soname));
          return true;
        } catch {
          return false;
        }
      });
      if (!dir) throw new InitramfsError(`${what}: needs ${soname}, which the image does not have (looked in ${dirs.join(', ')})`);
      used.add(dir);
      queue.push({ path: `${dir}/${soname}`, what: soname });
    }
  }
  return used;
}

/** Kernel modules the init loads when the kernel has them (disk controllers QEMU and clouds use). */
export const DEFAULT_INITRD_MODULES: readonly string[] = [
  'virtio_pci', 'virtio_blk', 'virtio_scsi', 'sd_mod', 'ahci', 'ata_piix', 'nvme', 'hv_storvsc', 'crc32c_generic', 'crc32c_intel',
];
/** Modules the immutable host cannot boot without (a file or built in). */
export const REQUIRED_INITRD_MODULES: readonly string[] = ['dm_verity', 'erofs'];

export interface InitramfsOptions {
  /** The composed image root (its /usr provides every file). */
  root: string;
  arch: string;
  kernelVersion?: string;
  /** Modules that must load besides dm_verity, erofs (e.g. ext4 for an ext4 ROOT). */
  modules?: readonly string[];
  /** Modules loaded when present (default DEFAULT_INITRD_MODULES). */
  optionalModules?: readonly string[];
  sourceDateEpoch: number;
}

export interface InitramfsResult {
  /** gzip-compressed newc cpio. */
  data: Buffer;
  kernelVersion: string;
  /** Host path of the kernel image in the root. */
  kernelImage: string;
  modules: ModuleResolution;
  /** Paths in the initramfs, sorted. */
  paths: string[];
}

const MODULE_LIST = '/etc/strata/initrd-modules';

export async function buildInitramfs(opts: InitramfsOptions): Promise<InitramfsResult> {
  const { root, arch } = opts;
  const kernel = findKernel(root, opts.kernelVersion);
  const index = indexModules(kernel.modulesDir);
  const modules = resolveModules(kernel.modulesDir, index, [...REQUIRED_INITRD_MODULES, ...(opts.modules ?? [])], opts.optionalModules ?? DEFAULT_INITRD_MODULES);
  const tree = new InitramfsTree();
  for (const d of ['/dev', '/proc', '/sys', '/run', '/sysroot', '/usr/bin', '/usr/sbin']) tree.dir(d);
  tree.dir('/tmp', 0o1777);
  tree.charDevice('/dev/console', 5, 1);

  const busybox = findProgram(root, 'busybox');
  const bbResolved = tree.copyFromRoot(root, busybox);
  if (!readDynamicInfo(readFileSync(join(root, bbResolved)), busybox).isStatic) {
    throw new InitramfsError(`${busybox} is dynamically linked: the initramfs needs a static busybox (Debian: busybox-static)`);
  }
  if (bbResolved !== '/usr/bin/busybox') tree.symlink('/usr/bin/busybox', bbResolved);
  const libDirs = copyProgramWithLibraries(tree, root, findProgram(root, 'veritysetup'), arch);
  // busybox --install -s puts applets in /bin and /sbin too: make those the merged /usr ones.
  for (const [link, target] of [['/bin', 'usr/bin'], ['/sbin', 'usr/sbin']]) if (!tree.nodes.has(link)) tree.symlink(link, target);

  const modDir = `/usr/lib/modules/${kernel.version}`;
  for (const m of modules.load) tree.file(`${modDir}/${m.initrdPath}`, readModuleBytes(kernel.modulesDir, m));
  tree.file(MODULE_LIST, modules.load.map((m) => `${[m.initrdPath, m.name, ...m.needs].join(' ')}\n`).join(''));
  const libraryDirsSorted = [...libDirs].sort();
  tree.file('/init', initScript({ kernelVersion: kernel.version, moduleList: MODULE_LIST, libraryDirs: libraryDirsSorted }), 0o755);
  const cpio = await tree.cpio(opts.sourceDateEpoch);
  return {
    data: gzipSync(cpio, { level: 9 }),
    kernelVersion: kernel.version,
    kernelImage: kernel.image,
    modules,
    paths: [...tree.nodes.keys()].sort(),
  };
}
