// Reading repositories users point Strata at: .repo files, repomd signatures (checked by gpg too),
// and a createrepo_c-made repository opened locally and over a misbehaving HTTP server — retries,
// mirrors, metalinks, cache hits and expiry, and every way the bytes can be wrong failing cleanly.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import * as openpgp from 'openpgp';
import { RepoFormatError } from '../../src/repo/model.ts';
import { parseRepomd } from '../../src/repo/repomd.ts';
import { safeLocation } from '../../src/repo/source/cache.ts';
import { downloadFile, fetchBytes, RepoFetchError } from '../../src/repo/source/fetch.ts';
import { checkMetalink, metalinkBaseUrls, parseMetalink, parseMirrorlist } from '../../src/repo/source/metalink.ts';
import { chooseRecord, fetchPackage, openRepository, type OpenOptions } from '../../src/repo/source/open.ts';
import { parseRepoFile, parseSeconds, type RepoConfig, repoConfigFromLocation, substituteVars } from '../../src/repo/source/repo-file.ts';
import { RepoSignatureError, signRepomd, verifyRepomdSignature } from '../../src/repo/source/signature.ts';
import { Keyring, parseCerts } from '../../src/rpm/openpgp/index.ts';
import { FIXTURES, workDir } from '../support/fixtures.ts';
import { startServer, type TestServer } from '../support/http-server.ts';
import { needTools } from '../support/tools.ts';

const WORK = workDir('source');
const KEYS = join(FIXTURES, 'rpm', 'keys');
const RSA = { secret: join(KEYS, 'rpm.org-rsa-2048-test.secret'), pub: join(KEYS, 'rpm.org-rsa-2048-test.pub') };
const ED = { secret: join(KEYS, 'rpm.org-ed25519-test.secret'), pub: join(KEYS, 'rpm.org-ed25519-test.pub') };
const ring = (...pubs: string[]): Keyring => new Keyring(pubs.flatMap((p) => parseCerts(readFileSync(p), p)));
// Short timeouts and no real backoff: the tests exercise the decisions, not the clock.
const FAST: OpenOptions['fetch'] = { retries: 2, backoffMs: 1, maxBackoffMs: 2, idleTimeoutMs: 2000, connectTimeoutMs: 2000 };
const oneLine = (re: RegExp) => (e: unknown): boolean => {
  assert.ok(e instanceof Error);
  assert.doesNotMatch(e.message, /\n/);
  assert.match(e.message, re);
  return true;
};

after(() => rmSync(WORK, { recursive: true, force: true }));

