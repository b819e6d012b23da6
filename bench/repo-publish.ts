// bench/repo-publish: `strata repo publish` vs `createrepo_c --no-database`, side by side in one run,
// same packages, same compression (gz: Debian's createrepo_c 0.17 has no zstd), best of N rounds.
// Both are run as users run them: a fresh process each time (strata through bin/strata.js).
//
//   npm run bench:repo-publish                      # (a) 1,000 and 5,000 generated packages, (b) fixtures to ≥ 100 MB
//   npm run bench:repo-publish -- --rounds 5 --count 2000 --mb 200
//
// A third line times re-publishing the unchanged (a) repository with --update on both sides.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packRpm, readRpmFileHeaders } from '../src/rpm/index.ts';
import { fixturePackages } from '../test/support/fixtures.ts';
import { prng } from '../test/support/prng.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, count: { type: 'string', default: '1000,5000' }, mb: { type: 'string', default: '100' } },
});
const rounds = Number(values.rounds);
const work = join(import.meta.dirname, '.work', 'repo-publish');
const strataBin = join(import.meta.dirname, '..', 'bin', 'strata.js');

/** (a) Generated packages: a few files each, deps, changelog, like a small distro repo. */
async function generated(count: number): Promise<string> {
  const dir = join(work, `gen-${count}`);
  if (existsSync(join(dir, '.done'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rand = prng(42);
  const tree = join(work, 'gen-tree');
  for (let i = 0; i < count; i++) {
    rmSync(tree, { recursive: true, force: true });
    const name = `pkg${i}`;
    const files = 1 + Math.floor(rand() * 8);
    for (let f = 0; f < files; f++) {
      const sub = f === 0 ? 'usr/bin' : f % 3 === 0 ? `etc/${name}` : `usr/share/${name}`;
      mkdirSync(join(tree, sub), { recursive: true });
      writeFileSync(join(tree, sub, `f${f}`), randomBytes(256 + Math.floor(rand() * 8192)));
    }
    const requires = Array.from({ length: Math.floor(rand() * 6) }, () => `pkg${Math.floor(rand() * count)} >= 1.0`);
    await packRpm(
      {
        name,
        version: `1.${Math.floor(rand() * 20)}`,
        release: '1',
        arch: rand() < 0.5 ? 'noarch' : 'x86_64',
        summary: `Generated package ${i}`,
        description: `Package ${i} for the publish benchmark.`,
        license: 'MIT',
        root: tree,
        deps: { requires, provides: [`capability-${i} = 1`] },
        changelog: Array.from({ length: Math.floor(rand() * 12) }, (_, k) => ({
          date: 1700000000 - k * 86400,
          author: 'Bench <bench@example.com>',
          text: `- change ${k}`,
        })),
      },
      { outputDir: dir, compress: 'zstd', level: 3, sourceDateEpoch: 1700000000 },
    );
  }
  rmSync(tree, { recursive: true, force: true });
  writeFileSync(join(dir, '.done'), '');
  return dir;
}

/** (b) The fixture packages both tools read, hard-linked under new names until the total reaches `mb`. */
async function fixturesRepeated(mb: number): Promise<string> {
  const dir = join(work, `fixtures-${mb}mb`);
  if (existsSync(join(dir, '.done'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const usable: string[] = [];
  for (const f of fixturePackages()) {
    if (!f.endsWith('.rpm')) continue;
    const ok = await readRpmFileHeaders(f).then(() => true, () => false);
    if (ok) usable.push(f);
  }
  let total = 0;
  for (let copy = 0; total < mb * 1e6; copy++) {
    for (const f of usable) {
      linkSync(f, join(dir, `c${copy}-${f.split('/').pop()}`));
      total += statSync(f).size;
    }
  }
  writeFileSync(join(dir, '.done'), '');
  return dir;
}

function time(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

/**
 * CPU seconds (user + sys, all threads) of one more run, through GNU time when the machine has it:
 * on 2 cores it tells a tool that does more work from one that spreads its work less well.
 */
function cpuSeconds(cmd: string, args: string[]): number | undefined {
  if (!existsSync('/usr/bin/time')) return undefined;
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const m = /(\d+\.\d+) (\d+\.\d+)\s*$/.exec(r.stderr);
  return r.status === 0 && m ? Number(m[1]) + Number(m[2]) : undefined;
}

function compare(label: string, dir: string, update: boolean): void {
  const strataArgs = [strataBin, 'repo', 'publish', '-q', '--compress', 'gz', ...(update ? ['--update'] : []), dir];
  const crcArgs = ['--no-database', '-q', ...(update ? ['--update'] : []), dir];
  let best = { strata: Infinity, crc: Infinity };
  for (let i = 0; i < rounds; i++) {
    if (!update) rmSync(join(dir, 'repodata'), { recursive: true, force: true });
    const s = time(process.execPath, strataArgs);
    if (!update) rmSync(join(dir, 'repodata'), { recursive: true, force: true });
    const c = time('createrepo_c', crcArgs);
    best = { strata: Math.min(best.strata, s), crc: Math.min(best.crc, c) };
  }
  if (!update) rmSync(join(dir, 'repodata'), { recursive: true, force: true });
  const strataCpu = cpuSeconds(process.execPath, strataArgs);
  if (!update) rmSync(join(dir, 'repodata'), { recursive: true, force: true });
  const crcCpu = cpuSeconds('createrepo_c', crcArgs);
  const n = readdirSync(dir).filter((f) => f.endsWith('.rpm')).length;
  const mb = readdirSync(dir)
    .filter((f) => f.endsWith('.rpm'))
    .reduce((s, f) => s + statSync(join(dir, f)).size, 0) / 1e6;
  console.log(`${label}: ${n} packages, ${mb.toFixed(0)} MB, best of ${rounds}`);
  console.log(`  strata repo publish --compress gz${update ? ' --update' : ''}: ${best.strata.toFixed(0)} ms`);
  console.log(`  createrepo_c --no-database${update ? ' --update' : ''}:       ${best.crc.toFixed(0)} ms`);
  console.log(`  ratio strata/createrepo_c: ${(best.strata / best.crc).toFixed(2)} (${best.strata <= best.crc ? 'strata at least as fast' : 'createrepo_c faster'})`);
  if (strataCpu !== undefined && crcCpu !== undefined) {
    console.log(`  CPU (user+sys, one more run): strata ${strataCpu.toFixed(2)} s, createrepo_c ${crcCpu.toFixed(2)} s`);
  }
}

const counts = values.count.split(',').map(Number);
const gen = [];
for (const n of counts) gen.push(await generated(n));
const b = await fixturesRepeated(Number(values.mb));
for (const a of gen) compare('(a) generated', a, false);
compare('(b) fixtures repeated', b, false);
const a = gen[0];
// Leave (a) published by strata so both --update runs start from metadata that matches the files.
time(process.execPath, [strataBin, 'repo', 'publish', '-q', '--compress', 'gz', a]);
compare('(c) unchanged (a) again', a, true);
