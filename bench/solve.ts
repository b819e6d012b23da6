// bench/solve: Strata's dependency solver vs dnf (end to end) and libsolv's testsolv (solve only),
// side by side in one run, on a generated Fedora-shaped repository.
//
//   npm run bench:solve                              # 65,000 packages, best of 3
//   npm run bench:solve -- --count 80000 --rounds 5 --compress gz
//
// The repository (bench/solve/generate.ts, seeded, cached under bench/.work/solve/) has a base set
// (glibc, bash, coreutils, systemd, perl, python3, …) everything ends up depending on, C libraries
// with -devel/-doc/-tools and i686 multilib, applications with -libs/-devel/-doc/-common, perl(…),
// python3dist(…), golang(…), crate(…), tex(…) and font(…) packages; sonames, pkgconfig(…) and
// versioned provides; versioned (>=, = EVR) requires, file requires (/bin/sh, /usr/bin/*, a few
// /usr/libexec paths only filelists.xml lists), rich deps (if, or, with, and), Requires(post),
// recommends/suggests/supplements/enhances, conflicts, obsoletes, renamed packages, alternative
// providers that conflict with each other, and some packages in 2-3 versions. Metadata is written
// by Strata's rpm-md writer (the records `strata repo publish` renders), no .rpm files.
//
// Jobs:
//   (a) install: a fixed 400-name "server set" into an empty root.
//   (b) distro-sync: an installed system — the old generation of the repository with the server set
//       installed (libsolv computes that set: testsolv on the old repository) — synced to the new
//       repository. The installed packages are real tiny RPMs (bench/solve/installed.ts) registered
//       with `rpm --root R --justdb`, so dnf and Strata read a real rpmdb (sqlite, at
//       /usr/lib/sysimage/rpm inside the root; var/lib/rpm links to it as on Fedora); testsolv reads
//       the same rpmdb as a .solv made by rpmdb2solv. The installed set is built once (cached).
//
// First run (65,000 packages, 2 cores): ~30 s to generate and write both generations, ~50 s for
// repo2solv -F (libsolv's filelists import), ~2.5 min for the installed set (old.solv, ~2,100
// tiny RPMs, rpm --justdb); all cached under bench/.work/solve/ (keyed by count, seed, compression
// and the generator's source). Later runs only time the tools (~1 min, mostly dnf's cold runs).
//
// Tools and what is timed (wall clock of a fresh process, best of --rounds):
//   dnf      dnf -c CONF --installroot=ROOT --setopt=reposdir=DIR --releasever=1 --assumeno
//            --setopt=install_weak_deps=True --setopt=gpgcheck=0 --setopt=repo_gpgcheck=0
//            install NAMES… | distro-sync
//            End to end: start-up, metadata, solving, transaction summary. dnf caches a .solv of
//            the repository (and of the rpmdb) on first load: the first run is reported as "cold",
//            the timed runs are warm. dnf exits 1 when it declines (--assumeno); its
//            "Install N Packages" (Upgrade/Remove/Downgrade…) summary lines are the result.
//   testsolv testsolv -r CASE.t, where the case reads available.solv (repo2solv -F of the same
//            repository: primary + filelists) and, for (b), system.solv (rpmdb2solv of the root).
//            Reading .solv files is part of its time (they load in milliseconds).
//   strata   node bin/strata.js solve install --repo DIR --nogpgcheck --installroot EMPTY
//            --assumeno -o json NAMES…   and   … solve distro-sync --installroot ROOT …
//
// What the strata side must print for the table to fill in (stdout, -o json, exit 0 even though
// --assumeno declines, or any exit code as long as the JSON is printed):
//   { "timings": { "load": <ms>, "solve": <ms> },            // optional but wanted
//     "transaction": [ { "action": "install" | "upgrade" | "downgrade" | "erase" | "obsolete" | …,
//                        "nevra": "…" }, … ] }
// Also accepted: top-level arrays per action ({"install": [...], "upgrade": [...], …}) or counts
// ({"summary": {"install": N, …}}). If strata exits non-zero without JSON, the table shows
// "strata: not available (<first line of stderr>)" and the other tools still run.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { MetadataCompression } from '../src/repo/compression.ts';
import type { RepoPackage } from '../src/repo/model.ts';
import { generateUniverse, Renderer } from './solve/generate.ts';
import { DBPATH, buildInstalledRoot, rpmHome } from './solve/installed.ts';
import { writeRepo } from './solve/repo.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '65000' },
    rounds: { type: 'string', default: '3' },
    compress: { type: 'string', default: 'zstd' },
    seed: { type: 'string', default: '7' },
  },
});
const count = Number(values.count);
const rounds = Math.max(1, Number(values.rounds));
const seed = Number(values.seed);
const compression = values.compress as MetadataCompression;
if (!Number.isInteger(count) || count < 1000) throw new Error('--count: at least 1000 packages');

