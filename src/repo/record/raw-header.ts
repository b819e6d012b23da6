// Header access in createrepo_c's terms, strings as bytes first ("binary" strings, one char per byte:
// createrepo_c parses and compares raw bytes and converts only each written piece to UTF-8), that text
// conversion with its control-character check, and rpm's retrofits (merged signature sizes, source/binary, v3).

// Direct rpm module imports, not ../../rpm/index.ts: publish workers load this file (see index.ts).
import { type Header, RpmFormatError, TagType, findNul } from '../../rpm/header.ts';
import { DepFlag } from '../../rpm/model.ts';
import { Tag } from '../../rpm/tags.ts';
import { RepoFormatError } from '../model.ts';

/**
 * rpm's headerMergeLegacySigs table, in order: signature tag, header tag, type, fixed count, quirk.
 * Only the sizes matter here, but merging stops at the first malformed entry, so all are checked.
 * Objects rather than tuples: destructuring a tuple in a loop allocates an iterator per entry until
 * the optimizing compiler gets to it, and this runs for every package.
 */
interface SigMerge {
  sig: number;
  tag: number;
  type: number;
  count: number;
  quirk: boolean;
}
const SIG_MERGE: SigMerge[] = (
  [
    [1000, 257, TagType.INT32, 1, false],
    [1002, 259, TagType.BIN, 0, false],
    [1004, 261, TagType.BIN, 16, false],
    [1005, 262, TagType.BIN, 0, false],
    [1007, Tag.ARCHIVESIZE, TagType.INT32, 1, true],
    [274, 5090, TagType.STRING_ARRAY, 0, true],
    [275, 5091, TagType.INT32, 1, true],
    [276, 276, TagType.STRING_ARRAY, 0, false],
    [277, 277, TagType.INT32, 1, false],
    [269, 269, TagType.STRING, 1, false],
    [273, 273, TagType.STRING, 1, false],
    [267, 267, TagType.BIN, 0, false],
    [268, 268, TagType.BIN, 0, false],
    [270, 270, TagType.INT64, 1, false],
    [271, Tag.LONGARCHIVESIZE, TagType.INT64, 1, false],
  ] as const
).map(([sig, tag, type, count, quirk]) => ({ sig, tag, type, count, quirk }));

/** cr_hascontrollchars: below 32 except tab, LF and CR. */
function isControl(c: number): boolean {
  return c < 32 && c !== 9 && c !== 10 && c !== 13;
}

/** libxml2's xmlCheckUTF8: lead bytes and continuation bytes only, no overlong or range checks. */
function structurallyUtf8(b: Buffer): boolean {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n = c < 0x80 ? 1 : (c & 0xe0) === 0xc0 ? 2 : (c & 0xf0) === 0xe0 ? 3 : (c & 0xf8) === 0xf0 ? 4 : 0;
    if (n === 0 || i + n > b.length) return false;
    for (let k = 1; k < n; k++) if ((b[i + k] & 0xc0) !== 0x80) return false;
    i += n;
  }
  return true;
}

/**
 * A raw header string as createrepo_c writes it: UTF-8 when it is UTF-8, else treated as Latin-1 with
 * bytes 0x80-0xBF dropped (cr_latin1_to_utf8 takes them for misencoded cp1252).
 */
export function createrepoText(bin: string): string {
  const bytes = Buffer.from(bin, 'latin1');
  if (structurallyUtf8(bytes)) return bytes.toString('utf8');
  let out = '';
  for (let i = 0; i < bin.length; i++) {
    const c = bin.charCodeAt(i);
    if (c < 0x80 || c >= 0xc0) out += bin[i];
  }
  return out;
}

/**
 * Converts one record's raw strings and notes the first field holding a control character:
 * createrepo_c refuses (skips with an error) such a package, checking only what it would write.
 * One pass per string does both, since descriptions and changelogs are most of the text.
 */
export class Texts {
  bad: string | undefined;

  text(bin: string, field: string): string {
    let high = false;
    for (let i = 0; i < bin.length; i++) {
      const c = bin.charCodeAt(i);
      if (c >= 0x80) high = true;
      else if (isControl(c) && this.bad === undefined) this.bad = field;
    }
    return high ? createrepoText(bin) : bin;
  }
}

/** Header access in createrepo_c's terms (headerGet / headerGetString / headerGetNumber). */
export class RawHeader {
  readonly h: Header;
  private readonly buf: Buffer;

  constructor(h: Header) {
    this.h = h;
    this.buf = Buffer.from(h.store.buffer, h.store.byteOffset, h.store.byteLength);
  }

  /** All strings of a string-typed tag as binary strings; undefined when absent or not strings. */
  strings(tag: number): string[] | undefined {
    const e = this.h.entry(tag);
    if (!e || (e.type !== TagType.STRING && e.type !== TagType.STRING_ARRAY && e.type !== TagType.I18NSTRING)) return undefined;
    const out = new Array<string>(e.count);
    let o = e.offset;
    for (let i = 0; i < e.count; i++) {
      const z = findNul(this.buf, o);
      out[i] = this.buf.toString('latin1', o, z);
      o = z + 1;
    }
    return out;
  }

