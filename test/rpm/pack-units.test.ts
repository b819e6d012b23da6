// Unit tests of the writer's parts: header serialisation, cpio payloads, dependency parsing.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Readable } from 'node:stream';
import {
  TagType,
  describePackage,
  parseHeader,
  payloadBytes,
  readCpio,
  readPayload,
  readRpmFileHeaders,
  Tag,
} from '../../src/rpm/index.ts';
import { CpioWriter, archiveOrder } from '../../src/rpm/write/cpio.ts';
import { PackInputError, parseDependency } from '../../src/rpm/write/deps.ts';
import { HeaderBuilder } from '../../src/rpm/write/header-writer.ts';
import { compressFileList } from '../../src/rpm/write/pack-header.ts';
import { buildSignatureHeader } from '../../src/rpm/write/container.ts';
import { FIXTURES, collect } from './pack-helpers.ts';

describe('HeaderBuilder', () => {
  test('round-trips all nine types through our parser, with rpm region layout', () => {
    const b = new HeaderBuilder()
      .char(1100, [0x41, 0x42])
      .int8(1101, [1, 255])
      .int16(1102, [1, 65535])
      .int32(1103, [7, 0xffffffff])
      .int64(1104, [2n ** 40n, 3])
      .string(1105, 'héllo')
      .bin(1106, Uint8Array.of(0, 1, 2))
      .stringArray(1107, ['a', '', 'c'])
      .i18nString(1108, ['C text']);
    const bytes = b.build({ region: 63 });
    const { header: h, size } = parseHeader(bytes);
    assert.equal(size, bytes.length);
    assert.equal(h.regionTag, 63);
    assert.equal(h.regionCount, 10);
    assert.deepEqual(h.numbers(1100), [0x41, 0x42]);
    assert.deepEqual(h.numbers(1101), [1, 255]);
    assert.deepEqual(h.numbers(1102), [1, 65535]);
    assert.deepEqual(h.numbers(1103), [7, 0xffffffff]);
    assert.deepEqual(h.numbers(1104), [2 ** 40, 3]);
    assert.equal(h.string(1105), 'héllo');
    assert.deepEqual([...h.bytes(1106)!], [0, 1, 2]);
    assert.deepEqual(h.strings(1107), ['a', '', 'c']);
    assert.deepEqual(h.strings(1108), ['C text']);
    assert.deepEqual(h.entries.map((e) => e.type), [7, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Alignment: INT16 at even, INT32 at 4, INT64 at 8 offsets.
    for (const e of h.entries) {
      const a = e.type === TagType.INT16 ? 2 : e.type === TagType.INT32 ? 4 : e.type === TagType.INT64 ? 8 : 1;
      assert.equal(e.offset % a, 0, `tag ${e.tag} aligned`);
    }
    // The trailer is the last 16 bytes of the store: {63, BIN, -il*16, 16}.
    const t = new DataView(h.store.buffer, h.store.byteOffset + h.store.length - 16, 16);
    assert.deepEqual([t.getUint32(0), t.getUint32(4), t.getInt32(8), t.getUint32(12)], [63, 7, -160, 16]);
  });

  test('signature header is padded to 8', () => {
    const b = new HeaderBuilder().string(269, 'abc').int32(1000, [1]);
    const out = b.build({ region: 62, pad8: true });
    assert.equal(out.length % 8, 0);
    assert.equal(parseHeader(out).header.regionTag, 62);
  });

  test('re-emits rpmbuild headers byte for byte', async () => {
    for (const name of ['hello-2.0-1.x86_64.rpm', 'hello-2.0-1.x86_64-signed.rpm', 'hlinktest-1.0-1.noarch.rpm', 'capstest-1.0-1.noarch.rpm']) {
      const path = `${FIXTURES}/RPMS/${name}`;
      const h = await readRpmFileHeaders(path);
      const file = readFileSync(path);
      for (const [hd, region, off] of [[h.signature, 62, 96], [h.header, 63, h.headerOffset]] as const) {
        const b = new HeaderBuilder();
        for (const e of hd.entries.slice(1)) b.raw(e.tag, e.type, e.count, hd.store.subarray(e.offset, e.offset + e.length));
        const out = b.build({ region, pad8: region === 62 });
        assert.ok(Buffer.from(out).equals(file.subarray(off, off + out.length)), `${name} region ${region}`);
      }
    }
  });

  test('rejects values rpm would refuse', () => {
    assert.throws(() => new HeaderBuilder().stringArray(1000, []), /empty value/);
    assert.throws(() => new HeaderBuilder().string(1000, 'a\0b'), /NUL/);
    assert.throws(() => new HeaderBuilder().int16(1000, [70000]), /does not fit/);
  });
});

describe('cpio writer', () => {
  const written = async (fn: (w: CpioWriter) => Promise<void>): Promise<Uint8Array> => {
    const chunks: Uint8Array[] = [];
    const w = new CpioWriter(async (c) => {
      chunks.push(c);
    });
    await fn(w);
    return Buffer.concat(chunks);
  };
  const base = { ino: 1, mode: 0o100644, uid: 0, gid: 0, nlink: 1, mtime: 5, devMajor: 0, devMinor: 0, rdevMajor: 0, rdevMinor: 0 };

  test('newc entries, padding and trailer read back', async () => {
    const bytes = await written(async (w) => {
      await w.entry({ ...base, name: './a', size: 3 });
      await w.data(new TextEncoder().encode('xyz'));
      await w.entry({ ...base, name: './dir', mode: 0o40755, size: 0 });
      assert.equal(await w.finish(), 360);
    });
    assert.equal(bytes.length, 360);
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 6)), '070701');
    const names: string[] = [];
    for await (const it of readCpio(Readable.from([bytes]))) {
      names.push(it.entry.name);
      if (it.entry.name === './a') assert.equal((await collect(it.content)).toString(), 'xyz');
    }
    assert.deepEqual(names, ['./a', './dir']);
    // The trailer is what rpm writes: nlink 1, namesize 0xb.
    assert.match(new TextDecoder().decode(bytes.subarray(bytes.length - 124)), /^0707010{39}10{48}0000000b0{8}TRAILER!!!/);
  });

  test('stripped entries carry only the file index', async () => {
    const bytes = await written(async (w) => {
      await w.strippedEntry(2, 2);
      await w.data(Uint8Array.of(1, 2));
      await w.finish();
    });
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 14)), '07070X00000002');
    const items = [];
    for await (const it of readCpio(Readable.from([bytes]), { strippedSize: () => 2 })) items.push(it.entry.fileIndex);
    assert.deepEqual(items, [2]);
  });

  test('refuses short or overlong entry data', async () => {
    await written(async (w) => {
      await w.entry({ ...base, name: './a', size: 2 });
      await assert.rejects(w.data(Uint8Array.of(1, 2, 3)), /exceeds/);
      await assert.rejects(w.finish(), /short by 2/);
    });
  });

  test('archive order matches rpm 4.18 on the hard-link fixture', async () => {
    const path = `${FIXTURES}/RPMS/hlinktest-1.0-1.noarch.rpm`;
    const h = await readRpmFileHeaders(path);
    const pkg = describePackage(h.header, h.signature);
    const groups = new Map<number, number[]>();
    pkg.files.forEach((f, i) => groups.set(f.inode, [...(groups.get(f.inode) ?? []), i]));
    const steps = archiveOrder(pkg.files.map((f) => {
      const g = groups.get(f.inode)!;
      return { mode: f.mode, ghost: (f.flags & 64) !== 0, links: g.length > 1 ? g : [] };
    }));
    const actual: Array<[string, number]> = [];
    for await (const e of readPayload(pkg, payloadBytes(path, h.payloadOffset))) actual.push([e.entry.name, e.entry.size]);
    assert.deepEqual(actual, steps.map((s) => [`.${pkg.files[s.index].path}`, s.withData ? pkg.files[s.index].size : 0]));
  });
});