describe('.repo files', () => {
  const text = `# comment
[main]
gpgcheck=1
metadata_expire=6h

[fedora-$releasever]
name=Fedora $releasever - $basearch
baseurl=https://a.example/$releasever/\${basearch}/os/,
  https://b.example/\${releasever}/$basearch/os/
 https://c.example/\${nosuch:-fallback}/$undefinedvar/
enabled = yes
repo_gpgcheck=on
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-$releasever-$basearch https://k.example/key.asc
priority=10
exclude=kernel*, foo
includepkgs=bar
skip_if_unavailable=True
module_hotfixes=0
metadata_expire=2d
custom_option=kept $arch

[updates]
metalink=https://mirrors.example/metalink?repo=updates-f$releasever&arch=$basearch
enabled=0
metadata_expire=never
`;

  test('sections, lists, booleans, variables and [main] defaults', () => {
    const [f, u] = parseRepoFile(text, 'test.repo', { vars: { releasever: '41', basearch: 'x86_64', arch: 'x86_64' } });
    assert.equal(f.id, 'fedora-41');
    assert.equal(f.name, 'Fedora 41 - x86_64');
    assert.deepEqual(f.baseurl, ['https://a.example/41/x86_64/os/', 'https://b.example/41/x86_64/os/', 'https://c.example/fallback/$undefinedvar/']);
    assert.deepEqual(f.gpgkey, ['file:///etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-41-x86_64', 'https://k.example/key.asc']);
    assert.equal(f.enabled, true);
    assert.equal(f.gpgcheck, true, 'inherited from [main]');
    assert.equal(f.repoGpgcheck, true);
    assert.equal(f.priority, 10);
    assert.equal(f.cost, 1000);
    assert.deepEqual(f.excludepkgs, ['kernel*', 'foo']);
    assert.deepEqual(f.includepkgs, ['bar']);
    assert.equal(f.skipIfUnavailable, true);
    assert.equal(f.moduleHotfixes, false);
    assert.equal(f.metadataExpire, 2 * 86400);
    assert.deepEqual(f.extra, { custom_option: 'kept x86_64' });
    assert.equal(f.source, 'test.repo:6');
    assert.equal(u.id, 'updates');
    assert.equal(u.name, 'updates', 'the id when there is no name');
    assert.equal(u.metalink, 'https://mirrors.example/metalink?repo=updates-f41&arch=x86_64');
    assert.equal(u.enabled, false);
    assert.equal(u.metadataExpire, -1);
    assert.equal(u.repoGpgcheck, false, "dnf's default");
  });

  test('defaults as dnf when nothing is set', () => {
    const [r] = parseRepoFile('[x]\nbaseurl=file:///srv/x\n', 'x.repo');
    assert.deepEqual(
      [r.enabled, r.gpgcheck, r.repoGpgcheck, r.priority, r.cost, r.metadataExpire, r.skipIfUnavailable, r.sslverify],
      [true, false, false, 99, 1000, 172800, false, true],
    );
  });

  test('variable forms and time units', () => {
    const v = { a: '1', empty: '' };
    assert.equal(substituteVars('$a-${a}-${empty:-d}-${a:+alt}-${empty:+alt}-$b-$', v), '1-1-d-alt--$b-$');
    assert.deepEqual(['90', '90s', '1.5m', '1h', '2d', '-1', 'never'].map((s) => parseSeconds(s, 'x')), [90, 90, 90, 3600, 172800, -1, -1]);
    for (const bad of ['-10', '1d6h', '1y', '']) assert.throws(() => parseSeconds(bad, 'f.repo:3: metadata_expire'), /f\.repo:3: metadata_expire/);
  });

  test('bad input names file, line and option', () => {
    assert.throws(() => parseRepoFile('[a]\nenabled=maybe\n', 'a.repo'), oneLine(/^a\.repo:2: enabled: "maybe" is not a boolean/));
    assert.throws(() => parseRepoFile('[a]\npriority=100\n', 'a.repo'), oneLine(/a\.repo:2: priority: 100 is outside 1\.\.99/));
    assert.throws(() => parseRepoFile('[a b]\n', 'a.repo'), oneLine(/a\.repo:1: repository id "a b"/));
    assert.throws(() => parseRepoFile('baseurl=x\n', 'a.repo'), oneLine(/a\.repo:1: option outside any \[section\]/));
    assert.throws(() => parseRepoFile('[a]\n[a]\n', 'a.repo'), oneLine(/a\.repo:2: section \[a\] appears twice/));
  });

  test('a repository from a bare path or URL', () => {
    const p = repoConfigFromLocation('some/dir', { cwd: '/srv' });
    assert.deepEqual(p.baseurl, ['file:///srv/some/dir']);
    assert.match(p.id, /^srv_some_dir-[0-9a-f]{8}$/);
    const u = repoConfigFromLocation('https://example.com/repo/', { id: 'mine' });
    assert.deepEqual([u.id, u.baseurl, u.gpgcheck], ['mine', ['https://example.com/repo/'], false]);
  });
});

