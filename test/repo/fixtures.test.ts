// createrepo_c's own test data read the way users would meet it: compressed files recognised by
// content whatever their name, and the fixture repositories opened and verified by `strata repo query`.

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decompressMetadata, detectCompression } from '../../src/repo/compression.ts';
import { RepoFormatError } from '../../src/repo/model.ts';
import { publishRepository } from '../../src/repo/publish/index.ts';
import { strata } from '../support/cli.ts';
import { FIXTURES, workDir } from '../support/fixtures.ts';

const CR = join(FIXTURES, 'createrepo_c');

describe('createrepo_c compressed_files', () => {
  const dir = join(CR, 'compressed_files');
  const files = readdirSync(dir).filter((f) => !f.endsWith('_plain.txt'));
  for (const f of files) {
    test(f, async () => {
      const plain = readFileSync(join(dir, `${f.slice(0, 2)}_plain.txt`));
      const data = readFileSync(join(dir, f));
      if (detectCompression(data) === 'zck') {
        // zchunk is recognised (also under a foreign name) and refused in one line: readers use the plain record.
        await assert.rejects(decompressMetadata(data, f), (e: Error) => e instanceof RepoFormatError && /^[^\n]*zchunk[^\n]*$/.test(e.message));
        return;
      }
      assert.deepEqual(Buffer.from(await decompressMetadata(data, f)), plain);
    });
  }
});

// The fixtures are unsigned, so reading them takes --nogpgcheck (checksums are still verified).
describe('createrepo_c fixture repositories through strata repo query', () => {
  const env = { STRATA_CACHE_DIR: workDir('repo-fixtures-cache') };
  const query = (repo: string, ...args: string[]) => strata(['repo', 'query', '--nogpgcheck', '--repo', join(CR, repo), ...args], { env });

  test('repo_00 (empty), repo_02 and repo_with_additional_metadata (zck, sqlite, modules, comps, updateinfo records)', () => {
    const empty = query('repo_00');
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(empty.stdout, '');
    const two = query('repo_02');
    assert.equal(two.code, 0, two.stderr);
    assert.deepEqual(two.stdout.trim().split('\n'), ['fake_bash-0:1.1.1-1.x86_64', 'super_kernel-0:6.0.1-2.x86_64']);
    const rich = query('repo_with_additional_metadata', '-o', 'json', '--whatprovides', 'fontconfig(x86-64)');
    assert.equal(rich.code, 0, rich.stderr);
    const pkgs = JSON.parse(rich.stdout) as Array<{ nevra: string; checksum: { type: string } }>;
    assert.deepEqual(pkgs.map((p) => p.nevra), ['fontconfig-0:2.8.0-5.el6.x86_64']);
    const files = query('repo_with_additional_metadata', '--file', '/etc/fonts/conf.avail');
    assert.equal(files.stdout.trim(), 'fontconfig-0:2.8.0-5.el6.x86_64');
  });

  test('repo_01 is refused as dnf refuses it: its primary.xml.gz does not match repomd.xml', () => {
    // Upstream re-compressed that file after writing repomd.xml; dnf reports "checksum doesn't match".
    const r = query('repo_01');
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /primary\.xml\.gz: (larger than the expected|sha256 checksum mismatch)/);
  });
});

test('--whatprovides sees only packages installable on the system arch (--forcearch), as dnf does', async () => {
  const dir = workDir('repo-arch');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of ['hello-1.0-1.ppc64.rpm', 'hello-2.0-1.i686.rpm', 'hello-2.0-1.x86_64.rpm']) copyFileSync(join(FIXTURES, 'rpm', 'RPMS', f), join(dir, f));
  copyFileSync(join(FIXTURES, 'rpm', 'SRPMS', 'hello-1.0-1.src.rpm'), join(dir, 'hello-1.0-1.src.rpm'));
  await publishRepository(dir);
  const q = (arch: string): string[] =>
    strata(['repo', 'query', '--nogpgcheck', '--repo', dir, '--whatprovides', 'hello', '--forcearch', arch], { env: { STRATA_CACHE_DIR: join(dir, 'cache') } })
      .stdout.trim()
      .split('\n');
  assert.deepEqual(q('x86_64'), ['hello-0:2.0-1.i686', 'hello-0:2.0-1.x86_64']);
  assert.deepEqual(q('ppc64'), ['hello-0:1.0-1.ppc64']);
  assert.deepEqual(q('i686'), ['hello-0:2.0-1.i686']);
  rmSync(dir, { recursive: true, force: true });
});
