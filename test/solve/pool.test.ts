import { test } from 'node:test';
import assert from 'node:assert/strict';

import { emptyRepoPackage, type RepoDep, type RepoDepFlags, type RepoDepKind, type RepoPackage } from '../../src/repo/model.ts';
import { flagsEvrOverlap, parseSense } from '../../src/rpm/depmatch.ts';
import {
  ARCH_SCORE_NOARCH,
  CNF_FALSE,
  CNF_TRUE,
  Pool,
  REL_EQ,
  REL_GT,
  REL_LT,
  SYSTEM_SOLVABLE,
  isCnfFalse,
  poolFromRepositories,
  type PoolPackage,
} from '../../src/solve/pool/index.ts';
import { prng, randInt } from '../support/prng.ts';

const OPS: Record<string, RepoDepFlags> = { '=': 'EQ', '<': 'LT', '>': 'GT', '<=': 'LE', '>=': 'GE' };

/** `name`, `name op [e:]v[-r]` or a rich `( … )` as an rpm-md entry (epoch="0" like createrepo_c). */
function rd(text: string, pre = false): RepoDep {
  const parts = text.startsWith('(') ? [text] : text.split(' ');
  const d: RepoDep = { name: parts[0] };
  if (parts.length === 3) {
    d.flags = OPS[parts[1]];
    const m = /^(?:(\d+):)?([^-]*)(?:-(.*))?$/.exec(parts[2]);
    assert.ok(m && d.flags, text);
    d.epoch = m[1] ?? '0';
    d.ver = m[2];
    if (m[3] !== undefined) d.rel = m[3];
  }
  if (pre) d.pre = true;
  return d;
}

type Deps = Partial<Record<RepoDepKind, string[]>>;

/** A package from `name-[e:]v-r.arch`. */
function pkg(nevra: string, deps: Deps = {}, files: string[] = []): PoolPackage {
  const m = /^(.+)-(?:(\d+):)?([^-]+)-([^-]+)\.([^.]+)$/.exec(nevra);
  assert.ok(m, nevra);
  const out: PoolPackage = { name: m[1], epoch: m[2] ?? '0', version: m[3], release: m[4], arch: m[5], deps: {} };
  for (const [k, list] of Object.entries(deps)) out.deps![k as RepoDepKind] = list.map((t) => rd(t));
  out.files = files.map((path) => ({ path }));
  return out;
}

function poolOf(packages: PoolPackage[], arch?: string): Pool {
  return new Pool([{ id: 'repo', packages }], { arch });
}

function names(pool: Pool, list: Int32Array): string[] {
  return Array.from(list, (s) => pool.nevra(s));
}

// One package `x` with a single provide; does it satisfy `require`?
function provides(provide: string, require: string): boolean {
  const pool = poolOf([pkg('x-1-1.noarch', { provides: [provide] })]);
  return pool.whatProvides(require).length > 0;
}

