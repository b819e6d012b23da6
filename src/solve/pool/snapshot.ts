// One repository's packages as the pool needs them (libsolv's .solv idea): a local string table,
// EVR table and dependency table, per-package name/EVR/arch ids, per-kind dependency lists (CSR),
// requires-pre flags, file lists over a table of unique paths with a hash index, and optionally the
// few fields a light record needs (epoch/version/release/vendor/build time). All typed arrays, so
// a snapshot is written to disk and read back as views over one buffer (see encodeSnapshot /
// decodeSnapshot) and turned into pool ids by interning each local string, EVR and dependency once.
//
// The local tables are filled in exactly the order Pool would intern a package's data (name, EVR,
// arch, then each kind's dependencies, then the implicit self-provide), so a pool built from
// snapshots assigns the same global ids as one built from the records directly.
import { createHash } from 'node:crypto';
import { REPO_DEP_KINDS, type RepoDep } from '../../repo/model.ts';
import { isSourceArch } from './arch.ts';
import { DepTable } from './deps.ts';
import { REL_EQ, REL_RICH, formatEvrParts } from './evr.ts';
import { IntVec } from './intern.ts';
import type { PoolPackage } from './pool.ts';

const KINDS = REPO_DEP_KINDS;
const PROVIDES = KINDS.indexOf('provides');
const REQUIRES = KINDS.indexOf('requires');

export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

/** The package fields a snapshot keeps for records (what the solver and request output read). */
export interface SnapshotRecord extends PoolPackage {
  name: string;
  epoch: string;
  version: string;
  release: string;
  arch: string;
  vendor: string;
  buildTime: number;
}

/** File lists: every package's paths as UTF-8 bytes, with a hash index over them. */
export interface SnapshotFiles {
  /** Number of file entries (all packages). */
  readonly nfiles: number;
  /** Every path, package by package, in package order; entry e is blob[entryOff[e] … entryOff[e+1]). */
  readonly blob: Uint8Array;
  readonly entryOff: Int32Array;
  /** Package i's entries are fileOff[i] … fileOff[i+1]-1. */
  readonly fileOff: Int32Array;
  /** Open addressing by FNV-1a of the bytes, size a power of two, entries entry + 1 (0 = empty). */
  readonly hash: Int32Array;
}

/** epoch, version, release, vendor of each package as UTF-8 (4 fields a package), and build times. */
export interface SnapshotInfo {
  readonly blob: Uint8Array;
  /** Field f of package i is blob[off[4i+f] … off[4i+f+1]). */
  readonly off: Int32Array;
  readonly buildTime: Float64Array;
}

export interface RepoSnapshot {
  /** Number of packages. */
  readonly count: number;
  /** Local string ids (0 = ''); names of packages, arches and dependencies. */
  readonly strings: readonly string[];
  /** stringHash of each string (intern.ts), so the pool interns them without hashing again. */
  readonly stringHashes: Int32Array;
  /** Local EVR ids (0 = ''), canonical text as DepTable.evrText. */
  readonly evrs: readonly string[];
  /** Local dependency ids (0 unused): name string id, relation bits, EVR id. */
  readonly depName: Int32Array;
  readonly depFlags: Int32Array;
  readonly depEvr: Int32Array;
  readonly name: Int32Array;
  readonly evr: Int32Array;
  readonly arch: Int32Array;
  /** Per dependency kind (REPO_DEP_KINDS order): offsets (count + 1) and local dep ids. */
  readonly depOff: readonly Int32Array[];
  readonly depData: readonly Int32Array[];
  /** Aligned with depData of requires. */
  readonly requiresPre: Uint8Array;
  readonly files: SnapshotFiles;
  readonly info?: SnapshotInfo;
}

// ---- building -----------------------------------------------------------------------------------

type InfoPackage = PoolPackage & { vendor?: string; buildTime?: number };

/**
 * The snapshot of `packages`. With `info`, also the fields of a light record (SnapshotRecord),
 * so the packages themselves are not needed afterwards.
 */
