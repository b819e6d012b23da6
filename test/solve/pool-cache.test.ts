// The solver's per-repository cache (src/solve/pool-cache.ts, src/solve/pool/snapshot.ts): a pool
// built from a snapshot — in memory, or written and read back — equals one built from the records;
// a solve over a cache hit equals one over a miss; a damaged, truncated, stale or foreign cache
// file is refused and rebuilt; changed repository metadata invalidates it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { emptyRepoPackage, type RepoDep, type RepoPackage, type RepomdRecord } from '../../src/repo/model.ts';
import { writeRepomd } from '../../src/repo/repomd.ts';
import { repoConfigFromLocation } from '../../src/repo/source/repo-file.ts';
import { filelistsFooter, filelistsHeader, filelistsPackageXml, otherFooter, otherHeader, otherPackageXml, primaryFooter, primaryHeader, primaryPackageXml } from '../../src/repo/xml-write.ts';
import { loadRepository } from '../../src/repo/load.ts';
import { loadSolveRepository, poolCacheCodeVersion, poolCacheKey, readPoolCache, POOL_CACHE_FILE } from '../../src/solve/pool-cache.ts';
import { DEP_KINDS, poolFromRepositories, type Pool } from '../../src/solve/pool/index.ts';
import { decodeSnapshot, encodeSnapshot, SnapshotError, snapshotFromPackages, type SnapshotRecord } from '../../src/solve/pool/snapshot.ts';
import { solveRequest } from '../../src/solve/request.ts';
import { prng, randInt } from '../support/prng.ts';

/** An integer in [lo, hi]. */
const int = (r: () => number, lo: number, hi: number): number => lo + randInt(r, hi - lo + 1);

const work = mkdtempSync(join(tmpdir(), 'strata-pool-cache-'));
after(() => rmSync(work, { recursive: true, force: true }));

// ---- a small random universe ----------------------------------------------------------------------

const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'épsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu'];
const FILES = ['/usr/bin/a', '/usr/bin/b', '/etc/c.conf', '/usr/share/d/ü', '/usr/lib/libx.so.1', '/opt/e'];

function dep(r: () => number, name: string): RepoDep {
  switch (int(r, 0, 5)) {
    case 0:
      return { name, flags: 'GE', epoch: '0', ver: `${int(r, 1, 3)}.0`, rel: '1' };
    case 1:
      return { name, flags: 'LT', epoch: '0', ver: `${int(r, 1, 4)}` };
    case 2:
      return { name: `(${name} or ${NAMES[int(r, 0, NAMES.length - 1)]})` };
    case 3:
      return { name: FILES[int(r, 0, FILES.length - 1)] };
    default:
      return { name };
  }
}

function universe(seed: number, count: number): RepoPackage[] {
  const r = prng(seed);
  const out: RepoPackage[] = [];
  for (let i = 0; i < count; i++) {
    const p = emptyRepoPackage();
    p.name = NAMES[i % NAMES.length] + (i >= NAMES.length ? `-${Math.floor(i / NAMES.length)}` : '');
    p.arch = ['x86_64', 'noarch', 'i686', 'src'][int(r, 0, 3)];
    p.epoch = int(r, 0, 4) === 0 ? '1' : '0';
    p.version = `${int(r, 1, 3)}.${int(r, 0, 9)}`;
    p.release = `${int(r, 1, 5)}.fc43`;
    p.vendor = int(r, 0, 1) ? 'Fedora Project' : '';
    p.buildTime = 1_700_000_000 + i;
    p.pkgid = createHash('sha256').update(`${seed}:${i}`).digest('hex');
    p.checksumType = 'sha256';
    p.location = `Packages/${p.name}-${p.version}-${p.release}.${p.arch}.rpm`;
    p.sourceRpm = `${p.name}-${p.version}-${p.release}.src.rpm`;
    p.deps.provides.push({ name: p.name, flags: 'EQ', epoch: p.epoch, ver: p.version, rel: p.release });
    if (int(r, 0, 2) === 0) p.deps.provides.push({ name: `virt(${int(r, 1, 3)})`, flags: 'EQ', epoch: '0', ver: '1' });
    for (let k = int(r, 0, 4); k > 0; k--) p.deps.requires.push({ ...dep(r, NAMES[int(r, 0, NAMES.length - 1)]), ...(int(r, 0, 3) === 0 ? { pre: true } : {}) });
    if (int(r, 0, 3) === 0) p.deps.requires.push({ name: `virt(${int(r, 1, 3)})` });
    if (int(r, 0, 4) === 0) p.deps.conflicts.push(dep(r, NAMES[int(r, 0, NAMES.length - 1)]));
    if (int(r, 0, 5) === 0) p.deps.obsoletes.push({ name: NAMES[int(r, 0, NAMES.length - 1)], flags: 'LT', epoch: '0', ver: '2' });
    if (int(r, 0, 3) === 0) p.deps.recommends.push(dep(r, NAMES[int(r, 0, NAMES.length - 1)]));
    if (int(r, 0, 5) === 0) p.deps.supplements.push({ name: NAMES[int(r, 0, NAMES.length - 1)] });
    for (const f of FILES) if (int(r, 0, 3) === 0) p.files.push({ path: f });
    p.filesComplete = true;
    out.push(p);
  }
  return out;
}

