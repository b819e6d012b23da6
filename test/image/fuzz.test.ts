// Fuzzing of the image-domain parsers that read untrusted bytes or text:
//   readGpt (a disk's GPT, as `strata verify` reads it back), parseVhdFooter, parseVeritySuperblock,
//   readDynamicInfo / readModinfo (+ moduleDependencies on its result) on ELF files from an image root,
//   parseManifest2 (Azure Linux's container-manifest-2), parseBootEntryName / parseBootEntry /
//   parseCmdline (BLS entries), and readSlotUpdate on slot update payloads, directory and tar.
// Seeds are valid inputs from the project's own writers (writeGpt, vhdFooter, veritysetup through
// formatVerity, buildUsrImage + writeSlotUpdate, bootEntry, formatManifest2) or real files (/bin/true, a
// gcc-built .ko). Mutations: bit flips, random bytes, interesting 16/32/64-bit values, truncation,
// insertion, deletion, copied fields, repeated fragments, plus structure-aware ones so the checks behind
// a checksum are reached (GPT CRCs recomputed, payload digests and sizes rewritten, manifest fields
// replaced with hostile JSON values, tar names and size fields replaced).
// Invariant: every mutated input either parses or fails with the parser's own error class
// (DiskImageError, UsrImageError, ElfError, ManifestError, SlotUpdateError; the boot-entry parsers and
// moduleDependencies never throw) with a one-line message — never a TypeError/RangeError/system error,
// never a hang (every call is timed against SLOW_MS) and never unbounded memory (RSS is checked).
// Not fuzzed: src/image/tar and src/image/oci hold only writers (the one tar reader of untrusted bytes is
// the slot update's, covered through readSlotUpdate) and src/image/oci parses no artifact bytes or JSON.
// FUZZ_ITERATIONS (default 5000 per pure parser; the file-based payload fuzz runs a sixteenth of it, at
// least 50) and FUZZ_SEED reproduce a failure, which names the iteration and the seed. FUZZ_VERBOSE
// prints per-parser tallies.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { crc32 } from 'node:zlib';
import {
  DiskImageError, deterministicUuid, dpsTypeGuid, parseVhdFooter, readGpt, vhdFooter, writeGpt, type GptLayout,
} from '../../src/image/disk/index.ts';
import {
  bootEntry, bootEntryFileName, buildUsrImage, ElfError, formatVerity, moduleDependencies, parseBootEntry, parseBootEntryName, parseCmdline,
  parseVeritySuperblock, readDynamicInfo, readModinfo, readSlotUpdate, slotCmdline, SlotUpdateError, UsrImageError,
  writeSlotUpdate, type SlotEntryInput, type UsrImage,
} from '../../src/image/host/index.ts';
import { formatManifest2, ManifestError, parseManifest2, type ManifestEntry } from '../../src/image/rpmdb/index.ts';
import { workDir } from '../support/fixtures.ts';
import { prng, randInt } from '../support/prng.ts';
import { hasTool } from '../support/tools.ts';

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 5000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x1a9e);
const FILE_ITERATIONS = Math.max(50, Math.floor(ITERATIONS / 16));
/** One parse of a fuzzed input (at most a few hundred KiB) taking this long is a hang or quadratic behaviour
 *  (generous: other test files may share the CPU). */
const SLOW_MS = 1000;

const work = workDir('fuzz-image');
after(() => rmSync(work, { recursive: true, force: true }));

type Rand = () => number;
type ErrorClass = abstract new (...args: never[]) => Error;

