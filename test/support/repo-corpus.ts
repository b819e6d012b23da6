// Generated packages for the rpm-md differential test, packed with our own packRpm from seeded random
// specs, built once into test/.work/repo-corpus/ (gitignored) and reused while the stamp's key (the
// version constant plus a hash of this file) is unchanged.
//
// Every package is random in the places createrepo_c has rules for: epochs (absent, 0, >0), versions
// with ~ and ^, three arches, provides/requires of every shape (versioned, unversioned, rich,
// Requires(qualifier), libc.so.6(...) sets, file requires on the package's own primary and
// non-primary files, requires its own provides satisfy, near-duplicates that differ only in
// qualifier bits), conflicts/obsoletes/weak deps, files in primary and non-primary places,
// directories, ghosts, symlinks, odd file names, scriptlets (interpreter requires), 0..15 changelog
// entries with repeated dates, and non-ASCII and XML-special text in every free-text field.

import { createHash } from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { packRpm, type DepInput, type FileOverride, type PackSpec } from '../../src/rpm/index.ts';
import { prng, randInt } from './prng.ts';
import { withLock } from './corpus.ts';

/** Bump to rebuild the corpus even when this file's text is unchanged (e.g. packRpm changed). */
export const REPO_CORPUS_VERSION = 1;
export const REPO_CORPUS_SIZE = 840;
export const REPO_CORPUS_DIR = path.resolve(import.meta.dirname, '..', '.work', 'repo-corpus');
const SEED = 0x5eed_4e90;
/** Packs in flight: packRpm awaits I/O and zlib's thread pool, so a few overlap well on 2 cores. */
const PARALLEL = 8;

type Rng = () => number;
const pick = <T>(r: Rng, a: readonly T[]): T => a[randInt(r, a.length)];
const chance = (r: Rng, p: number): boolean => r() < p;

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'tools', 'libs', 'devel', 'common', 'utils', 'data', 'x11', 'py3', 'perl', 'ruby', 'core'];
const SUMMARIES = [
  'A plain summary',
  'Příliš žluťoučký kůň úpěl ďábelské ódy',
  'Quotes "double" and \'single\' & <angles>',
  '日本語の要約 — with an em dash',
  'Tabs\tinside\tthe summary',
  'émoji 🚀 ✓ and ß',
  'Ampersands & more && <tags/> ]]>',
];
const DESCRIPTIONS = [
  'Line one.\nLine two with <markup> & "quotes" and \'apostrophes\'.',
  'Ünïcödé paragraph.\n\n  Indented line\twith a tab.\n- bullet & <b>bold</b>',
  'Windows line end\r\nand a lone CR\r here.',
  'Short.',
  '中文描述，包含标点符号。\n第二行 🚀',
  'Trailing spaces   \nand a final newline\n',
];
const URLS = ['https://example.org/p?a=1&b=2', 'http://example.com/"quoted"', 'https://ünï.example/päth', 'https://example.net/<x>', ''];
const PACKAGERS = ['Jöhn Döe <john@example.org>', 'Build System <build@example.com> & co', '', '"Q" Packager <q@x>'];
const VENDORS = ['', 'Example Corp', 'Vendör <v@example.de>', 'A & B'];
const LICENSES = ['MIT', 'GPL-2.0-or-later', 'MIT AND (Apache-2.0 OR BSD-3-Clause)', 'LGPL-2.1-only WITH Classpath-exception-2.0'];
const GROUPS = ['Development/Tools', 'System Environment/Base', 'Unspecified', 'Applications/Système'];
const AUTHORS = [
  'Jöhn Döe <john@example.org>',
  'Ådne Ørsted <adne@example.no>',
  'Plain Person <plain@example.com>',
  '山田太郎 <yamada@example.jp>',
  'Quote "Q" & <amp@example.com>',
  'Tab\tAuthor <tab@example.com>',
  'Trailing Spaces   ',
];
const CHANGES = [
  '- Initial package',
  '- Fix a & b < c > d "quoted"',
  '- Rebuilt for Fedora 41\n- Second line',
  '- Überarbeitung: ß, ä, ö, ü 🚀',
  '- CR\r\n- line',
  '- Indented\n  continuation\twith tab',
];
const ARCHES = ['noarch', 'x86_64', 'aarch64'] as const;
const OPS = ['<', '<=', '=', '>=', '>'] as const;
const QUALIFIERS = ['pre', 'post', 'preun', 'postun', 'pretrans', 'posttrans', 'interp', 'verify', 'meta'] as const;
const INTERPRETERS = ['/bin/sh', '<lua>', '/usr/bin/perl', '/bin/bash -e'];

function version(r: Rng): string {
  let v = `${randInt(r, 20)}.${randInt(r, 30)}`;
  if (chance(r, 0.5)) v += `.${randInt(r, 100)}`;
  return v + pick(r, ['', '', '', '~rc1', '^git20240101.abc', '~beta2^post1', 'a', '_1', '+dfsg', '^1']);
}

