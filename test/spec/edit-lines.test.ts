// Line edits: azldev's TestSearchAndReplace, TestPrependLines, TestAppendLines, TestPrependLinesToSection
// and TestAppendLinesToSection, plus the details of its code (headers never searched, literal
// replacement, Go's empty-match rule, a section created by a replacement).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendLines, parseSpec, prependLines, searchReplace } from '../../src/spec/index.ts';
import { check, edited } from './support.ts';

const BUILD = '\n\tName: test\n\n\t%build\n\tbuild.sh --vendor=contoso\n';
const DESCRIPTIONS = '\n\tName: test\n\tVendor: contoso\n\n\t%description\n\tDo not replace this contoso\n\n\t%description -n subpackage\n\tSomething about contoso\n';
const SECTIONS = '\nName: test\n\n%description -n foo\nThis is a test package.\n\n%description -n other\nThis is another package.\n\n%build\nbuild.sh\n';
const CHANGELOG = 'Name: test\n\n%description\nA package.\n\n%changelog\n* Mon Jan 01 2024 User <user@example.com> - 1.0-1\n- Initial release\n';

test('searchReplace: everywhere', () => {
  assert.equal(edited(BUILD, (s) => searchReplace(s, undefined, undefined, /vendor=contoso/, 'vendor=azl')), BUILD.replaceAll('contoso', 'azl'));
});

test('searchReplace: no match fails', () => {
  check({ name: '', input: BUILD, expected: { fails: 'matched no line' } }, (s) => searchReplace(s, undefined, undefined, /vendor=non-existent/, 'x'));
});

test('searchReplace: in one section of one package', () => {
  const out = edited(DESCRIPTIONS, (s) => searchReplace(s, '%description', 'subpackage', /contoso/, 'azl'));
  assert.equal(out, DESCRIPTIONS.replace('Something about contoso', 'Something about azl'));
});

test('searchReplace: a section alone covers every package, a package alone every section', () => {
  const input = 'Name: x\n%files\na\n%files devel\na\n%post devel\na\n';
  assert.equal(edited(input, (s) => searchReplace(s, '%files', undefined, /a/, 'b')), 'Name: x\n%files\nb\n%files devel\nb\n%post devel\na\n');
  assert.equal(edited(input, (s) => searchReplace(s, undefined, 'devel', /a/, 'b')), 'Name: x\n%files\na\n%files devel\nb\n%post devel\nb\n');
});

test('searchReplace: section headers are never searched', () => {
  const input = 'Name: x\n%files devel\n/usr/devel\n';
  assert.equal(edited(input, (s) => searchReplace(s, undefined, undefined, /devel/, 'dev')), 'Name: x\n%files devel\n/usr/dev\n');
  check({ name: '', input: 'Name: x\n%files devel\n', expected: { fails: 'matched no line' } }, (s) => searchReplace(s, undefined, undefined, /devel/, 'dev'));
});

test('searchReplace: the replacement is literal and every match is replaced', () => {
  assert.equal(edited('Name: x\n%build\nmake a=1 a=2\n', (s) => searchReplace(s, '%build', undefined, /a=(\d)/, '$1$&')), 'Name: x\n%build\nmake $1$& $1$&\n');
});

test("searchReplace: Go's empty-match rule (no second replacement right after a match)", () => {
  // Go: "baaac" with a* → "XbXcX"; JavaScript's replace would give "XbXXcX".
  assert.equal(edited('%build\nbaaac\n', (s) => searchReplace(s, '%build', undefined, /a*/, 'X')), '%build\nXbXcX\n');
  assert.equal(edited('%build\n😀\n', (s) => searchReplace(s, '%build', undefined, /x?/, '-')), '%build\n-😀-\n');
});

test('searchReplace: a replacement equal to the match is no change', () => {
  check({ name: '', input: '%build\nmake\n', expected: { fails: 'matched no line' } }, (s) => searchReplace(s, undefined, undefined, /make/, 'make'));
});

