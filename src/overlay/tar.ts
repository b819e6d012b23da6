// A streaming tar reader and a deterministic tar writer, just enough for archive overlays:
// ustar/GNU/pax headers in, GNU-format headers out (long names as `././@LongLink` records, like
// Go's archive/tar in FormatGNU, which azldev uses). Bodies stream; nothing holds a whole archive.

export class TarError extends Error {
  override name = 'TarError';
}

const BLOCK = 512;

/** Pull-style reader over an async byte stream. */
export class ByteReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private chunks: Buffer[] = [];
  private avail = 0;
  private done = false;
  /** Bytes consumed so far (for error messages). */
  offset = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async fill(n: number): Promise<void> {
    while (this.avail < n && !this.done) {
      const r = await this.it.next();
      if (r.done) {
        this.done = true;
        break;
      }
      const b = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
      if (b.length === 0) continue;
      this.chunks.push(b);
      this.avail += b.length;
    }
  }

  private takeUpTo(n: number): Buffer {
    const first = this.chunks[0];
    if (first.length <= n) {
      this.chunks.shift();
      this.avail -= first.length;
      this.offset += first.length;
      return first;
    }
    this.chunks[0] = first.subarray(n);
    this.avail -= n;
    this.offset += n;
    return first.subarray(0, n);
  }

  /** Exactly n bytes; undefined at a clean end of stream; throws on a truncated stream. */
  async read(n: number): Promise<Buffer | undefined> {
    await this.fill(n);
    if (this.avail === 0 && n > 0) return undefined;
    if (this.avail < n) throw new TarError(`truncated archive at byte ${this.offset + this.avail}`);
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const p = this.takeUpTo(need);
      parts.push(p);
      need -= p.length;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  /** Between 1 and max bytes; throws at end of stream. */
  async readSome(max: number): Promise<Buffer> {
    await this.fill(1);
    if (this.avail === 0) throw new TarError(`truncated archive at byte ${this.offset}`);
    return this.takeUpTo(max);
  }

  /** Reads and discards the rest of the stream (so a producer process is never left blocked). */
  async drain(): Promise<void> {
    this.chunks = [];
    this.avail = 0;
    while (!this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
    }
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) left -= (await this.readSome(Math.min(left, 1 << 20))).length;
  }
}

export type TarEntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  name: string;
  kind: TarEntryKind;
  /** The raw typeflag character (for error messages). */
  typeflag: string;
  mode: number;
  size: number;
  linkname: string;
  /** Streams the body to `sink`; entries whose body is not read are skipped. */
  readBody(sink: (chunk: Buffer) => Promise<void> | void): Promise<void>;
}

function cstring(b: Buffer, start: number, len: number): string {
  const field = b.subarray(start, start + len);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

function numeric(b: Buffer, start: number, len: number, what: string): number {
  const field = b.subarray(start, start + len);
  if (field[0] & 0x80) {
    // GNU base-256: big-endian two's complement; only non-negative values make sense here.
    if (field[0] === 0xff) throw new TarError(`negative ${what} in tar header`);
    let v = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) v = v * 256 + field[i];
    return v;
  }
  const text = field.toString('latin1').replace(/[\0 ]+$/g, '').replace(/^[ \0]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarError(`invalid ${what} field ${JSON.stringify(text)} in tar header`);
  return parseInt(text, 8);
}

function checksumOk(h: Buffer): boolean {
  const stored = numeric(h, 148, 8, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const v = i >= 148 && i < 156 ? 0x20 : h[i];
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  return stored === unsigned || stored === signed;
}

/** pax extended header records: "len key=value\n". */
function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = Number(data.subarray(pos, space).toString('latin1'));
    if (!Number.isInteger(len) || len <= 0 || pos + len > data.length) throw new TarError('malformed pax header');
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += len;
  }
  return out;
}

function kindOf(typeflag: string): TarEntryKind {
  switch (typeflag) {
    case '0':
    case '\0':
      return 'file';
    case '5':
      return 'dir';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    default:
      return 'other';
  }
}

