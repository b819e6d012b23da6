// Parsing and printing: byte-identical round trips of odd inputs, the structure (sections, package
// keys, tags, conditionals, continuations) and azldev's line classification details.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  COND_BRANCH,
  COND_CLOSE,
  COND_OPEN,
  packageFromHeader,
  parseSpec,
  parseSpecBytes,
  printSpec,
  printSpecBytes,
  specPackages,
  specSections,
  specTags,
  specTagValue,
} from '../../src/spec/index.ts';

test('odd inputs print back unchanged', () => {
  const inputs = [
    '',
    '\n',
    '\n\n\n',
    'Name: x',
    'Name: x\r\n%build\r\nmake',
    'Name: x\r\nVersion: 1\n%build\r\n',
    'a\rb\r\n\r\r\n',
    'trailing CR\r',
    '\x00\x01\x02\xff\xfe\x89PNG\r\n',
    '\ufeffName: bom\n',
    'Name: \u{1F600} x\u2028y\n',
    '%if 1\n%if 2\n%endif\n',
    '%global x %{expand:\nName: y\n}\n',
  ];
  for (const text of inputs) assert.equal(printSpec(parseSpec(text)), text, JSON.stringify(text));
});

test('line endings are kept per line', () => {
  const spec = parseSpec('a\r\nb\nc\rd\r');
  assert.deepEqual(spec.lines, [
    { text: 'a', eol: '\r\n' },
    { text: 'b', eol: '\n' },
    { text: 'c\rd', eol: '\r' },
  ]);
  assert.equal(parseSpec('a\r\nb\r\nc\n').newline, '\r\n');
  assert.equal(parseSpec('a').newline, '\n');
});

test('bytes that are not UTF-8 round-trip through the Latin-1 fallback', () => {
  const bytes = Buffer.from([0x4e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xff, 0xc3, 0x0a, 0xef, 0xbb, 0xbf, 0x0a]);
  const spec = parseSpecBytes(bytes);
  assert.equal(spec.encoding, 'latin1');
  assert.deepEqual(printSpecBytes(spec), bytes);
  const utf8 = Buffer.from('\ufeffName: caf\u00e9\n');
  const s2 = parseSpecBytes(utf8);
  assert.equal(s2.encoding, 'utf8');
  assert.deepEqual(printSpecBytes(s2), utf8);
});

test('sections, their package keys and extents', () => {
  const spec = parseSpec(
    'Name: t\n\n%package devel\nSummary: d\n%description devel\nD\n%files -n libfoo -f list\n/x\n%post -p /sbin/ldconfig\n%changelog\n* x\n',
  );
  assert.deepEqual(
    specSections(spec).map((s) => [s.name, s.pkg, s.line, s.endLine, s.type]),
    [
      ['%package', 'devel', 3, 4, 'package'],
      ['%description', 'devel', 5, 6, 'raw'],
      ['%files', 'libfoo', 7, 8, 'files'],
      ['%post', undefined, 9, 9, 'script'],
      ['%changelog', undefined, 10, 11, 'changelog'],
    ],
  );
  assert.deepEqual(specPackages(spec), ['devel']);
});

test('every rpm section is recognised, case-insensitively, as its first word', () => {
  const names = [
    '%prep', '%conf', '%build', '%install', '%check', '%clean', '%generate_buildrequires', '%pre', '%post', '%preun', '%postun',
    '%pretrans', '%posttrans', '%preuntrans', '%postuntrans', '%verifyscript', '%triggerin', '%triggerun', '%triggerprein',
    '%triggerpostun', '%filetriggerin', '%filetriggerun', '%filetriggerpostun', '%transfiletriggerin', '%transfiletriggerun',
    '%transfiletriggerpostun', '%description', '%files', '%changelog', '%patchlist', '%sourcelist', '%package x', '  %BUILD',
  ];
  const spec = parseSpec(names.join('\n') + '\n%buildx\n%files_x\n#%build\n%global build 1\n%verify(not md5) /etc/x\n');
  assert.equal(specSections(spec).length, names.length);
});

test('package keys from section headers (azldev GetPackageNameFromSectionHeader cases)', () => {
  const cases: [string[], string][] = [
    [['%package'], ''], [['%package', '-q'], ''], [['%package', '-p', 'some-token'], ''], [['%package', '-x'], ''],
    [['%package', '-f', 'some-token'], ''], [['%package', 'foo'], 'foo'], [['%package', '-n', 'foo'], 'foo'],
    [['%description', '-l', 'fr', 'foo'], 'foo'], [['%description', '-l', 'fr'], ''], [['%description', '-l', 'de', '-n', 'foo'], 'foo'],
    [['%triggerin', '--', 'devel'], ''], [['%triggerin', 'devel', '--', 'foo'], 'devel'], [['%triggerin', '-n', 'test-devel', '--', 'foo'], 'test-devel'],
    [['%triggerin', '-p', '/bin/sh', '--', 'foo'], ''], [['%triggerin', 'devel', '-p', '/bin/sh', '--', 'foo'], 'devel'],
    [['%filetriggerin', '-P', '100', '--', '/usr/lib'], ''], [['%filetriggerin', 'devel', '-P', '100', '--', '/usr/lib'], 'devel'],
    [['%files', 'a', 'b'], 'a'], [['%files', '-n'], ''],
  ];
  for (const [args, key] of cases) assert.equal(packageFromHeader(args), key, args.join(' '));
  // %changelog and %patchlist belong to no package whatever follows them.
  assert.deepEqual(specSections(parseSpec('%changelog devel\n%patchlist -n x\n')).map((s) => s.pkg), [undefined, undefined]);
});