export function snapshotFromPackages(packages: readonly InfoPackage[], opts: { info?: boolean } = {}): RepoSnapshot {
  const table = new DepTable();
  const n = packages.length;
  const name = new Int32Array(n);
  const evr = new Int32Array(n);
  const arch = new Int32Array(n);
  const vecs = KINDS.map(() => new IntVec(n * 2));
  const offs = KINDS.map(() => new Int32Array(n + 1));
  const pre = new IntVec(n);
  const paths: string[] = [];
  const fileOff = new Int32Array(n + 1);
  const info = opts.info === true;
  const infoText: string[] = [];
  const buildTime = new Float64Array(info ? n : 0);
  for (let i = 0; i < n; i++) {
    const pkg = packages[i];
    const nm = table.strings.intern(pkg.name);
    const e = table.internEvr(formatEvrParts(pkg.epoch, pkg.version, pkg.release));
    name[i] = nm;
    evr[i] = e;
    arch[i] = table.strings.intern(pkg.arch);
    const deps = pkg.deps;
    for (let k = 0; k < KINDS.length; k++) {
      const list: readonly RepoDep[] | undefined = deps?.[KINDS[k]];
      const vec = vecs[k];
      const start = vec.length;
      if (list) {
        for (const d of list) {
          vec.push(table.repoDep(d));
          if (k === REQUIRES) pre.push(d.pre ? 1 : 0);
        }
      }
      // Every binary package provides itself (`name = evr`), as libsolv's readers add it.
      if (k === PROVIDES && !isSourceArch(pkg.arch)) {
        const self = table.depId(nm, REL_EQ, e);
        let found = false;
        for (let j = start; j < vec.length && !found; j++) found = vec.data[j] === self;
        if (!found) vec.push(self);
      }
      offs[k][i + 1] = vec.length;
    }
    if (pkg.files) for (const f of pkg.files) paths.push(f.path);
    fileOff[i + 1] = paths.length;
    if (info) {
      infoText.push(pkg.epoch ?? '', pkg.version, pkg.release, pkg.vendor ?? '');
      buildTime[i] = pkg.buildTime ?? 0;
    }
  }
  return {
    count: n,
    strings: table.strings.strings,
    stringHashes: table.strings.hashes(),
    evrs: table.evrText,
    depName: Int32Array.from(table.name),
    depFlags: Int32Array.from(table.flags),
    depEvr: Int32Array.from(table.evr),
    name,
    evr,
    arch,
    depOff: offs,
    depData: vecs.map((v) => v.finish()),
    requiresPre: Uint8Array.from(pre.data.subarray(0, pre.length)),
    files: buildFiles(paths, fileOff),
    ...(info ? { info: { ...utf8Table(infoText), buildTime } } : {}),
  };
}

function fnv1a(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

function hashSize(n: number): number {
  let size = 8;
  while (size < n * 2) size *= 2;
  return size;
}

/** The strings as one UTF-8 blob with byte offsets (off has strings.length + 1 entries). */
function utf8Table(strings: readonly string[]): { blob: Uint8Array; off: Int32Array } {
  const joined = strings.join('');
  const blob = new Uint8Array(Buffer.from(joined, 'utf8'));
  const off = new Int32Array(strings.length + 1);
  const ascii = blob.length === joined.length;
  for (let i = 0; i < strings.length; i++) off[i + 1] = off[i] + (ascii ? strings[i].length : Buffer.byteLength(strings[i], 'utf8'));
  return { blob, off };
}

function buildFiles(paths: readonly string[], fileOff: Int32Array): SnapshotFiles {
  const { blob, off } = utf8Table(paths);
  const hash = new Int32Array(hashSize(paths.length));
  const mask = hash.length - 1;
  for (let e = 0; e < paths.length; e++) {
    let h = fnv1a(blob, off[e], off[e + 1]) & mask;
    while (hash[h] !== 0) h = (h + 1) & mask;
    hash[h] = e + 1;
  }
  return { nfiles: paths.length, blob, entryOff: off, fileOff, hash };
}

// ---- reading ------------------------------------------------------------------------------------

/** The packages (indexes, ascending) that have the file `path`. */
export function snapshotFileOwners(files: SnapshotFiles, path: string): number[] {
  if (files.nfiles === 0) return [];
  const q = Buffer.from(path, 'utf8');
  const { blob, entryOff, fileOff, hash } = files;
  const mask = hash.length - 1;
  const out: number[] = [];
  let h = fnv1a(q, 0, q.length) & mask;
  for (let x = hash[h]; x !== 0; h = (h + 1) & mask, x = hash[h]) {
    const e = x - 1;
    const start = entryOff[e];
    if (entryOff[e + 1] - start !== q.length) continue;
    let i = 0;
    while (i < q.length && blob[start + i] === q[i]) i++;
    if (i !== q.length) continue;
    // The package owning entry e: the last i with fileOff[i] <= e.
    let lo = 0;
    let hi = fileOff.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (fileOff[mid] <= e) lo = mid;
      else hi = mid - 1;
    }
    out.push(lo);
  }
  out.sort((a, b) => a - b);
  return out.filter((p, i) => i === 0 || out[i - 1] !== p);
}

