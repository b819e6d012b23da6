// Tag edits: the cases of azldev's edit_test.go (TestSetTag, TestUpdateTag, TestRemoveTag, TestAddTag,
// TestInsertTag) plus the behaviours its code has that its docs do not say (every match rewritten, no
// duplicate check on add).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addTag, insertTag, parseSpec, removeTag, setTag, tagFamily, updateTag } from '../../src/spec/index.ts';
import { check, edited, type EditCase } from './support.ts';

interface TagCase extends EditCase {
  pkg?: string;
  tag: string;
  value: string;
}

const SUB = 'Name: other-package\n%package -n test-package\n';

const setCases: TagCase[] = [
  { name: 'add to an empty spec', input: '', tag: 'Name', value: 'value', expected: 'Name: value\n' },
  { name: 'add to a non-empty spec', input: 'OtherTag: other-value\n', tag: 'Name', value: 'value', expected: 'OtherTag: other-value\nName: value\n' },
  { name: 'replace', input: 'Name: old\n', tag: 'Name', value: 'value', expected: 'Name: value\n' },
  { name: 'replace a differently-cased tag', input: 'nAmE: old\n', tag: 'Name', value: 'value', expected: 'Name: value\n' },
  { name: 'comments are not tags', input: '# Name: old\n', tag: 'Name', value: 'value', expected: '# Name: old\nName: value\n' },
  { name: 'add to an existing package', input: SUB, pkg: 'test-package', tag: 'Name', value: 'value', expected: `${SUB}Name: value\n` },
  { name: 'replace in an existing package', input: `${SUB}Name: old\n`, pkg: 'test-package', tag: 'Name', value: 'value', expected: `${SUB}Name: value\n` },
  { name: 'a missing package fails', input: 'Name: main-package\n', pkg: 'non-existing-package', tag: 'Name', value: 'value', expected: { fails: 'not found' } },
];

const updateCases: TagCase[] = [
  { name: 'empty spec fails', input: '', tag: 'Name', value: 'value', expected: { fails: 'tag "Name" not found in the main package' } },
  { name: 'missing tag fails', input: 'OtherTag: other-value\n', tag: 'Name', value: 'value', expected: { fails: 'not found' } },
  { name: 'replace', input: 'Name: old\n', tag: 'Name', value: 'value', expected: 'Name: value\n' },
  { name: 'replace a differently-cased tag', input: 'nAmE: old\n', tag: 'Name', value: 'value', expected: 'Name: value\n' },
  { name: 'missing in an existing package fails', input: SUB, pkg: 'test-package', tag: 'Name', value: 'value', expected: { fails: 'package "test-package"' } },
  { name: 'replace in an existing package', input: `${SUB}Name: old\n`, pkg: 'test-package', tag: 'Name', value: 'value', expected: `${SUB}Name: value\n` },
  { name: 'a missing package fails', input: 'Name: main-package\n', pkg: 'non-existing-package', tag: 'Name', value: 'value', expected: { fails: 'not found' } },
  {
    name: 'every match is rewritten, in every branch, and only in that package',
    input: '%if 0\nRelease: 1\n%else\nrelease: 2%{?dist}\n%endif\n%package devel\nRelease: 9\n',
    tag: 'Release',
    value: '5%{?dist}',
    expected: '%if 0\nRelease: 5%{?dist}\n%else\nRelease: 5%{?dist}\n%endif\n%package devel\nRelease: 9\n',
  },
  {
    name: 'a CRLF line keeps its ending',
    input: 'Name: test\r\nVersion: 1.0\r\nRelease: 1\r\n',
    tag: 'Name',
    value: 'updated',
    expected: 'Name: updated\r\nVersion: 1.0\r\nRelease: 1\r\n',
  },
  { name: 'tags after the preamble are not tags', input: 'Name: x\n%description\nName: y\n', tag: 'Name', value: 'z', expected: 'Name: z\n%description\nName: y\n' },
];