test('versioned provides: operators, releases, epochs, tilde and caret (libsolv rules)', () => {
  const cases: [string, string, boolean][] = [
    ['a = 1.0-1', 'a', true],
    ['a = 1.0-1', 'a = 1.0', true],
    ['a = 1.0-1', 'a = 1.0-1', true],
    ['a = 1.0-1', 'a = 1.0-2', false],
    ['a = 1.0-1', 'a >= 1.0', true],
    ['a = 1.0-1', 'a > 1.0', false],
    ['a = 1.0-1', 'a < 1.0', false],
    ['a = 1.0-1', 'a <= 1.0', true],
    ['a = 1.0-1', 'a > 1.0-0', true],
    ['a = 1.0-1', 'a < 1.0-2', true],
    ['a = 1.0-1', 'a >= 1.0.1', false],
    ['a = 1.0-1', 'a < 1.0.1', true],
    ['b = 1.0-1', 'a', false],
    // release-less provide matches every release of that version when the provide includes '='
    ['a = 1.0', 'a = 1.0-5', true],
    ['a = 1.0', 'a > 1.0-5', true],
    ['a = 1.0', 'a < 1.0-5', true],
    ['a > 1.0', 'a = 1.0-5', false],
    // …and the other way round: a release-less '=' requirement takes any release of the version
    ['a > 1.0-5', 'a = 1.0', true],
    ['a < 1.0-5', 'a >= 1.0', true],
    ['a < 1.0-5', 'a > 1.0', false],
    ['a >= 1.0-5', 'a <= 1.0', true],
    // ranges in the same direction always meet; disjoint ones never
    ['a < 2', 'a < 1', true],
    ['a < 2', 'a > 3', false],
    ['a <= 2', 'a >= 2', true],
    ['a < 2', 'a >= 2', false],
    // unversioned provide: every version
    ['a', 'a >= 99', true],
    ['a', 'a < 0', true],
    // epochs: a missing epoch is 0
    ['a = 1:1.0-1', 'a >= 2.0', true],
    ['a = 1.0-1', 'a >= 1:0.1', false],
    ['a = 0:1.0-1', 'a = 1.0-1', true],
    ['a = 1.0-1', 'a = 0:1.0', true],
    ['a = 2:1.0-1', 'a < 3:0', true],
    ['a = 2:1.0-1', 'a > 1:9', true],
    // tilde sorts before the release, caret after
    ['a = 1.0~rc1-1', 'a >= 1.0', false],
    ['a = 1.0~rc1-1', 'a < 1.0', true],
    ['a = 1.0~rc1-1', 'a > 1.0~beta', true],
    ['a = 1.0^git1-1', 'a > 1.0', true],
    ['a = 1.0^git1-1', 'a < 1.0.1', true],
    ['a = 1.0^git1-1', 'a < 1.0^git2', true],
  ];
  for (const [p, r, want] of cases) assert.equal(provides(p, r), want, `${p} provides ${r}?`);
});

test('range matching agrees with rpm on random ranges', () => {
  const r = prng(11);
  const parts = ['', '0:', '1:', '2:'];
  const vers = ['1.0', '1.0~rc1', '1.0^git1', '1.1', '2', '1.0.0'];
  const rels = ['', '-1', '-2', '-1.fc42', '-'];
  const ops = ['<', '<=', '=', '>=', '>'];
  const evr = (): string => parts[randInt(r, parts.length)] + vers[randInt(r, vers.length)] + rels[randInt(r, rels.length)];
  for (let i = 0; i < 3000; i++) {
    const [po, pe, ro, re] = [ops[randInt(r, 5)], evr(), ops[randInt(r, 5)], evr()];
    const p2 = poolOf([pkg('x-1-1.noarch', { provides: [`a ${po} ${pe}`] })]);
    const want = flagsEvrOverlap(parseSense(po), pe, parseSense(ro), re);
    assert.equal(p2.whatProvides(`a ${ro} ${re}`).length > 0, want, `a ${po} ${pe} provides a ${ro} ${re}?`);
  }
});

test('packages provide themselves; src packages provide nothing and are never installable', () => {
  const pool = poolOf([pkg('foo-2.0-1.x86_64'), pkg('foo-2.0-1.src'), pkg('bar-1-1.nosrc')], 'x86_64');
  const [foo, src, nosrc] = [2, 3, 4];
  assert.deepEqual(Array.from(pool.whatProvides('foo >= 2')), [foo]);
  assert.deepEqual(Array.from(pool.whatProvides('foo = 2.0-1')), [foo]);
  assert.equal(pool.whatProvides('foo > 2.0-1').length, 0);
  assert.equal(pool.isInstallable(foo), true);
  assert.equal(pool.isInstallable(src), false);
  assert.equal(pool.isInstallable(nosrc), false);
  assert.equal(pool.isInstallable(src, 'src'), false);
  assert.equal(pool.deps(src, 'provides').length, 0);
  assert.equal(pool.whatProvides('bar').length, 0);
  // an explicit self-provide is not duplicated
  const p2 = poolOf([pkg('baz-1-1.noarch', { provides: ['baz = 1-1', 'other'] })]);
  assert.equal(p2.deps(2, 'provides').length, 2);
});

