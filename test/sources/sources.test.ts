import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  cloneDistGit,
  distGitUrl,
  fetchLookasideSources,
  lookasideUrl,
  mergeSourcesEntries,
  parseSourcesFile,
} from '../../src/sources/index.ts';
import { startServer } from '../support/http-server.ts';
import { workDir } from '../support/fixtures.ts';

const work = workDir('sources');
after(() => rmSync(work, { recursive: true, force: true }));

const FEDORA_LOOKASIDE = 'https://src.fedoraproject.org/repo/pkgs/$pkg/$filename/$hashtype/$hash/$filename';

test('sources file: modern and legacy lines, comments kept, errors name the line', () => {
  const text = '# upstream\nSHA512 (curl-8.1.tar.xz) = ABCdef01\n\n7b74551e63f8ee6aab6fbc86676c0d37  zip30.tar.gz\n';
  const lines = parseSourcesFile(text);
  assert.deepEqual(
    lines.map((l) => l.entry),
    [undefined, { filename: 'curl-8.1.tar.xz', hashType: 'SHA512', hash: 'ABCdef01' }, undefined, { filename: 'zip30.tar.gz', hashType: 'MD5', hash: '7b74551e63f8ee6aab6fbc86676c0d37' }],
  );
  assert.equal(mergeSourcesEntries(lines, []), text);
  assert.equal(
    mergeSourcesEntries(lines, [
      { filename: 'zip30.tar.gz', hashType: 'SHA256', hash: '00' },
      { filename: 'new.tar', hashType: 'SHA512', hash: '11' },
    ]),
    '# upstream\nSHA512 (curl-8.1.tar.xz) = ABCdef01\n\nSHA256 (zip30.tar.gz) = 00\nSHA512 (new.tar) = 11\n',
  );
  assert.throws(() => parseSourcesFile('SHA512 (a) = 00\nSHA512 (a) = 11\n', 'x/sources'), /^SourcesFileError: x\/sources:2: duplicate file "a" \(already on line 1\)/);
  assert.throws(() => parseSourcesFile('what is this\n', 'x/sources'), /x\/sources:1: not a/);
  assert.throws(() => parseSourcesFile('SHA512 (../../etc/passwd) = 00\n'), /unsafe file name/);
});

test('lookaside and dist-git URLs are filled like azldev fills them', () => {
  assert.equal(
    lookasideUrl(FEDORA_LOOKASIDE, 'libstdc++', 'a b.tar.gz', 'SHA512', 'ff'),
    'https://src.fedoraproject.org/repo/pkgs/libstdc++/a%20b.tar.gz/sha512/ff/a%20b.tar.gz',
  );
  assert.equal(distGitUrl('https://src.fedoraproject.org/rpms/$pkg.git', 'curl'), 'https://src.fedoraproject.org/rpms/curl.git');
  assert.throws(() => lookasideUrl(FEDORA_LOOKASIDE, '$hash', 'f', 'md5', '00'), /placeholder "\$hash"/);
  assert.throws(() => distGitUrl('rpms/$pkg.git', 'curl'), /not a valid absolute URL/);
});

test('lookaside downloads are verified; a corrupt or failing mirror leaves nothing behind', async () => {
  const root = join(work, 'lookaside');
  const pkgDir = join(root, 'repo', 'pkgs', 'hello');
  const body = Buffer.from('tarball bytes\n');
  const sha = createHash('sha512').update(body).digest('hex');
  mkdirSync(join(pkgDir, 'hello.tar.gz', 'sha512', sha), { recursive: true });
  writeFileSync(join(pkgDir, 'hello.tar.gz', 'sha512', sha, 'hello.tar.gz'), body);
  const server = await startServer(root);
  try {
    const tpl = `${server.url}/repo/pkgs/$pkg/$filename/$hashtype/$hash/$filename`;
    const dest = join(work, 'dest');
    mkdirSync(dest, { recursive: true });
    const entry = { filename: 'hello.tar.gz', hashType: 'SHA512', hash: sha };
    const path = `/repo/pkgs/hello/hello.tar.gz/sha512/${sha}/hello.tar.gz`;

    server.fault(path, { corrupt: true });
    await assert.rejects(fetchLookasideSources(dest, 'hello', tpl, [entry], { retries: 1 }), /hello: hello.tar.gz: .*sha512 checksum mismatch/);
    assert.deepEqual(readdirSync(dest), []);

    server.clearFaults();
    server.fault(path, { status: 503, times: 1 });
    const seen: string[] = [];
    await fetchLookasideSources(dest, 'hello', tpl, [entry], { retries: 2, onFile: (f, a) => seen.push(`${f}:${a}`) });
    assert.deepEqual(readFileSync(join(dest, 'hello.tar.gz')), body);
    await fetchLookasideSources(dest, 'hello', tpl, [entry], { onFile: (f, a) => seen.push(`${f}:${a}`) });
    assert.deepEqual(seen, ['hello.tar.gz:downloaded', 'hello.tar.gz:present']);
  } finally {
    await server.close();
  }
});

