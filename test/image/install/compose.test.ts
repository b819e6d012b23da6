// composeRoot end to end over a signed repository of real packages (fixture-repo.ts), judged by
// the tools users trust: Debian's rpm 4.18 lists and verifies the root, and Debian's dnf 4
// installing the same request with --installroot produces the same file tree and rpmdb headers.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { composeRoot, openRepositories, verifyImageRoot, formatVerifyLine, type ComposeOptions } from '../../../src/image/install/index.ts';
import { installedHeaderBlob, INDEX_TABLES, parseManifest2, readRpmdb } from '../../../src/image/rpmdb/index.ts';
import { readRpmFileHeaders } from '../../../src/rpm/package.ts';
import { Tag } from '../../../src/rpm/tags.ts';
import { repoConfigFromLocation } from '../../../src/repo/source/repo-file.ts';
import type { SolveRepository } from '../../../src/solve/pool-cache.ts';
import { workDir } from '../../support/fixtures.ts';
import { hasTool } from '../../support/tools.ts';
import { DNF_OWN_PATHS, dnfInstallRoot, rpm } from './dnf.ts';
import { EPOCH, PUB, buildFixtureRepo } from './fixture-repo.ts';
import { listingDiff, treeListing } from './tree.ts';

const TOOLS = ['rpm', 'rpmbuild', 'dnf', 'setcap', 'getcap', 'chroot'];
const missing = TOOLS.filter((t) => !hasTool(t));
const isRoot = process.getuid?.() === 0;
const skip = !isRoot ? 'composing needs root' : missing.length ? `needs ${missing.join(', ')}` : false;
if (process.env.CI && skip) throw new Error(`image install tests cannot run in CI: ${skip}`);

const work = workDir('image-compose');
const SCRIPTLET_OUTPUT = ['/var/lib/appd/state', '/var/lib/filetrigger.log', '/var/lib/image-base.log', '/var/lib/transfiletrigger.log', '/var/lib/triggers.log'];