test('file provides: paths that deps mention, on demand for others, deduplicated', () => {
  const packages = [
    pkg('a-1-1.x86_64', {}, ['/usr/bin/a', '/etc/a.conf', '/usr/share/doc/a']),
    pkg('b-1-1.x86_64', { requires: ['/usr/bin/a', '(/usr/bin/c or a)'] }),
    pkg('c-1-1.x86_64', { provides: ['/usr/bin/c'] }, ['/usr/bin/c']),
    pkg('a-1-1.src', {}, ['/usr/bin/a']),
    pkg('d-1-1.i686', {}, ['/usr/bin/a']),
  ];
  // x86_64 and i686 are not installable on aarch64, src nowhere
  const arm = poolOf(packages, 'aarch64');
  assert.deepEqual(names(arm, arm.whatProvides('/usr/bin/a')), []);
  const x86 = poolOf(packages, 'x86_64');
  assert.deepEqual(names(x86, x86.whatProvides('/usr/bin/a')), ['a-1-1.x86_64', 'd-1-1.i686']);
  assert.deepEqual(names(x86, x86.whatProvides('/usr/bin/c')), ['c-1-1.x86_64']);
  // not mentioned by any dependency: indexed when first asked
  assert.deepEqual(names(x86, x86.whatProvides('/usr/share/doc/a')), ['a-1-1.x86_64']);
  assert.deepEqual(names(x86, x86.whatProvides('/etc/a.conf')), ['a-1-1.x86_64']);
  x86.addFileProvides(['/etc/a.conf', '/nowhere']);
  assert.equal(x86.whatProvides('/nowhere').length, 0);
  // a file provide is unversioned
  assert.deepEqual(names(x86, x86.whatProvides('/usr/bin/a >= 5')), ['a-1-1.x86_64', 'd-1-1.i686']);
  assert.deepEqual(names(x86, x86.whatProvides('(/usr/bin/c or a)')), ['a-1-1.x86_64', 'c-1-1.x86_64']);
});

test('rich dependencies: candidate sets and CNF', () => {
  const pool = poolOf([
    pkg('a-1-1.noarch'),
    pkg('b-1-1.noarch', { provides: ['x = 1'] }),
    pkg('c-2-1.noarch', { provides: ['x = 2'] }),
    pkg('d-1-1.noarch', { requires: ['(a or b)', '(a if b else c)'], conflicts: ['(a unless b)'] }),
  ]);
  const [A, B, C] = [2, 3, 4];
  const wp = (t: string): number[] => Array.from(pool.whatProvides(t));
  const cnf = (t: string, neg = false): number[][] => pool.richCnf(t, neg).map((c) => Array.from(c));
  assert.deepEqual(wp('(a or b)'), [A, B]);
  assert.deepEqual(wp('(a or b or nothing)'), [A, B]);
  assert.deepEqual(wp('(a and b)'), [A, B]);
  assert.deepEqual(wp('(x with c)'), [C]);
  assert.deepEqual(wp('(x without c)'), [B]);
  assert.deepEqual(wp('(x >= 2 without b)'), [C]);
  assert.deepEqual(wp('(a if b)'), [A]);
  assert.deepEqual(wp('(a if b else c)'), [A, C]);
  assert.deepEqual(wp('(a unless b)'), [A]);
  assert.deepEqual(wp('(nothing or (x = 2))'), [C]);

  assert.deepEqual(cnf('(a or b)'), [[A, B]]);
  assert.deepEqual(cnf('(a and b)'), [[A], [B]]);
  assert.deepEqual(cnf('(a and x)'), [[A], [B, C]]);
  assert.deepEqual(cnf('(a or (b and c))'), [[A, B], [A, C]]);
  assert.deepEqual(cnf('(a if b)'), [[A, -B]]);
  assert.deepEqual(cnf('(a if b else c)'), [[A, -B], [B, C]]);
  assert.deepEqual(cnf('(a if (b else c))'), [[A, -B], [B, C]]);
  assert.deepEqual(cnf('(a unless b)'), [[A], [-B]]);
  assert.deepEqual(cnf('(a unless b else c)'), [[-B, C], [A, B]]);
  assert.deepEqual(cnf('(x with c)'), [[C]]);
  // negations (what a Conflicts rule needs): ¬(a ∨ b), ¬(a if b) = ¬a ∧ b, ¬x
  assert.deepEqual(cnf('(a or b)', true), [[-A], [-B]]);
  assert.deepEqual(cnf('(a if b)', true), [[-A], [B]]);
  assert.deepEqual(cnf('(a and b)', true), [[-A, -B]]);
  assert.deepEqual(cnf('x', true), [[-B], [-C]]);
  // constants: a leaf nobody provides is FALSE
  assert.equal(isCnfFalse(pool.richCnf('(a and nothing)')), true);
  assert.deepEqual(cnf('(a or nothing)'), [[A]]);
  assert.deepEqual(pool.richCnf('(a if nothing)'), CNF_TRUE);
  assert.deepEqual(pool.richCnf('nothing'), CNF_FALSE);
  assert.deepEqual(pool.richCnf('(nothing or none)', true), CNF_TRUE);
  assert.equal(isCnfFalse(pool.richCnf('(a unless a)')), true);
  // the parsed form is available for the rule generator
  const req = pool.deps(5, 'requires');
  assert.equal(pool.depToString(req[0]), '(a or b)');
  assert.equal(pool.richExpr(req[0])?.kind, 'or');
  assert.equal(pool.richExpr(pool.parseDep('a >= 1')), undefined);
  // an unparsable "rich" name provides nothing
  assert.equal(pool.whatProvides('(a or').length, 0);
});