const INTERESTING = [0, 1, 2, 7, 8, 0x10, 0x20, 0x28, 0x38, 0x40, 0x7f, 0x80, 0xff, 0x100, 0x200, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
const INTERESTING64 = [0n, 1n, 0x22n, 0x200n, 0x1fffffffffffffn, 0x20000000000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn];

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[randInt(r, xs.length)];

/** Byte ranges where a format's parsing logic lives; mutations land there most of the time. */
type Hot = ReadonlyArray<readonly [number, number]>;

function mutateBytes(src: Uint8Array, r: Rand, hot: Hot = []): Buffer {
  let b = Buffer.from(src);
  if (b.length === 0) return Buffer.from([randInt(r, 256)]);
  const pos = (): number => {
    if (hot.length && r() < 0.85) {
      const [s, e] = pick(r, hot);
      const lo = Math.min(s, b.length - 1);
      return lo + randInt(r, Math.max(1, Math.min(e, b.length) - lo));
    }
    return randInt(r, b.length);
  };
  for (let rounds = 1 + (r() < 0.3 ? randInt(r, 3) : 0); rounds > 0; rounds--) {
    switch (randInt(r, 10)) {
      case 0:
        for (let i = 1 + randInt(r, 8); i > 0; i--) b[pos()] ^= 1 << randInt(r, 8);
        break;
      case 1:
        for (let i = 1 + randInt(r, 4); i > 0; i--) b[pos()] = randInt(r, 256);
        break;
      case 2: {
        const p = pos() & ~1;
        if (p + 2 <= b.length) b[r() < 0.5 ? 'writeUInt16LE' : 'writeUInt16BE'](pick(r, INTERESTING) & 0xffff, p);
        break;
      }
      case 3: {
        const p = pos() & ~3;
        if (p + 4 <= b.length) b[r() < 0.5 ? 'writeUInt32LE' : 'writeUInt32BE'](pick(r, INTERESTING) >>> 0, p);
        break;
      }
      case 4: {
        const p = pos() & ~7;
        if (p + 8 <= b.length) b[r() < 0.5 ? 'writeBigUInt64LE' : 'writeBigUInt64BE'](pick(r, INTERESTING64), p);
        break;
      }
      case 5:
        b = b.subarray(0, randInt(r, b.length));
        break;
      case 6: {
        const p = pos();
        b = Buffer.concat([b.subarray(0, p), Buffer.from(Array.from({ length: 1 + randInt(r, 16) }, () => randInt(r, 256))), b.subarray(p)]);
        break;
      }
      case 7: {
        const p = pos();
        b = Buffer.concat([b.subarray(0, p), b.subarray(p + 1 + randInt(r, 32))]);
        break;
      }
      case 8: {
        // Copy a field over another (an offset where a size was, a name over a name).
        const from = pos();
        const to = pos();
        b.copy(b, to, from, Math.min(b.length, from + 1 + randInt(r, 16)));
        break;
      }
      default: {
        const p = pos();
        b.fill(r() < 0.5 ? 0 : 0xff, p, Math.min(b.length, p + 1 + randInt(r, 64)));
      }
    }
    if (b.length === 0) break;
  }
  return b;
}

/** Text mutations: characters from the format's alphabet, pieces of other seeds, deletions, repeats. */
function mutateText(src: string, r: Rand, alphabet: string, corpus: readonly string[]): string {
  let s = src;
  for (let k = randInt(r, 4); k >= 0; k--) {
    const p = randInt(r, s.length + 1);
    switch (randInt(r, 6)) {
      case 0:
      case 1:
        s = s.slice(0, p) + alphabet[randInt(r, alphabet.length)] + s.slice(p);
        break;
      case 2: {
        const other = pick(r, corpus);
        const from = randInt(r, other.length + 1);
        s = s.slice(0, p) + other.slice(from, from + 1 + randInt(r, 24)) + s.slice(p);
        break;
      }
      case 3:
        s = s.slice(0, p) + s.slice(p + 1 + randInt(r, 8));
        break;
      case 4:
        s = s.slice(0, p) + alphabet[randInt(r, alphabet.length)] + s.slice(p + 1);
        break;
      default: {
        // A fragment repeated many times: long lines, long whitespace runs, deep repetition.
        const piece = r() < 0.5 ? alphabet[randInt(r, alphabet.length)] : s.slice(p, p + 1 + randInt(r, 8)) || ' ';
        s = s.slice(0, p) + piece.repeat(100 + randInt(r, r() < 0.2 ? 20000 : 2000)) + s.slice(p);
      }
    }
  }
  return s;
}

const show = (x: unknown): string => {
  if (x instanceof Uint8Array) return `${x.length} bytes: ${Buffer.from(x.subarray(0, 96)).toString('hex')}…`;
  const j = JSON.stringify(x);
  return j.length > 300 ? `${j.slice(0, 300)}… (${j.length} chars)` : j;
};

interface Tally {
  accepted: number;
  rejected: number;
  reasons: Map<string, number>;
  slowest: number;
}

function newTally(): Tally {
  return { accepted: 0, rejected: 0, reasons: new Map(), slowest: 0 };
}

/** Checks one outcome against the invariant; `err` undefined means the input parsed. */
function judge(t: Tally, label: string, i: number, input: unknown, ms: number, errClass: ErrorClass | undefined, err?: unknown): void {
  t.slowest = Math.max(t.slowest, ms);
  assert.ok(ms < SLOW_MS, `${label}: iteration ${i} (seed ${SEED}) took ${ms.toFixed(0)} ms on ${show(input)}`);
  if (err === undefined) {
    t.accepted++;
    return;
  }
  if (!errClass || !(err instanceof errClass)) {
    assert.fail(`${label}: iteration ${i} (seed ${SEED}) threw ${(err as Error)?.stack ?? String(err)}\non input ${show(input)}`);
  }
  const msg = (err as Error).message;
  assert.ok(msg.length > 0 && !/[\n\r]/.test(msg), `${label}: iteration ${i}: not a one-line message: ${JSON.stringify(msg)}`);
  t.rejected++;
  const key = msg.replace(/^\S*\/fuzz-image-\d+\/\S*/, 'P').replace(/[0-9a-f]{6,}|\d+/g, 'N').slice(0, 70);
  t.reasons.set(key, (t.reasons.get(key) ?? 0) + 1);
}

function fuzz<T>(label: string, n: number, seed: number, make: (r: Rand, i: number) => T, call: (input: T) => unknown, errClass?: ErrorClass): Tally {
  const r = prng(seed);
  const t = newTally();
  for (let i = 0; i < n; i++) {
    const input = make(r, i);
    const start = performance.now();
    let err: unknown;
    try {
      call(input);
    } catch (e) {
      err = e ?? new Error('threw a nullish value');
    }
    judge(t, label, i, input, performance.now() - start, errClass, err);
  }
  return t;
}

/** With FUZZ_VERBOSE set: how each parser judged its inputs (to see that mutants reach deep code). */
function report(label: string, t: Tally): void {
  if (!process.env.FUZZ_VERBOSE) return;
  const top = [...t.reasons.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4);
  console.log(`fuzz ${label}: ${t.accepted} accepted, ${t.rejected} rejected, slowest ${t.slowest.toFixed(1)} ms; top: ${top.map(([k, n]) => `${n}× ${k}`).join('; ')}`);
}

let rssBase = 0;
function checkRss(): void {
  const rss = process.memoryUsage().rss;
  if (rssBase === 0) rssBase = rss;
  assert.ok(rss - rssBase < 512 * 1024 * 1024, `RSS grew by ${rss - rssBase} bytes`);
}

// ---- GPT -------------------------------------------------------------------------------------------

const GPT_LAYOUT: GptLayout = {
  diskGuid: deterministicUuid('fuzz', 'disk'),
  totalSectors: 8 * 2048,
  partitions: [
    { typeGuid: dpsTypeGuid('esp', 'x86_64'), uuid: deterministicUuid('fuzz', '1'), firstLba: 2048, lastLba: 4095, attributes: 0n, name: 'ESP' },
    { typeGuid: dpsTypeGuid('usr', 'x86_64'), uuid: deterministicUuid('fuzz', '2'), firstLba: 4096, lastLba: 6143, attributes: 1n << 60n, name: 'USR-A' },
    { typeGuid: dpsTypeGuid('usr-verity', 'x86_64'), uuid: deterministicUuid('fuzz', '3'), firstLba: 6144, lastLba: 6655, attributes: 0n, name: 'USR-A-verity' },
    { typeGuid: dpsTypeGuid('root', 'x86_64'), uuid: deterministicUuid('fuzz', '4'), firstLba: 8192, lastLba: 8 * 2048 - 2049, attributes: 1n << 63n, name: 'RÖÖT' },
  ],
};

/** Recomputes the CRCs a mutation broke, so the parser gets past them (what a crafted disk does). */
function refixGpt(b: Buffer, r: Rand): void {
  if (b.length < 1024) return;
  const h = b.subarray(512, 512 + 92);
  if (r() < 0.7) {
    const lba = Number(h.readBigUInt64LE(72));
    const bytes = h.readUInt32LE(80) * h.readUInt32LE(84);
    const start = Math.min(lba * 512, b.length);
    h.writeUInt32LE(crc32(b.subarray(start, Math.min(b.length, start + bytes))), 88);
  }
  h.writeUInt32LE(0, 16);
  h.writeUInt32LE(crc32(h), 16);
}

test(`fuzz: readGpt on ${ITERATIONS} mutated GPT heads`, { timeout: 10 * 60_000 }, () => {
  checkRss();
  const head = writeGpt(GPT_LAYOUT).head;
  assert.equal(readGpt(head).partitions.length, GPT_LAYOUT.partitions.length);
  // The primary header, the header fields that size the entry array, and the used entries.
  const hot: Hot = [[512, 512 + 92], [512 + 72, 512 + 92], [1024, 1024 + 5 * 128]];
  const t = fuzz('readGpt', ITERATIONS, SEED, (r) => {
    const b = mutateBytes(head, r, hot);
    if (r() < 0.6) refixGpt(b, r);
    return b;
  }, (b) => {
    const g = readGpt(b);
    for (const p of g.partitions) {
      assert.ok(Number.isInteger(p.number) && p.number >= 1);
      assert.equal(typeof p.name, 'string');
    }
  }, DiskImageError);
  report('readGpt', t);
  assert.ok(t.rejected > ITERATIONS / 10 && t.accepted > 0, 'mutations must both break and keep inputs');
  checkRss();
});

// ---- VHD -------------------------------------------------------------------------------------------

test(`fuzz: parseVhdFooter on ${ITERATIONS} mutated footers`, () => {
  const seeds = [
    vhdFooter({ type: 'fixed', size: 64 << 20, timestamp: 1_700_000_000, uniqueId: Buffer.alloc(16, 7) }),
    vhdFooter({ type: 'dynamic', size: 3 * 512, timestamp: 0, uniqueId: Buffer.alloc(16, 0xa5) }),
  ];
  const t = fuzz('parseVhdFooter', ITERATIONS, SEED + 1, (r) => mutateBytes(pick(r, seeds), r, [[0, 88]]), (b) => {
    const f = parseVhdFooter(b);
    assert.ok(['fixed', 'dynamic', 'other'].includes(f.type));
    assert.equal(f.uniqueId.length, 16);
  }, DiskImageError);
  report('parseVhdFooter', t);
  assert.ok(t.rejected > 0 && t.accepted > 0);
});

// ---- dm-verity superblock --------------------------------------------------------------------------

const UUID = '3f1b2c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
const SALT = 'a5'.repeat(32);

/** struct verity_sb as veritysetup writes it (the fallback when veritysetup is not installed). */
function veritySuperblock(dataBlocks: number): Buffer {
  const b = Buffer.alloc(4096);
  b.write('verity\0\0', 0, 'latin1');
  b.writeUInt32LE(1, 8); // version
  b.writeUInt32LE(1, 12); // hash type (normal)
  Buffer.from(UUID.replace(/-/g, ''), 'hex').copy(b, 16);
  b.write('sha256', 32, 'latin1');
  b.writeUInt32LE(4096, 64);
  b.writeUInt32LE(4096, 68);
  b.writeBigUInt64LE(BigInt(dataBlocks), 72);
  b.writeUInt16LE(32, 80);
  Buffer.from(SALT, 'hex').copy(b, 88);
  return b;
}

/** A verity hash tree of `data` made the way the project makes it, or just its superblock. */
async function hashTreeOf(data: string, hash: string): Promise<void> {
  if (hasTool('veritysetup')) {
    await formatVerity(data, hash, SALT, UUID);
  } else {
    writeFileSync(hash, veritySuperblock(readFileSync(data).length / 4096));
  }
}

test(`fuzz: parseVeritySuperblock on ${ITERATIONS} mutated superblocks`, async () => {
  mkdirSync(work, { recursive: true });
  const data = join(work, 'verity.data');
  writeFileSync(data, Buffer.alloc(3 * 4096, 0x5a));
  await hashTreeOf(data, join(work, 'verity.hash'));
  const seeds = [readFileSync(join(work, 'verity.hash')).subarray(0, 4096), veritySuperblock(3).subarray(0, 512)];
  for (const s of seeds) assert.equal(parseVeritySuperblock(s).salt, SALT);
  const t = fuzz('parseVeritySuperblock', ITERATIONS, SEED + 2, (r) => mutateBytes(pick(r, seeds), r, [[0, 120], [76, 88], [0, 512]]), (b) => {
    const sb = parseVeritySuperblock(b, 'fuzzed superblock');
    assert.ok(sb.salt.length <= 512);
  }, UsrImageError);
  report('parseVeritySuperblock', t);
  assert.ok(t.rejected > 0 && t.accepted > 0);
});

// ---- ELF -------------------------------------------------------------------------------------------

/** A small ELF (either class and byte order) with PT_INTERP, .dynamic (NEEDED, RUNPATH, RPATH) and .modinfo. */
function buildElf(is64: boolean, le: boolean): Buffer {
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const interp = Buffer.from('/lib64/ld-linux-x86-64.so.2\0');
  const dynstr = Buffer.from('\0libc.so.6\0libm.so.6\0$ORIGIN/../lib:/opt/lib\0/old/rpath\0');
  const dynEntries: Array<[number, number]> = [[1, 1], [1, 11], [29, 21], [15, 45], [0, 0]];
  const dynSize = dynEntries.length * (is64 ? 16 : 8);
  const modinfo = Buffer.from('name=fuzz\0depends=a,b\0softdep=pre: x y post: z\0alias=pci:v*d*\0alias=fuzz-alias\0license=GPL\0');
  const shstr = Buffer.from('\0.interp\0.dynstr\0.dynamic\0.modinfo\0.shstrtab\0');
  const sections: Array<{ name: number; type: number; data: Buffer; link: number }> = [
    { name: 1, type: 1, data: interp, link: 0 },
    { name: 9, type: 3, data: dynstr, link: 0 },
    { name: 17, type: 6, data: Buffer.alloc(dynSize), link: 2 },
    { name: 26, type: 1, data: modinfo, link: 0 },
    { name: 35, type: 3, data: shstr, link: 0 },
  ];
  let off = ehsize + phentsize;
  const offsets = sections.map((s) => {
    const o = off;
    off += s.data.length + ((8 - (s.data.length % 8)) % 8);
    return o;
  });
  const shoff = off;
  const b = Buffer.alloc(shoff + shentsize * (sections.length + 1));
  const u16 = (o: number, v: number) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const u32 = (o: number, v: number) => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  const word = (o: number, v: number) => (is64 ? (le ? b.writeBigUInt64LE(BigInt(v), o) : b.writeBigUInt64BE(BigInt(v), o)) : u32(o, v));
  b.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1], 0);
  u16(16, 3); // ET_DYN
  u16(18, is64 ? 62 : 3);
  u32(20, 1);
  word(is64 ? 32 : 28, ehsize);
  word(is64 ? 40 : 32, shoff);
  u16(is64 ? 52 : 40, ehsize);
  u16(is64 ? 54 : 42, phentsize);
  u16(is64 ? 56 : 44, 1);
  u16(is64 ? 58 : 46, shentsize);
  u16(is64 ? 60 : 48, sections.length + 1);
  u16(is64 ? 62 : 50, sections.length);
  // PT_INTERP
  u32(ehsize, 3);
  word(ehsize + (is64 ? 8 : 4), offsets[0]);
  word(ehsize + (is64 ? 32 : 16), interp.length);
  sections.forEach((s, i) => {
    s.data.copy(b, offsets[i]);
    const o = shoff + shentsize * (i + 1);
    u32(o, s.name);
    u32(o + 4, s.type);
    word(o + (is64 ? 24 : 16), offsets[i]);
    word(o + (is64 ? 32 : 20), s.data.length);
    u32(o + (is64 ? 40 : 24), s.link);
  });
  dynEntries.forEach(([tag, val], i) => {
    const o = offsets[2] + i * (is64 ? 16 : 8);
    word(o, tag);
    word(o + (is64 ? 8 : 4), val);
  });
  return b;
}

