// rpm-md XML readers and writers against createrepo_c: its test fixtures (repos, updateinfo, comps),
// fresh createrepo_c output, and createrepo_c's / dnf's own tools reading what we write.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { decompressMetadata } from '../../src/repo/compression.ts';
import { compsDanglingGroups, parseComps } from '../../src/repo/comps.ts';
import { RepoFormatError, type Advisory, type RepoPackage } from '../../src/repo/model.ts';
import { findRecord, parseRepomd, writeRepomd } from '../../src/repo/repomd.ts';
import { advisoriesFromToml, loadAdvisoryToml, parseUpdateinfo, validateAdvisory, writeUpdateinfo } from '../../src/repo/updateinfo.ts';
import {
  createPrimaryReader,
  mergeFilelists,
  mergeOther,
  parsePrimary,
} from '../../src/repo/xml-read/index.ts';
import { FIXTURES, workDir } from '../support/fixtures.ts';
import { prng, randInt } from '../support/prng.ts';
import { needTools } from '../support/tools.ts';

const CR = join(FIXTURES, 'createrepo_c');
const WORK = workDir('repo-xml');
after(() => rmSync(WORK, { recursive: true, force: true }));

const isFormatError = (re: RegExp) => (e: unknown) => e instanceof RepoFormatError && re.test(e.message);

/** Reads a repository's primary+filelists+other (plain XML records only) and checks their digests. */
/** `regzipped`: records whose .gz was recompressed after repomd was written (only open-checksum holds). */
async function readRepo(root: string, regzipped: string[] = []): Promise<{ repomdText: string; packages: RepoPackage[] }> {
  const repomdText = readFileSync(join(root, 'repodata', 'repomd.xml'), 'utf8');
  const repomd = parseRepomd(repomdText, 'repomd.xml');
  const load = async (type: string): Promise<Uint8Array> => {
    const rec = findRecord(repomd, type);
    assert.ok(rec, `${root}: no ${type} record`);
    const raw = readFileSync(join(root, rec.location));
    const sum = createHash(rec.checksum.type).update(raw).digest('hex');
    if (regzipped.includes(type)) assert.notEqual(sum, rec.checksum.value);
    else assert.equal(sum, rec.checksum.value, `${type} checksum`);
    const data = await decompressMetadata(raw, rec.location);
    assert.ok(rec.openChecksum);
    assert.equal(createHash(rec.openChecksum.type).update(data).digest('hex'), rec.openChecksum.value, `${type} open-checksum`);
    return data;
  };
  const packages = parsePrimary(await load('primary'));
  mergeFilelists(packages, await load('filelists'));
  mergeOther(packages, await load('other'));
  for (const p of packages) assert.equal(p.filesComplete, true);
  return { repomdText, packages };
}