test('arch policy: scores, installability, multilib colour', () => {
  const arches = ['x86_64', 'athlon', 'i686', 'i586', 'i486', 'i386', 'noarch', 'aarch64', 'ppc64le', 's390x', 's390', 'src'];
  const pool = poolOf(arches.map((a) => pkg(`p-1-1.${a}`)));
  const sol = (a: string): number => 2 + arches.indexOf(a);
  const score = (a: string, sys: string): number => pool.archScore(sol(a), sys);
  // lower is better; noarch is its own class (1)
  assert.ok(score('x86_64', 'x86_64') < score('athlon', 'x86_64'));
  assert.ok(score('athlon', 'x86_64') < score('i686', 'x86_64'));
  assert.ok(score('i686', 'x86_64') < score('i586', 'x86_64'));
  assert.ok(score('i586', 'x86_64') < score('i486', 'x86_64'));
  assert.ok(score('i486', 'x86_64') < score('i386', 'x86_64'));
  assert.equal(score('noarch', 'x86_64'), ARCH_SCORE_NOARCH);
  for (const bad of ['aarch64', 'ppc64le', 's390x', 'src']) assert.equal(score(bad, 'x86_64'), 0, bad);
  const installable = (sys: string): string[] => arches.filter((a) => pool.isInstallable(sol(a), sys));
  assert.deepEqual(installable('x86_64'), ['x86_64', 'athlon', 'i686', 'i586', 'i486', 'i386', 'noarch']);
  assert.deepEqual(installable('i686'), ['i686', 'i586', 'i486', 'i386', 'noarch']);
  assert.deepEqual(installable('aarch64'), ['noarch', 'aarch64']);
  assert.deepEqual(installable('ppc64le'), ['noarch', 'ppc64le']);
  assert.deepEqual(installable('s390x'), ['noarch', 's390x', 's390']);
  // no system arch: everything but source packages
  assert.deepEqual(installable(undefined as unknown as string), arches.filter((a) => a !== 'src'));
  assert.deepEqual(
    ['x86_64', 'i686', 'noarch', 'aarch64', 's390x', 's390'].map((a) => pool.archColor(sol(a))),
    [2, 1, 3, 2, 2, 1],
  );
  // a pool with a system arch indexes only installable packages, but always the installed ones
  const p2 = new Pool(
    [
      { id: '@System', installed: true, packages: [pkg('q-1-1.aarch64')] },
      { id: 'r', packages: [pkg('q-2-1.aarch64'), pkg('q-2-1.x86_64'), pkg('q-2-1.i686')] },
    ],
    { arch: 'x86_64' },
  );
  assert.deepEqual(names(p2, p2.whatProvides('q')), ['q-1-1.aarch64', 'q-2-1.x86_64', 'q-2-1.i686']);
  assert.deepEqual(names(p2, p2.packagesNamed('q')), ['q-1-1.aarch64', 'q-2-1.aarch64', 'q-2-1.x86_64', 'q-2-1.i686']);
});

