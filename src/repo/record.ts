// From an .rpm to its rpm-md package record, with createrepo_c's rules (src/parsehdr.c
// cr_package_from_header, src/parsepkg.c, src/misc.c, src/xml_dump.c) applied to the header as rpm's
// rpmReadPackageFile hands it over (lib/package.c: signature tags merged in, source/binary and v3
// retrofits). Strings are handled as bytes first ("binary" strings, one char per byte) because
// createrepo_c parses and compares raw bytes and only converts each written piece to UTF-8.

import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, read, readSync } from 'node:fs';
import { promisify } from 'node:util';
// Direct module imports, not ../rpm/index.ts: publish workers load this file, and the whole rpm
// domain (writer, OpenPGP) would add tens of milliseconds to every worker's start.
import { rpmvercmp } from '../rpm/evr.ts';
import { type Header, RpmFormatError, TagType } from '../rpm/header.ts';
import { DepFlag } from '../rpm/model.ts';
import { type ByteSource, readFullySync, readRpmHeaders } from '../rpm/package.ts';
import { Tag } from '../rpm/tags.ts';
import { type RepoChangelog, type RepoDep, type RepoDepFlags, type RepoFile, type RepoPackage, RepoFormatError, emptyDeps, isPrimaryFile } from './model.ts';

export type RecordChecksum = 'sha256' | 'sha512' | 'sha384' | 'sha224' | 'sha1';

export interface RecordRules {
  /** Changelog entries kept, newest first in the header (createrepo_c default 10; -1 = all). */
  changelogLimit?: number;
  /**
   * Mark Requires(pretrans)/(posttrans) pre="1" as createrepo_c ≥ 1.1.1 does (default true); false
   * gives 0.17.x output, where only PREREQ, pre and post count.
   */
  transPre?: boolean;
}

export interface RecordOptions extends RecordRules {
  location: string;
  locationBase?: string;
  checksumType?: RecordChecksum;
  /** size and mtime (seconds) when the caller already has them (createrepo_c uses stat's). */
  stat?: { size: number; mtime: number };
}

/** What packageRecordFromHeaders needs of a read package (a subset of RpmHeaders). */
export interface RecordHeaders {
  header: Header;
  signature: Header;
  headerOffset: number;
  payloadOffset: number;
}

/** Facts about the file itself. */
export interface RecordFile {
  pkgid: string;
  checksumType: string;
  size: number;
  mtime: number;
  location: string;
  locationBase?: string;
  /** Names the package in error messages (default: the location). */
  source?: string;
}

const FLAG_NAMES: Array<RepoDepFlags | undefined> = [];
FLAG_NAMES[2] = 'LT';
FLAG_NAMES[4] = 'GT';
FLAG_NAMES[8] = 'EQ';
FLAG_NAMES[10] = 'LE';
FLAG_NAMES[12] = 'GE';

const PRE_BITS = DepFlag.PREREQ | DepFlag.SCRIPT_PRE | DepFlag.SCRIPT_POST;
const TRANS_BITS = DepFlag.PRETRANS | DepFlag.POSTTRANS;
/** Legacy weak deps (createrepo_c ENABLE_LEGACY_WEAKDEPS, on by default): old SUSE-style markers. */
const STRONG = 1 << 27;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const GHOST = 64;

type Kind = 'provides' | 'conflicts' | 'obsoletes' | 'requires' | 'suggests' | 'enhances' | 'recommends' | 'supplements' | 'oldsuggests' | 'oldenhances';
/** createrepo_c's processing order: provides first, so requires can be checked against them. */
const DEP_ORDER: Array<[Kind, number, number, number, string]> = [
  ['provides', Tag.PROVIDENAME, Tag.PROVIDEFLAGS, Tag.PROVIDEVERSION, 'provides entry'],
  ['conflicts', Tag.CONFLICTNAME, Tag.CONFLICTFLAGS, Tag.CONFLICTVERSION, 'conflicts entry'],
  ['obsoletes', Tag.OBSOLETENAME, Tag.OBSOLETEFLAGS, Tag.OBSOLETEVERSION, 'obsoletes entry'],
  ['requires', Tag.REQUIRENAME, Tag.REQUIREFLAGS, Tag.REQUIREVERSION, 'requires entry'],
  ['suggests', Tag.SUGGESTNAME, Tag.SUGGESTFLAGS, Tag.SUGGESTVERSION, 'suggests entry'],
  ['enhances', Tag.ENHANCENAME, Tag.ENHANCEFLAGS, Tag.ENHANCEVERSION, 'enhances entry'],
  ['recommends', Tag.RECOMMENDNAME, Tag.RECOMMENDFLAGS, Tag.RECOMMENDVERSION, 'recommends entry'],
  ['supplements', Tag.SUPPLEMENTNAME, Tag.SUPPLEMENTFLAGS, Tag.SUPPLEMENTVERSION, 'supplements entry'],
  ['oldsuggests', Tag.OLDSUGGESTSNAME, Tag.OLDSUGGESTSFLAGS, Tag.OLDSUGGESTSVERSION, 'oldsuggests entry'],
  ['oldenhances', Tag.OLDENHANCESNAME, Tag.OLDENHANCESFLAGS, Tag.OLDENHANCESVERSION, 'oldenhances entry'],
];