// ---- writing a plain (uncompressed) rpm-md repository -------------------------------------------

function writeRepo(dir: string, pkgs: RepoPackage[]): void {
  const repodata = join(dir, 'repodata');
  rmSync(repodata, { recursive: true, force: true });
  mkdirSync(repodata, { recursive: true });
  const files: Array<[string, string]> = [
    ['primary', primaryHeader(pkgs.length) + pkgs.map(primaryPackageXml).join('') + primaryFooter()],
    ['filelists', filelistsHeader(pkgs.length) + pkgs.map(filelistsPackageXml).join('') + filelistsFooter()],
    ['other', otherHeader(pkgs.length) + pkgs.map(otherPackageXml).join('') + otherFooter()],
  ];
  const records: RepomdRecord[] = files.map(([type, xml]) => {
    const bytes = Buffer.from(xml, 'utf8');
    const sum = createHash('sha256').update(bytes).digest('hex');
    const location = `repodata/${sum}-${type}.xml`;
    writeFileSync(join(dir, location), bytes);
    return { type, location, checksum: { type: 'sha256', value: sum }, timestamp: 1_790_000_000, size: bytes.length };
  });
  writeFileSync(join(repodata, 'repomd.xml'), writeRepomd({ revision: '1', tags: { content: [], repo: [], distro: [] }, records }));
}

// ---- comparing pools --------------------------------------------------------------------------

function assertSamePool(a: Pool<SnapshotRecord>, b: Pool<SnapshotRecord>): void {
  assert.equal(a.nsolvables, b.nsolvables);
  assert.deepEqual(a.strings.strings, b.strings.strings, 'string ids');
  assert.deepEqual(a.table.evrText, b.table.evrText, 'EVR ids');
  assert.deepEqual([a.table.name, a.table.flags, a.table.evr], [b.table.name, b.table.flags, b.table.evr], 'dependency ids');
  assert.deepEqual([a.solvName, a.solvEvr, a.solvArch, a.solvRepo], [b.solvName, b.solvEvr, b.solvArch, b.solvRepo]);
  for (let s = 2; s < a.nsolvables; s++) {
    for (const k of DEP_KINDS) assert.deepEqual(a.deps(s, k), b.deps(s, k), `${a.nevra(s)} ${k}`);
    assert.deepEqual(a.requiresPre(s), b.requiresPre(s));
    const ra = a.record(s);
    const rb = b.record(s);
    assert.ok(ra && rb);
    for (const f of ['name', 'epoch', 'version', 'release', 'arch', 'vendor', 'buildTime'] as const) assert.equal(ra[f], rb[f], `${a.nevra(s)} ${f}`);
    assert.deepEqual(a.files(s).map((f) => f.path), b.files(s).map((f) => f.path));
  }
  for (let d = 1; d < a.ndeps; d++) assert.deepEqual(a.whatProvides(d), b.whatProvides(d), a.depToString(d));
  for (const f of [...FILES, '/not/there']) assert.deepEqual(a.whatProvides(f), b.whatProvides(f), f);
}

// ---- tests ------------------------------------------------------------------------------------

