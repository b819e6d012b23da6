// Conformance: every spec-* overlay type through applyOverlays, its success output (exact spec text
// after the azldev header) and each of azldev's failure rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertFails, BASE_SPEC, specAfter } from './helpers.ts';

const edited = (from: string, to: string) => {
  assert.ok(BASE_SPEC.includes(from), `fixture has ${JSON.stringify(from)}`);
  return BASE_SPEC.replace(from, to);
};

test('spec-add-tag appends at the end of the package preamble, duplicates allowed (azldev code)', async () => {
  const out = await specAfter([{ type: 'spec-add-tag', tag: 'BuildRequires', value: 'gcc' }]);
  assert.equal(out, edited('BuildRequires:  foo-devel\n\n', 'BuildRequires:  foo-devel\n\nBuildRequires: gcc\n'));
  const sub = await specAfter([{ type: 'spec-add-tag', package: 'devel', tag: 'Provides', value: 'demo-headers' }]);
  assert.equal(sub, edited('%{version}-%{release}\n\n', '%{version}-%{release}\n\nProvides: demo-headers\n'));
});

test('spec-add-tag fails for a missing sub-package', async () => {
  await assertFails([{ type: 'spec-add-tag', package: 'nope', tag: 'Provides', value: 'x', description: 'add to nope' }], /^demo: overlay #1 \(add to nope\): spec-add-tag: .*nope/);
});

test('spec-insert-tag goes after the last tag of its family (Source9999 after Source1)', async () => {
  const out = await specAfter([{ type: 'spec-insert-tag', tag: 'Source9999', value: 'extra.txt' }]);
  assert.equal(out, edited('Source1:        demo.conf\n', 'Source1:        demo.conf\nSource9999: extra.txt\n'));
  await assertFails([{ type: 'spec-insert-tag', package: 'nope', tag: 'Provides', value: 'x' }], /spec-insert-tag: .*nope/);
});

test('spec-set-tag updates an existing tag or adds a missing one', async () => {
  assert.equal(await specAfter([{ type: 'spec-set-tag', tag: 'release', value: '2%{?dist}' }]), edited('Release:        1%{?dist}', 'release: 2%{?dist}'));
  const added = await specAfter([{ type: 'spec-set-tag', tag: 'Vendor', value: 'Microsoft' }]);
  assert.equal(added, edited('BuildRequires:  foo-devel\n\n', 'BuildRequires:  foo-devel\n\nVendor: Microsoft\n'));
});

test('spec-update-tag rewrites every matching tag (case-insensitive) and fails when none', async () => {
  const out = await specAfter([{ type: 'spec-update-tag', tag: 'BuildRequires', value: 'clang' }]);
  assert.equal(out, edited('BuildRequires:  gcc\nBuildRequires:  foo-devel', 'BuildRequires: clang\nBuildRequires: clang'));
  await assertFails([{ type: 'spec-update-tag', tag: 'Epoch', value: '1', description: 'bump epoch' }], /^demo: overlay #1 \(bump epoch\): spec-update-tag: .*Epoch.*not found/);
});

test('spec-remove-tag removes matches (value compared case-insensitively) and fails when none', async () => {
  assert.equal(await specAfter([{ type: 'spec-remove-tag', tag: 'buildrequires', value: 'FOO-DEVEL' }]), edited('BuildRequires:  foo-devel\n', ''));
  assert.equal(await specAfter([{ type: 'spec-remove-tag', tag: 'BuildRequires' }]), edited('BuildRequires:  gcc\nBuildRequires:  foo-devel\n', ''));
  await assertFails(
    [{ type: 'spec-add-tag', tag: 'Vendor', value: 'x' }, { type: 'spec-remove-tag', tag: 'BuildRequires', value: 'foo', description: 'Drop foo BuildRequires' }],
    /^demo: overlay #2 \(Drop foo BuildRequires\): spec-remove-tag: tag "BuildRequires" with value "foo" not found/,
  );
  await assertFails([{ type: 'spec-remove-tag', package: 'devel', tag: 'BuildRequires' }], /spec-remove-tag: .*not found/);
});

test('spec-prepend-lines / spec-append-lines: into a section, or the whole file', async () => {
  assert.equal(await specAfter([{ type: 'spec-prepend-lines', section: '%build', lines: ['export CFLAGS=-O1'] }]), edited('%build\n', '%build\nexport CFLAGS=-O1\n'));
  assert.equal(await specAfter([{ type: 'spec-append-lines', section: '%install', lines: ['rm -f x'] }]), edited('%make_install\n\n', '%make_install\n\nrm -f x\n'));
  assert.equal(await specAfter([{ type: 'spec-append-lines', section: '%files', package: 'devel', lines: ['/usr/lib/libdemo.so'] }]), edited('/usr/include/demo.h\n\n', '/usr/include/demo.h\n\n/usr/lib/libdemo.so\n'));
  assert.equal(await specAfter([{ type: 'spec-prepend-lines', lines: ['%global x 1'] }]), `%global x 1\n${BASE_SPEC}`);
  assert.equal(await specAfter([{ type: 'spec-append-lines', lines: ['# end'] }]), `${BASE_SPEC}# end\n`);
});

test('spec-prepend-lines / spec-append-lines fail when the section is missing', async () => {
  await assertFails([{ type: 'spec-prepend-lines', section: '%pretrans', lines: ['x'] }], /spec-prepend-lines: .*%pretrans.*not found/);
  await assertFails([{ type: 'spec-append-lines', section: '%files', package: 'docs', lines: ['x'] }], /spec-append-lines: .*%files.*docs/);
});

test('spec-search-replace: per line, literal replacement, scoped to a section/package', async () => {
  assert.equal(await specAfter([{ type: 'spec-search-replace', regex: '^make (check)$', replacement: '$1 || :' }]), edited('make check', '$1 || :'));
  assert.equal(await specAfter([{ type: 'spec-search-replace', section: '%files', package: 'devel', regex: 'demo', replacement: 'x' }]), edited('/usr/include/demo.h', '/usr/include/x.h'));
  // Go RE2 syntax: a leading (?i) and a POSIX class.
  assert.equal(await specAfter([{ type: 'spec-search-replace', regex: '(?i)^license:[[:space:]]+mit$', replacement: 'License: MIT AND BSD' }]), edited('License:        MIT', 'License: MIT AND BSD'));
});

test('spec-search-replace fails when nothing changed, naming the Go pattern', async () => {
  await assertFails([{ type: 'spec-search-replace', regex: 'cmake\\b', replacement: 'x' }], /spec-search-replace: .*"cmake\\\\b".*matched no line/);
  await assertFails([{ type: 'spec-search-replace', section: '%build', regex: 'make check', replacement: 'x' }], /matched no line in section "%build"/);
});

test('spec-remove-section removes header and body; fails when missing', async () => {
  assert.equal(await specAfter([{ type: 'spec-remove-section', section: '%check' }]), edited('%check\nmake check\n\n', ''));
  assert.equal(await specAfter([{ type: 'spec-remove-section', section: '%files', package: 'devel' }]), edited('%files devel\n/usr/include/demo.h\n\n', ''));
  await assertFails([{ type: 'spec-remove-section', section: '%post' }], /spec-remove-section: .*%post.*not found/);
});

test('spec-remove-subpackage removes every section of the sub-package; fails when missing', async () => {
  const out = await specAfter([{ type: 'spec-remove-subpackage', package: 'devel' }]);
  const want = BASE_SPEC.replace('%package devel\nSummary:        Development files\nRequires:       %{name} = %{version}-%{release}\n\n', '')
    .replace('%description devel\nDevel files.\n\n', '')
    .replace('%files devel\n/usr/include/demo.h\n\n', '');
  assert.equal(out, want);
  await assertFails([{ type: 'spec-remove-subpackage', package: 'docs' }], /spec-remove-subpackage: .*docs/);
});

test('overlays apply in order, each seeing the previous result', async () => {
  const out = await specAfter([
    { type: 'spec-add-tag', tag: 'BuildRequires', value: 'make' },
    { type: 'spec-update-tag', tag: 'BuildRequires', value: 'cmake' },
    { type: 'spec-remove-tag', tag: 'BuildRequires', value: 'CMAKE' },
  ]);
  assert.equal(out, edited('BuildRequires:  gcc\nBuildRequires:  foo-devel\n\n', '\n'));
});

test('a spec with CRLF line ends and no final newline is written as azldev writes it', async () => {
  const crlf = 'Name: demo\r\nVersion: 1\r\nRelease: 1\r\n\r\n%description\r\nx';
  const out = await specAfter([{ type: 'spec-set-tag', tag: 'Version', value: '2' }], { 'demo.spec': crlf });
  assert.equal(out, 'Name: demo\nVersion: 2\nRelease: 1\n\n%description\nx\n');
});
