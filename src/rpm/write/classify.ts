// File classification for FILECLASS/CLASSDICT, FILECOLORS and the script interpreter requires that
// rpmbuild's dependency generator derives (build/rpmfc.c). rpmbuild asks libmagic; this is a small
// stand-in that reproduces libmagic's wording for the common cases (text, scripts, ELF, empty,
// directories) and leaves the rest unclassified (""), which rpm itself does for unknown types.
// Nothing at install or verify time reads these tags; they inform queries like --fileclass.

export const HEAD_BYTES = 4096;

/** ELF colours (rpmfc.h RPMFC_ELF32/64), set only for executable ELF files like getElfColor. */
const ELF32 = 1;
const ELF64 = 2;

const ELF_MACHINE: Record<number, string> = {
  0x03: 'Intel 80386',
  0x14: 'PowerPC or cisco 4500',
  0x15: '64-bit PowerPC or cisco 7500',
  0x16: 'IBM S/390',
  0x28: 'ARM',
  0x3e: 'x86-64',
  0xb7: 'ARM aarch64',
  0xf3: 'UCB RISC-V',
};

/** libmagic's wording for "#!" scripts; `{enc}` is "ASCII text" or "Unicode text, UTF-8 text". */
const DIRECT: Array<[RegExp, string]> = [
  [/^\/bin\/sh$/, 'POSIX shell script, {enc} executable'],
  [/\/bash$/, 'Bourne-Again shell script, {enc} executable'],
  [/\/zsh$/, 'Paul Falstad\'s zsh script, {enc} executable'],
  [/\/python[0-9.]*$/, 'Python script, {enc} executable'],
  [/\/perl[0-9.]*$/, 'Perl script text executable'],
  [/\/ruby[0-9.]*$/, 'Ruby script, {enc} executable'],
  [/\/node(js)?$/, 'Node.js script executable, {enc}'],
];
/** After "#!/usr/bin/env ", libmagic knows a few bare names; anything else is "a … script". */
const VIA_ENV: Array<[RegExp, string]> = [
  [/^bash$/, 'Bourne-Again shell script, {enc} executable'],
  [/^python[0-9.]*$/, 'Python script, {enc} executable'],
  [/^perl[0-9.]*$/, 'Perl script text executable'],
  [/^ruby[0-9.]*$/, 'Ruby script, {enc} executable'],
  [/^node(js)?$/, 'Node.js script executable, {enc}'],
];

export interface FileClass {
  /** The CLASSDICT entry ("" when rpm's filter would not keep libmagic's answer). */
  fileClass: string;
  color: number;
  /** Paths the script.req generator would require, for executable scripts. */
  interpreters?: string[];
}

function isText(b: Uint8Array): 'ascii' | 'utf8' | false {
  let ascii = true;
  for (const c of b) {
    if (c >= 0x80) ascii = false;
    else if (c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 8 && c !== 27) return false;
    else if (c === 0x7f) return false;
  }
  if (ascii) return 'ascii';
  try {
    // A truncated multi-byte sequence at the cut is still text.
    new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, Math.max(0, b.length - 3)));
    return 'utf8';
  } catch {
    return false;
  }
}

function elfClass(head: Uint8Array, executable: boolean): FileClass {
  const bits = head[4] === 2 ? 64 : 32;
  const le = head[5] !== 2;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const type = head.length >= 20 ? dv.getUint16(16, le) : 0;
  const machine = head.length >= 20 ? dv.getUint16(18, le) : 0;
  const kind = ['no file type', 'relocatable', 'executable', 'shared object', 'core file'][type] ?? 'processor-specific';
  const m = ELF_MACHINE[machine] ?? `*unknown arch 0x${machine.toString(16)}*`;
  const fileClass = `ELF ${bits}-bit ${le ? 'LSB' : 'MSB'} ${kind}, ${m}, version 1 (SYSV)`;
  return { fileClass, color: executable ? (bits === 64 ? ELF64 : ELF32) : 0 };
}

/** libmagic's description of a "#!" script line. */
function scriptClass(line: string, enc: string): string {
  const rest = line.slice(2).trim().replace(/\s+/g, ' ');
  const [prog, ...args] = rest.split(' ');
  let table = DIRECT;
  let key = prog;
  let generic = rest;
  if (/\/env$/.test(prog) && args.length) {
    table = VIA_ENV;
    key = args.join(' ');
    generic = key;
  }
  const hit = table.find(([re]) => re.test(key));
  return (hit ? hit[1] : `a ${generic} script, {enc} executable`).replace('{enc}', enc);
}

/**
 * Classifies one regular file from its first HEAD_BYTES bytes. `executable` is any x bit, which
 * gates the ELF colour and the interpreter dependency as rpm's "exeonly" file attribute does.
 */
export function classifyRegular(head: Uint8Array, size: number, executable: boolean): FileClass {
  if (size === 0) return { fileClass: 'empty', color: 0 };
  if (head.length >= 16 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) {
    return elfClass(head, executable);
  }
  // libmagic does not look at files shorter than this.
  if (size < 2) return { fileClass: '', color: 0 };
  const text = isText(head);
  if (!text) return { fileClass: '', color: 0 };
  const enc = text === 'ascii' ? 'ASCII text' : 'Unicode text, UTF-8 text';
  if (head[0] === 0x23 && head[1] === 0x21) {
    const nl = head.indexOf(10);
    const line = new TextDecoder().decode(head.subarray(0, nl < 0 ? head.length : nl));
    const fileClass = scriptClass(line, enc);
    // rpm's script.req: the absolute interpreter, plus an absolute "env" argument.
    const interpreters: string[] = [];
    const direct = /^#![ \t\v\f\r]*(\/[^ \t\n\v\f\r]+)/.exec(line);
    if (direct) interpreters.push(direct[1]);
    const env = /^#![ \t\v\f\r]*[^ \t\n\v\f\r]*\/bin\/env[ \t\v\f\r]+(\/[^ \t\n\v\f\r]+)/.exec(line);
    if (env) interpreters.push(env[1]);
    return { fileClass, color: 0, ...(executable && interpreters.length ? { interpreters } : {}) };
  }
  const crlf = head.includes(13) && head.includes(10);
  return { fileClass: crlf ? `${enc}, with CRLF line terminators` : enc, color: 0 };
}
