// Seeded random libsolv testsolv testcases (`.t` text) for the differential test against Debian's
// testsolv: an installed `system` repo (sometimes empty), one or two available repos (sometimes with
// different priorities), inline testtags packages and a few jobs, ending in
// `result transaction,problems <inline>` with nothing after it (`testsolv -r` prints the result).
// Occasionally a second part (`nextjob`): pool state carries over, jobs and solver flags do not.
import { prng } from '../../support/prng.ts';
import {
  archesFor,
  chance,
  evrOf,
  genPackage,
  hasRich,
  pick,
  sample,
  versionsFor,
  weighted,
  type GenDep,
  type GenPackage,
  type Rand,
  type Universe,
} from './gen-model.ts';

export interface GenRepo {
  name: string;
  priority: number;
  packages: GenPackage[];
}

export interface GeneratedCase {
  seed: number;
  text: string;
  /** Number of parts (`nextjob` sections), each with its own result. */
  parts: number;
  /** What the generator put in (for the census). */
  features: Set<string>;
}

const NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const VIRTUALS = ['v1', 'v2', 'libz.so.1'];
const FILES = ['/usr/bin/x', '/usr/bin/y', '/etc/z.conf', '/usr/share/w/data'];

/** testtags dependency text: libsolv's testcase syntax (`|`, `&`, `<IF>`, `<UNLESS>`, `<ELSE>`). */
export function testtagsDep(d: GenDep): string {
  if (d.kind === 'simple') return d.op ? `${d.name} ${d.op} ${d.evr}` : d.name;
  const a = d.args.map(testtagsDep);
  switch (d.op) {
    case 'or':
      return `(${a.join(' | ')})`;
    case 'and':
      return `(${a.join(' & ')})`;
    case 'if':
      return `(${a[0]} <IF> ${a[1]})`;
    case 'unless':
      return `(${a[0]} <UNLESS> ${a[1]})`;
    case 'ifelse':
      return `(${a[0]} <IF> (${a[1]} <ELSE> ${a[2]}))`;
  }
}

const TAGS: ReadonlyArray<[keyof GenPackage, string]> = [
  ['provides', 'Prv'],
  ['requires', 'Req'],
  ['conflicts', 'Con'],
  ['obsoletes', 'Obs'],
  ['recommends', 'Rec'],
  ['supplements', 'Sup'],
];

export function testtagsPackage(p: GenPackage): string[] {
  const out = [`#>=Pkg: ${p.name} ${p.epoch ? `${p.epoch}:` : ''}${p.version} ${p.release} ${p.arch}`];
  for (const [key, tag] of TAGS) for (const d of p[key] as GenDep[]) out.push(`#>=${tag}: ${testtagsDep(d)}`);
  for (const f of p.files) out.push(`#>=Fls: ${f}`);
  return out;
}

function repoText(name: string, priority: number, pkgs: GenPackage[]): string[] {
  return [`repo ${name} ${priority} testtags <inline>`, ...pkgs.flatMap(testtagsPackage)];
}

interface CaseState {
  r: Rand;
  u: Universe;
  installed: GenPackage[];
  available: GenPackage[];
  kernel: boolean;
  features: Set<string>;
}

/** Lines for one part: solver flags, jobs and the result line. */
function partLines(s: CaseState): string[] {
  const { r, features } = s;
  const installedNames = [...new Set(s.installed.map((p) => p.name))];
  const allNames = [...new Set([...s.installed, ...s.available].map((p) => p.name))];
  const newNames = allNames.filter((n) => !installedNames.includes(n));
  const anyName = (): string => (chance(r, 0.03) ? 'zz' : pick(r, allNames));
  // Installing what is installed is mostly a no-op: prefer names the system does not have.
  const newName = (): string => (newNames.length && chance(r, 0.7) ? pick(r, newNames) : anyName());
  const instName = (): string => (installedNames.length ? pick(r, installedNames) : anyName());
  const out: string[] = [];

  const flags: string[] = [];
  if (chance(r, 0.12)) flags.push('allowuninstall');
  if (chance(r, 0.1)) flags.push('ignorerecommended');
  if (flags.length) {
    out.push(`solverflags ${flags.join(' ')}`);
    for (const f of flags) features.add(`solverflags ${f}`);
  }
  if (s.kernel) {
    out.push('job multiversion name kernel');
    features.add('job multiversion');
  }
  const jobs = new Set<string>();
  const n = 1 + weighted(r, [5, 3, 1]);
  for (let i = 0; i < n; i++) {
    const k = weighted(r, s.installed.length ? [30, 8, 16, 10, 8, 8, 5, 4] : [30, 10, 1, 1, 1, 1, 3, 1]);
    let job: string;
    switch (k) {
      case 0:
        job = `install name ${s.kernel && chance(r, 0.3) ? 'kernel' : newName()}`;
        break;
      case 1: {
        const d = pick(r, [...VIRTUALS, ...allNames]);
        job = chance(r, 0.5) ? `install provides ${d} ${pick(r, ['>=', '<', '='])} ${pick(r, s.u.versions)}` : `install provides ${d}`;
        break;
      }
      case 2:
        job = `erase name ${instName()}${chance(r, 0.3) ? ' [cleandeps]' : ''}`;
        break;
      case 3:
        job = 'update all packages';
        break;
      case 4:
        job = `update name ${s.kernel && chance(r, 0.3) ? 'kernel' : instName()}`;
        break;
      case 5:
        job = 'distupgrade all packages';
        break;
      case 6:
        job = `lock name ${chance(r, 0.6) ? instName() : anyName()}`;
        break;
      default:
        job = 'verify all packages';
    }
    jobs.add(job);
  }
  if (chance(r, 0.05)) jobs.add(`favor name ${anyName()}`);
  for (const j of jobs) {
    features.add(`job ${j.split(' ')[0]}${j.includes('[cleandeps]') ? ' cleandeps' : ''}`);
    out.push(`job ${j}`);
  }
  out.push('result transaction,problems <inline>');
  return out;
}