const removeCases: (TagCase & { remove?: string })[] = [
  { name: 'empty spec fails', input: '', tag: 'Name', value: 'value', expected: { fails: 'not found' } },
  { name: 'missing tag fails', input: 'OtherTag: other-value\n', tag: 'Name', value: '', expected: { fails: 'tag "Name" not found' } },
  { name: 'without a value', input: 'Name: old\n', tag: 'Name', value: '', expected: '' },
  { name: 'with the same value', input: 'Name: old\n', tag: 'Name', value: 'old', expected: '' },
  { name: 'value compared ignoring case', input: 'Name: oLd\n', tag: 'Name', value: 'old', expected: '' },
  { name: 'a different value fails', input: 'Name: different\n', tag: 'Name', value: 'old', expected: { fails: 'with value "old"' } },
  { name: 'tag compared ignoring case', input: 'nAmE: old\n', tag: 'Name', value: 'old', expected: '' },
  { name: 'comments are kept', input: '# Name: old\nName: other-old\n', tag: 'Name', value: '', expected: '# Name: old\n' },
  { name: 'missing in an existing package fails', input: SUB, pkg: 'test-package', tag: 'Name', value: '', expected: { fails: 'not found' } },
  { name: 'in an existing package', input: `${SUB}Name: old\n`, pkg: 'test-package', tag: 'Name', value: '', expected: SUB },
  { name: 'a missing package fails', input: 'Name: main-package\n', pkg: 'non-existing-package', tag: 'Name', value: '', expected: { fails: 'not found' } },
  {
    name: 'all matches go, conditional ones too',
    input: 'BuildRequires: a\n%if 1\nBuildRequires: b\n%endif\nBuildRequires:  c \n',
    tag: 'buildrequires',
    value: '',
    expected: '%if 1\n%endif\n',
  },
];

const addCases: TagCase[] = [
  { name: 'empty spec', input: '', tag: 'BuildRequires', value: 'value', expected: 'BuildRequires: value\n' },
  { name: 'non-empty spec', input: 'OtherTag: other-value\n', tag: 'BuildRequires', value: 'value', expected: 'OtherTag: other-value\nBuildRequires: value\n' },
  { name: 'no duplicate check', input: 'BuildRequires: old\n', tag: 'BuildRequires', value: 'value', expected: 'BuildRequires: old\nBuildRequires: value\n' },
  {
    name: 'to an existing package',
    input: 'BuildRequires: other-package\n%package -n test-package\n',
    pkg: 'test-package',
    tag: 'BuildRequires',
    value: 'value',
    expected: 'BuildRequires: other-package\n%package -n test-package\nBuildRequires: value\n',
  },
  {
    name: 'existing tag in an existing package',
    input: 'BuildRequires: other-package\n\n%description\nSome description\n\n%package -n test-package\nBuildRequires: old\n',
    pkg: 'test-package',
    tag: 'BuildRequires',
    value: 'value',
    expected: 'BuildRequires: other-package\n\n%description\nSome description\n\n%package -n test-package\nBuildRequires: old\nBuildRequires: value\n',
  },
  { name: 'a missing package fails', input: 'BuildRequires: main-package\n', pkg: 'non-existing-package', tag: 'BuildRequires', value: 'value', expected: { fails: 'not found' } },
  {
    name: 'the end of the preamble is after its trailing blank lines',
    input: 'Name: x\n\n%description\nd\n',
    tag: 'BuildRequires',
    value: 'gcc',
    expected: 'Name: x\n\nBuildRequires: gcc\n%description\nd\n',
  },
  { name: 'a file without a final newline gets one', input: 'Name: x', tag: 'Version', value: '1', expected: 'Name: x\nVersion: 1\n' },
  { name: 'a CRLF file gets CRLF lines', input: 'Name: x\r\n', tag: 'Version', value: '1', expected: 'Name: x\r\nVersion: 1\r\n' },
];

