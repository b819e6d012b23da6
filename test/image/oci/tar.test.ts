// The deterministic tar writer under the OCI and WSL outputs: headers checked by GNU tar and by
// the overlay engine's reader; tree walking (order, hard links, extras, refusals).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  TarWriteError, deviceNumbers, encodeTarHeader, parseGetfattrDump, tarBytes, walkTree, type TarItem,
} from '../../../src/image/tar/index.ts';
import { readTar } from '../../../src/overlay/tar.ts';
import { workDir } from '../../support/fixtures.ts';
import { needTools } from '../../support/tools.ts';

async function* from(items: TarItem[]): AsyncGenerator<TarItem> {
  yield* items;
}

async function archive(items: TarItem[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of tarBytes(from(items))) parts.push(b);
  return Buffer.concat(parts);
}

async function readBack(tar: Buffer): Promise<Array<{ name: string; kind: string; linkname: string; body: string }>> {
  const out = [];
  async function* one(): AsyncGenerator<Uint8Array> {
    yield tar;
  }
  for await (const e of readTar(one())) {
    const chunks: Buffer[] = [];
    await e.readBody((c) => void chunks.push(c));
    out.push({ name: e.name, kind: e.kind, linkname: e.linkname, body: Buffer.concat(chunks).toString() });
  }
  return out;
}

const file = (path: string, text: string, extra: Partial<TarItem> = {}): TarItem => ({
  path, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 1_700_000_000, size: Buffer.byteLength(text), content: Buffer.from(text), ...extra,
});

test('short names fit one ustar block with a valid checksum and no owner names', () => {
  const h = encodeTarHeader(file('etc/hostname', 'x'));
  assert.equal(h.length, 512);
  assert.equal(h.subarray(257, 265).toString('latin1'), 'ustar\x0000');
  assert.equal(h.subarray(265, 329).every((b) => b === 0), true, 'uname/gname stay empty');
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  assert.equal(parseInt(h.subarray(148, 154).toString('latin1'), 8), sum);
});

test('long, split and non-ASCII names and long link targets round-trip (pax records at every length)', async () => {
  const items: TarItem[] = [];
  // Path lengths around the ustar limits and the pax record length rolling from 2 to 3 digits.
  for (let n = 90; n <= 130; n++) items.push(file(`d/${'x'.repeat(n - 2)}`, `len ${n}`));
  items.push(file(`${'p'.repeat(150)}/${'n'.repeat(99)}`, 'split'));
  items.push(file('usr/share/naïve', 'utf8'));
  items.push({ path: 'usr/bin/long-link', type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: 0, size: 0, linkname: `/${'t'.repeat(150)}` });
  items.push({ path: 'big-ids', type: 'dir', mode: 0o755, uid: 3_000_000, gid: 4_000_000, mtime: 0, size: 0 });
  const tar = await archive(items);
  const back = await readBack(tar);
  assert.deepEqual(back.map((e) => e.name), items.map((i) => (i.type === 'dir' ? `${i.path}/` : i.path)));
  assert.equal(back.at(-2)!.linkname, `/${'t'.repeat(150)}`);
  assert.equal(back[0].body, 'len 90');
  // The 150/99 split needs no pax header (ustar prefix + name).
  const split = encodeTarHeader(items[41]);
  assert.equal(split.length, 512);

  const gnu = spawnSync('tar', ['--numeric-owner', '-tvf', '-'], { input: tar, encoding: 'utf8' });
  assert.equal(gnu.status, 0, gnu.stderr);
  assert.match(gnu.stdout, /^drwxr-xr-x 3000000\/4000000 .* big-ids\/$/m);
  assert.match(gnu.stdout, /naïve/);
});

