// Glob patterns with azldev's doublestar semantics (Match for spec values, Glob for files).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileGlobMatcher, globMatcher, isValidGlob } from '../../src/overlay/index.ts';

test('doublestar matching', () => {
  const m = (p: string, s: string) => globMatcher(p)(s);
  assert.ok(m('*.patch', 'CVE-1.patch'));
  assert.ok(!m('*.patch', 'dir/CVE-1.patch'));
  assert.ok(m('*', '.hidden'));
  assert.ok(m('**/*.conf', 'a.conf') && m('**/*.conf', 'x/y/a.conf'));
  assert.ok(m('a/**/b', 'a/b') && m('a/**/b', 'a/x/y/b') && !m('a/**/b', 'ab'));
  assert.ok(m('dir/**', 'dir/x/y') && m('dir/**', 'dir') && !m('dir/**', 'dirx'));
  assert.ok(m('a**b', 'axxb') && !m('a**b', 'a/b'), 'a non-segment ** is *');
  assert.ok(m('?.c', 'a.c') && !m('?.c', '/.c'));
  assert.ok(m('[a-c]x', 'bx') && !m('[a-c]x', 'dx'));
  assert.ok(m('[!a-c]x', 'dx') && m('[^a-c]x', 'dx') && !m('[!a-c]x', '/x'));
  assert.ok(m('{foo,ba{r,z}}.txt', 'baz.txt') && !m('{foo,bar}.txt', 'qux.txt'));
  assert.ok(m('\\*.txt', '*.txt') && !m('\\*.txt', 'a.txt'));
  assert.ok(m('a+b(c).txt', 'a+b(c).txt'), 'regex characters are literal');
});

test('Glob vs Match: before the first wildcard a backslash only escapes wildcards', () => {
  assert.ok(fileGlobMatcher('run\\x2dfuse.mount')('run\\x2dfuse.mount'));
  assert.ok(!fileGlobMatcher('run\\x2dfuse.mount')('runx2dfuse.mount'));
  assert.ok(fileGlobMatcher('a\\*b')('a*b'));
  assert.ok(fileGlobMatcher('d\\ir/*.txt')('d\\ir/x.txt'));
  assert.ok(globMatcher('run\\x2dfuse.mount')('runx2dfuse.mount'));
});

test('invalid patterns (doublestar.ValidatePattern)', () => {
  for (const bad of ['[abc', '[]', '[!]', '{a,b', 'a}', 'x\\']) assert.equal(isValidGlob(bad), false, bad);
  for (const ok of ['a', '*.{c,h}', ']x', '**', 'a[-]b']) assert.equal(isValidGlob(ok), true, ok);
});
