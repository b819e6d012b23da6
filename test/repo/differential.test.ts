// Differential test: the metadata `strata repo publish` writes (publishRepository) against
// Debian's createrepo_c 0.17.3, record by record, on (a) every fixture package, (b) the 233-package
// rpmbuild corpus (test/support/corpus.ts) and (c) the generated packRpm corpus
// (test/support/repo-corpus.ts). All packages go into one directory tree; createrepo_c indexes it,
// our code renders the same files, both outputs are parsed into trees and compared per pkgid.
// createrepo_c 0.17 predates marking Requires(pretrans/posttrans) pre="1" (1.1.1), so our side runs
// with transPre: false here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { DepFlag, SENSE_MASK, describePackage, readRpmFileHeaders } from '../../src/rpm/index.ts';
import { isPrimaryFile } from '../../src/repo/model.ts';
import { decompressMetadata } from '../../src/repo/compression.ts';
import { publishRepository } from '../../src/repo/publish/index.ts';
import { CORPUS_DIR, buildCorpus } from '../support/corpus.ts';
import { fixturePackages, workDir } from '../support/fixtures.ts';
import { buildRepoCorpus } from '../support/repo-corpus.ts';
import { needTools } from '../support/tools.ts';
import { type XmlElement, diffXml, parseXml } from '../support/xmltree.ts';

const run = promisify(execFile);
const KINDS = ['primary', 'filelists', 'other'] as const;
type Kind = (typeof KINDS)[number];
type Rendered = Record<Kind, string>;

/**
 * Publishes `repo` with `strata repo publish` (publishRepository, gzip like createrepo_c 0.17) and
 * returns the three files it wrote, then removes its repodata so createrepo_c starts clean.
 */
async function renderWithOurCode(repo: string): Promise<Rendered> {
  const r = await publishRepository(repo, { compression: 'gz', transPre: false });
  const read = async (k: Kind): Promise<string> => {
    const rec = r.records.find((x) => x.type === k);
    assert.ok(rec, `no ${k} record`);
    const data = await fs.readFile(path.join(repo, rec.location));
    return Buffer.from(await decompressMetadata(data, rec.location)).toString('utf8');
  };
  const out = { primary: await read('primary'), filelists: await read('filelists'), other: await read('other') };
  await fs.rm(path.join(repo, 'repodata'), { recursive: true });
  return out;
}

async function runCreaterepo(repo: string): Promise<Rendered> {
  // LC_ALL=C: rpm picks I18N strings (summary, description, group) by locale.
  await run('createrepo_c', ['--no-database', '--simple-md-filenames', repo], { env: { ...process.env, LC_ALL: 'C', LANGUAGE: '' }, maxBuffer: 1 << 26 });
  const read = async (k: Kind): Promise<string> => gunzipSync(await fs.readFile(path.join(repo, 'repodata', `${k}.xml.gz`))).toString('utf8');
  return { primary: await read('primary'), filelists: await read('filelists'), other: await read('other') };
}

/** Package elements by pkgid (primary: the checksum text; filelists/other: the attribute). */
function byPkgid(root: XmlElement, kind: Kind): Map<string, XmlElement> {
  const m = new Map<string, XmlElement>();
  for (const p of root.children) {
    const id = kind === 'primary' ? p.children.find((c) => c.name === 'checksum')?.text : p.attrs.pkgid;
    if (!id) throw new Error(`${kind}: package without pkgid`);
    if (m.has(id)) throw new Error(`${kind}: duplicate pkgid ${id}`);
    m.set(id, p);
  }
  return m;
}

/** Per-package text chunks of a createrepo_c-style document (each starts a line with "<package"). */
function chunks(doc: string, kind: Kind): { head: string; tail: string; byId: Map<string, string> } {
  const starts = [...doc.matchAll(/^<package[ >]/gm)].map((m) => m.index);
  const end = doc.lastIndexOf('</package>\n') + '</package>\n'.length;
  const byId = new Map<string, string>();
  starts.forEach((s, i) => {
    const text = doc.slice(s, starts[i + 1] ?? end);
    const id = kind === 'primary' ? /pkgid="YES">([0-9a-f]+)</.exec(text)?.[1] : /pkgid="([0-9a-f]+)"/.exec(text)?.[1];
    byId.set(id ?? `?${i}`, text);
  });
  return { head: doc.slice(0, starts[0] ?? end), tail: doc.slice(end), byId };
}

