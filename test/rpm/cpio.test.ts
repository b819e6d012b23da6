import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { RpmFormatError, decompress, readCpio, sniffCompressor, type Compressor } from '../../src/rpm/index.ts';
import { newcArchive } from '../support/newc.ts';
import { needTools } from '../support/tools.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

const newc = newcArchive;

async function* chunked(b: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function collect(archive: Uint8Array, chunk = 3, readData = true) {
  const out: Array<{ name: string; data: string }> = [];
  for await (const { entry, content } of readCpio(chunked(archive, chunk))) {
    let data = '';
    if (readData) for await (const c of content) data += Buffer.from(c).toString();
    out.push({ name: entry.name, data });
  }
  return out;
}

const sample = newc([
  { name: './etc', mode: 0o40755 },
  { name: './etc/a.conf', mode: 0o100644, data: enc('hello\n') },
  { name: './etc/link', mode: 0o120777, data: enc('a.conf') },
  { name: './usr/bin/x', mode: 0o100755, data: enc('#!/bin/sh\necho x\n') },
]);

test('reads newc entries with data, at any chunking', async () => {
  for (const size of [1, 3, 7, 64, 4096]) {
    assert.deepEqual(await collect(sample, size), [
      { name: './etc', data: '' },
      { name: './etc/a.conf', data: 'hello\n' },
      { name: './etc/link', data: 'a.conf' },
      { name: './usr/bin/x', data: '#!/bin/sh\necho x\n' },
    ]);
  }
});

test('unread or abandoned content is skipped and the stream stays in sync', async () => {
  assert.deepEqual(
    (await collect(sample, 5, false)).map((e) => e.name),
    ['./etc', './etc/a.conf', './etc/link', './usr/bin/x'],
  );
  const names: string[] = [];
  for await (const { entry, content } of readCpio(chunked(sample, 2))) {
    names.push(entry.name);
    for await (const _ of content) break; // read one chunk, abandon the rest
  }
  assert.equal(names.length, 4);
});

test('stripped (07070X) entries take their size from the file list', async () => {
  const body = Buffer.concat([enc('07070X00000001'), new Uint8Array(2), enc('abcde'), new Uint8Array(3), enc('07070Xffffffff'), new Uint8Array(2)]);
  const seen: Array<[number, string]> = [];
  for await (const { entry, content } of readCpio(chunked(body, 4), { strippedSize: (fx) => (fx === 1 ? 5 : 0) })) {
    let d = '';
    for await (const c of content) d += Buffer.from(c).toString();
    seen.push([entry.fileIndex, d]);
  }
  assert.deepEqual(seen, [[1, 'abcde']]);
});

test('malformed archives fail with clear errors', async () => {
  const bad = async (b: Uint8Array, re: RegExp): Promise<void> => {
    await assert.rejects(collect(b), (e: Error) => e instanceof RpmFormatError && re.test(e.message), String(re));
  };
  await bad(sample.subarray(0, sample.length - 20), /truncated|no trailer/);
  await bad(newc([{ name: './a', mode: 0o100644, data: enc('x') }], false), /no trailer/);
  await bad(enc('070707xxxxxxxxxxxxxxxxx'), /bad cpio magic/);
  const badHex = Buffer.from(sample);
  badHex.write('zz', 10);
  await bad(badHex, /bad cpio inode field/);
  const hugeName = Buffer.from(newc([{ name: './a', mode: 0o100644 }]));
  hugeName.write(hex8(0x10000), 6 + 11 * 8);
  await bad(hugeName, /name size/);
  const noNul = Buffer.from(newc([{ name: './abc', mode: 0o100644 }]));
  noNul[110 + 5] = 0x41;
  await bad(noNul, /not NUL-terminated/);
  await assert.rejects(
    collect(Buffer.concat([enc('07070X00000001'), new Uint8Array(2)])),
    /stripped cpio entry without a file list/,
  );
});

test('payload compressors round-trip through the system tools, sniffed by content', async (t) => {
  if (!needTools(t, 'gzip', 'bzip2', 'xz', 'zstd')) return;
  const tools: Array<[Compressor, string[]]> = [
    ['gzip', ['gzip', '-c']],
    ['bzip2', ['bzip2', '-c']],
    ['xz', ['xz', '-c', '--check=sha256']],
    ['lzma', ['xz', '-c', '--format=lzma']],
    ['zstd', ['zstd', '-c', '-q']],
  ];
  for (const [kind, cmd] of tools) {
    const r = spawnSync(cmd[0], cmd.slice(1), { input: sample });
    assert.equal(r.status, 0);
    if (kind !== 'lzma') assert.equal(sniffCompressor(r.stdout), kind);
    let out = Buffer.alloc(0);
    for await (const c of decompress(kind, chunked(r.stdout, 100))) out = Buffer.concat([out, c]);
    assert.deepEqual(new Uint8Array(out), new Uint8Array(sample), kind);
    // Corrupt data is an RpmFormatError naming the compressor, never a hang or a crash.
    const broken = Buffer.from(r.stdout);
    broken.fill(0x55, Math.floor(broken.length / 2));
    await assert.rejects(
      (async () => {
        for await (const _ of decompress(kind, chunked(broken, 100)));
      })(),
      (e: Error) => e instanceof RpmFormatError && e.message.includes(kind === 'lzma' ? 'xz' : kind),
      kind,
    );
    // Output beyond the declared bound is refused.
    await assert.rejects(
      (async () => {
        for await (const _ of decompress(kind, chunked(r.stdout, 100), 10));
      })(),
      /more than the 10 bytes/,
    );
  }
  assert.equal(sniffCompressor(sample), 'identity');
});
