// End to end with the tool users trust: a repository Strata publishes and signs (packages and
// repomd.xml) is installed from by Debian's dnf with gpgcheck=1 and repo_gpgcheck=1, its advisories
// show in `dnf updateinfo list --security`, and one flipped byte anywhere — any metadata file, the
// signature, a package — makes both dnf and `strata repo query` refuse.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Advisory } from '../../src/repo/model.ts';
import { publishRepository } from '../../src/repo/publish/index.ts';
import { packRpm } from '../../src/rpm/index.ts';
import { strata } from '../support/cli.ts';
import { FIXTURES, workDir } from '../support/fixtures.ts';
import { hasTool, needTools } from '../support/tools.ts';

const KEY = join(FIXTURES, 'rpm', 'keys', 'rpm.org-rsa-2048-test.secret');
const PUB = join(FIXTURES, 'rpm', 'keys', 'rpm.org-rsa-2048-test.pub');
const work = workDir('repo-dnf');
const good = join(work, 'good');

function advisory(id: string, type: Advisory['type'], severity: string, pkg: string, version: string): Advisory {
  return {
    id,
    type,
    status: 'final',
    from: 'security@example.com',
    title: `${pkg} ${version} update`,
    issued: '2026-11-01 00:00:00',
    updated: '2026-11-02 00:00:00',
    severity,
    summary: `Fixes in ${pkg}`,
    description: `Update ${pkg} to ${version}.`,
    rebootSuggested: false,
    references: [{ href: `https://www.cve.org/CVERecord?id=CVE-2026-${id.slice(-4)}`, id: `CVE-2026-${id.slice(-4)}`, type: 'cve', title: 'CVE' }],
    collections: [
      {
        short: 'strata-1',
        name: 'Strata 1',
        packages: [{ name: pkg, epoch: '0', version, release: '1', arch: 'noarch', filename: `${pkg}-${version}-1.noarch.rpm` }],
      },
    ],
  };
}

async function buildRepo(): Promise<void> {
  mkdirSync(join(good, 'Packages'), { recursive: true });
  const specs = [
    { name: 'libgreet', version: '1.0', deps: { provides: ['libgreet(api) = 1'] } },
    { name: 'libgreet', version: '1.1', deps: { provides: ['libgreet(api) = 1'] } },
    { name: 'hello', version: '1.0', deps: { requires: ['libgreet(api) >= 1'] } },
    { name: 'hello', version: '1.1', deps: { requires: ['libgreet(api) >= 1'] } },
  ];
  for (const s of specs) {
    const tree = join(work, 'tree', `${s.name}-${s.version}`);
    mkdirSync(join(tree, 'usr', 'share', s.name), { recursive: true });
    writeFileSync(join(tree, 'usr', 'share', s.name, 'README'), `${s.name} ${s.version}\n`);
    await packRpm(
      { ...s, release: '1', summary: `The ${s.name} package`, license: 'MIT', root: tree, changelog: [{ date: '2026-11-01', author: 'Strata <s@example.com>', text: '- release' }] },
      { outputDir: join(good, 'Packages'), sourceDateEpoch: 1790000000 },
    );
  }
  await publishRepository(good, {
    signingKey: { armored: readFileSync(KEY, 'utf8') },
    signPackages: true,
    advisories: [
      advisory('STRATA-2026-0001', 'security', 'Important', 'hello', '1.1'),
      advisory('STRATA-2026-0002', 'security', 'Critical', 'libgreet', '1.1'),
      advisory('STRATA-2026-0003', 'bugfix', 'Low', 'hello', '1.1'),
    ],
  });
}

/** Runs dnf against `repo` in a fresh installroot and cache, with signatures required. */
function dnf(name: string, repo: string, args: string[]): { code: number; out: string } {
  const d = join(work, 'dnf', name);
  mkdirSync(join(d, 'home'), { recursive: true });
  mkdirSync(join(d, 'repos'), { recursive: true });
  writeFileSync(join(d, 'home', '.rpmmacros'), '%_dbpath /usr/lib/sysimage/rpm\n');
  writeFileSync(
    join(d, 'repos', 'strata.repo'),
    `[strata]\nname=Strata test\nbaseurl=file://${repo}\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=file://${PUB}\nmetadata_expire=0\n`,
  );
  writeFileSync(join(d, 'dnf.conf'), `[main]\ngpgcheck=1\nreposdir=${join(d, 'repos')}\ncachedir=/var/cache/strata-test\n`);
  const r = spawnSync('dnf', ['-y', '-c', join(d, 'dnf.conf'), `--installroot=${join(d, 'root')}`, '--releasever=1', ...args], {
    encoding: 'utf8',
    env: { ...process.env, HOME: join(d, 'home'), LC_ALL: 'C.UTF-8' },
  });
  return { code: r.status ?? 1, out: `${r.stdout}\n${r.stderr}` };
}

