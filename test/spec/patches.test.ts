// Patch entries: azldev's TestGetHighestPatchTagNumber (seen through addPatch), TestRemovePatchEntry,
// TestParsePatchTagNumber, TestAddPatchEntry_EmptySpec and TestRemovePatchEntry_NoPatches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addPatch, parseSpec, patchTagNumber, removePatches, specPatches } from '../../src/spec/index.ts';
import { check, edited } from './support.ts';

/** The glob subset the tests need ("*" within a name). */
const glob = (pattern: string) => {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  return (file: string) => re.test(file);
};

const highest: [string, string, number][] = [
  ['no patch tags', 'Name: test\nVersion: 1.0\n', -1],
  ['a single patch tag', 'Name: test\nPatch0: fix.patch\n', 0],
  ['contiguous tags', 'Name: test\nPatch0: a\nPatch1: b\nPatch2: c\n', 2],
  ['non-contiguous tags', 'Name: test\nPatch0: a\nPatch5: b\nPatch3: c\n', 5],
  ['tag names ignore case', 'Name: test\npatch0: a\nPATCH1: b\n', 1],
  ['every package counts', 'Name: test\nPatch0: main.patch\n\n%package devel\nPatch5: devel.patch\n', 5],
  ['bare Patch tags count from 0', 'Name: test\nPatch: a\nPatch: b\n', 1],
  ['bare and numbered mixed', 'Name: test\nPatch: a\nPatch: b\nPatch5: c\n', 5],
  ['one bare Patch tag', 'Name: test\nPatch: fix.patch\n', 0],
];

for (const [name, input, n] of highest) {
  test(`addPatch numbers after the highest patch: ${name}`, () => {
    const spec = parseSpec(edited(input, (s) => addPatch(s, 'new.patch')));
    assert.equal(specPatches(spec).find((p) => p.file === 'new.patch')?.number, n + 1);
  });
}

test('addPatch appends at the end of the preamble (azldev uses add-tag, not insert-tag)', () => {
  const input = 'Name: t\nPatch0: a.patch\nBuildRequires: gcc\n\n%description\nd\n';
  assert.equal(edited(input, (s) => addPatch(s, 'b.patch')), 'Name: t\nPatch0: a.patch\nBuildRequires: gcc\n\nPatch1: b.patch\n%description\nd\n');
});

test('addPatch uses the %patchlist when there is one', () => {
  const input = 'Name: test\nPatch9: old.patch\n\n%patchlist\nfix.patch\n\n%build\nmake\n';
  assert.equal(edited(input, (s) => addPatch(s, 'new.patch')), 'Name: test\nPatch9: old.patch\n\n%patchlist\nfix.patch\n\nnew.patch\n%build\nmake\n');
});

test('addPatch to a sub-package, and to a missing one', () => {
  assert.equal(edited('Name: t\n%package devel\n', (s) => addPatch(s, 'p', 'devel')), 'Name: t\n%package devel\nPatch0: p\n');
  check({ name: '', input: 'Name: t\n', expected: { fails: 'not found' } }, (s) => addPatch(s, 'p', 'devel'));
});

