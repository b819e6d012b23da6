// readTree lists a tree without following symlinks: a link to a parent, to "/" or to a sibling
// directory is listed as a link and never entered (Node's recursive readdir enters them).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { readTree, readTreeSync } from '../../src/files/index.ts';
import { workDir } from '../support/fixtures.ts';

test('readTree and readTreeSync list symlinks without entering them', async () => {
  const dir = workDir('files-tree');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'a', 'b'), { recursive: true });
  writeFileSync(join(dir, 'a', 'b', 'f'), 'x');
  symlinkSync('..', join(dir, 'a', 'up'));
  symlinkSync('/', join(dir, 'a', 'root'));
  symlinkSync('b', join(dir, 'a', 'sibling'));
  const want = ['a', 'a/b', 'a/b/f', 'a/root', 'a/sibling', 'a/up'];
  for (const entries of [await readTree(dir), readTreeSync(dir)]) {
    const listed = entries.map((e) => relative(dir, join(e.parentPath, e.name))).sort();
    assert.deepEqual(listed, want);
    assert.deepEqual(entries.filter((e) => e.isSymbolicLink()).map((e) => e.name).sort(), ['root', 'sibling', 'up']);
  }
  // What this guards against: the platform's recursive listing enters links to directories.
  rmSync(join(dir, 'a', 'root'));
  rmSync(join(dir, 'a', 'up'));
  assert.ok(readdirSync(dir, { recursive: true, encoding: 'utf8' }).includes('a/sibling/f'));
  rmSync(dir, { recursive: true, force: true });
});
