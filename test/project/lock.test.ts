// Locks and fingerprints: azldev's lock format and resolution hash byte for byte, a fingerprint that
// ignores documentation and moves with every build input, and `strata component update` end to end
// (check-only CI gate, offline "unresolved", write-once import commit, bump, orphan pruning).

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import {
  componentIdentity,
  computeFingerprint,
  formatLock,
  loadProject,
  parseLock,
  resolutionInputHash,
  resolutionInputs,
  resolveComponents,
  type FingerprintInputs,
  type ResolvedComponent,
} from '../../src/project/index.ts';
import { strata } from '../support/cli.ts';
import { workDir } from '../support/fixtures.ts';

const work = workDir('project-lock');
after(() => rmSync(work, { recursive: true, force: true }));

function write(dir: string, files: Record<string, string>): void {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
}

// microsoft/azurelinux locks/acl.lock, written by azldev for the 4.0 tree (Fedora 43, snapshot
// 2026-02-24T00:00:00-08:00, the public dist-git).
const ACL_LOCK = `# Managed by azldev component update. Do not edit manually.
version = 1
import-commit = '91824d85dd3d64316176e1fe9257896c1b42e530'
upstream-commit = '91824d85dd3d64316176e1fe9257896c1b42e530'
manual-bump = 2
input-fingerprint = 'sha256:751a0d474ecd403c8e138a5a1d4f742a8f031a0fbcdc159b9f95c33e89e151d8'
resolution-input-hash = 'sha256:466421704711c4fd3c71f0b2ed715a0e61d49e3e26f3a2637fee755795849c8e'
`;

test('lock files: azldev\'s format round-trips; bad versions and types are one-line errors', () => {
  const lock = parseLock(ACL_LOCK, 'acl.lock');
  assert.deepEqual(lock, {
    version: 1,
    importCommit: '91824d85dd3d64316176e1fe9257896c1b42e530',
    upstreamCommit: '91824d85dd3d64316176e1fe9257896c1b42e530',
    manualBump: 2,
    inputFingerprint: 'sha256:751a0d474ecd403c8e138a5a1d4f742a8f031a0fbcdc159b9f95c33e89e151d8',
    resolutionInputHash: 'sha256:466421704711c4fd3c71f0b2ed715a0e61d49e3e26f3a2637fee755795849c8e',
  });
  assert.equal(formatLock(lock), ACL_LOCK);
  assert.equal(formatLock({ version: 1, upstreamCommit: "it's" }), `# Managed by azldev component update. Do not edit manually.\nversion = 1\nupstream-commit = "it's"\n`);
  assert.throws(() => parseLock('version = 2\n', 'x.lock'), /^ProjectConfigError: x\.lock:1: unsupported lock file version 2 \(expected 1\)$/);
  assert.throws(() => parseLock('version = 1\nmanual-bump = "3"\n', 'x.lock'), /x\.lock:2: manual-bump: expected an integer, got a string/);
});

test('the resolution-input hash is azldev\'s (matches the real acl.lock)', () => {
  const hash = resolutionInputHash({
    snapshot: '2026-02-24T00:00:00-08:00',
    distroName: 'fedora',
    distroVersion: '43',
    distGitBranch: 'f43',
    distGitBaseUri: 'https://src.fedoraproject.org/rpms/$pkg.git',
    upstreamCommitPin: '',
    upstreamName: '',
  });
  assert.equal(hash, parseLock(ACL_LOCK, 'acl.lock').resolutionInputHash);
});

