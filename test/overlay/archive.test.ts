// Archive overlays: extract → edit → deterministic repack with the original compression, the
// source-files (origin "overlay") rule with its post-overlay hash, and refusal of unsafe or
// unrepackable entries (hostile tarballs are crafted byte by byte here).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { SourceFileRecord } from '../../src/overlay/index.ts';
import { needTools } from '../support/tools.ts';
import { apply, assertFails, makeSources, readTree, scratch } from './helpers.ts';

const TREE = {
  'pkg-1.0/src/main.c': 'int main(void) { return fedora(); }\n',
  'pkg-1.0/tests/a.txt': 'a\n',
  'pkg-1.0/tests/deep/b.txt': 'b\n',
  'pkg-1.0/README': 'Fedora\n',
};

/** Builds `name` from `files` with GNU tar (compression from the name) and returns its bytes. */
function gnuTar(name: string, files: Record<string, string>, extraArgs: string[] = []): Buffer {
  const dir = join(scratch('overlay-tar'), name.replace(/\W/g, '_'));
  rmSync(dir, { recursive: true, force: true });
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, 'root', p, '..'), { recursive: true });
    writeFileSync(join(dir, 'root', p), c);
  }
  execFileSync('tar', ['-C', join(dir, 'root'), '-a', '-cf', join(dir, name), ...extraArgs, ...Object.keys(files).map((p) => p.split('/')[0]).filter((v, i, a) => a.indexOf(v) === i)]);
  return readFileSync(join(dir, name));
}

function listTar(bytes: Buffer, name: string): string[] {
  const dir = join(scratch('overlay-tar'), 'list');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), bytes);
  return execFileSync('tar', ['-tvf', join(dir, name), '--numeric-owner'], { encoding: 'utf8' }).trim().split('\n');
}

const entry = (filename: string, hash?: string): SourceFileRecord[] => [
  { filename, hashType: 'SHA512', ...(hash ? { hash } : {}), origin: { type: 'overlay' }, replaceUpstream: true, replaceReason: 'drop test fixtures' },
];

const OVERLAYS = (archive: string) => [
  { type: 'file-remove', archive, file: 'tests/**', description: 'drop tests' },
  { type: 'file-search-replace', archive, file: 'src/*.c', regex: 'fedora', replacement: 'azl' },
];

test('archive overlays repack deterministically; the post-overlay hash is checked', async (t) => {
  if (!needTools(t, 'tar')) return;
  const tarball = gnuTar('pkg-1.0.tar.gz', TREE);
  // Bootstrap: no hash yet.
  const first = makeSources({ 'pkg-1.0.tar.gz': tarball });
  const r1 = await apply(first, OVERLAYS('pkg-1.0.tar.gz'), { sourceFiles: [{ ...entry('pkg-1.0.tar.gz')[0] }] }, { allowNoHashes: true });
  assert.equal(r1.repackedArchives.length, 1);
  const repacked = readFileSync(join(first, 'pkg-1.0.tar.gz'));
  assert.equal(r1.repackedArchives[0].hash, createHash('sha512').update(repacked).digest('hex'));
  assert.deepEqual([...repacked.subarray(0, 2)], [0x1f, 0x8b]);
  const listing = listTar(repacked, 'x.tar.gz');
  assert.deepEqual(listing.map((l) => l.split(/\s+/).pop()), ['pkg-1.0/', 'pkg-1.0/README', 'pkg-1.0/src/', 'pkg-1.0/src/main.c', 'pkg-1.0/tests/', 'pkg-1.0/tests/deep/']);
  for (const l of listing) assert.match(l, /^\S+ 0\/0 .*1970-01-01 00:00 /);
  // Same input, stated hash: succeeds and gives the same bytes.
  const second = makeSources({ 'pkg-1.0.tar.gz': tarball });
  await apply(second, OVERLAYS('pkg-1.0.tar.gz'), { sourceFiles: entry('pkg-1.0.tar.gz', r1.repackedArchives[0].hash) });
  assert.deepEqual(readFileSync(join(second, 'pkg-1.0.tar.gz')), repacked);
  // A stale hash fails, saying what the hash now is.
  await assertFails(
    OVERLAYS('pkg-1.0.tar.gz'),
    new RegExp(`^demo: overlay #1 \\(drop tests\\): file-remove: archive "pkg-1\\.0\\.tar\\.gz": 'source-files' hash is stale: the repacked archive's SHA512 is ${r1.repackedArchives[0].hash} \\(stated: 00ff\\)`),
    { 'pkg-1.0.tar.gz': tarball },
    { sourceFiles: entry('pkg-1.0.tar.gz', '00ff') },
  );
});

