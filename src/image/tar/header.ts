// POSIX.1-2001 (pax) tar headers: a ustar header per entry, preceded by a pax extended header
// ('x') only when a value does not fit ustar: long or non-ASCII names, big ids or sizes, xattrs
// (SCHILY.xattr.*, the GNU tar / Go archive/tar / containerd spelling). Owner names stay empty
// so extracting tars map numeric ids, never the extracting host's passwd. No atime/ctime.

export class TarWriteError extends Error {
  override name = 'TarWriteError';
}

export const BLOCK = 512;
/** Two zero blocks end an archive. */
export const TAR_TRAILER = Buffer.alloc(2 * BLOCK);

export type TarItemType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

const TYPEFLAG: Record<TarItemType, string> = {
  file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6',
};

export interface TarHeaderInput {
  /** Archive path, '/'-separated and relative; directories are written with a trailing '/'. */
  path: string;
  type: TarItemType;
  /** Permission bits including setuid/setgid/sticky (07777). */
  mode: number;
  uid: number;
  gid: number;
  /** Body size (regular files only; 0 otherwise). */
  size: number;
  /** Seconds since the epoch, already clamped. */
  mtime: number;
  /** Symlink target, or the archive path a hard link points at. */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Extended attributes, written in name order. */
  xattrs?: ReadonlyArray<readonly [string, Buffer]>;
}

/** The largest value an octal ustar field of `len` bytes (with its NUL) can hold. */
function octalMax(len: number): number {
  return 8 ** (len - 1) - 1;
}

function putOctal(h: Buffer, at: number, len: number, value: number): void {
  h.write(value.toString(8).padStart(len - 1, '0') + '\0', at, len, 'latin1');
}

function isAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

/** ustar's name/prefix split at a '/', or undefined when the path needs a pax record. */
function splitUstarName(path: string): { name: string; prefix: string } | undefined {
  if (!isAscii(path)) return undefined;
  if (path.length <= 100) return { name: path, prefix: '' };
  // The prefix takes everything before some '/', the name the rest; the name may keep a dir's '/'.
  for (let i = path.length - 1; i > 0; i--) {
    if (path[i] !== '/' || i === path.length - 1) continue;
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (prefix.length <= 155 && name.length <= 100 && name.length > 0) return { name, prefix };
    if (name.length > 100) break;
  }
  return undefined;
}

/** One pax record: "<len> <key>=<value>\n", where len counts the whole record including itself. */
function paxRecord(key: string, value: Buffer): Buffer {
  const rest = Buffer.byteLength(key) + value.length + 3; // ' ', '=', '\n'
  let len = rest + String(rest).length;
  if (String(len).length !== String(rest).length) len = rest + String(len).length;
  return Buffer.concat([Buffer.from(`${len} ${key}=`, 'utf8'), value, Buffer.from('\n')]);
}

function checksum(h: Buffer): void {
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i];
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
}

interface RawHeader {
  name: string;
  prefix: string;
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
}

function ustarBlock(r: RawHeader): Buffer {
  const h = Buffer.alloc(BLOCK);
  // Fallback fields a pax-unaware reader sees: truncated bytes, never spilling into the next field.
  Buffer.from(r.name, 'utf8').copy(h, 0, 0, 100);
  putOctal(h, 100, 8, r.mode);
  putOctal(h, 108, 8, r.uid);
  putOctal(h, 116, 8, r.gid);
  putOctal(h, 124, 12, r.size);
  putOctal(h, 136, 12, r.mtime);
  h.write(r.typeflag, 156, 1, 'latin1');
  Buffer.from(r.linkname, 'utf8').copy(h, 157, 0, 100);
  h.write('ustar\x0000', 257, 8, 'latin1');
  putOctal(h, 329, 8, r.devmajor);
  putOctal(h, 337, 8, r.devminor);
  Buffer.from(r.prefix, 'utf8').copy(h, 345, 0, 155);
  checksum(h);
  return h;
}

/** Zero bytes after a body of `size` bytes, up to the next block boundary. */
export function blockPadding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

function checkValue(path: string, what: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new TarWriteError(`${path}: ${what} ${v} cannot be stored in a tar header`);
}

