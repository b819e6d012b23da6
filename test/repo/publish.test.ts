// `strata repo publish` (publishRepository) as a repository operator relies on it:
//   - --update reuses records by size + mtime alone (createrepo_c's stat trust), so a package whose
//     bytes changed under an unchanged size and mtime is *not* re-read; --no-stat-trust re-reads
//     everything (a bounded number of files at a time), one touched mtime re-reads exactly one;
//   - the same inputs give byte-identical, signed repodata/ (SOURCE_DATE_EPOCH);
//   - Debian's dnf 4.14 reads every compression we write;
//   - readers never see a repomd.xml whose files are missing or different, while the repository is
//     republished over and over; interrupted publishes, concurrent publishers and stale locks;
//   - --update keeps updateinfo/group records it is not given anew (createrepo_c keep-all-metadata);
//   - bad input leaves an existing repository untouched.

import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { decompressMetadata, type MetadataCompression } from '../../src/repo/compression.ts';
import { parseComps } from '../../src/repo/comps.ts';
import type { Advisory, RepomdRecord, RepoPackage } from '../../src/repo/model.ts';
import { publishRepository } from '../../src/repo/publish/index.ts';
import { parseRepomd } from '../../src/repo/repomd.ts';
import { parseUpdateinfo } from '../../src/repo/updateinfo.ts';
import { parsePrimary } from '../../src/repo/xml-read/index.ts';
import { readRpmFileHeaders } from '../../src/rpm/index.ts';
import { strata } from '../support/cli.ts';
import { CORPUS_DIR, buildCorpus } from '../support/corpus.ts';
import { FIXTURES, ROOT, workDir } from '../support/fixtures.ts';
import { buildRepoCorpus } from '../support/repo-corpus.ts';
import { hasTool, needTools } from '../support/tools.ts';

const execFileP = promisify(execFile);
const work = workDir('repo-publish');
const KEY = join(FIXTURES, 'rpm', 'keys', 'rpm.org-rsa-2048-test.secret');
const COMPS = join(FIXTURES, 'createrepo_c', 'comps_files', 'comps_00.xml');
const T0 = 1_700_000_000;

// ---------------------------------------------------------------------------------------------
// Inputs: the generated packRpm corpus (840) plus the rpmbuild corpus (233), copied (never linked:
// the tests modify the copies and the caches must stay intact) with fixed whole-second mtimes, so
// restoring an mtime is exact and two copies are the same input.

interface Input {
  src: string;
  /** Path below the repository root. */
  rel: string;
}

let inputsCache: Promise<Input[]> | undefined;
function corpusInputs(): Promise<Input[]> {
  inputsCache ??= (async () => {
    const [gen, rb] = await Promise.all([buildRepoCorpus(), buildCorpus()]);
    return [
      ...gen.map((src) => ({ src, rel: `gen/${basename(src)}` })),
      ...rb.map((src) => ({ src, rel: `rb/${relative(CORPUS_DIR, src)}` })),
    ];
  })();
  return inputsCache;
}

