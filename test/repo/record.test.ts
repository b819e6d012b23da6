// Unit tests for createrepo_c's record rules (src/repo/record/) and the XML writers
// (src/repo/xml-write.ts), on hand-built headers so each rule is isolated.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DepFlag, HeaderBuilder, type Header, RpmFormatError, Tag, TagType, packRpm, parseHeader, readRpmFileHeaders } from '../../src/rpm/index.ts';
import { RepoFormatError, type RepoPackage } from '../../src/repo/model.ts';
import { compareLibcNames, createrepoEvr, createrepoText, packageRecordFromHeaders, readPackageRecord, type RecordRules } from '../../src/repo/record/index.ts';
import * as xml from '../../src/repo/xml-write.ts';
import { workDir } from '../support/fixtures.ts';

type Dep = [string, number, string?];
const GE = DepFlag.GREATER | DepFlag.EQUAL;
const EQ = DepFlag.EQUAL;
const FILE = { pkgid: 'ab'.repeat(32), checksumType: 'sha256', size: 1234, mtime: 1_700_000_000, location: 'p-1-1.x86_64.rpm' };

function header(fill: (b: HeaderBuilder) => void, opts: { region?: 0 | 63; binary?: boolean } = {}): Header {
  const b = new HeaderBuilder().string(Tag.NAME, 'p').string(Tag.VERSION, '1').string(Tag.RELEASE, '1').string(Tag.ARCH, 'x86_64');
  if (opts.binary ?? true) b.string(Tag.SOURCERPM, 'p-1-1.src.rpm');
  fill(b);
  return parseHeader(b.build({ region: opts.region ?? 63 }), 'header').header;
}

function signature(fill: (b: HeaderBuilder) => void = () => {}): Header {
  const b = new HeaderBuilder().int32(1000, [100]);
  fill(b);
  return parseHeader(b.build({ region: 62 }), 'signature', { regionTag: 62 }).header;
}

function deps(b: HeaderBuilder, [nt, ft, vt]: [number, number, number], list: Dep[]): void {
  b.stringArray(nt, list.map((d) => d[0])).int32(ft, list.map((d) => d[1])).stringArray(vt, list.map((d) => d[2] ?? ''));
}
const REQ: [number, number, number] = [Tag.REQUIRENAME, Tag.REQUIREFLAGS, Tag.REQUIREVERSION];
const PROV: [number, number, number] = [Tag.PROVIDENAME, Tag.PROVIDEFLAGS, Tag.PROVIDEVERSION];

function record(h: Header, rules: RecordRules = {}, sig = signature()): RepoPackage {
  return packageRecordFromHeaders({ header: h, signature: sig, headerOffset: 4504, payloadOffset: 6000 }, FILE, rules);
}

function files(b: HeaderBuilder, list: Array<[string, number, number?]>): void {
  const dirs = [...new Set(list.map(([p]) => p.slice(0, p.lastIndexOf('/') + 1)))];
  b.stringArray(Tag.DIRNAMES, dirs)
    .stringArray(Tag.BASENAMES, list.map(([p]) => p.slice(p.lastIndexOf('/') + 1)))
    .int32(Tag.DIRINDEXES, list.map(([p]) => dirs.indexOf(p.slice(0, p.lastIndexOf('/') + 1))))
    .int16(Tag.FILEMODES, list.map(([, m]) => m))
    .int32(Tag.FILEFLAGS, list.map(([, , f]) => f ?? 0));
}

const names = (p: RepoPackage, kind: keyof RepoPackage['deps'] = 'requires'): string[] => p.deps[kind].map((d) => d.name);

test('requires: rpmlib() dropped, the rest kept in header order', () => {
  const p = record(header((b) => deps(b, REQ, [['b', 0], ['rpmlib(CompressedFileNames)', DepFlag.RPMLIB | DepFlag.LESS | EQ, '3.0.4-1'], ['a', 0]])));
  assert.deepEqual(names(p), ['b', 'a']);
});