const here = import.meta.dirname;
const strataBin = join(here, '..', 'bin', 'strata.js');
// The cache key covers the generator's source, so editing it regenerates everything.
const genHash = createHash('sha256')
  .update(readFileSync(join(here, 'solve', 'generate.ts')))
  .update(readFileSync(join(here, 'solve', 'installed.ts')))
  .digest('hex')
  .slice(0, 10);
const work = join(here, '.work', 'solve', `${count}-${seed}-${compression}-${genHash}`);
const newRepo = join(work, 'repo-new');
const oldRepo = join(work, 'repo-old');
const installedRoot = join(work, 'installed-root');
// Caches of earlier generator versions for the same parameters are stale: drop them.
const cacheRoot = join(here, '.work', 'solve');
if (existsSync(cacheRoot)) {
  for (const d of readdirSync(cacheRoot)) {
    if (d.startsWith(`${count}-${seed}-${compression}-`) && join(cacheRoot, d) !== work) rmSync(join(cacheRoot, d), { recursive: true, force: true });
  }
}
const home = rpmHome(work);

function need(tool: string, hint: string): void {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} not found: ${hint}`);
}
need('dnf', 'apt-get install -y dnf');
need('rpm', 'apt-get install -y rpm');
for (const t of ['testsolv', 'repo2solv', 'rpmdb2solv']) need(t, 'apt-get install -y libsolv-tools');

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20, env: opts.env ?? process.env, ...(opts.input !== undefined ? { input: opts.input } : {}) });
  return { ms: performance.now() - t0, code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
}

function step(label: string): () => void {
  const t0 = performance.now();
  process.stdout.write(`${label} … `);
  return () => console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

// ---- 1. repositories ------------------------------------------------------------------------
interface Prepared {
  serverSet: string[];
  stats: Record<string, number>;
}

async function prepareRepos(): Promise<Prepared> {
  const marker = join(work, 'repos.json');
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8')) as Prepared;
  mkdirSync(work, { recursive: true });
  let done = step(`generating a ${count.toLocaleString('en')}-package repository (seed ${seed})`);
  const u = generateUniverse(count, seed);
  const fresh = new Renderer(u.units, 'new');
  const old = new Renderer(u.units, 'old');
  const byLocation = (a: RepoPackage, b: RepoPackage): number => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0);
  const newPkgs = u.units.flatMap((x) => fresh.records(x)).sort(byLocation);
  const oldPkgs = u.units.flatMap((x) => old.records(x)).sort(byLocation);
  done();
  done = step(`writing rpm-md (${compression}): new and old generation`);
  await writeRepo(newRepo, newPkgs, compression, 1760000000);
  await writeRepo(oldRepo, oldPkgs, compression, 1750000000);
  done();
  const stats: Record<string, number> = { packages: newPkgs.length, oldPackages: oldPkgs.length };
  const kinds = ['provides', 'requires', 'conflicts', 'obsoletes', 'recommends', 'suggests', 'supplements', 'enhances'] as const;
  for (const k of kinds) stats[k] = newPkgs.reduce((s, p) => s + p.deps[k].length, 0) / newPkgs.length;
  const reqs = newPkgs.flatMap((p) => p.deps.requires);
  stats.fileRequires = reqs.filter((d) => d.name.startsWith('/')).length;
  stats.pkgsWithFileRequires = newPkgs.filter((p) => p.deps.requires.some((d) => d.name.startsWith('/'))).length;
  stats.richDeps = newPkgs.reduce((s, p) => s + kinds.reduce((t, k) => t + p.deps[k].filter((d) => d.name.startsWith('(')).length, 0), 0);
  stats.pkgsWithRichDeps = newPkgs.filter((p) => kinds.some((k) => p.deps[k].some((d) => d.name.startsWith('(')))).length;
  stats.versionedRequires = reqs.filter((d) => d.flags).length;
  stats.sonameProvides = newPkgs.reduce((s, p) => s + p.deps.provides.filter((d) => d.name.includes('.so.')).length, 0) / newPkgs.length;
  stats.files = newPkgs.reduce((s, p) => s + p.files.length, 0) / newPkgs.length;
  for (const a of ['x86_64', 'noarch', 'i686']) stats[a] = newPkgs.filter((p) => p.arch === a).length;
  stats.subpackages = newPkgs.filter((p) => /-(devel|libs|doc)$/.test(p.name)).length;
  const names = new Map<string, number>();
  for (const p of newPkgs) names.set(`${p.name}.${p.arch}`, (names.get(`${p.name}.${p.arch}`) ?? 0) + 1);
  stats.multiVersion = [...names.values()].filter((n) => n > 1).length;
  const prepared: Prepared = { serverSet: u.serverSet, stats };
  writeFileSync(marker, JSON.stringify(prepared));
  return prepared;
}

// ---- 2. libsolv side: .solv files and testcases ---------------------------------------------
function solvOf(repo: string, out: string): void {
  if (existsSync(out)) return;
  const r = run('repo2solv', ['-F', '-o', `${out}.tmp`, repo]);
  if (r.code !== 0) throw new Error(`repo2solv ${repo}: ${r.stderr.trim()}`);
  cpSync(`${out}.tmp`, out);
  rmSync(`${out}.tmp`);
}

function testcase(name: string, system: string | undefined, jobs: string[]): string {
  const lines = [
    ...(system ? [`repo system 0 solv ${system}`] : []),
    'repo available 0 solv available.solv',
    `system x86_64 rpm${system ? ' system' : ''}`,
    ...jobs,
    '',
  ];
  const path = join(work, name);
  writeFileSync(path, lines.join('\n'));
  return path;
}

interface Counts {
  [action: string]: number;
}
/** Packages coming in: what each tool would download and install (obsoleted/erased ones are not). */
const incoming = (c: Counts): number =>
  ['install', 'upgrade', 'downgrade', 'reinstall', 'change'].reduce((s, a) => s + (c[a] ?? 0), 0);
const showCounts = (c: Counts | undefined): string =>
  c ? Object.entries(c).filter(([, n]) => n).map(([a, n]) => `${a} ${n}`).join(', ') || 'nothing' : '-';

/** testsolv -r prints one line per transaction element ("install N@repo", "upgrade OLD NEW", …). */
function testsolvCounts(out: string): { counts: Counts; problems: string[]; installs: string[] } {
  const counts: Counts = {};
  const problems: string[] = [];
  const installs: string[] = [];
  for (const line of out.split('\n')) {
    const [action, a, b] = line.trim().split(/\s+/);
    if (!action) continue;
    if (action.startsWith('problem')) problems.push(line);
    else counts[action] = (counts[action] ?? 0) + 1;
    if (action === 'install') installs.push(a.replace(/@available$/, ''));
    void b;
  }
  return { counts, problems, installs };
}

// ---- 3. the installed system ----------------------------------------------------------------
async function prepareInstalled(serverSet: string[]): Promise<number> {
  const marker = join(work, 'installed.json');
  if (existsSync(marker)) return (JSON.parse(readFileSync(marker, 'utf8')) as { count: number }).count;
  const done = step('installed system: server set from the old repository (testsolv), as tiny RPMs in an rpmdb');
  solvOf(oldRepo, join(work, 'old.solv'));
  const tc = join(work, 'old-install.t');
  writeFileSync(tc, ['repo available 0 solv old.solv', 'system x86_64 rpm', ...serverSet.map((n) => `job install name ${n}`), ''].join('\n'));
  const r = run('testsolv', ['-r', tc]);
  const res = testsolvCounts(r.stdout);
  if (r.code !== 0 || res.problems.length) throw new Error(`testsolv on the old repository: ${r.stderr.trim() || res.problems.slice(0, 3).join(' | ')}`);
  const wanted = new Set(res.installs);
  // The old generation's records, read back the way the benchmark generated them.
  const u = generateUniverse(count, seed);
  const old = new Renderer(u.units, 'old');
  const pkgs = u.units.flatMap((x) => old.records(x)).filter((p) => wanted.has(`${p.name}-${p.epoch !== '0' ? `${p.epoch}:` : ''}${p.version}-${p.release}.${p.arch}`));
  if (pkgs.length !== wanted.size) throw new Error(`internal: ${wanted.size} packages to install, ${pkgs.length} records found`);
  await buildInstalledRoot(work, pkgs, installedRoot);
  const solv = run('rpmdb2solv', ['-r', installedRoot, '-o', join(work, 'system.solv')], { env: { ...process.env, HOME: home } });
  if (solv.code !== 0) throw new Error(`rpmdb2solv: ${solv.stderr.trim()}`);
  writeFileSync(marker, JSON.stringify({ count: pkgs.length }));
  done();
  return pkgs.length;
}

// ---- 4. the tools ---------------------------------------------------------------------------
interface Measured {
  ms?: number;
  coldMs?: number;
  counts?: Counts;
  load?: number;
  solve?: number;
  error?: string;
}

function best<T extends { ms: number }>(runs: T[]): T {
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
}

function dnfSetup(name: string): { conf: string; reposdir: string } {
  const d = join(work, 'dnf', name);
  const reposdir = join(d, 'repos');
  mkdirSync(reposdir, { recursive: true });
  writeFileSync(join(reposdir, 'bench.repo'), `[bench]\nname=Generated ${count}\nbaseurl=file://${newRepo}\nenabled=1\ngpgcheck=0\nrepo_gpgcheck=0\n`);
  const conf = join(d, 'dnf.conf');
  writeFileSync(conf, `[main]\ngpgcheck=0\nrepo_gpgcheck=0\ninstall_weak_deps=True\nreposdir=${reposdir}\nplugins=0\n`);
  return { conf, reposdir };
}

