// Fuzzing of the rpm-md XML readers: createrepo_c fixture documents are truncated, cut, spliced
// and salted with XML-significant snippets, then fed to the reader for their kind (whole, in random
// chunks, or as bytes). Each must return a result or throw a one-line RepoFormatError naming the
// file — never a saxes error, a TypeError or a hang. Parsed updateinfo and repomd must also
// survive write → parse unchanged. FUZZ_ITERATIONS sets the count (default 3000, a few seconds).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { parseComps } from '../../src/repo/comps.ts';
import { RepoFormatError, type RepoPackage } from '../../src/repo/model.ts';
import { parseRepomd, writeRepomd } from '../../src/repo/repomd.ts';
import { parseUpdateinfo, writeUpdateinfo } from '../../src/repo/updateinfo.ts';
import { createPrimaryReader, mergeFilelists, mergeOther, parsePrimary } from '../../src/repo/xml-read/index.ts';
import { FIXTURES } from '../support/fixtures.ts';
import { prng, randInt } from '../support/prng.ts';

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const CR = join(FIXTURES, 'createrepo_c');

function repoFile(repo: string, kind: string): string {
  const dir = join(CR, repo, 'repodata');
  const f = readdirSync(dir).find((n) => n.endsWith(`-${kind}.xml.gz`));
  assert.ok(f, `${repo} ${kind}`);
  return gunzipSync(readFileSync(join(dir, f))).toString('utf8');
}

type Kind = 'primary' | 'primary-chunked' | 'primary-bytes' | 'filelists' | 'other' | 'repomd' | 'updateinfo' | 'comps';

const REPOS = ['repo_01', 'repo_02', 'repo_with_additional_metadata'];
const primaries = new Map(REPOS.map((r) => [r, repoFile(r, 'primary')]));
const SEEDS: Array<{ kind: Kind; text: string; repo?: string }> = [
  ...REPOS.flatMap((repo) => [
    { kind: 'primary' as const, text: primaries.get(repo)!, repo },
    { kind: 'primary-chunked' as const, text: primaries.get(repo)!, repo },
    { kind: 'primary-bytes' as const, text: primaries.get(repo)!, repo },
    { kind: 'filelists' as const, text: repoFile(repo, 'filelists'), repo },
    { kind: 'other' as const, text: repoFile(repo, 'other'), repo },
  ]),
  ...['repo_00', 'repo_01', 'repo_with_additional_metadata'].map((r) => ({
    kind: 'repomd' as const,
    text: readFileSync(join(CR, r, 'repodata', 'repomd.xml'), 'utf8'),
  })),
  ...['updateinfo_01.xml', 'updateinfo_03.xml'].map((f) => ({
    kind: 'updateinfo' as const,
    text: readFileSync(join(CR, 'updateinfo_files', f), 'utf8'),
  })),
  { kind: 'comps', text: readFileSync(join(CR, 'comps_files', 'comps_00.xml'), 'utf8') },
];

const SNIPPETS = [
  '<', '>', '&', '"', "'", '/>', '</', '&amp;', '&#0;', '&#x110000;', '&#65;', '&bogus;', ']]>', '<![CDATA[x]]>',
  '<!-- c -->', '<?pi x?>', '<!DOCTYPE x [<!ENTITY e "v">]>', '\u0000', '\ufffe', '\ud800', '😀', 'é', '\r\n',
  '<package>', '</package>', '<package type="rpm"><name>n</name></package>', '<rpm:entry name="x" flags="ZZ"/>',
  '<rpm:entry/>', '<file type="bogus">/x</file>', '<version epoch="0" ver="1"/>', ' epoch="-1"', ' date="x"',
  ' pkgid="zz"', ' href="../x"', ' href="/abs"', ' xml:base="http://h/"', '<checksum type="md5">00</checksum>',
  '<size>-1</size>', '<timestamp>1.5</timestamp>', '<data type="primary">', '<update type="nope">', '<id></id>',
  '<sum type="sha256">zz</sum>', '<module name="m" stream="s" version="v"/>', '<packagereq type="x">p</packagereq>',
  '<default>maybe</default>', '<display_order>x</display_order>', 'xmlns:rpm="urn:x"', '99999999999999999999',
  '<__proto__>x</__proto__>', '<constructor/>', ' constructor="x"',
];

