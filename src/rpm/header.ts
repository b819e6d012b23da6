// RPM header structure codec (rpm docs/manual/format_header.md).
// A header is an index of 16-byte entries {tag, type, offset, count} plus a data store. Everything is
// validated before any value is exposed, because headers come from untrusted packages.

export const HEADER_MAGIC = Uint8Array.of(0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0);

export const TagType = {
  NULL: 0,
  CHAR: 1,
  INT8: 2,
  INT16: 3,
  INT32: 4,
  INT64: 5,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9,
} as const;
export type TagTypeId = (typeof TagType)[keyof typeof TagType];

/** Same limits rpm enforces (lib/header_internal.h): they bound memory for hostile input. */
export const HEADER_TAGS_MAX = 0xffff;
export const HEADER_DATA_MAX = 0x0fffffff;

/** Region tags: the first entry of a signed header seals the immutable part. */
export const REGION_TAGS = new Set([61, 62, 63]);

const TYPE_SIZE = [0, 1, 1, 2, 4, 8, -1, 1, -1, -1];
const TYPE_ALIGN = [1, 1, 1, 2, 4, 8, 1, 1, 1, 1];

export interface HeaderEntry {
  tag: number;
  type: TagTypeId;
  /** Offset into the data store. */
  offset: number;
  count: number;
  /** Byte length of the value in the store. */
  length: number;
}

export type TagValue = number[] | string | string[] | Uint8Array;

export class RpmFormatError extends Error {
  override name = 'RpmFormatError';
}

