// The main header of a binary package: the tags rpmbuild 4.18 writes, from the resolved spec,
// the file list and the dependency sets (build/pack.c, build/files.c, build/rpmfc.c).

import { DEP_KINDS, DEP_TAGS } from '../model.ts';
import { Tag } from '../tags.ts';
import type { CompressorInfo } from './compress.ts';
import type { PackFile } from './content.ts';
import { PackInputError } from './deps.ts';
import { HeaderBuilder } from './header-writer.ts';
import type { PackDeps, ResolvedScript } from './pack-deps.ts';
import type { ChangelogInput, ResolvedSpec } from './spec.ts';

/** PAYLOADDIGESTALGO / FILEDIGESTALGO: SHA-256 (rpmpgp.h PGPHASHALGO_SHA256). */
export const DIGEST_SHA256 = 8;
export const RPM_VERSION = '4.18.0';

export interface HeaderInputs {
  spec: ResolvedSpec;
  files: readonly PackFile[];
  deps: PackDeps;
  scripts: readonly ResolvedScript[];
  compressor: CompressorInfo;
  buildTime: number;
  /** LONGFILESIZES instead of FILESIZES (some file is ≥ 4 GiB, or forced). */
  longFiles: boolean;
  /** Hex SHA-256 of the compressed / uncompressed payload (placeholders while sizing). */
  payloadDigest: string;
  payloadDigestAlt: string;
}

function changelogTime(field: string, d: ChangelogInput['date']): number {
  if (typeof d === 'number' && Number.isInteger(d) && d >= 0) return d;
  if (d instanceof Date && !Number.isNaN(d.getTime())) return Math.floor(d.getTime() / 1000);
  if (typeof d === 'string') {
    // A bare date is stored at noon UTC, as rpmbuild does for "* Mon Jan 01 2024".
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    const t = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], 12) : Date.parse(d);
    if (!Number.isNaN(t) && t >= 0) return Math.floor(t / 1000);
  }
  throw new PackInputError(`${field}: invalid date "${String(d)}" (YYYY-MM-DD)`);
}

function changelog(h: HeaderBuilder, entries: readonly ChangelogInput[]): void {
  const times: number[] = [];
  const names: string[] = [];
  const texts: string[] = [];
  entries.forEach((e, i) => {
    const field = `changelog[${i}]`;
    if (typeof e !== 'object' || e === null) throw new PackInputError(`${field}: expected { date, author, text }`);
    for (const k of Object.keys(e)) {
      if (!['date', 'author', 'text', 'version'].includes(k)) throw new PackInputError(`${field}.${k}: unknown key`);
    }
    const t = changelogTime(`${field}.date`, e.date);
    if (times.length && t > times[times.length - 1]) {
      throw new PackInputError(`${field}.date: changelog is not in descending chronological order`);
    }
    if (typeof e.author !== 'string' || !e.author.trim()) throw new PackInputError(`${field}.author: required`);
    if (typeof e.text !== 'string' || !e.text.trim()) throw new PackInputError(`${field}.text: required`);
    const version = e.version;
    if (version !== undefined && typeof version !== 'string') throw new PackInputError(`${field}.version: expected text`);
    times.push(t);
    names.push(version ? `${e.author.trim()} - ${version}` : e.author.trim());
    texts.push(e.text.replace(/\s+$/, ''));
  });
  if (!times.length) return;
  h.int32(Tag.CHANGELOGTIME, times).stringArray(Tag.CHANGELOGNAME, names).stringArray(Tag.CHANGELOGTEXT, texts);
}

/** headerutil.c compressFilelist, bsearch and all, so DIRNAMES matches rpmbuild's exactly. */
export function compressFileList(paths: readonly string[]): { dirnames: string[]; basenames: string[]; dirindexes: number[] } {
  const dirnames: string[] = [];
  const basenames: string[] = [];
  const dirindexes: number[] = [];
  const enc = new TextEncoder();
  for (const p of paths) {
    const cut = p.lastIndexOf('/') + 1;
    const dir = p.slice(0, cut);
    let lo = 0;
    let hi = dirnames.length;
    let found = -1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = Buffer.compare(enc.encode(dir), enc.encode(dirnames[mid]));
      if (c < 0) hi = mid;
      else if (c > 0) lo = mid + 1;
      else {
        found = mid;
        break;
      }
    }
    if (found < 0) {
      found = dirnames.length;
      dirnames.push(dir);
    }
    dirindexes.push(found);
    basenames.push(p.slice(cut));
  }
  return { dirnames, basenames, dirindexes };
}

