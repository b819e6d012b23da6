import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dependencyEdges, type DepGraphNode, sbomPackagesFromRepo, sbomPackagesFromRpms, readRpmInputs } from '../../src/supply/index.ts';
import { emptyDeps, emptyRepoPackage, type RepoPackage } from '../../src/repo/index.ts';
import { RPMSENSE_EQUAL, RPMSENSE_GREATER, RPMSENSE_LESS } from '../../src/rpm/index.ts';
import { FIXTURE_RPMS, SKIP_NO_FIXTURES } from './support.ts';

const GE = RPMSENSE_GREATER | RPMSENSE_EQUAL;
const node = (key: string, provides: DepGraphNode['provides'], requires: DepGraphNode['requires'], files: string[] = []): DepGraphNode => ({ key, provides, requires, files });

test('requires link to every satisfying provider, by version range, file path and rich dep', () => {
  const nodes = [
    node('app', [{ name: 'app', flags: RPMSENSE_EQUAL, version: '1-1' }], [
      { name: 'libfoo', flags: GE, version: '2.0' },
      { name: '/bin/sh', flags: 0, version: '' },
      { name: 'rpmlib(CompressedFileNames)', flags: RPMSENSE_LESS | RPMSENSE_EQUAL, version: '3.0.4-1' },
      { name: 'app', flags: 0, version: '' }, // itself: no edge
      { name: '(plugin-a if gui)', flags: 0, version: '' },
      { name: '(plugin-b if tui)', flags: 0, version: '' },
      { name: 'missing', flags: 0, version: '' },
    ]),
    node('foo-old', [{ name: 'libfoo', flags: RPMSENSE_EQUAL, version: '1.5' }], []),
    node('foo-new', [{ name: 'libfoo', flags: RPMSENSE_EQUAL, version: '2.1' }], []),
    node('bash', [], [], ['/bin/sh', '/usr/bin/bash']),
    node('gui', [{ name: 'gui', flags: 0, version: '' }], []),
    node('plugin-a', [{ name: 'plugin-a', flags: 0, version: '' }], []),
    node('plugin-b', [{ name: 'plugin-b', flags: 0, version: '' }], []),
  ];
  const edges = dependencyEdges(nodes);
  assert.deepEqual(edges.get('app'), ['bash', 'foo-new', 'plugin-a']);
  assert.deepEqual(edges.get('foo-old'), []);
});

test('real packages: fake_bash requires super_kernel', { skip: SKIP_NO_FIXTURES }, async () => {
  const pkgs = sbomPackagesFromRpms(await readRpmInputs(FIXTURE_RPMS));
  const fake = pkgs.find((p) => p.name === 'fake_bash')!;
  assert.deepEqual(fake.dependsOn, ['super_kernel-6.0.1-2.x86_64']);
  assert.deepEqual(pkgs.map((p) => p.name), ['Archer', 'Rimmer', 'balicek-utf8', 'capstest', 'fake_bash', 'foo', 'hello', 'super_kernel']);
  const archer = pkgs.find((p) => p.name === 'Archer')!;
  assert.equal(archer.epoch, 2);
  assert.match(archer.sha256!, /^[0-9a-f]{64}$/);
  assert.match(archer.headerDigest!, /^[0-9a-f]{64}$/);
  assert.ok(archer.size! > 0);
});

test('from rpm-md records: flags and EVR entries, file requires, sha256 pkgid, source records left out', () => {
  const rec = (name: string, over: Partial<RepoPackage>): RepoPackage => ({ ...emptyRepoPackage(), name, version: '1.0', release: '1', arch: 'x86_64', ...over });
  const app = rec('app', {
    pkgid: 'ab'.repeat(32),
    checksumType: 'sha256',
    packageSize: 1234,
    license: 'MIT',
    sourceRpm: 'app-1.0-1.src.rpm',
    deps: { ...emptyDeps(), requires: [{ name: 'libz', flags: 'GE', epoch: '0', ver: '1.2' }, { name: '/usr/bin/env' }, { name: 'libold', flags: 'LT', epoch: '0', ver: '2' }] },
  });
  const z = rec('zlib', { epoch: '1', deps: { ...emptyDeps(), provides: [{ name: 'libz', flags: 'EQ', epoch: '1', ver: '1.3', rel: '1' }] } });
  const old = rec('old', { deps: { ...emptyDeps(), provides: [{ name: 'libold', flags: 'EQ', epoch: '0', ver: '3', rel: '1' }] } });
  const core = rec('coreutils', { pkgid: 'cd'.repeat(20), checksumType: 'sha1', files: [{ path: '/usr/bin/env' }] });
  const src = rec('app', { arch: 'src' });
  const pkgs = sbomPackagesFromRepo([z, app, old, core, src]);
  assert.deepEqual(pkgs.map((p) => `${p.name}.${p.arch}`), ['app.x86_64', 'coreutils.x86_64', 'old.x86_64', 'zlib.x86_64']);
  const a = pkgs[0];
  assert.deepEqual(a.dependsOn, ['coreutils-1.0-1.x86_64', 'zlib-1:1.0-1.x86_64']);
  assert.equal(a.epoch, undefined);
  assert.equal(a.sha256, 'ab'.repeat(32));
  assert.equal(a.size, 1234);
  assert.equal(pkgs[1].sha256, undefined); // a SHA-1 pkgid is not a SHA-256
  assert.equal(pkgs[3].epoch, 1);
});
