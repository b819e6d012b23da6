// Section removal: the cases of azldev's TestRemoveSection, TestRemoveSubpackage and
// TestOpenSpec_DuplicateSectionHeaders, including every conditional-balancing rule.
import { test } from 'node:test';
import { removeSection, removeSubpackage } from '../../src/spec/index.ts';
import { check, type EditCase } from './support.ts';

const sectionCases: (EditCase & { section: string; pkg?: string })[] = [
  {
    name: 'a section of no package',
    input: 'Name: test\nVersion: 1.0\n\n%generate_buildrequires\n%cargo_generate_buildrequires\n\n%build\nmake\n',
    section: '%generate_buildrequires',
    expected: 'Name: test\nVersion: 1.0\n\n%build\nmake\n',
  },
  {
    name: 'a section of a sub-package',
    input: 'Name: test\n\n%files\n/usr/bin/test\n\n%files devel\n/usr/include/test.h\n\n%files libs\n/usr/lib/libtest.so\n',
    section: '%files',
    pkg: 'devel',
    expected: 'Name: test\n\n%files\n/usr/bin/test\n\n%files libs\n/usr/lib/libtest.so\n',
  },
  {
    name: 'the section at the end of the file',
    input: 'Name: test\n\n%build\nmake\n\n%check\nmake check\n',
    section: '%check',
    expected: 'Name: test\n\n%build\nmake\n\n',
  },
  { name: 'a missing section fails', input: 'Name: test\nVersion: 1.0\n\n%build\nmake\n', section: '%check', expected: { fails: 'section "%check" not found' } },
  { name: 'the preamble cannot be removed', input: 'Name: test\nVersion: 1.0\n', section: '', expected: { fails: 'preamble' } },
  {
    name: 'a -n sub-package section',
    input: 'Name: test\n\n%files\n/usr/bin/test\n\n%files -n other-pkg\n/usr/bin/other\n\n%build\nmake\n',
    section: '%files',
    pkg: 'other-pkg',
    expected: 'Name: test\n\n%files\n/usr/bin/test\n\n%build\nmake\n',
  },
  {
    name: 'every section with that identity goes',
    input: 'Name: test\n\n%description\nMain.\n\n%files devel\n/usr/include/v1.h\n\n%files\n/usr/bin/test\n\n%files devel\n/usr/include/v2.h\n\n%changelog\n',
    section: '%files',
    pkg: 'devel',
    expected: 'Name: test\n\n%description\nMain.\n\n%files\n/usr/bin/test\n\n%changelog\n',
  },
  {
    name: 'duplicate main-package headers both go',
    input: 'Name: test\nVersion: 1.0\n\n%description\nFirst description.\n\n%description\nSecond description.\n',
    section: '%description',
    expected: 'Name: test\nVersion: 1.0\n\n',
  },
  {
    name: 'an unmatched %endif anywhere makes removal unsafe',
    input: 'Name: test\n%endif\n%check\nmake check\n',
    section: '%check',
    expected: { fails: 'unmatched %endif at line 2' },
  },
  {
    name: 'an unmatched %if is reported at the first one',
    input: 'Name: test\n%if 1\n%check\nmake check\n',
    section: '%check',
    expected: { fails: 'unmatched %if at line 2' },
  },
];

for (const c of sectionCases) test(`removeSection: ${c.name}`, () => check(c, (s) => removeSection(s, c.section, c.pkg)));