/**
 * rpm's headerMergeLegacySigs table, in order: [signature tag, header tag, type, fixed count, quirk].
 * Only the sizes matter here, but merging stops at the first malformed entry, so all are checked.
 */
const SIG_MERGE: Array<[number, number, number, number, boolean]> = [
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
];

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
class Texts {
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
class RawHeader {
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
      const z = this.buf.indexOf(0, o);
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
      return this.buf.toString('latin1', e.offset, this.buf.indexOf(0, e.offset));
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

/** strtol's end index for base 10 (leading blanks, a sign, digits); 0 when nothing converts. */
function strtolEnd(s: string): number {
  let i = 0;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i])) i++;
  if (s[i] === '+' || s[i] === '-') i++;
  const digits = i;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  return i === digits ? 0 : i;
}

/**
 * cr_str_to_evr: epoch before the first ':' (must be what strtol reads, else the dependency is
 * dropped: null), version up to the first '-', release after it. Missing epoch → "0".
 */
export function createrepoEvr(s: string): { epoch?: string; ver?: string; rel?: string } | null {
  if (s === '') return {};
  const colon = s.indexOf(':');
  let epoch = '0';
  let rest = s;
  if (colon >= 0) {
    if (strtolEnd(s) !== colon) return null;
    if (colon > 0) epoch = s.slice(0, colon);
    rest = s.slice(colon + 1);
  }
  const dash = rest.indexOf('-');
  if (dash < 0) return { epoch, ver: rest };
  const rel = rest.slice(dash + 1);
  return rel ? { epoch, ver: rest.slice(0, dash), rel } : { epoch, ver: rest.slice(0, dash) };
}

/** Index of the first ASCII digit at or after `i` (the string length when there is none). */
function firstDigit(s: string, i: number): number {
  while (i < s.length && (s.charCodeAt(i) < 48 || s.charCodeAt(i) > 57)) i++;
  return i;
}

/**
 * cr_compare_dependency for two libc.so.6 requires: 2 when `b` is higher (it replaces `a`). The
 * version is what lies between the first digit after '(' and the next ')', so
 * libc.so.6() < libc.so.6(GLIBC_2.3.4)(64bit) < libc.so.6(GLIBC_2.4).
 */
export function compareLibcNames(a: string, b: string): number {
  const oa = a.indexOf('(');
  const ob = b.indexOf('(');
  if (oa < 0 && ob < 0) return 0;
  if (oa < 0) return 2;
  if (ob < 0) return 1;
  const ea = a.indexOf(')', oa);
  const eb = b.indexOf(')', ob);
  if (ea < 0 && eb < 0) return -1;
  if (ea < 0) return 2;
  if (eb < 0) return 1;
  if (oa + 1 === ea && ob + 1 === eb) return 0;
  if (oa + 1 === ea) return 2;
  if (ob + 1 === eb) return 1;
  const da = firstDigit(a, oa + 1);
  const db = firstDigit(b, ob + 1);
  if (da > ea && db > eb) return 0;
  if (da > ea) return 2;
  if (db > eb) return 1;
  const c = rpmvercmp(a.slice(da, ea), b.slice(db, eb));
  return c === -1 ? 2 : c;
}

function controlError(where: string, field: string): RepoFormatError {
  return new RepoFormatError(`${where}: ${field} contains a control character (createrepo_c refuses ASCII below 32 other than tab, LF and CR)`);
}

/** Header values after rpm's retrofits: source/binary, v3 name = EVR provide, merged sizes. */
interface Retrofit {
  isSource: boolean;
  sourceRpm: string | undefined;
  /** Provides appended by providePackageNVR, or the filled-in lists of a versionless v3 header. */
  provides?: { names: string[]; flags: number[]; versions: string[] };
  archiveSize: number;
}