function evr(r: Rng): string {
  const e = chance(r, 0.2) ? `${randInt(r, 4)}:` : '';
  const rel = chance(r, 0.5) ? `-${randInt(r, 9) + 1}${pick(r, ['', '.fc41', '.el9~bootstrap'])}` : '';
  return e + version(r) + rel;
}

function versioned(r: Rng, name: string, p = 0.6): string {
  return chance(r, p) ? `${name} ${pick(r, OPS)} ${evr(r)}` : name;
}

function rich(r: Rng, a: string, b: string, andLike: boolean): string {
  const forms = andLike
    ? [`(${a} or ${b})`, `(${a} if ${b})`, `(${a} and ${versioned(r, b)})`, `(${a} with ${b})`, `(${a} if ${b} else ${b}-alt)`]
    : [`(${a} or ${b})`, `(${a} unless ${b})`, `(${a} and ${b})`, `(${a} without ${b})`];
  return pick(r, forms);
}

interface Plan {
  spec: Omit<PackSpec, 'root'>;
  /** Tree contents: path → file text, or a symlink / empty directory. */
  tree: Record<string, string | { symlink: string } | { dir: true } | { exec: string }>;
  compress: 'zstd' | 'gzip' | 'xz' | 'none';
  buildTime: number;
}

function plan(i: number, names: readonly string[]): Plan {
  const r = prng(SEED + i * 7919);
  const name = names[i];
  const epoch = chance(r, 0.25) ? randInt(r, 6) : undefined;
  const ver = version(r);
  const release = `${randInt(r, 30) + 1}${pick(r, ['', '.fc41', '.el9', '~pre1', '^post'])}`;
  const ownEvr = `${epoch !== undefined ? `${epoch}:` : ''}${ver}-${release}`;
  const tree: Plan['tree'] = {};
  const files: Record<string, FileOverride> = {};
  const own: string[] = [];
  const add = (p: string, v: Plan['tree'][string]): void => {
    tree[p] = v;
    own.push(p);
  };

  add(`/usr/bin/${name}`, { exec: '#!/bin/sh\necho main\n' });
  if (chance(r, 0.5)) {
    // A script whose interpreter is the package's own primary file: the automatic require is dropped.
    add(`/usr/bin/${name}-helper`, { exec: '#!/bin/sh\nexit 0\n' });
    add(`/usr/bin/${name}-run`, { exec: `#!/usr/bin/${name}-helper\n` });
  }
  if (chance(r, 0.3)) {
    // Interpreter outside the primary set: createrepo_c keeps that require.
    add(`/usr/share/${name}/interp`, { exec: '#!/bin/sh\n' });
    add(`/usr/bin/${name}-tool`, { exec: `#!/usr/share/${name}/interp\n` });
  }
  if (chance(r, 0.4)) add(`/usr/sbin/${name}d`, { exec: '#!/bin/sh\n' });
  if (chance(r, 0.5)) {
    add(`/etc/${name}/${name}.conf`, `key = ${i}\n`);
    files[`/etc/${name}/${name}.conf`] = { config: 'noreplace' };
    if (chance(r, 0.5)) {
      add(`/etc/${name}/extra.conf`, 'x\n');
      files[`/etc/${name}/extra.conf`] = { config: true };
    }
  }
  if (chance(r, 0.02)) add('/usr/lib/sendmail', '#!/bin/sh\n');
  const data = randInt(r, 5);
  for (let k = 0; k < data; k++) add(`/usr/share/${name}/data-${k}.txt`, `data ${k} ${'x'.repeat(randInt(r, 200))}\n`);
  if (chance(r, 0.4)) add(`/usr/share/doc/${name}/README`, 'readme\n');
  if (chance(r, 0.3)) {
    add(`/opt/${name}/bin/tool`, { exec: '#!/bin/sh\n' });
    add(`/usr/libexec/${name}/sbin/x`, 'x\n');
  }
  if (chance(r, 0.25)) add(`/usr/share/${name}/empty`, { dir: true });
  if (chance(r, 0.25)) add(`/var/lib/${name}`, { dir: true });
  if (data > 0 && chance(r, 0.3)) files[`/usr/share/${name}`] = { dir: true };
  if (chance(r, 0.3)) {
    files[`/var/log/${name}.log`] = { ghost: true };
    files[`/run/${name}`] = { ghost: true, dir: true };
    if (chance(r, 0.5)) files[`/etc/${name}/state`] = { ghost: true };
  }
  if (chance(r, 0.3)) {
    add(`/usr/bin/${name}-link`, { symlink: name });
    add(`/usr/share/${name}-dirlink`, { symlink: `/usr/share/${name}` });
  }
  if (chance(r, 0.1)) {
    add(`/usr/share/${name}/ünïcode-ñ.txt`, 'u\n');
    add(`/usr/share/${name}/a&b<c>"q".txt`, 'q\n');
    add(`/usr/bin/${name}-ü`, { exec: '#!/bin/sh\n' });
  }

  const provides: DepInput[] = [];
  const virt: string[] = [];
  for (let k = randInt(r, 5); k > 0; k--) {
    const v = pick(r, [`${name}-virt${k}`, `perl(${name.replace(/[-.+]/g, '_')}::Mod${k})`, `lib${name}.so.${k}()(64bit)`, `pkgconfig(${name}${k})`, `bundled(ünï${k})`]);
    const dep = chance(r, 0.5) ? `${v} = ${evr(r)}` : v;
    provides.push(dep);
    virt.push(dep);
  }
  const other = (): string => names[randInt(r, names.length)];
  const requires: DepInput[] = [];
  for (let k = randInt(r, 8); k > 0; k--) {
    const dep = chance(r, 0.15) ? rich(r, versioned(r, other()), other(), true) : versioned(r, chance(r, 0.7) ? other() : `virt-shared${randInt(r, 20)}`);
    requires.push(chance(r, 0.3) ? { dep, when: [pick(r, QUALIFIERS), ...(chance(r, 0.3) ? [pick(r, QUALIFIERS)] : [])] } : dep);
  }
  // Requires the package satisfies itself: exact copies of its provides (dropped) and looser ones (kept).
  for (const v of virt) if (chance(r, 0.4)) requires.push(v);
  if (virt.length && chance(r, 0.3)) requires.push(`${virt[0].split(' ')[0]} >= 0`);
  if (chance(r, 0.3)) requires.push(`${name} = ${ownEvr}`);
  // File requires on its own files (primary ones dropped, others kept) and on foreign ones.
  for (const f of own) if (!f.includes('ü') && !f.includes('&') && chance(r, 0.15)) requires.push(f);
  if (chance(r, 0.2)) requires.push(pick(r, ['/usr/bin/python3', '/usr/lib/sendmail', '/usr/share/other/file', '/etc/shells']));
  // Near-duplicates: same name, sense and version, different qualifier bits.
  if (chance(r, 0.3)) {
    const d = `dup${randInt(r, 10)}`;
    const [q1, q2] = pick(r, [['pre', 'post'], ['preun', 'postun'], ['pre', 'preun'], ['pretrans', 'posttrans'], ['verify', 'meta']]);
    const v = chance(r, 0.5) ? ` >= ${evr(r)}` : '';
    requires.push({ dep: `${d}${v}`, when: [q1] }, { dep: `${d}${v}`, when: [q2] });
    if (chance(r, 0.5)) requires.push(`${d}${v}`);
  }
  if (chance(r, 0.3)) {
    const suffix = pick(r, ['(64bit)', '']);
    for (let k = randInt(r, 5) + 1; k > 0; k--) {
      requires.push(pick(r, [`libc.so.6(GLIBC_2.${randInt(r, 40)})${suffix}`, `libc.so.6()${suffix}`, `libc.so.6(GLIBC_PRIVATE)${suffix}`, 'libc.so.6', `libc.so.6(GLIBC_2.${randInt(r, 5)}.${randInt(r, 5)})${suffix}`]));
    }
  }
  const list = (n: number, make: () => string): string[] => Array.from({ length: randInt(r, n) }, make);
  const deps: PackSpec['deps'] = {
    provides,
    requires,
    conflicts: list(3, () => (chance(r, 0.2) ? rich(r, other(), other(), false) : versioned(r, other(), 0.8))),
    obsoletes: list(3, () => versioned(r, `${other()}-old`, 0.7)),
    recommends: list(3, () => (chance(r, 0.2) ? rich(r, other(), other(), true) : versioned(r, other()))),
    suggests: list(3, () => (chance(r, 0.2) ? rich(r, other(), other(), true) : versioned(r, other()))),
    supplements: list(2, () => (chance(r, 0.3) ? rich(r, other(), other(), false) : versioned(r, other()))),
    enhances: list(2, () => (chance(r, 0.3) ? rich(r, other(), other(), false) : versioned(r, other()))),
    orderwithrequires: list(2, () => other()),
  };

  const scripts: PackSpec['scripts'] = {};
  for (const k of ['pre', 'post', 'preun', 'postun', 'pretrans', 'posttrans'] as const) {
    if (chance(r, 0.15)) scripts[k] = { body: 'true', interpreter: pick(r, INTERPRETERS) };
  }

  const buildTime = 1_700_000_000 + i * 3600;
  const changelog: NonNullable<PackSpec['changelog']> = [];
  let date = buildTime - randInt(r, 86400);
  for (let k = randInt(r, 16); k > 0; k--) {
    const author = pick(r, AUTHORS);
    changelog.push({ date, author, version: author.endsWith(' ') || chance(r, 0.3) ? undefined : `${version(r)}-${k}`, text: pick(r, CHANGES) });
    // Repeated dates make createrepo_c bump the older entries.
    if (!chance(r, 0.3)) date -= randInt(r, 40 * 86400) + 1;
  }

  return {
    spec: {
      name,
      epoch,
      version: ver,
      release,
      arch: pick(r, ARCHES),
      summary: pick(r, SUMMARIES),
      description: chance(r, 0.9) ? pick(r, DESCRIPTIONS) : undefined,
      license: pick(r, LICENSES),
      url: pick(r, URLS) || undefined,
      vendor: pick(r, VENDORS) || undefined,
      packager: pick(r, PACKAGERS) || undefined,
      group: pick(r, GROUPS),
      buildHost: pick(r, ['builder.example.org', 'hôte.example']),
      deps,
      scripts,
      files,
      changelog,
    },
    tree,
    // xz runs an external process per package, so only a few packages use it.
    compress: i % 97 === 5 ? 'xz' : pick(r, ['zstd', 'gzip', 'none']),
    buildTime,
  };
}