describe('composeRoot', { skip }, () => {
  let repo: string;
  let repos: SolveRepository[];
  const compose = (name: string, extra: Partial<ComposeOptions> = {}) =>
    composeRoot({ root: join(work, name), packages: ['image-base'], repos, keyFiles: [PUB], sourceDateEpoch: EPOCH, ...extra });

  before(async () => {
    rmSync(work, { recursive: true, force: true });
    repo = await buildFixtureRepo(work);
    repos = await openRepositories([repoConfigFromLocation(repo)], { keyFiles: [PUB], cacheDir: join(work, 'cache') });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('installs the solved set in rpm order; rpm -qa lists exactly it and rpm -Va finds nothing', async () => {
    const r = await compose('a');
    assert.deepEqual(r.packages.map((p) => p.name), ['filesystem', 'bbsh', 'pinger', 'triggers', 'docs', 'hl', 'legacy', 'libfoo', 'setup', 'appd', 'image-base']);
    assert.deepEqual(r.warnings, []);
    const qa = rpm(r.root, ['-qa']);
    assert.equal(qa.code, 0, qa.out);
    assert.deepEqual(qa.out.trim().split('\n'), r.packages.map((p) => p.nevra));
    const va = rpm(r.root, ['-Va']);
    assert.equal(va.code, 0, va.out);
    assert.equal(va.out, '');
    // What the fixtures are about, checked directly too.
    assert.match(readFileSync(join(r.root, 'etc/passwd'), 'utf8'), /^app:x:990:990:/m);
    assert.equal(readFileSync(join(r.root, 'usr/lib/legacy/data.txt'), 'utf8'), 'through /lib\n');
    assert.equal(readFileSync(join(r.root, 'var/lib/triggers.log'), 'utf8'), 'triggerin appd 1 1\n');
    assert.equal(readFileSync(join(r.root, 'var/lib/image-base.log'), 'utf8'), 'posttrans 1\n');
    assert.ok(!existsSync(join(r.root, 'var/log/appd.log')), '%ghost files are recorded, not created');
  });

  test('the tree equals the one dnf --installroot makes from the same repository', async () => {
    const ours = await compose('b');
    const dnf = dnfInstallRoot(work, repo, PUB, ['image-base']);
    assert.ok(dnf.ok, dnf.output);
    const exclude = [...DNF_OWN_PATHS];
    const diff = listingDiff(treeListing(ours.root, { exclude }), treeListing(dnf.root, { exclude }));
    assert.deepEqual(diff, [], diff.join('\n'));
    // The rpmdb holds the headers rpm itself stores: identical blobs once install times agree.
    const theirs = new Map(readRpmdb(dnf.root).map((r) => [r.header.string(Tag.NAME), r]));
    for (const rec of readRpmdb(ours.root)) {
      const name = rec.header.string(Tag.NAME)!;
      const t = theirs.get(name);
      assert.ok(t, `${name} in dnf's rpmdb`);
      assert.deepEqual(rec.header.numbers(Tag.FILESTATES), t.header.numbers(Tag.FILESTATES), `${name} FILESTATES`);
      const pkg = ours.packages.find((p) => p.name === name)!;
      const h = await readRpmFileHeaders(pkg.path);
      const rebuilt = installedHeaderBlob(h.header, h.signature, {
        installTime: t.header.number(Tag.INSTALLTIME)!,
        installTid: t.header.number(Tag.INSTALLTID)!,
        installColor: t.header.number(Tag.INSTALLCOLOR)!,
        fileStates: rec.header.numbers(Tag.FILESTATES),
      });
      assert.deepEqual(Buffer.from(rebuilt), Buffer.from(t.blob), `${name}: installed header differs from rpm's`);
    }
    // Index tables: the same keys for the same packages.
    const rows = (root: string): Map<string, string[]> => {
      const db = new DatabaseSync(join(root, 'usr/lib/sysimage/rpm/rpmdb.sqlite'), { readOnly: true });
      const names = new Map((db.prepare('SELECT hnum, key FROM Name').all() as Array<{ hnum: number; key: string }>).map((r) => [r.hnum, r.key]));
      const out = new Map<string, string[]>();
      for (const t of INDEX_TABLES) {
        if (t.name === 'Installtid') continue;
        const all = db.prepare(`SELECT key, hnum, idx FROM '${t.name}'`).all() as Array<{ key: string | Uint8Array; hnum: number; idx: number }>;
        const list = all
          .filter((r) => names.get(r.hnum) !== 'gpg-pubkey')
          .map((r) => `${typeof r.key === 'string' ? r.key : Buffer.from(r.key).toString('hex')} ${names.get(r.hnum)} ${r.idx}`)
          .sort();
        out.set(t.name, list);
      }
      db.close();
      return out;
    };
    assert.deepEqual(rows(ours.root), rows(dnf.root));
  });

  test('two composes of the same request are byte-identical, rpmdb included', async () => {
    const a = await compose('c1');
    const b = await compose('c2');
    assert.deepEqual(treeListing(a.root, { mtimes: true }), treeListing(b.root, { mtimes: true }));
    const db = (r: string): Buffer => readFileSync(join(r, 'usr/lib/sysimage/rpm/rpmdb.sqlite'));
    assert.ok(db(a.root).equals(db(b.root)), 'rpmdb.sqlite bytes differ');
    assert.equal(readRpmdb(a.root)[0].header.number(Tag.INSTALLTIME), EPOCH);
  });

  test('verifyImageRoot: clean root passes, an extra file in a package directory and a changed file fail', async () => {
    const r = await compose('d');
    const strict = await verifyImageRoot(r.root);
    // Scriptlet output is not owned by any package: reported unless allowed.
    assert.deepEqual(strict.problems.map((p) => `${p.kind} ${p.path}`).sort(), SCRIPTLET_OUTPUT.map((p) => `unowned ${p}`).sort());
    const clean = await verifyImageRoot(r.root, { allowUnowned: SCRIPTLET_OUTPUT });
    assert.ok(clean.ok, clean.problems.map(formatVerifyLine).join('\n'));
    assert.equal(clean.packages, 11);
    writeFileSync(join(r.root, 'usr/share/hl/extra'), 'not from a package\n');
    writeFileSync(join(r.root, 'usr/share/docs-data/table'), 'tampered\n');
    const bad = await verifyImageRoot(r.root, { allowUnowned: SCRIPTLET_OUTPUT });
    assert.equal(bad.ok, false);
    assert.deepEqual(bad.problems.map(formatVerifyLine).sort(), ['S.5....T.   /usr/share/docs-data/table', 'unowned: /usr/share/hl/extra (not owned by any package)']);
  });

  test('options: no weak deps, excluded docs (recorded as not installed; rpm -Va still clean)', async () => {
    const r = await compose('e', { weakDeps: false, excludeDocs: true });
    assert.ok(!r.packages.some((p) => p.name === 'docs'));
    const dnf = dnfInstallRoot(work, repo, PUB, ['image-base', 'docs'], ['install_weak_deps=False', 'tsflags=nodocs']);
    assert.ok(dnf.ok, dnf.output);
    const withDocs = await compose('e2', { excludeDocs: true, packages: ['image-base', 'docs'] });
    assert.ok(!existsSync(join(withDocs.root, 'usr/share/doc/docs/README')));
    assert.ok(existsSync(join(withDocs.root, 'usr/share/licenses/docs/LICENSE')), 'licences are kept');
    const exclude = [...DNF_OWN_PATHS];
    assert.deepEqual(listingDiff(treeListing(withDocs.root, { exclude }), treeListing(dnf.root, { exclude })), []);
    const va = rpm(withDocs.root, ['-Va']);
    assert.equal(va.code, 0, va.out);
  });

  test('distroless: container-manifest-2 instead of an rpmdb, verifiable with the package files', async () => {
    const r = await compose('f', { database: 'manifest' });
    assert.ok(!existsSync(join(r.root, 'usr/lib/sysimage/rpm/rpmdb.sqlite')));
    const m2 = readFileSync(join(r.root, 'var/lib/rpmmanifest/container-manifest-2'), 'utf8');
    const entries = parseManifest2(m2);
    assert.deepEqual(entries.map((e) => e.name), r.packages.map((p) => p.name));
    const fsHeader = (await readRpmFileHeaders(r.packages[0].path)).header;
    assert.equal(
      m2.split('\n')[0],
      `filesystem\t1.0-1\t${EPOCH}\t${EPOCH}\tStrata Tests\t(none)\t${fsHeader.number(Tag.SIZE)}\tnoarch\t0\tfilesystem-1.0-1.src.rpm`,
    );
    assert.equal(readFileSync(join(r.root, 'var/lib/rpmmanifest/container-manifest-1'), 'utf8').split('\n')[1], 'bbsh-1.0-1.x86_64');
    const v = await verifyImageRoot(r.root, { packageFiles: r.packages.map((p) => p.path), allowUnowned: SCRIPTLET_OUTPUT });
    assert.ok(v.ok, v.problems.map(formatVerifyLine).join('\n'));
    assert.equal(v.source, 'manifest');
  });

  test('scriptlets: skip installs without running any (unknown owners fall back to root)', async () => {
    const r = await compose('g', { scriptlets: 'skip' });
    assert.deepEqual(r.scriptlets, []);
    assert.ok(!existsSync(join(r.root, 'var/lib/triggers.log')));
    assert.doesNotMatch(readFileSync(join(r.root, 'etc/passwd'), 'utf8'), /^app:/m);
    assert.ok(r.warnings.some((w) => /user app does not exist - using root/.test(w)), r.warnings.join('\n'));
  });
});