test('requires met by an identical provide (name, sense, version) are dropped; looser ones stay', () => {
  const h = header((b) => {
    deps(b, PROV, [['virt', EQ, '1.0'], ['plain', 0], ['found', EQ | DepFlag.FIND_PROVIDES, '2']]);
    deps(b, REQ, [['virt', EQ, '1.0'], ['virt', GE, '1.0'], ['plain', 0], ['plain', GE, '1'], ['found', EQ, '2'], ['virt', EQ, '1.0-1']]);
  });
  assert.deepEqual(record(h).deps.requires.map((d) => `${d.name} ${d.flags ?? ''} ${d.ver ?? ''}${d.rel ? `-${d.rel}` : ''}`.trim()), [
    'virt GE 1.0',
    'plain GE 1',
    'virt EQ 1.0-1',
  ]);
});

test('file requires: only the package’s own primary files are dropped', () => {
  const h = header((b) => {
    files(b, [['/usr/bin/tool', 0o100755], ['/usr/share/p/interp', 0o100755], ['/etc/p.conf', 0o100644]]);
    deps(b, REQ, [['/usr/bin/tool', 0], ['/usr/share/p/interp', 0], ['/etc/p.conf', 0], ['/usr/bin/other', 0]]);
  });
  assert.deepEqual(names(record(h)), ['/usr/share/p/interp', '/usr/bin/other']);
});

test('duplicate requires: dropped only when name, sense, version and pre equal the last kept one', () => {
  const h = header((b) =>
    deps(b, REQ, [
      ['a', 0], ['a', DepFlag.SCRIPT_PREUN], ['a', DepFlag.SCRIPT_PRE], ['a', DepFlag.SCRIPT_POST],
      ['v', GE, '1'], ['v', GE, '2'], ['v', GE, '1'],
    ]),
  );
  assert.deepEqual(record(h).deps.requires.map((d) => `${d.name}${d.ver ?? ''}${d.pre ? '+pre' : ''}`), ['a', 'a+pre', 'v1', 'v2', 'v1']);
});

test('libc.so.6: only the highest require is kept, and it moves to the end', () => {
  const h = header((b) =>
    deps(b, REQ, [
      ['libc.so.6(GLIBC_2.4)(64bit)', 0], ['x', 0], ['libc.so.6(GLIBC_2.34)(64bit)', 0], ['libc.so.6()(64bit)', 0], ['libc.so.6(GLIBC_2.17)(64bit)', 0], ['y', 0],
    ]),
  );
  assert.deepEqual(names(record(h)), ['x', 'y', 'libc.so.6(GLIBC_2.34)(64bit)']);
  assert.equal(compareLibcNames('libc.so.6', 'libc.so.6()'), 2);
  assert.equal(compareLibcNames('libc.so.6()(64bit)', 'libc.so.6(GLIBC_2.3.4)(64bit)'), 2);
  assert.equal(compareLibcNames('libc.so.6(GLIBC_2.3.4)(64bit)', 'libc.so.6(GLIBC_2.4)'), 2);
  assert.equal(compareLibcNames('libc.so.6(GLIBC_2.4)', 'libc.so.6(GLIBC_2.3.4)(64bit)'), 1);
  // A parenthesis without a digit before ')' ranks below any version.
  assert.equal(compareLibcNames('libc.so.6(GLIBC_PRIVATE)(64bit)', 'libc.so.6(GLIBC_2.2.5)(64bit)'), 2);
});

test('pre="1": PREREQ, pre and post always; pretrans/posttrans unless transPre is false (createrepo_c 0.17)', () => {
  const list: Dep[] = [
    ['prereq', DepFlag.PREREQ], ['pre', DepFlag.SCRIPT_PRE], ['post', DepFlag.SCRIPT_POST | DepFlag.INTERP],
    ['pretrans', DepFlag.PRETRANS], ['posttrans', DepFlag.POSTTRANS], ['preun', DepFlag.SCRIPT_PREUN], ['interp', DepFlag.INTERP],
  ];
  const h = header((b) => deps(b, REQ, list));
  const pre = (r: RecordRules): string[] => record(h, r).deps.requires.filter((d) => d.pre).map((d) => d.name);
  assert.deepEqual(pre({}), ['prereq', 'pre', 'post', 'pretrans', 'posttrans']);
  assert.deepEqual(pre({ transPre: false }), ['prereq', 'pre', 'post']);
  // pre is a requires-only attribute.
  const p = record(header((b) => deps(b, PROV, [['x', DepFlag.SCRIPT_PRE]])));
  assert.equal(p.deps.provides[0].pre, undefined);
});