/** dnf's transaction summary: "Install  1234 Packages", "Upgrade 5 Packages", … */
function dnfCounts(out: string): Counts | undefined {
  const counts: Counts = {};
  let any = false;
  for (const m of out.matchAll(/^(Install|Upgrade|Remove|Downgrade|Reinstall|Skip)\s+(\d+)\s+Packages?\s*$/gm)) {
    counts[m[1].toLowerCase()] = Number(m[2]);
    any = true;
  }
  if (!any && /^Nothing to do\./m.test(out)) return {};
  return any ? counts : undefined;
}

function timeDnf(name: string, root: string, args: string[]): Measured {
  const { conf, reposdir } = dnfSetup(name);
  const argv = [
    '-c', conf, `--installroot=${root}`, `--setopt=reposdir=${reposdir}`, '--releasever=1', '--assumeno',
    '--setopt=install_weak_deps=True', '--setopt=gpgcheck=0', '--setopt=repo_gpgcheck=0', ...args,
  ];
  const env = { ...process.env, HOME: home, LC_ALL: 'C.UTF-8' };
  const cold = run('dnf', argv, { env });
  const counts = dnfCounts(cold.stdout + cold.stderr);
  if (!counts) return { error: `dnf exited ${cold.code} without a transaction summary: ${(cold.stderr || cold.stdout).trim().split('\n').slice(-3).join(' | ')}` };
  const warm = best(Array.from({ length: rounds }, () => run('dnf', argv, { env })));
  return { ms: warm.ms, coldMs: cold.ms, counts: dnfCounts(warm.stdout + warm.stderr) };
}