/** The header, program and section header tables and .dynamic of a (valid) seed. */
function elfHot(b: Buffer): Hot {
  const is64 = b[4] === 2;
  const le = b[5] === 1;
  const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const word = (o: number) => (is64 ? Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : u32(o));
  const phoff = word(is64 ? 32 : 28);
  const shoff = word(is64 ? 40 : 32);
  const phsize = u16(is64 ? 54 : 42) * u16(is64 ? 56 : 44);
  const shentsize = u16(is64 ? 58 : 46);
  const shnum = u16(is64 ? 60 : 48);
  const hot: Array<[number, number]> = [[0, is64 ? 64 : 52], [phoff, phoff + phsize], [shoff, shoff + shentsize * shnum]];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    if (u32(o + 4) === 6) hot.push([word(o + (is64 ? 24 : 16)), word(o + (is64 ? 24 : 16)) + word(o + (is64 ? 32 : 20))]);
  }
  return hot;
}

test(`fuzz: readDynamicInfo and readModinfo on ${ITERATIONS} mutated ELF files`, { timeout: 10 * 60_000 }, () => {
  checkRss();
  const seeds = [buildElf(true, true), buildElf(false, true), buildElf(true, false), buildElf(false, false)];
  for (const s of seeds) {
    assert.deepEqual(readDynamicInfo(s), { interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.so.6', 'libm.so.6'], runpath: ['$ORIGIN/../lib', '/opt/lib'], isStatic: false });
    assert.deepEqual(readModinfo(s).get('alias'), ['pci:v*d*', 'fuzz-alias']);
  }
  const real = ['/bin/true', '/usr/bin/true'].find(existsSync);
  if (real) seeds.push(readFileSync(real));
  if (hasTool('gcc')) {
    // A .ko-like relocatable object, as test/image/host/host.test.ts builds its modules.
    mkdirSync(work, { recursive: true });
    const c = join(work, 'mod.c');
    writeFileSync(c, ['name=fuzz_mod', 'depends=dm-mod', 'alias=fs-fuzz'].map((f, i) => `__attribute__((section(".modinfo"), used)) static const char f${i}[] = "${f}";\n`).join(''));
    const ko = join(work, 'mod.ko');
    if (spawnSync('gcc', ['-c', '-o', ko, c]).status === 0) {
      assert.deepEqual(readModinfo(readFileSync(ko)).get('depends'), ['dm-mod']);
      seeds.push(readFileSync(ko));
    }
  }
  const hots = seeds.map(elfHot);
  const t = fuzz('elf', ITERATIONS, SEED + 3, (r) => {
    const k = randInt(r, seeds.length);
    return mutateBytes(seeds[k], r, hots[k]);
  }, (b) => {
    let err: unknown;
    try {
      const d = readDynamicInfo(b, 'fuzzed ELF');
      assert.ok(Array.isArray(d.needed) && Array.isArray(d.runpath));
    } catch (e) {
      err = e;
    }
    const deps = moduleDependencies(readModinfo(b, 'fuzzed module'));
    assert.ok(Array.isArray(deps.depends) && Array.isArray(deps.softPre));
    if (err) throw err;
  }, ElfError);
  report('elf', t);
  assert.ok(t.rejected > ITERATIONS / 10 && t.accepted > 0);
  checkRss();
});

// ---- container-manifest-2 --------------------------------------------------------------------------

test(`fuzz: parseManifest2 on ${ITERATIONS} mutated manifests`, () => {
  const entries: ManifestEntry[] = [
    { name: 'bash', versionRelease: '5.2.15-3.azl3', installTime: 1790000000, buildTime: 1700000000, vendor: 'Microsoft Corporation', size: '8214337', arch: 'x86_64', epochNum: 0, sourceRpm: 'bash-5.2.15-3.azl3.src.rpm' },
    { name: 'tzdata', versionRelease: '2024a-1.azl3', installTime: 1790000001, buildTime: 1700000001, vendor: '(none)', size: '(none)', arch: 'noarch', epochNum: 2, sourceRpm: 'tzdata-2024a-1.azl3.src.rpm' },
  ];
  const seed = formatManifest2(entries);
  assert.deepEqual(parseManifest2(seed), entries);
  const corpus = [seed, '(none)', '\t\t\t', '99999999999999999999999', '1e3', '-1', 'x86_64'];
  const t = fuzz('parseManifest2', ITERATIONS, SEED + 4, (r) => mutateText(seed, r, '\t\n\r 0123456789abc().-_:~é\u2028\0', corpus), (s) => {
    for (const e of parseManifest2(s, 'fuzzed manifest')) {
      for (const n of [e.installTime, e.buildTime, e.epochNum]) assert.ok(Number.isSafeInteger(n) && n >= 0, `number field ${n}`);
    }
  }, ManifestError);
  report('parseManifest2', t);
  assert.ok(t.rejected > 0 && t.accepted > 0);
});

// ---- boot entries ----------------------------------------------------------------------------------

const ROOT_HASH = '85166342e04fa8995261345234afb9dca05926d0132a7240ff8d144831d42aaf';
const ENTRY: SlotEntryInput = { id: 'exampleos', slot: 'b', version: '2.0.1', title: 'ExampleOS', rootHash: ROOT_HASH, extraCmdline: ['console=ttyS0,115200', 'quiet'], efiArch: 'x64' };

test(`fuzz: parseBootEntryName, parseBootEntry, parseCmdline on ${ITERATIONS} mutated inputs each (never throw)`, () => {
  const names = [bootEntryFileName('exampleos', 'a'), bootEntryFileName('example.os-1', 'b', 0), 'exampleos-a.conf', 'exampleos-b+2-1.conf', 'x-a+9.conf'];
  const entry = bootEntry(ENTRY);
  const cmdline = slotCmdline(ENTRY);
  const corpus = [...names, entry, cmdline];
  const alphabet = ' \t\n\r-+=.#abcdefhilnorstuvxz0123456789/\u00a0\u2028\0';
  const tn = fuzz('parseBootEntryName', ITERATIONS, SEED + 5, (r) => mutateText(pick(r, names), r, alphabet, corpus), (s) => {
    const n = parseBootEntryName(s);
    if (n) assert.ok(n.slot === 'a' || n.slot === 'b');
  });
  const te = fuzz('parseBootEntry', ITERATIONS, SEED + 6, (r) => mutateText(entry, r, alphabet, corpus), (s) => parseBootEntry(s));
  const tc = fuzz('parseCmdline', ITERATIONS, SEED + 7, (r) => mutateText(cmdline, r, alphabet, corpus), (s) => parseCmdline(s));
  report('parseBootEntryName', tn);
  report('parseBootEntry', te);
  report('parseCmdline', tc);
});

test('text parsers stay linear on long inputs shaped against backtracking regexes', () => {
  const long = 200_000;
  const shapes = [
    `title a${' '.repeat(long)}b`, `options x${'\t '.repeat(long / 2)}y`, `${' '.repeat(long)}title`, `a${'-a'.repeat(long / 2)}`,
    `x-a+${'1'.repeat(long)}`, `x-a+1${'-1'.repeat(long / 2)}`, `${'a-b'.repeat(long / 3)}.con`, `k=${'='.repeat(long)}`,
    `pre:x${' '.repeat(long)}y`, `${' pre:'.repeat(long / 5)}`, `pre:${' post:'.repeat(long / 6)}`, `a\tb\t${'9'.repeat(long)}\t1\tv\t(none)\t1\tx\t0\ts`,
  ];
  const parsers: Array<[string, (s: string) => unknown]> = [
    ['parseBootEntry', parseBootEntry], ['parseBootEntryName', parseBootEntryName], ['parseCmdline', parseCmdline],
    ['moduleDependencies', (s) => moduleDependencies(new Map([['softdep', [s]], ['depends', [s]]]))],
    ['parseManifest2', (s) => {
      try {
        return parseManifest2(s);
      } catch (e) {
        if (!(e instanceof ManifestError)) throw e;
      }
    }],
  ];
  for (const s of shapes) {
    for (const [name, f] of parsers) {
      const start = performance.now();
      f(s);
      const ms = performance.now() - start;
      assert.ok(ms < SLOW_MS, `${name} took ${ms.toFixed(0)} ms on ${show(s)}`);
    }
  }
});

// ---- slot update payloads --------------------------------------------------------------------------

/** Interesting JSON values for a manifest field. */
const JSON_VALUES: unknown[] = [
  null, true, 0, -1, 1.5, 4096, 2 ** 53, 1e308, '', '.', '..', '...', 'manifest.json', 'usr.erofs', 'linux', 'a/b', '../x', 'x\ny',
  'a'.repeat(64), 'g'.repeat(64), 'x'.repeat(5000), [], ['a'.repeat(64)], {}, { path: 'linux' }, 'strata-slot-update/1', 'exampleos-a+3-0.conf', 'x-a.conf\n',
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Replaces, deletes or adds one value somewhere in a JSON document. */
function mutateJson(doc: Json, r: Rand): Json {
  const copy = structuredClone(doc);
  const containers: Array<Json[] | { [k: string]: Json }> = [];
  const walk = (v: Json) => {
    if (v && typeof v === 'object') {
      containers.push(v);
      for (const c of Array.isArray(v) ? v : Object.values(v)) walk(c);
    }
  };
  walk(copy);
  for (let k = 1 + randInt(r, 2); k > 0; k--) {
    const c = pick(r, containers);
    const keys = Array.isArray(c) ? c.map((_, i) => String(i)) : Object.keys(c);
    const rec = c as Record<string, Json>;
    const key = keys.length && r() < 0.85 ? pick(r, keys) : pick(r, ['format', 'path', 'size', 'sha256', 'rootHash', 'name', 'entries', 'salt', 'dataBlocks']);
    if (r() < 0.15 && !Array.isArray(c)) delete rec[key];
    else rec[key] = pick(r, JSON_VALUES) as Json;
  }
  return copy;
}

interface Payload {
  files: Map<string, Buffer>;
  manifest: Record<string, Json>;
}

/** Rewrites the manifest's digest and size of `name` (as an attacker holding the files would). */
function relist(p: Payload, name: string): void {
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const entryOf = (v: Json): v is { [k: string]: Json } => !!v && typeof v === 'object' && !Array.isArray(v);
  const m = p.manifest;
  const targets = [m.usr, m.verity, m.kernel, m.initrd, ...(entryOf(m.entries) ? [m.entries.a, m.entries.b] : [])];
  for (const t of targets) {
    if (entryOf(t) && t.path === name) {
      t.sha256 = sha(p.files.get(name)!);
      t.size = p.files.get(name)!.length;
    }
  }
}

test(`fuzz: readSlotUpdate on ${FILE_ITERATIONS} mutated payloads (directory and tar)`, { timeout: 10 * 60_000 }, async () => {
  checkRss();
  const dir = join(work, 'payload');
  mkdirSync(join(dir, 'usr', 'lib'), { recursive: true });
  writeFileSync(join(dir, 'usr', 'lib', 'os-release'), 'ID=fuzz\n');
  writeFileSync(join(dir, 'linux'), 'kernel image');
  writeFileSync(join(dir, 'initrd'), 'initramfs');
  let usr: UsrImage;
  if (hasTool('mkfs.erofs') && hasTool('veritysetup')) {
    // As test/image/host/host.test.ts makes it.
    usr = await buildUsrImage({ usrDir: join(dir, 'usr'), image: join(dir, 'usr.erofs'), hashTree: join(dir, 'usr.verity'), seed: 's', name: 'fuzz', sourceDateEpoch: 1700000000 });
  } else {
    const image = join(dir, 'usr.erofs');
    writeFileSync(image, Buffer.alloc(2 * 4096, 0x11));
    await hashTreeOf(image, join(dir, 'usr.verity'));
    const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
    usr = {
      image, hashTree: join(dir, 'usr.verity'), size: 2 * 4096, hashSize: readFileSync(join(dir, 'usr.verity')).length, sha256: sha(image),
      hashSha256: sha(join(dir, 'usr.verity')), fsUuid: UUID,
      verity: { rootHash: ROOT_HASH, salt: SALT, uuid: UUID, hashAlgorithm: 'sha256', dataBlockSize: 4096, hashBlockSize: 4096, dataBlocks: 2 },
    };
  }
  const entry = (slot: 'a' | 'b') => bootEntry({ ...ENTRY, slot, version: '2.0', rootHash: usr.verity.rootHash });
  const input = {
    id: 'exampleos', version: '2.0', arch: 'x86_64', kernelVersion: '6.1', sourceDateEpoch: 1700000000, usr,
    kernel: join(dir, 'linux'), initrd: join(dir, 'initrd'), entries: { a: entry('a'), b: entry('b') },
  };
  await writeSlotUpdate(input, join(dir, 'out.d'));
  await writeSlotUpdate(input, join(dir, 'out.tar'));
  await readSlotUpdate(join(dir, 'out.d'));
  await readSlotUpdate(join(dir, 'out.tar'), { extractTo: join(dir, 'x') });
  const pristine: Payload = {
    files: new Map(readdirSync(join(dir, 'out.d')).map((f) => [f, readFileSync(join(dir, 'out.d', f))])),
    manifest: JSON.parse(readFileSync(join(dir, 'out.d', 'manifest.json'), 'utf8')) as Record<string, Json>,
  };
  const tar = readFileSync(join(dir, 'out.tar'));
  // Header blocks of the tar (the first 512 bytes of each member).
  const tarHot: Array<[number, number]> = [];
  for (let pos = 0; pos + 512 <= tar.length && tar[pos] !== 0; ) {
    tarHot.push([pos, pos + 512], [pos, pos + 100], [pos + 124, pos + 160]);
    pos += 512 + Math.ceil(parseInt(tar.toString('latin1', pos + 124, pos + 135), 8) / 512) * 512;
  }
  const TAR_NAMES = ['.', '..', '...', '', 'manifest.json', 'linux', '-', 'a'.repeat(100), 'usr.verity\0x', '../escape'];
  const TAR_SIZES = ['-1', '-0001000', '77777777777', '0', '1e3', 'zzz', '00000001000 ', '\x80\0\0\0\0\0\0\0\0\0\0\x01', ' '];

  const r = prng(SEED + 8);
  const t = newTally();
  const verifiedTar = join(dir, 'extract');
  for (let i = 0; i < FILE_ITERATIONS; i++) {
    const target = join(dir, `m${i % 4}`);
    rmSync(target, { recursive: true, force: true });
    let payloadPath = target;
    let what: string;
    const kind = randInt(r, 10);
    if (kind >= 7) {
      // A tar payload: mutated header bytes, or an interesting name or size in one member.
      const b = Buffer.from(tar);
      if (kind === 7) {
        what = 'tar bytes';
        b.set(mutateBytes(b.subarray(0, 4096), r, tarHot).subarray(0, 4096), 0);
      } else {
        const [start] = pick(r, tarHot);
        if (kind === 8) {
          what = 'tar name';
          b.fill(0, start, start + 100);
          b.write(pick(r, TAR_NAMES), start, 100, 'latin1');
        } else {
          what = 'tar size';
          b.fill(0, start + 124, start + 136);
          b.write(pick(r, TAR_SIZES), start + 124, 12, 'latin1');
        }
      }
      payloadPath = `${target}.tar`;
      writeFileSync(payloadPath, b);
    } else {
      const p: Payload = { files: new Map(pristine.files), manifest: structuredClone(pristine.manifest) };
      let relisted: string | undefined;
      if (kind <= 1) {
        what = 'manifest fields';
        p.manifest = mutateJson(p.manifest, r) as Record<string, Json>;
      } else if (kind === 2) {
        what = 'manifest text';
        const text = `${JSON.stringify(p.manifest, null, 2)}\n`;
        p.files.set('manifest.json', Buffer.from(mutateText(text, r, '{}[]":,\n 0123456789abcdef-.\\ue', [text])));
      } else if (kind === 3) {
        what = 'verity superblock';
        const v = p.files.get('usr.verity')!;
        const sb = mutateBytes(v.subarray(0, 512), r, [[0, 120], [64, 88]]);
        p.files.set('usr.verity', Buffer.concat([sb, v.subarray(512)]));
        relisted = 'usr.verity';
      } else if (kind === 4 || kind === 5) {
        const name = pick(r, ['entry-a.conf', 'entry-b.conf']);
        what = `${name} text`;
        const text = p.files.get(name)!.toString('utf8');
        p.files.set(name, Buffer.from(mutateText(text, r, ' \t\n\r=abcdeflnorsuvx0123456789/-.', [text, ROOT_HASH, 'usrhash=', 'PARTLABEL=USR-A'])));
        relisted = name;
      } else {
        what = 'directory';
      }
      mkdirSync(target, { recursive: true });
      if (kind === 6) {
        // A directory where a listed file should be, the manifest claiming the directory's size, so
        // the reader gets as far as hashing it.
        const name = pick(r, ['linux', 'initrd', 'usr.verity', 'entry-a.conf']);
        what = `${name} replaced by a directory`;
        p.files.delete(name);
        mkdirSync(join(target, name));
        const m = p.manifest;
        for (const f of [m.usr, m.verity, m.kernel, m.initrd, ...Object.values(m.entries as Record<string, Json>)]) {
          if (f && typeof f === 'object' && !Array.isArray(f) && f.path === name) f.size = statSync(join(target, name)).size;
        }
      }
      if (relisted) relist(p, relisted);
      if (kind !== 2) p.files.set('manifest.json', Buffer.from(`${JSON.stringify(p.manifest, null, 2)}\n`));
      for (const [name, bytes] of p.files) writeFileSync(join(target, name), bytes);
    }
    const start = performance.now();
    let err: unknown;
    try {
      await readSlotUpdate(payloadPath, payloadPath.endsWith('.tar') ? { extractTo: verifiedTar } : {});
    } catch (e) {
      err = e ?? new Error('threw a nullish value');
    }
    judge(t, 'readSlotUpdate', i, what, performance.now() - start, SlotUpdateError, err);
    // Nothing is ever written outside the extraction directory.
    assert.deepEqual(readdirSync(dir).filter((f) => !/^(m\d(\.tar)?|usr|usr\.erofs|usr\.verity|linux|initrd|out\.d|out\.tar|x|extract)$/.test(f)), [], `iteration ${i}: stray files`);
    rmSync(payloadPath, { recursive: true, force: true });
  }
  report('readSlotUpdate', t);
  assert.ok(t.rejected > FILE_ITERATIONS / 4 && t.accepted > 0);
  checkRss();
});