test('each compression is kept: xz, zstd, bzip2, plain tar', async (t) => {
  if (!needTools(t, 'tar', 'xz', 'zstd', 'bzip2')) return;
  const magic: Record<string, number[]> = { 'p.tar.xz': [0xfd, 0x37], 'p.tar.zst': [0x28, 0xb5], 'p.tar.bz2': [0x42, 0x5a], 'p.tar': [0x70, 0x6b] };
  for (const [name, head] of Object.entries(magic)) {
    const files = { 'pkg-1.0/tests/x': 'x', 'pkg-1.0/keep': 'k' };
    const dir = makeSources({ [name]: gnuTar(name, files) });
    const r = await apply(dir, [{ type: 'file-remove', archive: name, file: 'tests/x' }], { sourceFiles: entry(name) }, { allowNoHashes: true });
    const bytes = readFileSync(join(dir, name));
    assert.deepEqual([...bytes.subarray(0, 2)], head, name);
    assert.deepEqual(listTar(bytes, name).map((l) => l.split(/\s+/).pop()), ['pkg-1.0/', 'pkg-1.0/keep', 'pkg-1.0/tests/'], name);
    assert.equal(r.repackedArchives[0].filename, name);
  }
});

test('without a single top directory the archive root is the extraction root', async (t) => {
  if (!needTools(t, 'tar')) return;
  const dir = makeSources({ 'flat.tar.gz': gnuTar('flat.tar.gz', { 'a.txt': 'a', 'b/c.txt': 'c' }) });
  await apply(dir, [{ type: 'file-remove', archive: 'flat.tar.gz', file: 'b/*' }], { sourceFiles: entry('flat.tar.gz') }, { allowNoHashes: true });
  assert.deepEqual(listTar(readFileSync(join(dir, 'flat.tar.gz')), 'f.tar.gz').map((l) => l.split(/\s+/).pop()), ['a.txt', 'b/']);
});

test('archive overlay failures: no match, no change, missing archive', async (t) => {
  if (!needTools(t, 'tar')) return;
  const files = { 'pkg-1.0.tar.gz': gnuTar('pkg-1.0.tar.gz', TREE) };
  const sf = { sourceFiles: entry('pkg-1.0.tar.gz') };
  await assertFails([{ type: 'file-remove', archive: 'pkg-1.0.tar.gz', file: 'docs/**' }], /file-remove: archive "pkg-1\.0\.tar\.gz": file pattern "docs\/\*\*" did not match any files/, files, sf, { allowNoHashes: true });
  await assertFails([{ type: 'file-search-replace', archive: 'pkg-1.0.tar.gz', file: 'README', regex: 'debian' }], /regex "debian" matched nothing in "README"/, files, sf, { allowNoHashes: true });
  await assertFails([{ type: 'file-remove', archive: 'pkg-1.0.tar.gz', file: 'x' }], /archive "pkg-1\.0\.tar\.gz": not found in the component sources/, {}, sf, { allowNoHashes: true });
});