describe('repomd.xml', () => {
  test('createrepo_c fixtures: fields, and writeRepomd reproduces createrepo_c byte for byte', () => {
    const t = readFileSync(join(CR, 'repo_with_additional_metadata', 'repodata', 'repomd.xml'), 'utf8');
    const r = parseRepomd(t, 'repomd.xml');
    assert.equal(r.revision, '1554795405');
    assert.equal(r.records.length, 17);
    assert.deepEqual(r.records.map((x) => x.type).slice(0, 7), ['primary', 'filelists', 'other', 'primary_db', 'filelists_db', 'other_db', 'primary_zck']);
    const db = findRecord(r, 'primary_db');
    assert.equal(db?.databaseVersion, 10);
    assert.equal(db?.openSize, 106496);
    const zck = findRecord(r, 'primary_zck');
    assert.equal(zck?.headerSize, 134);
    assert.equal(zck?.headerChecksum?.value, '5809d2657156017d46bd3c3acbf06f78947f0fc516652251b5ca7f7b459d9737');
    const group = findRecord(r, 'group');
    assert.equal(group?.openChecksum, undefined);
    assert.equal(group?.location, 'repodata/04460bfaf6cb5af6b0925d8c99401a44e5192d287796aed4cced5f7ce881761f-comps.f20.xml');
    assert.equal(findRecord(r, 'nope'), undefined);
    assert.equal(writeRepomd(r), t);
    const t0 = readFileSync(join(CR, 'repo_00', 'repodata', 'repomd.xml'), 'utf8');
    assert.equal(writeRepomd(parseRepomd(t0, 'x')), t0);
  });

  test('parse → write → parse is the identity on every fixture repomd', () => {
    for (const repo of ['repo_00', 'repo_01', 'repo_02', 'repo_with_additional_metadata']) {
      const r = parseRepomd(readFileSync(join(CR, repo, 'repodata', 'repomd.xml'), 'utf8'), repo);
      assert.deepEqual(parseRepomd(writeRepomd(r), repo), r, repo);
    }
  });

  test('tags, xml:base and escaping survive a round trip', () => {
    const r = {
      revision: 'r<1>&',
      tags: { content: ['binary-x86_64'], repo: ['a "b"'], distro: [{ cpeid: 'cpe:/o:x:y:1', value: 'X 1' }, { value: 'plain' }] },
      records: [
        {
          type: 'primary',
          location: 'repodata/p.xml.zst',
          locationBase: 'https://mirror.example/x?a=1&b=2',
          checksum: { type: 'sha512', value: 'ab'.repeat(64) },
          timestamp: 1,
          size: 2,
        },
      ],
    };
    const xml = writeRepomd(r);
    assert.match(xml, /<distro cpeid="cpe:\/o:x:y:1">X 1<\/distro>/);
    assert.match(xml, /xml:base="https:\/\/mirror.example\/x\?a=1&amp;b=2"/);
    assert.deepEqual(parseRepomd(xml, 'x'), r);
  });

  test('validation: checksum type and length, location, integers, duplicates; unknown elements ignored', () => {
    const rec = (inner: string, type = 'primary'): string =>
      `<repomd><revision>1</revision><repoid type="x">y</repoid><data type="${type}">${inner}</data></repomd>`;
    const sum = `<checksum type="sha256">${'a'.repeat(64)}</checksum>`;
    const loc = '<location href="repodata/p.xml.gz"/>';
    assert.equal(parseRepomd(rec(`${sum}${loc}<future-thing>1</future-thing>`), 'x').records[0].location, 'repodata/p.xml.gz');
    // Upper-case hex is accepted and normalised; old fractional timestamps keep their integer part.
    const upper = parseRepomd(rec(`<checksum type="sha256">${'A'.repeat(64)}</checksum>${loc}<timestamp>12.5</timestamp>`), 'x');
    assert.equal(upper.records[0].checksum.value, 'a'.repeat(64));
    assert.equal(upper.records[0].timestamp, 12);
    const bad: Array<[string, RegExp]> = [
      [rec(`<checksum type="crc32">${'a'.repeat(8)}</checksum>${loc}`), /x: line 1: <data type="primary"> <checksum>: unknown checksum type "crc32"/],
      [rec(`<checksum type="sha256">${'a'.repeat(63)}</checksum>${loc}`), /expected 64 lower-case hex digits/],
      [rec(`<checksum type="sha1">${'g'.repeat(40)}</checksum>${loc}`), /expected 40/],
      [rec(`${sum}<location href="../etc/passwd"/>`), /"\.\." in location/],
      [rec(`${sum}<location href="repodata/../../x"/>`), /"\.\." in location/],
      [rec(`${sum}<location href="/abs"/>`), /absolute location/],
      [rec(`${sum}<location href="https://x/y"/>`), /is a URL/],
      [rec(`${sum}<location/>`), /empty location/],
      [rec(`${sum}${loc}<size>-1</size>`), /<size>: not a non-negative integer/],
      [rec(`${sum}${loc}<open-size>1e3</open-size>`), /<open-size>: not a non-negative integer/],
      [rec(`${sum}${loc}<timestamp>yesterday</timestamp>`), /not a time/],
      [rec(loc), /missing <checksum>/],
      [rec(sum), /missing <location>/],
      [rec(`${sum}${sum}${loc}`), /<checksum> given twice/],
      [rec(`${sum}${loc}`, ''), /bad or missing type/],
      [`<repomd>${rec(`${sum}${loc}`).slice(8, -9)}${rec(`${sum}${loc}`).slice(8, -9)}</repomd>`, /type listed twice/],
      ['<metadata/>', /expected <repomd> as the root element/],
      ['<repomd><data>', /x: .*malformed XML/],
      ['', /x: .*malformed XML/],
    ];
    for (const [xml, re] of bad) assert.throws(() => parseRepomd(xml, 'x'), isFormatError(re), xml);
    const ok = parseRepomd(rec(`${sum}${loc}`), 'x');
    ok.records[0].location = 'a/../b';
    assert.throws(() => writeRepomd(ok), isFormatError(/repomd.xml: <data type="primary"> <location>: "\.\." in location/));
    ok.records[0].location = 'repodata/x';
    ok.revision = 'bell\x07';
    assert.throws(() => writeRepomd(ok), isFormatError(/<revision>: character U\+0007 cannot be written/));
  });
});