function packageNames(): string[] {
  const r = prng(SEED);
  return Array.from({ length: REPO_CORPUS_SIZE }, (_, i) => `rc${i}-${pick(r, WORDS)}${pick(r, ['', '', '+plus', '_u', '.d', '-x'])}`);
}

/**
 * Synchronous on purpose: thousands of tiny files go much faster without thread-pool round trips
 * (and without re-creating directories that already exist).
 */
function writeTree(root: string, tree: Plan['tree']): void {
  const made = new Set<string>();
  const dir = (d: string): void => {
    if (made.has(d)) return;
    fsSync.mkdirSync(d, { recursive: true });
    made.add(d);
  };
  for (const [p, v] of Object.entries(tree)) {
    const abs = path.join(root, p);
    if (typeof v === 'object' && 'dir' in v) {
      dir(abs);
      continue;
    }
    dir(path.dirname(abs));
    if (typeof v === 'string') fsSync.writeFileSync(abs, v);
    else if ('symlink' in v) fsSync.symlinkSync(v.symlink, abs);
    else fsSync.writeFileSync(abs, v.exec, { mode: 0o755 });
  }
  dir(root);
}

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

interface Stamp {
  key: string;
  packages: string[];
}

async function readStamp(key: string): Promise<string[] | undefined> {
  try {
    const s = JSON.parse(await fs.readFile(path.join(REPO_CORPUS_DIR, 'stamp.json'), 'utf8')) as Stamp;
    if (s.key !== key) return undefined;
    const out = s.packages.map((p) => path.join(REPO_CORPUS_DIR, p));
    for (const p of out) await fs.access(p);
    return out;
  } catch {
    return undefined;
  }
}