const MACROS = { tag: 'Source9999', value: 'macros.azl.macros' };
const insertCases: TagCase[] = [
  { name: 'into an empty spec', input: '', ...MACROS, expected: 'Source9999: macros.azl.macros\n' },
  { name: 'after a single Source0', input: 'Name: test\nSource0: test-1.0.tar.gz\nBuildRequires: gcc\n', ...MACROS, expected: 'Name: test\nSource0: test-1.0.tar.gz\nSource9999: macros.azl.macros\nBuildRequires: gcc\n' },
  {
    name: 'after the last of several Sources',
    input: 'Name: test\nSource0: test-1.0.tar.gz\nSource1: extra.tar.gz\nBuildRequires: gcc\n',
    ...MACROS,
    expected: 'Name: test\nSource0: test-1.0.tar.gz\nSource1: extra.tar.gz\nSource9999: macros.azl.macros\nBuildRequires: gcc\n',
  },
  { name: 'after an unnumbered Source', input: 'Name: test\nSource: t.tar.gz\nBuildRequires: gcc\n', ...MACROS, expected: 'Name: test\nSource: t.tar.gz\nSource9999: macros.azl.macros\nBuildRequires: gcc\n' },
  {
    name: 'before macros like %fontpkg',
    input: 'Name: test\nSource0: t.tar.gz\nBuildRequires: gcc\n\n%fontpkg -a\n',
    ...MACROS,
    expected: 'Name: test\nSource0: t.tar.gz\nSource9999: macros.azl.macros\nBuildRequires: gcc\n\n%fontpkg -a\n',
  },
  {
    name: 'before a conditional block',
    input: 'Name: test\nSource0: t.tar.gz\nBuildRequires: gcc\n\n%if "%{name}" != "autoconf"\nRequires: autoconf\n%endif\n',
    ...MACROS,
    expected: 'Name: test\nSource0: t.tar.gz\nSource9999: macros.azl.macros\nBuildRequires: gcc\n\n%if "%{name}" != "autoconf"\nRequires: autoconf\n%endif\n',
  },
  { name: 'no family: after the last tag', input: 'Name: test\nBuildRequires: gcc\n', tag: 'Vendor', value: 'Microsoft', expected: 'Name: test\nBuildRequires: gcc\nVendor: Microsoft\n' },
  {
    name: 'a Patch after the Patches',
    input: 'Name: test\nSource0: t.tar.gz\nPatch0: fix.patch\nPatch1: another.patch\nBuildRequires: gcc\n',
    tag: 'Patch99',
    value: 'new.patch',
    expected: 'Name: test\nSource0: t.tar.gz\nPatch0: fix.patch\nPatch1: another.patch\nPatch99: new.patch\nBuildRequires: gcc\n',
  },
  {
    name: 'into a sub-package',
    input: 'Name: main\nSource0: main.tar.gz\n\n%description\nMain package\n\n%package -n test-package\nSummary: Test sub-package\n',
    pkg: 'test-package',
    tag: 'Requires',
    value: 'foo',
    expected: 'Name: main\nSource0: main.tar.gz\n\n%description\nMain package\n\n%package -n test-package\nSummary: Test sub-package\nRequires: foo\n',
  },
  { name: 'into a missing package fails', input: 'Name: main\n', pkg: 'non-existing-package', tag: 'Requires', value: 'foo', expected: { fails: 'not found' } },
  {
    name: 'after a Source, before %description',
    input: 'Name: test\nSource0: t.tar.gz\n\n%description\nSome description\n',
    ...MACROS,
    expected: 'Name: test\nSource0: t.tar.gz\nSource9999: macros.azl.macros\n\n%description\nSome description\n',
  },
  {
    name: 'past the %endif of a conditional holding the last Source',
    input: 'Name: test\nSource0: t.tar.gz\n%if %{with extra}\nSource31: a.h\nSource32: b.h\n%endif\nBuildRequires: gcc\n',
    ...MACROS,
    expected: 'Name: test\nSource0: t.tar.gz\n%if %{with extra}\nSource31: a.h\nSource32: b.h\n%endif\nSource9999: macros.azl.macros\nBuildRequires: gcc\n',
  },
  {
    name: 'past the outer %endif of nested conditionals',
    input: 'Name: test\nSource0: t.tar.gz\n%if %{with jit}\n%ifarch x86_64\nSource31: jit-x86.h\n%endif\nSource32: jit-common.h\n%endif\nBuildRequires: gcc\n',
    ...MACROS,
    expected:
      'Name: test\nSource0: t.tar.gz\n%if %{with jit}\n%ifarch x86_64\nSource31: jit-x86.h\n%endif\nSource32: jit-common.h\n%endif\nSource9999: macros.azl.macros\nBuildRequires: gcc\n',
  },
  {
    name: 'mixed conditional and unconditional Sources',
    input: 'Name: test\nSource0: a\nSource1: b\n%if %{with jit}\nSource31: c\nSource32: d\n%endif\nBuildRequires: gcc\n',
    ...MACROS,
    expected: 'Name: test\nSource0: a\nSource1: b\n%if %{with jit}\nSource31: c\nSource32: d\n%endif\nSource9999: macros.azl.macros\nBuildRequires: gcc\n',
  },
  {
    name: 'a package wholly inside %if: no %endif before the section ends, so right after the tag',
    input: '%if 1\n%package devel\nSummary: s\n%endif\n',
    pkg: 'devel',
    tag: 'Requires',
    value: 'x',
    expected: '%if 1\n%package devel\nSummary: s\n%endif\nRequires: x\n',
  },
];

