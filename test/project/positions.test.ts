// The line locator for TOML keys (strings, comments, arrays, inline and array tables) and the
// doublestar-style globs used for includes, overlay-files and spec groups.

import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { expandGlob, globMatch } from '../../src/project/index.ts';
import { formatTomlPath, scanTomlPositions } from '../../src/project/toml-positions.ts';
import { workDir } from '../support/fixtures.ts';

const work = workDir('project-positions');
after(() => rmSync(work, { recursive: true, force: true }));

test('every key, header and array element gets its line', () => {
  const text = [
    '# comment [not.a.table]', // 1
    'a = "x # not a comment"', // 2
    '[components.kernel]', // 3
    'release = { calculation = "manual" }', // 4
    "[[components.kernel.overlays]]", // 5
    'type = "x"', // 6
    'lines = [', // 7
    '  "a", # c', // 8
    "  '''b", // 9
    "c'''''", // 10
    ']', // 11
    '[[components.kernel.overlays]]', // 12
    'type = """multi', // 13
    '"line" \\', // 14
    '"""', // 15
    "[distros.d.versions.'4.0-stage1'.default-component-config]", // 16
    'spec = { type = "upstream", upstream-distro = { name = "fedora" } }', // 17
    'repos = [', // 18
    '    {"base-uri" = "x" },', // 19
    '    { base-uri = "y" },', // 20
    ']', // 21
    'x.y.z = 3', // 22
    '[[a.b]]', // 23
    '[[a.b.c]]', // 24
    '[[a.b]]', // 25
    '[[a.b.c]]', // 26
    'k = 1', // 27
  ].join('\n');
  const p = scanTomlPositions(text);
  const cases: Array<[Array<string | number>, number | undefined]> = [
    [['a'], 2],
    [['components', 'kernel'], 3],
    [['components', 'kernel', 'release', 'calculation'], 4],
    [['components', 'kernel', 'overlays', 0], 5],
    [['components', 'kernel', 'overlays', 0, 'lines', 1], 9],
    [['components', 'kernel', 'overlays', 1], 12],
    [['components', 'kernel', 'overlays', 1, 'type'], 13],
    [['components', 'kernel', 'overlays', 1, 'missing'], 12],
    [['distros', 'd', 'versions', '4.0-stage1', 'default-component-config', 'spec', 'upstream-distro', 'name'], 17],
    [['distros', 'd', 'versions', '4.0-stage1', 'default-component-config', 'repos', 1, 'base-uri'], 20],
    [['distros', 'd', 'versions', '4.0-stage1', 'default-component-config', 'x', 'y', 'z'], 22],
    [['a', 'b', 1, 'c', 0, 'k'], 27],
    [['a', 'b', 0, 'c', 0], 24],
    [['nope'], undefined],
  ];
  for (const [path, line] of cases) assert.equal(p.lineOf(path), line, JSON.stringify(path));
  assert.equal(formatTomlPath(['distros', 'd', 'versions', '4.0-stage1', 'repos', 2]), 'distros.d.versions."4.0-stage1".repos[2]');
});

test('globs: *, ?, [..], {a,b} and ** over files only, sorted', () => {
  for (const f of ['a/x.comp.toml', 'a/b/c/y.comp.toml', 'a/b/z.toml', 'a/.hidden.comp.toml', 'd.distro.toml', 'e.distro.toml', 'dir.comp.toml/f']) {
    mkdirSync(dirname(join(work, f)), { recursive: true });
    writeFileSync(join(work, f), '');
  }
  const rel = (ps: string[]): string[] => ps.map((p) => p.slice(work.length + 1));
  assert.deepEqual(rel(expandGlob(work, '**/*.comp.toml')), ['a/.hidden.comp.toml', 'a/b/c/y.comp.toml', 'a/x.comp.toml']);
  assert.deepEqual(rel(expandGlob(work, '*.distro.toml')), ['d.distro.toml', 'e.distro.toml']);
  assert.deepEqual(rel(expandGlob(work, '[de].{distro,x}.toml')), ['d.distro.toml', 'e.distro.toml']);
  assert.deepEqual(rel(expandGlob(work, 'a/**')), ['a/.hidden.comp.toml', 'a/b/c/y.comp.toml', 'a/b/z.toml', 'a/x.comp.toml']);
  assert.deepEqual(rel(expandGlob(join(work, 'a'), '../?.distro.toml')), ['d.distro.toml', 'e.distro.toml']);
  assert.deepEqual(rel(expandGlob(work, 'a/x.comp.toml')), ['a/x.comp.toml']);
  assert.deepEqual(expandGlob(work, 'a/missing.toml'), []);
  assert.deepEqual(expandGlob(work, 'nowhere/**/*.toml'), []);
  assert.equal(globMatch('/s/**/*.spec', '/s/a/b/c.spec'), true);
  assert.equal(globMatch('/s/**/*.spec', '/s/c.spec'), true);
  assert.equal(globMatch('/s/*.spec', '/s/a/c.spec'), false);
  assert.equal(globMatch('kernel*', 'kernel-headers'), true);
  assert.equal(globMatch('python-[!a]*', 'python-azure'), false);
});