/** The header blocks of one entry: [pax header, pax body + padding,] ustar header. */
export function encodeTarHeader(e: TarHeaderInput): Buffer {
  const isDir = e.type === 'dir';
  const path = isDir && !e.path.endsWith('/') ? `${e.path}/` : e.path;
  if (path === '' || path.startsWith('/')) throw new TarWriteError(`"${e.path}": tar paths are relative and non-empty`);
  if (path.includes('\0')) throw new TarWriteError(`${JSON.stringify(e.path)}: NUL in a path`);
  for (const [what, v] of [['mode', e.mode], ['uid', e.uid], ['gid', e.gid], ['size', e.size], ['mtime', e.mtime]] as const) {
    checkValue(e.path, what, v);
  }
  if (e.mode > 0o7777) throw new TarWriteError(`${e.path}: mode ${e.mode.toString(8)} has file-type bits`);

  const pax = new Map<string, Buffer>();
  const split = splitUstarName(path);
  if (!split) pax.set('path', Buffer.from(path, 'utf8'));
  const linkname = e.linkname ?? '';
  if (linkname.includes('\0')) throw new TarWriteError(`${e.path}: NUL in a link target`);
  if (!isAscii(linkname) || linkname.length > 100) pax.set('linkpath', Buffer.from(linkname, 'utf8'));
  const size = e.type === 'file' ? e.size : 0;
  if (size > octalMax(12)) pax.set('size', Buffer.from(String(size)));
  if (e.uid > octalMax(8)) pax.set('uid', Buffer.from(String(e.uid)));
  if (e.gid > octalMax(8)) pax.set('gid', Buffer.from(String(e.gid)));
  if (e.mtime > octalMax(12)) pax.set('mtime', Buffer.from(String(e.mtime)));
  for (const [name, value] of e.xattrs ?? []) {
    if (name === '' || name.includes('=') || name.includes('\0')) throw new TarWriteError(`${e.path}: xattr name ${JSON.stringify(name)} cannot be stored`);
    pax.set(`SCHILY.xattr.${name}`, value);
  }
  const devmajor = e.devmajor ?? 0;
  const devminor = e.devminor ?? 0;
  if (devmajor > octalMax(8) || devminor > octalMax(8)) throw new TarWriteError(`${e.path}: device number too large for a tar header`);

  const main = ustarBlock({
    name: split?.name ?? path,
    prefix: split?.prefix ?? '',
    typeflag: TYPEFLAG[e.type],
    mode: e.mode,
    uid: Math.min(e.uid, octalMax(8)),
    gid: Math.min(e.gid, octalMax(8)),
    size: Math.min(size, octalMax(12)),
    mtime: Math.min(e.mtime, octalMax(12)),
    linkname,
    devmajor,
    devminor,
  });
  if (pax.size === 0) return main;

  const keys = [...pax.keys()].sort();
  const body = Buffer.concat(keys.map((k) => paxRecord(k, pax.get(k)!)));
  const slash = path.replace(/\/$/, '').lastIndexOf('/');
  const dir = slash < 0 ? '.' : path.slice(0, slash);
  const base = path.replace(/\/$/, '').slice(slash + 1);
  const paxName = `${dir}/PaxHeaders/${base}`;
  const paxHeader = ustarBlock({
    name: paxName, prefix: '', typeflag: 'x', mode: 0o644, uid: 0, gid: 0, size: body.length,
    mtime: Math.min(e.mtime, octalMax(12)), linkname: '', devmajor: 0, devminor: 0,
  });
  return Buffer.concat([paxHeader, body, Buffer.alloc(blockPadding(body.length)), main]);
}

/** SOURCE_DATE_EPOCH for reproducible archives: the option, else the environment, else none. */
export function sourceDateEpoch(option: number | undefined): number | undefined {
  if (option !== undefined) {
    if (!Number.isSafeInteger(option) || option < 0) throw new TarWriteError(`SOURCE_DATE_EPOCH: invalid value "${option}"`);
    return option;
  }
  const env = process.env.SOURCE_DATE_EPOCH;
  if (env === undefined || env === '') return undefined;
  if (!/^[0-9]+$/.test(env)) throw new TarWriteError(`SOURCE_DATE_EPOCH: invalid value "${env}"`);
  return Number(env);
}
