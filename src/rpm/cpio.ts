// Streaming reader for rpm payload archives: cpio "newc" (070701/070702) and rpm's stripped
// 07070X form (header = file index only; sizes come from the package header). Memory use is bounded
// by one chunk plus one name (≤ 4096 bytes), whatever the archive size.

import { RpmFormatError } from './header.ts';

export const CPIO_NAME_MAX = 4096;
const NEWC_HEADER = 110;

export interface CpioEntry {
  /** Name as stored ("./usr/bin/hello"); empty for stripped entries. */
  name: string;
  /** Index into the header's file list (stripped archives only, else -1). */
  fileIndex: number;
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  size: number;
  devMajor: number;
  devMinor: number;
  rdevMajor: number;
  rdevMinor: number;
}

/** Pull-based reader over an async chunk stream that can hand out exact byte counts. */
export class ChunkReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  /** Bytes consumed so far (cpio alignment is relative to the archive start). */
  offset = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    while (this.pos >= this.buf.length) {
      const r = await this.it.next();
      if (r.done) return false;
      this.buf = r.value instanceof Uint8Array ? r.value : new Uint8Array(r.value as ArrayBuffer);
      this.pos = 0;
    }
    return true;
  }

  /** Exactly n bytes (n small), or fewer at end of stream. */
  async read(n: number): Promise<Uint8Array> {
    if (this.pos + n <= this.buf.length) {
      const out = this.buf.subarray(this.pos, this.pos + n);
      this.pos += n;
      this.offset += n;
      return out;
    }
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n && (await this.fill())) {
      const take = Math.min(n - got, this.buf.length - this.pos);
      out.set(this.buf.subarray(this.pos, this.pos + take), got);
      this.pos += take;
      got += take;
    }
    this.offset += got;
    return out.subarray(0, got);
  }

  /** Streams the next n bytes as chunks without copying where possible. */
  async *take(n: number): AsyncGenerator<Uint8Array> {
    let left = n;
    while (left > 0) {
      if (!(await this.fill())) throw new RpmFormatError(`payload: truncated (${left} bytes of file data missing)`);
      const k = Math.min(left, this.buf.length - this.pos);
      const chunk = this.buf.subarray(this.pos, this.pos + k);
      this.pos += k;
      this.offset += k;
      left -= k;
      yield chunk;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.take(n));
  }
}

function hex(field: Uint8Array, what: string): number {
  let v = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field[i];
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) throw new RpmFormatError(`payload: bad cpio ${what} field`);
    v = v * 16 + d;
  }
  return v;
}

const MAGIC_NEWC = '070701';
const MAGIC_CRC = '070702';
const MAGIC_STRIPPED = '07070X';
const TRAILER = 'TRAILER!!!';
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

export interface CpioItem {
  entry: CpioEntry;
  /** File data; must be consumed (or ignored: the reader skips what is left) before the next item. */
  content: AsyncGenerator<Uint8Array>;
}

export interface CpioReadOptions {
  /** For stripped archives: size of header file index fx (throws for unknown indexes). */
  strippedSize?: (fx: number) => number;
}

async function* contentOf(r: ChunkReader, state: { left: number }): AsyncGenerator<Uint8Array> {
  while (state.left > 0) {
    const want = state.left;
    for await (const chunk of r.take(Math.min(want, 1 << 20))) {
      state.left -= chunk.length;
      yield chunk;
    }
  }
}

/** Iterates the entries of a cpio stream until TRAILER!!! (required: a missing trailer is truncation). */
export async function* readCpio(source: AsyncIterable<Uint8Array>, opts: CpioReadOptions = {}): AsyncGenerator<CpioItem> {
  const r = new ChunkReader(source);
  for (;;) {
    await r.skip((4 - (r.offset % 4)) % 4);
    const magicBytes = await r.read(6);
    if (magicBytes.length < 6) throw new RpmFormatError('payload: truncated cpio archive (no trailer)');
    const magic = latin1.decode(magicBytes);
    let entry: CpioEntry;
    if (magic === MAGIC_STRIPPED) {
      const fxb = await r.read(8);
      if (fxb.length < 8) throw new RpmFormatError('payload: truncated stripped cpio header');
      const fx = hex(fxb, 'file index');
      await r.skip((4 - (r.offset % 4)) % 4);
      if (fx === 0xffffffff) return;
      if (!opts.strippedSize) throw new RpmFormatError('payload: stripped cpio entry without a file list');
      const size = opts.strippedSize(fx);
      entry = { name: '', fileIndex: fx, ino: 0, mode: 0, uid: 0, gid: 0, nlink: 0, mtime: 0, size, devMajor: 0, devMinor: 0, rdevMajor: 0, rdevMinor: 0 };
    } else if (magic === MAGIC_NEWC || magic === MAGIC_CRC) {
      const h = await r.read(NEWC_HEADER - 6);
      if (h.length < NEWC_HEADER - 6) throw new RpmFormatError('payload: truncated cpio header');
      const f = (i: number, what: string): number => hex(h.subarray(i * 8, i * 8 + 8), what);
      const nameSize = f(11, 'namesize');
      if (nameSize <= 0 || nameSize > CPIO_NAME_MAX) throw new RpmFormatError(`payload: cpio name size ${nameSize} invalid`);
      const nameBytes = await r.read(nameSize);
      if (nameBytes.length < nameSize) throw new RpmFormatError('payload: truncated cpio name');
      if (nameBytes[nameSize - 1] !== 0) throw new RpmFormatError('payload: cpio name not NUL-terminated');
      const name = utf8.decode(nameBytes.subarray(0, nameSize - 1));
      if (name.includes('\0')) throw new RpmFormatError('payload: cpio name contains NUL');
      await r.skip((4 - (r.offset % 4)) % 4);
      entry = {
        name,
        fileIndex: -1,
        ino: f(0, 'inode'),
        mode: f(1, 'mode'),
        uid: f(2, 'uid'),
        gid: f(3, 'gid'),
        nlink: f(4, 'nlink'),
        mtime: f(5, 'mtime'),
        size: f(6, 'filesize'),
        devMajor: f(7, 'devmajor'),
        devMinor: f(8, 'devminor'),
        rdevMajor: f(9, 'rdevmajor'),
        rdevMinor: f(10, 'rdevminor'),
      };
      if (name === TRAILER) return;
    } else {
      throw new RpmFormatError(`payload: bad cpio magic "${magic.replace(/[^\x20-\x7e]/g, '?')}"`);
    }
    const state = { left: entry.size };
    yield { entry, content: contentOf(r, state) };
    // Whatever the consumer did not read (or abandoned with break) is skipped to stay in sync.
    await r.skip(state.left);
    state.left = 0;
  }
}
