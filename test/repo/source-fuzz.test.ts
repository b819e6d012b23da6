// Fuzzing the parsers of what mirrors and users hand us besides rpm-md XML: metalink documents and
// mirrorlists (from the network), .repo files, and compressed metadata (decoded by content). Each
// mutated input must parse or fail with one line of RepoFormatError — never another exception.
// FUZZ_ITERATIONS / 10 sets the count (default 2000 per parser, a few seconds).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decompressMetadata } from '../../src/repo/compression.ts';
import { RepoFormatError } from '../../src/repo/model.ts';
import { parseMetalink, parseMirrorlist } from '../../src/repo/source/metalink.ts';
import { parseRepoFile } from '../../src/repo/source/repo-file.ts';
import { FIXTURES } from '../support/fixtures.ts';
import { prng, randInt } from '../support/prng.ts';

// A tenth of the package fuzzer's count: these inputs are small and the space is narrower.
const N = Math.max(100, Math.floor(Number(process.env.FUZZ_ITERATIONS ?? 20000) / 10));

const METALINK = `<?xml version="1.0" encoding="utf-8"?>
<metalink version="3.0" xmlns="http://www.metalinker.org/" xmlns:mm0="http://fedorahosted.org/mirrormanager">
 <files>
  <file name="repomd.xml">
   <mm0:timestamp>1700000000</mm0:timestamp>
   <size>4242</size>
   <verification><hash type="md5">0123456789abcdef0123456789abcdef</hash><hash type="sha256">${'ab'.repeat(32)}</hash></verification>
   <mm0:alternates><mm0:alternate><size>3</size><verification><hash type="sha256">${'0'.repeat(64)}</hash></verification></mm0:alternate></mm0:alternates>
   <resources maxconnections="1">
    <url protocol="https" type="https" location="DE" preference="99">https://a.example/f/repodata/repomd.xml</url>
    <url protocol="http" type="http" location="US" preference="90">http://b.example/f/repodata/repomd.xml</url>
   </resources>
  </file>
 </files>
</metalink>`;

const REPO_FILE = `[main]
gpgcheck=1

[updates-$releasever]
name=Updates $releasever - $basearch
baseurl=https://a.example/$releasever/$basearch/
  https://b.example/\${releasever}/$basearch/
metalink=https://mirrors.example/metalink?repo=updates-f$releasever&arch=$basearch
enabled=1
repo_gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/KEY-$releasever
priority=10
metadata_expire=6h
excludepkgs=kernel*, foo
`;

const SNIPPETS = ['<', '>', '&', '"', '\0', '\n', '[', ']', '=', '$', '${', '}', '<url>', '</file>', '<size>-1</size>', '<hash type="sha-256">zz</hash>', 'preference="x"', 'metadata_expire=never', 'priority=-5', '\uFFFD', '..', '://'];

function mutate(r: () => number, s: string): string {
  let out = s;
  const n = 1 + randInt(r, 4);
  for (let k = 0; k < n; k++) {
    const at = randInt(r, out.length + 1);
    switch (randInt(r, 4)) {
      case 0:
        out = out.slice(0, at); // truncate
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at + 1 + randInt(r, 20)); // cut
        break;
      case 2:
        out = out.slice(0, at) + SNIPPETS[randInt(r, SNIPPETS.length)] + out.slice(at); // splice
        break;
      default:
        out = out.slice(0, at) + String.fromCharCode(randInt(r, 0x80)) + out.slice(at + 1); // flip
    }
  }
  return out;
}

function expectCleanFailure(e: unknown, what: string, input: string): void {
  if (!(e instanceof RepoFormatError)) assert.fail(`${what}: ${String(e)} for input ${JSON.stringify(input.slice(0, 200))}`);
  assert.equal(e.message.includes('\n'), false, `${what}: multi-line error: ${e.message}`);
}

test('metalink and mirrorlist parsers survive mutated documents', () => {
  const r = prng(31);
  for (let i = 0; i < N; i++) {
    const doc = mutate(r, METALINK);
    try {
      const m = parseMetalink(doc, 'metalink');
      for (const u of m.urls) assert.equal(typeof u.url, 'string');
    } catch (e) {
      expectCleanFailure(e, 'metalink', doc);
    }
    const list = mutate(r, 'https://a.example/$releasever/\n# comment\nhttp://b.example/x/\n');
    try {
      for (const u of parseMirrorlist(list, { releasever: '41' })) assert.equal(typeof u, 'string');
    } catch (e) {
      expectCleanFailure(e, 'mirrorlist', list);
    }
  }
});

test('.repo file parser survives mutated files', () => {
  const r = prng(37);
  for (let i = 0; i < N; i++) {
    const text = mutate(r, REPO_FILE);
    try {
      for (const c of parseRepoFile(text, 'fuzz.repo', { vars: { releasever: '41', basearch: 'x86_64' } })) assert.equal(typeof c.id, 'string');
    } catch (e) {
      expectCleanFailure(e, '.repo', text);
    }
  }
});

test('metadata decompression refuses corrupt gz/zstd/xz/bz2 data in one line', async () => {
  const dir = join(FIXTURES, 'createrepo_c', 'compressed_files');
  const inputs = ['01_plain.txt.gz', '01_plain.txt.zst', '01_plain.txt.xz', '01_plain.txt.bz2'].map((f) => readFileSync(join(dir, f)));
  const r = prng(41);
  // External decoders (xz, bzip2) are processes: fewer rounds keep this quick.
  for (let i = 0; i < Math.min(N, 400); i++) {
    const data = Buffer.from(inputs[i % inputs.length]);
    const at = 6 + randInt(r, Math.max(1, data.length - 6)); // keep the magic so the decoder runs
    if (r() < 0.5) data[at % data.length] ^= 1 << randInt(r, 8);
    const input = r() < 0.3 ? data.subarray(0, at) : data;
    try {
      await decompressMetadata(input, 'fuzz', 1 << 20);
    } catch (e) {
      expectCleanFailure(e, 'decompress', input.toString('hex').slice(0, 64));
    }
  }
});
