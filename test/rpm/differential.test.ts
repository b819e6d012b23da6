// Differential test: our header reader and package model against `rpm -qp` (rpm 4.18) on every
// fixture package and on the generated corpus (test/support/corpus.ts).
//
// Per package, one rpm call prints a fixed list of tags (each as `[%{TAG}<US>]<RS>`, so absent tags,
// empty strings and arrays stay distinguishable) and one prints `%{*:xml}`, rpm's dump of every tag it
// holds. The first part is compared with our RpmPackage model; the second with every tag of our raw
// Header (after modelling the few conversions rpm applies while loading a package: signature tags
// merged into the header, SOURCERPM/SOURCEPACKAGE retrofits, v3 file lists).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import {
  DEP_KINDS,
  TagType,
  describePackage,
  readRpmFileHeaders,
  tagByName,
  tagName,
  type DepKind,
  type Header,
  type RpmPackage,
} from '../../src/rpm/index.ts';
import { INT8_TAG, TAGTYPES_NAME, buildCorpus } from '../support/corpus.ts';

const execFileP = promisify(execFile);

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const FIXTURE_DIRS = ['../shared/fixtures/rpm/RPMS', '../shared/fixtures/rpm/SRPMS', '../shared/fixtures/createrepo_c/packages'].map(
  (d) => path.resolve(ROOT, d),
);

/** Element and field terminators in rpm's output; header strings never contain these bytes. */
const US = 0x1f;
const RS = 0x1e;

// ---------------------------------------------------------------- rpm side

let rpmHome: string | undefined;
after(async () => {
  if (rpmHome) await fs.rm(rpmHome, { recursive: true, force: true });
});
/** rpm runs with an empty HOME (no ~/.rpmmacros) and the C locale (I18N strings: the "C" entry). */
async function rpmEnv(): Promise<NodeJS.ProcessEnv> {
  rpmHome ??= await fs.mkdtemp(path.join(os.tmpdir(), 'strata-rpm-home-'));
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: rpmHome, LC_ALL: 'C' };
}

let knownTags: Set<string> | undefined;
async function rpmKnownTags(): Promise<Set<string>> {
  if (!knownTags) {
    const { stdout } = await execFileP('rpm', ['--querytags'], { env: await rpmEnv() });
    knownTags = new Set(stdout.split('\n').filter(Boolean));
  }
  return knownTags;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Same rule as our reader: UTF-8 when valid, else Latin-1 (one char per byte). */
function decode(b: Uint8Array): string {
  try {
    return utf8.decode(b);
  } catch {
    return Buffer.from(b).toString('latin1');
  }
}

const SCRIPTS = [
  ['pretrans', 'PRETRANS'],
  ['prein', 'PREIN'],
  ['postin', 'POSTIN'],
  ['preun', 'PREUN'],
  ['postun', 'POSTUN'],
  ['posttrans', 'POSTTRANS'],
  ['preuntrans', 'PREUNTRANS'],
  ['postuntrans', 'POSTUNTRANS'],
  ['verify', 'VERIFYSCRIPT'],
] as const;

const DEP_RPM: Record<DepKind, string> = {
  provides: 'PROVIDE',
  requires: 'REQUIRE',
  conflicts: 'CONFLICT',
  obsoletes: 'OBSOLETE',
  recommends: 'RECOMMEND',
  suggests: 'SUGGEST',
  supplements: 'SUPPLEMENT',
  enhances: 'ENHANCE',
  orderwithrequires: 'ORDER',
};

/** Per-file tags: model field → rpm tag (FILENAMES and LONGFILESIZES are rpm's computed views). */
const FILE_FIELDS = [
  ['path', 'FILENAMES'],
  ['size', 'LONGFILESIZES'],
  ['mode', 'FILEMODES'],
  ['rdev', 'FILERDEVS'],
  ['mtime', 'FILEMTIMES'],
  ['digest', 'FILEDIGESTS'],
  ['linkTo', 'FILELINKTOS'],
  ['flags', 'FILEFLAGS'],
  ['user', 'FILEUSERNAME'],
  ['group', 'FILEGROUPNAME'],
  ['verifyFlags', 'FILEVERIFYFLAGS'],
  ['device', 'FILEDEVICES'],
  ['inode', 'FILEINODES'],
  ['lang', 'FILELANGS'],
  ['color', 'FILECOLORS'],
  ['caps', 'FILECAPS'],
] as const;
const NUMERIC_FILE_FIELDS = new Set<string>(['size', 'mode', 'rdev', 'mtime', 'flags', 'verifyFlags', 'device', 'inode', 'color']);

async function queryFields(): Promise<string[]> {
  const known = await rpmKnownTags();
  const f = [
    'NAME',
    'EPOCH',
    'VERSION',
    'RELEASE',
    'ARCH',
    'OS',
    'SUMMARY',
    'DESCRIPTION',
    'LICENSE',
    'GROUP',
    'URL',
    'VENDOR',
    'PACKAGER',
    'BUILDHOST',
    'BUILDTIME',
    'SOURCERPM',
    'LONGSIZE',
    'LONGARCHIVESIZE',
    'PAYLOADFORMAT',
    'PAYLOADCOMPRESSOR',
    'PAYLOADFLAGS',
    'FILEDIGESTALGO',
    'FILECLASS',
    'FILESTATES',
  ];
  for (const k of DEP_KINDS) f.push(`${DEP_RPM[k]}NAME`, `${DEP_RPM[k]}FLAGS`, `${DEP_RPM[k]}VERSION`);
  for (const [, tag] of FILE_FIELDS) f.push(tag);
  for (const [, s] of SCRIPTS) f.push(s, `${s}PROG`, `${s}FLAGS`);
  f.push('TRIGGERNAME', 'TRIGGERFLAGS', 'TRIGGERVERSION', 'TRIGGERINDEX', 'TRIGGERSCRIPTS', 'TRIGGERSCRIPTPROG', 'TRIGGERTYPE');
  f.push('CHANGELOGTIME', 'CHANGELOGNAME', 'CHANGELOGTEXT');
  // Only for the corpus coverage check (the raw file trigger tags are compared through the XML dump).
  f.push('FILETRIGGERTYPE', 'TRANSFILETRIGGERTYPE');
  return f.filter((t) => known.has(t));
}

interface XmlTag {
  name: string;
  values: string[];
}

interface RpmView {
  ok: boolean;
  stderr: string;
  fields: Map<string, string[]>;
  xml: XmlTag[];
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&' })[e] ?? '');
}

/** Parses rpm's `%{*:xml}` dump. Text is handled as Latin-1 so each char is one original byte. */
function parseRpmXml(latin1: string): XmlTag[] {
  const out: XmlTag[] = [];
  const tagRe = / {2}<rpmTag name="([^"]*)">\n([\s\S]*?) {2}<\/rpmTag>\n/g;
  for (const m of latin1.matchAll(tagRe)) {
    const values: string[] = [];
    for (const v of m[2].matchAll(/\t<(string|integer|base64)(?:\/>|>([\s\S]*?)<\/\1>)\n/g)) {
      const text = unescapeXml(v[2] ?? '');
      if (v[1] === 'base64') values.push(Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('hex'));
      else values.push(decode(Buffer.from(text, 'latin1')));
    }
    out.push({ name: m[1], values });
  }
  return out;
}