const removals: [string, string, string, string | { fails: string }][] = [
  ['a literal PatchN', 'Name: test\nPatch0: keep.patch\nPatch1: remove-me.patch\nPatch2: also-keep.patch\n', 'remove-me.patch', 'Name: test\nPatch0: keep.patch\nPatch2: also-keep.patch\n'],
  ['a glob over PatchN', 'Name: test\nPatch0: CVE-001.patch\nPatch1: fix-build.patch\nPatch2: CVE-002.patch\n', 'CVE-*.patch', 'Name: test\nPatch1: fix-build.patch\n'],
  ['a literal %patchlist entry', 'Name: test\n\n%patchlist\nkeep.patch\nremove-me.patch\n\n%build\nmake\n', 'remove-me.patch', 'Name: test\n\n%patchlist\nkeep.patch\n\n%build\nmake\n'],
  [
    'a glob over %patchlist',
    'Name: test\n\n%patchlist\nCVE-001.patch\nfix-build.patch\nCVE-002.patch\n\n%build\nmake\n',
    'CVE-*.patch',
    'Name: test\n\n%patchlist\nfix-build.patch\n\n%build\nmake\n',
  ],
  ['both tags and %patchlist', 'Name: test\nPatch0: fix-a.patch\n\n%patchlist\nfix-a.patch\n\n%build\nmake\n', 'fix-a.patch', 'Name: test\n\n%patchlist\n\n%build\nmake\n'],
  ['no literal match fails', 'Name: test\nPatch0: keep.patch\n', 'nonexistent.patch', { fails: 'no patches matching' }],
  ['no glob match fails', 'Name: test\nPatch0: fix-build.patch\n', 'CVE-*.patch', { fails: 'no patches matching' }],
  ['a star matches all', 'Name: test\nPatch0: a.patch\nPatch1: b.patch\nPatch2: c.patch\n', '*.patch', 'Name: test\n'],
  [
    'every package',
    'Name: test\nPatch0: CVE-001.patch\nPatch1: keep.patch\n\n%package devel\nSummary: Dev\nPatch2: CVE-002.patch\nPatch3: also-keep.patch\n',
    'CVE-*.patch',
    'Name: test\nPatch1: keep.patch\n\n%package devel\nSummary: Dev\nPatch3: also-keep.patch\n',
  ],
  ['no match in any package fails', 'Name: test\nPatch0: keep.patch\n\n%package devel\nSummary: Dev\nPatch1: also-keep.patch\n', 'nonexistent.patch', { fails: 'no patches matching' }],
  ['a spec without patches fails', 'Name: test\nVersion: 1.0\n', '*.patch', { fails: 'no patches matching' }],
  ['bare Patch: tags are not removed', 'Name: test\nPatch: a.patch\n', '*.patch', { fails: 'no patches matching' }],
];

for (const [name, input, pattern, expected] of removals) {
  test(`removePatches: ${name}`, () => check({ name, input, expected }, (s) => removePatches(s, glob(pattern), pattern)));
}

test('removePatches returns what it removed, leaving %patch lines in %prep', () => {
  const spec = parseSpec('Name: t\nPatch1: CVE-1.patch\n%prep\n%patch 1 -p1\n%patchlist\n  CVE-2.patch  \nother.patch\n');
  assert.deepEqual(removePatches(spec, glob('CVE-*')), ['CVE-1.patch', 'CVE-2.patch']);
  assert.deepEqual(
    spec.lines.map((l) => l.text),
    ['Name: t', '%prep', '%patch 1 -p1', '%patchlist', 'other.patch'],
  );
});

test('patchTagNumber reads N like strconv.Atoi', () => {
  const cases: [string, number | undefined][] = [
    ['Patch0', 0], ['Patch1', 1], ['Patch99', 99], ['patch0', 0], ['PATCH5', 5], ['Patch007', 7], ['Patch+3', 3],
    ['Patch', undefined], ['PatchFoo', undefined], ['Source0', undefined], ['Name', undefined], ['', undefined], ['Patch%{n}', undefined],
    ['Patch99999999999999999999', undefined],
  ];
  for (const [tag, n] of cases) assert.equal(patchTagNumber(tag), n, tag);
});

test('specPatches lists PatchN, bare Patch and %patchlist entries in file order', () => {
  const spec = parseSpec('Name: t\nPatch: a.patch\nPatch3: b.patch\n%patchlist\n# comment\n%if 1\nc.patch\n%endif\n\n');
  assert.deepEqual(specPatches(spec), [
    { file: 'a.patch', inPatchlist: false, index: 1 },
    { file: 'b.patch', number: 3, inPatchlist: false, index: 2 },
    { file: 'c.patch', inPatchlist: true, index: 6 },
  ]);
});