describe('repomd signatures', () => {
  const data = new TextEncoder().encode('<repomd>signed bytes</repomd>\n');

  for (const [kind, key] of [['RSA', RSA], ['Ed25519', ED]] as const) {
    test(`${kind}: signRepomd output verifies here and with gpg --verify`, async (t: TestContext) => {
      const asc = await signRepomd(data, readFileSync(key.secret, 'utf8'), { date: new Date(1_750_000_000_000) });
      assert.match(asc, /^-----BEGIN PGP SIGNATURE-----\n/);
      verifyRepomdSignature(data, asc, ring(key.pub), 'repomd.xml.asc');
      if (!needTools(t, 'gpg')) return;
      const dir = join(WORK, `gpg-${kind}`);
      const home = join(dir, 'home');
      mkdirSync(home, { recursive: true, mode: 0o700 });
      writeFileSync(join(dir, 'repomd.xml'), data);
      writeFileSync(join(dir, 'repomd.xml.asc'), asc);
      const gpg = (...args: string[]) => spawnSync('gpg', ['--homedir', home, '--batch', '--no-tty', ...args], { encoding: 'utf8' });
      try {
        assert.equal(gpg('--import', key.pub).status, 0);
        const v = gpg('--verify', join(dir, 'repomd.xml.asc'), join(dir, 'repomd.xml'));
        assert.equal(v.status, 0, v.stderr);
        assert.match(v.stderr, /Good signature/);
        // And the other way: what `gpg --detach-sign --armor` makes (as repository tools run it) verifies here.
        assert.equal(gpg('--import', key.secret).status, 0);
        const s = gpg('--pinentry-mode', 'loopback', '--passphrase', '', '--detach-sign', '--armor', '-o', join(dir, 'gpg.asc'), join(dir, 'repomd.xml'));
        assert.equal(s.status, 0, s.stderr);
        verifyRepomdSignature(data, readFileSync(join(dir, 'gpg.asc'), 'utf8'), ring(key.pub), 'gpg.asc');
      } finally {
        spawnSync('gpgconf', ['--homedir', home, '--kill', 'all']);
      }
    });
  }

  test('BAD, NOKEY and expired keys are refused with one line', async () => {
    const asc = await signRepomd(data, readFileSync(RSA.secret, 'utf8'));
    const other = new TextEncoder().encode('<repomd>other bytes</repomd>\n');
    assert.throws(() => verifyRepomdSignature(other, asc, ring(RSA.pub), 'r.asc'), (e) => e instanceof RepoSignatureError && oneLine(/^r\.asc: .*BAD signature by key 4344591e1964c5fc/)(e));
    assert.throws(() => verifyRepomdSignature(data, asc, ring(ED.pub), 'r.asc'), oneLine(/key 4344591e1964c5fc is not among the trusted keys/));
    assert.throws(() => verifyRepomdSignature(data, 'garbage', ring(RSA.pub), 'r.asc'), oneLine(/^r\.asc: not an armored PGP SIGNATURE block/));
    const born = Date.now() - 10 * 86400_000;
    const k = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'Expiring', email: 'e@example.com' }], date: new Date(born), keyExpirationTime: 3600, format: 'armored' });
    const old = await signRepomd(data, k.privateKey, { date: new Date(born + 60_000) });
    const expiring = new Keyring(parseCerts(k.publicKey));
    verifyRepomdSignature(data, old, expiring, 'r.asc', Math.floor(born / 1000) + 120);
    assert.throws(() => verifyRepomdSignature(data, old, expiring, 'r.asc'), oneLine(/signed by a key that expired on/));
  });
});