test('obsoletes match package names and EVRs, never provides', () => {
  const pool = poolOf([
    pkg('new-2-1.noarch', { obsoletes: ['old < 2', 'gone'] }),
    pkg('old-1.0-1.noarch'),
    pkg('old-2.0-1.noarch'),
    pkg('impostor-1-1.noarch', { provides: ['old = 1.5', 'gone'] }),
    pkg('gone-9-9.x86_64'),
    pkg('gone-1-1.i686'),
  ]);
  const [NEW, OLD1, OLD2, IMP, GONE64, GONE32] = [2, 3, 4, 5, 6, 7];
  assert.equal(pool.obsoletesMatch(NEW, OLD1), true);
  assert.equal(pool.obsoletesMatch(NEW, OLD2), false);
  assert.equal(pool.obsoletesMatch(NEW, IMP), false);
  assert.equal(pool.obsoletesMatch(NEW, GONE64), true);
  assert.equal(pool.obsoletesMatch(OLD1, NEW), false);
  assert.deepEqual(Array.from(pool.obsoletedBy(NEW)), [OLD1, GONE64, GONE32]);
  assert.equal(pool.obsoletedBy(OLD1).length, 0);
  // the same check for a NEVR selection
  assert.equal(pool.matchesNevr(OLD1, 'old = 1.0'), true);
  assert.equal(pool.matchesNevr(OLD1, 'old > 1.0'), false);
  assert.equal(pool.matchesNevr(OLD1, 'old'), true);
  assert.equal(pool.matchesNevr(IMP, 'old'), false);
});

test('interning: names, EVRs and deps get stable ids', () => {
  const pool = poolOf([pkg('a-1-1.noarch', { requires: ['b >= 0:1.0', 'b >= 1.0', 'b'] }), pkg('b-1.0-1.noarch')]);
  const req = pool.deps(2, 'requires');
  assert.equal(req[0], req[1], 'epoch 0 is the same as no epoch');
  assert.notEqual(req[0], req[2]);
  assert.equal(pool.dep('b', REL_GT | REL_EQ, '1.0'), req[0]);
  assert.equal(pool.dep('b', REL_GT | REL_EQ, '0:1.0'), req[0]);
  assert.equal(pool.parseDep('b >= 1.0'), req[0]);
  assert.equal(pool.parseDep('  b  =>  1.0 '), req[0]);
  assert.equal(pool.repoDep({ name: 'b', flags: 'GE', epoch: '0', ver: '1.0' }), req[0]);
  assert.equal(pool.parseDep('b'), req[2]);
  assert.equal(pool.depToString(req[0]), 'b >= 1.0');
  assert.equal(pool.depToString(pool.dep('b', REL_LT, '2:3-4')), 'b < 2:3-4');
  assert.equal(pool.depEvr(pool.dep('b', REL_EQ, '00:1')), '1');
  assert.equal(pool.solvName[3], pool.depNameId(req[2]), 'package names and dep names share ids');
  assert.equal(pool.strings.lookup('b'), pool.solvName[3]);
  assert.equal(pool.strings.lookup('never-seen'), -1);
  assert.equal(pool.whatProvides(req[0]), pool.whatProvides('b >= 1.0'), 'answers are cached');
  assert.throws(() => pool.parseDep('b >= '), /not a dependency/);
  assert.throws(() => pool.parseDep('b ~ 1'), /not a dependency/);
});