test('the source-files rule: exactly one overlay-origin entry, replace-upstream, reason, hash; no stale entries', async () => {
  const o = [{ type: 'file-remove', archive: 'p.tar.gz', file: 'x' }];
  const base = entry('p.tar.gz', 'ab')[0];
  await assertFails(o, /^demo: archive overlay for "p\.tar\.gz" requires a 'source-files' entry with origin\.type = "overlay"/);
  await assertFails(o, /has 2 'source-files' entries/, {}, { sourceFiles: [base, base] });
  await assertFails(o, /needs replace-upstream = true/, {}, { sourceFiles: [{ ...base, replaceUpstream: false }] });
  await assertFails(o, /needs a replace-reason/, {}, { sourceFiles: [{ ...base, replaceReason: '' }] });
  await assertFails(o, /has a hash but no hash-type/, {}, { sourceFiles: [{ ...base, hashType: undefined }] });
  await assertFails(o, /unsupported hash-type "MD5"/, {}, { sourceFiles: [{ ...base, hashType: 'MD5' }] });
  await assertFails(o, /needs the post-overlay hash/, {}, { sourceFiles: [{ ...base, hash: undefined }] });
  await assertFails([], /'source-files' entry for "p\.tar\.gz" has origin\.type = "overlay", but no archive overlay modifies that archive/, {}, { sourceFiles: [base] });
  await assertFails([...o, { type: 'file-remove', file: '*.tar.gz' }], /loose-file "file-remove" overlay targets archive "p\.tar\.gz"/, {}, { sourceFiles: [base] });
});

test('skipArchiveOverlays (no tarballs, as when rendering) leaves archives alone and applies the rest', async () => {
  const dir = makeSources();
  const o = [{ type: 'file-remove', archive: 'p.tar.gz', file: 'x' }, { type: 'spec-set-tag', tag: 'Version', value: '2' }];
  const r = await apply(dir, o, { sourceFiles: entry('p.tar.gz', 'ab') }, { skipArchiveOverlays: true });
  assert.match(readTree(dir)['demo.spec'], /^Version: 2$/m);
  assert.deepEqual(r.repackedArchives, []);
  // The source-files rule still holds: it is configuration, whether or not the tarball is present.
  await assertFails(o, /requires a 'source-files' entry/, {}, {}, { skipArchiveOverlays: true });
});

// ---- hostile archives, crafted header by header ----

