// The kernel inside an image root, the systemd way (/usr/lib/modules/<version>/vmlinuz next to
// that version's modules), and the modules an initramfs must load, with their dependencies in load
// order. Dependencies come from each module's own .modinfo (depends=, softdep= "pre:"), so no
// depmod output (modules.dep is generated on install and no package ships it) is needed; a name
// listed in modules.builtin is compiled in and needs nothing. A softdep names an alias (libcrc32c:
// "pre: crc32c", ext4: "pre: crypto-crc32c"): it is looked up in modules.alias when depmod made one,
// else in the aliases of every module file, and in modules.builtin.modinfo. Compressed modules (.ko.xz, .ko.zst,
// .ko.gz, as Fedora and Azure Linux ship them) are decompressed for the initramfs so busybox's
// insmod can load them.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readTreeSync } from '../../files/index.ts';
import { moduleDependencies, readModinfo } from './elf.ts';

export class KernelError extends Error {
  override name = 'KernelError';
}

export interface KernelInRoot {
  version: string;
  /** Host path of the kernel image (…/usr/lib/modules/<version>/vmlinuz). */
  image: string;
  /** Host path of /usr/lib/modules/<version>. */
  modulesDir: string;
}

/** Finds the one kernel of `root` (or the given version) at usr/lib/modules/<version>/vmlinuz. */
export function findKernel(root: string, version?: string): KernelInRoot {
  const base = join(root, 'usr', 'lib', 'modules');
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'vmlinuz'))).sort() : [];
  if (version !== undefined) {
    if (!versions.includes(version)) throw new KernelError(`kernel ${version}: no /usr/lib/modules/${version}/vmlinuz in the image (found: ${versions.join(', ') || 'none'})`);
    return { version, image: join(base, version, 'vmlinuz'), modulesDir: join(base, version) };
  }
  if (versions.length !== 1) {
    throw new KernelError(versions.length ? `the image has several kernels (${versions.join(', ')}): choose one` : 'the image has no kernel: no /usr/lib/modules/<version>/vmlinuz (install a kernel package)');
  }
  return { version: versions[0], image: join(base, versions[0], 'vmlinuz'), modulesDir: join(base, versions[0]) };
}