test('policy helpers: EVR order, repos, installed set, multiversion, pre flags, rpmlib', () => {
  const installed: RepoPackage[] = [Object.assign(emptyRepoPackage(), { name: 'kernel', version: '6.1', release: '1', arch: 'x86_64' })];
  const mk = (n: string, v: string, r: string, e = '0'): RepoPackage =>
    Object.assign(emptyRepoPackage(), { name: n, epoch: e, version: v, release: r, arch: 'x86_64' });
  const k2 = mk('kernel', '6.2', '1');
  k2.deps.provides.push({ name: 'installonlypkg(kernel)' });
  const tool = mk('tool', '1.0', '1', '1');
  tool.deps.requires.push({ name: 'kernel', pre: true }, { name: 'rpmlib(PayloadIsZstd)', flags: 'LE', epoch: '0', ver: '5.4.18', rel: '1' }, { name: 'libc' });
  const pool = poolFromRepositories(
    [
      { id: 'fedora', dnfPriority: 99, packages: [k2, tool] },
      { id: 'updates', priority: 5, subpriority: 2, packages: [mk('tool', '1.0', '2')] },
    ],
    installed,
    { arch: 'x86_64' },
  );
  const [K1, K2, TOOL, TOOL2] = [2, 3, 4, 5];
  assert.equal(pool.repos[0].id, '@System');
  assert.deepEqual(pool.installedRange, [2, 3]);
  assert.equal(pool.isInstalled(K1), true);
  assert.equal(pool.isInstalled(K2), false);
  assert.equal(pool.repoPriority(K2), -99);
  assert.equal(pool.repoPriority(TOOL2), 5);
  assert.equal(pool.repoSubpriority(TOOL2), 2);
  assert.equal(pool.repoOf(TOOL)?.id, 'fedora');
  assert.ok(pool.evrCompare(K2, K1) > 0);
  assert.ok(pool.evrCompare(TOOL, TOOL2) > 0, 'epoch 1 beats any epoch-less version');
  assert.equal(pool.evrCompare(K1, K1), 0);
  assert.equal(pool.sameName(K1, K2), true);
  assert.equal(pool.sameName(K1, TOOL), false);
  assert.equal(pool.record(TOOL), tool);
  assert.deepEqual(Array.from(pool.requiresPre(TOOL)), [1, 0, 0]);
  assert.deepEqual(Array.from(pool.whatProvides(pool.deps(TOOL, 'requires')[1])), [SYSTEM_SOLVABLE]);
  assert.equal(pool.whatProvides('libc').length, 0);
  pool.markMultiversion(['installonlypkg(kernel)']);
  assert.equal(pool.isMultiversion(K2), true);
  assert.equal(pool.isMultiversion(K1), false);
  pool.markMultiversion(['kernel']);
  assert.equal(pool.isMultiversion(K1), true);
  assert.equal(pool.nevra(TOOL), 'tool-1:1.0-1.x86_64');
  assert.throws(() => new Pool([{ id: 'a', installed: true, packages: [] }, { id: 'b', installed: true, packages: [] }]), /only one/);
});