test('a pool from snapshots (in memory and written + read back) equals one from the records', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const base = universe(seed, 40);
    const updates = universe(seed + 100, 15);
    const installed = universe(seed + 200, 8);
    const fromRecords = (): Pool<SnapshotRecord> =>
      poolFromRepositories([{ id: 'base', packages: base }, { id: 'updates', packages: updates, dnfPriority: 10 }], installed, { arch: 'x86_64' });
    const snaps = [base, updates].map((p) => snapshotFromPackages(p, { info: true }));
    const inMemory = poolFromRepositories([{ id: 'base', snapshot: snaps[0] }, { id: 'updates', snapshot: snaps[1], dnfPriority: 10 }], installed, { arch: 'x86_64' });
    const readBack = snaps.map((s) => decodeSnapshot(encodeSnapshot(s, 'v', { k: seed }), 'v', { k: seed }));
    const fromDisk = poolFromRepositories([{ id: 'base', snapshot: readBack[0] }, { id: 'updates', snapshot: readBack[1], dnfPriority: 10 }], installed, { arch: 'x86_64' });
    assertSamePool(fromRecords(), inMemory);
    assertSamePool(fromRecords(), fromDisk);
  }
});

test('decoding refuses other formats, versions, keys and any damaged byte', () => {
  const bytes = encodeSnapshot(snapshotFromPackages(universe(9, 30), { info: true }), 'v1', { primary: 'a' });
  assert.doesNotThrow(() => decodeSnapshot(bytes, 'v1', { primary: 'a' }));
  assert.throws(() => decodeSnapshot(bytes, 'v2', { primary: 'a' }), SnapshotError);
  assert.throws(() => decodeSnapshot(bytes, 'v1', { primary: 'b' }), SnapshotError);
  // Every byte, flipped: the header's JSON, the checksum or a section check catches it.
  for (let i = 0; i < bytes.length; i += 1 + (i % 7)) {
    const bad = Buffer.from(bytes);
    bad[i] ^= 0x20;
    assert.throws(() => decodeSnapshot(bad, 'v1', { primary: 'a' }), SnapshotError, `byte ${i}`);
  }
  for (const len of [0, 8, 15, 40, bytes.length >> 1, bytes.length - 1]) {
    assert.throws(() => decodeSnapshot(bytes.subarray(0, len), 'v1', { primary: 'a' }), SnapshotError, `truncated to ${len}`);
  }
  assert.throws(() => decodeSnapshot(Buffer.concat([bytes, Buffer.alloc(8)]), 'v1', { primary: 'a' }), SnapshotError, 'trailing bytes');
  // An empty repository round-trips too.
  const empty = decodeSnapshot(encodeSnapshot(snapshotFromPackages([], { info: true }), 'v1', null), 'v1', null);
  assert.equal(empty.count, 0);
  assert.equal(poolFromRepositories([{ id: 'e', snapshot: empty }]).nsolvables, 2);
  // Strings that would not come back as written are not stored.
  const nul = universe(10, 3);
  nul[0].vendor = 'a\0b';
  nul[1].deps.requires.push({ name: 'x\0y' });
  assert.throws(() => encodeSnapshot(snapshotFromPackages(nul, { info: true }), 'v1', {}), SnapshotError);
});

function solveOver(repo: { id: string; snapshot?: ReturnType<typeof snapshotFromPackages>; packages?: RepoPackage[] }, names: string[]): unknown {
  const installed = universe(77, 6).filter((p) => p.arch !== 'src');
  const { transaction, problems } = solveRequest({ repos: [repo], installed, arch: 'x86_64', action: 'install', names, allowErasing: true });
  return { transaction, problems };
}

const REQUEST = ['alpha', 'gamma', 'kappa', 'virt(2)', '/usr/bin/a'];

