// `strata repo publish`, `repo query` and `repo compare` as a user runs them: a repository with
// advisories (TOML) and comps groups, queries by pattern, capability, file, arch and format, a
// comparison of two snapshots, the same query over HTTP, and every usage mistake answered in one line.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { decompressMetadata } from '../../src/repo/compression.ts';
import { parseComps } from '../../src/repo/comps.ts';
import { parseUpdateinfo } from '../../src/repo/updateinfo.ts';
import { type PackSpec, packRpm } from '../../src/rpm/index.ts';
import { type CliResult, strata } from '../support/cli.ts';
import { FIXTURES, ROOT, workDir } from '../support/fixtures.ts';
import { startServer } from '../support/http-server.ts';

const execFileP = promisify(execFile);
const work = workDir('cli-repo');
const COMPS = join(FIXTURES, 'createrepo_c', 'comps_files', 'comps_00.xml');
const env = { STRATA_CACHE_DIR: join(work, 'cache') };
const repoA = join(work, 'a'); // the query repository
const snap1 = join(work, 'snap1'); // two snapshots for compare
const snap2 = join(work, 'snap2');

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

let serial = 0;
async function pack(outDir: string, name: string, version: string, extra: Partial<PackSpec> = {}, sde = 1_790_000_000): Promise<string> {
  const tree = join(work, 'tree', `${name}-${version}-${serial++}`);
  mkdirSync(join(tree, 'usr', 'share', name), { recursive: true });
  writeFileSync(join(tree, 'usr', 'share', name, 'README'), `${name} ${version}\n`);
  const r = await packRpm(
    { name, version, release: '1', summary: `The ${name} package`, license: 'MIT', root: tree, ...extra },
    { outputDir: outDir, sourceDateEpoch: sde },
  );
  return r.path;
}

const ADVISORIES = `
[[advisory]]
id = "STRATA-2026-0101"
type = "security"
title = "hello 1.1 security update"
issued = 2026-11-01T00:00:00Z
severity = "Important"
summary = "Fixes in hello"
collection = "strata-1"
[[advisory.references]]
type = "cve"
id = "CVE-2026-0101"
href = "https://www.cve.org/CVERecord?id=CVE-2026-0101"
[[advisory.packages]]
name = "hello"
version = "1.1"
release = "1"
arch = "noarch"

[[advisory]]
id = "STRATA-2026-0102"
type = "bugfix"
title = "libgreet 1.1"
issued = "2026-11-02"
[[advisory.packages]]
name = "libgreet"
version = "1.1"
release = "1"
arch = "noarch"
`;