function header(name: string, typeflag: string, size = 0, linkname = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.fill(0x20, 148, 156);
  h.write(typeflag, 156);
  h.write(linkname, 157, 100);
  h.write('ustar\x0000', 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

function craft(entries: Array<[string, string, string?]>): Buffer {
  const parts: Buffer[] = [header('pkg/', '5')];
  for (const [name, type, arg = ''] of entries) {
    if (type === '0') {
      parts.push(header(name, '0', arg.length), Buffer.from(arg), Buffer.alloc((512 - (arg.length % 512)) % 512));
    } else parts.push(header(name, type, 0, arg));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}

test('unsafe or unrepackable entries are refused and nothing changes', async () => {
  const cases: Array<[string, Array<[string, string, string?]>, RegExp]> = [
    ['hardlink', [['pkg/a', '0', 'x'], ['pkg/b', '1', 'pkg/a']], /entry "pkg\/b" is a hardlink/],
    ['char device', [['pkg/tty', '3']], /entry "pkg\/tty" has unsupported type "3"/],
    ['block device', [['pkg/sda', '4']], /unsupported type "4"/],
    ['fifo', [['pkg/fifo', '6']], /unsupported type "6"/],
    ['absolute path', [['/etc/passwd', '0', 'x']], /entry "\/etc\/passwd" has an absolute path/],
    ['dot-dot', [['pkg/../../evil', '0', 'x']], /climbs out of the archive/],
    ['absolute symlink', [['pkg/l', '2', '/etc']], /symlink "pkg\/l" has an absolute or empty target/],
    ['escaping symlink', [['pkg/l', '2', '../../etc']], /symlink "pkg\/l" points outside the archive/],
    ['write through symlink', [['pkg/l', '2', 'sub'], ['pkg/l/x', '0', 'x']], /goes through symlink "pkg\/l"/],
    // Each target stays inside on its own; through the first link the second leads out.
    ['escape through a link', [['pkg/c', '2', '.'], ['pkg/b', '2', 'c/../..']], /symlink "pkg\/b" points outside the archive \("c\/\.\.\/\.\."\)/],
    ['escape by replacing a link', [['pkg/sub', '5'], ['pkg/c', '2', 'sub'], ['pkg/b', '2', 'c/../..'], ['pkg/c', '2', '.']], /symlink "pkg\/b" points outside the archive/],
    ['symlink loop', [['pkg/a', '2', 'b'], ['pkg/b', '2', 'a']], /symlink "pkg\/a" is part of a symlink loop/],
  ];
  for (const [what, entries, re] of cases) {
    await assertFails([{ type: 'file-remove', archive: 'p.tar.gz', file: 'README' }], re, { 'p.tar.gz': craft(entries) }, { sourceFiles: entry('p.tar.gz') }, { allowNoHashes: true }).catch((e: Error) => {
      throw new Error(`${what}: ${e.message}`);
    });
  }
});

test('corrupt archives fail cleanly', async (t) => {
  if (!needTools(t, 'xz')) return;
  const good = craft([['pkg/README', '0', 'r']]);
  const cases: Array<[string, Buffer, RegExp]> = [
    ['p.tar.gz', good.subarray(0, good.length - 30), /cannot read archive/],
    ['p.tar.xz', Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]), Buffer.alloc(100, 7)]), /xz failed|cannot read archive/],
    ['p.tar', Buffer.alloc(512, 0x41), /cannot read archive: invalid checksum field/],
    ['q.tar', Buffer.concat([Buffer.alloc(100, 0x41), Buffer.alloc(412)]), /cannot read archive: bad tar header checksum/],
  ];
  for (const [name, bytes, re] of cases) {
    await assertFails([{ type: 'file-remove', archive: name, file: 'README' }], re, { [name]: bytes }, { sourceFiles: entry(name) }, { allowNoHashes: true });
  }
});

test('symlinks that stay inside the archive are kept', async (t) => {
  if (!needTools(t, 'tar')) return;
  const dir = makeSources({ 'p.tar.gz': craft([['pkg/README', '0', 'r'], ['pkg/sub/', '5'], ['pkg/sub/l', '2', '../README'], ['pkg/x', '0', 'x']]) });
  await apply(dir, [{ type: 'file-remove', archive: 'p.tar.gz', file: 'x' }], { sourceFiles: entry('p.tar.gz') }, { allowNoHashes: true });
  const listing = listTar(readFileSync(join(dir, 'p.tar.gz')), 'p.tar.gz');
  assert.ok(listing.some((l) => l.startsWith('l') && l.endsWith('pkg/sub/l -> ../README')), listing.join('\n'));
  assert.ok(!listing.some((l) => l.endsWith('pkg/x')));
});

test('long names in gnu, pax and ustar (prefix) archives survive a repack', async (t) => {
  if (!needTools(t, 'tar')) return;
  const long = `pkg-1.0/${'d'.repeat(90)}/${'f'.repeat(80)}.txt`;
  for (const format of ['gnu', 'pax', 'ustar']) {
    const name = format === 'ustar' ? `pkg-1.0/${'d'.repeat(90)}/f.txt` : long;
    const dir = makeSources({ 'p.tar.gz': gnuTar('p.tar.gz', { [name]: 'x', 'pkg-1.0/rm': 'y' }, [`--format=${format}`]) });
    await apply(dir, [{ type: 'file-remove', archive: 'p.tar.gz', file: 'rm' }], { sourceFiles: entry('p.tar.gz') }, { allowNoHashes: true });
    const names = listTar(readFileSync(join(dir, 'p.tar.gz')), 'p.tar.gz').map((l) => l.split(/\s+/).pop());
    assert.ok(names.includes(name) && !names.includes('pkg-1.0/rm'), `${format}: ${names.join(' ')}`);
  }
});