describe('metalink and mirrorlist', () => {
  const repomd = new TextEncoder().encode('<repomd/>');
  const sum = (t: string): string => createHash(t).update(repomd).digest('hex');
  const metalink = (hash: string, size = repomd.length): string => `<?xml version="1.0" encoding="utf-8"?>
<metalink version="3.0" xmlns="http://www.metalinker.org/" xmlns:mm0="http://fedorahosted.org/mirrormanager">
 <files>
  <file name="repomd.xml">
   <mm0:timestamp>1700000000</mm0:timestamp>
   <size>${size}</size>
   <verification><hash type="md5">${sum('md5')}</hash><hash type="sha256">${hash}</hash></verification>
   <mm0:alternates><mm0:alternate><size>3</size><verification><hash type="sha256">${'0'.repeat(64)}</hash></verification></mm0:alternate></mm0:alternates>
   <resources maxconnections="1">
    <url protocol="rsync" type="rsync" location="US" preference="100">rsync://r.example/repodata/repomd.xml</url>
    <url protocol="https" type="https" location="US" preference="90">https://b.example/f/repodata/repomd.xml</url>
    <url protocol="https" type="https" location="DE" preference="99">https://a.example/f/repodata/repomd.xml</url>
   </resources>
  </file>
 </files>
</metalink>`;

  test('mirrors by preference, repomd.xml checked against its hashes', () => {
    const m = parseMetalink(metalink(sum('sha256')), 'ml');
    assert.deepEqual(metalinkBaseUrls(m), ['https://a.example/f/', 'https://b.example/f/']);
    assert.equal(m.versions.length, 2);
    checkMetalink(repomd, m, 'repomd.xml');
    const bad = parseMetalink(metalink('f'.repeat(64)), 'ml');
    assert.throws(() => checkMetalink(repomd, bad, 'repomd.xml'), oneLine(/^repomd\.xml: does not match the metalink \(sha256 [0-9a-f]{64}, metalink says f{64} or its 1 alternates\)/));
    assert.throws(() => checkMetalink(repomd, parseMetalink(metalink(sum('sha256'), 99), 'ml'), 'repomd.xml'), /size 9, metalink says 99/);
    assert.throws(() => parseMetalink('<metalink><files/></metalink>', 'ml'), oneLine(/^ml: metalink has no <file name="repomd.xml">/));
    assert.throws(() => parseMetalink('<metalink', 'ml'), oneLine(/^ml: not a valid metalink/));
  });

  test('mirrorlist lines', () => {
    const l = parseMirrorlist('# mirrors\n\nhttp://a.example/$basearch/\n  https://b.example/x/ \nftp://c.example/\nhttp://a.example/$basearch/\n', { basearch: 'aarch64' });
    assert.deepEqual(l, ['http://a.example/aarch64/', 'https://b.example/x/']);
  });
});

