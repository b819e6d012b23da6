// bench/image-compose: composing the same image root with Strata (composeRoot) and with
// `dnf --installroot … install`, side by side in one run, from the same signed repository (both
// check the repository and every package signature), best of N rounds, each into a fresh root.
//
//   npm run bench:image-compose                        # 300 generated packages, best of 3
//   npm run bench:image-compose -- --count 600 --rounds 5
//
// Needs root (both installers chown, set capabilities and chroot for scriptlets), dnf and rpm.
// Creating thousands of files is disk-bound on a busy machine; --root-dir /dev/shm/bench puts
// both tools' roots on tmpfs to compare the installers rather than the disk.
// The repository (cached under bench/.work/image-compose/) holds a filesystem package with the
// /bin → usr/bin symlinks, a static busybox shell (so scriptlets run), and generated packages with
// 5–30 files each (text of 0.2–40 KiB, an executable, symlinks), requires on earlier packages, and
// a %post in one package of twenty; a meta package requires them all. Payloads are zstd level 19,
// as Fedora builds them. Both trees are checked to list the same packages at the end.
//
// Timed (wall clock of a fresh process each):
//   dnf     dnf -y -c CONF --installroot=ROOT --releasever=1 install bench-all   (metadata cache
//           inside the fresh root: cold each round, as an image build is)
//   strata  node bench/image-compose.ts --child ROOT (composeRoot, cold pool cache)

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { composeRoot, openRepositories } from '../src/image/install/index.ts';
import { publishRepository } from '../src/repo/publish/index.ts';
import { repoConfigFromLocation } from '../src/repo/source/repo-file.ts';
import { packRpm, type PackSpec } from '../src/rpm/index.ts';
import { EPOCH, KEY, PUB, fixtureSpecs } from '../test/image/install/fixture-repo.ts';
import { prng, randInt } from '../test/support/prng.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '3' },
    seed: { type: 'string', default: '11' },
    child: { type: 'string' },
    repo: { type: 'string' },
    'root-dir': { type: 'string' },
  },
});

const here = import.meta.dirname;
const WORDS = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau'.split(' ');

// ---- child: one Strata compose (timed by the parent as a whole process) ----------------------
if (values.child) {
  const root = values.child;
  const repo = values.repo!;
  const t0 = performance.now();
  const repos = await openRepositories([repoConfigFromLocation(repo)], { keyFiles: [PUB], cacheDir: `${root}.cache` });
  const r = await composeRoot({ root, packages: ['bench-all'], repos, keyFiles: [PUB], sourceDateEpoch: EPOCH });
  console.log(JSON.stringify({ packages: r.packages.length, timings: r.timings, open: Math.round(performance.now() - t0 - Object.values(r.timings).reduce((a, b) => a + b, 0)) }));
  process.exit(0);
}

