// Load-time validation (azldev ComponentOverlay.Validate / OverlayMetadata.Validate): required
// fields for all 17 types, forbidden combinations, regexes, safe paths, archive names, metadata.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkOverlay,
  checkOverlayMetadata,
  OVERLAY_TYPES,
  OverlayError,
  validateOverlay,
  validateOverlayMetadata,
} from '../../src/overlay/index.ts';
import type { OverlayRecord } from '../../src/overlay/index.ts';

/** A minimal valid overlay of each type, and the fields each one requires. */
const MINIMAL: Record<string, { overlay: OverlayRecord; required: Array<keyof OverlayRecord> }> = {
  'spec-add-tag': { overlay: { type: 'spec-add-tag', tag: 'BuildRequires', value: 'x' }, required: ['tag', 'value'] },
  'spec-insert-tag': { overlay: { type: 'spec-insert-tag', tag: 'Source9', value: 'x' }, required: ['tag', 'value'] },
  'spec-set-tag': { overlay: { type: 'spec-set-tag', tag: 'Release', value: '2' }, required: ['tag', 'value'] },
  'spec-update-tag': { overlay: { type: 'spec-update-tag', tag: 'Release', value: '2' }, required: ['tag', 'value'] },
  'spec-remove-tag': { overlay: { type: 'spec-remove-tag', tag: 'BuildRequires' }, required: ['tag'] },
  'spec-prepend-lines': { overlay: { type: 'spec-prepend-lines', lines: ['x'] }, required: ['lines'] },
  'spec-append-lines': { overlay: { type: 'spec-append-lines', lines: ['x'] }, required: ['lines'] },
  'spec-search-replace': { overlay: { type: 'spec-search-replace', regex: 'a' }, required: ['regex'] },
  'spec-remove-section': { overlay: { type: 'spec-remove-section', section: '%check' }, required: ['section'] },
  'spec-remove-subpackage': { overlay: { type: 'spec-remove-subpackage', package: 'devel' }, required: ['package'] },
  'patch-add': { overlay: { type: 'patch-add', source: 'a.patch' }, required: ['source'] },
  'patch-remove': { overlay: { type: 'patch-remove', file: 'a.patch' }, required: ['file'] },
  'file-prepend-lines': { overlay: { type: 'file-prepend-lines', file: 'a', lines: ['x'] }, required: ['file', 'lines'] },
  'file-search-replace': { overlay: { type: 'file-search-replace', file: 'a', regex: 'x' }, required: ['file', 'regex'] },
  'file-add': { overlay: { type: 'file-add', file: 'a', source: 'b' }, required: ['file', 'source'] },
  'file-remove': { overlay: { type: 'file-remove', file: 'a' }, required: ['file'] },
  'file-rename': { overlay: { type: 'file-rename', file: 'a', replacement: 'b' }, required: ['file', 'replacement'] },
};

test('all 17 types are known, and a minimal overlay of each is valid', () => {
  assert.equal(OVERLAY_TYPES.length, 17);
  assert.deepEqual(Object.keys(MINIMAL).sort(), [...OVERLAY_TYPES].sort());
  for (const { overlay } of Object.values(MINIMAL)) assert.equal(checkOverlay(overlay), undefined, overlay.type);
});

test('each required field, when missing (or empty), is reported by name', () => {
  for (const [type, { overlay, required }] of Object.entries(MINIMAL)) {
    for (const field of required) {
      for (const empty of [undefined, field === 'lines' ? [] : '']) {
        const o = { ...overlay, [field]: empty };
        assert.equal(checkOverlay(o), `overlay type "${type}" requires "${field}" field`, `${type} without ${field}`);
      }
    }
  }
  assert.equal(checkOverlay({ type: 'spec-bogus' }), 'unknown overlay type "spec-bogus"');
  assert.equal(checkOverlay({ type: '' }), 'unknown overlay type ""');
});

test('package without section is invalid for whole-file-capable types; remove-subpackage takes no section', () => {
  for (const type of ['spec-prepend-lines', 'spec-append-lines', 'spec-search-replace']) {
    const o = { ...MINIMAL[type].overlay, package: 'devel' };
    assert.equal(checkOverlay(o), `overlay type "${type}" requires "section" field when "package" is set`);
    assert.equal(checkOverlay({ ...o, section: '%files' }), undefined);
  }
  assert.equal(checkOverlay({ type: 'spec-remove-subpackage', package: 'devel', section: '%files' }), 'overlay type "spec-remove-subpackage" does not accept "section" field');
});

test('regexes must compile as Go RE2', () => {
  assert.match(checkOverlay({ type: 'spec-search-replace', regex: '(unclosed' })!, /invalid regex "\(unclosed": missing closing \)/);
  assert.match(checkOverlay({ type: 'file-search-replace', file: 'a', regex: '(?<=x)y' })!, /unsupported Perl syntax/);
  assert.match(checkOverlay({ type: 'spec-search-replace', regex: '(?U)a*' })!, /ungreedy/);
});