describe('primary, filelists, other', () => {
  test('every createrepo_c fixture repository (zck and sqlite records are not read: see below)', async () => {
    const r00 = await readRepo(join(CR, 'repo_00'));
    assert.equal(r00.packages.length, 0);

    // Upstream's repo_01 primary.xml.gz was re-gzipped after its repomd was written.
    const [k] = (await readRepo(join(CR, 'repo_01'), ['primary'])).packages;
    assert.equal(k.name, 'super_kernel');
    assert.deepEqual([k.epoch, k.version, k.release, k.arch], ['0', '6.0.1', '2', 'x86_64']);
    assert.equal(k.pkgid, '152824bff2aa6d54f429d43e87a3ff3a0286505c6d93ec87692b5e3a9e3b97bf');
    assert.equal(k.vendor, '');
    assert.equal(k.packager, '');
    assert.deepEqual(k.deps.requires[0], { name: 'bzip2', flags: 'GE', epoch: '0', ver: '1.0.0', pre: true });
    assert.deepEqual(k.deps.provides[0], { name: 'not_so_super_kernel', flags: 'LT', epoch: '0', ver: '5.8.0' });
    assert.deepEqual(k.files, [{ path: '/usr/bin/super_kernel' }, { path: '/usr/share/man/super_kernel.8.gz' }]);
    assert.deepEqual(k.changelog[1], { author: 'Tomas Mlcoch <tmlcoch@redhat.com> - 6.0.1-2', date: 1334664001, text: '- Second release' });
    assert.equal([k.headerStart, k.headerEnd].join('-'), '280-2637');

    const r02 = (await readRepo(join(CR, 'repo_02'))).packages;
    assert.deepEqual(r02.map((p) => p.name), ['fake_bash', 'super_kernel']);
    assert.deepEqual(r02[0].deps.provides[0], { name: 'bash' });

    const [f] = (await readRepo(join(CR, 'repo_with_additional_metadata'))).packages;
    assert.equal(f.name, 'fontconfig');
    assert.equal(f.release, '5.el6');
    assert.equal(f.packager, 'CentOS BuildSystem <http://bugs.centos.org>');
    assert.equal(f.description, 'Fontconfig is designed to locate fonts within the\nsystem and select them according to requirements specified by\napplications.');
    assert.deepEqual([f.packageSize, f.installedSize, f.archiveSize], [189964, 450597, 461716]);
    assert.deepEqual(f.files[0], { path: '/etc/fonts/conf.avail', type: 'dir' });
    assert.ok(f.files.length > 40);
    assert.equal(f.changelog.length, 10);
    assert.match(f.changelog[6].text, /^- Substitute ZapfDingbats with Dingbats\n- Resolves: #566758$/);
  });

  // zchunk and sqlite records are alternatives dnf does not need (notes §4): the plain XML records carry
  // the same data. A zchunk file is recognised by content and refused with a clear message.
  test('zchunk records: detected by content and refused with one line', async () => {
    const dir = join(FIXTURES, 'createrepo_c', 'repo_with_additional_metadata', 'repodata');
    const zck = join(dir, 'e9e6ca4765de75cc3b2bf05e6cf631703c6557edd642300748d7747000547365-primary.xml.zck');
    await assert.rejects(decompressMetadata(readFileSync(zck), zck), (e: Error) => e instanceof RepoFormatError && /zchunk files are not supported/.test(e.message) && !e.message.includes('\n'));
  });

  test('fresh createrepo_c output over the fixture packages reads back completely', async (t) => {
    if (!needTools(t, 'createrepo_c')) return;
    const dir = join(WORK, 'cr');
    cpSync(join(CR, 'packages'), dir, { recursive: true });
    execFileSync('createrepo_c', ['--no-database', '-q', '--revision=rev1', '--content=binary-x86_64', '--repo=strata',
      '--distro=cpe:/o:example:os:1,Example 1', dir]);
    const { repomdText, packages } = await readRepo(dir);
    const repomd = parseRepomd(repomdText, 'repomd.xml');
    assert.deepEqual(repomd.tags, { content: ['binary-x86_64'], repo: ['strata'], distro: [{ cpeid: 'cpe:/o:example:os:1', value: 'Example 1' }] });
    assert.equal(writeRepomd(repomd), repomdText);
    assert.equal(packages.length, 12);
    const by = (n: string, arch = 'x86_64'): RepoPackage => packages.find((p) => p.name === n && p.arch === arch)!;
    const archer = by('Archer');
    assert.equal(archer.epoch, '2');
    assert.equal(archer.vendor, 'ISIS');
    assert.deepEqual(archer.deps.provides.find((d) => d.name === 'barb'), { name: 'barb', flags: 'GE', epoch: '0', ver: '11.22.33', rel: '44' });
    assert.deepEqual(archer.deps.requires.find((d) => d.name === 'foof'), { name: 'foof', flags: 'EQ', epoch: '0', ver: '6', pre: true });
    assert.equal(archer.deps.obsoletes.length, 5);
    assert.deepEqual(archer.files.map((x) => x.type ?? 'file'), ['file', 'dir', 'file']);
    const rimmer = by('Rimmer');
    for (const k of ['suggests', 'enhances', 'recommends', 'supplements'] as const) assert.equal(rimmer.deps[k].length, 1, k);
    assert.deepEqual(rimmer.deps.supplements[0], { name: 'sup', flags: 'GT', epoch: '0', ver: '9' });
    // Non-ASCII written as character references in attributes and raw in text.
    assert.equal(by('balicek-iso88591').deps.requires[0].name, 'àáâãäåç');
    assert.match(by('balicek-utf8').changelog[0].author, /^Tomáš Mlčoch/);
    assert.equal(by('empty', 'src').files[0].path, 'empty.spec');
    assert.equal(packages.filter((p) => p.name === 'empty').length, 5);
  });

  test('chunked input (split anywhere, even inside a surrogate pair) reads the same as whole input', () => {
    const text = synthPrimary(30, 7);
    const whole = parsePrimary(text);
    assert.equal(whole.length, 30);
    assert.deepEqual(parsePrimary(Buffer.from(text)), whole);
    const r = prng(3);
    for (let round = 0; round < 20; round++) {
      const got: RepoPackage[] = [];
      const rd = createPrimaryReader((p) => got.push(p));
      for (let i = 0; i < text.length; ) {
        const n = 1 + randInt(r, 64);
        rd.write(text.slice(i, i + n));
        i += n;
      }
      rd.close();
      assert.deepEqual(got, whole);
    }
  });

  test('lossless: keys present exactly when written (pre, epoch, ver, rel, xml:base, file types, empty text)', () => {
    const [p] = parsePrimary(pkgXml({
      version: '<version epoch="3" ver="1" rel=""/>',
      location: '<location xml:base="https://h/x" href="a/b.rpm"/>',
      format: `<rpm:vendor/><rpm:requires><rpm:entry name="a" pre="0"/><rpm:entry name="b" flags="EQ" ver="1"/>
        <rpm:entry name="(c if d)"/></rpm:requires><file type="ghost">/var/g</file><file>/usr/bin/x</file><file type="dir">/etc/d</file>`,
    }));
    assert.equal(p.epoch, '3');
    assert.equal(p.release, '');
    assert.equal(p.locationBase, 'https://h/x');
    assert.equal(p.vendor, '');
    assert.deepEqual(p.deps.requires, [{ name: 'a', pre: false }, { name: 'b', flags: 'EQ', ver: '1' }, { name: '(c if d)' }]);
    assert.deepEqual(p.files, [{ path: '/var/g', type: 'ghost' }, { path: '/usr/bin/x' }, { path: '/etc/d', type: 'dir' }]);
    assert.equal(p.filesComplete, false);
    const plain = parsePrimary(pkgXml({}))[0];
    assert.equal('locationBase' in plain, false);
    // Element names are data: prototype property names must not reach any lookup table.
    const odd = parsePrimary(pkgXml({ format: '<__proto__>x</__proto__><constructor>y</constructor><rpm:toString><rpm:entry name="z"/></rpm:toString>' }))[0];
    assert.deepEqual(odd, plain);
  });

  test('errors name the file, the line and the field', () => {
    const cases: Array<[string, RegExp]> = [
      [pkgXml({ checksum: '' }), /^p\.xml: line \d+: package 1 \(x\): missing <checksum>$/],
      [pkgXml({ checksum: '<checksum type="sha256" pkgid="YES"></checksum>' }), /package 1 \(x\): empty <checksum>/],
      [pkgXml({ version: '<version epoch="0" ver="1"/>' }), /<version> needs ver and rel/],
      [pkgXml({ time: '<time file="x" build="1"/>' }), /package 1 \(x\): <time file>: not a non-negative integer: "x"/],
      [pkgXml({ format: '<rpm:provides><rpm:entry name="a" flags="NE" ver="1"/></rpm:provides>' }), /<rpm:entry name="a">: unknown flags "NE"/],
      [pkgXml({ format: '<rpm:provides><rpm:entry flags="EQ"/></rpm:provides>' }), /<rpm:entry> without name/],
      [pkgXml({ format: '<file type="socket">/x</file>' }), /<file type="socket">: unknown file type/],
      [pkgXml({}).replace('<metadata', '<filelists').replace('</metadata>', '</filelists>'), /expected <metadata> as the root element, found <filelists>/],
      [pkgXml({}).slice(0, -20), /^p\.xml: line \d+: malformed XML: /],
      [pkgXml({}).replace('<name>x</name>', '<name>x&bogus;</name>'), /malformed XML/],
    ];
    for (const [xml, re] of cases) assert.throws(() => parsePrimary(xml, 'p.xml'), isFormatError(re), re.source);
    assert.throws(() => parsePrimary(Buffer.from([0x3c, 0xff, 0xfe]), 'p.xml'), isFormatError(/p\.xml: not valid UTF-8/));
  });

  test('merging joins by pkgid, handles a duplicated rpm, and reports disagreement', () => {
    const prim = `<metadata>${pkgBody('a', 'aa')}${pkgBody('b', 'bb')}${pkgBody('b', 'bb')}</metadata>`;
    const fl = (ids: Array<[string, string, string]>): string =>
      `<filelists>${ids.map(([id, n, file]) => `<package pkgid="${id}" name="${n}" arch="x86_64"><version epoch="0" ver="1" rel="1"/><file>${file}</file></package>`).join('')}</filelists>`;
    const ps = parsePrimary(prim);
    mergeFilelists(ps, fl([['bb', 'b', '/b1'], ['aa', 'a', '/a'], ['bb', 'b', '/b2']]));
    assert.deepEqual(ps.map((p) => p.files[0].path), ['/a', '/b1', '/b2']);
    assert.throws(() => mergeFilelists(parsePrimary(prim), fl([['aa', 'a', '/a']]), 'f.xml'), isFormatError(/^f\.xml: 2 primary package\(s\) missing, e\.g\. b \(pkgid bb\)$/));
    assert.throws(() => mergeFilelists(parsePrimary(prim), fl([['zz', 'z', '/z']]), 'f.xml'), isFormatError(/package z \(pkgid zz\) is not in primary/));
    assert.throws(() => mergeFilelists(parsePrimary(prim), fl([['aa', 'a', '/'], ['aa', 'a', '/']]), 'f.xml'), isFormatError(/listed twice/));
    assert.throws(() => mergeFilelists(parsePrimary(prim), fl([['aa', 'q', '/']]), 'f.xml'), isFormatError(/pkgid aa is q-0:1-1\.x86_64 here but a-0:1-1\.x86_64 in primary/));
    const sub = parsePrimary(prim).slice(0, 1);
    mergeFilelists(sub, fl([['zz', 'z', '/z'], ['aa', 'a', '/a']]), 'f.xml', { partial: true });
    assert.equal(sub[0].files[0].path, '/a');
    const other = `<otherdata><package pkgid="aa" name="a" arch="x86_64"><version epoch="0" ver="1" rel="1"/><changelog author="me" date="x">t</changelog></package></otherdata>`;
    assert.throws(() => mergeOther(sub, other, 'o.xml'), isFormatError(/^o\.xml: line 1: package a: <changelog date="x">: not an integer$/));
  });

  test('throughput on a synthetic Fedora-shaped primary (reported, not asserted)', (t) => {
    const text = synthPrimary(3000, 1);
    const mb = Buffer.byteLength(text) / 1e6;
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      assert.equal(parsePrimary(text).length, 3000);
      best = Math.min(best, performance.now() - t0);
    }
    t.diagnostic(`primary: ${mb.toFixed(1)} MB in ${best.toFixed(0)} ms = ${(mb / (best / 1000)).toFixed(0)} MB/s`);
  });
});