describe('dependency parsing', () => {
  test('simple dependencies and operators', () => {
    assert.deepEqual(parseDependency('requires', 'glibc >= 2.34'), { name: 'glibc', flags: 12, version: '2.34' });
    assert.deepEqual(parseDependency('requires', 'a =< 1'), { name: 'a', flags: 10, version: '1' });
    assert.deepEqual(parseDependency('conflicts', 'b < 2:1.0-1'), { name: 'b', flags: 2, version: '2:1.0-1' });
    assert.deepEqual(parseDependency('requires', '/bin/sh', ['post']), { name: '/bin/sh', flags: 1024, version: '' });
  });

  test('rich dependencies are normalised like rpmbuild', () => {
    assert.equal(parseDependency('requires', '(a   or   b >=   1)').name, '(a or b >= 1)');
    assert.equal(parseDependency('requires', '(foo if (bar and baz) else qux)').name, '(foo if (bar and baz) else qux)');
    assert.equal(parseDependency('supplements', '(a unless b)').name, '(a unless b)');
  });

  test('errors name the field and the problem', () => {
    const bad: Array<[Parameters<typeof parseDependency>[0], string, RegExp]> = [
      ['requires', 'foo ~> 1', /unknown dependency operator "~>"/],
      ['requires', 'foo >=', /version required/],
      ['requires', '-foo', /must begin with/],
      ['requires', '/bin/sh >= 1', /versioned file names/],
      ['requires', 'foo = 1-2-3', /more than one '-'/],
      ['provides', '(a or b)', /rich dependencies are not allowed/],
      ['requires', '(a or)', /missing argument|name required/],
      ['requires', '(a xor b)', /unknown rich dependency op 'xor'/],
      ['requires', '(a and b or c)', /cannot chain different ops/],
      ['conflicts', '(a if b)', /illegal context for 'if'/],
      ['obsoletes', 'foo/bar', /invalid package name/],
      ['requires', 'a b', /unknown dependency operator "b"/],
    ];
    for (const [kind, text, re] of bad) {
      assert.throws(() => parseDependency(kind, text), (e: Error) => e instanceof PackInputError && re.test(e.message) && e.message.startsWith(kind));
    }
  });
});

test('compressFileList keeps rpm\'s directory order, quirks included', () => {
  // rpm's bsearch over an unsorted list repeats "/a/" (verified with rpmbuild 4.18).
  const r = compressFileList(['/a/b.d/e', '/a/b/c', '/a/b0', '/a/b0x']);
  assert.deepEqual(r.dirnames, ['/a/b.d/', '/a/b/', '/a/', '/a/']);
  assert.deepEqual(r.dirindexes, [0, 1, 2, 3]);
  assert.equal(Tag.DIRNAMES, 1118);
});

test('signature header keeps its size when sizes need 64 bits', () => {
  const common = { sha1: '1'.repeat(40), sha256: '2'.repeat(64), md5: new Uint8Array(16) };
  const small = buildSignatureHeader({ ...common, size: 1000, payloadSize: 2000 });
  const large = buildSignatureHeader({ ...common, size: 5e9, payloadSize: 6e9 });
  assert.equal(large.length, small.length);
  const h = parseHeader(large).header;
  assert.deepEqual(h.tags(), [62, 269, 270, 271, 273, 1004, 1008]);
  assert.deepEqual([h.number(270), h.number(271)], [5e9, 6e9]);
  assert.equal(parseHeader(small).header.entry(1008)!.count, 4128);
});
