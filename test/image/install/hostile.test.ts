// Nothing outside the root is ever touched: a package whose files would land outside the root
// through a symlinked directory is refused (whether the symlink comes from a package or from a
// scriptlet), while absolute symlinks are followed inside the root, as in a chroot.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { installPackages, RootFs, RootPathError } from '../../../src/image/install/index.ts';
import { packRpm, type PackSpec } from '../../../src/rpm/index.ts';
import { workDir } from '../../support/fixtures.ts';
import { hasTool } from '../../support/tools.ts';
import { EPOCH, fixtureSpecs } from './fixture-repo.ts';

const work = workDir('image-hostile');
const outside = join(work, 'outside');
const isRoot = process.getuid?.() === 0;

function tree(name: string, files: Record<string, string | { link: string } | { dir: true }>): string {
  const d = join(work, 'trees', name);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  for (const [p, v] of Object.entries(files)) {
    const full = join(d, p);
    mkdirSync(join(full, '..'), { recursive: true });
    if (typeof v === 'string') writeFileSync(full, v);
    else if ('link' in v) symlinkSync(v.link, full);
    else mkdirSync(full, { recursive: true });
  }
  return d;
}

async function pack(spec: Omit<PackSpec, 'version' | 'license' | 'summary'>): Promise<string> {
  const r = await packRpm({ version: '1', license: 'MIT', summary: spec.name, ...spec }, { outputDir: join(work, 'rpms'), sourceDateEpoch: EPOCH, level: 3 });
  return r.path;
}

describe('RootFs', () => {
  before(() => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(join(work, 'fsroot', 'usr', 'lib'), { recursive: true });
    symlinkSync('usr/lib', join(work, 'fsroot', 'lib'));
    symlinkSync('/usr', join(work, 'fsroot', 'abs'));
    symlinkSync('../../../../../../../../../../tmp', join(work, 'fsroot', 'up'));
    symlinkSync('loop2', join(work, 'fsroot', 'loop1'));
    symlinkSync('loop1', join(work, 'fsroot', 'loop2'));
  });

  test('follows the root\'s own symlinks inside the root', () => {
    const fs = new RootFs(join(work, 'fsroot'));
    assert.equal(fs.hostPath('/lib/x'), join(work, 'fsroot', 'usr', 'lib', 'x'));
    assert.equal(fs.hostPath('/abs/lib/y'), join(work, 'fsroot', 'usr', 'lib', 'y'));
    assert.equal(fs.hostPath('/lib'), join(work, 'fsroot', 'lib'), 'the last component is the link itself');
    assert.equal(fs.hostPath('/lib', { followFinal: true }), join(work, 'fsroot', 'usr', 'lib'));
  });

  test('refuses symlinks that climb out of the root, and loops', () => {
    const fs = new RootFs(join(work, 'fsroot'));
    assert.throws(() => fs.hostPath('/up/passwd'), RootPathError);
    assert.throws(() => fs.parent('/up/x/y', true), /leads outside the root/);
    assert.throws(() => fs.hostPath('/loop1/x'), /too many levels/);
  });

  test('creates missing parents as directories', () => {
    const fs = new RootFs(join(work, 'fsroot'));
    const { dir, name } = fs.parent('/lib/a/b/c', true);
    assert.deepEqual(dir, ['usr', 'lib', 'a', 'b']);
    assert.equal(name, 'c');
    assert.deepEqual(readdirSync(join(work, 'fsroot', 'usr', 'lib', 'a')), ['b']);
  });
});

describe('hostile packages', { skip: isRoot ? false : 'installing needs root' }, () => {
  after(() => rmSync(work, { recursive: true, force: true }));

  test('a file under a packaged symlink that leaves the root is refused before anything is written', async () => {
    mkdirSync(outside, { recursive: true });
    const rel = `${'../'.repeat(12)}${outside.slice(1)}`;
    const link = await pack({ name: 'evil-link', root: tree('evil-link', { escape: { link: rel } }) });
    const file = await pack({ name: 'evil-file', deps: { requires: ['evil-link'] }, root: tree('evil-file', { 'escape/pwned': 'owned\n' }) });
    const root = join(work, 'root-evil');
    await assert.rejects(installPackages({ root, packages: [{ path: link }, { path: file }], scriptlets: 'skip' }), /escape\/pwned: a symlink on its way leads outside the root/);
    assert.deepEqual(readdirSync(outside), []);
    assert.ok(!existsSync(root), 'the root was not even created');
  });

  test('absolute symlinks resolve inside the root', async () => {
    const link = await pack({ name: 'abs-link', root: tree('abs-link', { etc: { dir: true }, etc2: { link: '/etc' } }), files: { '/etc': { dir: true } } });
    const name = `strata-test-${process.pid}`;
    const file = await pack({ name: 'abs-file', deps: { requires: ['abs-link'] }, root: tree('abs-file', { [`etc2/${name}`]: 'inside\n' }) });
    const root = join(work, 'root-abs');
    await installPackages({ root, packages: [{ path: link }, { path: file }], scriptlets: 'skip', sourceDateEpoch: EPOCH });
    assert.ok(existsSync(join(root, 'etc', name)));
    assert.ok(!existsSync(join('/etc', name)));
  });

  test('a symlink planted by a scriptlet cannot lead later packages out of the root', { skip: hasTool('chroot') ? false : 'needs chroot' }, async () => {
    mkdirSync(outside, { recursive: true });
    const specs = new Map(fixtureSpecs(join(work, 'fx')).map((s) => [s.name, s]));
    const paths: string[] = [];
    for (const n of ['filesystem', 'bbsh']) paths.push((await packRpm(specs.get(n)!, { outputDir: join(work, 'rpms'), sourceDateEpoch: EPOCH, level: 3 })).path);
    const rel = `${'../'.repeat(12)}${outside.slice(1)}`;
    paths.push(
      await pack({
        name: 'planter',
        deps: { requires: ['bbsh', { dep: '/bin/sh', when: ['post'] }] },
        scripts: { post: `ln -s ${rel} /opt\n` },
        root: tree('planter', { 'usr/share/planter/README': 'x\n' }),
      }),
    );
    paths.push(await pack({ name: 'victim', deps: { requires: ['planter'] }, root: tree('victim', { 'opt/victim/data': 'x\n' }) }));
    await assert.rejects(installPackages({ root: join(work, 'root-plant'), packages: paths.map((path) => ({ path })) }), /leads outside the root/);
    assert.deepEqual(readdirSync(outside), []);
  });
});
