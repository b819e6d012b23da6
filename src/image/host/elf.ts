// Just enough ELF to assemble an initramfs without running anything from the image: whether a
// program is static (no PT_INTERP), which loader and shared libraries it needs (PT_INTERP, DT_NEEDED,
// DT_RUNPATH/DT_RPATH), and a kernel module's .modinfo (depends=, softdep=, name=). Reading the
// image's own files this way works for any target root, where `ldd` would run the build host's loader.

export class ElfError extends Error {
  override name = 'ElfError';
}

interface Section {
  name: string;
  type: number;
  offset: number;
  size: number;
  link: number;
}

interface Elf {
  is64: boolean;
  le: boolean;
  type: number;
  machine: number;
  sections: Section[];
  programs: Array<{ type: number; offset: number; filesz: number }>;
  bytes: Uint8Array;
}

const SHT_DYNAMIC = 6;
const PT_INTERP = 3;
const DT_NEEDED = 1;
const DT_RPATH = 15;
const DT_RUNPATH = 29;

/** True when `bytes` starts with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

function parseElf(bytes: Uint8Array, what: string): Elf {
  if (!isElf(bytes) || bytes.length < 64) throw new ElfError(`${what}: not an ELF file`);
  const is64 = bytes[4] === 2;
  const le = bytes[5] === 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => view.getUint16(o, le);
  const u32 = (o: number) => view.getUint32(o, le);
  const word = (o: number) => (is64 ? Number(view.getBigUint64(o, le)) : view.getUint32(o, le));
  const check = (end: number) => {
    if (end > bytes.length) throw new ElfError(`${what}: truncated ELF file`);
  };
  const phoff = word(is64 ? 32 : 28);
  const shoff = word(is64 ? 40 : 32);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  const shentsize = u16(is64 ? 58 : 46);
  const shnum = u16(is64 ? 60 : 48);
  const shstrndx = u16(is64 ? 62 : 50);
  const programs: Elf['programs'] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    check(o + phentsize);
    programs.push({ type: u32(o), offset: word(o + (is64 ? 8 : 4)), filesz: word(o + (is64 ? 32 : 16)) });
  }
  const raw: Array<Omit<Section, 'name'> & { nameOff: number }> = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    check(o + shentsize);
    raw.push({
      nameOff: u32(o),
      type: u32(o + 4),
      offset: word(o + (is64 ? 24 : 16)),
      size: word(o + (is64 ? 32 : 20)),
      link: u32(o + (is64 ? 40 : 24)),
    });
  }
  const strtab = raw[shstrndx];
  const sections = raw.map((s) => ({ ...s, name: strtab ? cString(bytes, strtab.offset + s.nameOff) : '' }));
  return { is64, le, type: u16(16), machine: u16(18), sections, programs, bytes };
}

function cString(bytes: Uint8Array, at: number): string {
  let end = at;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return Buffer.from(bytes.subarray(at, end)).toString('utf8');
}

export interface DynamicInfo {
  /** The program interpreter (dynamic loader) path; absent for static programs and libraries. */
  interpreter?: string;
  /** DT_NEEDED sonames, in order. */
  needed: string[];
  /** DT_RUNPATH (or DT_RPATH when there is no RUNPATH) directories, unexpanded ($ORIGIN kept). */
  runpath: string[];
  /** True when the file has neither an interpreter nor DT_NEEDED entries. */
  isStatic: boolean;
}

/** The dynamic-linking needs of an executable or shared library. */
export function readDynamicInfo(bytes: Uint8Array, what = 'ELF file'): DynamicInfo {
  const elf = parseElf(bytes, what);
  const interp = elf.programs.find((p) => p.type === PT_INTERP);
  const interpreter = interp ? cString(bytes, interp.offset) : undefined;
  const needed: string[] = [];
  let runpath: string[] = [];
  let rpath: string[] = [];
  const dyn = elf.sections.find((s) => s.type === SHT_DYNAMIC);
  if (dyn) {
    const strtab = elf.sections[dyn.link];
    if (!strtab) throw new ElfError(`${what}: .dynamic has no string table`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const size = elf.is64 ? 16 : 8;
    for (let o = dyn.offset; o + size <= dyn.offset + dyn.size; o += size) {
      const tag = elf.is64 ? Number(view.getBigInt64(o, elf.le)) : view.getInt32(o, elf.le);
      const val = elf.is64 ? Number(view.getBigUint64(o + 8, elf.le)) : view.getUint32(o + 4, elf.le);
      if (tag === 0) break;
      if (tag === DT_NEEDED) needed.push(cString(bytes, strtab.offset + val));
      else if (tag === DT_RUNPATH) runpath = cString(bytes, strtab.offset + val).split(':').filter(Boolean);
      else if (tag === DT_RPATH) rpath = cString(bytes, strtab.offset + val).split(':').filter(Boolean);
    }
  }
  return { ...(interpreter ? { interpreter } : {}), needed, runpath: runpath.length ? runpath : rpath, isStatic: !interpreter && needed.length === 0 };
}

/** A kernel module's .modinfo as key → values (a key such as alias may repeat). */
export function readModinfo(bytes: Uint8Array, what = 'kernel module'): Map<string, string[]> {
  const elf = parseElf(bytes, what);
  const sec = elf.sections.find((s) => s.name === '.modinfo');
  if (!sec) throw new ElfError(`${what}: no .modinfo section (not a kernel module?)`);
  const out = new Map<string, string[]>();
  const text = Buffer.from(bytes.subarray(sec.offset, sec.offset + sec.size)).toString('utf8');
  for (const field of text.split('\0')) {
    const eq = field.indexOf('=');
    if (eq <= 0) continue;
    const key = field.slice(0, eq);
    const list = out.get(key) ?? [];
    list.push(field.slice(eq + 1));
    out.set(key, list);
  }
  return out;
}

/** The modules a module needs loaded first: depends= plus the "pre:" part of softdep=. */
export function moduleDependencies(modinfo: Map<string, string[]>): { depends: string[]; softPre: string[] } {
  const depends = (modinfo.get('depends') ?? []).flatMap((d) => d.split(',')).map((s) => s.trim()).filter(Boolean);
  const softPre: string[] = [];
  for (const s of modinfo.get('softdep') ?? []) {
    // "pre: a b post: c" — only the pre: list must be loaded before the module.
    const m = /(?:^|\s)pre:\s*(.*?)(?:\s+post:.*)?$/.exec(s);
    if (m) softPre.push(...m[1].split(/\s+/).filter(Boolean));
  }
  return { depends, softPre };
}
