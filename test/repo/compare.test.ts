import { test } from 'node:test';
import assert from 'node:assert/strict';

import { compareRepositories, type PackageChange, type RepoComparison } from '../../src/repo/compare.ts';
import { emptyRepoPackage, repoNevra } from '../../src/repo/model.ts';
import type { QueryPackage } from '../../src/repo/query/index.ts';

// pkg('name-[e:]v-r.arch', { pkgid, size })
function pkg(nevra: string, o: { pkgid?: string; size?: number; installed?: number } = {}): QueryPackage {
  const m = /^(.+)-(?:(\d+):)?([^-]+)-([^-]+)\.([^.]+)$/.exec(nevra);
  assert.ok(m, nevra);
  const [, name, epoch = '0', version, release, arch] = m;
  return {
    ...emptyRepoPackage(),
    pkgid: o.pkgid ?? `${nevra}-id`,
    checksumType: 'sha256',
    name,
    arch,
    epoch,
    version,
    release,
    packageSize: o.size ?? 100,
    installedSize: o.installed ?? 300,
    location: `${name}-${version}-${release}.${arch}.rpm`,
    filesComplete: true,
  };
}

const names = (ps: QueryPackage[]): string[] => ps.map(repoNevra);
const pairs = (cs: PackageChange[]): string[] => cs.map((c) => `${repoNevra(c.left)} -> ${repoNevra(c.right)}`);

function summary(r: RepoComparison): Record<string, string[]> {
  return {
    added: names(r.added),
    removed: names(r.removed),
    upgraded: pairs(r.upgraded),
    downgraded: pairs(r.downgraded),
    changed: pairs(r.changed),
  };
}

test('added, removed, upgraded and downgraded by name.arch', () => {
  const left = [pkg('a-1.0-1.x86_64'), pkg('b-2.0-1.noarch'), pkg('c-1.0-1.x86_64'), pkg('d-1.0-1.x86_64'), pkg('same-1-1.noarch')];
  const right = [pkg('same-1-1.noarch'), pkg('a-1.1-1.x86_64'), pkg('b-1.9-1.noarch'), pkg('d-1.0-1.i686'), pkg('e-1-1.noarch')];
  assert.deepEqual(summary(compareRepositories(left, right)), {
    added: ['d-1.0-1.i686', 'e-1-1.noarch'],
    removed: ['c-1.0-1.x86_64', 'd-1.0-1.x86_64'],
    upgraded: ['a-1.0-1.x86_64 -> a-1.1-1.x86_64'],
    downgraded: ['b-2.0-1.noarch -> b-1.9-1.noarch'],
    changed: [],
  });
  // Swapping the sides swaps the answers.
  assert.deepEqual(summary(compareRepositories(right, left)), {
    added: ['c-1.0-1.x86_64', 'd-1.0-1.x86_64'],
    removed: ['d-1.0-1.i686', 'e-1-1.noarch'],
    upgraded: ['b-1.9-1.noarch -> b-2.0-1.noarch'],
    downgraded: ['a-1.1-1.x86_64 -> a-1.0-1.x86_64'],
    changed: [],
  });
});

test('rpm version order: epochs, tilde, caret, releases', () => {
  const left = [pkg('ep-9.0-1.noarch'), pkg('t-1.0-1.noarch'), pkg('c-1.0-1.noarch'), pkg('r-1.0-1.fc40.noarch'), pkg('src-1-1.src')];
  const right = [pkg('ep-1:1.0-1.noarch'), pkg('t-1.0~rc1-1.noarch'), pkg('c-1.0^git1-1.noarch'), pkg('r-1.0-1.fc40.1.noarch'), pkg('src-2-1.src')];
  assert.deepEqual(summary(compareRepositories(left, right)), {
    added: [],
    removed: [],
    upgraded: ['c-1.0-1.noarch -> c-1.0^git1-1.noarch', 'ep-9.0-1.noarch -> ep-1:1.0-1.noarch', 'r-1.0-1.fc40.noarch -> r-1.0-1.fc40.1.noarch', 'src-1-1.src -> src-2-1.src'],
    downgraded: ['t-1.0-1.noarch -> t-1.0~rc1-1.noarch'],
    changed: [],
  });
});