/** Quotes an untrusted string for an error message: JSON escapes control characters, and it is cut short. */
export function printable(s: string, max = 120): string {
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return JSON.stringify(cut);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** Decodes header strings: UTF-8 when valid, else Latin-1 (old packages; createrepo_c does the same). */
export function decodeHeaderString(bytes: Uint8Array): string {
  // ASCII fast path: most header strings are plain ASCII.
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return latin1.decode(bytes);
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

/**
 * Index of the first NUL at or after `from`, or -1. Header strings are short: a plain loop beats
 * Buffer#indexOf (a native call per string) by a factor of three or four.
 */
export function findNul(b: Uint8Array, from: number): number {
  for (let i = from; i < b.length; i++) if (b[i] === 0) return i;
  return -1;
}

export interface ParsedHeader {
  header: Header;
  /** Bytes consumed from the input, including the magic when present. */
  size: number;
}

/**
 * A parsed, validated header. `blob` holds the index and the data store (without the magic) so that
 * digests over the original bytes can be computed and the header re-emitted unchanged.
 */
export class Header {
  readonly entries: HeaderEntry[];
  readonly store: Uint8Array;
  /** Tag of the immutable region, or 0 when the header has none (legacy). */
  readonly regionTag: number;
  /** Number of index entries inside the region (all of them when there is no region). */
  readonly regionCount: number;
  /**
   * Lookup by tag when the entries are not in strictly ascending tag order (dribble entries);
   * otherwise, as in nearly every package, entries are binary-searched: no map to build per header.
   */
  private readonly byTag: Map<number, HeaderEntry> | undefined;
  private readonly view: DataView;

  constructor(entries: HeaderEntry[], store: Uint8Array, regionTag: number, regionCount: number) {
    this.entries = entries;
    this.store = store;
    this.regionTag = regionTag;
    this.regionCount = regionCount;
    this.view = new DataView(store.buffer, store.byteOffset, store.byteLength);
    let ascending = true;
    for (let i = 1; i < entries.length && ascending; i++) ascending = entries[i - 1].tag < entries[i].tag;
    if (!ascending) {
      // Dribble entries (outside the region) replace region entries with the same tag, as rpm's
      // headerImport does; later entries therefore win.
      this.byTag = new Map();
      for (const e of entries) this.byTag.set(e.tag, e);
    }
  }

  has(tag: number): boolean {
    return this.find(tag) !== undefined;
  }

  entry(tag: number): HeaderEntry | undefined {
    return this.find(tag);
  }

  tags(): number[] {
    if (!this.byTag) return this.entries.map((e) => e.tag);
    return [...this.byTag.keys()].sort((a, b) => a - b);
  }

  private find(tag: number): HeaderEntry | undefined {
    if (this.byTag) return this.byTag.get(tag);
    const es = this.entries;
    let lo = 0;
    let hi = es.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const t = es[mid].tag;
      if (t < tag) lo = mid + 1;
      else if (t > tag) hi = mid - 1;
      else return es[mid];
    }
    return undefined;
  }

  /** Raw bytes of a tag's value. */
  raw(tag: number): Uint8Array | undefined {
    const e = this.find(tag);
    return e ? this.store.subarray(e.offset, e.offset + e.length) : undefined;
  }

  /** Value with its natural JS type: numbers for integer types, strings, or bytes for BIN. */
  get(tag: number): TagValue | undefined {
    const e = this.find(tag);
    if (!e) return undefined;
    switch (e.type) {
      case TagType.CHAR:
      case TagType.INT8:
      case TagType.INT16:
      case TagType.INT32:
      case TagType.INT64:
        return this.numbersOf(e);
      case TagType.STRING:
        return this.stringsOf(e)[0];
      case TagType.BIN:
        return this.store.subarray(e.offset, e.offset + e.count);
      default:
        return this.stringsOf(e);
    }
  }

  /** First string of a STRING, STRING_ARRAY or I18NSTRING tag (the "C" locale for I18N). */
  string(tag: number): string | undefined {
    const e = this.find(tag);
    if (!e) return undefined;
    if (e.type !== TagType.STRING && e.type !== TagType.STRING_ARRAY && e.type !== TagType.I18NSTRING) {
      throw new RpmFormatError(`tag ${tag}: expected a string, found type ${e.type}`);
    }
    return this.stringsOf(e, 1)[0];
  }

  strings(tag: number): string[] {
    const e = this.find(tag);
    if (!e) return [];
    if (e.type === TagType.STRING || e.type === TagType.STRING_ARRAY || e.type === TagType.I18NSTRING) {
      return this.stringsOf(e);
    }
    throw new RpmFormatError(`tag ${tag}: expected strings, found type ${e.type}`);
  }

  numbers(tag: number): number[] {
    const e = this.find(tag);
    if (!e) return [];
    if (e.type >= TagType.CHAR && e.type <= TagType.INT64) return this.numbersOf(e);
    throw new RpmFormatError(`tag ${tag}: expected integers, found type ${e.type}`);
  }

  number(tag: number): number | undefined {
    const e = this.find(tag);
    if (!e) return undefined;
    return this.numbers(tag)[0];
  }

  bytes(tag: number): Uint8Array | undefined {
    const e = this.find(tag);
    if (!e) return undefined;
    if (e.type !== TagType.BIN) throw new RpmFormatError(`tag ${tag}: expected binary, found type ${e.type}`);
    return this.store.subarray(e.offset, e.offset + e.count);
  }

  private numbersOf(e: HeaderEntry): number[] {
    const out = new Array<number>(e.count);
    const v = this.view;
    let o = e.offset;
    switch (e.type) {
      case TagType.CHAR:
      case TagType.INT8:
        for (let i = 0; i < e.count; i++) out[i] = this.store[o++];
        break;
      case TagType.INT16:
        for (let i = 0; i < e.count; i++, o += 2) out[i] = v.getUint16(o);
        break;
      case TagType.INT32:
        for (let i = 0; i < e.count; i++, o += 4) out[i] = v.getUint32(o);
        break;
      default:
        for (let i = 0; i < e.count; i++, o += 8) out[i] = Number(v.getBigUint64(o));
    }
    return out;
  }

  private stringsOf(e: HeaderEntry, limit = e.count): string[] {
    const out: string[] = [];
    let o = e.offset;
    const n = Math.min(limit, e.count);
    for (let i = 0; i < n; i++) {
      const end = findNul(this.store, o);
      out.push(decodeHeaderString(this.store.subarray(o, end)));
      o = end + 1;
    }
    return out;
  }

  /** Serialises the header as stored (index + store), optionally with the 8-byte magic. */
  toBytes(withMagic = true): Uint8Array {
    const il = this.entries.length;
    const size = (withMagic ? 8 : 0) + 8 + il * 16 + this.store.length;
    const out = new Uint8Array(size);
    const dv = new DataView(out.buffer);
    let o = 0;
    if (withMagic) {
      out.set(HEADER_MAGIC, 0);
      o = 8;
    }
    dv.setUint32(o, il);
    dv.setUint32(o + 4, this.store.length);
    o += 8;
    for (const e of this.entries) {
      dv.setUint32(o, e.tag);
      dv.setUint32(o + 4, e.type);
      dv.setInt32(o + 8, e.offset);
      dv.setUint32(o + 12, e.count);
      o += 16;
    }
    out.set(this.store, o);
    return out;
  }
}

/** Size of a header whose first 16 bytes (magic, il, dl) are given; validates the limits. */
export function headerSizeFromPreamble(pre: Uint8Array, what: string): number {
  if (pre.length < 16) throw new RpmFormatError(`${what}: truncated (need 16 bytes, have ${pre.length})`);
  for (let i = 0; i < 8; i++) {
    if (pre[i] !== HEADER_MAGIC[i]) throw new RpmFormatError(`${what}: bad header magic`);
  }
  const dv = new DataView(pre.buffer, pre.byteOffset, 16);
  const il = dv.getUint32(8);
  const dl = dv.getUint32(12);
  if (il === 0 || il > HEADER_TAGS_MAX) throw new RpmFormatError(`${what}: index count ${il} out of range`);
  if (dl > HEADER_DATA_MAX) throw new RpmFormatError(`${what}: data length ${dl} out of range`);
  return 16 + il * 16 + dl;
}

/**
 * Parses and validates a header. `bytes` starts at the magic (or at `il` when `hasMagic` is false,
 * as rpmdb blobs are stored). Throws RpmFormatError describing the first problem found.
 */
export interface ParseHeaderOptions {
  /** The bytes start at the 8-byte magic (package files) rather than at `il` (rpmdb blobs). */
  hasMagic?: boolean;
  /** The region tag this header must use when it has one (63 main header, 62 signature). */
  regionTag?: number;
  /** In package files rpm requires the region to cover the whole header. */
  exactRegion?: boolean;
}

export function parseHeader(bytes: Uint8Array, what = 'header', opts: ParseHeaderOptions = {}): ParsedHeader {
  const hasMagic = opts.hasMagic ?? true;
  let base = 0;
  if (hasMagic) {
    if (bytes.length < 16) throw new RpmFormatError(`${what}: truncated (${bytes.length} bytes)`);
    for (let i = 0; i < 8; i++) {
      if (bytes[i] !== HEADER_MAGIC[i]) throw new RpmFormatError(`${what}: bad header magic`);
    }
    base = 8;
  }
  if (bytes.length < base + 8) throw new RpmFormatError(`${what}: truncated (${bytes.length} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const il = dv.getUint32(base);
  const dl = dv.getUint32(base + 4);
  if (il === 0 || il > HEADER_TAGS_MAX) throw new RpmFormatError(`${what}: index count ${il} out of range`);
  if (dl > HEADER_DATA_MAX) throw new RpmFormatError(`${what}: data length ${dl} out of range`);
  const indexStart = base + 8;
  const storeStart = indexStart + il * 16;
  const end = storeStart + dl;
  if (bytes.length < end) {
    throw new RpmFormatError(`${what}: truncated (need ${end} bytes, have ${bytes.length})`);
  }
  const store = bytes.subarray(storeStart, end);
  const entries: HeaderEntry[] = new Array(il);
  for (let i = 0; i < il; i++) {
    const p = indexStart + i * 16;
    const tag = dv.getUint32(p);
    const type = dv.getUint32(p + 4);
    const offset = dv.getInt32(p + 8);
    const count = dv.getUint32(p + 12);
    entries[i] = checkEntry(what, i, tag, type, offset, count, store);
  }

  let regionTag = 0;
  let regionCount = il;
  let regionEnd = 0;
  const first = entries[0];
  const expected = opts.regionTag;
  if (expected !== undefined ? first.tag === expected || (expected === 63 && first.tag === 61) : REGION_TAGS.has(first.tag)) {
    regionTag = first.tag;
    regionCount = checkRegion(what, first, il, store);
    regionEnd = first.offset + 16;
    if (opts.exactRegion && (regionCount !== il || regionEnd !== store.length)) {
      throw new RpmFormatError(`${what}: region covers ${regionCount} of ${il} entries (${regionEnd} of ${store.length} bytes)`);
    }
  }
  // rpm's hdrblobVerifyInfo: tags below HEADER_I18NTABLE are reserved, and each entry's data must
  // start after the previous one's ends (v4 need not be sorted by tag: rpm sorts on import).
  let dataEnd = 0;
  for (let i = regionTag ? 1 : 0; i < il; i++) {
    const e = entries[i];
    if (e.tag < 100) throw new RpmFormatError(`${what}: entry ${i} has reserved tag ${e.tag}`);
    if (e.offset < dataEnd) throw new RpmFormatError(`${what}: entry ${i} (tag ${e.tag}) overlaps the previous entry's data`);
    dataEnd = e.offset + e.length;
    if (regionTag && dataEnd > regionEnd - 16 && e.offset < regionEnd) {
      throw new RpmFormatError(`${what}: entry ${i} (tag ${e.tag}) overlaps the region trailer`);
    }
  }
  return { header: new Header(entries, store, regionTag, regionCount), size: end };
}

/** Messages are built only on failure: checkEntry runs for every entry of every package read. */
function entryError(what: string, i: number, tag: number, why: string): RpmFormatError {
  return new RpmFormatError(`${what}: entry ${i} (tag ${tag}): ${why}`);
}

function checkEntry(
  what: string,
  i: number,
  tag: number,
  type: number,
  offset: number,
  count: number,
  store: Uint8Array,
): HeaderEntry {
  if (type < TagType.CHAR || type > TagType.I18NSTRING) throw entryError(what, i, tag, `invalid type ${type}`);
  if (offset < 0 || offset > store.length) throw entryError(what, i, tag, `offset ${offset} outside data`);
  // Every value takes at least one byte per element, which bounds count before any allocation.
  if (count === 0 || count > store.length - offset) throw entryError(what, i, tag, `count ${count} invalid`);
  if (offset % TYPE_ALIGN[type] !== 0) throw entryError(what, i, tag, `misaligned ${offset}`);
  if (type === TagType.STRING && count !== 1) throw entryError(what, i, tag, `string with count ${count}`);
  let length: number;
  const fixed = TYPE_SIZE[type];
  if (fixed > 0) {
    length = fixed * count;
    if (offset + length > store.length) throw entryError(what, i, tag, 'value runs past data end');
  } else {
    let o = offset;
    for (let n = 0; n < count; n++) {
      const z = findNul(store, o);
      if (z < 0) throw entryError(what, i, tag, 'unterminated string');
      o = z + 1;
    }
    length = o - offset;
  }
  return { tag, type: type as TagTypeId, offset, count, length };
}

/** Validates the region trailer and returns how many index entries the region covers. */
function checkRegion(what: string, e: HeaderEntry, il: number, store: Uint8Array): number {
  if (e.type !== TagType.BIN || e.count !== 16) throw new RpmFormatError(`${what}: malformed region tag ${e.tag}`);
  if (e.offset + 16 > store.length) throw new RpmFormatError(`${what}: region trailer outside data`);
  const dv = new DataView(store.buffer, store.byteOffset + e.offset, 16);
  const ttag = dv.getUint32(0);
  const ttype = dv.getUint32(4);
  const toff = dv.getInt32(8);
  const tcount = dv.getUint32(12);
  // Some old packages carry HEADERIMAGE (61) in the signature region's trailer; rpm accepts that.
  if ((ttag !== e.tag && !(e.tag === 62 && ttag === 61)) || ttype !== TagType.BIN || tcount !== 16) {
    throw new RpmFormatError(`${what}: region trailer does not match tag ${e.tag}`);
  }
  if (toff > 0 || toff % 16 !== 0) throw new RpmFormatError(`${what}: region trailer offset ${toff} invalid`);
  const ril = -toff / 16;
  if (ril < 1 || ril > il) throw new RpmFormatError(`${what}: region size ${ril} exceeds ${il} entries`);
  return ril;
}
