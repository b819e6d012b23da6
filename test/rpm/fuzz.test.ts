// Fuzzing of every parser that sees untrusted package bytes: lead, signature header, header, the
// package model, the payload (decompression + cpio) and extraction paths. Each mutated input must
// either parse or fail with RpmFormatError — never another exception, a hang or unbounded memory.
// FUZZ_ITERATIONS sets the count (CI runs the default; the full 100,000 run is `FUZZ_ITERATIONS=100000`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  RichDepError,
  RpmFormatError,
  compareEvr,
  describePackage,
  formatRich,
  parseEvr,
  parseRichDep,
  rpmvercmp,
  parseRpmHeaders,
  readPayload,
  safeComponents,
} from '../../src/rpm/index.ts';
import { fixturePackages } from '../support/fixtures.ts';
import { prng, randInt } from '../support/prng.ts';

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 20000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];

function mutate(src: Uint8Array, r: () => number, headerEnd: number): Uint8Array {
  const b = Buffer.from(src);
  // Most mutations land in the lead and headers, where the parsing logic is.
  const pos = (): number => (r() < 0.85 ? randInt(r, Math.max(1, Math.min(headerEnd, b.length))) : randInt(r, b.length));
  const kind = randInt(r, 6);
  switch (kind) {
    case 0:
      for (let i = 1 + randInt(r, 8); i > 0; i--) b[pos()] ^= 1 << randInt(r, 8);
      return b;
    case 1:
      for (let i = 1 + randInt(r, 4); i > 0; i--) b[pos()] = randInt(r, 256);
      return b;
    case 2: {
      const p = pos() & ~3;
      if (p + 4 <= b.length) b.writeUInt32BE(INTERESTING[randInt(r, INTERESTING.length)] >>> 0, p);
      return b;
    }
    case 3:
      return b.subarray(0, randInt(r, b.length));
    case 4: {
      const p = pos();
      return Buffer.concat([b.subarray(0, p), Buffer.from(Array.from({ length: 1 + randInt(r, 16) }, () => randInt(r, 256))), b.subarray(p)]);
    }
    default: {
      const p = pos();
      return Buffer.concat([b.subarray(0, p), b.subarray(p + 1 + randInt(r, 32))]);
    }
  }
}

async function* once(b: Uint8Array): AsyncGenerator<Uint8Array> {
  yield b;
}

/** Everything a reader of this package would do with it. */
async function exercise(bytes: Uint8Array, readBody: boolean): Promise<void> {
  const h = await parseRpmHeaders(bytes);
  const pkg = describePackage(h.header, h.signature);
  for (const f of pkg.files) {
    try {
      safeComponents(f.path);
    } catch (e) {
      if (!(e instanceof RpmFormatError)) throw e;
    }
  }
  if (!readBody) return;
  for await (const e of readPayload(pkg, once(bytes.subarray(h.payloadOffset)))) {
    for await (const _ of e.content);
  }
}

