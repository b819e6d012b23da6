// Per-file overlay documents (`NNNN-*.overlay.toml`): one [metadata] stamped onto every overlay,
// at least one [[overlays]], no per-overlay metadata, unknown keys rejected, `source` relative to
// the document; overlay-files ordering (per pattern, by file name, de-duplicated).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadOverlayDocuments, OverlayError, parseOverlayDocument } from '../../src/overlay/index.ts';
import { scratch } from './helpers.ts';

const DOC = `# Backport of a Fedora fix
[metadata]
category = "upstream-backport"
upstream-status = "upstreamed"
commits = [{ url = "https://src.fedoraproject.org/rpms/curl/c/abc123" }]
bugs = [{ url = "https://bugzilla.redhat.com/1" }]

[[overlays]]
description = "Add the fix"
type = "patch-add"
source = "patches/fix.patch"

[[overlays]]
type = "spec-search-replace"
section = "%build"
regex = "--disable-foo"
replacement = "--enable-foo"
`;

test('a document: metadata stamped on each overlay, origins with lines, source made absolute', () => {
  const { metadata, overlays } = parseOverlayDocument(DOC, '/proj/comps/curl/overlays/0001-fix.overlay.toml');
  assert.deepEqual(metadata, {
    category: 'upstream-backport',
    upstreamStatus: 'upstreamed',
    commits: [{ url: 'https://src.fedoraproject.org/rpms/curl/c/abc123' }],
    bugs: [{ url: 'https://bugzilla.redhat.com/1' }],
  });
  assert.equal(overlays.length, 2);
  assert.equal(overlays[0].source, '/proj/comps/curl/overlays/patches/fix.patch');
  assert.deepEqual(overlays[0].origin, { file: '/proj/comps/curl/overlays/0001-fix.overlay.toml', line: 8, index: 0 });
  assert.deepEqual(overlays[1].origin, { file: '/proj/comps/curl/overlays/0001-fix.overlay.toml', line: 13, index: 1 });
  assert.deepEqual(overlays[1].metadata, metadata);
  assert.notEqual(overlays[1].metadata, overlays[0].metadata, 'each overlay gets its own copy');
});

test('document rules, each failing with file (and line when known)', () => {
  const f = '/p/0002-x.overlay.toml';
  const bad = (text: string, re: RegExp) => assert.throws(() => parseOverlayDocument(text, f), (e: unknown) => e instanceof OverlayError && re.test(e.message), re.source);
  const meta = '[metadata]\ncategory = "azl-pruning"\nupstream-status = "inapplicable"\n';
  const one = '[[overlays]]\ntype = "spec-remove-section"\nsection = "%check"\n';
  parseOverlayDocument(meta + one, f);
  bad(one, /^\/p\/0002-x\.overlay\.toml: overlay file needs a \[metadata\] block$/);
  bad(meta, /overlay file declares no \[\[overlays\]\]/);
  bad(`overlays = []\n${meta}`, /declares no \[\[overlays\]\]/);
  bad(`${meta}${one}metadata = { category = "azl-pruning", upstream-status = "unknown" }\n`, /:4: per-overlay metadata is not allowed/);
  bad(`${meta}${one}colour = "red"\n`, /:4: overlays: unknown field "colour"/);
  bad(`extra = 1\n${meta}${one}`, /^\/p\/0002-x\.overlay\.toml: unknown field "extra"$/);
  bad(`[metadata]\ncategory = "azl-pruning"\nupstream-status = "inapplicable"\nowner = "me"\n${one}`, /:1: metadata: unknown field "owner"/);
  bad(`[metadata]\ncategory = "azl-pruning"\n${one}`, /:1: invalid \[metadata\]: "metadata" requires "upstream-status"/);
  bad(`[metadata]\ncategory = "upstream-backport"\nupstream-status = "upstreamed"\n${one}`, /requires at least one entry in "commits"/);
  bad(`${meta}[[overlays]]\ntype = "spec-add-tag"\ntag = "X"\n`, /:4: overlay #1 \(no description\): overlay type "spec-add-tag" requires "value" field/);
  bad(`${meta}[[overlays]]\ntype = "file-remove"\nfile = 3\n`, /overlays\.file must be a string/);
  bad(`${meta}[[overlays]\n`, /^\/p\/0002-x\.overlay\.toml:4: invalid TOML/);
});

test('loadOverlayDocuments: patterns in order, matches by file name, each document once; literal paths must exist', async () => {
  const root = scratch('overlay-docs');
  rmSync(root, { recursive: true, force: true });
  const meta = '[metadata]\ncategory = "azl-pruning"\nupstream-status = "inapplicable"\n';
  const doc = (desc: string) => `${meta}[[overlays]]\ndescription = "${desc}"\ntype = "spec-remove-section"\nsection = "%check"\n`;
  const files: Record<string, string> = {
    'overlays/0002-b.overlay.toml': doc('b'),
    'overlays/0001-a.overlay.toml': doc('a'),
    'overlays/sub/0000-z.overlay.toml': doc('z'),
    'extra/0003-c.overlay.toml': doc('c'),
  };
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), c);
  }
  const descs = async (patterns: string[]) => (await loadOverlayDocuments(patterns, root)).map((o) => o.description);
  assert.deepEqual(await descs(['overlays/*.overlay.toml']), ['a', 'b']);
  assert.deepEqual(await descs(['overlays/**/*.overlay.toml']), ['z', 'a', 'b']);
  assert.deepEqual(await descs(['extra/*.toml', 'overlays/*.overlay.toml', 'overlays/0001-a.overlay.toml']), ['c', 'a', 'b']);
  assert.deepEqual(await descs(['missing/*.overlay.toml']), []);
  await assert.rejects(loadOverlayDocuments(['overlays/0009-missing.overlay.toml'], root), /overlay-files pattern "overlays\/0009-missing\.overlay\.toml" matched no files/);
  assert.deepEqual(await descs([join(root, 'extra/*.toml')]), ['c']);
});