/** Copies `inputs` into `dir`; the i-th file gets mtime T0 + i. Returns absolute paths by rel. */
function copyInputs(dir: string, inputs: Input[], order: 'forward' | 'reverse' = 'forward'): Map<string, string> {
  const out = new Map<string, string>();
  const idx = inputs.map((_, i) => i);
  if (order === 'reverse') idx.reverse();
  for (const i of idx) {
    const dst = join(dir, inputs[i].rel);
    mkdirSync(dirname(dst), { recursive: true });
    copyFileSync(inputs[i].src, dst);
    utimesSync(dst, T0 + i, T0 + i);
    out.set(inputs[i].rel, dst);
  }
  return out;
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

function repomd(dir: string): { text: string; records: RepomdRecord[]; revision: string } {
  const text = readFileSync(join(dir, 'repodata', 'repomd.xml'), 'utf8');
  const r = parseRepomd(text, 'repomd.xml');
  return { text, records: r.records, revision: r.revision };
}

function record(dir: string, type: string): RepomdRecord {
  const r = repomd(dir).records.find((x) => x.type === type);
  assert.ok(r, `${dir}: no ${type} record`);
  return r;
}

async function recordText(dir: string, type: string): Promise<string> {
  const r = record(dir, type);
  return Buffer.from(await decompressMetadata(readFileSync(join(dir, r.location)), r.location)).toString('utf8');
}

async function primary(dir: string): Promise<Map<string, RepoPackage>> {
  return new Map(parsePrimary(await recordText(dir, 'primary')).map((p) => [p.location, p]));
}

/** primary/filelists/other: record checksum and file bytes. */
function coreFiles(dir: string): Map<string, { checksum: string; bytes: Buffer }> {
  const out = new Map<string, { checksum: string; bytes: Buffer }>();
  for (const type of ['primary', 'filelists', 'other']) {
    const r = record(dir, type);
    out.set(type, { checksum: r.checksum.value, bytes: readFileSync(join(dir, r.location)) });
  }
  return out;
}

/** Every file under dir/repodata: name → bytes. */
function tree(dir: string): Map<string, Buffer> {
  const d = join(dir, 'repodata');
  return new Map(readdirSync(d).sort().map((n) => [n, readFileSync(join(d, n))]));
}

function advisory(id: string, pkg: string, version: string): Advisory {
  return {
    id,
    type: 'security',
    status: 'final',
    from: 'security@example.com',
    title: `${pkg} ${version} update`,
    issued: '2026-11-01 00:00:00',
    severity: 'Important',
    summary: `Fixes in ${pkg}`,
    description: `Update ${pkg} to ${version}.`,
    rebootSuggested: false,
    references: [{ href: `https://www.cve.org/CVERecord?id=CVE-2026-${id.slice(-4)}`, id: `CVE-2026-${id.slice(-4)}`, type: 'cve', title: 'CVE' }],
    collections: [{ short: 'c', name: 'C', packages: [{ name: pkg, epoch: '0', version, release: '1', arch: 'noarch', filename: `${pkg}-${version}-1.noarch.rpm` }] }],
  };
}

const comps = (): { text: string; baseName: string } => ({ text: readFileSync(COMPS, 'utf8'), baseName: 'comps_00.xml' });

/** Runs a command without blocking the event loop; never rejects. */
async function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await execFileP(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 64 << 20, encoding: 'utf8' });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof x.code === 'number' ? x.code : 1, stdout: x.stdout ?? '', stderr: x.stderr ?? x.message };
  }
}

const SRC = (p: string): string => JSON.stringify(join(ROOT, 'src', p));