test('fingerprint: documentation does not count, every build input does', () => {
  const overlay = {
    type: 'spec-add-tag',
    tag: 'BuildRequires',
    value: 'gcc',
    description: 'why',
    metadata: { category: 'azl-compatibility', upstreamStatus: 'unknown' },
    origin: { file: '/a.toml', line: 3, index: 0, list: 'components.x.overlays' },
  };
  const base: FingerprintInputs = {
    config: { spec: { type: 'upstream', upstreamDistro: { name: 'fedora', version: '43', snapshot: 's1' } }, overlays: [overlay], build: { with: ['a'] } },
    sourceIdentity: 'abc',
    overlaySources: {},
    distroName: 'fedora',
    releaseVer: '43',
    manualBump: 0,
  };
  const fp = computeFingerprint(base);
  assert.match(fp, /^sha256:[0-9a-f]{64}$/);
  const withOverlay = (o: object): FingerprintInputs => ({ ...base, config: { ...base.config, overlays: [{ ...overlay, ...o }] } });
  const same: FingerprintInputs[] = [
    withOverlay({ description: 'another reason' }),
    withOverlay({ metadata: undefined }),
    withOverlay({ origin: { file: '/b.toml', line: 99, index: 4, list: 'overlays' } }),
    withOverlay({ source: '/elsewhere/fix.patch' }),
    { ...base, config: { ...base.config, spec: { type: 'upstream', upstreamDistro: { name: 'fedora', version: '43', snapshot: 's2' } } } },
    { ...base, config: { ...base.config, publish: { rpmChannel: 'base' }, build: { with: ['a'], check: { skipReason: 'x' }, hints: { expensive: true } } } },
    { ...base, config: { ...base.config, build: { with: ['a'], without: [] } } },
  ];
  for (const s of same) assert.equal(computeFingerprint(s), fp, JSON.stringify(s.config));
  const different: FingerprintInputs[] = [
    withOverlay({ value: 'clang' }),
    withOverlay({ type: 'spec-set-tag' }),
    { ...base, config: { ...base.config, overlays: [overlay, overlay] } },
    { ...base, config: { ...base.config, build: { with: ['b'] } } },
    { ...base, config: { ...base.config, build: { with: ['a'], check: { skip: true } } } },
    { ...base, sourceIdentity: 'abd' },
    { ...base, overlaySources: { '0': 'x.patch:00' } },
    { ...base, distroName: 'azurelinux' },
    { ...base, releaseVer: '44' },
    { ...base, manualBump: 1 },
  ];
  const seen = new Set([fp]);
  for (const d of different) {
    const f = computeFingerprint(d);
    assert.ok(!seen.has(f), JSON.stringify(d));
    seen.add(f);
  }
});

const PROJECT = `
[project]
default-distro = { name = "d" }
[distros.d]
default-version = "1"
dist-git-base-uri = "https://git.example/rpms/$pkg.git"
[distros.d.versions.1]
release-ver = "1.0"
dist-git-branch = "b1"
[distros.d.versions.1.default-component-config]
spec = { type = "upstream", upstream-distro = { name = "d", version = "1", snapshot = "2026-01-01T00:00:00Z" } }

[components.pinned]
spec = { upstream-commit = "0123456789abcdef0123456789abcdef01234567" }
[[components.pinned.overlays]]
type = "spec-add-tag"
description = "doc"
tag = "BuildRequires"
value = "x"

[components.unpinned]

[components.loc]
spec = { type = "local", path = "loc/loc.spec" }
[[components.loc.overlays]]
type = "patch-add"
source = "patches/fix.patch"
`;

function projectDir(name: string): string {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  write(dir, { 'azldev.toml': PROJECT, 'loc/loc.spec': 'Name: loc\n', 'loc/extra.conf': 'a=1\n', 'patches/fix.patch': '--- a\n' });
  return dir;
}

function identity(dir: string, name: string, upstreamCommit?: string): string {
  const p = loadProject(dir);
  const c = resolveComponents(p).find((x) => x.name === name) as ResolvedComponent;
  return componentIdentity(p, c, { upstreamCommit }).fingerprint;
}