const table = (title: string, cases: TagCase[], op: (c: TagCase) => (s: ReturnType<typeof parseSpec>) => void): void => {
  for (const c of cases) test(`${title}: ${c.name}`, () => check(c, op(c)));
};

table('setTag', setCases, (c) => (s) => setTag(s, c.pkg, c.tag, c.value));
table('updateTag', updateCases, (c) => (s) => updateTag(s, c.pkg, c.tag, c.value));
table('removeTag', removeCases, (c) => (s) => removeTag(s, c.pkg, c.tag, c.value));
table('addTag', addCases, (c) => (s) => addTag(s, c.pkg, c.tag, c.value));
table('insertTag', insertCases, (c) => (s) => insertTag(s, c.pkg, c.tag, c.value));

test('insertTag: the last tag inside an %if that closes only after the section: stays put', () => {
  // The %endif is beyond the %package section, so the search stops at the section end.
  const input = '%if 1\n%package devel\nSummary: s\n\n%description devel\nd\n%endif\n';
  assert.equal(edited(input, (s) => insertTag(s, 'devel', 'Requires', 'x')), '%if 1\n%package devel\nSummary: s\nRequires: x\n\n%description devel\nd\n%endif\n');
});

test('tagFamily strips trailing digits and lower-cases', () => {
  assert.equal(tagFamily('Source9999'), 'source');
  assert.equal(tagFamily('Patch100'), 'patch');
  assert.equal(tagFamily('BuildRequires'), 'buildrequires');
  assert.equal(tagFamily('1234'), '1234');
});

test('a sub-package is matched by its key, not by the %package header spelling', () => {
  const input = 'Name: x\n%package devel\nSummary: a\n%package -n devel\nSummary: b\n%Package devel\nSummary: c\n';
  // `%package devel` and `%package -n devel` share the key "devel"; "%Package" is the same section
  // type but not the same name, so add/insert (which look for "%package") skip it, update does not.
  assert.equal(
    edited(input, (s) => updateTag(s, 'devel', 'summary', 'z')),
    'Name: x\n%package devel\nsummary: z\n%package -n devel\nsummary: z\n%Package devel\nsummary: z\n',
  );
  assert.equal(
    edited(input, (s) => addTag(s, 'devel', 'Requires', 'r')),
    'Name: x\n%package devel\nSummary: a\nRequires: r\n%package -n devel\nSummary: b\nRequires: r\n%Package devel\nSummary: c\n',
  );
});