test('entries: flag names, epoch "0" default, split at the first "-", bad epochs dropped', () => {
  const h = header((b) =>
    deps(b, [Tag.CONFLICTNAME, Tag.CONFLICTFLAGS, Tag.CONFLICTVERSION], [
      ['lt', DepFlag.LESS, '1'], ['le', DepFlag.LESS | EQ, '2:3-4'], ['gt', DepFlag.GREATER, '1.0-1-2'],
      ['ge', GE, ':5'], ['eq', EQ, '1~rc^2'], ['none', 0, '7'], ['odd', DepFlag.LESS | DepFlag.GREATER, '1'],
      ['bad', EQ, 'x:1'], ['flagonly', EQ, ''], ['qual', EQ | DepFlag.SCRIPT_PRE, '3'],
    ]),
  );
  assert.deepEqual(record(h).deps.conflicts, [
    { name: 'lt', flags: 'LT', epoch: '0', ver: '1' },
    { name: 'le', flags: 'LE', epoch: '2', ver: '3', rel: '4' },
    { name: 'gt', flags: 'GT', epoch: '0', ver: '1.0', rel: '1-2' },
    { name: 'ge', flags: 'GE', epoch: '0', ver: '5' },
    { name: 'eq', flags: 'EQ', epoch: '0', ver: '1~rc^2' },
    { name: 'none' },
    { name: 'odd' },
    { name: 'flagonly', flags: 'EQ' },
    { name: 'qual', flags: 'EQ', epoch: '0', ver: '3' },
  ]);
  assert.deepEqual(createrepoEvr(' 7:1-2'), { epoch: ' 7', ver: '1', rel: '2' });
  assert.deepEqual(createrepoEvr('1-'), { epoch: '0', ver: '1' });
  assert.equal(createrepoEvr('+:1'), null);
});

test('legacy weak deps: MISSINGOK requires and old suggests/enhances are sorted into weak kinds', () => {
  const h = header((b) => {
    deps(b, REQ, [['hard', 0], ['soft', DepFlag.MISSINGOK]]);
    deps(b, [Tag.RECOMMENDNAME, Tag.RECOMMENDFLAGS, Tag.RECOMMENDVERSION], [['rec', 0]]);
    deps(b, [Tag.OLDSUGGESTSNAME, Tag.OLDSUGGESTSFLAGS, Tag.OLDSUGGESTSVERSION], [['strong', 1 << 27], ['weak', 0]]);
    deps(b, [Tag.OLDENHANCESNAME, Tag.OLDENHANCESFLAGS, Tag.OLDENHANCESVERSION], [['sup', 1 << 27], ['enh', 0]]);
  });
  const p = record(h);
  assert.deepEqual([names(p), names(p, 'recommends'), names(p, 'suggests'), names(p, 'supplements'), names(p, 'enhances')], [
    ['hard'], ['soft', 'rec', 'strong'], ['weak'], ['sup'], ['enh'],
  ]);
});

test('changelog: newest 10 kept, written oldest first, equal times made distinct, authors right-trimmed', () => {
  const times = [20, 20, 20, 10, 9, 8, 7, 6, 5, 4, 3, 2];
  const h = header((b) =>
    b.int32(Tag.CHANGELOGTIME, times).stringArray(Tag.CHANGELOGNAME, times.map((t, i) => `A${i} <a@x>  `)).stringArray(Tag.CHANGELOGTEXT, times.map((t) => `- ${t}`)),
  );
  const p = record(h);
  assert.deepEqual(p.changelog.map((c) => [c.date, c.author, c.text]), [
    [4, 'A9 <a@x>', '- 4'], [5, 'A8 <a@x>', '- 5'], [6, 'A7 <a@x>', '- 6'], [7, 'A6 <a@x>', '- 7'], [8, 'A5 <a@x>', '- 8'],
    [9, 'A4 <a@x>', '- 9'], [10, 'A3 <a@x>', '- 10'], [20, 'A2 <a@x>', '- 20'], [21, 'A1 <a@x>', '- 20'], [22, 'A0 <a@x>', '- 20'],
  ]);
  assert.equal(record(h, { changelogLimit: -1 }).changelog.length, 12);
  assert.equal(record(h, { changelogLimit: 0 }).changelog.length, 0);
  assert.deepEqual(record(h, { changelogLimit: 2 }).changelog.map((c) => c.date), [20, 21]);
});