/** The file paths of package i, in package order. */
export function snapshotFilePaths(files: SnapshotFiles, i: number): string[] {
  const { blob, entryOff, fileOff } = files;
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const out: string[] = [];
  for (let e = fileOff[i]; e < fileOff[i + 1]; e++) out.push(buf.toString('utf8', entryOff[e], entryOff[e + 1]));
  return out;
}

/** The light record of package i (needs `info`). */
export function snapshotRecord(snap: RepoSnapshot, i: number): SnapshotRecord {
  const info = snap.info;
  if (!info) throw new SnapshotError('snapshot has no record fields');
  const { blob, off } = info;
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const f = (k: number): string => (off[k] === off[k + 1] ? '' : buf.toString('utf8', off[k], off[k + 1]));
  return {
    name: snap.strings[snap.name[i]],
    epoch: f(i * 4),
    version: f(i * 4 + 1),
    release: f(i * 4 + 2),
    arch: snap.strings[snap.arch[i]],
    vendor: f(i * 4 + 3),
    buildTime: info.buildTime[i],
  };
}

// ---- on disk ------------------------------------------------------------------------------------
//
// "STRPOOL\0", u32 LE header length, u32 0, header JSON (padded to 8), body. The header names the
// format, the writer's version, the caller's key (which metadata this was built from), the counts,
// every section (offset and byte length in the body, each 8-aligned) and the sha256 of the body.

const MAGIC = Buffer.from('STRPOOL\0', 'latin1');
/** Bump when the layout or the meaning of any section changes. */
export const SNAPSHOT_FORMAT = 3;

type SectionType = 'i32' | 'u8' | 'f64' | 'text';
const ELEMENT: Record<SectionType, number> = { i32: 4, u8: 1, f64: 8, text: 1 };