function parseRpmFields(head: Buffer, fields: string[]): Map<string, string[]> {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < head.length; i++) {
    if (head[i] === RS) {
      parts.push(head.subarray(start, i));
      start = i + 1;
    }
  }
  assert.equal(start, head.length, 'trailing bytes after the last field');
  assert.equal(parts.length, fields.length, 'rpm printed a different number of fields (separator byte in data?)');
  const map = new Map<string, string[]>();
  parts.forEach((p, i) => {
    const elems: string[] = [];
    let s = 0;
    for (let j = 0; j < p.length; j++) {
      if (p[j] === US) {
        elems.push(decode(p.subarray(s, j)));
        s = j + 1;
      }
    }
    assert.equal(s, p.length, `field ${fields[i]}: bytes after the last element`);
    map.set(fields[i], elems);
  });
  return map;
}

function runRpm(args: string[], env: NodeJS.ProcessEnv): Promise<{ ok: boolean; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    execFile('rpm', args, { env, encoding: 'buffer', maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      const errText = stderr.toString('utf8');
      // A package rpm cannot read gives "error:" lines (and usually exit status 1) and no output.
      resolve({ ok: !err && stdout.length > 0 && !/^error:/m.test(errText), stdout, stderr: errText });
    });
  });
}

/** Two rpm calls: the field list, then `%{*:xml}` (rpm only expands it as the whole format). */
async function rpmQuery(file: string): Promise<RpmView> {
  const fields = await queryFields();
  const us = String.fromCharCode(US);
  const rs = String.fromCharCode(RS);
  const fmt = fields.map((f) => `[%{${f}}${us}]${rs}`).join('');
  const env = await rpmEnv();
  const common = ['-qp', '--nosignature', '--nodigest'];
  const [a, b] = await Promise.all([
    runRpm([...common, '--qf', fmt, file], env),
    runRpm([...common, '--qf', '[%{*:xml}\n]', file], env),
  ]);
  if (!a.ok || !b.ok) return { ok: false, stderr: a.stderr || b.stderr, fields: new Map(), xml: [] };
  return { ok: true, stderr: a.stderr, fields: parseRpmFields(a.stdout, fields), xml: parseRpmXml(b.stdout.toString('latin1')) };
}

// ---------------------------------------------------------------- our side

interface OurView {
  ok: boolean;
  error?: string;
  pkg?: RpmPackage;
  header?: Header;
  signature?: Header;
}