/** A copy of the good repository with one byte flipped in the middle of `file`. */
function corrupted(name: string, file: (dir: string) => string): string {
  const dir = join(work, `bad-${name}`);
  cpSync(good, dir, { recursive: true });
  const path = file(dir);
  const data = readFileSync(path);
  data[Math.floor(data.length / 2)] ^= 0x01;
  writeFileSync(path, data);
  return dir;
}

const record = (type: string) => (dir: string): string => {
  const repomd = readFileSync(join(dir, 'repodata', 'repomd.xml'), 'utf8');
  const m = new RegExp(`<data type="${type}">[\\s\\S]*?<location href="([^"]+)"`).exec(repomd);
  assert.ok(m, `no ${type} record`);
  return join(dir, m[1]);
};

describe('dnf installs from a repository Strata published and signed', { skip: !hasTool('dnf') && !process.env.CI }, () => {
  before(async () => {
    rmSync(work, { recursive: true, force: true });
    await buildRepo();
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('install, updateinfo --security, upgrade with gpgcheck=1 and repo_gpgcheck=1', (t) => {
    if (!needTools(t, 'dnf')) return;
    const inst = dnf('ok', good, ['install', 'hello-1.0-1', 'libgreet-1.0-1']);
    assert.equal(inst.code, 0, inst.out);
    assert.match(inst.out, /Installed:[\s\S]*hello-1\.0-1\.noarch/);
    const info = dnf('ok', good, ['updateinfo', 'list', '--security']);
    assert.equal(info.code, 0, info.out);
    assert.match(info.out, /STRATA-2026-0001\s+Important\/Sec\.\s+hello-1\.1-1\.noarch/);
    assert.match(info.out, /STRATA-2026-0002\s+Critical\/Sec\.\s+libgreet-1\.1-1\.noarch/);
    assert.doesNotMatch(info.out, /STRATA-2026-0003/); // a bugfix, not a security advisory
    const up = dnf('ok', good, ['upgrade']);
    assert.equal(up.code, 0, up.out);
    assert.match(up.out, /Upgraded:[\s\S]*hello-1\.1-1\.noarch/);
  });

  test('strata repo query reads it with the key', (t) => {
    if (!needTools(t, 'dnf')) return;
    const r = strata(['repo', 'query', '--repo', good, '--key', PUB, '--verify-packages', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const names = (JSON.parse(r.stdout) as Array<{ nevra: string }>).map((p) => p.nevra).sort();
    assert.deepEqual(names, ['hello-0:1.0-1.noarch', 'hello-0:1.1-1.noarch', 'libgreet-0:1.0-1.noarch', 'libgreet-0:1.1-1.noarch']);
  });

  const cases: Array<[string, (dir: string) => string, string[], RegExp]> = [
    ['primary', record('primary'), ['install', 'hello'], /checksum|Checksum|mismatch|doesn't match|Failed to download|Cannot download/i],
    ['filelists', record('filelists'), ['install', 'hello'], /checksum|mismatch|Failed to download|Cannot download/i],
    ['other', record('other'), ['repoquery', '--changelogs', 'hello'], /checksum|mismatch|Failed to download|Cannot download/i],
    ['updateinfo', record('updateinfo'), ['install', 'hello'], /checksum|mismatch|Failed to download|Cannot download/i],
    ['repomd.xml.asc', (d) => join(d, 'repodata', 'repomd.xml.asc'), ['install', 'hello'], /GPG|gpg|signature|Signature/],
    ['repomd.xml', (d) => join(d, 'repodata', 'repomd.xml'), ['install', 'hello'], /GPG|gpg|signature|Signature|repomd/],
    ['package', (d) => join(d, 'Packages', 'hello-1.1-1.noarch.rpm'), ['install', 'hello'], /checksum|does not match|GPG|signature|digest/i],
  ];
  for (const [name, file, args, dnfError] of cases) {
    test(`one flipped byte in ${name} is refused by dnf and strata`, (t) => {
      if (!needTools(t, 'dnf')) return;
      const dir = corrupted(name, file);
      const d = dnf(`bad-${name}`, dir, args);
      assert.notEqual(d.code, 0, `dnf accepted a corrupted ${name}:\n${d.out}`);
      assert.match(d.out, dnfError);
      const s = strata(['repo', 'query', '--repo', dir, '--key', PUB, ...(name === 'package' ? ['--verify-packages'] : [])], {
        env: { STRATA_CACHE_DIR: join(work, 'cache') },
      });
      assert.equal(s.code, 1, `strata accepted a corrupted ${name}:\n${s.stdout}`);
      const lines = s.stderr.trim().split('\n');
      assert.equal(lines.length, 1, s.stderr);
      assert.match(lines[0], /^strata: .*(checksum|signature|digest|mismatch|BAD|size)/i);
      assert.equal(readdirSync(dir).includes('repodata'), true);
    });
  }
});