interface Corpus {
  repo: string;
  /** Relative package paths, by group. */
  groups: Record<string, string[]>;
  all: string[];
}

/** Hard links (or copies) every package into one tree under test/.work; names must end in .rpm. */
async function stage(): Promise<Corpus> {
  const repo = path.join(workDir('repo-differential'), 'repo');
  await fs.rm(repo, { recursive: true, force: true });
  const sources: Record<string, Array<[string, string]>> = {
    fixtures: fixturePackages().map((f) => [f, path.join(path.basename(path.dirname(f)), path.basename(f))]),
    rpmbuild: (await buildCorpus()).map((f) => [f, path.relative(CORPUS_DIR, f)]),
    generated: (await buildRepoCorpus()).map((f) => [f, path.basename(f)]),
  };
  const groups: Record<string, string[]> = {};
  for (const [g, list] of Object.entries(sources)) {
    groups[g] = [];
    for (const [src, rel0] of list) {
      // createrepo_c only picks up *.rpm (the fixture hello-1.0-1.x86_64.rpm-v3 gets a new suffix).
      const rel = path.join(g, rel0.endsWith('.rpm') ? rel0 : `${rel0.replace(/\.rpm-/, '-')}.rpm`);
      const dst = path.join(repo, rel);
      await fs.mkdir(path.dirname(dst), { recursive: true });
      await fs.link(src, dst).catch(() => fs.copyFile(src, dst));
      groups[g].push(rel);
    }
  }
  return { repo, groups, all: Object.values(groups).flat().sort() };
}

/** How often the corpus hits each createrepo_c rule (so a passing comparison means something). */
async function ruleCoverage(repo: string, files: string[]): Promise<Record<string, number>> {
  const c: Record<string, number> = {
    'rpmlib() requires': 0, 'requires met by own provides': 0, 'requires on own primary files': 0,
    'requires on own other files': 0, 'qualifier-only duplicate requires': 0, 'several libc.so.6 requires': 0,
    'more than 10 changelog entries': 0, 'equal changelog times': 0, 'pretrans/posttrans requires': 0,
    'non-UTF-8 strings': 0, 'v3 headers': 0, 'source packages': 0, 'ghost files': 0, 'directories': 0,
  };
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  for (const f of files) {
    const h = await readRpmFileHeaders(path.join(repo, f));
    const p = describePackage(h.header, h.signature);
    const key = (d: { name: string; flags: number; version: string }): string => `${d.name}\0${d.flags & SENSE_MASK}\0${d.version}`;
    const provided = new Set(p.deps.provides.map(key));
    const paths = new Set(p.files.map((x) => x.path));
    const seen = new Map<string, number>();
    for (const d of p.deps.requires) {
      if (d.name.startsWith('rpmlib(')) c['rpmlib() requires']++;
      else if (provided.has(key(d))) c['requires met by own provides']++;
      if (paths.has(d.name)) c[isPrimaryFile(d.name) ? 'requires on own primary files' : 'requires on own other files']++;
      const prev = seen.get(key(d));
      if (prev !== undefined && prev !== d.flags) c['qualifier-only duplicate requires']++;
      seen.set(key(d), d.flags);
      if (d.flags & (DepFlag.PRETRANS | DepFlag.POSTTRANS)) c['pretrans/posttrans requires']++;
    }
    if (p.deps.requires.filter((d) => d.name.startsWith('libc.so.6')).length > 1) c['several libc.so.6 requires']++;
    if (p.changelog.length > 10) c['more than 10 changelog entries']++;
    if (new Set(p.changelog.map((e) => e.time)).size < p.changelog.length) c['equal changelog times']++;
    try {
      for (const s of [h.header.raw(1004), h.header.raw(1005), h.header.raw(1081)]) if (s) utf8.decode(s);
    } catch {
      c['non-UTF-8 strings']++;
    }
    if (h.header.regionTag === 0) c['v3 headers']++;
    if (p.isSource) c['source packages']++;
    c['ghost files'] += p.files.filter((x) => x.flags & 64).length;
    c['directories'] += p.files.filter((x) => (x.mode & 0o170000) === 0o040000).length;
  }
  return c;
}