test('files: header order, dir and ghost types; v3 OLDFILENAMES lists are read too', () => {
  const p = record(header((b) => files(b, [['/etc/p', 0o040755], ['/etc/p/a.conf', 0o100644, 64], ['/usr/share/p', 0o040755, 64], ['/usr/bin/l', 0o120777]])));
  assert.deepEqual(p.files, [{ path: '/etc/p', type: 'dir' }, { path: '/etc/p/a.conf', type: 'ghost' }, { path: '/usr/share/p', type: 'dir' }, { path: '/usr/bin/l' }]);
  const v3 = record(header((b) => b.stringArray(Tag.OLDFILENAMES, ['/usr/bin/x', '/usr/bin/y']).int16(Tag.FILEMODES, [0o100755, 0o100755]).int32(Tag.FILEFLAGS, [0, 0]), { region: 0 }));
  assert.deepEqual(v3.files, [{ path: '/usr/bin/x' }, { path: '/usr/bin/y' }]);
  // rpm 4.18 appends "name = EVR" to a v3 binary package's provides (even when already there).
  assert.deepEqual(v3.deps.provides, [{ name: 'p', flags: 'EQ', epoch: '0', ver: '1', rel: '1' }]);
});

test('strings: invalid UTF-8 read as Latin-1 minus 0x80-0xBF; control characters refused', () => {
  assert.equal(createrepoText(Buffer.from('Tom\xe1\x9a Ml\xe8och', 'latin1').toString('latin1')), 'Tomá Mlèoch');
  assert.equal(createrepoText(Buffer.from('Tomáš', 'utf8').toString('latin1')), 'Tomáš');
  const h = header((b) => b.raw(Tag.SUMMARY, TagType.STRING, 1, Uint8Array.of(0x61, 0xe0, 0xa0, 0x62, 0)));
  assert.equal(record(h).summary, 'aàb');
  const bad = header((b) => b.string(Tag.DESCRIPTION, 'bell\x07'));
  assert.throws(() => record(bad), (e: Error) => e instanceof RepoFormatError && /p-1-1\.x86_64\.rpm: description contains a control character/.test(e.message));
  // Tab, LF and CR are fine.
  assert.equal(record(header((b) => b.string(Tag.DESCRIPTION, 'a\tb\r\nc'))).description, 'a\tb\r\nc');
});

test('source, binary and missing SOURCERPM; empty fields; epoch always written', () => {
  const src = record(header((b) => b.int32(Tag.SOURCEPACKAGE, [1]), { binary: false }));
  assert.deepEqual([src.arch, src.sourceRpm, src.epoch, src.vendor, src.url], ['src', '', '0', '', '']);
  const heuristic = record(header((b) => b.stringArray(Tag.DIRNAMES, ['']).stringArray(Tag.BASENAMES, ['p.spec']).int32(Tag.DIRINDEXES, [0]), { binary: false }));
  assert.deepEqual([heuristic.arch, heuristic.sourceRpm], ['src', '']);
  const none = record(header(() => {}, { binary: false }));
  assert.deepEqual([none.arch, none.sourceRpm], ['x86_64', '(none)']);
  assert.equal(record(header((b) => b.int32(Tag.EPOCH, [3]))).epoch, '3');
});

test('sizes: installed from LONGSIZE or SIZE; archive from the signature, stopping at a malformed tag', () => {
  const h = header((b) => b.int32(Tag.SIZE, [10]));
  assert.deepEqual([record(h).installedSize, record(h).archiveSize], [10, 0]);
  assert.equal(record(header((b) => b.int32(Tag.SIZE, [10]).int64(Tag.LONGSIZE, [5_000_000_000]))).installedSize, 5_000_000_000);
  assert.equal(record(h, {}, signature((b) => b.int32(1007, [77]))).archiveSize, 77);
  assert.equal(record(h, {}, signature((b) => b.int32(1007, [77]).int64(271, [6_000_000_000]))).archiveSize, 6_000_000_000);
  // rpm stops merging at the first signature tag of the wrong shape (MD5 must be 16 bytes).
  assert.equal(record(h, {}, signature((b) => b.bin(1004, new Uint8Array(3)).int32(1007, [77]))).archiveSize, 0);
  assert.throws(() => record(header((b) => b.string(269, 'x'))), RpmFormatError);
});

