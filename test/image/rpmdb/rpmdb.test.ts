// The rpmdb writer against rpm 4.18 itself: packages installed with `rpm -i --justdb` give the
// header blobs and index rows Strata computes for them, byte for byte, and a database Strata
// writes is read by rpm.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, test } from 'node:test';
import {
  INDEX_TABLES,
  RpmdbError,
  RpmdbWriter,
  formatManifest2,
  indexRows,
  installedHeaderBlob,
  manifestEntry,
  parseManifest2,
  readRpmdb,
  richIndexNames,
  writeRpmdb,
} from '../../../src/image/rpmdb/index.ts';
import { packRpm } from '../../../src/rpm/index.ts';
import { readRpmFileHeaders } from '../../../src/rpm/package.ts';
import { Tag } from '../../../src/rpm/tags.ts';
import { FIXTURES, workDir } from '../../support/fixtures.ts';
import { needTools } from '../../support/tools.ts';

const work = workDir('image-rpmdb');
const RPMS = join(FIXTURES, 'rpm', 'RPMS');
const CR = join(FIXTURES, 'createrepo_c', 'packages');

function rpmJustDb(root: string, files: string[]): void {
  const r = spawnSync('rpm', ['--root', root, '--dbpath', '/usr/lib/sysimage/rpm', '-i', '--justdb', '--nodeps', '--nosignature', '--noscripts', '--ignorearch', '--replacefiles', ...files], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
}

const keyText = (k: string | Uint8Array): string => (typeof k === 'string' ? k : `x${Buffer.from(k).toString('hex')}`);

/** Compares rpm's database at `root` with what Strata derives from the same package files. */
async function compareWithRpm(root: string, files: string[]): Promise<void> {
  const byName = new Map<string, Awaited<ReturnType<typeof readRpmFileHeaders>>>();
  for (const f of files) {
    const h = await readRpmFileHeaders(f);
    byName.set(h.header.string(Tag.NAME)!, h);
  }
  const recs = readRpmdb(root);
  assert.equal(recs.length, files.length);
  for (const rec of recs) {
    const h = byName.get(rec.header.string(Tag.NAME)!)!;
    const ours = installedHeaderBlob(h.header, h.signature, {
      installTime: rec.header.number(Tag.INSTALLTIME)!,
      installTid: rec.header.number(Tag.INSTALLTID)!,
      installColor: rec.header.number(Tag.INSTALLCOLOR)!,
      fileStates: rec.header.numbers(Tag.FILESTATES),
    });
    assert.deepEqual(Buffer.from(ours), Buffer.from(rec.blob), `${rec.header.string(Tag.NAME)}: installed header`);
  }
  const db = new DatabaseSync(join(root, 'usr/lib/sysimage/rpm/rpmdb.sqlite'), { readOnly: true });
  for (const t of INDEX_TABLES) {
    const theirs = (db.prepare(`SELECT key, hnum, idx FROM '${t.name}' ORDER BY rowid`).all() as Array<{ key: string | Uint8Array; hnum: number; idx: number }>).map(
      (r) => `${keyText(r.key)} ${r.hnum} ${r.idx}`,
    );
    const ours = recs.flatMap((rec) => indexRows(rec.header, t).map((r) => `${keyText(r.key)} ${rec.hnum} ${r.idx}`));
    assert.deepEqual(ours, theirs, `index ${t.name}`);
  }
  db.close();
}

describe('rpmdb against rpm 4.18', () => {
  before(() => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('installed headers and index rows of real packages equal rpm --justdb', async (t) => {
    if (!needTools(t, 'rpm')) return;
    const files = [
      join(RPMS, 'capstest-1.0-1.noarch.rpm'),
      join(RPMS, 'hlinktest-1.0-1.noarch.rpm'),
      join(RPMS, 'hello-2.0-1.x86_64-signed.rpm'),
      join(RPMS, 'foo-1.0-1.noarch.rpm'),
      join(RPMS, 'imatest-1.0-1.fc34.noarch.rpm'),
      join(CR, 'Archer-3.4.5-6.x86_64.rpm'),
      join(CR, 'fake_bash-1.1.1-1.x86_64.rpm'),
      join(CR, 'super_kernel-6.0.1-2.x86_64.rpm'),
      join(CR, 'Rimmer-1.0.2-2.x86_64.rpm'),
    ];
    const root = join(work, 'fixtures');
    rpmJustDb(root, files);
    await compareWithRpm(root, files);
  });

  test('rich dependencies are indexed by the names inside them, as rpm does', async (t) => {
    if (!needTools(t, 'rpm')) return;
    const tree = join(work, 'rich-tree');
    mkdirSync(join(tree, 'usr/share/rich'), { recursive: true });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(tree, 'usr/share/rich/README'), 'rich\n');
    const r = await packRpm(
      {
        name: 'rich',
        version: '1',
        summary: 'rich deps',
        license: 'MIT',
        root: tree,
        deps: {
          requires: ['(a if b else c)', '(d and (e or f >= 2))', { dep: '/bin/sh', when: ['post'] }, 'plain'],
          recommends: ['(x if y)'],
          supplements: ['(s and t)'],
          conflicts: ['(p unless q)'],
          provides: ['rich(api) = 1'],
        },
        scripts: { post: 'true\n' },
      },
      { outputDir: join(work, 'rich-rpms'), level: 3 },
    );
    const root = join(work, 'rich');
    rpmJustDb(root, [r.path]);
    await compareWithRpm(root, [r.path]);
  });

  test('a database Strata writes is what rpm -qa reads', async (t) => {
    if (!needTools(t, 'rpm')) return;
    const files = [join(RPMS, 'hlinktest-1.0-1.noarch.rpm'), join(CR, 'Archer-3.4.5-6.x86_64.rpm')];
    const blobs: Uint8Array[] = [];
    for (const f of files) {
      const h = await readRpmFileHeaders(f);
      blobs.push(installedHeaderBlob(h.header, h.signature, { installTime: 1790000000, installTid: 1790000000, installColor: 3, fileStates: h.header.strings(Tag.BASENAMES).map(() => 0) }));
    }
    const root = join(work, 'written');
    writeRpmdb(root, blobs);
    const r = spawnSync('rpm', ['--root', root, '--dbpath', '/usr/lib/sysimage/rpm', '-qa', '--qf', '%{NEVRA} %{INSTALLTIME}\\n'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'hlinktest-1.0-1.noarch 1790000000\nArcher-2:3.4.5-6.x86_64 1790000000\n');
    const q = spawnSync('rpm', ['--root', root, '--dbpath', '/usr/lib/sysimage/rpm', '-q', '--whatprovides', 'bara'], { encoding: 'utf8' });
    assert.equal(q.stdout.trim(), 'Archer-3.4.5-6.x86_64', 'rpm finds packages through the Providename index');
    assert.deepEqual(
      readRpmdb(root).map((x) => x.hnum),
      [1, 2],
    );
    const again = readFileSync(join(root, 'usr/lib/sysimage/rpm/rpmdb.sqlite'));
    const root2 = join(work, 'written2');
    writeRpmdb(root2, blobs);
    assert.ok(again.equals(readFileSync(join(root2, 'usr/lib/sysimage/rpm/rpmdb.sqlite'))), 'same input, same bytes');
    assert.throws(() => new RpmdbWriter(join(root, 'usr/lib/sysimage/rpm')), RpmdbError);
  });
});

describe('rpmdb units', () => {
  test('rich dependency index names: conditions negated, else branches inverted, rpmlib() left out', () => {
    assert.deepEqual(richIndexNames('(a if b else c)'), ['a', 'b', 'c', '!b']);
    assert.deepEqual(richIndexNames('(g unless h)'), ['g', '!h']);
    assert.deepEqual(richIndexNames('(d and (e or f >= 2))'), ['d', 'e', 'f']);
    assert.deepEqual(richIndexNames('(rpmlib(Foo) or z)'), ['z']);
    assert.deepEqual(richIndexNames('(broken'), []);
  });

  test('container-manifest-2 lines round-trip', async () => {
    const h = await readRpmFileHeaders(join(CR, 'Archer-3.4.5-6.x86_64.rpm'));
    const blob = installedHeaderBlob(h.header, h.signature, { installTime: 1790000000, installTid: 1790000000, installColor: 3, fileStates: [] });
    const { parseHeader } = await import('../../../src/rpm/header.ts');
    const e = manifestEntry(parseHeader(blob, 'x', { hasMagic: false }).header);
    const text = formatManifest2([e]);
    assert.match(text, /^Archer\t3\.4\.5-6\t1790000000\t\d+\t\S.*\t\(none\)\t\d+\tx86_64\t2\tArcher-3\.4\.5-6\.src\.rpm\n$/);
    assert.deepEqual(parseManifest2(text), [e]);
    assert.throws(() => parseManifest2('a\tb\n'), /expected 10 tab-separated fields/);
  });
});