test('solving over a cache hit gives what a miss and the records give; damaged caches are rebuilt', async () => {
  const dir = join(work, 'repo');
  const cacheDir = join(work, 'cache');
  writeRepo(dir, universe(21, 60));
  const config = () => repoConfigFromLocation(dir);

  const miss = await loadSolveRepository(config(), { cacheDir });
  assert.equal(miss.cache, 'miss');
  assert.equal(miss.reason, 'no cache yet');
  const path = join(miss.opened.cachePath, POOL_CACHE_FILE);
  assert.ok(statSync(path).size > 0);
  const hit = await loadSolveRepository(config(), { cacheDir });
  assert.equal(hit.cache, 'hit');

  const records = await loadRepository(config(), { cacheDir });
  const expected = solveOver({ id: records.id, packages: records.metadata.packages }, REQUEST);
  assert.deepEqual(solveOver({ id: miss.id, snapshot: miss.snapshot }, REQUEST), expected);
  assert.deepEqual(solveOver({ id: hit.id, snapshot: hit.snapshot }, REQUEST), expected);
  assert.ok((expected as { transaction: unknown[] }).transaction.length > 0);

  const good = readFileSync(path);
  const damage: Array<[string, () => void]> = [
    ['a flipped byte in the body', () => {
      const b = Buffer.from(good);
      b[b.length - 100] ^= 1;
      writeFileSync(path, b);
    }],
    ['a flipped byte in the header', () => {
      const b = Buffer.from(good);
      b[30] ^= 1;
      writeFileSync(path, b);
    }],
    ['truncation', () => truncateSync(path, good.length - 4096)],
    ['an empty file', () => writeFileSync(path, '')],
    ['another file', () => writeFileSync(path, 'not a snapshot')],
  ];
  for (const [what, spoil] of damage) {
    writeFileSync(path, good);
    spoil();
    const reason = await readPoolCache(path, null);
    assert.equal(typeof reason, 'string', what);
    const again = await loadSolveRepository(config(), { cacheDir });
    assert.equal(again.cache, 'miss', what);
    assert.ok(again.reason && !again.reason.includes('not cached'), `${what}: ${again.reason}`);
    assert.deepEqual(readFileSync(path), good, `${what}: rebuilt as it was`);
    assert.equal((await loadSolveRepository(config(), { cacheDir })).cache, 'hit', `${what}: then a hit`);
    assert.deepEqual(solveOver({ id: again.id, snapshot: again.snapshot }, REQUEST), expected, what);
  }

  // A snapshot from another Strata version is not read.
  const other = Buffer.from(good);
  const stale = encodeSnapshot(decodeSnapshot(other, poolCacheCodeVersion(), poolCacheKey(hit.opened)), 'strata 0.0.0-old', poolCacheKey(hit.opened));
  writeFileSync(path, stale);
  const fromOld = await loadSolveRepository(config(), { cacheDir });
  assert.equal(fromOld.cache, 'miss');
  assert.match(fromOld.reason ?? '', /written by strata 0\.0\.0-old/);
});

test('changed repository metadata invalidates the cache', async () => {
  const dir = join(work, 'repo-changing');
  const cacheDir = join(work, 'cache-changing');
  const pkgs = universe(31, 30);
  writeRepo(dir, pkgs);
  const config = () => repoConfigFromLocation(dir);
  assert.equal((await loadSolveRepository(config(), { cacheDir })).cache, 'miss');
  assert.equal((await loadSolveRepository(config(), { cacheDir })).cache, 'hit');

  // A new package: primary (and filelists) change, so does the key.
  const added = universe(32, 1)[0];
  added.name = 'newcomer';
  added.arch = 'noarch';
  for (const k of DEP_KINDS) added.deps[k] = [];
  added.deps.provides = [{ name: 'newcomer', flags: 'EQ', epoch: '0', ver: added.version, rel: added.release }];
  added.files = [{ path: '/usr/bin/newcomer' }];
  writeRepo(dir, [...pkgs, added]);
  const changed = await loadSolveRepository(config(), { cacheDir });
  assert.equal(changed.cache, 'miss');
  assert.equal(changed.reason, 'built from other metadata');
  assert.equal(changed.snapshot.count, 31);
  const out = solveOver({ id: changed.id, snapshot: changed.snapshot }, ['/usr/bin/newcomer']) as { transaction: Array<{ nevra: string }> };
  assert.ok(out.transaction.some((t) => t.nevra.startsWith('newcomer-')), JSON.stringify(out));
  assert.equal((await loadSolveRepository(config(), { cacheDir })).cache, 'hit');

  // Only filelists changing (same primary) invalidates it too.
  const moved = [...pkgs, { ...added, files: [{ path: '/usr/bin/elsewhere' }] }];
  writeRepo(dir, moved);
  const refiled = await loadSolveRepository(config(), { cacheDir });
  assert.equal(refiled.cache, 'miss');
  assert.deepEqual(poolFromRepositories([{ id: 'r', snapshot: refiled.snapshot }], undefined, { arch: 'x86_64' }).whatProvides('/usr/bin/elsewhere').length, 1);

  // poolCache: false neither reads nor writes.
  const off = await loadSolveRepository(config(), { cacheDir, poolCache: false });
  assert.equal(off.cache, 'miss');
});