describe('updateinfo.xml', () => {
  const ui = async (f: string): Promise<string> =>
    Buffer.from(await decompressMetadata(readFileSync(join(CR, 'updateinfo_files', f)), f)).toString('utf8');

  test('createrepo_c fixtures', async () => {
    assert.deepEqual(parseUpdateinfo(await ui('updateinfo_00.xml'), 'u0'), []);
    const [a] = parseUpdateinfo(await ui('updateinfo_01.xml'), 'u1');
    assert.equal(a.id, 'foobarupdate_1');
    assert.equal(a.type, 'enhancement');
    assert.equal(a.severity, 'severity_1');
    assert.equal(a.from, 'secresponseteam@foo.bar');
    assert.equal(a.issued, '2012-12-12 00:00:00');
    assert.equal(a.rebootSuggested, true);
    assert.deepEqual(a.references, [{ href: 'https://foobar/foobarupdate_1', id: '1', type: 'self', title: 'update_1' }]);
    const p = a.collections[0].packages[0];
    assert.equal(a.collections[0].short, 'foo.component');
    assert.deepEqual([p.name, p.epoch, p.src, p.sum?.type], ['bar', '0', 'bar-2.0.1-3.src.rpm', 'sha256']);
    assert.deepEqual([p.rebootSuggested, p.restartSuggested, p.reloginSuggested], [true, true, true]);

    const many = parseUpdateinfo(await ui('updateinfo_03.xml'), 'u3');
    assert.equal(many.length, 6);
    assert.deepEqual(many.map((x) => x.type), ['security', 'security', 'security', 'enhancement', 'enhancement', 'enhancement']);
    assert.equal(many[2].issued, '15mangled2'); // kept as written
    assert.equal(many[0].collections[0].packages.length, 3);
    assert.equal(many[0].collections[0].packages[0].epoch, '0'); // absent epoch reads as 0
    assert.equal(many[3].rebootSuggested, true);
    assert.equal(many[4].rebootSuggested, true); // <reboot_suggested/>
    assert.deepEqual(many[4].collections[1].module, { name: 'duck', stream: '0', version: '20180730233102', context: 'deadbeef', arch: 'noarch' });
    // updateinfo_02 (xz) is createrepo_c's "everything empty" case: no id, no type.
    await assert.rejects(async () => parseUpdateinfo(await ui('updateinfo_02.xml.xz'), 'u2'), isFormatError(/^u2: line 3: advisory \(no id\): <id>: missing$/));
  });

  test('parse → write → parse is the identity; the layout is createrepo_c\'s', async () => {
    for (const f of ['updateinfo_00.xml', 'updateinfo_01.xml', 'updateinfo_03.xml']) {
      const a = parseUpdateinfo(await ui(f), f);
      const w = writeUpdateinfo(a);
      assert.deepEqual(parseUpdateinfo(w, f), a, f);
      assert.equal(writeUpdateinfo(parseUpdateinfo(w, f)), w);
    }
    const w1 = writeUpdateinfo(parseUpdateinfo(await ui('updateinfo_01.xml'), 'u1'));
    // createrepo_c's dump order: id, title, issued, updated, rights, …, reboot_suggested, references, pkglist.
    const order = [...w1.matchAll(/^ {4}<([a-z_]+)/gm)].map((m) => m[1]);
    assert.deepEqual(order, ['id', 'title', 'issued', 'updated', 'rights', 'release', 'pushcount', 'severity', 'summary', 'description', 'solution', 'reboot_suggested', 'references', 'pkglist']);
    assert.match(w1, /<package name="bar" version="2.0.1" release="3" epoch="0" arch="noarch" src="bar-2.0.1-3.src.rpm">\n {10}<filename>/);
    assert.equal(writeUpdateinfo([]), '<?xml version="1.0" encoding="UTF-8"?>\n<updates/>\n');
  });

  test('validation', () => {
    const base = (): Advisory => ({ id: 'A-1', type: 'bugfix', title: 't', rebootSuggested: false, references: [], collections: [{ packages: [{ name: 'n', epoch: '0', version: '1', release: '1', arch: 'noarch', filename: 'n.rpm' }] }] });
    validateAdvisory(base());
    const mut: Array<[(a: Advisory) => void, RegExp]> = [
      [(a) => (a.type = 'feature' as Advisory['type']), /advisory "A-1": type: "feature" is not one of security, bugfix, enhancement, newpackage/],
      [(a) => (a.id = ''), /advisory \(no id\): <id>: missing/],
      [(a) => (a.collections[0].packages[0].arch = ''), /package n: missing arch/],
      [(a) => (a.collections[0].packages[0].epoch = 'x'), /package n: epoch "x" is not a number/],
      [(a) => (a.collections[0].packages[0].sum = { type: 'sha256', value: 'abc' }), /package n <sum>: expected 64 lower-case hex digits/],
      [(a) => (a.collections[0].module = { name: 'm', stream: 's', version: 'v1', context: 'c', arch: 'a' }), /<module version>: not a number/],
    ];
    for (const [f, re] of mut) {
      const a = base();
      f(a);
      assert.throws(() => validateAdvisory(a), isFormatError(re), re.source);
      assert.throws(() => writeUpdateinfo([a]), isFormatError(new RegExp(`^updateinfo\\.xml: .*${re.source}`)));
    }
    const bad = base();
    bad.description = 'esc\x1b';
    assert.throws(() => writeUpdateinfo([bad]), isFormatError(/<description>: character U\+001b cannot be written/));
    assert.throws(() => parseUpdateinfo('<updates><update type="bugfix"><id>x</id><pkglist><collection><package name="n" version="1" release="1"/></collection></pkglist></update></updates>', 'u'), isFormatError(/^u: line 1: advisory "x": package n: missing arch$/));
  });

  test('modifyrepo_c adds our updateinfo, and dnf reads the advisory from the repository', async (t) => {
    if (!needTools(t, 'createrepo_c', 'modifyrepo_c')) return;
    const dir = join(WORK, 'ui');
    const repo = join(dir, 'repo');
    cpSync(join(CR, 'packages'), repo, { recursive: true });
    execFileSync('createrepo_c', ['--no-database', '-q', repo]);
    const advisories = advisoriesFromToml(TOML_DOC(), 'adv.toml');
    writeFileSync(join(dir, 'updateinfo.xml'), writeUpdateinfo(advisories));
    execFileSync('modifyrepo_c', ['--mdtype=updateinfo', join(dir, 'updateinfo.xml'), join(repo, 'repodata')], { stdio: 'ignore' });
    const repomd = parseRepomd(readFileSync(join(repo, 'repodata', 'repomd.xml'), 'utf8'), 'repomd.xml');
    const rec = findRecord(repomd, 'updateinfo');
    assert.ok(rec && rec.location.endsWith('updateinfo.xml.gz'));
    const back = Buffer.from(await decompressMetadata(readFileSync(join(repo, rec.location)), rec.location)).toString('utf8');
    assert.deepEqual(parseUpdateinfo(back, rec.location), advisories);
    assert.equal((await readRepo(repo)).packages.length, 12);

    // dnf 4 lists advisories only for installed packages: register fake_bash in a scratch rpmdb.
    if (!needTools(t, 'dnf', 'rpm')) return;
    const root = join(dir, 'root');
    mkdirSync(root, { recursive: true });
    execFileSync('rpm', ['--root', root, '-i', '--justdb', '--nodeps', '--noscripts', join(CR, 'packages', 'fake_bash-1.1.1-1.x86_64.rpm')], { stdio: 'ignore' });
    const out = execFileSync('dnf', ['-q', '--setopt=reposdir=/dev/null', `--repofrompath=t,file://${repo}`, '--repo=t',
      `--setopt=cachedir=${join(dir, 'cache')}`, `--installroot=${root}`, '--releasever=1', 'updateinfo', 'info', '--all'], { encoding: 'utf8' });
    assert.match(out, /Update ID: STRATA-2025-0001/);
    assert.match(out, /Severity: Important/);
    assert.match(out, /CVEs: CVE-2025-1234/);
    assert.match(out, /Description: Fixes <things> & stuff/);
  });
});

