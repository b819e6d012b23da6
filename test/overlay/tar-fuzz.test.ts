// Fuzzing of source-archive extraction (archive overlays read upstream tarballs): mutated GNU and
// pax archives must either extract or fail with ArchiveError, and an extracted tree must never
// reach outside its directory — nothing written beside it, and every symlink in it resolving
// inside as coreutils' `readlink -m` (the kernel's rules, missing components allowed) sees it.
// FUZZ_ITERATIONS / FUZZ_SEED as in test/rpm/fuzz.test.ts (file-based: a tenth of the count runs).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ArchiveError, extractArchive } from '../../src/overlay/archive.ts';
import { workDir } from '../support/fixtures.ts';
import { prng, randInt } from '../support/prng.ts';

const ITERATIONS = Math.ceil(Number(process.env.FUZZ_ITERATIONS ?? 3000) / 10);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const TOKENS = ['../', '..', '/', '/etc', '2', '5', '0', '1', '\0', 'pkg/', 'here/../../..', 'here/..', 'link/../../..', '.'];

/** A source tree with files, directories and inside-pointing symlinks, packed by GNU tar. */
function seeds(dir: string): Buffer[] {
  const src = join(dir, 'src');
  rmSync(src, { recursive: true, force: true });
  mkdirSync(join(src, 'pkg', 'sub', 'deep'), { recursive: true });
  writeFileSync(join(src, 'pkg', 'README'), 'hello\n');
  writeFileSync(join(src, 'pkg', 'sub', 'deep', `${'long-name-'.repeat(12)}.txt`), 'x'.repeat(700));
  symlinkSync('sub/deep', join(src, 'pkg', 'link'));
  symlinkSync('.', join(src, 'pkg', 'sub', 'here'));
  symlinkSync('../README', join(src, 'pkg', 'sub', 'up'));
  return ['gnu', 'pax'].map((format) => execFileSync('tar', ['-C', src, `--format=${format}`, '--sort=name', '-cf', '-', 'pkg']));
}

/** Rewrites the checksum of every block that looks like a header, so mutations get past it. */
function fixChecksums(b: Buffer): Buffer {
  for (let off = 0; off + 512 <= b.length; off += 512) {
    if (b.toString('latin1', off + 257, off + 262) !== 'ustar') continue;
    b.fill(0x20, off + 148, off + 156);
    let sum = 0;
    for (let i = off; i < off + 512; i++) sum += b[i];
    b.write(`${sum.toString(8).padStart(6, '0')}\0 `, off + 148, 'latin1');
  }
  return b;
}

function mutate(src: Buffer, r: () => number): Buffer {
  const out = mutateRaw(src, r);
  // Most mutants get valid checksums: otherwise nearly all stop at the checksum test.
  return r() < 0.8 ? fixChecksums(Buffer.from(out)) : out;
}

function mutateRaw(src: Buffer, r: () => number): Buffer {
  const b = Buffer.from(src);
  // Headers hold the names, types and link targets: aim most mutations at the first bytes of blocks.
  const pos = (): number => (r() < 0.7 ? randInt(r, b.length / 512) * 512 + randInt(r, 260) : randInt(r, b.length));
  switch (randInt(r, 6)) {
    case 5: {
      // A new target for one of the symlinks: the link games an extractor must see through.
      const links: number[] = [];
      for (let off = 0; off + 512 <= b.length; off += 512) if (b[off + 156] === 0x32 && b.toString('latin1', off + 257, off + 262) === 'ustar') links.push(off);
      if (links.length === 0) return b;
      const off = links[randInt(r, links.length)];
      b.fill(0, off + 157, off + 257);
      b.write(TOKENS[randInt(r, TOKENS.length)], off + 157, 'latin1');
      return b;
    }
    case 0:
      for (let i = 1 + randInt(r, 6); i > 0; i--) b[pos() % b.length] ^= 1 << randInt(r, 8);
      return b;
    case 1: {
      // A token over a name (offset 0), a type flag (156) or a link target (157), NUL-terminated.
      const t = Buffer.from(`${TOKENS[randInt(r, TOKENS.length)]}\0`);
      const field = [0, 156, 157][randInt(r, 3)];
      t.copy(b, Math.min(b.length - 1, randInt(r, b.length / 512) * 512 + field));
      return b;
    }
    case 2:
      return b.subarray(0, randInt(r, b.length));
    case 3: {
      // Duplicate a run of blocks: the same entry twice, or a link replaced later.
      const from = randInt(r, b.length / 512) * 512;
      const len = (1 + randInt(r, 4)) * 512;
      const at = randInt(r, b.length / 512) * 512;
      return Buffer.concat([b.subarray(0, at), b.subarray(from, from + len), b.subarray(at)]);
    }
    default:
      b[pos() % b.length] = randInt(r, 256);
      return b;
  }
}

/** Paths below `dir`, not descending into symlinked directories (readdir's recursive mode does). */
function filesUnder(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? [p, ...filesUnder(dir, p)] : [p];
  });
}

test('mutated source archives extract inside their directory or fail with ArchiveError', async () => {
  const dir = workDir('overlay-tar-fuzz');
  const inputs = seeds(dir);
  const r = prng(SEED);
  let extracted = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const bytes = mutate(inputs[i % inputs.length], r);
    const box = join(dir, 'box');
    rmSync(box, { recursive: true, force: true });
    mkdirSync(join(box, 'beside'), { recursive: true });
    mkdirSync(join(box, 'dest'));
    writeFileSync(join(box, 'in.tar'), bytes);
    const dest = join(box, 'dest');
    let ok = false;
    try {
      await extractArchive(join(box, 'in.tar'), dest);
      ok = true;
      extracted++;
    } catch (e) {
      if (!(e instanceof ArchiveError)) assert.fail(`iteration ${i}: ${(e as Error).name}: ${(e as Error).message}`);
      assert.doesNotMatch(e.message, /\n/);
    }
    assert.deepEqual(filesUnder(join(box, 'beside')), [], `iteration ${i} wrote beside the extraction directory`);
    // A refused archive's partial tree is discarded unread; an accepted one is worked on, so none of
    // its symlinks (through which any other path would have to leave) may lead out.
    if (!ok) continue;
    for (const rel of filesUnder(dest)) {
      const p = join(dest, rel);
      if (!lstatSync(p).isSymbolicLink()) continue;
      // readlink -m never returns on some self-extending loops (x -> x/../..); those must have been refused.
      const resolved = execFileSync('timeout', ['5', 'readlink', '-m', p], { encoding: 'utf8' }).trim();
      assert.ok(resolved === dest || resolved.startsWith(`${dest}/`), `iteration ${i}: symlink ${rel} -> ${readlinkSync(p)} resolves to ${resolved}, outside ${dest}`);
    }
  }
  assert.ok(extracted > 0 && extracted < ITERATIONS, `extracted ${extracted} of ${ITERATIONS}: the mutations should let some through and stop others`);
});