function timeTestsolv(tc: string): Measured {
  const runs = Array.from({ length: rounds }, () => run('testsolv', ['-r', tc]));
  const r = best(runs);
  const res = testsolvCounts(r.stdout);
  if (r.code !== 0) return { error: `testsolv exited ${r.code}: ${r.stderr.trim().split('\n')[0]}` };
  if (res.problems.length) return { ms: r.ms, counts: res.counts, error: `${res.problems.length} problem(s): ${res.problems[0]}` };
  return { ms: r.ms, counts: res.counts };
}

/** Counts and timings from strata's -o json, whichever of the documented shapes it uses. */
function strataResult(stdout: string): Pick<Measured, 'counts' | 'load' | 'solve'> | undefined {
  let j: unknown;
  try {
    j = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  if (!j || typeof j !== 'object') return undefined;
  const o = j as Record<string, unknown>;
  const counts: Counts = {};
  const tx = o.transaction ?? o.actions;
  if (Array.isArray(tx)) {
    for (const e of tx as Array<Record<string, unknown>>) {
      const a = String(e.action ?? e.type ?? e.op ?? 'unknown').toLowerCase();
      counts[a] = (counts[a] ?? 0) + 1;
    }
  }
  const summary = (o.summary ?? o) as Record<string, unknown>;
  for (const a of ['install', 'upgrade', 'downgrade', 'erase', 'remove', 'reinstall', 'obsolete', 'obsoleted']) {
    const v = summary[a];
    if (Array.isArray(v)) counts[a] = v.length;
    else if (typeof v === 'number') counts[a] = v;
  }
  const t = (o.timings ?? {}) as Record<string, unknown>;
  return {
    counts,
    ...(typeof t.load === 'number' ? { load: t.load } : {}),
    ...(typeof t.solve === 'number' ? { solve: t.solve } : {}),
  };
}

function timeStrata(args: string[], root: () => string): Measured {
  const runs = [];
  for (let i = 0; i < rounds; i++) {
    const r = run(process.execPath, [strataBin, 'solve', ...args.slice(0, 1), '--repo', newRepo, '--nogpgcheck', '--installroot', root(), '--assumeno', '-o', 'json', ...args.slice(1)]);
    const parsed = strataResult(r.stdout);
    if (!parsed || (r.code !== 0 && Object.keys(parsed.counts ?? {}).length === 0)) {
      return { error: (r.stderr.trim().split('\n')[0] || `exit ${r.code}, no transaction in the JSON on stdout`).slice(0, 160) };
    }
    runs.push({ ms: r.ms, ...parsed });
  }
  const b = best(runs);
  // Solve-only numbers: best of the rounds on their own (the end-to-end best need not be the fastest solve).
  const solves = runs.map((r) => r.solve).filter((x) => x !== undefined);
  const loads = runs.map((r) => r.load).filter((x) => x !== undefined);
  return {
    ms: b.ms,
    counts: b.counts,
    ...(solves.length ? { solve: Math.min(...solves) } : {}),
    ...(loads.length ? { load: Math.min(...loads) } : {}),
  };
}

// ---- 5. run -----------------------------------------------------------------------------------
const prepared = await prepareRepos();
const s = prepared.stats;
console.log(
  `repository: ${s.packages} packages (x86_64 ${s.x86_64}, noarch ${s.noarch}, i686 ${s.i686}; ${s.subpackages} -devel/-libs/-doc; ` +
    `${s.multiVersion} name.arch in 2-3 versions), ${s.files.toFixed(1)} files each`,
);
console.log(
  `  per package: ${s.provides.toFixed(1)} provides (${s.sonameProvides.toFixed(1)} sonames), ${s.requires.toFixed(1)} requires, ` +
    `${s.recommends.toFixed(2)} recommends, ${s.supplements.toFixed(3)} supplements, ${s.conflicts.toFixed(3)} conflicts, ${s.obsoletes.toFixed(3)} obsoletes`,
);
console.log(
  `  ${s.versionedRequires} versioned requires, ${s.fileRequires} file requires (${((100 * s.pkgsWithFileRequires) / s.packages).toFixed(1)}% of packages), ` +
    `${s.richDeps} rich deps (${((100 * s.pkgsWithRichDeps) / s.packages).toFixed(1)}% of packages)`,
);
let done = step('libsolv: repo2solv -F (primary + filelists)');
solvOf(newRepo, join(work, 'available.solv'));
done();
const installedCount = await prepareInstalled(prepared.serverSet);
console.log(`installed system for distro-sync: ${installedCount} packages (old generation) in ${installedRoot}${DBPATH}`);
const installCase = testcase('install.t', undefined, prepared.serverSet.map((n) => `job install name ${n}`));
const dupCase = testcase('distro-sync.t', 'system.solv', ['job distupgrade all packages']);

interface Row {
  job: string;
  strata: Measured;
  dnf: Measured;
  testsolv: Measured;
}
const rows: Row[] = [];
const scratch = join(work, 'scratch');

done = step(`(a) install ${prepared.serverSet.length} names into an empty root`);
rmSync(join(work, 'dnf'), { recursive: true, force: true });
rmSync(scratch, { recursive: true, force: true });
const dnfEmpty = join(scratch, 'dnf-empty-root');
mkdirSync(dnfEmpty, { recursive: true });
let k = 0;
rows.push({
  job: `install ${prepared.serverSet.length}`,
  testsolv: timeTestsolv(installCase),
  dnf: timeDnf('install', dnfEmpty, ['install', ...prepared.serverSet]),
  strata: timeStrata(['install', ...prepared.serverSet], () => {
    const d = join(scratch, `strata-empty-${k++}`);
    mkdirSync(d, { recursive: true });
    return d;
  }),
});
done();

done = step(`(b) distro-sync of ${installedCount} installed packages`);
const dnfRoot = join(scratch, 'dnf-root');
cpSync(installedRoot, dnfRoot, { recursive: true, verbatimSymlinks: true });
const strataRoot = join(scratch, 'strata-root');
cpSync(installedRoot, strataRoot, { recursive: true, verbatimSymlinks: true });
rows.push({
  job: `distro-sync ${installedCount}`,
  testsolv: timeTestsolv(dupCase),
  dnf: timeDnf('distro-sync', dnfRoot, ['distro-sync']),
  strata: timeStrata(['distro-sync'], () => strataRoot),
});
done();

// ---- 6. table -------------------------------------------------------------------------------
const ms = (m: Measured, v: number | undefined = m.ms): string => (v === undefined ? '-' : v.toFixed(0));
const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? '-' : (a / b).toFixed(2));
console.log(`\nbest of ${rounds}; dnf warm (its .solv cache filled by a first, cold run, shown in parentheses)`);
const header = ['job', 'strata ms', 'strata load/solve', 'dnf ms (cold)', 'testsolv ms', 'strata/dnf', 'solve/testsolv', 'packages in: strata | dnf | testsolv'];
const table = rows.map((r) => [
  r.job,
  ms(r.strata),
  r.strata.load !== undefined || r.strata.solve !== undefined ? `${ms(r.strata, r.strata.load)}/${ms(r.strata, r.strata.solve)}` : '-',
  `${ms(r.dnf)} (${ms(r.dnf, r.dnf.coldMs)})`,
  ms(r.testsolv),
  ratio(r.strata.ms, r.dnf.ms),
  ratio(r.strata.solve, r.testsolv.ms),
  [r.strata, r.dnf, r.testsolv].map((m) => (m.counts ? String(incoming(m.counts)) : '-')).join(' | '),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells: string[]): string => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(header));
for (const t of table) console.log(line(t));
console.log('');
for (const r of rows) {
  console.log(`${r.job}:`);
  console.log(`  ${r.strata.error ? `strata: not available (${r.strata.error})` : `strata:   ${showCounts(r.strata.counts)}`}`);
  console.log(`  dnf:      ${r.dnf.error ?? showCounts(r.dnf.counts)}`);
  console.log(`  testsolv: ${r.testsolv.error ? `${r.testsolv.error}; ` : ''}${showCounts(r.testsolv.counts)}`);
}
rmSync(scratch, { recursive: true, force: true });
