// The immutable host's parts without booting: ELF and .modinfo reading (modules compiled with gcc),
// module resolution (depends, softdep aliases, built-ins), BLS entries and boot-counting names, the
// init script (sh -n), the initramfs cpio (listed by cpio itself), the state/usr split and its
// refusals, and the slot update payload (directory and tar) with its tamper checks.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, lstatSync, readlinkSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  bootEntry, bootEntryFileName, buildUsrImage, checkImmutableRoot, findPackageManagement, indexModules, InitramfsTree, initScript,
  moduleDependencies, parseBootEntry, parseBootEntryName, parseCmdline, parseVeritySuperblock, readDynamicInfo, readModinfo,
  readSlotUpdate, resolveModules, seedStateTree, slotCmdline, SlotUpdateError, writeSlotUpdate, type SlotEntryInput,
} from '../../../src/image/host/index.ts';
import { workDir } from '../../support/fixtures.ts';
import { hasTool, needTools } from '../../support/tools.ts';

const work = workDir('image-host');
after(() => rmSync(work, { recursive: true, force: true }));
const HASH = 'ab'.repeat(32);

describe('ELF and kernel modules', () => {
  test('a dynamically linked program names its loader and libraries; busybox-static is static', (t) => {
    if (!needTools(t, 'veritysetup', 'busybox')) return;
    const vs = ['/usr/sbin/veritysetup', '/sbin/veritysetup'].find(existsSync)!;
    const info = readDynamicInfo(readFileSync(vs));
    assert.match(info.interpreter ?? '', /ld-linux/);
    assert.ok(info.needed.some((n) => n.startsWith('libcryptsetup.so')), info.needed.join(' '));
    assert.equal(info.isStatic, false);
    const bb = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
    assert.equal(readDynamicInfo(readFileSync(bb)).isStatic, true);
  });

  test('softdep pre: lists and depends= parse', () => {
    const mi = new Map([['depends', ['dm-mod,dm-bufio']], ['softdep', ['pre: crc32c crypto-sha256 post: foo']]]);
    assert.deepEqual(moduleDependencies(mi), { depends: ['dm-mod', 'dm-bufio'], softPre: ['crc32c', 'crypto-sha256'] });
  });

  test('modules load after their dependencies and softdep aliases; built-ins and absent ones are reported', (t) => {
    if (!needTools(t, 'gcc', 'xz')) return;
    const dir = join(work, 'modules', '6.0-test');
    mkdirSync(join(dir, 'kernel/drivers'), { recursive: true });
    const mod = (file: string, fields: string[]) => {
      const c = join(work, 'modules', `${file}.c`);
      writeFileSync(c, fields.map((f, i) => `__attribute__((section(".modinfo"), used)) static const char f${i}[] = "${f}";\n`).join(''));
      const r = spawnSync('gcc', ['-c', '-o', join(dir, 'kernel/drivers', file), c], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    };
    mod('top-mod.ko', ['name=top_mod', 'depends=mid,builtin-one', 'softdep=pre: the-alias']);
    mod('mid.ko', ['name=mid', 'depends=']);
    mod('provider.ko', ['name=provider', 'alias=the-alias', 'depends=']);
    mod('unused.ko', ['name=unused']);
    assert.equal(spawnSync('xz', [join(dir, 'kernel/drivers/mid.ko')]).status, 0);
    writeFileSync(join(dir, 'modules.builtin'), 'kernel/drivers/builtin-one.ko\n');
    assert.deepEqual(readModinfo(readFileSync(join(dir, 'kernel/drivers/top-mod.ko'))).get('depends'), ['mid,builtin-one']);
    const index = indexModules(dir);
    const r = resolveModules(dir, index, ['top_mod'], ['not_there']);
    assert.deepEqual(r.load.map((m) => m.name), ['provider', 'mid', 'top_mod']);
    assert.equal(r.load[1].initrdPath, 'kernel/drivers/mid.ko', 'compressed modules are decompressed for the initramfs');
    assert.deepEqual(r.load[2].needs, ['mid']);
    assert.deepEqual(r.builtin, ['builtin_one']);
    assert.deepEqual(r.absent, ['not_there']);
    assert.throws(() => resolveModules(dir, index, ['nope']), /neither a module file .* nor built in/);
  });
});

describe('boot entries', () => {
  const input: SlotEntryInput = { id: 'exampleos', slot: 'b', version: '1.2', title: 'ExampleOS', rootHash: HASH, extraCmdline: ['console=ttyS0'] };

  test('names carry the boot counter and parse back', () => {
    assert.equal(bootEntryFileName('exampleos', 'a'), 'exampleos-a+3-0.conf');
    assert.deepEqual(parseBootEntryName('exampleos-a+2-1.conf'), { id: 'exampleos', slot: 'a', left: 2, done: 1 });
    assert.deepEqual(parseBootEntryName('exampleos-b.conf'), { id: 'exampleos', slot: 'b' });
    assert.equal(parseBootEntryName('loader.conf'), undefined);
  });

  test('the entry binds the slot partitions to the root hash', () => {
    const e = parseBootEntry(bootEntry(input));
    assert.equal(e.get('linux'), '/exampleos/b/linux');
    assert.equal(e.get('initrd'), '/exampleos/b/initrd');
    assert.equal(e.get('version'), '1.2');
    const opts = parseCmdline(e.get('options')!);
    assert.equal(opts.get('usrhash'), HASH);
    assert.equal(opts.get('systemd.verity_usr_data'), 'PARTLABEL=USR-B');
    assert.equal(opts.get('systemd.verity_usr_hash'), 'PARTLABEL=USR-B-verity');
    assert.equal(opts.get('mount.usrfstype'), 'erofs');
    assert.equal(opts.get('console'), 'ttyS0');
    assert.throws(() => slotCmdline({ ...input, rootHash: 'XYZ' }), /root hash/);
    assert.throws(() => bootEntry({ ...input, title: 'a\nlinux /evil' }), /line break/);
  });
});

describe('initramfs', () => {
  test('the init script is valid shell and prints the markers', (t) => {
    const text = initScript({ kernelVersion: '6.1.0', moduleList: '/etc/strata/initrd-modules', libraryDirs: ['/usr/lib64'] });
    assert.match(text, /^#!\/usr\/bin\/busybox sh\n/);
    assert.match(text, /STRATA-BOOT-OK usr=ro verity=\$usrhash/);
    assert.match(text, /STRATA-BOOT-FAIL/);
    if (!needTools(t, 'sh')) return;
    const r = spawnSync('sh', ['-n'], { input: text, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  test('copies follow the image root\'s symlinks, and cpio lists the archive', async (t) => {
    const root = join(work, 'iroot');
    mkdirSync(join(root, 'usr/lib64'), { recursive: true });
    symlinkSync('usr/lib64', join(root, 'lib64'));
    writeFileSync(join(root, 'usr/lib64/libz.so.1.3'), 'lib');
    symlinkSync('libz.so.1.3', join(root, 'usr/lib64/libz.so.1'));
    const tree = new InitramfsTree();
    assert.equal(tree.copyFromRoot(root, '/lib64/libz.so.1'), '/usr/lib64/libz.so.1.3');
    tree.charDevice('/dev/console', 5, 1);
    tree.file('/init', '#!/bin/sh\n', 0o755);
    assert.throws(() => tree.file('/init', 'other'), /added twice/);
    const cpio = await tree.cpio(1700000000);
    assert.deepEqual(await tree.cpio(1700000000), cpio, 'same tree, same bytes');
    if (!needTools(t, 'cpio')) return;
    const names = spawnSync('cpio', ['-it', '--quiet'], { input: cpio, encoding: 'utf8' });
    assert.equal(names.status, 0, names.stderr);
    assert.deepEqual(names.stdout.trim().split('\n'), ['dev', 'dev/console', 'init', 'lib64', 'usr', 'usr/lib64', 'usr/lib64/libz.so.1', 'usr/lib64/libz.so.1.3']);
    const long = spawnSync('cpio', ['-itv', '--quiet'], { input: cpio, encoding: 'utf8' }).stdout.trim().split('\n');
    assert.match(long[1], /^crw------- .* 5,\s*1 .*dev\/console$/);
    assert.match(long[3], /^lrwxrwxrwx .* lib64 -> usr\/lib64$/);
    assert.match(long[2], /^-rwxr-xr-x .* init$/);
  });
});

describe('layout', () => {
  test('package managers and databases are found; a root with them or with an unmerged /bin is refused', () => {
    const root = join(work, 'layout');
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    mkdirSync(join(root, 'etc'), { recursive: true });
    symlinkSync('usr/bin', join(root, 'bin'));
    writeFileSync(join(root, 'etc/hostname'), 'host\n');
    assert.deepEqual(findPackageManagement(root), []);
    checkImmutableRoot(root);
    writeFileSync(join(root, 'usr/bin/dnf5'), '');
    mkdirSync(join(root, 'usr/lib/sysimage/rpm'), { recursive: true });
    writeFileSync(join(root, 'usr/lib/sysimage/rpm/rpmdb.sqlite'), '');
    assert.deepEqual(findPackageManagement(root), ['usr/bin/dnf5', 'usr/lib/sysimage/rpm/']);
    assert.throws(() => checkImmutableRoot(root), /no package manager .*\/usr\/bin\/dnf5/);
    rmSync(join(root, 'usr/bin/dnf5'));
    rmSync(join(root, 'usr/lib/sysimage'), { recursive: true });
    mkdirSync(join(root, 'sbin'));
    writeFileSync(join(root, 'sbin/init'), '');
    assert.throws(() => checkImmutableRoot(root), /\/sbin is a directory with files/);
    rmSync(join(root, 'sbin'), { recursive: true });
  });

  test('ROOT is seeded with everything but /usr, plus an empty /usr mount point', async () => {
    const root = join(work, 'layout');
    const state = join(work, 'state');
    assert.deepEqual(await seedStateTree(root, state, 1700000000), ['bin', 'etc']);
    assert.equal(readlinkSync(join(state, 'bin')), 'usr/bin');
    assert.equal(readFileSync(join(state, 'etc/hostname'), 'utf8'), 'host\n');
    assert.ok(lstatSync(join(state, 'usr')).isDirectory());
    assert.equal(lstatSync(join(state, 'usr')).mtimeMs, 1700000000 * 1000);
  });
});

describe('slot update payload', () => {
  const ready = hasTool('mkfs.erofs') && hasTool('veritysetup');
  test('written as a directory and as a tar, read back with every digest checked', { skip: !ready && !process.env.CI ? 'needs erofs-utils and cryptsetup-bin' : false }, async () => {
    const dir = join(work, 'payload');
    mkdirSync(join(dir, 'usr/lib'), { recursive: true });
    writeFileSync(join(dir, 'usr/lib/os-release'), 'ID=test\n');
    writeFileSync(join(dir, 'linux'), 'kernel image');
    writeFileSync(join(dir, 'initrd'), 'initramfs');
    const usr = await buildUsrImage({ usrDir: join(dir, 'usr'), image: join(dir, 'usr.erofs'), hashTree: join(dir, 'usr.verity'), seed: 's', name: 'v1', sourceDateEpoch: 1700000000 });
    // The caller's SOURCE_DATE_EPOCH (which mkfs.erofs would read) does not change the image.
    const saved = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = '5';
    try {
      const again = await buildUsrImage({ usrDir: join(dir, 'usr'), image: join(dir, 'again.erofs'), hashTree: join(dir, 'again.verity'), seed: 's', name: 'v1', sourceDateEpoch: 1700000000 });
      assert.equal(again.sha256, usr.sha256);
      assert.equal(again.verity.rootHash, usr.verity.rootHash);
    } finally {
      if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = saved;
    }
    const sb = parseVeritySuperblock(readFileSync(usr.hashTree));
    assert.equal(sb.salt, usr.verity.salt);
    assert.equal(sb.dataBlocks * 4096, usr.size);
    const entry = (slot: 'a' | 'b', rootHash = usr.verity.rootHash) => bootEntry({ id: 'exampleos', slot, version: '2.0', title: 'T', rootHash });
    const input = {
      id: 'exampleos', version: '2.0', arch: 'x86_64', kernelVersion: '6.1', sourceDateEpoch: 1700000000, usr,
      kernel: join(dir, 'linux'), initrd: join(dir, 'initrd'), entries: { a: entry('a'), b: entry('b') },
    };
    const asDir = await writeSlotUpdate(input, join(dir, 'out.d'));
    const asTar = await writeSlotUpdate(input, join(dir, 'out.tar'));
    assert.equal(asDir.manifestSha256, asTar.manifestSha256);
    assert.equal(asDir.manifest.entries.b.name, 'exampleos-b+3-0.conf');
    for (const [p, opts] of [[join(dir, 'out.d'), {}], [join(dir, 'out.tar'), { extractTo: join(dir, 'x') }]] as const) {
      const r = await readSlotUpdate(p, opts);
      assert.equal(r.manifest.verity.rootHash, usr.verity.rootHash);
      assert.equal(readFileSync(r.files.usr).length, usr.size);
    }
    assert.equal((await writeSlotUpdate(input, join(dir, 'again.tar'))).manifestSha256, asTar.manifestSha256, 'reproducible');
    assert.deepEqual(readFileSync(join(dir, 'again.tar')), readFileSync(join(dir, 'out.tar')));

    // A flipped byte, a truncated file, an entry bound to another hash, an extra tar member: refused.
    const flip = join(dir, 'out.d', 'usr.erofs');
    const bytes = readFileSync(flip);
    bytes[2000] ^= 1;
    writeFileSync(flip, bytes);
    await assert.rejects(readSlotUpdate(join(dir, 'out.d')), (e: Error) => e instanceof SlotUpdateError && /usr\.erofs has sha256/.test(e.message));
    bytes[2000] ^= 1;
    writeFileSync(flip, bytes);
    truncateSync(join(dir, 'out.d', 'linux'), 3);
    await assert.rejects(readSlotUpdate(join(dir, 'out.d')), /linux has 3 bytes/);
    await assert.rejects(writeSlotUpdate({ ...input, entries: { a: entry('a'), b: entry('b', HASH) } }, join(dir, 'bad.d')), /usrhash=.* is not the payload's root hash/);
    await assert.rejects(writeSlotUpdate({ ...input, entries: { a: entry('b'), b: entry('b') } }, join(dir, 'bad.d')), /does not name slot A's partitions/);
    const tar = readFileSync(join(dir, 'out.tar'));
    const evil = Buffer.from(tar);
    evil.write('../escape\0', 0, 'latin1');
    writeFileSync(join(dir, 'evil.tar'), evil);
    await assert.rejects(readSlotUpdate(join(dir, 'evil.tar'), { extractTo: join(dir, 'y') }), /unexpected entry/);
  });
});