test('several versions of one name.arch: newest paired, the rest added or removed', () => {
  const left = [pkg('k-1-1.x86_64'), pkg('k-2-1.x86_64'), pkg('k-3-1.x86_64')];
  const right = [pkg('k-4-1.x86_64'), pkg('k-2-1.x86_64'), pkg('k-0.5-1.x86_64')];
  assert.deepEqual(summary(compareRepositories(left, right)), {
    added: ['k-0.5-1.x86_64'],
    removed: ['k-1-1.x86_64'],
    upgraded: ['k-3-1.x86_64 -> k-4-1.x86_64'],
    downgraded: [],
    changed: [],
  });
  // Newest present on both sides: nothing moved, only the older extras differ.
  const r2 = compareRepositories([pkg('k-2-1.x86_64')], [pkg('k-2-1.x86_64'), pkg('k-1-1.x86_64')]);
  assert.deepEqual(summary(r2), { added: ['k-1-1.x86_64'], removed: [], upgraded: [], downgraded: [], changed: [] });
  // A newer version added next to the old one still counts as the upgrade.
  const r3 = compareRepositories([pkg('k-1-1.x86_64')], [pkg('k-1-1.x86_64'), pkg('k-2-1.x86_64')]);
  assert.deepEqual(summary(r3), { added: [], removed: [], upgraded: ['k-1-1.x86_64 -> k-2-1.x86_64'], downgraded: [], changed: [] });
  // Equal to rpm but spelt differently: neither newer, so reported as one version replacing the other.
  const r4 = compareRepositories([pkg('z-1.0-1.noarch')], [pkg('z-1.00-1.noarch')]);
  assert.deepEqual(summary(r4), { added: ['z-1.00-1.noarch'], removed: ['z-1.0-1.noarch'], upgraded: [], downgraded: [], changed: [] });
  // An explicit epoch 0 is no epoch.
  const r5 = compareRepositories([pkg('e-0:1-1.noarch')], [pkg('e-1-1.noarch')]);
  assert.deepEqual(summary(r5), { added: [], removed: [], upgraded: [], downgraded: [], changed: [] });
});

test('checksums: same NEVRA, different file', () => {
  const left = [pkg('a-1-1.noarch', { pkgid: 'aaa' }), pkg('b-1-1.noarch', { pkgid: 'b1' }), pkg('c-1-1.noarch', { pkgid: 'c1' })];
  const right = [pkg('a-1-1.noarch', { pkgid: 'aaa' }), pkg('b-1-1.noarch', { pkgid: 'b2' }), pkg('c-1-1.noarch', { pkgid: 'c1' }), pkg('c-1-1.noarch', { pkgid: 'c2' })];
  assert.deepEqual(compareRepositories(left, right).changed, []);
  const r = compareRepositories(left, right, { checksums: true });
  assert.deepEqual(
    r.changed.map((c) => `${c.left.name}:${c.left.pkgid}->${c.right.pkgid}`),
    ['b:b1->b2', 'c:c1->c2'],
  );
  assert.equal(r.stat.changed, 2);
  assert.deepEqual(names(r.added), [], 'an extra copy of a NEVRA is a change, not an addition');
});

test('stat: counts and sizes; output is deterministic whatever the input order', () => {
  const left = [pkg('a-1-1.noarch', { size: 1000, installed: 5000 }), pkg('b-1-1.noarch', { size: 10 })];
  const right = [pkg('a-2-1.noarch', { size: 1500, installed: 6000 }), pkg('c-1-1.noarch', { size: 7 }), pkg('d-1-1.noarch', { size: 3 })];
  const r = compareRepositories(left, right);
  assert.deepEqual(r.stat, {
    left: { packages: 2, packageSize: 1010, installedSize: 5300 },
    right: { packages: 3, packageSize: 1510, installedSize: 6600 },
    added: 2,
    removed: 1,
    upgraded: 1,
    downgraded: 0,
    changed: 0,
    packageSizeDelta: 500,
  });
  const shuffled = compareRepositories([...left].reverse(), [right[2], right[0], right[1]]);
  assert.deepEqual(summary(shuffled), summary(r));
  assert.deepEqual(summary(compareRepositories([], [])), { added: [], removed: [], upgraded: [], downgraded: [], changed: [] });
  // Sorted by name, then arch, then EVR.
  const many = compareRepositories([], [pkg('b-1-1.x86_64'), pkg('a.b-1-1.noarch'), pkg('a-2-1.x86_64'), pkg('a-10-1.x86_64'), pkg('a-1-1.i686'), pkg('B-1-1.noarch')]);
  assert.deepEqual(names(many.added), ['B-1-1.noarch', 'a-1-1.i686', 'a-2-1.x86_64', 'a-10-1.x86_64', 'a.b-1-1.noarch', 'b-1-1.x86_64']);
});
