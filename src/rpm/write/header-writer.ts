// Header serialiser: the inverse of header.ts, laid out byte for byte as rpm's headerExport does
// after headerReload(h, region) (lib/header.c doExport): index sorted by tag with the region entry
// first, data in the same order with each value aligned to its type size, and the region trailer
// {tag, BIN, -il*16, 16} as the last 16 bytes of the store.

import { HEADER_DATA_MAX, HEADER_MAGIC, HEADER_TAGS_MAX, TagType, type TagTypeId } from '../header.ts';

const ALIGN: Record<number, number> = { [TagType.INT16]: 2, [TagType.INT32]: 4, [TagType.INT64]: 8 };

interface Value {
  type: TagTypeId;
  count: number;
  data: Uint8Array;
}

const utf8 = new TextEncoder();

function encodeStrings(tag: number, values: readonly string[]): Uint8Array {
  const parts = values.map((s) => {
    if (s.includes('\0')) throw new RangeError(`header tag ${tag}: string contains a NUL character`);
    return utf8.encode(s);
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length + 1;
  }
  return out;
}

function encodeInts(tag: number, type: TagTypeId, values: ReadonlyArray<number | bigint>): Uint8Array {
  const size = type === TagType.INT64 ? 8 : type === TagType.INT32 ? 4 : type === TagType.INT16 ? 2 : 1;
  const max = 2n ** BigInt(size * 8);
  const out = new Uint8Array(values.length * size);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    const b = BigInt(v);
    // Negative numbers are stored two's complement, as C code casting to uint would.
    if (b < -(max / 2n) || b >= max) throw new RangeError(`header tag ${tag}: value ${v} does not fit ${size * 8} bits`);
    const u = b < 0n ? b + max : b;
    if (size === 8) dv.setBigUint64(i * 8, u);
    else if (size === 4) dv.setUint32(i * 4, Number(u));
    else if (size === 2) dv.setUint16(i * 2, Number(u));
    else out[i] = Number(u);
  });
  return out;
}

/** Collects typed tag values and serialises them as an rpm header. */
export class HeaderBuilder {
  private readonly values = new Map<number, Value>();

  private put(tag: number, type: TagTypeId, count: number, data: Uint8Array): this {
    if (!Number.isInteger(tag) || tag <= 0 || tag > 0xffffffff) throw new RangeError(`invalid header tag ${tag}`);
    // rpm refuses empty values (count 0) on import, so an empty list is a caller bug.
    if (count === 0) throw new RangeError(`header tag ${tag}: empty value`);
    this.values.set(tag, { type, count, data });
    return this;
  }

  char(tag: number, values: readonly number[]): this {
    return this.put(tag, TagType.CHAR, values.length, encodeInts(tag, TagType.CHAR, values));
  }

  int8(tag: number, values: readonly number[]): this {
    return this.put(tag, TagType.INT8, values.length, encodeInts(tag, TagType.INT8, values));
  }

  int16(tag: number, values: readonly number[]): this {
    return this.put(tag, TagType.INT16, values.length, encodeInts(tag, TagType.INT16, values));
  }

  int32(tag: number, values: readonly number[]): this {
    return this.put(tag, TagType.INT32, values.length, encodeInts(tag, TagType.INT32, values));
  }

  int64(tag: number, values: ReadonlyArray<number | bigint>): this {
    return this.put(tag, TagType.INT64, values.length, encodeInts(tag, TagType.INT64, values));
  }

  string(tag: number, value: string): this {
    return this.put(tag, TagType.STRING, 1, encodeStrings(tag, [value]));
  }

  stringArray(tag: number, values: readonly string[]): this {
    return this.put(tag, TagType.STRING_ARRAY, values.length, encodeStrings(tag, values));
  }

  /** One string per locale of HEADERI18NTABLE; packages written here only carry "C". */
  i18nString(tag: number, values: string | readonly string[]): this {
    const list = typeof values === 'string' ? [values] : values;
    return this.put(tag, TagType.I18NSTRING, list.length, encodeStrings(tag, list));
  }

  bin(tag: number, bytes: Uint8Array): this {
    return this.put(tag, TagType.BIN, bytes.length, Uint8Array.from(bytes));
  }

  /** Copies a value as stored elsewhere (raw big-endian bytes), e.g. from a parsed header. */
  raw(tag: number, type: TagTypeId, count: number, data: Uint8Array): this {
    return this.put(tag, type, count, Uint8Array.from(data));
  }

  has(tag: number): boolean {
    return this.values.has(tag);
  }

  delete(tag: number): this {
    this.values.delete(tag);
    return this;
  }

  tags(): number[] {
    return [...this.values.keys()].sort((a, b) => a - b);
  }

  /**
   * Serialises the header, magic included. `region` is the immutable region tag (63 for the main
   * header, 62 for the signature; 0 for none). `pad8` appends the zero padding rpm writes after
   * the signature header so the main header starts 8-aligned (lib/signature.c rpmWriteSignature).
   */
  build(opts: { region: 0 | 62 | 63; pad8?: boolean }): Uint8Array {
    const tags = this.tags();
    if (tags.some((t) => t === 61 || t === 62 || t === 63)) throw new RangeError('region tags are added by build()');
    const il = tags.length + (opts.region ? 1 : 0);
    if (il === 0) throw new RangeError('empty header');
    if (il > HEADER_TAGS_MAX) throw new RangeError(`header has ${il} tags (max ${HEADER_TAGS_MAX})`);

    // Lay out the data store first: offsets depend only on order and alignment.
    const offsets: number[] = [];
    let dl = 0;
    for (const t of tags) {
      const v = this.values.get(t)!;
      const a = ALIGN[v.type] ?? 1;
      dl += (a - (dl % a)) % a;
      offsets.push(dl);
      dl += v.data.length;
    }
    const trailerOffset = dl;
    if (opts.region) dl += 16;
    if (dl > HEADER_DATA_MAX) throw new RangeError(`header data is ${dl} bytes (max ${HEADER_DATA_MAX})`);

    const size = 16 + il * 16 + dl;
    const pad = opts.pad8 ? (8 - (size % 8)) % 8 : 0;
    const out = new Uint8Array(size + pad);
    const dv = new DataView(out.buffer);
    out.set(HEADER_MAGIC, 0);
    dv.setUint32(8, il);
    dv.setUint32(12, dl);
    let e = 16;
    const store = 16 + il * 16;
    const entry = (tag: number, type: number, offset: number, count: number): void => {
      dv.setUint32(e, tag);
      dv.setUint32(e + 4, type);
      dv.setInt32(e + 8, offset);
      dv.setUint32(e + 12, count);
      e += 16;
    };
    if (opts.region) {
      entry(opts.region, TagType.BIN, trailerOffset, 16);
      // The trailer is an index entry in disguise: its negative offset gives the region size.
      const t = store + trailerOffset;
      dv.setUint32(t, opts.region);
      dv.setUint32(t + 4, TagType.BIN);
      dv.setInt32(t + 8, -il * 16);
      dv.setUint32(t + 12, 16);
    }
    tags.forEach((t, i) => {
      const v = this.values.get(t)!;
      entry(t, v.type, offsets[i], v.count);
      out.set(v.data, store + offsets[i]);
    });
    return out;
  }
}