test('performance smoke: 60,000 packages, 100,000 lookups', (t) => {
  const N = 60_000;
  const LIBS = 5_000;
  const r = prng(4);
  const packages: PoolPackage[] = [];
  const sense = (op: string): number => parseSense(op);
  for (let i = 0; i < N; i++) {
    const requires: RepoDep[] = [
      rd(`cap-${randInt(r, N)} >= 1.${randInt(r, 10)}`),
      rd(`lib${randInt(r, LIBS)}.so.1()(64bit)`),
      rd(`/usr/bin/tool-${randInt(r, N)}`),
    ];
    if (i % 20 === 0) requires.push(rd(`(pkg-${randInt(r, N)} if cap-${randInt(r, N)} else lib${randInt(r, LIBS)}.so.1()(64bit))`));
    packages.push({
      name: `pkg-${i}`,
      epoch: '0',
      version: `${1 + (i % 7)}.${i % 13}`,
      release: `${1 + (i % 3)}.fc42`,
      arch: i % 11 === 0 ? 'noarch' : 'x86_64',
      deps: {
        provides: [rd(`cap-${i} = 1.${i % 10}-1`), rd(`lib${i % LIBS}.so.1()(64bit)`), rd(`pkg-${i}-virtual`)],
        requires,
        obsoletes: i % 50 === 0 ? [rd(`pkg-old-${i} < 2`)] : [],
      },
      files: Array.from({ length: 6 }, (_, k) => ({ path: k === 0 ? `/usr/bin/tool-${i}` : `/usr/share/pkg-${i}/f${k}` })),
    });
  }
  let t0 = performance.now();
  const pool = new Pool([{ id: 'big', packages }], { arch: 'x86_64' });
  const buildMs = performance.now() - t0;
  assert.equal(pool.nsolvables, N + 2);

  // Queries: versioned caps (answer known from the generator), sonames, files, package names.
  const queries: string[] = [];
  for (let q = 0; q < 100_000; q++) {
    const k = randInt(r, N);
    switch (q % 4) {
      case 0:
        queries.push(`cap-${k} >= 1.${randInt(r, 10)}`);
        break;
      case 1:
        queries.push(`lib${k % LIBS}.so.1()(64bit)`);
        break;
      case 2:
        // A path some package requires (the solver only asks about those); a few never-mentioned ones.
        queries.push(q % 1000 === 2 ? `/usr/bin/tool-${k}` : packages[k].deps!.requires![2].name);
        break;
      default:
        queries.push(`pkg-${k} < ${1 + randInt(r, 8)}`);
    }
  }
  const depIds = queries.map((q) => pool.parseDep(q));
  // Paths no dependency mentions cost one scan of all file lists each: timed apart.
  const onDemand = depIds.filter((_, q) => q % 1000 === 2);
  t0 = performance.now();
  let total = 0;
  for (const d of onDemand) total += pool.whatProvides(d).length;
  const onDemandMs = performance.now() - t0;
  t0 = performance.now();
  for (const d of depIds) total += pool.whatProvides(d).length;
  const lookupMs = performance.now() - t0;
  t0 = performance.now();
  for (const d of depIds) total += pool.whatProvides(d).length;
  const cachedMs = performance.now() - t0;
  assert.ok(total > 0);

  // Correctness: every answer against the generator's facts, and a sample against a brute-force scan.
  for (let q = 0; q < queries.length; q++) {
    const got = Array.from(pool.whatProvides(depIds[q]));
    const m = /^(cap|pkg)-(\d+) ([<>=]+) (.+)$/.exec(queries[q]);
    if (queries[q].startsWith('lib')) {
      const lib = Number(/^lib(\d+)/.exec(queries[q])![1]);
      assert.equal(got.length, Math.floor((N - 1 - lib) / LIBS) + 1, queries[q]);
      assert.ok(got.every((s) => (s - 2) % LIBS === lib));
    } else if (queries[q].startsWith('/')) {
      assert.deepEqual(got, [2 + Number(queries[q].slice('/usr/bin/tool-'.length))], queries[q]);
    } else if (m) {
      const i = Number(m[2]);
      const p = packages[i];
      const evr = m[1] === 'cap' ? `1.${i % 10}-1` : `${p.version}-${p.release}`;
      const want = flagsEvrOverlap(sense('='), evr, sense(m[3]), m[4]);
      assert.deepEqual(got, want ? [2 + i] : [], queries[q]);
    }
  }
  const brute = (q: string): number[] => {
    const [name, op, evr] = q.split(' ');
    const out: number[] = [];
    packages.forEach((p, i) => {
      const hit =
        p.deps!.provides!.some((d) => d.name === name && (!op || flagsEvrOverlap(d.flags ? sense(Object.keys(OPS).find((o) => OPS[o] === d.flags)!) : 0, d.flags ? `${d.ver}-${d.rel}` : '', sense(op), evr))) ||
        (p.name === name && (!op || flagsEvrOverlap(sense('='), `${p.version}-${p.release}`, sense(op), evr))) ||
        p.files!.some((f) => f.path === name);
      if (hit) out.push(2 + i);
    });
    return out;
  };
  for (let q = 0; q < 200; q++) assert.deepEqual(Array.from(pool.whatProvides(queries[q * 500])), brute(queries[q * 500]), queries[q * 500]);

  // Rich requires resolve to CNF without errors.
  let clauses = 0;
  for (let s = 2; s < pool.nsolvables; s += 20) for (const d of pool.deps(s, 'requires')) clauses += pool.richCnf(d).length;
  assert.ok(clauses > 0);
  t.diagnostic(
    `pool of ${N} packages (${pool.ndeps} distinct deps, ${pool.strings.size} strings) built in ${buildMs.toFixed(0)} ms; ` +
      `100,000 whatProvides: ${lookupMs.toFixed(0)} ms first pass, ${cachedMs.toFixed(1)} ms cached; ` +
      `${onDemand.length} never-mentioned paths (file-list scans): ${onDemandMs.toFixed(0)} ms`,
  );
});