function fileTags(h: HeaderBuilder, files: readonly PackFile[], longFiles: boolean): void {
  if (!files.length) return;
  const col = <T>(f: (x: PackFile) => T): T[] => files.map(f);
  if (longFiles) h.int64(Tag.LONGFILESIZES, col((f) => f.size));
  else h.int32(Tag.FILESIZES, col((f) => f.size));
  h.int16(Tag.FILEMODES, col((f) => f.mode));
  h.int16(Tag.FILERDEVS, col(() => 0));
  h.int32(Tag.FILEMTIMES, col((f) => f.mtime));
  h.stringArray(Tag.FILEDIGESTS, col((f) => f.digest));
  h.stringArray(Tag.FILELINKTOS, col((f) => f.linkTo));
  h.int32(Tag.FILEFLAGS, col((f) => f.flags));
  h.stringArray(Tag.FILEUSERNAME, col((f) => f.user));
  h.stringArray(Tag.FILEGROUPNAME, col((f) => f.group));
  h.int32(Tag.FILEVERIFYFLAGS, col((f) => f.verifyFlags));
  h.int32(Tag.FILEDEVICES, col((f) => f.device));
  h.int32(Tag.FILEINODES, col((f) => f.inode));
  h.stringArray(Tag.FILELANGS, col(() => ''));
  if (files.some((f) => f.caps)) h.stringArray(Tag.FILECAPS, col((f) => f.caps));
  const { dirnames, basenames, dirindexes } = compressFileList(col((f) => f.path));
  h.int32(Tag.DIRINDEXES, dirindexes).stringArray(Tag.BASENAMES, basenames).stringArray(Tag.DIRNAMES, dirnames);
  // rpmfc: colours, the class dictionary in order of first use, and per-file classes.
  h.int32(Tag.FILECOLORS, col((f) => f.color));
  const dict: string[] = [];
  const classes = col((f) => {
    let i = dict.indexOf(f.fileClass);
    if (i < 0) i = dict.push(f.fileClass) - 1;
    return i;
  });
  h.stringArray(Tag.CLASSDICT, dict).int32(Tag.FILECLASS, classes);
}

/** Builds the main header (without its region; HeaderBuilder.build adds it). */
export function buildMainHeader(x: HeaderInputs): HeaderBuilder {
  const { spec } = x;
  const h = new HeaderBuilder();
  h.stringArray(Tag.HEADERI18NTABLE, ['C']);
  h.string(Tag.NAME, spec.name).string(Tag.VERSION, spec.version).string(Tag.RELEASE, spec.release);
  if (spec.epoch !== undefined) h.int32(Tag.EPOCH, [spec.epoch]);
  h.i18nString(Tag.SUMMARY, spec.summary).i18nString(Tag.DESCRIPTION, spec.description);
  h.int32(Tag.BUILDTIME, [x.buildTime]).string(Tag.BUILDHOST, spec.buildHost);
  // rpmbuild counts regular files and symlinks (ghosts too), each hard-link set once.
  const total = x.files.reduce((n, f, i) => {
    const t = f.mode & 0o170000;
    if (t !== 0o100000 && t !== 0o120000) return n;
    return f.links.length > 1 && f.links[0] !== i ? n : n + f.size;
  }, 0);
  if (total < 0xffffffff) h.int32(Tag.SIZE, [total]);
  else h.int64(Tag.LONGSIZE, [total]);
  if (spec.distribution) h.string(Tag.DISTRIBUTION, spec.distribution);
  if (spec.vendor) h.string(Tag.VENDOR, spec.vendor);
  h.string(Tag.LICENSE, spec.license);
  if (spec.packager) h.string(Tag.PACKAGER, spec.packager);
  h.i18nString(Tag.GROUP, spec.group);
  if (spec.url) h.string(Tag.URL, spec.url);
  if (spec.bugUrl) h.string(Tag.BUGURL, spec.bugUrl);
  h.string(Tag.OS, 'linux').string(Tag.ARCH, spec.arch);
  for (const s of x.scripts) {
    if (s.prog.length === 1) h.string(s.progTag, s.prog[0]);
    else h.stringArray(s.progTag, s.prog);
    if (s.body) h.string(s.bodyTag, s.body);
  }
  fileTags(h, x.files, x.longFiles);
  // Written even for packages without files (build/files.c genCpioListAndHeader).
  h.int32(Tag.FILEDIGESTALGO, [DIGEST_SHA256]);
  h.string(Tag.SOURCERPM, spec.sourceRpm).string(Tag.RPMVERSION, RPM_VERSION);
  for (const k of DEP_KINDS) {
    const items = x.deps.sets[k].items;
    if (!items.length) continue;
    const [nt, ft, vt] = DEP_TAGS[k];
    h.stringArray(nt, items.map((d) => d.name)).int32(ft, items.map((d) => d.flags)).stringArray(vt, items.map((d) => d.version));
  }
  const fd = x.deps.fileDepends;
  if (fd) h.int32(Tag.DEPENDSDICT, fd.dict).int32(Tag.FILEDEPENDSX, fd.x).int32(Tag.FILEDEPENDSN, fd.n);
  changelog(h, spec.changelog ?? []);
  h.string(Tag.OPTFLAGS, spec.optflags).string(Tag.PLATFORM, spec.platform);
  h.string(Tag.PAYLOADFORMAT, 'cpio');
  if (x.compressor.tag) h.string(Tag.PAYLOADCOMPRESSOR, x.compressor.tag);
  h.string(Tag.PAYLOADFLAGS, x.compressor.flags);
  h.string(Tag.ENCODING, 'utf-8');
  h.stringArray(Tag.PAYLOADDIGEST, [x.payloadDigest]).int32(Tag.PAYLOADDIGESTALGO, [DIGEST_SHA256]);
  h.stringArray(Tag.PAYLOADDIGESTALT, [x.payloadDigestAlt]);
  return h;
}