describe('repositories', () => {
  let server: TestServer;
  let srv: string;
  let repoDir: string;
  let built = false;
  let cacheN = 0;
  const cacheDir = (): string => join(WORK, 'cache', String(cacheN++));
  const repoUrl = (): string => `${server.url}/repo/`;
  const httpRepo = (over: Partial<RepoConfig> = {}): RepoConfig => ({ ...repoConfigFromLocation(repoUrl(), { id: 'test' }), ...over });
  const primaryPath = (): string => {
    const r = parseRepomd(readFileSync(join(repoDir, 'repodata', 'repomd.xml'), 'utf8'), 'repomd.xml');
    return `/repo/${r.records.find((x) => x.type === 'primary')!.location}`;
  };

  before(async () => {
    srv = join(WORK, 'srv');
    repoDir = join(srv, 'repo');
    mkdirSync(repoDir, { recursive: true });
    server = await startServer(srv);
  });
  after(() => server.close());

  /** createrepo_c's repository of the fixture packages, signed with the RSA test key. */
  async function needRepo(t: TestContext): Promise<boolean> {
    if (!needTools(t, 'createrepo_c')) return false;
    if (built) return true;
    cpSync(join(FIXTURES, 'createrepo_c', 'packages'), join(repoDir, 'Packages'), { recursive: true });
    const r = spawnSync('createrepo_c', ['--no-database', repoDir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const xml = readFileSync(join(repoDir, 'repodata', 'repomd.xml'));
    writeFileSync(join(repoDir, 'repodata', 'repomd.xml.asc'), await signRepomd(xml, readFileSync(RSA.secret, 'utf8')));
    built = true;
    return true;
  }
  const open = (config: RepoConfig, extra: Partial<OpenOptions> = {}) => openRepository(config, { cacheDir: cacheDir(), fetch: FAST, ...extra });
  const names = (xml: Uint8Array): string[] => [...Buffer.from(xml).toString('utf8').matchAll(/<name>([^<]+)<\/name>/g)].map((m) => m[1]).sort();

  test('plain records are preferred over zchunk ones, which are the fallback', () => {
    const rec = (type: string) => ({ type, location: `repodata/${type}.xml`, checksum: { type: 'sha256', value: '0'.repeat(64) } });
    const repomd = (...types: string[]) => ({ revision: '1', tags: { content: [], repo: [], distro: [] }, records: types.map(rec) });
    assert.equal(chooseRecord(repomd('primary_zck', 'primary', 'primary_db'), 'primary')?.type, 'primary');
    assert.equal(chooseRecord(repomd('group_zck', 'group_gz'), 'group')?.type, 'group_gz');
    assert.equal(chooseRecord(repomd('updateinfo_zck'), 'updateinfo')?.type, 'updateinfo_zck');
    assert.equal(chooseRecord(repomd('primary_db'), 'primary'), undefined);
  });

  test('a local repository is read in place and verified', async (t) => {
    if (!(await needRepo(t))) return;
    const cache = cacheDir();
    const opened = await openRepository(repoConfigFromLocation(repoDir), { cacheDir: cache, want: ['filelists', 'other'] });
    assert.equal(opened.local, true);
    const primary = await opened.readRecord('primary');
    assert.ok(names(primary!).includes('Archer'));
    assert.match(Buffer.from((await opened.readRecord('filelists'))!).toString(), /<filelists /);
    assert.equal(await opened.readRecord('updateinfo'), undefined);
    assert.throws(() => readdirSync(cache), /ENOENT/, 'nothing cached for a local repository');
    const rpm = readdirSync(join(repoDir, 'Packages')).find((f) => f.startsWith('Archer'))!;
    const body = readFileSync(join(repoDir, 'Packages', rpm));
    const sum = { type: 'sha256', value: createHash('sha256').update(body).digest('hex') };
    assert.equal(await fetchPackage(opened, `Packages/${rpm}`, { size: body.length, checksum: sum }), join(repoDir, 'Packages', rpm));
    await assert.rejects(fetchPackage(opened, `Packages/${rpm}`, { size: body.length, checksum: { type: 'sha256', value: '0'.repeat(64) } }), oneLine(/sha256 checksum mismatch/));
    await assert.rejects(fetchPackage(opened, '../../etc/passwd', { checksum: sum }), oneLine(/climbs out of the repository/));
    assert.throws(() => opened.packageUrl('/etc/passwd'), oneLine(/is absolute/));
  });

  test('a flipped byte in a local primary fails; a ".." location in repomd.xml is refused', async (t) => {
    if (!(await needRepo(t))) return;
    const copy = join(WORK, 'local-bad');
    cpSync(join(repoDir, 'repodata'), join(copy, 'repodata'), { recursive: true });
    const p = join(copy, primaryPath().replace('/repo/', ''));
    const b = readFileSync(p);
    b[b.length >> 1] ^= 1;
    writeFileSync(p, b);
    await assert.rejects(openRepository(repoConfigFromLocation(copy), { cacheDir: cacheDir() }), oneLine(/primary\.xml\.\w+: sha256 checksum mismatch/));
    const repomd = join(copy, 'repodata', 'repomd.xml');
    writeFileSync(repomd, readFileSync(repomd, 'utf8').replace(/href="repodata\/([^"]*primary)/, 'href="../../$1'));
    await assert.rejects(openRepository(repoConfigFromLocation(copy), { cacheDir: cacheDir() }), (e) => e instanceof RepoFormatError && oneLine(/"\.\." in location/)(e));
    assert.throws(() => safeLocation('a/../../b', 'x'), oneLine(/climbs out/));
    assert.throws(() => safeLocation('file:///etc/passwd', 'x'), oneLine(/is a URL/));
  });

  test('over HTTP: cache hit makes no request, expiry re-checks repomd only, refresh forces it', async (t) => {
    if (!(await needRepo(t))) return;
    server.resetCounts();
    const cache = cacheDir();
    const now = 1_800_000_000_000;
    const config = httpRepo({ metadataExpire: 3600 });
    const a = await openRepository(config, { cacheDir: cache, now, fetch: FAST });
    assert.equal(a.fromCache, false);
    assert.ok(names((await a.readRecord('primary'))!).includes('Rimmer'));
    assert.equal(server.count('/repo/repodata/repomd.xml'), 1);
    assert.equal(server.count(primaryPath()), 1);
    const b = await openRepository(config, { cacheDir: cache, now: now + 1000, fetch: FAST });
    assert.equal(b.fromCache, true);
    assert.deepEqual(await b.readRecord('primary'), await a.readRecord('primary'));
    assert.equal(server.count('/repo/repodata/repomd.xml'), 1, 'fresh cache: no request');
    await openRepository(config, { cacheDir: cache, now: now + 3601_000, fetch: FAST });
    assert.equal(server.count('/repo/repodata/repomd.xml'), 2, 'expired: repomd.xml fetched again');
    assert.equal(server.count(primaryPath()), 1, 'unchanged primary not downloaded again');
    await openRepository(config, { cacheDir: cache, now: now + 3602_000, refresh: true, fetch: FAST });
    assert.equal(server.count('/repo/repodata/repomd.xml'), 3, 'refresh');
    // A damaged cached record is noticed and fetched again.
    const cached = join(b.cachePath, 'records', primaryPath().replace('/repo/', ''));
    writeFileSync(cached, 'junk');
    const c = await openRepository(config, { cacheDir: cache, now: now + 3603_000, fetch: FAST });
    assert.equal(c.fromCache, true);
    assert.equal(server.count(primaryPath()), 2);
    // Packages: downloaded once, verified, then served from the cache.
    const rpm = readdirSync(join(repoDir, 'Packages')).find((f) => f.startsWith('Rimmer'))!;
    const body = readFileSync(join(repoDir, 'Packages', rpm));
    const expected = { size: body.length, checksum: { type: 'sha256', value: createHash('sha256').update(body).digest('hex') } };
    const p1 = await fetchPackage(c, `Packages/${rpm}`, expected, { fetch: FAST });
    assert.deepEqual(readFileSync(p1), body);
    await fetchPackage(c, `Packages/${rpm}`, expected, { fetch: FAST });
    assert.equal(server.count(`/repo/Packages/${rpm}`), 1);
    server.fault(`/repo/Packages/${rpm}`, { corrupt: true, times: 1 });
    rmSync(p1);
    await assert.rejects(fetchPackage(c, `Packages/${rpm}`, expected, { fetch: FAST }), oneLine(/sha256 checksum mismatch/));
    assert.throws(() => readFileSync(p1), /ENOENT/, 'nothing half-written');
  });

  test('5xx and truncated bodies are retried; a slow answer times out and is retried', async (t) => {
    if (!(await needRepo(t))) return;
    server.resetCounts();
    server.fault('/repo/repodata/repomd.xml', { status: 503, times: 2 });
    server.fault(primaryPath(), { truncateTo: 10, times: 1 });
    const opened = await open(httpRepo());
    assert.ok(names((await opened.readRecord('primary'))!).includes('Archer'));
    assert.equal(server.count('/repo/repodata/repomd.xml'), 3);
    assert.equal(server.count(primaryPath()), 2);
    server.resetCounts();
    server.fault('/repo/repodata/repomd.xml', { delayMs: 5000, times: 1 });
    await open(httpRepo(), { fetch: { ...FAST, idleTimeoutMs: 200 } });
    assert.equal(server.count('/repo/repodata/repomd.xml'), 2);
    server.clearFaults();
  });

  test('persistent failures fail with one line naming URL and reason', async (t) => {
    if (!(await needRepo(t))) return;
    server.fault('/repo/repodata/repomd.xml', { status: 500 });
    await assert.rejects(open(httpRepo()), (e) => e instanceof RepoFetchError && oneLine(/^test: repodata\/repomd\.xml: http:\/\/127\.0\.0\.1:\d+\/repo\/repodata\/repomd\.xml: HTTP 500 .*\(after 3 attempts\)$/)(e));
    server.clearFaults();
    server.fault('/repo/repodata/repomd.xml', { delayMs: 5000 });
    await assert.rejects(open(httpRepo(), { fetch: { ...FAST, retries: 0, idleTimeoutMs: 100 } }), oneLine(/no data for 100 ms/));
    server.clearFaults();
    server.fault(primaryPath(), { corrupt: true });
    await assert.rejects(open(httpRepo()), oneLine(/primary\.xml\.\w+: http:.*: sha256 checksum mismatch \(got [0-9a-f]{64}, expected [0-9a-f]{64}\)$/));
    server.clearFaults();
    server.fault(primaryPath(), { truncateTo: 10 });
    await assert.rejects(open(httpRepo()), oneLine(/primary\.xml\.\w+: http:.*: truncated: 10 of \d+ bytes \(.*\) \(after 3 attempts\)$/));
    server.clearFaults();
    server.fault(primaryPath(), { body: 'short' });
    await assert.rejects(open(httpRepo()), oneLine(/server says 5 bytes, expected \d+|size is 5 bytes, expected \d+/));
    server.clearFaults();
    await assert.rejects(open(httpRepo({ baseurl: [`${server.url}/nothing/`] })), (e) => e instanceof RepoFetchError && e.status === 404 && oneLine(/HTTP 404/)(e));
    server.clearFaults();
  });

  test('repo_gpgcheck: good, bad and missing signatures', async (t) => {
    if (!(await needRepo(t))) return;
    const signed = httpRepo({ repoGpgcheck: true, gpgkey: [`file://${RSA.pub}`] });
    const opened = await open(signed);
    assert.ok(opened.record('primary'));
    await open(signed, { keyring: ring(RSA.pub) });
    await assert.rejects(open(signed, { keyring: ring(ED.pub) }), (e) => e instanceof RepoSignatureError && oneLine(/not among the trusted keys/)(e));
    const forged = await signRepomd(new TextEncoder().encode('something else'), readFileSync(RSA.secret, 'utf8'));
    server.fault('/repo/repodata/repomd.xml.asc', { body: forged });
    await assert.rejects(open(signed), oneLine(/^test: repodata\/repomd\.xml: signature check failed: BAD signature/));
    server.clearFaults();
    server.fault('/repo/repodata/repomd.xml.asc', { status: 404 });
    await assert.rejects(open(signed), oneLine(/repo_gpgcheck is on but the repository has no signature/));
    server.clearFaults();
    await assert.rejects(open(httpRepo({ repoGpgcheck: true })), oneLine(/repo_gpgcheck is on but no gpgkey/));
    // Locally too.
    await openRepository({ ...repoConfigFromLocation(repoDir), repoGpgcheck: true, gpgkey: [RSA.pub] }, { cacheDir: cacheDir() });
    await assert.rejects(openRepository({ ...repoConfigFromLocation(repoDir), repoGpgcheck: true, gpgkey: [ED.pub] }, { cacheDir: cacheDir() }), RepoSignatureError);
  });

  test('metalink: a failing mirror falls back to the next; a stale repomd.xml is refused', async (t) => {
    if (!(await needRepo(t))) return;
    const xml = readFileSync(join(repoDir, 'repodata', 'repomd.xml'));
    const ml = (sha: string): string => `<?xml version="1.0"?><metalink version="3.0" xmlns="http://www.metalinker.org/"><files><file name="repomd.xml">
<size>${xml.length}</size><verification><hash type="sha256">${sha}</hash></verification><resources>
<url protocol="http" preference="100">${server.url}/gone/repodata/repomd.xml</url>
<url protocol="http" preference="90">${server.url}/broken/repodata/repomd.xml</url>
<url protocol="http" preference="80">${server.url}/repo/repodata/repomd.xml</url>
</resources></file></files></metalink>`;
    server.resetCounts();
    server.fault('/metalink', { body: ml(createHash('sha256').update(xml).digest('hex')) });
    server.fault('/broken/repodata/repomd.xml', { status: 500 });
    const config = httpRepo({ baseurl: [], metalink: `${server.url}/metalink` });
    const opened = await open(config);
    assert.deepEqual(opened.baseUrls, [`${server.url}/repo/`, `${server.url}/gone/`, `${server.url}/broken/`]);
    assert.equal(server.count('/gone/repodata/repomd.xml'), 1, '404: no retry');
    assert.equal(server.count('/broken/repodata/repomd.xml'), 3, '500: retried');
    server.clearFaults();
    server.fault('/metalink', { body: ml('0'.repeat(64)) });
    await assert.rejects(open(config), oneLine(/all 3 mirrors failed: .*does not match the metalink/));
    server.clearFaults();
  });

  test('a .repo file with variables, opened over HTTP', async (t) => {
    if (!(await needRepo(t))) return;
    const text = `[srv-$releasever]\nname=Test $releasever\nbaseurl=${server.url}/\${dir}/\nmetadata_expire=1h\n`;
    const [config] = parseRepoFile(text, 'srv.repo', { vars: { releasever: '42', dir: 'repo' } });
    const opened = await open(config, { want: ['other'] });
    assert.equal(opened.config.id, 'srv-42');
    assert.match(Buffer.from((await opened.readRecord('other'))!).toString(), /<otherdata /);
  });

  test('mirrorlist: the second mirror serves when the first 404s', async (t) => {
    if (!(await needRepo(t))) return;
    server.fault('/mirrors', { body: `# list\n${server.url}/gone/\n${server.url}/repo/\n` });
    const opened = await open(httpRepo({ baseurl: [], mirrorlist: `${server.url}/mirrors` }));
    assert.equal(opened.baseUrls[0], `${server.url}/repo/`);
    assert.ok(names((await opened.readRecord('primary'))!).includes('Archer'));
    server.clearFaults();
  });
});