/** The module name the kernel uses: file name without .ko[.xz|.zst|.gz], '-' as '_'. */
export function moduleName(fileOrName: string): string {
  return fileOrName.replace(/^.*\//, '').replace(/\.ko(\.(xz|zst|gz))?$/, '').replaceAll('-', '_');
}

export interface ModuleFile {
  name: string;
  /** Path relative to the modules directory, e.g. kernel/drivers/md/dm-verity.ko.xz */
  path: string;
}

export interface KernelModules {
  /** Modules available as files, by name. */
  files: Map<string, ModuleFile>;
  /** Names compiled into the kernel (modules.builtin). */
  builtin: Set<string>;
  /** alias → module names, built on first use (aliasTargets). */
  aliases?: Map<string, string[]>;
}

/** Indexes the module files and built-in names of a modules directory. */
export function indexModules(modulesDir: string): KernelModules {
  const files = new Map<string, ModuleFile>();
  const kernelDir = join(modulesDir, 'kernel');
  if (existsSync(kernelDir)) {
    const all = readTreeSync(kernelDir)
      .filter((e) => e.isFile() && /\.ko(\.(xz|zst|gz))?$/.test(e.name))
      .map((e) => relative(modulesDir, join(e.parentPath, e.name)))
      .sort();
    for (const path of all) {
      const name = moduleName(path);
      if (!files.has(name)) files.set(name, { name, path });
    }
  }
  const builtinFile = join(modulesDir, 'modules.builtin');
  const builtin = new Set(existsSync(builtinFile) ? readFileSync(builtinFile, 'utf8').split('\n').filter(Boolean).map(moduleName) : []);
  return { files, builtin };
}

/** A module's ELF bytes, decompressed. */
export function readModuleBytes(modulesDir: string, m: ModuleFile): Buffer {
  const file = join(modulesDir, m.path);
  if (m.path.endsWith('.gz')) return gunzipSync(readFileSync(file));
  const tool = m.path.endsWith('.xz') ? 'xz' : m.path.endsWith('.zst') ? 'zstd' : undefined;
  if (!tool) return readFileSync(file);
  const r = spawnSync(tool, ['-dc', file], { maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new KernelError(`${m.path}: ${tool} -dc failed: ${r.error?.message ?? r.stderr.toString().trim()}`);
  return r.stdout;
}

function addAlias(map: Map<string, string[]>, alias: string, name: string): void {
  const list = map.get(alias) ?? [];
  if (!list.includes(name)) list.push(name);
  map.set(alias, list);
}

/** The modules (files or built in) that provide `alias`, sorted. */
export function aliasTargets(modulesDir: string, index: KernelModules, alias: string): string[] {
  if (!index.aliases) {
    const map = new Map<string, string[]>();
    const depmod = join(modulesDir, 'modules.alias');
    if (existsSync(depmod)) {
      for (const line of readFileSync(depmod, 'utf8').split('\n')) {
        const m = /^alias\s+(\S+)\s+(\S+)/.exec(line);
        if (m) addAlias(map, m[1], moduleName(m[2]));
      }
    } else {
      for (const f of index.files.values()) for (const a of readModinfo(readModuleBytes(modulesDir, f), f.path).get('alias') ?? []) addAlias(map, a, f.name);
    }
    const builtinInfo = join(modulesDir, 'modules.builtin.modinfo');
    if (existsSync(builtinInfo)) {
      for (const field of readFileSync(builtinInfo, 'latin1').split('\0')) {
        const m = /^([^.=]+)\.alias=(.+)$/.exec(field);
        if (m) addAlias(map, m[2], moduleName(m[1]));
      }
    }
    index.aliases = map;
  }
  return [...(index.aliases.get(alias) ?? [])].sort();
}

export interface ResolvedModule extends ModuleFile {
  /** The module's path in the initramfs: relative to the modules directory, uncompressed (.ko). */
  initrdPath: string;
  /** Names of the loaded modules it needs (hard dependencies that are files, not built in). */
  needs: string[];
}

export interface ModuleResolution {
  /** Modules to load, each after everything it depends on. */
  load: ResolvedModule[];
  /** Requested or depended-on names that are built into the kernel. */
  builtin: string[];
  /** Optional or soft names that exist neither as a file, nor built in, nor as an alias. */
  absent: string[];
}

/**
 * The modules to load for `required` (each must exist, as a file or built in) and `optional`
 * (loaded when present), dependencies first. softdep "pre:" names are loaded first too, as module
 * names or as aliases (every module file providing the alias).
 */
export function resolveModules(modulesDir: string, index: KernelModules, required: readonly string[], optional: readonly string[] = []): ModuleResolution {
  const load: ResolvedModule[] = [];
  const builtin = new Set<string>();
  const absent = new Set<string>();
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (raw: string, mode: 'required' | 'optional' | 'soft', chain: string[]): void => {
    const name = moduleName(raw);
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new KernelError(`kernel modules: dependency loop ${[...chain, name].join(' → ')}`);
    const file = index.files.get(name);
    if (!file && mode === 'soft' && !index.builtin.has(name)) {
      const targets = aliasTargets(modulesDir, index, raw);
      if (!targets.length) absent.add(raw);
      for (const t of targets) visit(t, 'optional', chain);
      state.set(name, 'done');
      return;
    }
    if (!file) {
      if (index.builtin.has(name)) builtin.add(name);
      else if (mode === 'required') throw new KernelError(`kernel module "${raw}"${chain.length ? ` (needed by ${chain.join(' → ')})` : ''}: neither a module file under ${modulesDir} nor built in (modules.builtin)`);
      else absent.add(raw);
      state.set(name, 'done');
      return;
    }
    state.set(name, 'visiting');
    const deps = moduleDependencies(readModinfo(readModuleBytes(modulesDir, file), file.path));
    for (const d of deps.softPre) visit(d, 'soft', [...chain, name]);
    for (const d of deps.depends) visit(d, 'required', [...chain, name]);
    state.set(name, 'done');
    const needs = deps.depends.map(moduleName).filter((d) => index.files.has(d));
    load.push({ ...file, initrdPath: file.path.replace(/\.(xz|zst|gz)$/, ''), needs });
  };
  for (const n of required) visit(n, 'required', []);
  for (const n of optional) visit(n, 'optional', []);
  return { load, builtin: [...builtin].sort(), absent: [...absent].sort() };
}