function retrofit(r: RawHeader, sig: Header, where: string): Retrofit {
  const h = r.h;
  // headerMergeLegacySigs: a header must not already carry a tag the signature would bring.
  for (const [stag, xtag, , , quirk] of SIG_MERGE) {
    if (h.has(xtag) && !(quirk && !sig.has(stag))) throw new RpmFormatError(`${where}: invalid signature tag ${xtag} in the header`);
  }
  let archive32 = r.numbers(Tag.ARCHIVESIZE)?.[0];
  let archive64 = h.has(Tag.LONGARCHIVESIZE) ? (r.numbers(Tag.LONGARCHIVESIZE)?.[0] ?? 0) : undefined;
  if (h.entry(Tag.ARCHIVESIZE)?.type !== TagType.INT32) archive32 = undefined;
  for (const [stag, xtag, type, count] of SIG_MERGE) {
    const e = sig.entry(stag);
    if (!e) continue;
    if (e.type !== type || e.count > 16 * 1024 * 1024 || (count && e.count !== count)) break;
    if (xtag === Tag.ARCHIVESIZE) archive32 = sig.numbers(stag)[0];
    if (xtag === Tag.LONGARCHIVESIZE) archive64 = sig.numbers(stag)[0];
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

function readFiles(r: RawHeader, t: Texts, where: string): { files: RepoFile[]; paths: Set<string> } {
  const files: RepoFile[] = [];
  const paths = new Set<string>();
  let dirs = r.strings(Tag.DIRNAMES);
  let bases = r.strings(Tag.BASENAMES);
  let index = r.numbers(Tag.DIRINDEXES);
  const old = r.strings(Tag.OLDFILENAMES);
  if (!bases && old) {
    // compressFilelist: dir + base always rebuild the old name, so keep it whole.
    dirs = [''];
    bases = old;
    index = old.map(() => 0);
  }
  const flags = r.numbers(Tag.FILEFLAGS);
  const modes = r.numbers(Tag.FILEMODES);
  if (!dirs || !bases || !index || !flags || !modes) return { files, paths };
  const n = Math.min(bases.length, index.length, flags.length, modes.length);
  for (let i = 0; i < n; i++) {
    const dir = dirs[index[i]];
    if (dir === undefined) throw new RpmFormatError(`${where}: header DIRINDEXES[${i}] = ${index[i]} out of range`);
    const full = dir + bases[i];
    paths.add(full);
    const f: RepoFile = { path: t.text(full, 'file name') };
    if ((modes[i] & S_IFMT) === S_IFDIR) f.type = 'dir';
    else if (flags[i] & GHOST) f.type = 'ghost';
    files.push(f);
  }
  return { files, paths };
}

function readChangelog(r: RawHeader, t: Texts, limit: number): RepoChangelog[] {
  const times = r.numbers(Tag.CHANGELOGTIME);
  const names = r.strings(Tag.CHANGELOGNAME);
  const texts = r.strings(Tag.CHANGELOGTEXT);
  if (!times || !names || !texts) return [];
  const n = Math.min(times.length, names.length, texts.length, limit === -1 ? Infinity : Math.max(0, limit));
  // Header order is newest first; createrepo_c writes oldest first and makes equal times distinct
  // by bumping the older entries (each later one of a run of equal times gets +1, +2, …).
  const kept: RepoChangelog[] = [];
  let last = 0;
  for (let i = 0; i < n; i++) {
    let author = names[i];
    let end = author.length;
    while (end > 1 && author.charCodeAt(end - 1) === 32) end--;
    author = author.slice(0, end);
    const time = times[i];
    kept.push({ author: t.text(author, 'changelog author'), date: time, text: t.text(texts[i], 'changelog text') });
    if (time === last) {
      let bump = time;
      for (let j = i - 1; j >= 0 && kept[j].date === bump; j--) kept[j].date = ++bump;
    } else last = time;
  }
  return kept.reverse();
}

/** Each piece is converted on its own, as createrepo_c writes each as a separate attribute. */
function depOf(t: Texts, field: string, name: string, flag: RepoDepFlags | undefined, evr: ReturnType<typeof createrepoEvr>): RepoDep {
  const d: RepoDep = { name: t.text(name, field) };
  if (flag) {
    d.flags = flag;
    if (evr?.epoch) d.epoch = t.text(evr.epoch, field);
    if (evr?.ver) d.ver = t.text(evr.ver, field);
    if (evr?.rel) d.rel = t.text(evr.rel, field);
  }
  return d;
}

function readDeps(r: RawHeader, t: Texts, fix: Retrofit, filePaths: Set<string>, transPre: boolean): RepoPackage['deps'] {
  const deps = emptyDeps();
  const preMask = transPre ? PRE_BITS | TRANS_BITS : PRE_BITS;
  const provided = new Set<string>();
  const lastRequire = new Map<string, { flag: string; ver: string; pre: boolean }>();
  // The highest libc.so.6 require so far, converted only once it is known to be kept.
  let libc: { name: string; flag: RepoDepFlags | undefined; evr: ReturnType<typeof createrepoEvr>; pre: boolean } | undefined;
  for (const [kind, nt, ft, vt, field] of DEP_ORDER) {
    let names = r.strings(nt);
    let flags = r.numbers(ft);
    let versions = r.strings(vt);
    if (kind === 'provides' && fix.provides) ({ names, flags, versions } = fix.provides);
    if (!names || !flags || !versions) continue;
    const n = Math.min(names.length, flags.length, versions.length);
    for (let i = 0; i < n; i++) {
      const name = names[i];
      const num = flags[i];
      const flag = FLAG_NAMES[num & 0xf];
      const ver = versions[i];
      const key = name + (flag ?? '') + ver;
      let pre = false;
      if (kind === 'requires') {
        if (name.startsWith('rpmlib(')) continue;
        if (name.charCodeAt(0) === 47 && filePaths.has(name) && isPrimaryFile(name)) continue;
        if (provided.has(key)) continue;
        pre = (num & preMask) !== 0;
        const prev = lastRequire.get(name);
        if (prev && prev.flag === (flag ?? '') && prev.ver === ver && prev.pre === pre) continue;
      }
      const evr = createrepoEvr(ver);
      if (evr === null) continue;
      if (kind === 'requires' && !(num & DepFlag.MISSINGOK) && name.startsWith('libc.so.6')) {
        if (!libc || compareLibcNames(libc.name, name) === 2) libc = { name, flag, evr, pre };
        continue;
      }
      const dep = depOf(t, field, name, flag, evr);
      switch (kind) {
        case 'provides':
          provided.add(key);
          deps.provides.push(dep);
          break;
        case 'requires':
          if (num & DepFlag.MISSINGOK) {
            deps.recommends.push(dep);
            break;
          }
          if (pre) dep.pre = true;
          deps.requires.push(dep);
          lastRequire.set(name, { flag: flag ?? '', ver, pre });
          break;
        case 'oldsuggests':
          (num & STRONG ? deps.recommends : deps.suggests).push(dep);
          break;
        case 'oldenhances':
          (num & STRONG ? deps.supplements : deps.enhances).push(dep);
          break;
        default:
          deps[kind].push(dep);
      }
    }
    if (kind === 'requires' && libc) {
      const dep = depOf(t, field, libc.name, libc.flag, libc.evr);
      // pre comes from the kept entry's own flags.
      if (libc.pre) dep.pre = true;
      deps.requires.push(dep);
    }
  }
  return deps;
}

/** The record createrepo_c builds from a package's headers and the file's own facts. */
export function packageRecordFromHeaders(hdrs: RecordHeaders, file: RecordFile, rules: RecordRules = {}): RepoPackage {
  const where = file.source ?? file.location;
  const r = new RawHeader(hdrs.header);
  const t = new Texts();
  const fix = retrofit(r, hdrs.signature, where);
  const { files, paths } = readFiles(r, t, where);
  const h = hdrs.header;
  const text = (tag: number, field: string): string => t.text(r.string(tag) ?? '', field);
  const longSize = h.has(Tag.LONGSIZE) ? r.numbers(Tag.LONGSIZE)?.[0] : undefined;
  const size32 = h.entry(Tag.SIZE)?.type === TagType.INT32 ? r.numbers(Tag.SIZE)?.[0] : undefined;
  const base = file.locationBase ? (file.locationBase.startsWith('/') ? `file://${file.locationBase}` : file.locationBase) : undefined;
  const p: RepoPackage = {
    pkgid: file.pkgid,
    checksumType: file.checksumType,
    name: text(Tag.NAME, 'name'),
    arch: fix.isSource ? 'src' : text(Tag.ARCH, 'arch'),
    epoch: String(r.number(Tag.EPOCH)),
    version: text(Tag.VERSION, 'version'),
    release: text(Tag.RELEASE, 'release'),
    summary: text(Tag.SUMMARY, 'summary'),
    description: text(Tag.DESCRIPTION, 'description'),
    packager: text(Tag.PACKAGER, 'packager'),
    url: text(Tag.URL, 'url'),
    fileTime: file.mtime,
    buildTime: r.numbers(Tag.BUILDTIME)?.[0] ?? 0,
    packageSize: file.size,
    installedSize: longSize ?? size32 ?? 0,
    archiveSize: fix.archiveSize,
    location: file.location,
    license: text(Tag.LICENSE, 'license'),
    vendor: text(Tag.VENDOR, 'vendor'),
    group: text(Tag.GROUP, 'group'),
    buildHost: text(Tag.BUILDHOST, 'buildhost'),
    sourceRpm: t.text(fix.sourceRpm ?? '', 'sourcerpm'),
    headerStart: hdrs.headerOffset,
    headerEnd: hdrs.payloadOffset,
    deps: readDeps(r, t, fix, paths, rules.transPre ?? true),
    files,
    filesComplete: true,
    changelog: readChangelog(r, t, rules.changelogLimit ?? 10),
  };
  if (base) p.locationBase = base;
  for (const [field, v] of [['location', file.location], ['location base', base ?? '']]) t.text(v, field);
  if (t.bad) throw controlError(where, t.bad);
  return p;
}

/** Bytes read before parsing: the headers of nearly every package in one read. */
const HEAD = 256 * 1024;
const CHUNK = 1 << 20;

// Read buffers are reused: a fresh buffer per package is external memory the GC must track, and on
// thousands of small packages that showed up as a sixth of the run time in garbage collection.
// Nothing of a buffer outlives the call that borrowed it (records hold decoded strings only).
const spare: Buffer[] = [];
const borrow = (): Buffer => spare.pop() ?? Buffer.allocUnsafe(CHUNK);
const giveBack = (b: Buffer): void => {
  if (spare.length < 4) spare.push(b);
};
const readAsync = promisify(read);

function seconds(ns: bigint): number {
  const s = ns / 1_000_000_000n;
  // st_mtime is the floor; bigint division truncates toward zero.
  return Number(ns < 0n && s * 1_000_000_000n !== ns ? s - 1n : s);
}

/**
 * Reads one .rpm: headers, a digest of the whole file streamed once, and its record. The first
 * read (headers, and all of a small package) is synchronous, as in src/rpm/package.ts: a thread-pool
 * round trip per call would dominate reading many small packages. The rest streams asynchronously.
 */
export async function readPackageRecord(path: string, opts: RecordOptions): Promise<RepoPackage> {
  const checksumType = opts.checksumType ?? 'sha256';
  const fd = openSync(path, 'r');
  let scratch: Buffer | undefined;
  let scratch2: Buffer | undefined;
  try {
    let stat = opts.stat;
    if (!stat) {
      const st = fstatSync(fd, { bigint: true });
      stat = { size: Number(st.size), mtime: seconds(st.mtimeNs) };
    }
    const hash = createHash(checksumType);
    const head = (scratch = borrow()).subarray(0, Math.min(Math.max(stat.size, 0), HEAD));
    const got = readFullySync(fd, head, 0);
    const first = head.subarray(0, got);
    hash.update(first);
    const source: ByteSource = {
      async read(offset, length) {
        if (offset + length <= got) return first.subarray(offset, offset + length);
        const b = Buffer.allocUnsafe(length);
        return b.subarray(0, readFullySync(fd, b, offset));
      },
    };
    const hdrs = await readRpmHeaders(source);
    // Hash to EOF whatever stat said; a small file's EOF is confirmed without a thread-pool trip.
    if (got === head.length && (got === HEAD || readSync(fd, Buffer.allocUnsafe(1), 0, 1, got) > 0)) {
      const buf = (scratch2 = borrow());
      for (let pos = got; ; ) {
        const { bytesRead } = await readAsync(fd, buf, 0, CHUNK, pos);
        if (bytesRead === 0) break;
        hash.update(buf.subarray(0, bytesRead));
        pos += bytesRead;
      }
    }
    const file: RecordFile = {
      pkgid: hash.digest('hex'), checksumType, size: stat.size, mtime: stat.mtime, location: opts.location, locationBase: opts.locationBase, source: path,
    };
    return packageRecordFromHeaders(hdrs, file, opts);
  } catch (e) {
    if (e instanceof RpmFormatError && !e.message.startsWith(path)) throw new RpmFormatError(`${path}: ${e.message}`);
    if (e instanceof RepoFormatError && !e.message.startsWith(path)) throw new RepoFormatError(`${path}: ${e.message}`);
    throw e;
  } finally {
    closeSync(fd);
    if (scratch) giveBack(scratch);
    if (scratch2) giveBack(scratch2);
  }
}