const TOML_DOC = (): Record<string, unknown> => ({
  id: 'STRATA-2025-0001',
  type: 'security',
  severity: 'important',
  title: 'fake_bash security update',
  issued: '2025-03-01 10:00:00',
  description: 'Fixes <things> & stuff',
  references: [{ type: 'cve', id: 'CVE-2025-1234', href: 'https://cve.example/CVE-2025-1234' }],
  packages: [{ name: 'fake_bash', version: '1.1.1', release: '1', arch: 'x86_64', sum: '90F61E546938A11449B710160AD294618A5BD3062E46F8CF851FD0088AF184B7', reboot_suggested: true }],
});

describe('TOML advisories', () => {
  test('a single advisory and its defaults', () => {
    const [a] = advisoriesFromToml(TOML_DOC(), 'adv.toml');
    assert.equal(a.severity, 'Important');
    assert.equal(a.rebootSuggested, false);
    assert.deepEqual(a.references, [{ type: 'cve', id: 'CVE-2025-1234', href: 'https://cve.example/CVE-2025-1234', title: '' }]);
    assert.deepEqual(a.collections, [{ packages: [{ name: 'fake_bash', epoch: '0', version: '1.1.1', release: '1', arch: 'x86_64',
      filename: 'fake_bash-1.1.1-1.x86_64.rpm', sum: { type: 'sha256', value: '90f61e546938a11449b710160ad294618a5bd3062e46f8cf851fd0088af184b7' }, rebootSuggested: true }] }]);
  });

  test('files: [[advisory]] lists, TOML dates, modules, and errors naming file and field', async () => {
    const dir = join(WORK, 'toml');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'a.toml');
    writeFileSync(file, `
[[advisory]]
id = "A-1"
type = "bugfix"
title = "one"
issued = 2025-03-01T12:00:00+02:00
updated = 2025-03-02
collection = "c9"
[advisory.module]
name = "nodejs"
stream = "20"
version = 9020020240101
context = "abcd1234"
arch = "x86_64"
[[advisory.packages]]
name = "nodejs"
epoch = 1
version = "20.1"
release = "1"
arch = "x86_64"

[[advisory]]
id = "A-2"
type = "newpackage"
title = "two"
issued = 2025-03-01T08:30:00
[[advisory.packages]]
name = "x"
version = "1"
release = "1"
arch = "noarch"
filename = "sub/x.rpm"
`);
    const [a, b] = await loadAdvisoryToml(file);
    assert.equal(a.issued, '2025-03-01 10:00:00'); // offset converted to UTC
    assert.equal(a.updated, '2025-03-02 00:00:00');
    assert.deepEqual(a.collections[0].module, { name: 'nodejs', stream: '20', version: '9020020240101', context: 'abcd1234', arch: 'x86_64' });
    assert.equal(a.collections[0].short, 'c9');
    assert.equal(a.collections[0].packages[0].epoch, '1');
    assert.equal(b.issued, '2025-03-01 08:30:00'); // local time kept as written
    assert.equal(b.collections[0].packages[0].filename, 'sub/x.rpm');
    assert.deepEqual(parseUpdateinfo(writeUpdateinfo([a, b]), 'x'), [a, b]);

    writeFileSync(file, 'id = "x"\ntype = [\n');
    await assert.rejects(loadAdvisoryToml(file), isFormatError(/a\.toml: line \d+: invalid TOML: /));
    await assert.rejects(loadAdvisoryToml(join(dir, 'missing.toml')), isFormatError(/missing\.toml: cannot read: ENOENT/));

    const bad: Array<[(d: Record<string, unknown>) => void, RegExp]> = [
      [(d) => (d.reboot_sugested = true), /^f: advisory "STRATA-2025-0001": reboot_sugested: unknown key$/],
      [(d) => (d.type = 'feature'), /type: "feature" is not one of/],
      [(d) => delete d.title, /title: missing/],
      [(d) => (d.issued = '2025-02-30'), /issued: expected a date/],
      [(d) => (d.issued = 'yesterday'), /issued: expected a date/],
      [(d) => (d.severity = 'urgent'), /severity: "urgent" is not one of Critical, Important, Moderate, Low, None/],
      [(d) => (d.packages = []), /packages: at least one \[\[packages\]\] entry is required/],
      [(d) => ((d.packages as Array<Record<string, unknown>>)[0].sum = 'abc'), /packages\[1\]: sum: expected 64 lower-case hex digits/],
      [(d) => ((d.packages as Array<Record<string, unknown>>)[0].epoch = -1), /packages\[1\]: epoch: expected a non-negative integer/],
      [(d) => ((d.references as Array<Record<string, unknown>>)[0].href = 3), /references\[1\]: href: expected a string/],
      [(d) => (d.reboot_suggested = 'yes'), /reboot_suggested: expected true or false/],
    ];
    for (const [f, re] of bad) {
      const d = TOML_DOC();
      f(d);
      assert.throws(() => advisoriesFromToml(d, 'f'), isFormatError(re), re.source);
    }
    assert.throws(() => advisoriesFromToml({ advisory: [TOML_DOC(), TOML_DOC()] }, 'f'), isFormatError(/id used twice/));
    assert.throws(() => advisoriesFromToml({ advisory: [TOML_DOC()], id: 'x' }, 'f'), isFormatError(/id: top-level keys are not allowed next to \[\[advisory\]\]/));
    assert.throws(() => advisoriesFromToml([], 'f'), isFormatError(/expected a TOML table/));
  });
});

