import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HEADER_MAGIC,
  RpmFormatError,
  Tag,
  TagType,
  describePackage,
  parseHeader,
  parseRpmHeaders,
  readRpmFileHeaders,
} from '../../src/rpm/index.ts';
import { readFileSync } from 'node:fs';
import { fixturePackages } from '../support/fixtures.ts';

/** Minimal header builder for hostile-input tests: entries are written exactly as given. */
function rawHeader(
  entries: Array<{ tag: number; type: number; offset: number; count: number }>,
  store: Uint8Array,
  magic = true,
): Uint8Array {
  const out = new Uint8Array((magic ? 8 : 0) + 8 + entries.length * 16 + store.length);
  const dv = new DataView(out.buffer);
  let o = 0;
  if (magic) {
    out.set(HEADER_MAGIC);
    o = 8;
  }
  dv.setUint32(o, entries.length);
  dv.setUint32(o + 4, store.length);
  o += 8;
  for (const e of entries) {
    dv.setUint32(o, e.tag);
    dv.setUint32(o + 4, e.type);
    dv.setInt32(o + 8, e.offset);
    dv.setUint32(o + 12, e.count);
    o += 16;
  }
  out.set(store, o);
  return out;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

test('every fixture package header parses and re-serialises to the same bytes', async () => {
  const files = fixturePackages();
  assert.ok(files.length >= 30, `expected the fixture packages, found ${files.length}`);
  for (const f of files) {
    const h = await readRpmFileHeaders(f);
    assert.deepEqual(h.header.toBytes(), new Uint8Array(h.headerBytes), f);
    const pkg = describePackage(h.header, h.signature);
    assert.ok(pkg.name.length > 0, f);
    // Legacy v3 packages predate immutable regions; everything newer has one.
    if (!f.endsWith('-v3')) assert.equal(h.header.regionTag, 63, `${f}: main header has an immutable region`);
  }
});

test('header values have their natural types', async () => {
  const h = await readRpmFileHeaders(fixturePackages().find((f) => f.endsWith('hello-2.0-1.x86_64.rpm'))!);
  assert.equal(h.header.get(Tag.NAME), 'hello');
  assert.deepEqual(h.header.get(Tag.HEADERI18NTABLE), ['C']);
  assert.equal(h.header.entry(Tag.SUMMARY)?.type, TagType.I18NSTRING);
  assert.ok(Array.isArray(h.header.get(Tag.FILEMODES)));
  assert.ok(h.header.get(Tag.HEADERIMMUTABLE) instanceof Uint8Array);
  assert.equal(h.lead.type, 0);
});

test('parses a small header with every tag type and dribble override', () => {
  // Data in index order, as rpm requires: INT64 at 0, INT32 at 8, INT16 at 12, CHAR at 14, strings,
  // BIN, then the dribble string.
  const store = new Uint8Array(64);
  const dv = new DataView(store.buffer);
  dv.setBigUint64(0, 5_000_000_000n);
  dv.setUint32(8, 42);
  dv.setUint16(12, 0o755);
  store[14] = 7;
  store.set(enc('one\0'), 15);
  store.set(enc('a\0b\0'), 19);
  store.set(enc('x\0'), 23);
  store.set([1, 2, 3], 25);
  store.set(enc('y\0'), 28);
  const h = parseHeader(
    rawHeader(
      [
        { tag: 5008, type: TagType.INT64, offset: 0, count: 1 },
        { tag: 1009, type: TagType.INT32, offset: 8, count: 1 },
        { tag: 1030, type: TagType.INT16, offset: 12, count: 1 },
        { tag: 1099, type: TagType.CHAR, offset: 14, count: 1 },
        { tag: 1000, type: TagType.STRING, offset: 15, count: 1 },
        { tag: 1117, type: TagType.STRING_ARRAY, offset: 19, count: 2 },
        { tag: 1004, type: TagType.I18NSTRING, offset: 23, count: 1 },
        { tag: 1200, type: TagType.BIN, offset: 25, count: 3 },
        { tag: 1000, type: TagType.STRING, offset: 28, count: 1 },
      ],
      store,
    ),
  ).header;
  assert.equal(h.get(1000), 'y', 'a later (dribble) entry replaces the earlier one');
  assert.deepEqual(h.get(1009), [42]);
  assert.deepEqual(h.get(1030), [0o755]);
  assert.deepEqual(h.get(5008), [5_000_000_000]);
  assert.deepEqual(h.get(1117), ['a', 'b']);
  assert.equal(h.string(1004), 'x');
  assert.deepEqual(h.get(1099), [7]);
  assert.deepEqual([...(h.get(1200) as Uint8Array)], [1, 2, 3]);
  assert.throws(() => h.numbers(1000), RpmFormatError);
});

test('hostile headers are rejected with a clear error', () => {
  const store = enc('abc\0\0\0\0\0');
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['truncated', rawHeader([{ tag: 1000, type: 6, offset: 0, count: 1 }], store).subarray(0, 20), /truncated/],
    ['bad magic', Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 1, 0, 0, 0, 0), /magic/],
    ['no entries', rawHeader([], store), /index count 0/],
    ['bad type', rawHeader([{ tag: 1000, type: 10, offset: 0, count: 1 }], store), /invalid type/],
    ['offset outside', rawHeader([{ tag: 1000, type: 6, offset: 100, count: 1 }], store), /outside data/],
    ['negative offset', rawHeader([{ tag: 1000, type: 6, offset: -4, count: 1 }], store), /outside data/],
    ['huge count', rawHeader([{ tag: 1000, type: 8, offset: 0, count: 0x7fffffff }], store), /count/],
    ['zero count', rawHeader([{ tag: 1000, type: 4, offset: 0, count: 0 }], store), /count 0/],
    ['runs past end', rawHeader([{ tag: 1000, type: 4, offset: 4, count: 2 }], store), /past data end/],
    ['misaligned', rawHeader([{ tag: 1000, type: 4, offset: 2, count: 1 }], store), /misaligned/],
    ['string count', rawHeader([{ tag: 1000, type: 6, offset: 0, count: 2 }], store), /string with count/],
    ['unterminated', rawHeader([{ tag: 1000, type: 8, offset: 0, count: 1 }], enc('abcd')), /unterminated/],
    ['region trailer', rawHeader([{ tag: 63, type: 7, offset: 0, count: 16 }], new Uint8Array(16)), /region/],
    ['reserved tag', rawHeader([{ tag: 50, type: 6, offset: 0, count: 1 }], store), /reserved tag 50/],
    [
      'overlap',
      rawHeader(
        [
          { tag: 1000, type: 6, offset: 0, count: 1 },
          { tag: 1001, type: 6, offset: 2, count: 1 },
        ],
        store,
      ),
      /overlaps the previous/,
    ],
  ];
  for (const [name, bytes, re] of cases) {
    assert.throws(() => parseHeader(bytes), (e: Error) => e instanceof RpmFormatError && re.test(e.message), name);
  }
  const huge = new Uint8Array(16);
  huge.set(HEADER_MAGIC);
  new DataView(huge.buffer).setUint32(8, 0x10000);
  assert.throws(() => parseHeader(huge), /index count 65536 out of range/);
  new DataView(huge.buffer).setUint32(8, 1);
  new DataView(huge.buffer).setUint32(12, 0x10000000);
  assert.throws(() => parseHeader(huge), /data length .* out of range/);
});

test('non-RPM and truncated files fail in the lead or headers', async () => {
  await assert.rejects(parseRpmHeaders(enc('not an rpm at all, just text......')), /lead: truncated/);
  const junk = new Uint8Array(200);
  await assert.rejects(parseRpmHeaders(junk), /not an RPM package/);
  const real = readFileSync(fixturePackages().find((f) => f.endsWith('hello-2.0-1.x86_64.rpm'))!);
  await assert.rejects(parseRpmHeaders(real.subarray(0, 300)), /signature header: truncated/);
  await assert.rejects(parseRpmHeaders(real.subarray(0, 5000)), /header: truncated/);
});