const subpackageCases: (EditCase & { pkg: string })[] = [
  {
    name: 'every section of the sub-package',
    input:
      'Name: test\nVersion: 1.0\n\n%description\nMain description.\n\n%package devel\nSummary: Devel files\nRequires: test = 1.0\n\n%description devel\nDevel description.\n\n' +
      '%files\n/usr/bin/test\n\n%files devel\n/usr/include/test.h\n\n%post devel\necho posting\n\n%changelog\n',
    pkg: 'devel',
    expected: 'Name: test\nVersion: 1.0\n\n%description\nMain description.\n\n%files\n/usr/bin/test\n\n%changelog\n',
  },
  {
    name: 'a -n sub-package',
    input: 'Name: test\n\n%description\nMain.\n\n%package -n other-pkg\nSummary: Other\n\n%description -n other-pkg\nOther description.\n\n%files -n other-pkg\n/usr/bin/other\n\n%files\n/usr/bin/test\n',
    pkg: 'other-pkg',
    expected: 'Name: test\n\n%description\nMain.\n\n%files\n/usr/bin/test\n',
  },
  {
    name: 'a last section running to the end of the file',
    input: 'Name: test\n\n%description\nMain.\n\n%package devel\nSummary: Devel\n\n%files devel\n/usr/include/test.h\n',
    pkg: 'devel',
    expected: 'Name: test\n\n%description\nMain.\n\n',
  },
  { name: 'no section of that package fails', input: 'Name: test\n\n%description\nMain.\n\n%files\n/usr/bin/test\n', pkg: 'devel', expected: { fails: 'not found' } },
  { name: 'an empty name fails', input: 'Name: test\n%description\nMain.\n', pkg: '', expected: { fails: 'empty' } },
  {
    name: 'main-package sections of the same name stay',
    input: 'Name: test\n\n%description\nMain description.\n\n%package devel\nSummary: Devel\n\n%description devel\nDevel description.\n\n%files\n/usr/bin/test\n\n%files devel\n/usr/include/test.h\n',
    pkg: 'devel',
    expected: 'Name: test\n\n%description\nMain description.\n\n%files\n/usr/bin/test\n\n',
  },
  {
    name: 'a balanced conditional inside a section goes with it',
    input: 'Name: test\n\n%description\nMain.\n\n%package devel\nSummary: Devel\n%ifarch x86_64\nRequires: special-x86-lib\n%endif\n\n%description devel\nDevel description.\n\n%files\n/usr/bin/test\n',
    pkg: 'devel',
    expected: 'Name: test\n\n%description\nMain.\n\n%files\n/usr/bin/test\n',
  },
  {
    name: "the next section's %if opener stays",
    input: 'Name: test\n\n%description\nMain.\n\n%files foo\n/usr/share/foo\n\n%if 0\n%files bar\n/usr/share/bar\n%endif\n\n%files\n/usr/bin/test\n',
    pkg: 'foo',
    expected: 'Name: test\n\n%description\nMain.\n\n%if 0\n%files bar\n/usr/share/bar\n%endif\n\n%files\n/usr/bin/test\n',
  },
  {
    name: 'the %endif of a wrapping conditional stays',
    input:
      'Name: test\n\n%description\nMain.\n\n%if 0%{?with_devel}\n%package devel\nSummary: Devel\n\n%description devel\nDevel description.\n\n%files devel\n/usr/include/test.h\n%endif\n\n%files\n/usr/bin/test\n',
    pkg: 'devel',
    expected: 'Name: test\n\n%description\nMain.\n\n%if 0%{?with_devel}\n%endif\n\n%files\n/usr/bin/test\n',
  },
  {
    name: 'a conditional spanning two sections fails',
    input: 'Name: test\n\n%files foo\n/usr/share/foo1\n%if 0%{?with_extra}\n/usr/share/foo-extra\n\n%files bar\n/usr/share/bar\n%endif\n\n%files\n/usr/bin/test\n',
    pkg: 'foo',
    expected: { fails: 'conditional block spans' },
  },
  {
    name: 'an %else of a straddling conditional fails',
    input: 'Name: test\n\n%description\nMain.\n\n%if cond\n%files foo\n/usr/share/foo\n%else\n%files bar\n/usr/share/bar\n%endif\n\n%files\n/usr/bin/test\n',
    pkg: 'foo',
    expected: { fails: 'branch directive' },
  },
  {
    name: 'content left in the trimmed tail fails',
    input: 'Name: test\n\n%description\nMain.\n\n%if 0%{?with_devel}\n%files devel\n/usr/include/test.h\n%endif\n%if 0%{?with_extra}\n/usr/include/extra.h\n%endif\n\n%files\n/usr/bin/test\n',
    pkg: 'devel',
    expected: { fails: 'conditional block spans' },
  },
  {
    name: 'consecutive %endifs of nested wrapping conditionals stay',
    input: 'Name: test\n\n%description\nMain.\n\n%if A\n%if B\n%files devel\n/usr/include/test.h\n%endif\n%endif\n\n%files\n/usr/bin/test\n',
    pkg: 'devel',
    expected: 'Name: test\n\n%description\nMain.\n\n%if A\n%if B\n%endif\n%endif\n\n%files\n/usr/bin/test\n',
  },
  {
    name: 'consecutive %if openers of the next sections stay',
    input: 'Name: test\n\n%description\nMain.\n\n%files foo\n/usr/share/foo\n\n%if 0\n%if 0\n%files bar\n/usr/share/bar\n%endif\n%endif\n\n%files\n/usr/bin/test\n',
    pkg: 'foo',
    expected: 'Name: test\n\n%description\nMain.\n\n%if 0\n%if 0\n%files bar\n/usr/share/bar\n%endif\n%endif\n\n%files\n/usr/bin/test\n',
  },
  {
    name: 'an %endif then an %if at the tail both stay',
    input: 'Name: test\n\n%description\nMain.\n\n%if A\n%files devel\n/usr/include/test.h\n%endif\n%if 0\n%files bar\n/usr/share/bar\n%endif\n\n%files\n/usr/bin/test\n',
    pkg: 'devel',
    expected: 'Name: test\n\n%description\nMain.\n\n%if A\n%endif\n%if 0\n%files bar\n/usr/share/bar\n%endif\n\n%files\n/usr/bin/test\n',
  },
  {
    name: 'triggers and file triggers of the package go too (the part after -- is no package)',
    input: 'Name: t\n%package devel\nSummary: d\n%triggerin devel -- foo\necho\n%filetriggerin -n devel -P 100 -- /usr/lib\necho\n%triggerun -- devel\necho\n',
    pkg: 'devel',
    expected: 'Name: t\n%triggerun -- devel\necho\n',
  },
];

for (const c of subpackageCases) test(`removeSubpackage: ${c.name}`, () => check(c, (s) => removeSubpackage(s, c.pkg)));
