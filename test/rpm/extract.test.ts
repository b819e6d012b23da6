// Hostile packages against `extractPackage`: paths with "..", absolute archive names, writing through a
// symlink the package itself planted, duplicate entries. Each must be refused with nothing written
// anywhere (neither the destination nor outside it).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RpmFormatError, Tag, extractPackage } from '../../src/rpm/index.ts';
import { HeaderBuilder } from '../../src/rpm/write/header-writer.ts';
import { buildLead } from '../../src/rpm/write/container.ts';
import { workDir } from '../support/fixtures.ts';
import { newcArchive } from '../support/newc.ts';

interface Entry {
  /** Path in the header's file list. */
  path: string;
  /** Name in the cpio archive (default "." + path). */
  archiveName?: string;
  mode: number;
  data?: string;
  linkTo?: string;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function archive(entries: Entry[]): Uint8Array {
  return newcArchive(entries.map((e) => ({ name: e.archiveName ?? `.${e.path}`, mode: e.mode, data: enc(e.linkTo ?? e.data ?? '') })));
}

/** A minimal but well-formed binary package with an uncompressed payload (no digests to forge). */
function hostilePackage(entries: Entry[]): Uint8Array {
  const dirs: string[] = [];
  const dirIndexes: number[] = [];
  const bases: string[] = [];
  for (const e of entries) {
    const cut = e.path.lastIndexOf('/') + 1;
    const d = e.path.slice(0, cut);
    if (!dirs.includes(d)) dirs.push(d);
    dirIndexes.push(dirs.indexOf(d));
    bases.push(e.path.slice(cut));
  }
  const payload = archive(entries);
  const h = new HeaderBuilder()
    .string(Tag.NAME, 'evil')
    .string(Tag.VERSION, '1')
    .string(Tag.RELEASE, '1')
    .string(Tag.ARCH, 'noarch')
    .string(Tag.OS, 'linux')
    .string(Tag.SOURCERPM, 'evil-1-1.src.rpm')
    .string(Tag.PAYLOADFORMAT, 'cpio')
    .string(Tag.PAYLOADCOMPRESSOR, 'identity')
    .stringArray(Tag.BASENAMES, bases)
    .stringArray(Tag.DIRNAMES, dirs)
    .int32(Tag.DIRINDEXES, dirIndexes)
    .int16(Tag.FILEMODES, entries.map((e) => e.mode))
    .int32(Tag.FILESIZES, entries.map((e) => enc(e.linkTo ?? e.data ?? '').length))
    .stringArray(Tag.FILEDIGESTS, entries.map(() => ''))
    .stringArray(Tag.FILELINKTOS, entries.map((e) => e.linkTo ?? ''))
    .build({ region: 63 });
  const sig = new HeaderBuilder().int32(1000, [h.length + payload.length]).build({ region: 62, pad8: true });
  return Buffer.concat([buildLead({ nevr: 'evil-1-1', archnum: 1 }), sig, h, payload]);
}

const DIR = workDir('extract-hostile');

async function attempt(name: string, entries: Entry[], re: RegExp): Promise<void> {
  const pkg = join(DIR, `${name}.rpm`);
  writeFileSync(pkg, hostilePackage(entries));
  const dest = join(DIR, 'root', name);
  await assert.rejects(extractPackage(pkg, dest), (e: Error) => e instanceof RpmFormatError && re.test(e.message), name);
  assert.ok(!existsSync(dest), `${name}: destination must not exist after a refusal`);
}

test('hostile packages are refused and leave nothing behind', async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(join(DIR, 'root'), { recursive: true });
  mkdirSync(join(DIR, 'outside'));
  const outside = join(DIR, 'outside');
  const cases: Array<[string, Entry[], RegExp]> = [
    ['dotdot-header', [{ path: '/../../outside/pwned', mode: 0o100644, data: 'x' }], /refusing path with "\.\."/],
    ['dotdot-middle', [{ path: '/usr/../../outside/pwned', mode: 0o100644, data: 'x' }], /refusing path with "\.\."/],
    ['absolute-archive-name', [{ path: '/etc/x', archiveName: '/etc/x', mode: 0o100644, data: 'x' }], /absolute archive path/],
    ['unlisted-archive-name', [{ path: '/etc/x', archiveName: './../etc/x', mode: 0o100644, data: 'x' }], /not in the header's file list/],
    [
      'symlink-escape-absolute',
      [
        { path: '/evil', mode: 0o120777, linkTo: outside },
        { path: '/evil/pwned', mode: 0o100644, data: 'x' },
      ],
      /parent \/evil is a symlink/,
    ],
    [
      'symlink-escape-relative',
      [
        { path: '/a', mode: 0o120777, linkTo: '../../outside' },
        { path: '/a/b/pwned', mode: 0o100644, data: 'x' },
      ],
      /parent \/a is a symlink/,
    ],
    [
      'duplicate-entry',
      [
        { path: '/f', mode: 0o100644, data: 'one' },
        { path: '/f', mode: 0o100644, data: 'one' },
      ],
      /duplicate archive entry/,
    ],
    ['dot-component', [{ path: '/./etc/x', mode: 0o100644, data: 'x' }], /non-canonical path/],
  ];
  for (const [name, entries, re] of cases) await attempt(name, entries, re);
  assert.deepEqual(readdirSync(outside), [], 'nothing was written outside the root');
  assert.deepEqual(readdirSync(join(DIR, 'root')), [], 'no partial destination or temp directory is left');
  rmSync(DIR, { recursive: true, force: true });
});

test('a benign package built the same way extracts, symlinks are created but never followed', async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const pkg = join(DIR, 'ok.rpm');
  writeFileSync(
    pkg,
    hostilePackage([
      { path: '/etc', mode: 0o40755 },
      { path: '/etc/hello.conf', mode: 0o100640, data: 'greeting=hi\n' },
      { path: '/etc/passwd-link', mode: 0o120777, linkTo: '/etc/passwd' },
    ]),
  );
  const r = await extractPackage(pkg, join(DIR, 'out'));
  assert.deepEqual([r.files, r.directories, r.symlinks], [1, 1, 1]);
  rmSync(DIR, { recursive: true, force: true });
});
