// bench/spec-parse: parse + print every spec of the Azure Linux 4.0 corpus (7,611 rendered specs in
// ../shared/fixtures/azurelinux-4.0/specs.tar.zst), best of N rounds, checking each prints back
// byte-identical. The bar is < 10 s for the whole corpus.
//
// There is no tool doing the same job (a lossless parse without macro expansion), so as a reference
// point it also times `rpmspec --parse` (which expands macros) on a random sample of the specs, one
// process per spec as a tool would run it, and extrapolates that to the corpus.
//
//   npm run bench:spec-parse
//   npm run bench:spec-parse -- --rounds 5 --sample 500      (--sample 0 skips rpmspec)
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSpec, printSpec } from '../src/spec/index.ts';
import { prng, randInt } from '../test/support/prng.ts';
import { SPEC_CORPUS, hasSpecCorpus, readSpecCorpus } from '../test/spec/corpus.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, sample: { type: 'string', default: '200' } } });
if (!hasSpecCorpus()) {
  console.error(`bench:spec-parse: ${SPEC_CORPUS} not found (the shared fixtures are needed)`);
  process.exit(1);
}

let t0 = performance.now();
const files = readSpecCorpus().filter((f) => f.path.endsWith('.spec'));
const readMs = performance.now() - t0;
t0 = performance.now();
const texts = files.map((f) => f.bytes.toString('utf8'));
const decodeMs = performance.now() - t0;
const mb = files.reduce((n, f) => n + f.bytes.length, 0) / 1e6;

const rounds = Number(values.rounds);
let best = { parse: Infinity, print: Infinity, total: Infinity };
let lines = 0;
for (let round = 0; round < rounds; round++) {
  let parseMs = 0;
  let printMs = 0;
  lines = 0;
  for (const text of texts) {
    const a = performance.now();
    const spec = parseSpec(text);
    const b = performance.now();
    const out = printSpec(spec);
    printMs += performance.now() - b;
    parseMs += b - a;
    lines += spec.lines.length;
    if (out !== text) throw new Error('a spec did not print back identically');
  }
  best = { parse: Math.min(best.parse, parseMs), print: Math.min(best.print, printMs), total: Math.min(best.total, parseMs + printMs) };
}

const ms = (n: number): string => `${n.toFixed(0).padStart(6)} ms`;
console.log(`corpus: ${files.length} specs, ${mb.toFixed(1)} MB, ${(lines / 1e6).toFixed(2)} M lines; best of ${rounds} rounds`);
console.log(`read archive (zstd + untar, once): ${ms(readMs)}`);
console.log(`decode UTF-8 (once):               ${ms(decodeMs)}`);
console.log(`strata parseSpec:                  ${ms(best.parse)}  ${(mb / (best.parse / 1000)).toFixed(0)} MB/s`);
console.log(`strata printSpec:                  ${ms(best.print)}`);
console.log(`strata parse + print:              ${ms(best.total)}  (${best.total < 10000 ? 'within' : 'OVER'} the 10 s bar)`);

const sample = Number(values.sample);
if (sample > 0) {
  const dir = join(import.meta.dirname, '.work', 'spec-sample');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = prng(0x5bec);
  const picked = Array.from({ length: Math.min(sample, files.length) }, () => files[randInt(r, files.length)]);
  const paths = picked.map((f, i) => {
    const p = join(dir, `${i}-${basename(f.path)}`);
    writeFileSync(p, f.bytes);
    return p;
  });
  let ok = 0;
  const t = performance.now();
  for (const p of paths) {
    const res = spawnSync('rpmspec', ['--parse', '--define', `_sourcedir ${dir}`, p], { stdio: ['ignore', 'ignore', 'ignore'] });
    if (res.error) {
      console.log(`rpmspec not runnable (${res.error.message}); no reference timing`);
      process.exit(0);
    }
    if (res.status === 0) ok++;
  }
  const rpmMs = performance.now() - t;
  const sampleMb = picked.reduce((n, f) => n + f.bytes.length, 0) / 1e6;
  const perSpec = rpmMs / paths.length;
  console.log(
    `\nrpmspec --parse, ${paths.length} random specs (${sampleMb.toFixed(1)} MB, ${ok} parsed, the rest need sidecar files): ` +
      `${ms(rpmMs)}  ${perSpec.toFixed(1)} ms/spec`,
  );
  console.log(`  extrapolated to the corpus:       ${ms(perSpec * files.length)}  (it also expands macros: a reference point, not a like-for-like race)`);
  console.log(`  strata per spec (parse + print):  ${(best.total / files.length).toFixed(3)} ms/spec, ${((perSpec * files.length) / best.total).toFixed(0)}× less time`);
}
