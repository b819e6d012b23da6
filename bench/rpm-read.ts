// bench/rpm-read: read headers + verify digests of every package in a corpus, Strata vs `rpmkeys -K`,
// side by side in one run, best of N rounds each. Prints both times and the ratio.
//
//   npm run bench:rpm-read                    # the test corpus (233 rpmbuild packages) + fixtures
//   npm run bench:rpm-read -- --dir DIR       # every *.rpm under DIR (e.g. a mirror of a real repo)
//   npm run bench:rpm-read -- --rounds 5 --repeat 4
//
// A second part packs 12 packages of 30 MB (incompressible, payload stored) into bench/.work and
// verifies them with `verifyPackages` (worker threads on every core) against one `rpmkeys -K` run.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packRpm, verifyPackage, verifyPackages } from '../src/rpm/index.ts';
import { buildCorpus } from '../test/support/corpus.ts';
import { fixturePackages } from '../test/support/fixtures.ts';

const { values } = parseArgs({
  options: { dir: { type: 'string' }, rounds: { type: 'string', default: '3' }, repeat: { type: 'string', default: '3' } },
});

function rpmsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...rpmsUnder(p));
    else if (e.name.endsWith('.rpm')) out.push(p);
  }
  return out.sort();
}

const base = values.dir ? rpmsUnder(values.dir) : [...(await buildCorpus()), ...fixturePackages()];
// The corpus is small; repeating the list makes each round long enough to time without changing
// what each tool does per package (both see the same files, equally cached).
const files = Array.from({ length: Number(values.repeat) }, () => base).flat();
const bytes = base.reduce((n, f) => n + statSync(f).size, 0) * Number(values.repeat);

async function strataRound(): Promise<{ ms: number; ok: number }> {
  const t0 = performance.now();
  let ok = 0;
  // verifyPackage reads and validates lead, signature header and header, then checks every digest
  // (header SHA256/SHA1, payload SHA256, MD5) in one pass: the work `rpmkeys -K --nosignature` does.
  for (const f of files) {
    const r = await verifyPackage(f, undefined, { noSignature: true });
    if (r.ok) ok++;
  }
  return { ms: performance.now() - t0, ok };
}

function rpmRound(list = files): { ms: number; ok: number } {
  const t0 = performance.now();
  const r = spawnSync('rpmkeys', ['-K', '--nosignature', ...list], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    env: { ...process.env, HOME: '/nonexistent' },
  });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  const ok = r.stdout.split('\n').filter((l) => l.endsWith(' OK') && !l.endsWith(' NOT OK')).length;
  return { ms, ok };
}

const rounds = Number(values.rounds);
let best = { strata: Infinity, rpm: Infinity };
let okCounts = { strata: 0, rpm: 0 };
for (let i = 0; i < rounds; i++) {
  const s = await strataRound();
  const r = rpmRound();
  best = { strata: Math.min(best.strata, s.ms), rpm: Math.min(best.rpm, r.ms) };
  okCounts = { strata: s.ok, rpm: r.ok };
}
const mb = bytes / 1e6;
console.log(`corpus: ${base.length} packages × ${values.repeat} = ${files.length} reads, ${mb.toFixed(1)} MB; best of ${rounds} rounds`);
console.log(`strata  (headers + digests):         ${best.strata.toFixed(0)} ms  ${((files.length / best.strata) * 1000).toFixed(0)} pkg/s  (${okCounts.strata} OK)`);
console.log(`rpmkeys -K --nosignature:            ${best.rpm.toFixed(0)} ms  ${((files.length / best.rpm) * 1000).toFixed(0)} pkg/s  (${okCounts.rpm} OK)`);
console.log(`ratio rpmkeys/strata: ${(best.rpm / best.strata).toFixed(2)}× (${best.rpm > best.strata ? 'strata faster' : 'rpmkeys faster'})`);

// Part 2: large packages, where hashing dominates and Strata spreads it over the cores.
const bigDir = join(import.meta.dirname, '.work', 'big');
const bigRpms = join(bigDir, 'rpms');
if (!existsSync(join(bigRpms, 'big12-1-1.noarch.rpm'))) {
  mkdirSync(join(bigDir, 'tree', 'usr', 'share', 'big'), { recursive: true });
  mkdirSync(bigRpms, { recursive: true });
  writeFileSync(join(bigDir, 'tree', 'usr', 'share', 'big', 'blob'), randomBytes(30 << 20));
  for (let i = 1; i <= 12; i++) {
    await packRpm(
      { name: `big${i}`, version: '1', summary: 'bench payload', license: 'MIT', root: join(bigDir, 'tree') },
      { outputDir: bigRpms, compress: 'none', sourceDateEpoch: 0 },
    );
  }
}
const bigFiles = rpmsUnder(bigRpms);
const bigMb = bigFiles.reduce((n, f) => n + statSync(f).size, 0) / 1e6;
let bigBest = { strata: Infinity, rpm: Infinity };
for (let i = 0; i < rounds; i++) {
  const t0 = performance.now();
  const res = await verifyPackages(bigFiles, undefined, { noSignature: true });
  const ms = performance.now() - t0;
  if (res.some((r) => !r.ok)) throw new Error('large package failed verification');
  bigBest = { strata: Math.min(bigBest.strata, ms), rpm: Math.min(bigBest.rpm, rpmRound(bigFiles).ms) };
}
console.log(`\nlarge: ${bigFiles.length} packages, ${bigMb.toFixed(0)} MB; best of ${rounds} rounds`);
console.log(`strata  (verifyPackages, all cores): ${bigBest.strata.toFixed(0)} ms  ${(bigMb / (bigBest.strata / 1000)).toFixed(0)} MB/s`);
console.log(`rpmkeys -K --nosignature:            ${bigBest.rpm.toFixed(0)} ms  ${(bigMb / (bigBest.rpm / 1000)).toFixed(0)} MB/s`);
console.log(`ratio rpmkeys/strata: ${(bigBest.rpm / bigBest.strata).toFixed(2)}× (${bigBest.rpm > bigBest.strata ? 'strata faster' : 'rpmkeys faster'})`);