function mutate(src: string, r: () => number): string {
  const pos = (): number => randInt(r, src.length + 1);
  switch (randInt(r, 7)) {
    case 0:
      return src.slice(0, pos());
    case 1: {
      const p = pos();
      return src.slice(0, p) + src.slice(p + 1 + randInt(r, 64));
    }
    case 2: {
      const p = pos();
      return src.slice(0, p) + SNIPPETS[randInt(r, SNIPPETS.length)] + src.slice(p);
    }
    case 3: {
      // Duplicate a slice elsewhere (repeats elements, attributes, half-tags).
      const a = pos();
      const piece = src.slice(a, a + 1 + randInt(r, 200));
      const p = pos();
      return src.slice(0, p) + piece + src.slice(p);
    }
    case 4: {
      const p = pos();
      return src.slice(0, p) + String.fromCharCode(randInt(r, 128)) + src.slice(p + 1);
    }
    case 5: {
      // Corrupt a number or a quoted value.
      const m = [...src.matchAll(/"[^"]*"|\d+/g)];
      if (m.length === 0) return src;
      const hit = m[randInt(r, m.length)];
      const repl = ['""', '"-1"', '"x"', '1e9', '-5', '"EQ"', '"dir"', '"1"'][randInt(r, 8)];
      return src.slice(0, hit.index) + repl + src.slice(hit.index + hit[0].length);
    }
    default: {
      let s = src;
      for (let i = 0; i < 3; i++) s = mutate(s, r);
      return s;
    }
  }
}

function run(kind: Kind, text: string, repo: string | undefined, r: () => number): void {
  switch (kind) {
    case 'primary':
      parsePrimary(text, 'primary.xml');
      return;
    case 'primary-chunked': {
      const got: RepoPackage[] = [];
      const rd = createPrimaryReader((p) => got.push(p), 'primary.xml');
      for (let i = 0; i < text.length; ) {
        const n = 1 + randInt(r, 100);
        rd.write(text.slice(i, i + n));
        i += n;
      }
      rd.close();
      return;
    }
    case 'primary-bytes': {
      const b = Buffer.from(text);
      if (b.length > 0 && r() < 0.5) b[randInt(r, b.length)] = 0x80 + randInt(r, 128); // maybe invalid UTF-8
      parsePrimary(b, 'primary.xml');
      return;
    }
    case 'filelists':
      mergeFilelists(parsePrimary(primaries.get(repo!)!), text, 'filelists.xml');
      return;
    case 'other':
      mergeOther(parsePrimary(primaries.get(repo!)!), text, 'other.xml', { partial: r() < 0.5 });
      return;
    case 'repomd': {
      const md = parseRepomd(text, 'repomd.xml');
      assert.deepEqual(parseRepomd(writeRepomd(md), 'repomd.xml'), md);
      return;
    }
    case 'updateinfo': {
      const ui = parseUpdateinfo(text, 'updateinfo.xml');
      let w: string;
      try {
        w = writeUpdateinfo(ui);
      } catch (e) {
        // Only a character XML cannot carry may stop the writer.
        if (e instanceof RepoFormatError && /cannot be written to XML/.test(e.message)) return;
        throw e;
      }
      assert.deepEqual(parseUpdateinfo(w, 'updateinfo.xml'), ui);
      return;
    }
    case 'comps':
      parseComps(text, 'comps.xml');
      return;
  }
}

test(`rpm-md readers on ${ITERATIONS} mutated documents (seed ${SEED}): result or RepoFormatError only`, () => {
  const r = prng(SEED);
  const counts = { ok: 0, rejected: 0 };
  const started = performance.now();
  for (let i = 0; i < ITERATIONS; i++) {
    const s = SEEDS[i % SEEDS.length];
    const text = mutate(s.text, r);
    try {
      run(s.kind, text, s.repo, r);
      counts.ok++;
    } catch (e) {
      if (!(e instanceof RepoFormatError)) {
        assert.fail(`iteration ${i} (${s.kind}, seed ${SEED}): ${(e as Error)?.stack ?? String(e)}\ninput: ${JSON.stringify(text.slice(0, 2000))}`);
      }
      assert.doesNotMatch(e.message, /\n/, `iteration ${i}: multi-line message`);
      assert.match(e.message, /^(primary|filelists|other|repomd|updateinfo|comps)\.xml: \S/, `iteration ${i}: ${e.message}`);
      counts.rejected++;
    }
  }
  assert.ok(counts.ok > 0 && counts.rejected > 0, JSON.stringify(counts));
  assert.ok(performance.now() - started < 60_000);
});