test('componentIdentity reads the inputs from disk: spec directory, overlay sources, config', () => {
  const dir = projectDir('identity');
  const loc = identity(dir, 'loc');
  const pinned = identity(dir, 'pinned');
  const edit = (file: string, from: string, to: string): void => {
    const path = join(dir, file);
    writeFileSync(path, readFileSync(path, 'utf8').replace(from, to));
  };
  // A comment shifting every line, and a new description: same identity.
  edit('azldev.toml', '\n[project]', '# a comment\n\n[project]');
  edit('azldev.toml', 'description = "doc"', 'description = "better words"');
  assert.equal(identity(dir, 'pinned'), pinned);
  assert.equal(identity(dir, 'loc'), loc);
  edit('azldev.toml', 'value = "x"', 'value = "y"');
  assert.notEqual(identity(dir, 'pinned'), pinned);
  assert.notEqual(identity(dir, 'pinned', 'fedcba9'), identity(dir, 'pinned'), 'the locked commit counts');
  edit('patches/fix.patch', '--- a', '--- b');
  const loc2 = identity(dir, 'loc');
  assert.notEqual(loc2, loc);
  edit('loc/extra.conf', 'a=1', 'a=2');
  assert.notEqual(identity(dir, 'loc'), loc2, 'every file beside a local spec counts');
  // No pin and no lock: the upstream commit is unknown.
  assert.throws(() => identity(dir, 'unpinned'), /unpinned: upstream commit unresolved/);
  // The resolution inputs are the resolved ones (inherited snapshot and distro).
  const p = loadProject(dir);
  const c = resolveComponents(p).find((x) => x.name === 'unpinned')!;
  assert.deepEqual(resolutionInputs(p, c.config), {
    snapshot: '2026-01-01T00:00:00Z',
    distroName: 'd',
    distroVersion: '1',
    distGitBranch: 'b1',
    distGitBaseUri: 'https://git.example/rpms/$pkg.git',
    upstreamCommitPin: '',
    upstreamName: '',
  });
});