interface Header {
  format: number;
  code: string;
  key: unknown;
  littleEndian: boolean;
  counts: { count: number; strings: number; evrs: number; deps: number; files: number; info: number };
  sections: Record<string, [offset: number, bytes: number, type: SectionType]>;
  bodyLength: number;
  bodySha256: string;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const align8 = (n: number): number => (n + 7) & ~7;

function joinText(strings: readonly string[], what: string): Buffer {
  const joined = strings.join('\0');
  // Strings with NULs or lone surrogates would not come back as written.
  let nuls = 0;
  for (let i = joined.indexOf('\0'); i >= 0; i = joined.indexOf('\0', i + 1)) nuls++;
  if (nuls !== strings.length - 1 || !joined.isWellFormed()) throw new SnapshotError(`${what}: a string cannot be stored (NUL or invalid UTF-16)`);
  return Buffer.from(joined, 'utf8');
}

/** The snapshot as bytes, tagged with `code` (the writer's version) and `key` (any JSON value). */
export function encodeSnapshot(snap: RepoSnapshot, code: string, key: unknown): Buffer {
  const parts: Array<[string, SectionType, Uint8Array]> = [];
  const view = (a: Int32Array | Uint8Array | Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const add = (name: string, type: SectionType, a: Int32Array | Uint8Array | Float64Array): void => {
    parts.push([name, type, view(a)]);
  };
  add('strings', 'text', joinText(snap.strings, 'strings'));
  add('stringHashes', 'i32', snap.stringHashes);
  add('evrs', 'text', joinText(snap.evrs, 'evrs'));
  add('depName', 'i32', snap.depName);
  add('depFlags', 'i32', snap.depFlags);
  add('depEvr', 'i32', snap.depEvr);
  add('name', 'i32', snap.name);
  add('evr', 'i32', snap.evr);
  add('arch', 'i32', snap.arch);
  KINDS.forEach((k, i) => {
    add(`off.${k}`, 'i32', snap.depOff[i]);
    add(`data.${k}`, 'i32', snap.depData[i]);
  });
  add('requiresPre', 'u8', snap.requiresPre);
  add('fileBlob', 'u8', snap.files.blob);
  add('entryOff', 'i32', snap.files.entryOff);
  add('fileOff', 'i32', snap.files.fileOff);
  add('fileHash', 'i32', snap.files.hash);
  if (snap.info) {
    add('infoBlob', 'u8', snap.info.blob);
    add('infoOff', 'i32', snap.info.off);
    add('buildTime', 'f64', snap.info.buildTime);
  }
  const sections: Header['sections'] = {};
  let size = 0;
  for (const [name, type, bytes] of parts) {
    sections[name] = [size, bytes.length, type];
    size = align8(size + bytes.length);
  }
  const body = Buffer.alloc(size);
  for (const [name, , bytes] of parts) body.set(bytes, sections[name][0]);
  const header: Header = {
    format: SNAPSHOT_FORMAT,
    code,
    key,
    littleEndian: LITTLE_ENDIAN,
    counts: {
      count: snap.count,
      strings: snap.strings.length,
      evrs: snap.evrs.length,
      deps: snap.depName.length,
      files: snap.files.nfiles,
      info: snap.info ? 1 : 0,
    },
    sections,
    bodyLength: size,
    bodySha256: createHash('sha256').update(body).digest('hex'),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.alloc(16 + align8(json.length));
  MAGIC.copy(head, 0);
  head.writeUInt32LE(json.length, 8);
  json.copy(head, 16);
  return Buffer.concat([head, body]);
}

/** The header and where the body starts (SnapshotError when this is not a snapshot file). */
function readHeader(buf: Uint8Array): { header: Header; bodyStart: number } {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 16 || !b.subarray(0, 8).equals(MAGIC)) throw new SnapshotError('not a pool snapshot');
  const len = b.readUInt32LE(8);
  const bodyStart = 16 + align8(len);
  if (bodyStart > b.length) throw new SnapshotError('truncated header');
  // The reserved word and the padding are zeros (the checksum covers only the body).
  if (b.readUInt32LE(12) !== 0 || b.subarray(16 + len, bodyStart).some((x) => x !== 0)) throw new SnapshotError('damaged header');
  let header: Header;
  try {
    header = JSON.parse(b.toString('utf8', 16, 16 + len)) as Header;
  } catch {
    throw new SnapshotError('damaged header');
  }
  if (typeof header !== 'object' || header === null) throw new SnapshotError('damaged header');
  return { header, bodyStart };
}

/**
 * The snapshot in `buf`, when it was written in this format by `code` for `key` (compared as JSON)
 * and is intact: the body's sha256 and every offset and id are checked, so a damaged file is
 * refused (SnapshotError), never half-trusted. Typed arrays are views over `buf` (not copied).
 */
export function decodeSnapshot(input: Uint8Array, code: string, key: unknown): RepoSnapshot {
  // Views need aligned offsets; a buffer from a pool may not start on 8.
  const buf = input.byteOffset % 8 === 0 ? input : new Uint8Array(input);
  const { header, bodyStart } = readHeader(buf);
  if (header.format !== SNAPSHOT_FORMAT) throw new SnapshotError(`format ${String(header.format)}, not ${SNAPSHOT_FORMAT}`);
  if (header.code !== code) throw new SnapshotError(`written by ${String(header.code)}, not ${code}`);
  if (header.littleEndian !== LITTLE_ENDIAN) throw new SnapshotError('written on a machine of the other byte order');
  if (JSON.stringify(header.key) !== JSON.stringify(key)) throw new SnapshotError('built from other metadata');
  if (header.bodyLength !== buf.length - bodyStart) throw new SnapshotError(`body is ${buf.length - bodyStart} bytes, header says ${String(header.bodyLength)}`);
  const body = buf.subarray(bodyStart);
  if (createHash('sha256').update(body).digest('hex') !== header.bodySha256) throw new SnapshotError('body checksum mismatch');

  const c = header.counts;
  const sections = header.sections;
  const section = (name: string, type: SectionType): [number, number] => {
    const s = sections?.[name];
    if (!Array.isArray(s) || s.length !== 3 || s[2] !== type) throw new SnapshotError(`section ${name} missing`);
    const [off, bytes] = s;
    const el = ELEMENT[type];
    if (!Number.isSafeInteger(off) || !Number.isSafeInteger(bytes) || off < 0 || bytes < 0 || off + bytes > body.length || off % 8 !== 0 || bytes % el !== 0) {
      throw new SnapshotError(`section ${name} out of bounds`);
    }
    return [body.byteOffset + off, bytes];
  };
  const i32 = (name: string, length?: number): Int32Array => {
    const [off, bytes] = section(name, 'i32');
    const a = new Int32Array(body.buffer, off, bytes / 4);
    if (length !== undefined && a.length !== length) throw new SnapshotError(`section ${name} has ${a.length} entries, expected ${length}`);
    return a;
  };
  const u8 = (name: string): Uint8Array => {
    const [off, bytes] = section(name, 'u8');
    return new Uint8Array(body.buffer, off, bytes);
  };
  const text = (name: string, count: number): string[] => {
    const [off, bytes] = section(name, 'text');
    const s = Buffer.from(body.buffer, off, bytes).toString('utf8').split('\0');
    if (s.length !== count) throw new SnapshotError(`section ${name} has ${s.length} strings, expected ${count}`);
    return s;
  };
  const ints = [c?.count, c?.strings, c?.evrs, c?.deps, c?.files, c?.info];
  if (!ints.every((x) => Number.isSafeInteger(x) && (x as number) >= 0)) throw new SnapshotError('damaged counts');
  const n = c.count;

  const strings = text('strings', c.strings);
  // Not recomputed (that would cost what the stored hashes save): the body checksum covers them.
  const stringHashes = i32('stringHashes', c.strings);
  const evrs = text('evrs', c.evrs);
  if (strings[0] !== '' || evrs[0] !== '') throw new SnapshotError('string tables do not start with the empty string');
  const depName = i32('depName', c.deps);
  const depFlags = i32('depFlags', c.deps);
  const depEvr = i32('depEvr', c.deps);
  if (c.deps < 1) throw new SnapshotError('no dependency table');
  inRange(depName, c.strings, 'depName');
  inRange(depEvr, c.evrs, 'depEvr');
  for (let d = 1; d < depFlags.length; d++) {
    const f = depFlags[d];
    if (f < 0 || (f > 7 && f !== REL_RICH)) throw new SnapshotError('bad relation flags');
  }
  const name = inRange(i32('name', n), c.strings, 'name');
  const evr = inRange(i32('evr', n), c.evrs, 'evr');
  const arch = inRange(i32('arch', n), c.strings, 'arch');
  const depOff: Int32Array[] = [];
  const depData: Int32Array[] = [];
  for (const k of KINDS) {
    const data = inRange(i32(`data.${k}`), c.deps, `data.${k}`, 1);
    depOff.push(offsets(i32(`off.${k}`, n + 1), data.length, `off.${k}`));
    depData.push(data);
  }
  const requiresPre = u8('requiresPre');
  if (requiresPre.length !== depData[REQUIRES].length) throw new SnapshotError('requiresPre does not match requires');

  const blob = u8('fileBlob');
  const entryOff = offsets(i32('entryOff', c.files + 1), blob.length, 'entryOff');
  const fileOff = offsets(i32('fileOff', n + 1), c.files, 'fileOff');
  const hash = inRange(i32('fileHash'), c.files + 1, 'fileHash');
  // A power of two with an empty slot, so every probe ends.
  if (hash.length < 8 || (hash.length & (hash.length - 1)) !== 0 || !hash.includes(0)) throw new SnapshotError('bad file hash table');
  const files: SnapshotFiles = { nfiles: c.files, blob, entryOff, fileOff, hash };

  let info: SnapshotInfo | undefined;
  if (c.info) {
    const iblob = u8('infoBlob');
    const off = offsets(i32('infoOff', n * 4 + 1), iblob.length, 'infoOff');
    const [boff, bytes] = section('buildTime', 'f64');
    const buildTime = new Float64Array(body.buffer, boff, bytes / 8);
    if (buildTime.length !== n) throw new SnapshotError('buildTime does not match the package count');
    info = { blob: iblob, off, buildTime };
  }
  return { count: n, strings, stringHashes, evrs, depName, depFlags, depEvr, name, evr, arch, depOff, depData, requiresPre, files, ...(info ? { info } : {}) };
}

function inRange(a: Int32Array, limit: number, what: string, min = 0): Int32Array {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x < min || x >= limit) throw new SnapshotError(`${what}: id ${x} out of range`);
  }
  return a;
}

function offsets(off: Int32Array, end: number, what: string): Int32Array {
  if (off[0] !== 0 || off[off.length - 1] !== end) throw new SnapshotError(`${what}: offsets do not span the data`);
  for (let i = 1; i < off.length; i++) if (off[i] < off[i - 1]) throw new SnapshotError(`${what}: offsets go backwards`);
  return off;
}