test('xattrs are SCHILY.xattr pax records with raw binary values', async (t) => {
  if (!needTools(t, 'tar')) return;
  const cap = Buffer.from('0100000200200000000000000000000000000000', 'hex');
  const tar = await archive([file('bin/ping', 'p', { xattrs: [['security.capability', cap], ['user.k', Buffer.from('v=1\n')]] })]);
  assert.ok(tar.includes(Buffer.concat([Buffer.from('SCHILY.xattr.security.capability='), cap, Buffer.from('\n')])));
  const dir = join(workDir('image-tar-xattr'), 'x');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const x = spawnSync('tar', ['--xattrs', '--xattrs-include=*', '-xf', '-', '-C', dir], { input: tar });
  assert.equal(x.status, 0, String(x.stderr));
  if (process.getuid?.() === 0 && needTools(t, 'getfattr')) {
    const dump = spawnSync('getfattr', ['--absolute-names', '-d', '-m', '-', '-e', 'hex', join(dir, 'bin/ping')], { encoding: 'utf8' }).stdout;
    const got = parseGetfattrDump(dump).get(join(dir, 'bin/ping'));
    assert.deepEqual(got, [['security.capability', cap], ['user.k', Buffer.from('v=1\n')]]);
  }
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

test('header values that cannot be stored are refused', () => {
  assert.throws(() => encodeTarHeader(file('/abs', '')), TarWriteError);
  assert.throws(() => encodeTarHeader(file('a', '', { mode: 0o100644 })), /file-type bits/);
  assert.throws(() => encodeTarHeader(file('a', '', { mtime: -1 })), /mtime -1/);
  assert.throws(() => encodeTarHeader(file('a', '', { xattrs: [['a=b', Buffer.alloc(0)]] })), /xattr name/);
});

test('getfattr dumps: escaped names, hex values, empty values', () => {
  const dump = '# file: /r/a\\040b\n# file: /r/n\\012l\nuser.y=0x6869\n\n# file: /r/e\nuser.e=0x\nuser.a=0x00ff\n';
  const m = parseGetfattrDump(dump);
  assert.deepEqual(m.get('/r/a b'), []);
  assert.deepEqual(m.get('/r/n\nl'), [['user.y', Buffer.from('hi')]]);
  assert.deepEqual(m.get('/r/e'), [['user.a', Buffer.from([0, 0xff])], ['user.e', Buffer.alloc(0)]]);
});

test('device numbers decode glibc dev_t, large majors and minors included', () => {
  assert.deepEqual(deviceNumbers(0x0103n), { major: 1, minor: 3 });
  // makedev(259, 65536) = ((259 & 0xfff) << 8) | (65536 & 0xff) | ((65536 & ~0xff) << 12)
  const dev = (259n << 8n) | ((65536n & ~0xffn) << 12n);
  assert.deepEqual(deviceNumbers(dev), { major: 259, minor: 65536 });
});

test('walkTree: byte order, parents first, hard links, extras, sockets skipped', async (t) => {
  if (!needTools(t, 'getfattr')) return;
  const root = join(workDir('image-tar-walk'), 'root');
  rmSync(join(root, '..'), { recursive: true, force: true });
  mkdirSync(join(root, 'a'), { recursive: true });
  writeFileSync(join(root, 'a-b'), '1');
  writeFileSync(join(root, 'B'), '2');
  writeFileSync(join(root, 'a/z'), 'z');
  writeFileSync(join(root, 'é'), 'e');
  symlinkSync('a/z', join(root, 'link'));
  spawnSync('ln', [join(root, 'a/z'), join(root, 'hard')]);
  const sock = createServer();
  await new Promise<void>((res) => sock.listen(join(root, 'sock'), res));
  const skipped: string[] = [];
  const items: TarItem[] = [];
  for await (const i of walkTree(root, { sourceDateEpoch: 5, extraFiles: [{ path: 'a/new', content: 'n' }, { path: 'B', content: 'replaced' }], onSkip: (p) => skipped.push(p) })) {
    items.push(i);
  }
  sock.close();
  assert.deepEqual(items.map((i) => `${i.type}:${i.path}`), [
    'file:B', 'dir:a', 'file:a/new', 'file:a/z', 'file:a-b', 'hardlink:hard', 'symlink:link', 'file:é',
  ]);
  assert.equal(items[0].content?.toString(), 'replaced');
  assert.equal(items.find((i) => i.path === 'hard')!.linkname, 'a/z');
  assert.ok(items.every((i) => i.mtime <= 5));
  assert.deepEqual(skipped, ['sock']);

  await assert.rejects(async () => {
    for await (const _ of walkTree(root, { extraFiles: [{ path: 'no/such/dir/f', content: '' }] }));
  }, /extra file "no\/such\/dir\/f": its parent directory is not in the tree/);
  await assert.rejects(async () => {
    for await (const _ of walkTree(root, { extraFiles: [{ path: 'a', content: '' }] }));
  }, /a directory of that name is in the tree/);
  writeFileSync(Buffer.concat([Buffer.from(`${root}/`), Buffer.from([0xff, 0xfe])]), 'bad');
  await assert.rejects(async () => {
    for await (const _ of walkTree(root, { xattrs: 'none' }));
  }, /file name is not valid UTF-8/);
  rmSync(join(root, '..'), { recursive: true, force: true });
});
