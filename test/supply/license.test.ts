import { test } from 'node:test';
import assert from 'node:assert/strict';
import { licenseRefFor, mapRpmLicense } from '../../src/supply/index.ts';

test('SPDX expressions are kept and normalised (operators upper-case, precedence parenthesised)', () => {
  assert.deepEqual(mapRpmLicense('GPL-2.0-or-later'), { kind: 'spdx', expression: 'GPL-2.0-or-later', single: true, refs: [] });
  assert.deepEqual(mapRpmLicense('MIT and (LGPL-2.1-or-later or BSD-3-Clause)'), {
    kind: 'spdx', expression: 'MIT AND (LGPL-2.1-or-later OR BSD-3-Clause)', single: false, refs: [],
  });
  assert.deepEqual(mapRpmLicense('GPL-3.0-or-later WITH GCC-exception-3.1'), {
    kind: 'spdx', expression: 'GPL-3.0-or-later WITH GCC-exception-3.1', single: false, refs: [],
  });
  assert.deepEqual(mapRpmLicense('MIT AND LicenseRef-Fedora-Public-Domain'), {
    kind: 'spdx', expression: 'MIT AND LicenseRef-Fedora-Public-Domain', single: false, refs: ['LicenseRef-Fedora-Public-Domain'],
  });
});

test('free-text licence tags become declared LicenseRef- ids; empty is no assertion', () => {
  assert.deepEqual(mapRpmLicense('GPL'), { kind: 'text', text: 'GPL', ref: 'LicenseRef-GPL' });
  const m = mapRpmLicense('GPLv2+');
  assert.equal(m.kind, 'text');
  assert.match(licenseRefFor('GPLv2+'), /^LicenseRef-GPLv2-[0-9a-f]{8}$/);
  assert.notEqual(licenseRefFor('GPLv2+'), licenseRefFor('GPLv2-'));
  assert.match(licenseRefFor('Public Domain'), /^LicenseRef-Public-Domain-[0-9a-f]{8}$/);
  assert.equal(mapRpmLicense('DocumentRef-x:LicenseRef-y').kind, 'text');
  assert.deepEqual(mapRpmLicense('  '), { kind: 'none' });
  assert.deepEqual(mapRpmLicense('(none)'), { kind: 'none' });
});