test('strata component update: check-only gate, offline unresolved, import commit, bump, orphans', () => {
  const dir = projectDir('update');
  const locks = join(dir, 'locks');
  // Offline semantics (dist-git resolution is tested in test/component/upstream.test.ts).
  const run = (...args: string[]): ReturnType<typeof strata> => strata(['component', 'update', '--offline', '-C', dir, ...args]);
  const rows = (out: string): Record<string, string> => {
    const r: Record<string, string> = {};
    for (const x of JSON.parse(out) as Array<{ component: string; status: string }>) r[x.component] = x.status;
    return r;
  };

  // Nothing locked yet: the CI gate fails and writes nothing.
  let r = run('-a', '--check-only', '-o', 'json');
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(rows(r.stdout), { loc: 'missing', pinned: 'missing', unpinned: 'unresolved' });
  assert.equal(existsSync(locks), false);

  // Update writes what it can resolve offline and says clearly what it cannot.
  r = run('-a');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /unpinned +unresolved +no lock and no upstream-commit pin; resolving the snapshot commit needs dist-git/);
  assert.match(r.stderr, /1 upstream component\(s\) unresolved/);
  assert.deepEqual(readdirSync(locks).sort(), ['loc.lock', 'pinned.lock']);
  const pinned = parseLock(readFileSync(join(locks, 'pinned.lock'), 'utf8'), 'pinned.lock');
  assert.equal(pinned.importCommit, '0123456789abcdef0123456789abcdef01234567');
  assert.equal(pinned.upstreamCommit, pinned.importCommit);
  const p = loadProject(dir);
  const comps = resolveComponents(p);
  const unpinnedConfig = comps.find((c) => c.name === 'unpinned')!.config;
  assert.equal(pinned.resolutionInputHash, resolutionInputHash(resolutionInputs(p, comps.find((c) => c.name === 'pinned')!.config)));
  assert.equal(pinned.inputFingerprint, identity(dir, 'pinned'));
  const loc = readFileSync(join(locks, 'loc.lock'), 'utf8');
  assert.match(loc, /^# Managed by azldev component update\. Do not edit manually\.\nversion = 1\ninput-fingerprint = 'sha256:[0-9a-f]{64}'\n$/);

  // A lock resolved elsewhere (matching resolution inputs) is kept and completed.
  writeFileSync(
    join(locks, 'unpinned.lock'),
    formatLock({ version: 1, importCommit: 'aaaaaaa', upstreamCommit: 'bbbbbbb', resolutionInputHash: resolutionInputHash(resolutionInputs(p, unpinnedConfig)) }),
  );
  r = run('-a', '-o', 'json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(rows(r.stdout), { loc: 'unchanged', pinned: 'unchanged', unpinned: 'updated' });
  const unpinned = parseLock(readFileSync(join(locks, 'unpinned.lock'), 'utf8'), 'x');
  assert.equal(unpinned.upstreamCommit, 'bbbbbbb');
  assert.equal(unpinned.importCommit, 'aaaaaaa');
  assert.equal(unpinned.inputFingerprint, identity(dir, 'unpinned', 'bbbbbbb'));
  r = run('-a', '--check-only', '-q');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');

  // A documentation edit leaves the locks current; a value edit makes the gate fail.
  const config = join(dir, 'azldev.toml');
  writeFileSync(config, readFileSync(config, 'utf8').replace('description = "doc"', 'description = "docs"'));
  assert.equal(run('-a', '--check-only').code, 0);
  writeFileSync(config, readFileSync(config, 'utf8').replace('value = "x"', 'value = "y"'));
  r = run('-a', '--check-only', '-o', 'json');
  assert.equal(r.code, 1);
  assert.deepEqual(rows(r.stdout), { loc: 'unchanged', pinned: 'stale', unpinned: 'unchanged' });

  // A new pin: upstream-commit moves, import-commit is write-once.
  writeFileSync(config, readFileSync(config, 'utf8').replace('0123456789abcdef0123456789abcdef01234567', 'fedcba9876543210'));
  r = run('pinned');
  assert.equal(r.code, 0, r.stderr);
  const repinned = parseLock(readFileSync(join(locks, 'pinned.lock'), 'utf8'), 'x');
  assert.equal(repinned.upstreamCommit, 'fedcba9876543210');
  assert.equal(repinned.importCommit, '0123456789abcdef0123456789abcdef01234567');

  // A changed snapshot: the kept commit can no longer be trusted offline.
  writeFileSync(config, readFileSync(config, 'utf8').replace('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'));
  r = run('unpinned', '-o', 'json');
  assert.equal(r.code, 1);
  assert.match(r.stdout, /resolution inputs \(snapshot, distro, upstream name\) changed since the lock/);
  assert.equal(parseLock(readFileSync(join(locks, 'unpinned.lock'), 'utf8'), 'x').upstreamCommit, 'bbbbbbb', 'left alone');

  // --bump: a rebuild counter in the fingerprint.
  const before = parseLock(readFileSync(join(locks, 'loc.lock'), 'utf8'), 'x');
  r = run('--bump', 'loc');
  assert.equal(r.code, 0, r.stderr);
  const bumped = parseLock(readFileSync(join(locks, 'loc.lock'), 'utf8'), 'x');
  assert.equal(bumped.manualBump, 1);
  assert.notEqual(bumped.inputFingerprint, before.inputFingerprint);
  assert.equal(run('--bump', '--check-only', 'loc').code, 2);

  // Orphans: reported by the gate, pruned by -a (only).
  writeFileSync(join(locks, 'gone.lock'), formatLock({ version: 1 }));
  r = run('loc', '--check-only', '-o', 'json');
  assert.deepEqual(rows(r.stdout), { loc: 'unchanged' });
  r = run('-a', '--check-only', '-o', 'json');
  assert.equal(rows(r.stdout).gone, 'orphan');
  assert.equal(r.code, 1);
  run('-a');
  assert.equal(existsSync(join(locks, 'gone.lock')), false);
  assert.deepEqual(readdirSync(locks).sort(), ['loc.lock', 'pinned.lock', 'unpinned.lock'], 'no temporary files left');

  // Usage mistakes.
  r = run();
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no components selected/);
  r = run('nosuch');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^strata: component not found: "nosuch"\n$/);
});
