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
/** Longest section name looked at (names are compared, never returned; a longer one matches nothing). */
const SECTION_NAME_MAX = 256;
/** Linux's PATH_MAX, the bound on a loader path, soname or run path list. */
const PATH_MAX = 4096;

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
  // Every field read below must lie inside an entry: a crafted entry size must not send a read past it.
  if (phnum > 0 && phentsize < (is64 ? 56 : 32)) throw new ElfError(`${what}: program header entry size ${phentsize} is too small`);
  if (shnum > 0 && shentsize < (is64 ? 64 : 40)) throw new ElfError(`${what}: section header entry size ${shentsize} is too small`);
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
  const sections = raw.map((s) => ({ ...s, name: strtab ? cString(bytes, strtab.offset + s.nameOff, SECTION_NAME_MAX) ?? '' : '' }));
  return { is64, le, type: u16(16), machine: u16(18), sections, programs, bytes };
}

/** The NUL-terminated string at `at`; undefined when it is longer than `max` bytes. */
function cString(bytes: Uint8Array, at: number, max: number): string | undefined {
  const limit = Math.min(bytes.length, at + max + 1);
  let end = at;
  while (end < limit && bytes[end] !== 0) end++;
  if (end - at > max) return undefined;
  return Buffer.from(bytes.subarray(at, end)).toString('utf8');
}

/** A path or soname from the file (PT_INTERP, DT_NEEDED): at most PATH_MAX bytes, as the kernel and ld.so take them. */
function pathString(bytes: Uint8Array, at: number, what: string, field: string): string {
  const s = cString(bytes, at, PATH_MAX);
  if (s === undefined) throw new ElfError(`${what}: ${field} string at offset ${at} is longer than ${PATH_MAX} bytes`);
  return s;
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
  const interpreter = interp ? pathString(bytes, interp.offset, what, 'PT_INTERP') : undefined;
  const needed: string[] = [];
  let runpath: string[] = [];
  let rpath: string[] = [];
  let runpathAt: number | undefined;
  let rpathAt: number | undefined;
  const dyn = elf.sections.find((s) => s.type === SHT_DYNAMIC);
  if (dyn) {
    const strtab = elf.sections[dyn.link];
    if (!strtab) throw new ElfError(`${what}: .dynamic has no string table`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const size = elf.is64 ? 16 : 8;
    if (dyn.offset + dyn.size > bytes.length) throw new ElfError(`${what}: .dynamic extends past the end of the file`);
    for (let o = dyn.offset; o + size <= dyn.offset + dyn.size; o += size) {
      const tag = elf.is64 ? Number(view.getBigInt64(o, elf.le)) : view.getInt32(o, elf.le);
      const val = elf.is64 ? Number(view.getBigUint64(o + 8, elf.le)) : view.getUint32(o + 4, elf.le);
      if (tag === 0) break;
      if (tag === DT_NEEDED) needed.push(pathString(bytes, strtab.offset + val, what, 'DT_NEEDED'));
      else if (tag === DT_RUNPATH) runpathAt = strtab.offset + val;
      else if (tag === DT_RPATH) rpathAt = strtab.offset + val;
    }
    // The last of each wins; read once, so repeated tags cost nothing (a list has no length bound).
    const list = (at: number | undefined) => (at === undefined ? [] : (cString(bytes, at, bytes.length) ?? '').split(':').filter(Boolean));
    runpath = list(runpathAt);
    rpath = list(rpathAt);
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
    // "pre: a b post: c" — only the pre: list must be loaded before the module: the words after the
    // first "pre:" up to a " post:". Found in two linear searches: one regex with a lazy list before
    // an optional post: part backtracks quadratically on a long whitespace run (seconds per 20 KB).
    const pre = /(?:^|\s)pre:\s*/.exec(s);
    if (!pre) continue;
    const rest = s.slice(pre.index + pre[0].length);
    const post = /\spost:/.exec(rest);
    softPre.push(...(post ? rest.slice(0, post.index) : rest).split(/\s+/).filter(Boolean));
  }
  return { depends, softPre };
}