  /**
   * headerGetString: one string (the first locale of an I18N string, i.e. the C locale), else
   * undefined — including string arrays of more than one element.
   */
  string(tag: number): string | undefined {
    const e = this.h.entry(tag);
    if (!e) return undefined;
    if (e.type === TagType.STRING_ARRAY && e.count !== 1) return undefined;
    if (e.type === TagType.I18NSTRING || e.type === TagType.STRING || e.type === TagType.STRING_ARRAY) {
      return this.buf.toString('latin1', e.offset, findNul(this.buf, e.offset));
    }
    return undefined;
  }

  /** Integer values (rpmtdGetNumber gives 0 for other types). */
  numbers(tag: number): number[] | undefined {
    const e = this.h.entry(tag);
    if (!e) return undefined;
    if (e.type >= TagType.CHAR && e.type <= TagType.INT64) return this.h.numbers(tag);
    return new Array<number>(e.count).fill(0);
  }

  /** headerGetNumber: the value of a single-valued integer tag, else 0. */
  number(tag: number): number {
    const e = this.h.entry(tag);
    if (!e || e.count !== 1 || e.type < TagType.CHAR || e.type > TagType.INT64) return 0;
    return this.h.numbers(tag)[0];
  }
}

export function controlError(where: string, field: string): RepoFormatError {
  return new RepoFormatError(`${where}: ${field} contains a control character (createrepo_c refuses ASCII below 32 other than tab, LF and CR)`);
}

/** Header values after rpm's retrofits: source/binary, v3 name = EVR provide, merged sizes. */
export interface Retrofit {
  isSource: boolean;
  sourceRpm: string | undefined;
  /** Provides appended by providePackageNVR, or the filled-in lists of a versionless v3 header. */
  provides?: { names: string[]; flags: number[]; versions: string[] };
  archiveSize: number;
}

export function retrofit(r: RawHeader, sig: Header, where: string): Retrofit {
  const h = r.h;
  // headerMergeLegacySigs: a header must not already carry a tag the signature would bring.
  for (const m of SIG_MERGE) {
    if (h.has(m.tag) && !(m.quirk && !sig.has(m.sig))) throw new RpmFormatError(`${where}: invalid signature tag ${m.tag} in the header`);
  }
  let archive32 = r.numbers(Tag.ARCHIVESIZE)?.[0];
  let archive64 = h.has(Tag.LONGARCHIVESIZE) ? (r.numbers(Tag.LONGARCHIVESIZE)?.[0] ?? 0) : undefined;
  if (h.entry(Tag.ARCHIVESIZE)?.type !== TagType.INT32) archive32 = undefined;
  for (const m of SIG_MERGE) {
    const e = sig.entry(m.sig);
    if (!e) continue;
    if (e.type !== m.type || e.count > 16 * 1024 * 1024 || (m.count && e.count !== m.count)) break;
    if (m.tag === Tag.ARCHIVESIZE) archive32 = sig.numbers(m.sig)[0];
    if (m.tag === Tag.LONGARCHIVESIZE) archive64 = sig.numbers(m.sig)[0];
  }
  // applyRetrofits: every package ends up with SOURCERPM or SOURCEPACKAGE.
  let sourceRpm = h.has(Tag.SOURCERPM) ? r.string(Tag.SOURCERPM) : undefined;
  let isSource = r.number(Tag.SOURCEPACKAGE) !== 0;
  if (!h.has(Tag.SOURCERPM) && !h.has(Tag.SOURCEPACKAGE)) {
    const dirs = r.strings(Tag.DIRNAMES);
    const old = r.strings(Tag.OLDFILENAMES);
    isSource = dirs ? dirs.length === 1 && dirs[0] === '' : !!old && old.length > 0 && !old[0].startsWith('/');
    if (!isSource) sourceRpm = '(none)';
  }
  const out: Retrofit = { isSource, sourceRpm, archiveSize: archive64 ?? archive32 ?? 0 };
  // A header without an immutable region is a v3 package: binary ones get "name = EVR" provided.
  const binary = h.has(Tag.SOURCERPM) || sourceRpm === '(none)';
  if (h.regionTag !== 63 && binary) out.provides = provideNvr(r);
  return out;
}

/**
 * providePackageNVR (rpm 4.18 lib/headerutil.c). Its "already provided?" lookup never matches (the
 * single dependency carries trigger index 0, the header's -1), so the provide is always appended.
 */
function provideNvr(r: RawHeader): Retrofit['provides'] {
  const name = r.string(Tag.NAME);
  if (name === undefined) return undefined;
  const epoch = r.h.entry(Tag.EPOCH)?.count === 1 ? `${r.number(Tag.EPOCH)}:` : '';
  const evr = `${epoch}${r.string(Tag.VERSION) ?? ''}-${r.string(Tag.RELEASE) ?? ''}`;
  const names = r.strings(Tag.PROVIDENAME) ?? [];
  let versions = r.strings(Tag.PROVIDEVERSION) ?? [];
  let flags = r.numbers(Tag.PROVIDEFLAGS) ?? [];
  if (names.length > 0 && !r.h.has(Tag.PROVIDEVERSION)) {
    // Versionless (pre-3.0.3) provides get "" and flags 0 appended per name.
    versions = names.map(() => '');
    flags = [...flags, ...names.map(() => 0)];
  }
  return { names: [...names, name], flags: [...flags, DepFlag.EQUAL], versions: [...versions, evr] };
}