/** Reads tar entries from a decompressed byte stream. */
export async function* readTar(source: AsyncIterable<Uint8Array>): AsyncGenerator<TarEntry> {
  const r = new ByteReader(source);
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  for (;;) {
    const h = await r.read(BLOCK);
    if (!h) return; // no end-of-archive blocks: tolerated like GNU tar
    if (h.every((b) => b === 0)) {
      await r.drain();
      return;
    }
    if (!checksumOk(h)) throw new TarError(`bad tar header checksum at byte ${r.offset - BLOCK}`);
    const typeflag = String.fromCharCode(h[156]);
    let size = numeric(h, 124, 12, 'size');
    const magic = h.subarray(257, 263).toString('latin1');
    const ustar = magic === 'ustar\0';
    const padded = Math.ceil(size / BLOCK) * BLOCK;

    if (typeflag === 'L' || typeflag === 'K' || typeflag === 'x' || typeflag === 'g') {
      if (size > 1 << 20) throw new TarError(`oversized ${typeflag} header record`);
      const data = (await r.read(padded)) ?? Buffer.alloc(0);
      const body = data.subarray(0, size);
      if (typeflag === 'L') longName = cstring(body, 0, body.length);
      else if (typeflag === 'K') longLink = cstring(body, 0, body.length);
      else if (typeflag === 'x') pax = parsePax(body);
      // 'g' (global pax) carries nothing we keep.
      continue;
    }

    let name = cstring(h, 0, 100);
    if (ustar) {
      const prefix = cstring(h, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    let linkname = cstring(h, 157, 100);
    if (longName !== undefined) name = longName;
    if (longLink !== undefined) linkname = longLink;
    if (pax.has('path')) name = pax.get('path')!;
    if (pax.has('linkpath')) linkname = pax.get('linkpath')!;
    if (pax.has('size')) size = Number(pax.get('size'));
    longName = longLink = undefined;
    pax = new Map();

    const kind = kindOf(typeflag);
    const bodySize = kind === 'file' ? size : kind === 'dir' || kind === 'symlink' || kind === 'hardlink' ? 0 : size;
    let consumed = false;
    const entry: TarEntry = {
      name,
      kind,
      typeflag,
      mode: numeric(h, 100, 8, 'mode'),
      size: bodySize,
      linkname,
      async readBody(sink) {
        consumed = true;
        let left = bodySize;
        while (left > 0) {
          const chunk = await r.readSome(Math.min(left, 1 << 20));
          left -= chunk.length;
          await sink(chunk);
        }
        await r.skip(Math.ceil(bodySize / BLOCK) * BLOCK - bodySize);
      },
    };
    yield entry;
    if (!consumed) await r.skip(Math.ceil(bodySize / BLOCK) * BLOCK);
  }
}

// ---- writing ----

function octal(value: number, len: number): string {
  return value.toString(8).padStart(len - 1, '0') + '\0';
}

function putString(b: Buffer, start: number, len: number, s: string): void {
  b.write(s, start, len, 'utf8');
}

function putNumber(b: Buffer, start: number, len: number, value: number): void {
  if (value < 8 ** (len - 1)) {
    putString(b, start, len, octal(value, len));
    return;
  }
  // GNU base-256 for values that do not fit in octal (files of 8 GiB and more).
  let v = value;
  for (let i = len - 1; i > 0; i--) {
    b[start + i] = v % 256;
    v = Math.floor(v / 256);
  }
  b[start] = 0x80;
}

function rawHeader(name: string, typeflag: string, mode: number, size: number, linkname: string): Buffer {
  const h = Buffer.alloc(BLOCK);
  putString(h, 0, 100, name);
  putNumber(h, 100, 8, mode);
  putNumber(h, 108, 8, 0); // uid
  putNumber(h, 116, 8, 0); // gid
  putNumber(h, 124, 12, size);
  putNumber(h, 136, 12, 0); // mtime: the epoch, as azldev
  h.fill(0x20, 148, 156);
  h.write(typeflag, 156, 1, 'latin1');
  putString(h, 157, 100, linkname);
  h.write('ustar  \0', 257, 8, 'latin1'); // GNU magic + version
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i];
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return h;
}

function longRecord(typeflag: 'L' | 'K', value: string): Buffer[] {
  const data = Buffer.from(`${value}\0`, 'utf8');
  const header = rawHeader('././@LongLink', typeflag, 0, data.length, '');
  return [header, data, Buffer.alloc(padding(data.length))];
}

/** Bytes of zero padding after a body of `size` bytes. */
export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

export interface TarWriteEntry {
  /** '/'-separated; directories end in '/'. */
  name: string;
  kind: 'file' | 'dir' | 'symlink';
  mode: number;
  size: number;
  linkname?: string;
}

/** The header block(s) for one entry: owner 0/0, no owner names, mtime 0, GNU long-name records. */
export function tarHeaderBlocks(e: TarWriteEntry): Buffer[] {
  const out: Buffer[] = [];
  const linkname = e.linkname ?? '';
  if (Buffer.byteLength(e.name) > 100) out.push(...longRecord('L', e.name));
  if (Buffer.byteLength(linkname) > 100) out.push(...longRecord('K', linkname));
  const typeflag = e.kind === 'file' ? '0' : e.kind === 'dir' ? '5' : '2';
  const name = Buffer.from(e.name).subarray(0, 100).toString('utf8');
  const link = Buffer.from(linkname).subarray(0, 100).toString('utf8');
  out.push(rawHeader(name, typeflag, e.mode, e.kind === 'file' ? e.size : 0, link));
  return out;
}

/** Two zero blocks end an archive. */
export const TAR_END = Buffer.alloc(2 * BLOCK);