/** Builds (or reuses) the generated corpus; returns absolute package paths. */
export async function buildRepoCorpus(): Promise<string[]> {
  const self = await fs.readFile(import.meta.filename, 'utf8');
  const key = `${REPO_CORPUS_VERSION}:${createHash('sha256').update(self).digest('hex')}`;
  return (await readStamp(key)) ?? withLock(`${REPO_CORPUS_DIR}.lock`, async () => (await readStamp(key)) ?? build(key));
}

async function build(key: string): Promise<string[]> {
  const tmp = `${REPO_CORPUS_DIR}.tmp-${process.pid}`;
  await fs.rm(tmp, { recursive: true, force: true });
  const names = packageNames();
  const built: string[] = [];
  // The trees are scratch input: on tmpfs when there is one, since metadata operations dominate.
  const trees = fsSync.mkdtempSync(path.join(fsSync.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'strata-repo-corpus-'));
  try {
    await pool(Array.from(names.keys()), PARALLEL, async (i) => {
      const p = plan(i, names);
      const root = path.join(trees, String(i));
      writeTree(root, p.tree);
      const res = await packRpm({ ...p.spec, root }, { outputDir: path.join(tmp, 'rpms'), compress: p.compress, level: p.compress === 'zstd' ? 3 : p.compress === 'gzip' ? 1 : undefined, sourceDateEpoch: p.buildTime });
      built[i] = path.join('rpms', path.basename(res.path));
    });
    await fs.writeFile(path.join(tmp, 'stamp.json'), `${JSON.stringify({ key, packages: built } satisfies Stamp, null, 1)}\n`);
    await fs.rm(REPO_CORPUS_DIR, { recursive: true, force: true });
    await fs.rename(tmp, REPO_CORPUS_DIR);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    await fs.rm(trees, { recursive: true, force: true });
  }
  return built.map((p) => path.join(REPO_CORPUS_DIR, p));
}