test(`fuzz: ${ITERATIONS} mutated packages never crash, hang or grow memory`, { timeout: 20 * 60_000 }, async () => {
  const seeds = fixturePackages().map((f) => readFileSync(f));
  const headerEnds: number[] = [];
  const inProcess: boolean[] = [];
  for (const s of seeds) {
    const h = await parseRpmHeaders(s).catch(() => undefined);
    headerEnds.push(h?.payloadOffset ?? s.length);
    // Payloads decoded in-process (gzip, zstd, none) are fuzzed every time; xz/bzip2 spawn the system
    // decoder, so they are exercised on a sample to keep the run short.
    const comp = h ? describePackage(h.header, h.signature).payloadCompressor : 'gzip';
    inProcess.push(comp === 'gzip' || comp === 'zstd' || comp === 'identity');
  }
  const r = prng(SEED);
  const rssBefore = process.memoryUsage().rss;
  let accepted = 0;
  let rejected = 0;
  const reasons = new Map<string, number>();
  for (let i = 0; i < ITERATIONS; i++) {
    const which = randInt(r, seeds.length);
    const input = mutate(seeds[which], r, headerEnds[which]);
    try {
      await exercise(input, inProcess[which] || i % 50 === 0);
      accepted++;
    } catch (e) {
      if (!(e instanceof RpmFormatError)) {
        assert.fail(`iteration ${i} (seed ${SEED}, fixture ${which}): ${(e as Error).stack}`);
      }
      assert.ok(e.message.length > 0 && !e.message.includes('\n'), `one-line message: ${e.message}`);
      rejected++;
      const key = e.message.replace(/[0-9a-f]{6,}|\d+/g, 'N').slice(0, 60);
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
  }
  const grown = process.memoryUsage().rss - rssBefore;
  assert.ok(grown < 512 * 1024 * 1024, `RSS grew by ${grown} bytes`);
  assert.equal(accepted + rejected, ITERATIONS);
  assert.ok(rejected > ITERATIONS / 10, 'mutations must actually break inputs');
  const top = [...reasons.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
  console.log(`fuzz: ${accepted} accepted, ${rejected} rejected; top reasons: ${top.map(([k, n]) => `${n}× ${k}`).join('; ')}`);
});

test('fuzz: dependency strings (rich deps, EVRs) from real packages, mutated', async () => {
  const corpus: string[] = [
    '(a and b)', '(a or (b if c else d))', '(foo >= 1.0 with foo < 2.0)', '(a unless b else c)', '(x without y)',
    '((a or b) and (c if d))', 'libfoo.so.1()(64bit)', '1:2.3~rc1^git4-5.fc43',
  ];
  for (const f of fixturePackages()) {
    const h = await parseRpmHeaders(readFileSync(f));
    const p = describePackage(h.header, h.signature);
    for (const list of Object.values(p.deps)) for (const d of list) corpus.push(d.name, d.version);
  }
  const alphabet = '()<>=! ,andorifelseunlesswithwithout~^:.-_+0123456789abcXYZ\t\u00e9\0';
  const r = prng(SEED + 1);
  const n = Math.max(1000, Math.floor(ITERATIONS / 2));
  let rejected = 0;
  for (let i = 0; i < n; i++) {
    let s = corpus[randInt(r, corpus.length)];
    for (let k = randInt(r, 4); k >= 0; k--) {
      const p = randInt(r, s.length + 1);
      const piece = r() < 0.5 ? alphabet[randInt(r, alphabet.length)] : corpus[randInt(r, corpus.length)].slice(0, 12);
      s = r() < 0.7 ? s.slice(0, p) + piece + s.slice(p) : s.slice(0, p) + s.slice(p + 1 + randInt(r, 4));
    }
    try {
      const ast = parseRichDep(s);
      formatRich(ast);
    } catch (e) {
      if (!(e instanceof RichDepError)) assert.fail(`rich dep ${JSON.stringify(s)}: ${(e as Error).stack}`);
      rejected++;
    }
    const other = corpus[randInt(r, corpus.length)];
    parseEvr(s);
    const c = rpmvercmp(s, other);
    assert.equal(c, -rpmvercmp(other, s) || 0, `antisymmetric: ${JSON.stringify([s, other])}`);
    compareEvr(s, other);
  }
  assert.ok(rejected > 0 && rejected < n);
});

test('fuzz: verifyPackage (digests + OpenPGP parsing) on mutated signed packages never throws', async () => {
  const { verifyPackage, readKeyring } = await import('../../src/rpm/index.ts');
  const { writeFileSync, mkdirSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { workDir, FIXTURES } = await import('../support/fixtures.ts');
  const keys = await readKeyring(
    ['rpm.org-rsa-2048-test.pub', 'rpm.org-ed25519-test.pub', 'rpm.org-v6-ed25519-test.asc'].map((k) => join(FIXTURES, 'rpm', 'keys', k)),
  );
  const signed = fixturePackages().filter((f) => /signed|v3sig|eddsa|rsa-0|v6-multiple/.test(f));
  const seeds = signed.map((f) => readFileSync(f));
  const dir = workDir('fuzz-verify');
  mkdirSync(dir, { recursive: true });
  const r = prng(SEED + 2);
  const n = Math.max(500, Math.floor(ITERATIONS / 10));
  let failed = 0;
  try {
    for (let i = 0; i < n; i++) {
      const which = randInt(r, seeds.length);
      const h = await parseRpmHeaders(seeds[which]);
      // Aim at the signature header, where the OpenPGP packets live.
      const input = mutate(seeds[which], r, h.headerOffset);
      const file = join(dir, `m${i % 8}.rpm`);
      writeFileSync(file, input);
      const res = await verifyPackage(file, keys);
      assert.ok(res.ok || res.error || res.checks.some((c) => c.status !== 'OK'), `iteration ${i}: not ok without a reason`);
      if (!res.ok) failed++;
      if (res.error) assert.ok(!res.error.includes('\n'), `one-line error: ${res.error}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(failed > n / 10);
});