before(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
});
after(() => rmSync(work, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------

test('--update trusts size + mtime: changed bytes are not re-read; --no-stat-trust re-reads all; one touched mtime re-reads one', async (t) => {
  if (!needTools(t, 'rpmbuild')) return;
  const inputs = await corpusInputs();
  const N = inputs.length;
  assert.ok(N >= 1000, `corpus has ${N} packages`);
  const cacheDigests = inputs.map((i) => sha256(readFileSync(i.src)));
  const dir = join(work, 'update');
  const paths = copyInputs(dir, inputs);

  const r0 = await publishRepository(dir);
  assert.equal(r0.packages, N);
  assert.equal(r0.read, N);
  assert.deepEqual(r0.warnings, []);
  const core0 = coreFiles(dir);
  const pkgs0 = await primary(dir);
  assert.equal(pkgs0.size, N);

  // One byte flipped in the middle of every package's payload: same size, mtime restored. (The
  // middle of the file is in the header for most of these small packages, and a flipped header byte
  // can make the package unreadable, which --no-stat-trust below must be able to re-read.)
  let i = 0;
  for (const input of inputs) {
    const path = paths.get(input.rel)!;
    const size = statSync(path).size;
    const { payloadOffset } = await readRpmFileHeaders(path);
    const data = readFileSync(path);
    const mid = payloadOffset + ((size - payloadOffset) >> 1);
    assert.ok(mid < size, path);
    data[mid] ^= 0xff;
    writeFileSync(path, data);
    utimesSync(path, T0 + i, T0 + i);
    i++;
    const st = statSync(path);
    assert.equal(st.size, size);
    assert.equal(Math.floor(st.mtimeMs / 1000), T0 + i - 1);
  }

  const r1 = await publishRepository(dir, { update: true });
  assert.equal(r1.read, 0, 'a package was read although its size and mtime did not change');
  assert.equal(r1.reused, N);
  const core1 = coreFiles(dir);
  for (const [type, before] of core0) {
    assert.equal(core1.get(type)!.checksum, before.checksum, `${type} record checksum changed`);
    assert.ok(core1.get(type)!.bytes.equals(before.bytes), `${type} bytes changed`);
  }

  // --no-stat-trust hashes every package. It runs in a child with a small file descriptor limit:
  // the digests must be taken a few at a time, not one open stream per package.
  const script = join(work, 'update-nostat.mjs');
  writeFileSync(
    script,
    `import { publishRepository } from ${SRC('repo/publish/index.ts')};\n` +
      `const r = await publishRepository(process.argv[2], { update: true, statTrust: false });\n` +
      `process.stdout.write(JSON.stringify({ read: r.read, reused: r.reused, packages: r.packages }));\n`,
  );
  const child = spawnSync('sh', ['-c', 'ulimit -n 256 && exec "$0" "$@"', process.execPath, script, dir], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const r2 = JSON.parse(child.stdout) as { read: number; reused: number; packages: number };
  assert.deepEqual(r2, { read: N, reused: 0, packages: N });
  const pkgs2 = await primary(dir);
  for (const input of inputs) {
    const before = pkgs0.get(input.rel);
    const now = pkgs2.get(input.rel);
    assert.ok(before && now, input.rel);
    assert.notEqual(now.pkgid, before.pkgid, `${input.rel}: pkgid unchanged`);
    assert.equal(now.pkgid, sha256(readFileSync(paths.get(input.rel)!)), `${input.rel}: pkgid is not the file's digest`);
  }

  // Only the mtime of one package changes: exactly that one is read again.
  const one = inputs[Math.floor(N / 2)].rel;
  utimesSync(paths.get(one)!, T0 + 10 * N, T0 + 10 * N);
  const r3 = await publishRepository(dir, { update: true });
  assert.equal(r3.read, 1);
  assert.equal(r3.reused, N - 1);
  const pkgs3 = await primary(dir);
  for (const [loc, p] of pkgs3) {
    if (loc === one) assert.equal(p.fileTime, T0 + 10 * N);
    else assert.deepEqual(p, pkgs2.get(loc), loc);
  }

  // The corpora the copies came from are untouched.
  assert.deepEqual(inputs.map((x) => sha256(readFileSync(x.src))), cacheDigests);
  rmSync(dir, { recursive: true, force: true });
});

test('the same inputs give byte-identical signed repodata/ (sourceDateEpoch, RSA key)', async (t) => {
  if (!needTools(t, 'rpmbuild')) return;
  const inputs = (await corpusInputs()).filter((_, i) => i % 6 === 0);
  const key = { armored: readFileSync(KEY, 'utf8') };
  const opts = {
    sourceDateEpoch: 1_790_000_000,
    signingKey: key,
    advisories: [advisory('STRATA-2026-0001', 'hello', '1.1')],
    comps: comps(),
  };
  const a = join(work, 'repro-a');
  const b = join(work, 'repro-b');
  // Different copy order (directory order) and different thread counts: neither may show.
  copyInputs(a, inputs, 'forward');
  copyInputs(b, inputs, 'reverse');
  const ra = await publishRepository(a, { ...opts, workers: 2 });
  const rb = await publishRepository(b, { ...opts, workers: 1 });
  assert.equal(ra.revision, '1790000000');
  assert.ok(ra.signed && rb.signed);
  assert.deepEqual(ra.records, rb.records);
  assert.ok(ra.records.every((r) => r.timestamp === 1_790_000_000));
  const ta = tree(a);
  const tb = tree(b);
  assert.deepEqual([...ta.keys()], [...tb.keys()]);
  assert.ok(ta.has('repomd.xml') && ta.has('repomd.xml.asc'));
  assert.equal(ta.size, 2 + ra.records.length, [...ta.keys()].join(' '));
  for (const [name, bytes] of ta) assert.ok(bytes.equals(tb.get(name)!), `repodata/${name} differs`);
  rmSync(a, { recursive: true, force: true });
  rmSync(b, { recursive: true, force: true });
});

describe('dnf 4.14 reads every compression', { skip: !hasTool('dnf') && !process.env.CI }, () => {
  const COMPRESSIONS: MetadataCompression[] = ['zstd', 'gz', 'xz', 'bz2', 'none'];

  /** dnf in isolation: its own installroot (rpmdb, cache, logs), no system repositories, no keys. */
  async function dnf(name: string, repo: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
    const d = join(work, 'dnf', name);
    mkdirSync(join(d, 'home'), { recursive: true });
    writeFileSync(join(d, 'home', '.rpmmacros'), '%_dbpath /usr/lib/sysimage/rpm\n');
    writeFileSync(join(d, 'dnf.conf'), `[main]\ngpgcheck=0\nreposdir=/dev/null\ncachedir=/var/cache/strata-test\n`);
    const r = await run(
      'dnf',
      [
        '-q',
        '-c', join(d, 'dnf.conf'),
        `--installroot=${join(d, 'root')}`,
        '--releasever=1',
        '--setopt=reposdir=/dev/null',
        '--nogpgcheck',
        `--repofrompath=strata,file://${repo}`,
        '--repo=strata',
        ...args,
      ],
      { HOME: join(d, 'home'), LC_ALL: 'C.UTF-8' },
    );
    return { code: r.code, out: r.stdout, err: r.stderr };
  }

  /** location → its file list, from `--qf @@%{location}@@%{files}`. */
  function parseListing(out: string): Map<string, string[]> {
    const m = new Map<string, string[]>();
    for (const chunk of out.split('@@PKG@@').slice(1)) {
      const [loc, files] = chunk.split('@@FILES@@');
      m.set(loc.trim(), files.split('\n').map((l) => l.trim()).filter(Boolean).sort());
    }
    return m;
  }

  test('dnf repoquery lists every package, its files and its changelogs for zstd, gz, xz, bz2 and none', async (t) => {
    if (!needTools(t, 'dnf', 'rpmbuild', 'xz', 'bzip2')) return;
    const inputs = (await corpusInputs()).filter((_, i) => i % 16 === 3);
    const expected = inputs.map((i) => i.rel).sort();
    const results = new Map<MetadataCompression, { listing: Map<string, string[]>; changelogs: number }>();
    const dirs = COMPRESSIONS.map((c) => join(work, `dnf-${c}`));
    for (const [k, c] of COMPRESSIONS.entries()) {
      copyInputs(dirs[k], inputs);
      const r = await publishRepository(dirs[k], { compression: c });
      assert.equal(r.packages, inputs.length);
    }
    // Two dnf runs at a time (two cores); each compression in its own installroot and cache.
    let next = 0;
    await Promise.all(
      [0, 1].map(async () => {
        while (next < COMPRESSIONS.length) {
          const k = next++;
          const c = COMPRESSIONS[k];
          const list = await dnf(`${c}-list`, dirs[k], ['repoquery', '--qf', '@@PKG@@%{location}@@FILES@@%{files}']);
          assert.equal(list.code, 0, `${c}: ${list.err}`);
          const log = await dnf(`${c}-log`, dirs[k], ['repoquery', '--changelogs']);
          assert.equal(log.code, 0, `${c}: ${log.err}`);
          results.set(c, { listing: parseListing(list.out), changelogs: log.out.match(/^Changelog for /gm)?.length ?? 0 });
        }
      }),
    );
    const ref = results.get('none')!;
    assert.deepEqual([...ref.listing.keys()].sort(), expected, 'dnf does not list every package');
    // Files outside the primary set (/etc, */bin/) come only from filelists.xml.
    assert.ok([...ref.listing.values()].some((f) => f.some((p) => p.startsWith('/usr/share/') && !p.includes('/bin/'))), 'no filelists data');
    assert.equal(ref.changelogs, inputs.length);
    for (const c of COMPRESSIONS) {
      const r = results.get(c)!;
      assert.deepEqual(r.listing, ref.listing, `${c}: dnf reads other packages or files than from uncompressed metadata`);
      assert.equal(r.changelogs, inputs.length, `${c}: changelogs`);
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
});

// ---------------------------------------------------------------------------------------------

/** A reader process: loops over repomd.xml and every file it lists until `stop` exists. */
const READER = `
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
const [root, stop] = process.argv.slice(2);
const repomdPath = join(root, 'repodata', 'repomd.xml');
const read = (p) => { try { return readFileSync(p); } catch (e) { return e.code; } };
let rounds = 0, checks = 0, stale = 0, ready = false;
const failures = [];
while (!existsSync(stop)) {
  const text = read(repomdPath);
  if (typeof text === 'string') continue; // not published yet
  const records = [...text.toString('utf8').matchAll(/<data type="([^"]+)">([\\s\\S]*?)<\\/data>/g)].map((m) => ({
    type: m[1],
    sum: /<checksum type="sha256">([0-9a-f]{64})</.exec(m[2])?.[1],
    href: /<location href="([^"]+)"/.exec(m[2])?.[1],
    size: /<size>([0-9]+)</.exec(m[2])?.[1],
  }));
  if (!records.some((r) => r.type === 'primary')) failures.push('repomd.xml without primary: ' + text.length + ' bytes');
  rounds++;
  for (const r of records) {
    const data = read(join(root, r.href ?? 'missing-href'));
    let why;
    if (typeof data === 'string') why = data;
    else if (createHash('sha256').update(data).digest('hex') !== r.sum) why = 'checksum';
    else if (r.size !== undefined && Number(r.size) !== data.length) why = 'size';
    if (why === undefined) { checks++; continue; }
    // The repository may have moved on since repomd.xml was read (its old files are then gone):
    // a failure only if repomd.xml still says the same.
    const now = read(repomdPath);
    if (typeof now !== 'string' && now.equals(text)) failures.push(r.type + ' ' + r.href + ': ' + why);
    else stale++;
    break;
  }
  // Ready once a full state was checked (or, if none ever checks out, after a while, to fail below).
  if (!ready && (checks > 0 || rounds >= 200)) { ready = true; process.stderr.write('ready\\n'); }
}
process.stdout.write(JSON.stringify({ rounds, checks, stale, failures: failures.slice(0, 10), failed: failures.length }));
`;

describe('atomic replace, interrupted and concurrent publishes', () => {
  let reader: ChildProcess | undefined;
  after(() => {
    reader?.kill();
  });

  test('a reader never sees repomd.xml naming a missing or different file while the repo is republished', async (t) => {
    if (!needTools(t, 'rpmbuild')) return;
    const all = (await corpusInputs()).slice(0, 240);
    const dir = join(work, 'atomic');
    const pool = join(work, 'atomic-pool');
    const src = copyInputs(pool, all);
    const present = new Set<string>();
    const add = (k: number): void => {
      const rel = all[k].rel;
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      copyFileSync(src.get(rel)!, join(dir, rel));
      present.add(rel);
    };
    for (let k = 0; k < 100; k++) add(k);
    await publishRepository(dir, { revision: 'r0' });

    const script = join(work, 'reader.mjs');
    const stop = join(work, 'reader.stop');
    writeFileSync(script, READER);
    reader = spawn(process.execPath, [script, dir, stop], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    reader.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((res) => reader!.on('exit', (code) => res(code)));
    // Publishing starts once the reader has checked a full state.
    await new Promise<void>((res, rej) => {
      reader!.stderr!.on('data', (d: Buffer) => (d.toString().includes('ready') ? res() : undefined));
      reader!.on('exit', () => rej(new Error(`reader exited early: ${out}`)));
    });

    let nextNew = 100;
    for (let run = 1; run <= 8; run++) {
      // Remove a few packages, add a few new ones.
      const gone = [...present].filter((_, k) => k % (3 + run) === 0).slice(0, 6);
      for (const rel of gone) {
        unlinkSync(join(dir, rel));
        present.delete(rel);
      }
      for (let k = 0; k < 15 && nextNew < all.length; k++) add(nextNew++);
      const r = await publishRepository(dir, {
        revision: `r${run}`,
        update: run % 2 === 0,
        compression: run % 3 === 0 ? 'gz' : 'zstd',
        retainOld: run === 5,
        ...(run === 3 ? { advisories: [advisory('STRATA-2026-0003', 'hello', '1.3')] } : {}),
        ...(run === 4 ? { signingKey: { armored: readFileSync(KEY, 'utf8') } } : {}),
      });
      assert.equal(r.packages, present.size);
      // updateinfo: given in run 3, kept by --update in run 4, gone with run 5 (no --update).
      if (run === 4) assert.ok(repomd(dir).records.some((x) => x.type === 'updateinfo'), 'run 4: updateinfo not kept');
      if (run === 5) assert.ok(!repomd(dir).records.some((x) => x.type === 'updateinfo'), 'run 5: updateinfo kept');
      if (run % 2 === 0) assert.ok(r.reused > 0, `run ${run}: nothing reused`);
      assert.deepEqual([...(await primary(dir)).keys()].sort(), [...present].sort(), `run ${run}`);
    }
    writeFileSync(stop, '');
    const code = await exited;
    reader = undefined;
    assert.equal(code, 0);
    const res = JSON.parse(out) as { rounds: number; checks: number; stale: number; failures: string[]; failed: number };
    t.diagnostic(`reader: ${res.rounds} repomd.xml reads, ${res.checks} files checked, ${res.stale} stale views`);
    assert.ok(res.checks > 0);
    assert.deepEqual(res.failures, []);
    assert.equal(res.failed, 0);
    // The last publish left exactly repomd.xml and the files it names.
    const m = repomd(dir);
    assert.equal(m.revision, 'r8');
    assert.deepEqual(readdirSync(join(dir, 'repodata')).sort(), ['repomd.xml', ...m.records.map((r) => basename(r.location))].sort());
    assert.equal(existsSync(join(dir, '.strata-publish.lock')), false);
    rmSync(dir, { recursive: true, force: true });
    rmSync(pool, { recursive: true, force: true });
  });

  test('--retain-old keeps the previous files for one more publish, with or without --update', async (t) => {
    if (!needTools(t, 'rpmbuild')) return;
    const all = (await corpusInputs()).slice(300, 330);
    for (const update of [false, true]) {
      const dir = join(work, `retain-${update}`);
      copyInputs(dir, all.slice(0, 20));
      await publishRepository(dir, { revision: 'a' });
      const first = repomd(dir).records.map((r) => basename(r.location));
      copyInputs(dir, all.slice(20));
      await publishRepository(dir, { revision: 'b', retainOld: true, update });
      const second = repomd(dir).records.map((r) => basename(r.location));
      const names = readdirSync(join(dir, 'repodata'));
      for (const f of [...first, ...second]) assert.ok(names.includes(f), `update=${update}: ${f} was removed`);
      rmSync(join(dir, all[0].rel));
      await publishRepository(dir, { revision: 'c', update });
      const third = repomd(dir).records.map((r) => basename(r.location));
      assert.deepEqual(readdirSync(join(dir, 'repodata')).sort(), ['repomd.xml', ...third].sort(), `update=${update}`);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('leftovers of an interrupted publish are cleared', async (t) => {
    if (!needTools(t, 'rpmbuild')) return;
    const inputs = (await corpusInputs()).slice(400, 410);
    const dir = join(work, 'interrupted');
    copyInputs(dir, inputs);
    // A first publish killed before its rename: a staging directory, no repodata/.
    mkdirSync(join(dir, '.repodata.tmp-99999999'));
    writeFileSync(join(dir, '.repodata.tmp-99999999', 'repomd.xml'), '<repomd/>');
    const r = await publishRepository(dir);
    assert.equal(r.packages, 10);
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.')), []);
    // A later publish killed while writing: a temporary file inside repodata/.
    writeFileSync(join(dir, 'repodata', '.primary-99999999-abc.tmp'), 'partial');
    await publishRepository(dir, { update: true });
    const m = repomd(dir);
    assert.deepEqual(readdirSync(join(dir, 'repodata')).sort(), ['repomd.xml', ...m.records.map((x) => basename(x.location))].sort());
    rmSync(dir, { recursive: true, force: true });
  });

  test('a second publish while the lock names a live process fails in one line; a stale lock is taken over', async (t) => {
    if (!needTools(t, 'rpmbuild')) return;
    const inputs = (await corpusInputs()).slice(420, 430);
    const dir = join(work, 'lock');
    copyInputs(dir, inputs);
    const lock = join(dir, '.strata-publish.lock');

    // Two publishes at once in one process: the second finds the first one's lock.
    const results = await Promise.allSettled([publishRepository(dir), publishRepository(dir)]);
    assert.equal(results[0].status, 'fulfilled');
    assert.equal(results[1].status, 'rejected');
    const err = (results[1] as PromiseRejectedResult).reason as Error;
    assert.match(err.message, new RegExp(`another publish \\(pid ${process.pid}\\) is running`));
    assert.equal(existsSync(lock), false);
    const before = readFileSync(join(dir, 'repodata', 'repomd.xml'));

    // The CLI, while another live process holds the lock.
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      writeFileSync(lock, `${holder.pid}\n`);
      const r = strata(['repo', 'publish', dir]);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`^strata: .*another publish \\(pid ${holder.pid}\\) is running`));
      assert.ok(readFileSync(join(dir, 'repodata', 'repomd.xml')).equals(before));
      assert.equal(readFileSync(lock, 'utf8'), `${holder.pid}\n`, 'the live lock was touched');
    } finally {
      holder.kill();
    }
    await new Promise<void>((res) => (holder.exitCode !== null || holder.signalCode !== null ? res() : holder.on('exit', () => res())));

    // The holder is gone: its lock is stale and taken over (and removed afterwards).
    const r = strata(['repo', 'publish', '--update', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(lock), false);
    // Also a lock of a process that never was ours (dead pid from a finished child).
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lock, `${dead.stdout}\n`);
    const r2 = await publishRepository(dir, { update: true });
    assert.equal(r2.packages, 10);
    assert.equal(existsSync(lock), false);
    rmSync(dir, { recursive: true, force: true });
  });
});

// ---------------------------------------------------------------------------------------------

test('--update keeps updateinfo and group records not given anew, and replaces them when given', async (t) => {
  if (!needTools(t, 'rpmbuild')) return;
  const inputs = (await corpusInputs()).slice(500, 520);
  const dir = join(work, 'keep');
  copyInputs(dir, inputs);
  const ids = async (): Promise<string[]> => parseUpdateinfo(await recordText(dir, 'updateinfo'), 'updateinfo').map((a) => a.id);
  const extra = (): Record<string, string> =>
    Object.fromEntries(repomd(dir).records.filter((r) => !['primary', 'filelists', 'other'].includes(r.type)).map((r) => [r.type, r.checksum.value]));

  await publishRepository(dir, { advisories: [advisory('STRATA-2026-0001', 'a', '1'), advisory('STRATA-2026-0002', 'b', '2')], comps: comps() });
  const first = extra();
  assert.deepEqual(Object.keys(first).sort(), ['group', 'group_gz', 'updateinfo']);
  assert.deepEqual(await ids(), ['STRATA-2026-0001', 'STRATA-2026-0002']);

  // Not given anew: kept as they were (same files), and still readable.
  copyInputs(dir, (await corpusInputs()).slice(520, 522));
  const r1 = await publishRepository(dir, { update: true });
  assert.equal(r1.read, 2);
  assert.deepEqual(extra(), first);
  assert.deepEqual(await ids(), ['STRATA-2026-0001', 'STRATA-2026-0002']);
  assert.equal(parseComps(await recordText(dir, 'group_gz'), 'group_gz').groups[0].id, 'test-group');

  // New advisories replace the old updateinfo; the groups stay.
  await publishRepository(dir, { update: true, advisories: [advisory('STRATA-2026-0009', 'c', '3')] });
  const third = extra();
  assert.notEqual(third.updateinfo, first.updateinfo);
  assert.equal(third.group, first.group);
  assert.equal(third.group_gz, first.group_gz);
  assert.deepEqual(await ids(), ['STRATA-2026-0009']);

  // New groups replace both group records.
  const other = readFileSync(COMPS, 'utf8').replace('test-group', 'other-group');
  await publishRepository(dir, { update: true, comps: { text: other, baseName: 'comps.xml' } });
  const fourth = extra();
  assert.equal(fourth.updateinfo, third.updateinfo);
  assert.notEqual(fourth.group, first.group);
  assert.notEqual(fourth.group_gz, first.group_gz);
  assert.equal(parseComps(await recordText(dir, 'group'), 'group').groups[0].id, 'other-group');
  assert.equal(repomd(dir).records.filter((r) => r.type.startsWith('group')).length, 2);

  // Without --update, only what is given is published, and the old files go.
  await publishRepository(dir);
  assert.deepEqual(extra(), {});
  assert.equal(readdirSync(join(dir, 'repodata')).length, 4);
  rmSync(dir, { recursive: true, force: true });
});

test('bad input: a truncated package fails naming it and leaves repodata/ alone; outside symlinks ignored; excludes', async (t) => {
  if (!needTools(t, 'rpmbuild')) return;
  const all = await corpusInputs();
  const inputs = [...all.slice(600, 610), ...all.slice(900, 903)];
  const dir = join(work, 'bad');
  const paths = copyInputs(dir, inputs);
  await publishRepository(dir, { advisories: [advisory('STRATA-2026-0001', 'a', '1')] });
  const before = tree(dir);

  // A package cut off inside its header (as a failed download or copy leaves it).
  const victim = join(dir, 'gen', 'truncated.rpm');
  writeFileSync(victim, readFileSync(paths.get(inputs[0].rel)!).subarray(0, 300));
  for (const opts of [{}, { update: true }, { update: true, workers: 2 }]) {
    await assert.rejects(publishRepository(dir, opts), (e: Error) => {
      assert.ok(e.message.includes(victim), e.message);
      assert.ok(!e.message.includes('\n'), e.message);
      return true;
    });
    const now = tree(dir);
    assert.deepEqual([...now.keys()], [...before.keys()], `${JSON.stringify(opts)}: repodata/ files changed`);
    for (const [n, b] of before) assert.ok(now.get(n)!.equals(b), `${JSON.stringify(opts)}: repodata/${n} changed`);
    assert.equal(existsSync(join(dir, '.strata-publish.lock')), false);
  }
  const cli = strata(['repo', 'publish', '--update', dir]);
  assert.equal(cli.code, 1);
  assert.equal(cli.stderr.trim().split('\n').length, 1, cli.stderr);
  assert.ok(cli.stderr.includes('truncated.rpm'), cli.stderr);
  unlinkSync(victim);

  // Excludes: by file name and by location glob.
  const excludes = [basename(inputs[2].rel), 'rb/*', 'gen/*-x-*'];
  const kept = inputs.map((i) => i.rel).filter((l) => l !== inputs[2].rel && !l.startsWith('rb/') && !/^gen\/.*-x-/.test(l));
  assert.ok(kept.length >= 3 && kept.length < inputs.length - 2, kept.join(' '));
  // A link to a package outside the root is not published; one inside is (under the link's name).
  const outside = join(work, 'outside');
  copyInputs(outside, all.slice(700, 701));
  symlinkSync(join(outside, all[700].rel), join(dir, 'outside-link.rpm'));
  symlinkSync(paths.get(kept[0])!, join(dir, 'inside-link.rpm'));
  const r = await publishRepository(dir, { excludes });
  const locs = [...(await primary(dir)).keys()].sort();
  const expected = [...kept, 'inside-link.rpm'].sort();
  assert.deepEqual(locs, expected);
  assert.equal(r.packages, expected.length);
  assert.ok(r.warnings.some((w) => w.includes('inside-link.rpm')), `no duplicate warning: ${r.warnings.join('; ')}`);
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

test('publish of a missing directory fails without creating it', async () => {
  const dir = join(work, 'no-such-dir');
  await assert.rejects(publishRepository(dir), /no-such-dir: no such directory/);
  assert.equal(existsSync(dir), false);
});