test('tags per package (azldev TestVisitTags / TestVisitTagsPackage)', () => {
  const spec = parseSpec(
    'Name: main-pkg\nVersion: 1.0\nPatch0: main.patch\n\n%package devel\nSummary: Development files\nPatch1: devel.patch\n\n%package -n other\nSummary: Other package\nPatch2: other.patch\n',
  );
  assert.deepEqual(specTags(spec).map((t) => t.tag), ['Name', 'Version', 'Patch0']);
  assert.deepEqual(specTags(spec, 'devel').map((t) => t.tag), ['Summary', 'Patch1']);
  assert.deepEqual(specTags(spec, 'other').map((t) => [t.tag, t.value, t.line]), [['Summary', 'Other package', 10], ['Patch2', 'other.patch', 11]]);
  assert.deepEqual(specTags(spec, 'nonexistent'), []);
  assert.deepEqual(spec.structure.tags.map((t) => t.tag), ['Name', 'Version', 'Patch0', 'Summary', 'Patch1', 'Summary', 'Patch2']);
  assert.equal(specTags(parseSpec('')).length, 0);
});

test("tag lines as azldev's regex reads them", () => {
  const spec = parseSpec(
    [
      'Requires(post):  a b  ', '# Name: c', '  #Name: d', 'Name :e', 'URL: https://x/y', '%{!?x:%global x 1}', ':', 'A:', '\u00a0Name: nbsp',
      'Name\u000b: vt', 'Tag:\tv\t', '\ufeffName: bom', 'Summary:\u00a0s\u00a0',
    ].join('\n'),
  );
  assert.deepEqual(
    specTags(spec).map((t) => [t.tag, t.value]),
    [
      ['Requires(post)', 'a b'], ['#Name', 'd'], ['URL', 'https://x/y'], ['%{!?x', '%global x 1}'], ['A', ''], ['Name', 'nbsp'],
      ['Name\u000b', 'vt'], ['Tag', 'v'], ['\ufeffName', 'bom'], ['Summary', '\u00a0s'],
    ],
  );
});

test('conditional nesting and balance', () => {
  const spec = parseSpec('%if 1\n%ifarch x\na\n%else\nb\n%endif\n  %ELIF 2\n# %if\n%endif\n%endif\n%else\n%IFOS linux\n');
  const { conditional, depth, unbalanced } = spec.structure;
  assert.deepEqual([...conditional], [COND_OPEN, COND_OPEN, 0, COND_BRANCH, 0, COND_CLOSE, COND_BRANCH, 0, COND_CLOSE, COND_CLOSE, COND_BRANCH, COND_OPEN]);
  assert.deepEqual([...depth], [0, 1, 2, 1, 2, 1, 0, 1, 0, 0, 0, 0]);
  assert.deepEqual(unbalanced, [10, 11, 12]);
  assert.deepEqual(parseSpec('%if 1\n%endif\n').structure.unbalanced, []);
});

test('continuations: trailing backslash and unclosed %{ %( %[ (rpm logical lines)', () => {
  const spec = parseSpec(
    [
      '%global d %{expand:', 'Note: text', '}', 'Version: 1 \\\\', 'Release: 1', 'x %(echo', ')', '%%{ not a macro', 'Epoch: 0', 'URL: \\', '',
      '%global tmpl() \\', '%package -n %{1} \\', 'Summary: s \\', '%{nil}', 'Name: real',
    ].join('\n') + '\n',
  );
  assert.deepEqual([...spec.structure.continued], [0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 1, 0]);
  assert.deepEqual(specTags(spec).filter((t) => t.continued).map((t) => t.tag), ['Note']);
  assert.deepEqual(specTags(spec, '%{1}').map((t) => [t.tag, t.continued]), [['Summary', true], ['Name', false]]);
  // The template's %package is a section to azldev (so edits see it), not a package of this spec.
  assert.deepEqual(specPackages(spec), []);
  assert.equal(specSections(spec)[0].continued, true);
  assert.equal(specTagValue(spec, 'name'), undefined); // "Name: real" sits in the template's %package
  assert.equal(parseSpec('a \\\r\nb\n').structure.continued[1], 0, 'rpm: a backslash before CRLF escapes the CR');
});

test('specTagValue skips tags inside macro bodies', () => {
  const spec = parseSpec('%global d %{expand:\nSummary: not this\n}\nSummary: this one\n');
  assert.equal(specTagValue(spec, 'SUMMARY'), 'this one');
  assert.equal(specTagValue(spec, 'Version'), undefined);
});