test('file paths must be relative and may not climb; rename takes a bare file name', () => {
  for (const type of ['file-prepend-lines', 'file-search-replace', 'file-add', 'file-remove', 'file-rename', 'patch-remove']) {
    assert.match(checkOverlay({ ...MINIMAL[type].overlay, file: '/abs/path' })!, /requires "file" to be a relative path; found "\/abs\/path"/, type);
    assert.match(checkOverlay({ ...MINIMAL[type].overlay, file: 'a/../../b' })!, /not to contain "\.\." path segments/, type);
  }
  assert.match(checkOverlay({ type: 'patch-add', source: 'x', file: '/abs' })!, /relative path/);
  assert.match(checkOverlay({ type: 'file-rename', file: 'a', replacement: 'dir/b' })!, /filename only/);
  assert.match(checkOverlay({ type: 'patch-remove', file: 'CVE-[.patch' })!, /invalid glob pattern/);
});

test('archive overlays: recognized, safe archive names, only file-remove and file-search-replace, file required', () => {
  assert.equal(checkOverlay({ type: 'file-remove', archive: 'pkg-1.0.tar.gz', file: 'tests/**' }), undefined);
  for (const name of ['a.tgz', 'a.tar.xz', 'a.txz', 'a.tar.zst', 'a.tzst', 'a.tar', 'a.tar.bz2']) {
    assert.equal(checkOverlay({ type: 'file-search-replace', archive: name, file: 'x', regex: 'y' }), undefined, name);
  }
  assert.match(checkOverlay({ type: 'file-remove', archive: 'pkg.zip', file: 'x' })!, /not a recognized archive name/);
  assert.match(checkOverlay({ type: 'file-remove', archive: '../pkg.tar.gz', file: 'x' })!, /unsafe overlay "archive"/);
  assert.match(checkOverlay({ type: 'file-remove', archive: 'my pkg.tar.gz', file: 'x' })!, /whitespace/);
  assert.match(checkOverlay({ type: 'file-add', archive: 'pkg.tar.gz', file: 'x', source: 'y' })!, /does not support archive-scoped file paths/);
  assert.match(checkOverlay({ type: 'file-remove', archive: 'pkg.tar.gz' })!, /requires "file" field/);
});

test('validateOverlay throws one line naming file, line, overlay number and description', () => {
  assert.throws(
    () => validateOverlay({ type: 'spec-add-tag', tag: 'X', description: 'Add X', origin: { file: 'base/comps/a.comp.toml', line: 12, index: 2 } }),
    (e: unknown) => e instanceof OverlayError && e.message === 'base/comps/a.comp.toml:12: overlay #3 (Add X): overlay type "spec-add-tag" requires "value" field',
  );
  assert.throws(() => validateOverlay({ type: 'spec-add-tag', tag: 'X', value: 'y', metadata: { category: 'nope', upstreamStatus: 'unknown' } }), /invalid metadata: unknown overlay category "nope"/);
  validateOverlay({ type: 'spec-add-tag', tag: 'X', value: 'y', metadata: { category: 'azl-pruning', upstreamStatus: 'unknown' } });
});

test('metadata: category and upstream-status enums, upstream-backport rules, http(s) URLs', () => {
  const ok = { category: 'azl-compatibility', upstreamStatus: 'inapplicable' };
  assert.equal(checkOverlayMetadata(ok), undefined);
  assert.equal(checkOverlayMetadata({ upstreamStatus: 'unknown' }), '"metadata" requires "category"');
  assert.equal(checkOverlayMetadata({ category: 'azl-pruning' }), '"metadata" requires "upstream-status"');
  assert.equal(checkOverlayMetadata({ category: 'azl-pruning', upstreamStatus: 'maybe' }), 'unknown overlay upstream-status "maybe"');
  assert.match(checkOverlayMetadata({ category: 'upstream-backport', upstreamStatus: 'upstreamed' })!, /requires at least one entry in "commits"/);
  const commit = [{ url: 'https://src.fedoraproject.org/rpms/x/c/abc' }];
  assert.equal(checkOverlayMetadata({ category: 'upstream-backport', upstreamStatus: 'upstreamable', commits: commit }), undefined);
  assert.match(checkOverlayMetadata({ category: 'upstream-backport', upstreamStatus: 'inapplicable', commits: commit })!, /contradictory/);
  assert.match(checkOverlayMetadata({ ...ok, bugs: [{ url: 'ftp://x/y' }] })!, /bugs\[0\]\.url "ftp:\/\/x\/y" must be http\(s\)/);
  assert.match(checkOverlayMetadata({ ...ok, commits: [{ url: '/relative' }] })!, /not an absolute URL/);
  assert.match(checkOverlayMetadata({ ...ok, bugs: [{}] })!, /bugs\[0\]\.url is required/);
  assert.throws(() => validateOverlayMetadata({ category: 'x' }, 'o.overlay.toml'), /^OverlayError: o\.overlay\.toml: unknown overlay category "x"$/);
});