test('rpm-md records match createrepo_c 0.17.3 record by record', async (t) => {
  if (!needTools(t, 'createrepo_c', 'rpmbuild')) return;
  const corpus = await stage();
  const total = corpus.all.length;
  t.diagnostic(`packages: ${Object.entries(corpus.groups).map(([g, l]) => `${g} ${l.length}`).join(', ')} (total ${total})`);
  assert.ok(total >= 1000, `only ${total} packages`);

  const ours = await renderWithOurCode(corpus.repo);
  const theirs = await runCreaterepo(corpus.repo);
  const trees = Object.fromEntries(KINDS.map((k) => [k, { ours: parseXml(ours[k], `our ${k}`), theirs: parseXml(theirs[k], `createrepo_c ${k}`) }])) as Record<Kind, { ours: XmlElement; theirs: XmlElement }>;
  const ourPrimary = byPkgid(trees.primary.ours, 'primary');
  const nameOf = (id: string): string => {
    const p = ourPrimary.get(id);
    const loc = p?.children.find((c) => c.name === 'location')?.attrs.href;
    return `${p?.children.find((c) => c.name === 'name')?.text ?? '?'} [${loc ?? id}]`;
  };

  await t.test('createrepo_c indexed every package', () => {
    const theirIds = byPkgid(trees.primary.theirs, 'primary');
    const missing = [...ourPrimary.keys()].filter((id) => !theirIds.has(id)).map(nameOf);
    const extra = [...theirIds.keys()].filter((id) => !ourPrimary.has(id));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
    assert.equal(ourPrimary.size, total);
  });

  for (const kind of KINDS) {
    await t.test(`${kind}.xml: every element and attribute equal`, () => {
      const { ours: o, theirs: th } = trees[kind];
      const diffs = diffXml({ ...o, children: [] }, { ...th, children: [] }).map((d) => `document ${d}`);
      const a = byPkgid(o, kind);
      const b = byPkgid(th, kind);
      for (const [id, el] of a) {
        const other = b.get(id);
        if (!other) diffs.push(`${nameOf(id)}: missing from createrepo_c's ${kind}`);
        else for (const d of diffXml(el, other)) diffs.push(`${nameOf(id)} ${kind} ${d}`);
      }
      for (const id of b.keys()) if (!a.has(id)) diffs.push(`${id}: only in createrepo_c's ${kind}`);
      assert.equal(diffs.length, 0, `${diffs.length} differences:\n${diffs.slice(0, 60).join('\n')}`);
    });
  }

  await t.test('byte for byte: document head, every package, footer', () => {
    const diffs: string[] = [];
    for (const kind of KINDS) {
      const a = chunks(ours[kind], kind);
      const b = chunks(theirs[kind], kind);
      if (a.head !== b.head) diffs.push(`${kind} head: ours ${JSON.stringify(a.head)} theirs ${JSON.stringify(b.head)}`);
      if (a.tail !== b.tail) diffs.push(`${kind} footer: ours ${JSON.stringify(a.tail)} theirs ${JSON.stringify(b.tail)}`);
      for (const [id, text] of a.byId) if (b.byId.get(id) !== text) diffs.push(`${nameOf(id)} ${kind}: text differs`);
    }
    assert.equal(diffs.length, 0, diffs.slice(0, 40).join('\n'));
  });

  await t.test('the packages exercise every createrepo_c rule compared here', async (st) => {
    const cov = await ruleCoverage(corpus.repo, corpus.all);
    st.diagnostic(Object.entries(cov).map(([k, v]) => `${k}: ${v}`).join('; '));
    const unhit = Object.entries(cov).filter(([, v]) => v === 0).map(([k]) => k);
    assert.deepEqual(unhit, []);
  });

  await fs.rm(path.dirname(corpus.repo), { recursive: true, force: true });
});