describe('comps.xml', () => {
  test('createrepo_c fixture comps_00 (intltool _name form)', () => {
    const c = parseComps(readFileSync(join(CR, 'comps_files', 'comps_00.xml'), 'utf8'), 'comps_00.xml');
    assert.equal(c.groups.length, 1);
    const [g] = c.groups;
    assert.deepEqual([g.id, g.name, g.description, g.default, g.userVisible], ['test-group', 'Test Group', '', false, true]);
    assert.deepEqual(g.packages, [{ name: 'Archer', type: 'default' }]);
    assert.deepEqual(c.categories, [{ id: 'test category', name: 'Test Category', description: 'Description of test category.', displayOrder: 99, groups: ['test-group'] }]);
    assert.deepEqual(compsDanglingGroups(c), []);
  });

  test('translations, environments, packagereq attributes; validation errors', () => {
    const xml = `<?xml version="1.0"?>
<!DOCTYPE comps PUBLIC "-//Red Hat, Inc.//DTD Comps info//EN" "comps.dtd">
<comps>
  <group><id>core</id><name>Core</name><name xml:lang="de">Kern</name><description>Smallest</description>
    <description xml:lang="de">Kleinste</description><default>true</default><uservisible>false</uservisible>
    <packagelist><packagereq>bash</packagereq><packagereq type="conditional" requires="gnome-shell">x</packagereq>
      <packagereq type="optional" basearchonly="true">y</packagereq></packagelist></group>
  <environment><id>server</id><name>Server</name><description/><display_order>3</display_order>
    <grouplist><groupid>core</groupid></grouplist><optionlist><groupid default="true">gone</groupid><groupid>core</groupid></optionlist></environment>
  <langpacks><match name="x" install="x-%s"/></langpacks>
</comps>`;
    const c = parseComps(xml, 'c.xml');
    const [g] = c.groups;
    assert.deepEqual(g.translatedNames, { de: 'Kern' });
    assert.deepEqual(g.translatedDescriptions, { de: 'Kleinste' });
    assert.deepEqual([g.default, g.userVisible], [true, false]);
    assert.deepEqual(g.packages, [
      { name: 'bash', type: 'mandatory' },
      { name: 'x', type: 'conditional', requires: 'gnome-shell' },
      { name: 'y', type: 'optional', basearchonly: true },
    ]);
    assert.deepEqual(c.environments, [{ id: 'server', name: 'Server', description: '', displayOrder: 3, groups: ['core'], options: [{ id: 'gone', default: true }, { id: 'core', default: false }] }]);
    assert.deepEqual(compsDanglingGroups(c), ['environment "server": unknown group "gone"']);
    const bad: Array<[string, RegExp]> = [
      ['<comps><group><id>a</id><name>A</name></group><group><id>a</id><name>B</name></group></comps>', /^c: line 1: <group> "a" defined twice$/],
      ['<comps><group><name>A</name></group></comps>', /<group> without <id>/],
      ['<comps><group><id>a</id></group></comps>', /<group> "a": no <name>/],
      ['<comps><group><id>a</id><name>A</name><default>maybe</default></group></comps>', /<default>: expected true or false, not "maybe"/],
      ['<comps><group><id>a</id><name>A</name><packagelist><packagereq type="must">p</packagereq></packagelist></group></comps>', /<packagereq> p: unknown type "must"/],
      ['<comps><group><id>a</id><name>A</name><packagelist><packagereq type="conditional">p</packagereq></packagelist></group></comps>', /conditional <packagereq> p without requires/],
      ['<comps><category><id>c</id><name>C</name><display_order>x</display_order></category></comps>', /<display_order>: not a number/],
      ['<groups/>', /expected <comps> as the root element/],
      ['<comps><group>', /malformed XML/],
    ];
    for (const [x, re] of bad) assert.throws(() => parseComps(x, 'c'), isFormatError(re), re.source);
  });
});