test('dist-git clone pins the commit: explicit pin, last before snapshot, branch head', async () => {
  const up = join(work, 'upstream');
  mkdirSync(up, { recursive: true });
  const g = (...a: string[]) => execFileSync('git', ['-C', up, ...a], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } }).trim();
  g('init', '-q', '-b', 'f43');
  const commits: string[] = [];
  for (const [i, date] of ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z'].entries()) {
    writeFileSync(join(up, 'hello.spec'), `Version: ${i}\n`);
    g('add', '.');
    execFileSync('git', ['-C', up, 'commit', '-q', '-m', `v${i}`], { env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
    commits.push(g('rev-parse', 'HEAD'));
  }
  const url = `file://${up}`;
  const at = async (name: string, q: Parameters<typeof cloneDistGit>[2]) => {
    const dest = join(work, 'clones', name);
    const c = await cloneDistGit(url, dest, q, 'hello');
    return { c, spec: readFileSync(join(dest, 'hello.spec'), 'utf8') };
  };
  assert.deepEqual(await at('pin', { pin: commits[0].slice(0, 10) }), { c: commits[0], spec: 'Version: 0\n' });
  assert.deepEqual(await at('snap', { branch: 'f43', snapshot: '2026-02-15T00:00:00Z' }), { c: commits[1], spec: 'Version: 1\n' });
  assert.deepEqual(await at('head', { branch: 'f43' }), { c: commits[2], spec: 'Version: 2\n' });
  await assert.rejects(at('bad', { pin: 'deadbeefdeadbeef' }), /^DistGitError: hello: commit deadbeefdeadbeef/);
  await assert.rejects(at('early', { branch: 'f43', snapshot: '2025-01-01T00:00:00Z' }), /no commit on origin\/f43 before the snapshot/);
  assert.equal(existsSync(join(work, 'clones', 'bad')), false);
});

test('diffTrees reports added, removed, modified and binary files with unified diffs', async () => {
  const { diffTrees } = await import('../../src/sources/index.ts');
  const a = join(work, 'diff-a');
  const b = join(work, 'diff-b');
  for (const d of [a, b]) mkdirSync(join(d, 'sub'), { recursive: true });
  writeFileSync(join(a, 'x.spec'), 'Name: x\nVersion: 1\n');
  writeFileSync(join(b, 'x.spec'), 'Name: x\nVersion: 2\n');
  writeFileSync(join(a, 'same'), 'same\n');
  writeFileSync(join(b, 'same'), 'same\n');
  writeFileSync(join(a, 'sub', 'gone.patch'), 'old\n');
  writeFileSync(join(b, 'new.conf'), 'new\n');
  writeFileSync(join(b, 'blob'), Buffer.from([0, 1, 2]));
  const d = await diffTrees(a, b);
  assert.deepEqual(d.map((f) => [f.path, f.status, f.binary]), [
    ['blob', 'added', true],
    ['new.conf', 'added', false],
    ['sub/gone.patch', 'removed', false],
    ['x.spec', 'modified', false],
  ]);
  assert.match(d[3].diff, /^--- a\/x.spec\n\+\+\+ b\/x.spec\n@@ -1,2 \+1,2 @@\n Name: x\n-Version: 1\n\+Version: 2\n$/);
  assert.match(d[1].diff, /\+new/);
});
