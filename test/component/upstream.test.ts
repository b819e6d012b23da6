// An upstream component end to end without the Internet: a dist-git served from file:// with
// dated commits and a lookaside cache beside it. `component update` resolves the last commit
// before the distro snapshot into the lock; prepare-sources clones that commit, downloads the
// tarball its `sources` file lists (digest-checked) and applies the overlays; render leaves the
// tarball out; a corrupted lookaside file is refused.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { strata } from '../support/cli.ts';
import { workDir } from '../support/fixtures.ts';

const work = workDir('component-upstream');
const proj = join(work, 'project');
const TARBALL = Buffer.from('pretend tarball\n');
const SHA = createHash('sha512').update(TARBALL).digest('hex');
const commits: string[] = [];

const spec = (release: number) => `Name: foo
Version: 1.0
Release: ${release}%{?dist}
Summary: An upstream package
License: MIT
Source0: foo-1.0.tar.gz
Source1: foo.conf

%description
Foo.

%prep

%build

%install

%files
`;

function gitCommit(repo: string, date: string, msg: string): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'u', GIT_AUTHOR_EMAIL: 'u@e', GIT_COMMITTER_NAME: 'u', GIT_COMMITTER_EMAIL: 'u@e', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  execFileSync('git', ['-C', repo, 'add', '.'], { env });
  execFileSync('git', ['-C', repo, 'commit', '-q', '-m', msg], { env });
  return execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
}

before(() => {
  rmSync(work, { recursive: true, force: true });
  const repo = join(work, 'dist-git', 'foo');
  mkdirSync(repo, { recursive: true });
  execFileSync('git', ['-C', repo, 'init', '-q', '-b', 'f1']);
  writeFileSync(join(repo, 'sources'), `SHA512 (foo-1.0.tar.gz) = ${SHA}\n`);
  writeFileSync(join(repo, 'foo.conf'), 'color = blue\n');
  for (const [i, date] of ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z'].entries()) {
    writeFileSync(join(repo, 'foo.spec'), spec(i + 1));
    commits.push(gitCommit(repo, date, `release ${i + 1}`));
  }
  const look = join(work, 'lookaside', 'foo', 'foo-1.0.tar.gz', 'sha512', SHA);
  mkdirSync(look, { recursive: true });
  writeFileSync(join(look, 'foo-1.0.tar.gz'), TARBALL);

  mkdirSync(proj, { recursive: true });
  writeFileSync(
    join(proj, 'azldev.toml'),
    `[project]
default-distro = { name = "mine" }

[distros.up]
default-version = "1"
dist-git-base-uri = "file://${work}/dist-git/$pkg"
lookaside-base-uri = "file://${work}/lookaside/$pkg/$filename/$hashtype/$hash/$filename"
[distros.up.versions.'1']
release-ver = "1"
dist-git-branch = "f1"

[distros.mine]
default-version = "1.0"
[distros.mine.versions.'1.0']
release-ver = "1.0"
default-component-config = { spec = { type = "upstream", upstream-distro = { name = "up", version = "1", snapshot = "2026-02-15T00:00:00Z" } } }

[components.foo]

[[components.foo.overlays]]
description = "Our vendor"
type = "spec-add-tag"
tag = "Vendor"
value = "Mine"

[[components.foo.overlays]]
description = "Our default color"
type = "file-search-replace"
file = "foo.conf"
regex = "blue"
replacement = "green"
`,
  );
});
after(() => rmSync(work, { recursive: true, force: true }));

test('update resolves the last commit before the snapshot into the lock', () => {
  const r = strata(['component', 'update', 'foo', '-C', proj]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const lock = readFileSync(join(proj, 'locks', 'foo.lock'), 'utf8');
  assert.match(lock, new RegExp(`^upstream-commit = '${commits[1]}'$`, 'm'));
  assert.match(lock, new RegExp(`^import-commit = '${commits[1]}'$`, 'm'));
  assert.equal(strata(['component', 'update', 'foo', '--check-only', '-C', proj]).code, 0);
});

test('prepare-sources clones the locked commit, fetches the verified tarball, applies overlays', () => {
  const out = join(work, 'prepared');
  const r = strata(['component', 'prepare-sources', 'foo', '--output-dir', out, '-C', proj]);
  assert.equal(r.code, 0, r.stderr);
  const dir = join(out, 'foo');
  assert.deepEqual(readFileSync(join(dir, 'foo-1.0.tar.gz')), TARBALL);
  const s = readFileSync(join(dir, 'foo.spec'), 'utf8');
  assert.match(s, /^Release: 2%\{\?dist\}$/m);
  assert.match(s, /^Vendor: Mine$/m);
  assert.equal(readFileSync(join(dir, 'foo.conf'), 'utf8'), 'color = green\n');
  assert.equal(execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim(), commits[1]);
});

test('render writes the spec and sidecars, never the tarball', () => {
  const r = strata(['component', 'render', 'foo', '-C', proj]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(join(proj, 'specs', 'f', 'foo')).sort(), ['foo.conf', 'foo.spec', 'sources']);
});

test('a lookaside file that does not match its digest is refused, and nothing is left', () => {
  const look = join(work, 'lookaside', 'foo', 'foo-1.0.tar.gz', 'sha512', SHA, 'foo-1.0.tar.gz');
  writeFileSync(look, 'tampered\n');
  const out = join(work, 'prepared-bad');
  const r = strata(['component', 'prepare-sources', 'foo', '--output-dir', out, '-C', proj]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^strata: foo: foo-1\.0\.tar\.gz: .*sha512 checksum mismatch/);
  assert.equal(existsSync(join(out, 'foo')), false);
});

test('without dist-git, update says why the component is unresolved', () => {
  rmSync(join(proj, 'locks'), { recursive: true, force: true });
  rmSync(join(work, 'dist-git'), { recursive: true, force: true });
  const r = strata(['component', 'update', 'foo', '-C', proj]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /foo\s+unresolved\s+foo: git clone file:\/\//);
});