// ---------------------------------------------------------------------------------------------
// Synthetic primary.xml

function pkgBody(name: string, pkgid: string): string {
  return `<package type="rpm"><name>${name}</name><arch>x86_64</arch><version epoch="0" ver="1" rel="1"/><checksum type="sha256" pkgid="YES">${pkgid}</checksum><location href="${name}.rpm"/></package>`;
}

/** One createrepo_c-shaped package; each part can be replaced. */
function pkgXml(o: { version?: string; checksum?: string; time?: string; location?: string; format?: string }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="1">
<package type="rpm">
  <name>x</name>
  <arch>noarch</arch>
  ${o.version ?? '<version epoch="0" ver="1" rel="1"/>'}
  ${o.checksum ?? `<checksum type="sha256" pkgid="YES">${'0'.repeat(64)}</checksum>`}
  <summary>s</summary>
  ${o.time ?? '<time file="1" build="2"/>'}
  ${o.location ?? '<location href="x.rpm"/>'}
  <format>${o.format ?? ''}</format>
</package>
</metadata>
`;
}

/** A Fedora-shaped primary (~3.7 KB per package: 12 provides, 14 requires, 4 files, long description). */
function synthPrimary(n: number, seed: number): string {
  const r = prng(seed);
  const word = (): string => 'abcdefghijklmnopqrstuvwxyzäöü😀'.slice(randInt(r, 20)).slice(0, 3 + randInt(r, 8));
  const words = (k: number): string => Array.from({ length: k }, word).join(' ');
  const out = [`<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="${n}">\n`];
  for (let i = 0; i < n; i++) {
    const name = `pkg${i}-${word().replace(/[^a-z]/g, '') || 'x'}`;
    const v = `1.${i % 97}`;
    const entry = (nm: string, ver: boolean): string =>
      ver ? `      <rpm:entry name="${nm}" flags="GE" epoch="0" ver="${v}" rel="3.fc40"/>\n` : `      <rpm:entry name="${nm}"/>\n`;
    let prov = '';
    let req = '';
    let files = '';
    for (let k = 0; k < 12; k++) prov += entry(`lib${name}-${k}.so.1()(64bit)`, k % 3 === 0);
    for (let k = 0; k < 14; k++) req += entry(`libdep${(i * 7 + k) % 5000}.so.6(GLIBC_2.${k})(64bit)`, k % 4 === 0);
    for (let k = 0; k < 4; k++) files += `    <file>/usr/bin/${name}-tool${k}</file>\n`;
    out.push(`<package type="rpm">
  <name>${name}</name>
  <arch>x86_64</arch>
  <version epoch="0" ver="${v}" rel="3.fc40"/>
  <checksum type="sha256" pkgid="YES">${i.toString(16).padStart(64, 'a')}</checksum>
  <summary>${words(6)}</summary>
  <description>${words(60)} &amp; ${words(20)}</description>
  <packager>Fedora Project</packager>
  <url>https://example.org/${name}</url>
  <time file="1712345678" build="1712300000"/>
  <size package="123456" installed="456789" archive="460000"/>
  <location href="Packages/p/${name}-${v}-3.fc40.x86_64.rpm"/>
  <format>
    <rpm:license>MIT AND (GPL-2.0-or-later)</rpm:license>
    <rpm:vendor>Fedora Project</rpm:vendor>
    <rpm:group>Unspecified</rpm:group>
    <rpm:buildhost>buildvm-x86-12.iad2.fedoraproject.org</rpm:buildhost>
    <rpm:sourcerpm>${name}-${v}-3.fc40.src.rpm</rpm:sourcerpm>
    <rpm:header-range start="4504" end="${9000 + i}"/>
    <rpm:provides>
${prov}    </rpm:provides>
    <rpm:requires>
${req}    </rpm:requires>
${files}  </format>
</package>
`);
  }
  out.push('</metadata>\n');
  return out.join('');
}