test('searchReplace: a line turned into a header starts a section for the lines after it', () => {
  const input = 'Name: x\n%build\nmake\n#%files devel\nmake\n';
  // After "#%files devel" becomes "%files devel", the last "make" is in %files devel, not %build.
  assert.equal(edited(input, (s) => searchReplace(s, '%build', undefined, /^#|make/, '')), 'Name: x\n%build\n\n%files devel\nmake\n');
});

test('searchReplace: a replacement holding a newline becomes two lines', () => {
  const spec = parseSpec('Name: x\n%build\nmake\n');
  searchReplace(spec, '%build', undefined, /make/, 'make\n%install');
  assert.equal(spec.lines.length, 4);
  assert.deepEqual(spec.structure.sections.map((s) => s.name), ['', '%build', '%install']);
});

test('searchReplace: a CRLF line keeps its ending', () => {
  assert.equal(edited('Name: x\r\n%build\r\nmake\r\n', (s) => searchReplace(s, undefined, undefined, /make$/, 'ninja')), 'Name: x\r\n%build\r\nninja\r\n');
});

test('prependLines without a section: top of the file', () => {
  assert.equal(edited('', (s) => prependLines(s, undefined, undefined, ['New line', 'Next line'])), 'New line\nNext line\n');
  assert.equal(edited('%description\nA package.\n', (s) => prependLines(s, undefined, undefined, ['# top comment'])), '# top comment\n%description\nA package.\n');
  assert.equal(
    edited('Name: test\nVersion: 1.0\n\n%description\nA package.\n', (s) => prependLines(s, undefined, undefined, ['# header line 1', '# header line 2'])),
    '# header line 1\n# header line 2\nName: test\nVersion: 1.0\n\n%description\nA package.\n',
  );
});

test('appendLines without a section: bottom of the file', () => {
  assert.equal(edited('', (s) => appendLines(s, undefined, undefined, ['New line', 'Next line'])), 'New line\nNext line\n');
  assert.equal(edited(CHANGELOG, (s) => appendLines(s, undefined, undefined, ['# trailing comment'])), `${CHANGELOG}# trailing comment\n`);
  assert.equal(edited('Name: test\n', (s) => appendLines(s, undefined, undefined, ['# tail'])), 'Name: test\n# tail\n');
  assert.equal(edited('Name: test', (s) => appendLines(s, undefined, undefined, ['# tail'])), 'Name: test\n# tail\n');
});

test('prependLines to a section: after its header', () => {
  assert.equal(
    edited(SECTIONS, (s) => prependLines(s, '%description', 'foo', ['New line', 'Next line'])),
    SECTIONS.replace('%description -n foo\n', '%description -n foo\nNew line\nNext line\n'),
  );
  check({ name: '', input: '\nName: test\n', expected: { fails: 'section "%description" not found' } }, (s) => prependLines(s, '%description', undefined, ['x']));
});

test('prependLines to every section of that name and package (both %if branches)', () => {
  const input = '%if 1\n%check\na\n%else\n%check\nb\n%endif\n';
  assert.equal(edited(input, (s) => prependLines(s, '%check', undefined, ['exit 0'])), '%if 1\n%check\nexit 0\na\n%else\n%check\nexit 0\nb\n%endif\n');
});

test('appendLines to a section: before the next header, after trailing blank lines', () => {
  assert.equal(
    edited(SECTIONS, (s) => appendLines(s, '%description', 'foo', ['New line', 'Next line'])),
    SECTIONS.replace('This is a test package.\n\n', 'This is a test package.\n\nNew line\nNext line\n'),
  );
  check({ name: '', input: '\nName: test\n', expected: { fails: 'not found' } }, (s) => appendLines(s, '%description', undefined, ['x']));
  check({ name: '', input: 'Name: x\n%files devel\n', expected: { fails: 'section "%files" of package "other" not found' } }, (s) =>
    appendLines(s, '%files', 'other', ['x']),
  );
});

test('section names compare as written (azldev compares exactly)', () => {
  check({ name: '', input: 'Name: x\n%Build\nmake\n', expected: { fails: 'not found' } }, (s) => appendLines(s, '%build', undefined, ['x']));
  assert.equal(edited('Name: x\n%Build\nmake\n', (s) => appendLines(s, '%Build', undefined, ['x'])), 'Name: x\n%Build\nmake\nx\n');
});

test('appending a header line does not re-enter the edit (azldev would loop forever on prepend)', () => {
  assert.equal(edited('Name: a\n%description\nd\n', (s) => prependLines(s, '%description', undefined, ['a', '%description'])), 'Name: a\n%description\na\n%description\nd\n');
  assert.equal(
    edited('Name: a\n%description\nd\n%files\n', (s) => appendLines(s, '%description', undefined, ['%description', 'b'])),
    'Name: a\n%description\nd\n%description\nb\n%files\n',
  );
});