/** One line on stderr naming the problem, no stack trace. */
function oneLineError(r: CliResult, code: number, re: RegExp, what: string): void {
  assert.equal(r.code, code, `${what}: exit ${r.code}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `${what}: ${r.stderr}`);
  assert.match(lines[0], /^strata: /, what);
  assert.match(lines[0], re, what);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error/, what);
}

const lines = (r: CliResult): string[] => r.stdout.split('\n').filter(Boolean);

before(async () => {
  rmSync(work, { recursive: true, force: true });
  const pk = join(repoA, 'Packages');
  await pack(pk, 'libgreet', '1.0', { deps: { provides: ['libgreet(api) = 1'] } });
  await pack(pk, 'libgreet', '1.1', { deps: { provides: ['libgreet(api) = 1'] } });
  await pack(pk, 'hello', '1.0', { deps: { requires: ['libgreet(api) >= 1'] } });
  await pack(pk, 'hello', '1.1', { deps: { requires: ['libgreet(api) >= 1'] } });
  await pack(pk, 'tool', '2.0', { arch: 'x86_64' });
  writeFileSync(join(work, 'advisories.toml'), ADVISORIES);

  // snap1 → snap2: hello upgraded, tool removed, newpkg added, libgreet rebuilt under the same NEVRA.
  await pack(snap1, 'libgreet', '1.0');
  await pack(snap1, 'hello', '1.0');
  await pack(snap1, 'tool', '2.0');
  await pack(snap2, 'libgreet', '1.0', {}, 1_790_000_500);
  await pack(snap2, 'hello', '1.1');
  await pack(snap2, 'newpkg', '1.0');
  for (const d of [snap1, snap2]) assert.equal(strata(['repo', 'publish', '-q', d], { env }).code, 0);
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('strata repo publish / query / compare', () => {
  test('repo publish --advisories (TOML) --groups -o json, then --update', async () => {
    const r = strata(['repo', 'publish', '-o', 'json', '--advisories', join(work, 'advisories.toml'), '--groups', COMPS, repoA], {
      env: { ...env, SOURCE_DATE_EPOCH: '1790000000' },
    });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as {
      root: string;
      revision: string;
      packages: number;
      read: number;
      reused: number;
      signedPackages: number;
      signed: boolean;
      records: Array<{ type: string; location: string; size: number; checksum: string }>;
    };
    assert.deepEqual(Object.keys(j).sort(), ['packages', 'read', 'records', 'reused', 'revision', 'root', 'signed', 'signedPackages']);
    assert.equal(j.root, repoA);
    assert.equal(j.revision, '1790000000');
    assert.deepEqual([j.packages, j.read, j.reused, j.signedPackages, j.signed], [5, 5, 0, 0, false]);
    assert.deepEqual(j.records.map((x) => x.type).sort(), ['filelists', 'group', 'group_gz', 'other', 'primary', 'updateinfo']);
    for (const rec of j.records) {
      assert.deepEqual(Object.keys(rec).sort(), ['checksum', 'location', 'size', 'type']);
      const path = join(repoA, rec.location);
      assert.equal(sha256(path), rec.checksum, rec.type);
      assert.equal(statSync(path).size, rec.size, rec.type);
    }
    const file = (type: string): string => join(repoA, j.records.find((x) => x.type === type)!.location);
    const updateinfo = parseUpdateinfo(Buffer.from(await decompressMetadata(readFileSync(file('updateinfo')), 'updateinfo')).toString(), 'u');
    assert.deepEqual(updateinfo.map((a) => [a.id, a.type, a.severity, a.collections[0].packages[0].filename]), [
      ['STRATA-2026-0101', 'security', 'Important', 'hello-1.1-1.noarch.rpm'],
      ['STRATA-2026-0102', 'bugfix', undefined, 'libgreet-1.1-1.noarch.rpm'],
    ]);
    assert.equal(updateinfo[0].references[0].id, 'CVE-2026-0101');
    const groups = parseComps(Buffer.from(await decompressMetadata(readFileSync(file('group_gz')), 'group_gz')).toString(), 'g');
    assert.deepEqual(groups.groups.map((g) => g.id), ['test-group']);
    assert.ok(readFileSync(file('group')).equals(readFileSync(COMPS)));

    // Table output; --update reuses everything and keeps updateinfo and the groups.
    const u = strata(['repo', 'publish', '--update', repoA], { env });
    assert.equal(u.code, 0, u.stderr);
    assert.match(u.stdout, /^TYPE +SIZE +LOCATION\n/);
    for (const t of ['primary', 'filelists', 'other', 'updateinfo', 'group', 'group_gz']) assert.match(u.stdout, new RegExp(`^${t} +\\d+ +repodata/`, 'm'));
    assert.match(u.stderr, /^5 packages \(0 read, 5 reused\), revision \d+$/m);
  });

  test('repo query: patterns, --whatprovides, --whatrequires, --latest, --arch, --qf, -o json', () => {
    const q = (...args: string[]): CliResult => {
      const r = strata(['repo', 'query', '--nogpgcheck', '--repo', repoA, ...args], { env });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      return r;
    };
    assert.deepEqual(lines(q('hello')), ['hello-0:1.0-1.noarch', 'hello-0:1.1-1.noarch']);
    assert.deepEqual(lines(q('lib*', 'tool')), ['libgreet-0:1.0-1.noarch', 'libgreet-0:1.1-1.noarch', 'tool-0:2.0-1.x86_64']);
    assert.deepEqual(lines(q('hello-1.1')), ['hello-0:1.1-1.noarch']);
    assert.deepEqual(lines(q('nosuch')), []);
    assert.deepEqual(lines(q('--whatprovides', 'libgreet(api)')), ['libgreet-0:1.0-1.noarch', 'libgreet-0:1.1-1.noarch']);
    assert.deepEqual(lines(q('--whatprovides', 'libgreet(api) > 1')), []);
    // A file only filelists.xml knows about.
    assert.deepEqual(lines(q('--whatprovides', '/usr/share/hello/README')), ['hello-0:1.0-1.noarch', 'hello-0:1.1-1.noarch']);
    assert.deepEqual(lines(q('--whatrequires', 'libgreet(api)')), ['hello-0:1.0-1.noarch', 'hello-0:1.1-1.noarch']);
    // By package name: what requires anything libgreet provides (dnf's default), or the name only.
    assert.deepEqual(lines(q('--whatrequires', 'libgreet')), ['hello-0:1.0-1.noarch', 'hello-0:1.1-1.noarch']);
    assert.deepEqual(lines(q('--whatrequires', 'libgreet', '--exactdeps')), []);
    assert.deepEqual(lines(q('--latest')), ['hello-0:1.1-1.noarch', 'libgreet-0:1.1-1.noarch', 'tool-0:2.0-1.x86_64']);
    assert.deepEqual(lines(q('--arch', 'x86_64')), ['tool-0:2.0-1.x86_64']);
    const qf = lines(q('--qf', '%{name}|%{version}|%{arch}|%{repoid}', '--latest', 'hello', 'tool'));
    assert.equal(qf.length, 2);
    assert.match(qf[0], /^hello\|1\.1\|noarch\|\S+$/);
    assert.match(qf[1], /^tool\|2\.0\|x86_64\|\S+$/);

    const j = JSON.parse(q('-o', 'json', 'hello').stdout) as Array<Record<string, unknown> & { location: string; checksum: { type: string; value: string } }>;
    assert.equal(j.length, 2);
    for (const p of j) {
      for (const k of ['nevra', 'name', 'epoch', 'version', 'release', 'arch', 'repoid', 'summary', 'location', 'checksum', 'packageSize', 'installedSize', 'buildTime', 'sourceRpm', 'license']) {
        assert.ok(k in p, `json lacks ${k}`);
      }
      assert.equal(p.name, 'hello');
      assert.equal(p.summary, 'The hello package');
      assert.equal(p.checksum.type, 'sha256');
      assert.equal(p.checksum.value, sha256(join(repoA, p.location)));
      assert.equal(p.packageSize, statSync(join(repoA, p.location)).size);
    }
    assert.deepEqual(j.map((p) => p.nevra).sort(), ['hello-0:1.0-1.noarch', 'hello-0:1.1-1.noarch']);
  });

  test('repo compare: table, --stat, --checksums, -o json', () => {
    const cmp = (...args: string[]): CliResult => {
      const r = strata(['repo', 'compare', '--nogpgcheck', ...args, snap1, snap2], { env });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      return r;
    };
    const size = (dir: string, names: string[]): number => names.reduce((s, n) => s + statSync(join(dir, n)).size, 0);
    const delta =
      size(snap2, ['libgreet-1.0-1.noarch.rpm', 'hello-1.1-1.noarch.rpm', 'newpkg-1.0-1.noarch.rpm']) -
      size(snap1, ['libgreet-1.0-1.noarch.rpm', 'hello-1.0-1.noarch.rpm', 'tool-2.0-1.noarch.rpm']);
    const sign = delta >= 0 ? '+' : '';

    const table = lines(cmp());
    assert.deepEqual(table, [
      'CHANGE    PACKAGE',
      'added     newpkg-0:1.0-1.noarch',
      'removed   tool-0:2.0-1.noarch',
      'upgraded  hello-0:1.0-1.noarch -> hello-0:1.1-1.noarch',
      `3 -> 3 packages: 1 added, 1 removed, 1 upgraded, 0 downgraded; size ${sign}${delta} bytes`,
    ]);
    const withSums = lines(cmp('--checksums'));
    const libA = sha256(join(snap1, 'libgreet-1.0-1.noarch.rpm'));
    const libB = sha256(join(snap2, 'libgreet-1.0-1.noarch.rpm'));
    assert.notEqual(libA, libB);
    assert.ok(withSums.includes(`changed   libgreet-0:1.0-1.noarch (${libA.slice(0, 12)} -> ${libB.slice(0, 12)})`), withSums.join('\n'));
    assert.match(withSums.at(-1)!, /, 1 changed; size /);
    assert.deepEqual(lines(cmp('--stat')), [`3 -> 3 packages: 1 added, 1 removed, 1 upgraded, 0 downgraded; size ${sign}${delta} bytes`]);

    const j = JSON.parse(cmp('-o', 'json', '--checksums').stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(j).sort(), ['added', 'changed', 'downgraded', 'removed', 'stat', 'upgraded']);
    assert.deepEqual(j.added, ['newpkg-0:1.0-1.noarch']);
    assert.deepEqual(j.removed, ['tool-0:2.0-1.noarch']);
    assert.deepEqual(j.upgraded, [{ from: 'hello-0:1.0-1.noarch', to: 'hello-0:1.1-1.noarch' }]);
    assert.deepEqual(j.downgraded, []);
    assert.deepEqual(j.changed, [{ nevra: 'libgreet-0:1.0-1.noarch', from: libA, to: libB }]);
    const stat = JSON.parse(cmp('-o', 'json', '--stat').stdout) as {
      left: { packages: number };
      right: { packages: number };
      added: number;
      removed: number;
      upgraded: number;
      downgraded: number;
      packageSizeDelta: number;
    };
    assert.deepEqual([stat.left.packages, stat.right.packages, stat.added, stat.removed, stat.upgraded, stat.downgraded], [3, 3, 1, 1, 1, 0]);
    assert.equal(stat.packageSizeDelta, delta);
    assert.deepEqual((j.stat as { packageSizeDelta: number }).packageSizeDelta, delta);
    // Without --checksums there is no "changed" list.
    assert.equal('changed' in (JSON.parse(cmp('-o', 'json').stdout) as object), false);
  });

  test('mistakes: one line on stderr, exit 2 for usage and 1 for failures, repository untouched', () => {
    const missing = join(work, 'missing-dir');
    const badToml = join(work, 'bad.toml');
    writeFileSync(badToml, ADVISORIES.replace('severity = "Important"', 'severty = "Important"'));
    const repomd = readFileSync(join(repoA, 'repodata', 'repomd.xml'));
    const cases: Array<[string[], number, RegExp]> = [
      [['repo', 'publish'], 2, /repo publish: missing argument/],
      [['repo', 'publish', missing], 1, /missing-dir: no such directory/],
      [['repo', 'publish', '--compress', 'lz4', repoA], 2, /--compress: unknown "lz4"/],
      [['repo', 'publish', '--checksum', 'md5', repoA], 2, /--checksum: unknown "md5"/],
      [['repo', 'publish', '--no-stat-trust', repoA], 2, /--no-stat-trust needs --update/],
      [['repo', 'publish', '--sign-packages', repoA], 2, /--sign-packages needs --sign-key/],
      [['repo', 'publish', '--sign-key', join(work, 'nokey.asc'), repoA], 1, /nokey\.asc/],
      [['repo', 'publish', '--workers', '0', repoA], 2, /--workers: expected an integer >= 1/],
      [['repo', 'publish', '--advisories', badToml, repoA], 1, /bad\.toml.*severty/],
      [['repo', 'publish', '--groups', join(work, 'advisories.toml'), repoA], 1, /advisories\.toml/],
      [['repo', 'query', '--repo', repoA, '--key', join(work, 'nokey.pub'), 'hello'], 1, /nokey\.pub/],
      [['repo', 'query', '--repo', repoA, '--qf', '%{name} %{bogus}'], 2, /--qf: unknown query tag %\{bogus\}/],
      [['repo', 'query', '--repo', repoA], 1, /repomd\.xml would be read without a signature check: give --key FILE .* or --nogpgcheck/],
      [['repo', 'compare', repoA, repoA], 1, /without a signature check/],
      [['repo', 'query', '--nogpgcheck', '--repo', repoA, '--whatprovides', '(a or b)'], 2, /bad dependency "\(a or b\)"/],
      [['repo', 'query', '--repo', repoA, '--latest-limit', 'x'], 2, /--latest-limit: expected an integer/],
      [['repo', 'query', 'hello'], 2, /no repositories/],
      [['repo', 'query', '--nogpgcheck', '--repo', missing, 'hello'], 1, /missing-dir.*repomd\.xml/],
      [['repo', 'compare', repoA], 2, /repo compare: missing argument/],
      [['repo', 'compare', '--nogpgcheck', repoA, missing], 1, /missing-dir.*repomd\.xml/],
    ];
    for (const [args, code, re] of cases) oneLineError(strata(args, { env }), code, re, args.join(' '));
    assert.ok(readFileSync(join(repoA, 'repodata', 'repomd.xml')).equals(repomd), 'a failed command changed the repository');
    assert.equal(existsSync(missing), false);
    assert.equal(existsSync(join(repoA, '.strata-publish.lock')), false);
  });

  test('--help of each command shows options and an example', () => {
    for (const cmd of ['publish', 'query', 'compare']) {
      const r = strata(['repo', cmd, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Usage: strata repo ${cmd} `));
      assert.match(r.stdout, /\nOptions:\n/);
      assert.match(r.stdout, new RegExp(`\\nExamples:\\n {2}strata repo ${cmd} `));
    }
  });

  test('repo query over HTTP (a published repository served by URL, cached under STRATA_CACHE_DIR)', async () => {
    const server = await startServer(repoA);
    const cache = join(work, 'http-cache');
    try {
      // spawnSync would block the server living in this process: the CLI runs asynchronously here.
      const run = async (args: string[]): Promise<CliResult> => {
        try {
          const r = await execFileP(process.execPath, [join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
            env: { ...process.env, STRATA_CACHE_DIR: cache },
            encoding: 'utf8',
          });
          return { code: 0, stdout: r.stdout, stderr: r.stderr };
        } catch (e) {
          const x = e as { code?: number; stdout?: string; stderr?: string };
          return { code: x.code ?? 1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
        }
      };
      const r = await run(['repo', 'query', '--nogpgcheck', '--repo', `${server.url}/`, '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const remote = (JSON.parse(r.stdout) as Array<{ nevra: string; checksum: { value: string }; location: string }>).map((p) => [p.nevra, p.checksum.value, p.location]).sort();
      const local = (JSON.parse(strata(['repo', 'query', '--nogpgcheck', '--repo', repoA, '-o', 'json'], { env }).stdout) as Array<{ nevra: string; checksum: { value: string }; location: string }>)
        .map((p) => [p.nevra, p.checksum.value, p.location])
        .sort();
      assert.equal(remote.length, 5);
      assert.deepEqual(remote, local);
      assert.ok(server.count('/repodata/repomd.xml') >= 1);
      assert.ok(existsSync(cache), 'nothing cached under STRATA_CACHE_DIR');
      const w = await run(['repo', 'query', '--nogpgcheck', '--repo', `${server.url}/`, '--whatprovides', '/usr/share/hello/README', '--latest']);
      assert.equal(w.code, 0, w.stderr);
      assert.deepEqual(lines(w), ['hello-0:1.1-1.noarch']);
      // A package file fetched and checked against primary.xml.
      const v = await run(['repo', 'query', '--nogpgcheck', '--repo', `${server.url}/`, '--verify-packages', 'tool']);
      assert.equal(v.code, 0, v.stderr);
      assert.equal(server.count('/Packages/tool-2.0-1.x86_64.rpm'), 1);
    } finally {
      await server.close();
    }
  });
});