describe('downloads', () => {
  let server: TestServer;
  const dir = join(WORK, 'dl');
  before(async () => {
    mkdirSync(join(dir, 'srv'), { recursive: true });
    writeFileSync(join(dir, 'srv', 'f'), 'hello world\n');
    server = await startServer(join(dir, 'srv'));
  });
  after(() => server.close());

  test('redirects are followed, sizes bounded, file:// and paths read', async () => {
    server.fault('/moved', { redirect: '/f' });
    assert.equal(Buffer.from((await fetchBytes(`${server.url}/moved`, FAST)).data).toString(), 'hello world\n');
    await assert.rejects(fetchBytes(`${server.url}/f`, { ...FAST, maxSize: 4 }), oneLine(/12 bytes, more than 4/));
    server.fault('/evil', { redirect: 'file:///etc/passwd' });
    await assert.rejects(fetchBytes(`${server.url}/evil`, FAST), oneLine(/refusing redirect to file:/));
    assert.equal(Buffer.from((await fetchBytes(`file://${dir}/srv/f`)).data).toString(), 'hello world\n');
    const dest = join(dir, 'out', 'f');
    await downloadFile([`${dir}/srv/missing`, `${server.url}/f`], dest, { ...FAST, expected: { size: 12 } });
    assert.equal(readFileSync(dest, 'utf8'), 'hello world\n');
    await assert.rejects(fetchBytes('ftp://x/y'), oneLine(/unsupported protocol ftp:/));
  });
});