/** The testcase for `seed` (deterministic). */
export function generateTestcase(seed: number): GeneratedCase {
  const r = prng(seed * 2654435761);
  const features = new Set<string>();
  const kernel = chance(r, 0.12);
  const names = sample(r, NAMES, 4 + weighted(r, [1, 2, 2, 1, 1]));
  if (kernel) names.push('kernel');
  const u: Universe = {
    names,
    virtuals: sample(r, VIRTUALS, 1 + weighted(r, [2, 2, 1])),
    files: sample(r, FILES, 1 + weighted(r, [2, 2, 1])),
    versions: ['1', '2', '3'],
    releases: ['1', '2'],
    richRate: chance(r, 0.35) ? 0.4 : 0,
    noWeakIfElse: true,
  };
  const withSystem = chance(r, 0.75);
  const twoRepos = chance(r, 0.4);
  const repos: GenRepo[] = [{ name: 'available', priority: 0, packages: [] }];
  if (twoRepos) {
    const prio = weighted(r, [6, 2, 2]);
    repos.push({ name: 'updates', priority: prio === 1 ? 10 : 0, packages: [] });
    if (prio === 2) repos[0].priority = 10;
    if (prio) features.add('repo priorities');
    features.add('two repos');
  }
  const installed: GenPackage[] = [];
  const available: GenPackage[] = [];
  for (const name of names) {
    const arches = archesFor(r);
    const versions = versionsFor(r, u, 3);
    for (const v of versions) {
      for (const arch of arches) {
        const p = genPackage(r, u, name, v, arch);
        // Which repos carry it: one, sometimes both (same NEVRA twice: priorities decide).
        const inBoth = twoRepos && chance(r, 0.2);
        const where = inBoth ? repos : [pick(r, repos)];
        for (const repo of where) repo.packages.push(p);
        available.push(p);
      }
    }
    // Installed: usually an older (or the same) version, sometimes one no repo has any more.
    if (withSystem && chance(r, name === 'kernel' ? 0.9 : 0.55)) {
      // Usually the oldest version the repos have; sometimes an older or a newer one than any of them.
      const v = [versions[0], { version: '0', release: '1' }, { version: '4', release: '1' }][weighted(r, [16, 2, 2])];
      for (const arch of arches) {
        if (arches.length > 1 && chance(r, 0.5)) continue;
        const p = v === versions[0] && chance(r, 0.6) ? available.find((a) => a.name === name && a.arch === arch && evrOf(a) === evrOf(v))! : genPackage(r, u, name, v, arch);
        installed.push(p);
      }
    }
  }
  for (const p of [...installed, ...available]) if (hasRich(p)) features.add('rich deps');
  if ([...installed, ...available].some((p) => p.obsoletes.length)) features.add('obsoletes');
  if ([...installed, ...available].some((p) => p.files.length)) features.add('files');
  if (installed.length === 0) features.add('empty system');

  const lines: string[] = [`# generated by test/solve/support/gen-testcase.ts, seed ${seed}`];
  lines.push(...repoText('system', 0, installed));
  for (const repo of repos) lines.push(...repoText(repo.name, repo.priority, repo.packages));
  lines.push('system x86_64 rpm system');
  const state: CaseState = { r, u, installed, available, kernel, features };
  lines.push(...partLines(state));
  let parts = 1;
  if (chance(r, 0.08)) {
    lines.push('nextjob', ...partLines(state));
    parts = 2;
    features.add('two parts');
  }
  return { seed, text: `${lines.join('\n')}\n`, parts, features };
}