const count = Number(values.count);
const rounds = Math.max(1, Number(values.rounds));
const seed = Number(values.seed);
if (!Number.isInteger(count) || count < 10) throw new Error('--count: at least 10 packages');
if (process.getuid?.() !== 0) throw new Error('bench:image-compose needs root (both installers chown, set capabilities and chroot)');
for (const tool of ['dnf', 'rpm', 'chroot']) if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} not found`);

const work = join(here, '.work', 'image-compose', `${count}-${seed}`);
const repo = join(work, 'repo');
const roots = values['root-dir'] ?? work;

function text(r: () => number, size: number): string {
  let s = '';
  while (s.length < size) s += `${WORDS[randInt(r, WORDS.length)]}${randInt(r, 1000)}${r() < 0.1 ? '\n' : ' '}`;
  return s.slice(0, size);
}

async function generate(): Promise<void> {
  if (existsSync(join(work, '.done'))) return;
  rmSync(work, { recursive: true, force: true });
  const pkgDir = join(repo, 'Packages');
  mkdirSync(pkgDir, { recursive: true });
  const t0 = performance.now();
  const specs: PackSpec[] = fixtureSpecs(join(work, 'fx')).filter((s) => s.name === 'filesystem' || s.name === 'bbsh');
  const r = prng(seed);
  const names: string[] = [];
  for (let i = 0; i < count - 3; i++) {
    const name = `bench-pkg${String(i).padStart(4, '0')}`;
    const tree = join(work, 'trees', name);
    mkdirSync(join(tree, 'usr/share', name), { recursive: true });
    mkdirSync(join(tree, 'usr/bin'), { recursive: true });
    const nfiles = 5 + randInt(r, 26);
    for (let j = 0; j < nfiles; j++) writeFileSync(join(tree, 'usr/share', name, `f${j}.txt`), text(r, 200 + randInt(r, 40 * 1024)));
    writeFileSync(join(tree, 'usr/bin', name), `#!/bin/sh\necho ${name}\n`);
    symlinkSync('f0.txt', join(tree, 'usr/share', name, 'latest'));
    const requires: PackSpec['deps'] = { requires: ['filesystem', ...Array.from({ length: Math.min(i, randInt(r, 4)) }, () => names[randInt(r, names.length)])] };
    const spec: PackSpec = { name, version: `1.${i % 7}`, release: '1', license: 'MIT', summary: `Bench package ${i}`, root: tree, deps: requires, files: { [`/usr/bin/${name}`]: { mode: '0755' } } };
    if (i % 20 === 7) {
      spec.scripts = { post: `echo ${name} >> /var/lib/bench-post.log\n` };
      requires.requires!.push({ dep: '/bin/sh', when: ['post'] });
    }
    specs.push(spec);
    names.push(name);
  }
  const metaTree = join(work, 'trees', 'bench-all');
  mkdirSync(join(metaTree, 'usr/share/bench-all'), { recursive: true });
  writeFileSync(join(metaTree, 'usr/share/bench-all/README'), 'all\n');
  specs.push({ name: 'bench-all', version: '1', license: 'MIT', summary: 'Everything', root: metaTree, deps: { requires: names } });
  for (const s of specs) await packRpm(s, { outputDir: pkgDir, sourceDateEpoch: EPOCH, compress: 'zstd', level: 19 });
  await publishRepository(repo, { signingKey: { armored: readFileSync(KEY, 'utf8') }, signPackages: true, sourceDateEpoch: EPOCH });
  rmSync(join(work, 'trees'), { recursive: true, force: true });
  rmSync(join(work, 'fx'), { recursive: true, force: true });
  writeFileSync(join(work, '.done'), '');
  console.log(`generated ${specs.length} packages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function timed(cmd: string, args: string[], env?: NodeJS.ProcessEnv): { ms: number; code: number; out: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, env: env ?? process.env });
  return { ms: performance.now() - t0, code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function dnfRound(k: number): { ms: number; root: string } {
  const d = join(work, 'dnf');
  mkdirSync(join(d, 'home'), { recursive: true });
  mkdirSync(join(d, 'repos'), { recursive: true });
  writeFileSync(join(d, 'home', '.rpmmacros'), '%_dbpath /usr/lib/sysimage/rpm\n');
  writeFileSync(join(d, 'repos', 'bench.repo'), `[bench]\nname=bench\nbaseurl=file://${repo}\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=file://${PUB}\nmetadata_expire=0\n`);
  writeFileSync(join(d, 'dnf.conf'), `[main]\ngpgcheck=1\nreposdir=${join(d, 'repos')}\ncachedir=/var/cache/dnf\n`);
  const root = join(roots, 'dnf', `root-${k}`);
  rmSync(root, { recursive: true, force: true });
  const r = timed('dnf', ['-y', '-q', '-c', join(d, 'dnf.conf'), `--installroot=${root}`, '--releasever=1', 'install', 'bench-all'], {
    ...process.env,
    HOME: join(d, 'home'),
    LC_ALL: 'C.UTF-8',
  });
  if (r.code !== 0) throw new Error(`dnf failed:\n${r.out.slice(-2000)}`);
  return { ms: r.ms, root };
}

function strataRound(k: number): { ms: number; root: string; detail: string } {
  const root = join(roots, 'strata', `root-${k}`);
  rmSync(root, { recursive: true, force: true });
  rmSync(`${root}.cache`, { recursive: true, force: true });
  mkdirSync(join(roots, 'strata'), { recursive: true });
  const r = timed(process.execPath, [join(here, 'image-compose.ts'), '--child', root, '--repo', repo]);
  if (r.code !== 0) throw new Error(`strata failed:\n${r.out.slice(-2000)}`);
  return { ms: r.ms, root, detail: r.out.trim().split('\n').pop() ?? '' };
}

function qa(root: string): string[] {
  const r = spawnSync('rpm', ['--root', root, '--dbpath', '/usr/lib/sysimage/rpm', '-qa'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l && !l.startsWith('gpg-pubkey')).sort();
}

await generate();
const dnfMs: number[] = [];
const strataMs: number[] = [];
let last = { dnf: '', strata: '', detail: '' };
for (let k = 0; k < rounds; k++) {
  const d = dnfRound(k);
  const s = strataRound(k);
  dnfMs.push(d.ms);
  strataMs.push(s.ms);
  if (k > 0) {
    rmSync(last.dnf, { recursive: true, force: true });
    rmSync(last.strata, { recursive: true, force: true });
  }
  last = { dnf: d.root, strata: s.root, detail: s.detail };
}
const same = JSON.stringify(qa(last.dnf)) === JSON.stringify(qa(last.strata));
const best = (a: number[]): number => Math.min(...a);
const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
console.log(`\nimage compose: ${count} packages (${qa(last.strata).length} installed), best of ${rounds}`);
console.log(`  ${'tool'.padEnd(8)} ${'best'.padStart(9)} ${'median'.padStart(9)}`);
console.log(`  ${'dnf'.padEnd(8)} ${fmt(best(dnfMs)).padStart(9)} ${fmt(med(dnfMs)).padStart(9)}`);
console.log(`  ${'strata'.padEnd(8)} ${fmt(best(strataMs)).padStart(9)} ${fmt(med(strataMs)).padStart(9)}   ${last.detail}`);
console.log(`  ratio dnf/strata (best): ${(best(dnfMs) / best(strataMs)).toFixed(2)}x${best(strataMs) < best(dnfMs) ? ' (Strata faster)' : ' (dnf faster)'}`);
console.log(`  same package set in both roots: ${same ? 'yes' : 'NO'}`);
rmSync(last.dnf, { recursive: true, force: true });
rmSync(last.strata, { recursive: true, force: true });
rmSync(`${last.strata}.cache`, { recursive: true, force: true });
if (!same) process.exit(1);
