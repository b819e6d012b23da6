// Conformance: file-* and patch-* overlays on a component's loose files — success and azldev's
// failure rules (glob matching nothing, several matches where one is required, .spec and .git never
// touched, destination exists, no regex match) plus symlink safety and source resolution.
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { apply, assertFails, assertFailsIn, BASE_SPEC, HEADER, makeSources, readTree, scratch, spec } from './helpers.ts';

function sourceFile(name: string, content: string): string {
  const dir = join(scratch('overlay-inputs'), 'in');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}

test('file-prepend-lines prepends to every matched file (several allowed), keeping the mode', async () => {
  const dir = makeSources({ 'a.sh': 'echo a\n', 'sub/b.sh': 'echo b\n' });
  chmodSync(join(dir, 'a.sh'), 0o755);
  await apply(dir, [{ type: 'file-prepend-lines', file: '**/*.sh', lines: ['#!/bin/sh', 'set -e'] }]);
  assert.equal(readFileSync(join(dir, 'a.sh'), 'utf8'), '#!/bin/sh\nset -e\necho a\n');
  assert.equal(readFileSync(join(dir, 'sub/b.sh'), 'utf8'), '#!/bin/sh\nset -e\necho b\n');
  assert.equal(statSync(join(dir, 'a.sh')).mode & 0o777, 0o755);
});

test('file-search-replace works on the whole file with Go regex syntax; untouched matches are fine', async () => {
  const dir = makeSources({ 'other.conf': 'nothing here\n' });
  await apply(dir, [{ type: 'file-search-replace', file: '*.conf', regex: '(?i)fedora', replacement: 'azurelinux' }]);
  assert.equal(readFileSync(join(dir, 'demo.conf'), 'utf8'), 'vendor=azurelinux\nname=azurelinux\n');
  assert.equal(readFileSync(join(dir, 'other.conf'), 'utf8'), 'nothing here\n');
  // (?s) lets a match span lines: the file is one string, not lines.
  const dir2 = makeSources();
  await apply(dir2, [{ type: 'file-search-replace', file: 'demo.conf', regex: '(?s)fedora.*Fed', replacement: '' }]);
  assert.equal(readFileSync(join(dir2, 'demo.conf'), 'utf8'), 'vendor=ora\n');
});