test('readPackageRecord: digest of the whole file, stat facts, header range, location base', async (t) => {
  const dir = workDir('repo-record');
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const root = path.join(dir, 'root');
  await fs.mkdir(path.join(root, 'usr/bin'), { recursive: true });
  await fs.writeFile(path.join(root, 'usr/bin/hi'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  const res = await packRpm(
    { name: 'hi', version: '1.0', summary: 'Hi & <bye>', license: 'MIT', root, changelog: [{ date: 1_600_000_000, author: 'Ünï <u@x>', text: '- "first"' }] },
    { outputDir: dir, compress: 'gzip', sourceDateEpoch: 1_600_000_000 },
  );
  await fs.utimes(res.path, 1_650_000_000, 1_650_000_000.75);
  const bytes = await fs.readFile(res.path);
  const p = await readPackageRecord(res.path, { location: 'Packages/h/hi.rpm', locationBase: '/srv/repo' });
  const h = await readRpmFileHeaders(res.path);
  assert.equal(p.pkgid, createHash('sha256').update(bytes).digest('hex'));
  assert.deepEqual([p.checksumType, p.packageSize, p.fileTime, p.buildTime], ['sha256', bytes.length, 1_650_000_000, 1_600_000_000]);
  assert.deepEqual([p.headerStart, p.headerEnd], [h.headerOffset, h.payloadOffset]);
  assert.equal(p.archiveSize, res.payloadSize);
  assert.equal(p.locationBase, 'file:///srv/repo');
  assert.deepEqual(p.files, [{ path: '/usr/bin/hi' }]);
  assert.ok(!p.deps.requires.some((d) => d.name.startsWith('rpmlib(')));
  const p512 = await readPackageRecord(res.path, { location: 'x.rpm', checksumType: 'sha512', stat: { size: 1, mtime: 2 } });
  assert.deepEqual([p512.pkgid, p512.checksumType, p512.packageSize, p512.fileTime], [createHash('sha512').update(bytes).digest('hex'), 'sha512', 1, 2]);
  // A package larger than the first read: the rest of the file is streamed into the digest.
  await fs.writeFile(path.join(root, 'usr/bin/big'), createHash('sha512').update('seed').digest().toString('hex').repeat(6000));
  const big = await packRpm({ name: 'big', version: '1', summary: 's', license: 'MIT', root }, { outputDir: dir, compress: 'none' });
  const bigBytes = await fs.readFile(big.path);
  assert.ok(bigBytes.length > 512 * 1024);
  assert.equal((await readPackageRecord(big.path, { location: 'big.rpm' })).pkgid, createHash('sha256').update(bigBytes).digest('hex'));
  const junk = path.join(dir, 'junk.rpm');
  await fs.writeFile(junk, 'not an rpm');
  await assert.rejects(readPackageRecord(junk, { location: 'junk.rpm' }), (e: Error) => e instanceof RpmFormatError && e.message.startsWith(`${junk}: lead`));
});

test('escaping as libxml2 writes it: text keeps quotes and non-ASCII, attributes use character references', () => {
  assert.equal(xml.escapeText('a & b < c > d "e" \'f\' ü 🚀 \r\n\t'), 'a &amp; b &lt; c &gt; d "e" \'f\' ü 🚀 &#13;\n\t');
  assert.equal(xml.escapeAttr('a & b < c > d "e" \'f\' ü 🚀 \r\n\t'), 'a &amp; b &lt; c &gt; d &quot;e&quot; \'f\' &#xFC; &#x1F680; &#13;&#10;&#9;');
  assert.equal(xml.escapeAttr('plain'), 'plain');
});

function sample(): RepoPackage {
  const h = header((b) => {
    b.string(Tag.SUMMARY, 'S & "s"').string(Tag.LICENSE, 'MIT').int32(Tag.BUILDTIME, [5]);
    files(b, [['/etc/x.conf', 0o100644], ['/usr/share/doc/x', 0o040755], ['/opt/x/bin/y', 0o100755], ['/usr/lib/sendmail', 0o100755], ['/usr/share/x/ghost', 0o100644, 64]]);
    deps(b, PROV, [['p', EQ, '1-1']]);
    deps(b, REQ, [['flagonly', EQ, ''], ['pre', DepFlag.SCRIPT_PRE, ''], ['ü', GE, '1:2-3']]);
    b.int32(Tag.CHANGELOGTIME, [7]).stringArray(Tag.CHANGELOGNAME, ['Ä <a@x>']).stringArray(Tag.CHANGELOGTEXT, ['']);
  });
  return record(h);
}

test('primary.xml package: element order, empty text elements, entries, primary files only', () => {
  assert.equal(
    xml.primaryPackageXml(sample()),
    `<package type="rpm">
  <name>p</name>
  <arch>x86_64</arch>
  <version epoch="0" ver="1" rel="1"/>
  <checksum type="sha256" pkgid="YES">${FILE.pkgid}</checksum>
  <summary>S &amp; "s"</summary>
  <description></description>
  <packager></packager>
  <url></url>
  <time file="1700000000" build="5"/>
  <size package="1234" installed="0" archive="0"/>
  <location href="p-1-1.x86_64.rpm"/>
  <format>
    <rpm:license>MIT</rpm:license>
    <rpm:vendor></rpm:vendor>
    <rpm:group></rpm:group>
    <rpm:buildhost></rpm:buildhost>
    <rpm:sourcerpm>p-1-1.src.rpm</rpm:sourcerpm>
    <rpm:header-range start="4504" end="6000"/>
    <rpm:provides>
      <rpm:entry name="p" flags="EQ" epoch="0" ver="1" rel="1"/>
    </rpm:provides>
    <rpm:requires>
      <rpm:entry name="flagonly" flags="EQ"/>
      <rpm:entry name="pre" pre="1"/>
      <rpm:entry name="&#xFC;" flags="GE" epoch="1" ver="2" rel="3"/>
    </rpm:requires>
    <file>/etc/x.conf</file>
    <file>/opt/x/bin/y</file>
    <file>/usr/lib/sendmail</file>
  </format>
</package>
`,
  );
});

test('filelists.xml and other.xml packages; document heads and footers', () => {
  const p = sample();
  assert.equal(
    xml.filelistsPackageXml(p),
    `<package pkgid="${FILE.pkgid}" name="p" arch="x86_64">
  <version epoch="0" ver="1" rel="1"/>
  <file>/etc/x.conf</file>
  <file type="dir">/usr/share/doc/x</file>
  <file>/opt/x/bin/y</file>
  <file>/usr/lib/sendmail</file>
  <file type="ghost">/usr/share/x/ghost</file>
</package>
`,
  );
  assert.equal(
    xml.otherPackageXml(p),
    `<package pkgid="${FILE.pkgid}" name="p" arch="x86_64">\n  <version epoch="0" ver="1" rel="1"/>\n  <changelog author="&#xC4; &lt;a@x&gt;" date="7"></changelog>\n</package>\n`,
  );
  assert.equal(
    xml.primaryHeader(3),
    '<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="3">\n',
  );
  assert.equal(xml.filelistsHeader(0), '<?xml version="1.0" encoding="UTF-8"?>\n<filelists xmlns="http://linux.duke.edu/metadata/filelists" packages="0">\n');
  assert.equal(xml.otherHeader(1), '<?xml version="1.0" encoding="UTF-8"?>\n<otherdata xmlns="http://linux.duke.edu/metadata/other" packages="1">\n');
  assert.deepEqual([xml.primaryFooter(), xml.filelistsFooter(), xml.otherFooter()], ['</metadata>', '</filelists>', '</otherdata>']);
  // A location base goes before href; a section whose entries all lack a name is still written.
  const q: RepoPackage = { ...p, locationBase: 'http://x/&', deps: { ...p.deps, obsoletes: [{ name: '' }] } };
  const text = xml.primaryPackageXml(q);
  assert.match(text, /<location xml:base="http:\/\/x\/&amp;" href="p-1-1.x86_64.rpm"\/>/);
  assert.match(text, /<rpm:obsoletes\/>\n/);
});