async function ourRead(file: string): Promise<OurView> {
  try {
    const r = await readRpmFileHeaders(file);
    const pkg = describePackage(r.header, r.signature);
    return { ok: true, pkg, header: r.header, signature: r.signature };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

// ---------------------------------------------------------------- comparison

function num(list: string[] | undefined): number | undefined {
  return list && list.length > 0 ? Number(list[0]) : undefined;
}

/** Compares the package model with rpm's field output; returns one line per differing field. */
function compareModel(rpm: Map<string, string[]>, pkg: RpmPackage, h: Header): string[] {
  const diffs: string[] = [];
  const get = (t: string): string[] => rpm.get(t) ?? [];
  const first = (t: string): string => get(t)[0] ?? '';
  const eq = (key: string, expected: unknown, actual: unknown): void => {
    if (!isDeepStrictEqual(expected, actual)) {
      diffs.push(`${key}: rpm ${JSON.stringify(expected)} ours ${JSON.stringify(actual)}`);
    }
  };
  eq('name', first('NAME'), pkg.name);
  eq('epoch', num(get('EPOCH')), pkg.epoch);
  eq('version', first('VERSION'), pkg.version);
  eq('release', first('RELEASE'), pkg.release);
  eq('arch', first('ARCH'), pkg.arch);
  eq('os', first('OS'), pkg.os);
  eq('summary', first('SUMMARY'), pkg.summary);
  eq('description', first('DESCRIPTION'), pkg.description);
  eq('license', first('LICENSE'), pkg.license);
  eq('group', first('GROUP'), pkg.group);
  eq('url', first('URL'), pkg.url);
  eq('vendor', first('VENDOR'), pkg.vendor);
  eq('packager', first('PACKAGER'), pkg.packager);
  eq('buildHost', first('BUILDHOST'), pkg.buildHost);
  eq('buildTime', num(get('BUILDTIME')) ?? 0, pkg.buildTime);
  // rpm: a package is a source package when SOURCERPM is absent (after its load-time retrofit).
  eq('isSource', get('SOURCERPM').length === 0, pkg.isSource);
  eq('sourceRpm', first('SOURCERPM'), pkg.sourceRpm);
  eq('installedSize', num(get('LONGSIZE')) ?? 0, pkg.installedSize);
  eq('archiveSize', num(get('LONGARCHIVESIZE')), pkg.archiveSize);
  // Defaults are rpm's own when the tag is absent (rpm2cpio: gzip; rpmfiles: MD5).
  eq('payloadFormat', get('PAYLOADFORMAT')[0] ?? 'cpio', pkg.payloadFormat);
  eq('payloadCompressor', get('PAYLOADCOMPRESSOR')[0] ?? 'gzip', pkg.payloadCompressor);
  eq('payloadFlags', first('PAYLOADFLAGS'), pkg.payloadFlags);
  eq('fileDigestAlgo', num(get('FILEDIGESTALGO')) ?? 1, pkg.fileDigestAlgo);

  for (const kind of DEP_KINDS) {
    const p = DEP_RPM[kind];
    const names = get(`${p}NAME`);
    const flags = get(`${p}FLAGS`);
    const versions = get(`${p}VERSION`);
    const expected = names.map((name, i) => ({ name, flags: Number(flags[i] ?? 0), version: versions[i] ?? '' }));
    if (kind === 'provides' && h.regionTag === 0) {
      // rpm retrofits v3 headers on load with a trailing "Provides: name = EVR" (lib/headerutil.c
      // providePackageNVR); rpm 4.18 appends it even when the package already has it.
      const evr = `${pkg.epoch !== undefined ? `${pkg.epoch}:` : ''}${pkg.version}-${pkg.release}`;
      const last = expected.at(-1);
      if (expected.length === pkg.deps.provides.length + 1 && last?.name === pkg.name && last.flags === 8 && last.version === evr) {
        expected.pop();
      }
    }
    eq(`deps.${kind}`, expected, pkg.deps[kind]);
  }

  const n = get('FILENAMES').length;
  eq('files.length', n, pkg.files.length);
  for (const [field, tag] of FILE_FIELDS) {
    const raw = get(tag);
    if (raw.length === 0 && n > 0) {
      // rpm has no such tag, so our header must not have it either (the model then fills defaults).
      if (tagPresent(h, tag)) diffs.push(`files.${field}: rpm shows no ${tag}, our header has it`);
      continue;
    }
    const expected = raw.map((v) => (NUMERIC_FILE_FIELDS.has(field) ? Number(v) : v));
    const ours = pkg.files.map((f) => f[field]);
    const i = ours.findIndex((v, j) => !isDeepStrictEqual(expected[j], v));
    if (expected.length !== ours.length) eq(`files.${field}.length`, expected.length, ours.length);
    else if (i >= 0) diffs.push(`files[${i}].${field} (${pkg.files[i].path}): rpm ${JSON.stringify(expected[i])} ours ${JSON.stringify(ours[i])}`);
  }

  const expectedScripts: Record<string, unknown> = {};
  const rpmScriptNames = new Set<string>();
  for (const [name, tag] of SCRIPTS) {
    if (!rpm.has(tag)) continue; // a scriptlet kind rpm 4.18 does not know (rpm 6 preuntrans/postuntrans)
    rpmScriptNames.add(name);
    const body = get(tag);
    const prog = get(`${tag}PROG`);
    if (body.length === 0 && prog.length === 0) continue;
    expectedScripts[name] = { prog, body: body[0] ?? '', flags: num(get(`${tag}FLAGS`)) ?? 0 };
  }
  const ourScripts: Record<string, unknown> = {};
  for (const s of pkg.scripts) {
    if (rpmScriptNames.has(s.name)) ourScripts[s.name] = { prog: s.prog, body: s.body, flags: s.flags };
  }
  eq('scripts', expectedScripts, ourScripts);

  const tIndex = get('TRIGGERINDEX').map(Number);
  const tScripts = get('TRIGGERSCRIPTS');
  const tProgs = get('TRIGGERSCRIPTPROG');
  const tTypes = get('TRIGGERTYPE');
  const tFlags = get('TRIGGERFLAGS');
  const tVersions = get('TRIGGERVERSION');
  const expectedTriggers = get('TRIGGERNAME').map((name, i) => {
    const si = tIndex[i] ?? 0;
    return {
      // rpm's TRIGGERTYPE extension has one entry per trigger *script*.
      type: `trigger${tTypes[si] ?? ''}`,
      name,
      flags: Number(tFlags[i] ?? 0),
      version: tVersions[i] ?? '',
      prog: tProgs[si] ? [tProgs[si]] : [],
      body: tScripts[si] ?? '',
    };
  });
  eq('triggers', expectedTriggers, pkg.triggers);

  const cTimes = get('CHANGELOGTIME');
  const cNames = get('CHANGELOGNAME');
  const cTexts = get('CHANGELOGTEXT');
  eq(
    'changelog',
    cTimes.map((t, i) => ({ time: Number(t), author: cNames[i], text: cTexts[i] })),
    pkg.changelog,
  );
  return diffs;
}

function tagPresent(h: Header, rpmName: string): boolean {
  const t = tagByName(rpmName);
  return t !== undefined && h.has(t);
}

/** Signature tags rpm copies into the main header on load (lib/package.c xlateTags, rpmtag.h numbers). */
const SIG_TO_HEADER: Array<{ sig: number; hdr: number; name: string; quirk: boolean }> = [
  { sig: 1000, hdr: 257, name: 'SIGSIZE', quirk: false },
  { sig: 1002, hdr: 259, name: 'SIGPGP', quirk: false },
  { sig: 1004, hdr: 261, name: 'SIGMD5', quirk: false },
  { sig: 1005, hdr: 262, name: 'SIGGPG', quirk: false },
  { sig: 1007, hdr: 1046, name: 'ARCHIVESIZE', quirk: true },
  { sig: 274, hdr: 5090, name: 'FILESIGNATURES', quirk: true },
  { sig: 275, hdr: 5091, name: 'FILESIGNATURELENGTH', quirk: true },
  { sig: 276, hdr: 276, name: 'VERITYSIGNATURES', quirk: false },
  { sig: 277, hdr: 277, name: 'VERITYSIGNATUREALGO', quirk: false },
  { sig: 269, hdr: 269, name: 'SHA1HEADER', quirk: false },
  { sig: 273, hdr: 273, name: 'SHA256HEADER', quirk: false },
  { sig: 267, hdr: 267, name: 'DSAHEADER', quirk: false },
  { sig: 268, hdr: 268, name: 'RSAHEADER', quirk: false },
  { sig: 270, hdr: 270, name: 'LONGSIGSIZE', quirk: false },
  { sig: 271, hdr: 271, name: 'LONGARCHIVESIZE', quirk: false },
];

/** Tags whose rpm query output is computed rather than the stored value. */
const RPM_COMPUTED = new Set(['FILECLASS']);

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function valuesOf(h: Header, tag: number): string[] {
  const e = h.entry(tag);
  if (!e) return [];
  switch (e.type) {
    case TagType.BIN:
      return [hex(h.bytes(tag) ?? new Uint8Array())];
    case TagType.STRING:
    case TagType.STRING_ARRAY:
    case TagType.I18NSTRING: // the XML dump lists every translation; %{TAG} shows the current locale's
      return h.strings(tag);
    default:
      return h.numbers(tag).map(String);
  }
}

interface TagRow {
  tag: number;
  name: string;
  values: string[];
}

/**
 * The tag list rpm should show for a package, derived from our raw headers by applying rpm's load-time
 * conversions. Returns undefined when rpm fully rewrites the header (v3 packages without a region).
 */
function expectedRpmTags(h: Header, sig: Header): TagRow[] {
  const rows = new Map<number, TagRow>();
  for (const tag of h.tags()) {
    if (tag >= 61 && tag <= 63) continue;
    rows.set(tag, { tag, name: tagName(tag), values: valuesOf(h, tag) });
  }
  for (const m of SIG_TO_HEADER) {
    if (!sig.has(m.sig)) continue;
    if (h.has(m.hdr)) {
      if (m.quirk) continue;
      break; // rpm refuses such a package; the caller sees the read failure instead.
    }
    rows.set(m.hdr, { tag: m.hdr, name: m.name, values: valuesOf(sig, m.sig) });
  }
  const SOURCERPM = 1044;
  const SOURCEPACKAGE = 1106;
  if (!h.has(SOURCERPM) && !h.has(SOURCEPACKAGE)) {
    const dirs = h.has(1118) ? h.strings(1118) : undefined;
    const oldNames = h.strings(1027);
    const heuristicSource = dirs ? dirs.length === 1 && dirs[0] === '' : oldNames.length > 0 && !oldNames[0].startsWith('/');
    if (heuristicSource) rows.set(SOURCEPACKAGE, { tag: SOURCEPACKAGE, name: 'SOURCEPACKAGE', values: ['1'] });
    else rows.set(SOURCERPM, { tag: SOURCERPM, name: 'SOURCERPM', values: ['(none)'] });
  }
  return [...rows.values()].sort((a, b) => a.tag - b.tag);
}

/** Tags rpm rewrites when it converts a v3 file list / adds the implicit self-provide. */
const V3_CONVERTED = new Set([1027, 1116, 1117, 1118, 1047, 1112, 1113]);

/** Compares every header tag with rpm's XML dump. */
function compareTags(xml: XmlTag[], rpmFields: Map<string, string[]>, h: Header, sig: Header): string[] {
  const diffs: string[] = [];
  const v3 = h.regionTag === 0 || h.has(1027);
  let expected = expectedRpmTags(h, sig);
  let got = xml.map((x) => ({ name: x.name === '(unknown)' ? '(unknown)' : x.name.toUpperCase(), values: x.values }));
  if (v3) {
    const dropNames = new Set([...V3_CONVERTED].map((t) => tagName(t)));
    expected = expected.filter((r) => !V3_CONVERTED.has(r.tag));
    got = got.filter((g) => !dropNames.has(g.name));
  }
  // rpm's tag names; a tag of ours whose name rpm does not know must show up as "(unknown)".
  const expectNames = expected.map((r) => (knownTags?.has(r.name) ? r.name : '(unknown)'));
  if (!isDeepStrictEqual(expectNames, got.map((g) => g.name))) {
    diffs.push(`tag list: rpm ${JSON.stringify(got.map((g) => g.name))} ours ${JSON.stringify(expectNames)}`);
    return diffs;
  }
  expected.forEach((r, i) => {
    if (RPM_COMPUTED.has(r.name)) return;
    if (!isDeepStrictEqual(r.values, got[i].values)) {
      diffs.push(`tag ${r.name} (${r.tag}): rpm ${JSON.stringify(got[i].values).slice(0, 300)} ours ${JSON.stringify(r.values).slice(0, 300)}`);
    }
  });
  // FILECLASS: rpm prints the CLASSDICT entry each file's index points at (and, for an empty entry,
  // a class it derives from the file mode, which is not header data).
  if (h.has(1141)) {
    const dict = h.strings(1142);
    const classes = h.numbers(1141).map((i) => dict[i] ?? '');
    const rpmClasses = rpmFields.get('FILECLASS') ?? [];
    const bad = classes.findIndex((c, i) => c !== '' && c !== rpmClasses[i]);
    if (classes.length !== rpmClasses.length || bad >= 0) {
      diffs.push(`FILECLASS[${bad}]: rpm ${JSON.stringify(rpmClasses[bad])} ours ${JSON.stringify(classes[bad])}`);
    }
  }
  return diffs;
}

// ---------------------------------------------------------------- driver

interface Result {
  file: string;
  rpm: RpmView;
  ours: OurView;
}

async function mapPool<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

async function examine(files: string[]): Promise<Result[]> {
  await rpmKnownTags();
  return mapPool(files, Math.max(2, os.availableParallelism()), async (file) => {
    const [rpm, ours] = await Promise.all([rpmQuery(file), ourRead(file)]);
    return { file, rpm, ours };
  });
}

function differences(r: Result): string[] {
  if (!r.rpm.ok || !r.ours.ok) {
    if (r.rpm.ok !== r.ours.ok) {
      return [`read: rpm ${r.rpm.ok ? 'reads it' : `rejects it (${r.rpm.stderr.trim()})`}, ours ${r.ours.ok ? 'reads it' : `rejects it (${r.ours.error})`}`];
    }
    return [];
  }
  const { pkg, header, signature } = r.ours;
  assert.ok(pkg && header && signature);
  return [...compareModel(r.rpm.fields, pkg, header), ...compareTags(r.rpm.xml, r.rpm.fields, header, signature)];
}

async function fixtureFiles(): Promise<string[]> {
  const out: string[] = [];
  for (const dir of FIXTURE_DIRS) {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) if (e.isFile()) out.push(path.join(dir, e.name));
  }
  return out.sort();
}

/**
 * Known differences between our reader and rpm on intact packages, by file base name (reported as todo,
 * not failures). None at present: every fixture and corpus package agrees with rpm.
 */
const KNOWN: Record<string, string> = {};

function label(file: string): string {
  return path.relative(ROOT, file);
}

test('fixture packages match rpm -qp', async (t) => {
  const files = await fixtureFiles();
  assert.ok(files.length >= 30, `expected the shared fixtures, found ${files.length}`);
  assert.ok(files.some((f) => f.endsWith('.rpm-v3')), 'the odd-named v3 fixture is included');
  for (const r of await examine(files)) {
    const known = KNOWN[path.basename(r.file)];
    await t.test(label(r.file), known ? { todo: known } : {}, () => {
      assert.ok(r.rpm.ok, `rpm cannot read ${r.file}: ${r.rpm.stderr}`);
      assert.deepEqual(differences(r), []);
    });
  }
});

test('generated corpus matches rpm -qp', async (t) => {
  const files = await buildCorpus();
  assert.ok(files.length >= 200, `corpus has ${files.length} packages`);
  const results = await examine(files);
  for (const r of results) {
    const known = KNOWN[path.basename(r.file)];
    await t.test(path.relative(path.dirname(path.dirname(r.file)), r.file), known ? { todo: known } : {}, () => {
      assert.ok(r.rpm.ok, `rpm cannot read ${r.file}: ${r.rpm.stderr}`);
      assert.deepEqual(differences(r), []);
    });
  }

  await t.test('corpus covers what it claims', () => coverage(results));
});

/** Checks (mostly from rpm's own output) that the corpus exercises every feature it is meant to. */
function coverage(results: Result[]): void {
  const ok = results.filter((r) => r.rpm.ok && r.ours.ok);
  assert.equal(ok.length, results.length, 'every corpus package is readable by both');
  const all = (tag: string): string[] => ok.flatMap((r) => r.rpm.fields.get(tag) ?? []);
  const xmlValues = (name: string): string[] => ok.flatMap((r) => r.rpm.xml.find((x) => x.name === name)?.values ?? []);
  const compressors = new Set(ok.map((r) => r.rpm.fields.get('PAYLOADCOMPRESSOR')?.[0] ?? '(none)'));
  assert.deepEqual([...compressors].sort(), ['(none)', 'bzip2', 'gzip', 'lzma', 'xz', 'zstd']);
  const algos = new Set(ok.map((r) => r.rpm.fields.get('FILEDIGESTALGO')?.[0] ?? '1'));
  assert.deepEqual([...algos].sort(), ['1', '10', '2', '8']);
  const arches = new Set(ok.map((r) => (r.rpm.fields.get('SOURCERPM')?.length ? r.rpm.fields.get('ARCH')?.[0] : 'src')));
  assert.ok(arches.has('noarch') && arches.has('src') && [...arches].some((a) => a !== 'noarch' && a !== 'src'), 'noarch, native and source packages');

  const SENSE = 2 | 4 | 8;
  for (const kind of DEP_KINDS) {
    const p = DEP_RPM[kind];
    const senses = new Set(ok.flatMap((r) => (r.rpm.fields.get(`${p}FLAGS`) ?? []).map((f) => Number(f) & SENSE)));
    for (const s of [0, 2, 4, 8, 10, 12]) assert.ok(senses.has(s), `${kind} with sense ${s}`);
  }
  const reqFlags = all('REQUIREFLAGS').map(Number);
  for (const [what, bit] of Object.entries({ pre: 1 << 9, post: 1 << 10, preun: 1 << 11, postun: 1 << 12, pretrans: 1 << 7, posttrans: 1 << 5, interp: 1 << 8, verify: 1 << 13, meta: 1 << 29 })) {
    assert.ok(reqFlags.some((f) => f & bit), `Requires(${what})`);
  }
  for (const p of ['REQUIRE', 'RECOMMEND', 'SUPPLEMENT', 'CONFLICT', 'SUGGEST', 'ENHANCE']) {
    assert.ok(all(`${p}NAME`).some((n) => n.startsWith('(')), `rich ${p}`);
  }
  const versions = [...all('VERSION'), ...all('REQUIREVERSION'), ...all('PROVIDEVERSION')];
  assert.ok(versions.some((v) => v.includes('~')) && versions.some((v) => v.includes('^')), 'tilde and caret versions');
  assert.ok(all('EPOCH').includes('0') && all('EPOCH').some((e) => Number(e) > 0), 'explicit epoch 0 and others');

  const fflags = all('FILEFLAGS').map(Number);
  for (const [what, bit] of Object.entries({ config: 1, doc: 2, missingok: 8, noreplace: 16, ghost: 64, license: 128, readme: 256, artifact: 4096 })) {
    assert.ok(fflags.some((f) => f & bit), `file flag ${what}`);
  }
  const modes = all('FILEMODES').map(Number);
  for (const [what, m] of Object.entries({ dir: 0o040000, link: 0o120000, chr: 0o020000, blk: 0o060000, fifo: 0o010000 })) {
    assert.ok(modes.some((x) => (x & 0o170000) === m), `file type ${what}`);
  }
  assert.ok(modes.some((x) => x & 0o4000) && modes.some((x) => x & 0o2000) && modes.some((x) => x & 0o1000), 'setuid, setgid, sticky');
  assert.ok(all('FILECAPS').some(Boolean), 'file capabilities');
  assert.ok(all('FILEVERIFYFLAGS').some((v) => v !== '4294967295'), '%verify');
  assert.ok(all('FILELANGS').some(Boolean), '%lang');
  assert.ok(all('FILEUSERNAME').some((u) => u !== 'root') && all('FILEGROUPNAME').some((g) => g !== 'root'), 'owners');
  assert.ok(all('FILELINKTOS').some((l) => l.startsWith('/')) && all('FILELINKTOS').some((l) => l && !l.startsWith('/')), 'abs+rel symlinks');
  assert.ok(all('LONGFILESIZES').includes('0'), 'empty files');
  assert.ok(all('FILECOLORS').some((c) => c !== '0'), 'ELF file colors');
  assert.ok(
    ok.some((r) => {
      const inodes = r.ours.pkg?.files.filter((f) => (f.mode & 0o170000) === 0o100000).map((f) => f.inode) ?? [];
      return new Set(inodes).size < inodes.length;
    }),
    'hard links',
  );
  for (const s of ['PRETRANS', 'PREIN', 'POSTIN', 'PREUN', 'POSTUN', 'POSTTRANS', 'VERIFYSCRIPT']) {
    assert.ok(all(s).length > 0 || all(`${s}PROG`).length > 0, `scriptlet ${s}`);
  }
  assert.ok(all('PREINPROG').includes('<lua>') && all('POSTINPROG').includes('/sbin/ldconfig'), 'lua and program scriptlets');
  assert.ok(new Set(all('TRIGGERTYPE')).size === 4, 'trigger types prein/in/un/postun');
  assert.ok(all('CHANGELOGNAME').length > 0, 'changelogs');
  assert.ok(all('SUMMARY').some((s) => [...s].some((c) => c.charCodeAt(0) > 0x7f)), 'UTF-8 summaries');
  for (const tag of ['VENDOR', 'URL', 'LICENSE', 'GROUP', 'PACKAGER']) assert.ok(all(tag).length > 0, tag);
  assert.ok(xmlValues('Summary').some((v) => v.startsWith('Deutsche')) && xmlValues('Headeri18ntable').includes('de'), 'translated summaries');
  assert.ok(xmlValues('Prefixes').length > 0 && xmlValues('Nosource').length > 0, 'relocatable and nosrc packages');
  assert.ok(all('FILEMTIMES').includes('0') && all('FILEMTIMES').includes('4000000000'), 'mtimes 0 and > 2^31');
  assert.ok(all('FILEUSERNAME').includes('1234'), 'numeric owner names');
  assert.ok(ok.some((r) => !r.rpm.fields.get('SOURCERPM')?.length && r.rpm.fields.get('REQUIRENAME')?.some((n) => n.startsWith('br'))), 'BuildRequires in source packages');
  assert.ok(ok.some((r) => (r.ours.pkg?.files.length ?? 0) > 1000), 'a package with over 1000 files');

  for (const tag of ['FILETRIGGERTYPE', 'TRANSFILETRIGGERTYPE']) {
    assert.deepEqual([...new Set(all(tag))].sort(), ['in', 'postun', 'un'], `${tag} of every kind`);
  }
  assert.ok(xmlValues('Filetriggerscriptprog').includes('<lua>') && xmlValues('Transfiletriggerscriptprog').includes('<lua>'), 'lua file triggers');
  assert.ok(xmlValues('Filetriggerpriorities').includes('2000'), 'file trigger priorities');

  const types = new Set<number>();
  for (const r of ok) for (const h of [r.ours.header, r.ours.signature]) for (const e of h?.entries ?? []) types.add(e.type);
  assert.deepEqual([...types].sort(), [1, 2, 3, 4, 5, 6, 7, 8, 9], 'every header tag type');
  assert.ok(all('LONGFILESIZES').some((v) => Number(v) > 2 ** 32), 'a file over 4 GiB (INT64 from rpmbuild)');
  const patched = ok.find((r) => r.ours.pkg?.name === TAGTYPES_NAME);
  assert.ok(patched?.ours.header?.has(INT8_TAG) && patched.rpm.fields.get('FILESTATES')?.length, 'CHAR/INT8 package');
}

test('the comparison detects wrong values', async () => {
  const files = await buildCorpus();
  // Main package of spec 1: scripts, triggers, changelog, conflicts and many files.
  const file = files.find((f) => path.basename(f).startsWith('strata-c01-2.3.4-2.strata.') && !f.endsWith('.src.rpm'));
  assert.ok(file);
  const [r] = await examine([file]);
  assert.deepEqual(differences(r), []);
  const { pkg, header, signature } = r.ours;
  assert.ok(pkg && header && signature);

  const mutate = (fn: (p: RpmPackage) => void): string[] => {
    const copy = structuredClone(pkg);
    fn(copy);
    return compareModel(r.rpm.fields, copy, header);
  };
  assert.match(mutate((p) => (p.version += 'x')).join('\n'), /^version:/m);
  assert.match(mutate((p) => (p.epoch = (p.epoch ?? 0) + 1)).join('\n'), /^epoch:/m);
  assert.match(mutate((p) => (p.files[3].mode ^= 1)).join('\n'), /^files\[3\]\.mode/m);
  assert.match(mutate((p) => (p.files[2].digest = '00')).join('\n'), /^files\[2\]\.digest/m);
  assert.match(mutate((p) => (p.deps.requires[0].flags |= 2)).join('\n'), /^deps\.requires:/m);
  assert.match(mutate((p) => p.deps.conflicts.pop()).join('\n'), /^deps\.conflicts:/m);
  assert.match(mutate((p) => (p.scripts[0].body += ' ')).join('\n'), /^scripts:/m);
  assert.match(mutate((p) => (p.triggers[0].version = '9')).join('\n'), /^triggers:/m);
  assert.match(mutate((p) => (p.changelog[0].time += 1)).join('\n'), /^changelog:/m);
  assert.match(mutate((p) => (p.installedSize += 1)).join('\n'), /^installedSize:/m);
  assert.match(mutate((p) => (p.archiveSize = undefined)).join('\n'), /^archiveSize:/m);

  // The same on rpm's side: a changed value in the field output or in the XML dump is noticed.
  const fields = new Map(r.rpm.fields);
  fields.set('FILEUSERNAME', (fields.get('FILEUSERNAME') ?? []).map((u, i) => (i === 1 ? `${u}x` : u)));
  assert.match(compareModel(fields, pkg, header).join('\n'), /^files\[1\]\.user/m);
  const xml = structuredClone(r.rpm.xml);
  const rel = xml.find((x) => x.name === 'Release');
  assert.ok(rel);
  rel.values = ['0'];
  assert.match(compareTags(xml, r.rpm.fields, header, signature).join('\n'), /^tag RELEASE/m);
  assert.match(compareTags(xml.slice(1), r.rpm.fields, header, signature).join('\n'), /^tag list/m);

  // And a package rpm rejects but we read (or the reverse) is reported.
  const rejected: RpmView = { ok: false, stderr: 'error: bad', fields: new Map(), xml: [] };
  assert.match(differences({ file, rpm: rejected, ours: r.ours }).join('\n'), /^read: rpm rejects it/m);
  assert.match(differences({ file, rpm: r.rpm, ours: { ok: false, error: 'x' } }).join('\n'), /^read: rpm reads it, ours rejects/m);
});

// ---------------------------------------------------------------- damaged packages

interface Layout {
  hdrAt: number;
  il: number;
  dl: number;
  index: number;
  store: number;
}

function layout(b: Buffer): Layout {
  const sil = b.readUInt32BE(96 + 8);
  const sdl = b.readUInt32BE(96 + 12);
  const sigSize = 16 + sil * 16 + sdl;
  const hdrAt = 96 + sigSize + ((8 - (sigSize % 8)) % 8);
  const il = b.readUInt32BE(hdrAt + 8);
  const dl = b.readUInt32BE(hdrAt + 12);
  return { hdrAt, il, dl, index: hdrAt + 16, store: hdrAt + 16 + il * 16 };
}

/** Index entry number of `tag` in the main header. */
function entryOf(b: Buffer, l: Layout, tag: number): number {
  for (let i = 0; i < l.il; i++) if (b.readUInt32BE(l.index + i * 16) === tag) return i;
  throw new Error(`tag ${tag} not in header`);
}

const MUTATIONS: Record<string, (b: Buffer, l: Layout) => Buffer> = {
  'truncated lead': (b) => b.subarray(0, 50),
  'bad lead magic': (b) => (b[0] ^= 0xff, b),
  'truncated signature': (b) => b.subarray(0, 96 + 40),
  'bad signature magic': (b) => (b[97] ^= 0xff, b),
  'truncated header index': (b, l) => b.subarray(0, l.index + 8 * 16),
  'truncated header data': (b, l) => b.subarray(0, l.store + (l.dl >> 1)),
  'bad header magic': (b, l) => (b[l.hdrAt + 1] ^= 0xff, b),
  'index count too big': (b, l) => (b.writeUInt32BE(0x10000, l.hdrAt + 8), b),
  'index count zero': (b, l) => (b.writeUInt32BE(0, l.hdrAt + 8), b),
  'data length too big': (b, l) => (b.writeUInt32BE(0x10000000, l.hdrAt + 12), b),
  'offset past data': (b, l) => (b.writeInt32BE(l.dl + 64, l.index + entryOf(b, l, 1001) * 16 + 8), b),
  'negative offset': (b, l) => (b.writeInt32BE(-8, l.index + entryOf(b, l, 1001) * 16 + 8), b),
  'invalid type': (b, l) => (b.writeUInt32BE(10, l.index + entryOf(b, l, 1001) * 16 + 4), b),
  'string with count 2': (b, l) => (b.writeUInt32BE(2, l.index + entryOf(b, l, 1000) * 16 + 12), b),
  'count zero': (b, l) => (b.writeUInt32BE(0, l.index + entryOf(b, l, 1006) * 16 + 12), b),
  'count past data': (b, l) => (b.writeUInt32BE(l.dl, l.index + entryOf(b, l, 1028) * 16 + 12), b),
  'misaligned INT32': (b, l) => {
    const p = l.index + entryOf(b, l, 1006) * 16 + 8;
    b.writeInt32BE(b.readInt32BE(p) + 1, p);
    return b;
  },
  'known tag with wrong type (NAME as INT32)': (b, l) => (b.writeUInt32BE(4, l.index + entryOf(b, l, 1000) * 16 + 4), b),
  'string tag as STRING_ARRAY (rpm tolerates)': (b, l) => (b.writeUInt32BE(8, l.index + entryOf(b, l, 1000) * 16 + 4), b),
  'tag number below 100': (b, l) => (b.writeUInt32BE(50, l.index + entryOf(b, l, 1007) * 16), b),
  'overlapping data': (b, l) => {
    // VERSION's offset moved onto NAME's data: both still parse as strings.
    const name = b.readInt32BE(l.index + entryOf(b, l, 1000) * 16 + 8);
    b.writeInt32BE(name, l.index + entryOf(b, l, 1001) * 16 + 8);
    return b;
  },
  'region trailer offset wrong': (b, l) => {
    const trailer = l.store + b.readInt32BE(l.index + 8);
    b.writeInt32BE(-16, trailer + 8);
    return b;
  },
  'region tag not first': (b, l) => (b.writeUInt32BE(64, l.index), b),
  'header tag duplicating a signature tag (SHA1HEADER)': (b, l) => (b.writeUInt32BE(269, l.index + entryOf(b, l, 1007) * 16), b),
  'lead format version 2': (b) => (b[4] = 2, b),
  'lead format version 5': (b) => (b[4] = 5, b),
  'lead signature type 0': (b) => (b.writeUInt16BE(0, 78), b),
  'lead claims a source package': (b) => (b.writeUInt16BE(1, 6), b),
  'binary package without SOURCERPM': (b, l) => (b.writeUInt32BE(1_000_044, l.index + entryOf(b, l, 1044) * 16), b),
  'payload truncated': (b, l) => b.subarray(0, l.store + l.dl + 20),
  'payload garbage': (b, l) => {
    const end = l.store + l.dl;
    b.fill(0x55, end + 10, end + 60);
    return b;
  },
};

/**
 * Damaged packages where our reader and rpm decide differently (mostly: rpm rejects, src/rpm/header.ts
 * and src/rpm/package.ts accept). Kept as todo so the suite stays green while the reader is not fixed.
 */
const KNOWN_DAMAGE: Record<string, string> = {};

test('damaged packages are read or rejected as rpm does', async (t) => {
  const base = path.resolve(ROOT, '../shared/fixtures/rpm/RPMS/hello-2.0-1.x86_64.rpm');
  const orig = await fs.readFile(base);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'strata-damaged-'));
  try {
    const names = Object.keys(MUTATIONS);
    const files: string[] = [];
    for (const [i, name] of names.entries()) {
      const b = Buffer.from(orig);
      const f = path.join(dir, `damaged-${i}.rpm`);
      await fs.writeFile(f, MUTATIONS[name](b, layout(b)));
      files.push(f);
    }
    const results = await examine(files);
    // The shared fixture deliberately corrupted by rpm's test suite is part of the same check.
    results.push(...(await examine([path.resolve(ROOT, '../shared/fixtures/rpm/RPMS/hello-2.0-1.x86_64-corrupted.rpm')])));
    names.push('rpm fixture hello-2.0-1.x86_64-corrupted.rpm');
    let rejected = 0;
    for (const [i, r] of results.entries()) {
      if (!r.rpm.ok) rejected++;
      const known = KNOWN_DAMAGE[names[i]];
      await t.test(names[i], known ? { todo: known } : {}, () => {
        if (!r.rpm.ok) assert.equal(r.ours.ok, false, `rpm rejects it (${r.rpm.stderr.trim()}) but we read it`);
        else {
          assert.equal(r.ours.ok, true, `rpm reads it but we reject it: ${r.ours.error}`);
          assert.deepEqual(differences(r), []);
        }
      });
    }
    assert.ok(rejected >= 10, `most mutations must make rpm fail (${rejected} did)`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