test('file-search-replace fails when no matched file changed, and on a glob matching nothing', async () => {
  await assertFails([{ type: 'file-search-replace', file: '*.conf', regex: 'debian', replacement: 'x', description: 'rebrand' }], /^demo: overlay #1 \(rebrand\): file-search-replace: regex "debian" matched nothing in "demo.conf"$/);
  await assertFails([{ type: 'file-search-replace', file: '*.cfg', regex: 'x', replacement: 'y' }], /file pattern "\*\.cfg" did not match any files/);
});

test('file-add copies the source (relative to the declaring file) and fails if the destination exists', async () => {
  const src = sourceFile('extra.conf', 'extra\n');
  const dir = makeSources();
  await apply(dir, [{ type: 'file-add', file: 'conf.d/extra.conf', source: 'extra.conf', origin: { file: join(src, '..', 'x.comp.toml'), line: 3, index: 0 } }]);
  assert.equal(readFileSync(join(dir, 'conf.d/extra.conf'), 'utf8'), 'extra\n');
  assert.equal(statSync(join(dir, 'conf.d/extra.conf')).mode & 0o777, 0o644);
  await assertFails([{ type: 'file-add', file: 'demo.conf', source: src, description: 'add conf', origin: { file: '/p/demo.comp.toml', line: 9, index: 4 } }], /^demo: overlay #1 \(add conf\): file-add: cannot add file "demo.conf": it already exists \(declared at \/p\/demo\.comp\.toml:9\)$/);
  await assertFails([{ type: 'file-add', file: 'new.conf', source: '/nonexistent/x.conf' }], /source file "\/nonexistent\/x\.conf" does not exist/);
});

test('file overlays never target a .spec file', async () => {
  const src = sourceFile('x.spec', 'Name: x\n');
  await assertFails([{ type: 'file-add', file: 'other.spec', source: src }], /file-add: file overlays cannot target \.spec file "other\.spec"/);
  await assertFails([{ type: 'file-remove', file: 'demo.spec' }], /did not match any files \(file overlays never touch \.spec files such as "demo\.spec"/);
  await assertFails([{ type: 'file-search-replace', file: '*', regex: 'Name', replacement: 'X' }], /regex "Name" matched nothing/);
  await assertFails([{ type: 'file-rename', file: 'demo.conf', replacement: 'demo.spec' }], /cannot rename "demo\.conf" to a \.spec file/);
  // A glob over everything leaves the spec alone.
  const dir = makeSources();
  await apply(dir, [{ type: 'file-prepend-lines', file: '**', lines: ['# x'] }]);
  assert.equal(spec(dir), HEADER + BASE_SPEC);
});

test('.git is never written to', async () => {
  const src = sourceFile('hook', '#!/bin/sh\n');
  await assertFails([{ type: 'file-add', file: '.git/hooks/post-checkout', source: src }], /file overlays never touch \.git\//);
});

test('.git contents are never matched', async () => {
  const dir = makeSources({ '.git/config': 'fedora\n', 'sub/.git/HEAD': 'fedora\n' });
  await apply(dir, [{ type: 'file-search-replace', file: '**', regex: 'fedora', replacement: 'azl' }]);
  assert.equal(readFileSync(join(dir, '.git/config'), 'utf8'), 'fedora\n');
  assert.equal(readFileSync(join(dir, 'sub/.git/HEAD'), 'utf8'), 'fedora\n');
  assert.equal(readFileSync(join(dir, 'demo.conf'), 'utf8'), 'vendor=azl\nname=Fedora\n');
});

test('file-remove removes every match (directories stay); nothing matched is an error', async () => {
  const dir = makeSources({ 'a.bak': '', 'sub/b.bak': '', 'sub/deep/c.bak': '', 'keep.txt': '' });
  await apply(dir, [{ type: 'file-remove', file: 'sub/**' }]);
  assert.deepEqual(Object.keys(readTree(dir)).sort(), ['a.bak', 'demo.conf', 'demo.spec', 'fix-build.patch', 'keep.txt']);
  assert.ok(lstatSync(join(dir, 'sub/deep')).isDirectory());
  await assertFails([{ type: 'file-remove', file: 'sub' }], /did not match any files/, { 'sub/x': '' });
});

test('doublestar semantics: * stays in one segment, ** spans any depth (zero included)', async () => {
  const files = { 'top1/some_file.txt': '', 'top1/nested/some_file.txt': '', 'some_file.txt': '' };
  const one = makeSources(files);
  await apply(one, [{ type: 'file-remove', file: '*/some_file.txt' }]);
  assert.deepEqual(Object.keys(readTree(one)).filter((p) => p.includes('some_file')), ['some_file.txt', 'top1/nested/some_file.txt']);
  const all = makeSources(files);
  await apply(all, [{ type: 'file-remove', file: '**/some_file.txt' }]);
  assert.deepEqual(Object.keys(readTree(all)).filter((p) => p.includes('some_file')), []);
});

test('a literal file name with a backslash names that file (doublestar Glob), as the real open-vm-tools overlay relies on', async () => {
  const dir = makeSources({ 'run-vmblock\\x2dfuse.mount': 'unit\n' });
  await apply(dir, [{ type: 'file-rename', file: 'run-vmblock\\x2dfuse.mount', replacement: 'run-vmblock-fuse.mount.in' }]);
  assert.equal(readFileSync(join(dir, 'run-vmblock-fuse.mount.in'), 'utf8'), 'unit\n');
});

test('file-rename renames in place, one match only, never over an existing file', async () => {
  const dir = makeSources({ 'sub/a:b.txt': 'x' });
  await apply(dir, [{ type: 'file-rename', file: 'sub/a:b.txt', replacement: 'a_b.txt' }]);
  assert.equal(readFileSync(join(dir, 'sub/a_b.txt'), 'utf8'), 'x');
  await assertFails([{ type: 'file-rename', file: '*.txt', replacement: 'c.txt' }], /file-rename applies to one file, but pattern "\*\.txt" matched 2 \(a\.txt, b\.txt\)/, { 'a.txt': '', 'b.txt': '' });
  await assertFails([{ type: 'file-rename', file: 'a.txt', replacement: 'demo.conf' }], /cannot rename "a\.txt" to "demo\.conf": it already exists/, { 'a.txt': '' });
  await assertFails([{ type: 'file-rename', file: 'missing.txt', replacement: 'x.txt' }], /did not match any files/);
});

test('content edits refuse symlinks; removal removes the link itself', async () => {
  const outside = sourceFile('victim.txt', 'fedora\n');
  const dir = makeSources();
  symlinkSync(outside, join(dir, 'link.txt'));
  await assertFailsIn(dir, [{ type: 'file-search-replace', file: 'link.txt', regex: 'fedora', replacement: 'x' }], /"link\.txt" is a symlink/);
  await assertFailsIn(dir, [{ type: 'file-prepend-lines', file: '*.txt', lines: ['x'] }], /"link\.txt" is a symlink/);
  await apply(dir, [{ type: 'file-remove', file: 'link.txt' }]);
  assert.equal(readFileSync(outside, 'utf8'), 'fedora\n');
  assert.equal(readTree(dir)['link.txt'], undefined);
});

test('patch-add adds PatchN (next number) and copies the file; file overrides the name', async () => {
  const src = sourceFile('0001-fix.patch', 'diff\n');
  const dir = makeSources();
  await apply(dir, [{ type: 'patch-add', source: src }]);
  assert.equal(spec(dir), HEADER + BASE_SPEC.replace('BuildRequires:  foo-devel\n\n', 'BuildRequires:  foo-devel\n\nPatch1: 0001-fix.patch\n'));
  assert.equal(readFileSync(join(dir, '0001-fix.patch'), 'utf8'), 'diff\n');
  const named = makeSources();
  await apply(named, [{ type: 'patch-add', source: src, file: 'renamed.patch' }]);
  assert.match(spec(named), /^Patch1: renamed\.patch$/m);
});

test('patch-add appends to %patchlist when the spec has one', async () => {
  const src = sourceFile('0002-more.patch', 'diff\n');
  const withList = BASE_SPEC.replace('Patch0:         fix-build.patch\n', '').replace('%description\n', '%patchlist\nfix-build.patch\n\n%description\n');
  const dir = makeSources({ 'demo.spec': withList });
  await apply(dir, [{ type: 'patch-add', source: src }]);
  assert.match(spec(dir), /%patchlist\nfix-build\.patch\n\n0002-more\.patch\n/);
});

test('patch-add fails when the destination exists', async () => {
  const src = sourceFile('fix-build.patch', 'other\n');
  await assertFails([{ type: 'patch-add', source: src, description: 'add fix' }], /^demo: overlay #1 \(add fix\): patch-add: cannot add patch "fix-build\.patch": it already exists$/);
});

test('patch-remove removes matching PatchN tags and files (glob, several allowed)', async () => {
  const spec2 = BASE_SPEC.replace('Patch0:         fix-build.patch\n', 'Patch0:         fix-build.patch\nPatch1:         CVE-1.patch\nPatch2:         CVE-2.patch\n');
  const dir = makeSources({ 'demo.spec': spec2, 'CVE-1.patch': '', 'CVE-2.patch': '' });
  await apply(dir, [{ type: 'patch-remove', file: 'CVE-*.patch' }]);
  assert.equal(spec(dir), HEADER + BASE_SPEC);
  assert.deepEqual(Object.keys(readTree(dir)).sort(), ['demo.conf', 'demo.spec', 'fix-build.patch']);
});

test('patch-remove fails when the spec names no such patch, or no such file exists', async () => {
  await assertFails([{ type: 'patch-remove', file: 'nothing*.patch' }], /patch-remove: no patches matching "nothing\*\.patch" found in the spec/);
  const spec2 = BASE_SPEC.replace('Patch0:         fix-build.patch\n', 'Patch0:         fix-build.patch\nPatch1:         ghost.patch\n');
  await assertFails([{ type: 'patch-remove', file: 'ghost.patch' }], /patch-remove: file pattern "ghost\.patch" did not match any files/, { 'demo.spec': spec2 });
});

test('unsafe paths are rejected before anything is applied', async () => {
  await assertFails([{ type: 'file-remove', file: '/etc/passwd' }], /invalid overlay: .*relative path/);
  await assertFails([{ type: 'file-remove', file: 'a/../../x' }], /invalid overlay: .*"\.\."/);
  await assertFails([{ type: 'file-rename', file: 'demo.conf', replacement: '../x' }], /invalid overlay: .*filename only/);
  await assertFails([{ type: 'patch-add', source: '/x.patch', file: '../x.patch' }], /invalid overlay/);
});

test('file-add refuses to create through a symlinked directory', async () => {
  const outside = join(scratch('overlay-inputs'), 'outside-dir');
  mkdirSync(outside, { recursive: true });
  const src = sourceFile('p.conf', 'x');
  const dir = makeSources();
  symlinkSync(outside, join(dir, 'linked'));
  await assertFailsIn(dir, [{ type: 'file-add', file: 'linked/p.conf', source: src }], /"linked" is not a directory/);
});
