// pack.toml: the metadata file `strata pack` reads. Keys mirror spec preamble tags; every table is
// checked for unknown keys so a typo fails with its dotted name instead of being silently ignored.
//
//   root = "root"                       # the tree to package, relative to this file
//   [package]  name, epoch, version, release, arch, summary, description, license, url, vendor,
//              packager, group, buildhost, distribution, bugurl, sourcerpm, platform, optflags
//   [build]    compress = "zstd" | "gzip" | "xz" | "none", level = 19
//   [dependencies]  provides / requires / conflicts / obsoletes / recommends / suggests /
//              supplements / enhances / orderwithrequires = ["name >= 1", "(a or b)", { dep = "x", when = ["pre"] }]
//   [scripts]  pre / post / preun / postun / pretrans / posttrans / verify = "sh body" or
//              { interpreter = "<lua>", body = "…" }
//   [files."/etc/hello.conf"]  config = "noreplace", doc, license, ghost, dir, mode, user, group, caps
//   [[changelog]]  date = 2024-01-01, author = "…", version = "1.0-1", text = "- …"

import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { TomlDate, TomlError, parse } from 'smol-toml';
import { DEP_KINDS } from '../model.ts';
import type { CompressorName } from './compress.ts';
import { PackInputError } from './deps.ts';
import { type ChangelogInput, type PackSpec, SCRIPT_KINDS } from './spec.ts';

const PACKAGE_KEYS: Record<string, keyof PackSpec> = {
  name: 'name', epoch: 'epoch', version: 'version', release: 'release', arch: 'arch', summary: 'summary',
  description: 'description', license: 'license', url: 'url', vendor: 'vendor', packager: 'packager',
  group: 'group', buildhost: 'buildHost', distribution: 'distribution', bugurl: 'bugUrl',
  sourcerpm: 'sourceRpm', platform: 'platform', optflags: 'optflags',
};

export interface PackToml {
  spec: PackSpec;
  build: { compress?: CompressorName; level?: number };
}

type Table = Record<string, unknown>;

function table(field: string, v: unknown): Table {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) {
    throw new PackInputError(`${field}: expected a table`);
  }
  return v as Table;
}

function onlyKeys(field: string, t: Table, allowed: readonly string[]): void {
  for (const k of Object.keys(t)) if (!allowed.includes(k)) throw new PackInputError(`${field ? `${field}.` : ''}${k}: unknown key`);
}

/** TOML dates: a bare date stays "YYYY-MM-DD" (noon UTC later); date-times become instants. */
function dateValue(v: unknown): ChangelogInput['date'] {
  if (v instanceof TomlDate) return v.isDate() ? v.toISOString().slice(0, 10) : new Date(v.getTime());
  return v as ChangelogInput['date'];
}

/** Converts a parsed pack.toml document; relative `root` is resolved against `baseDir`. */
export function packTomlFromDoc(doc: Table, baseDir: string): PackToml {
  onlyKeys('', doc, ['root', 'package', 'build', 'dependencies', 'scripts', 'files', 'changelog']);
  const pkg = table('package', doc.package ?? {});
  onlyKeys('package', pkg, Object.keys(PACKAGE_KEYS));
  const spec: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(pkg)) {
    const want = k === 'epoch' ? 'number' : 'string';
    if (typeof v !== want) throw new PackInputError(`package.${k}: expected ${want === 'number' ? 'an integer' : 'text'}`);
    spec[PACKAGE_KEYS[k]] = v;
  }
  if (typeof doc.root !== 'string') throw new PackInputError('root: the directory to package is required (root = "…")');
  spec.root = resolve(baseDir, doc.root);

  const deps = table('dependencies', doc.dependencies ?? {});
  onlyKeys('dependencies', deps, DEP_KINDS);
  for (const [k, v] of Object.entries(deps)) {
    if (!Array.isArray(v)) throw new PackInputError(`dependencies.${k}: expected a list`);
    v.forEach((d, i) => {
      if (typeof d === 'string') return;
      onlyKeys(`dependencies.${k}[${i}]`, table(`dependencies.${k}[${i}]`, d), ['dep', 'when']);
    });
  }
  spec.deps = deps;

  const scripts = table('scripts', doc.scripts ?? {});
  onlyKeys('scripts', scripts, SCRIPT_KINDS);
  for (const [k, v] of Object.entries(scripts)) {
    if (typeof v !== 'string') onlyKeys(`scripts.${k}`, table(`scripts.${k}`, v), ['body', 'interpreter']);
  }
  spec.scripts = scripts;

  const files = table('files', doc.files ?? {});
  for (const [k, v] of Object.entries(files)) table(`files."${k}"`, v);
  spec.files = files;

  const changelog = doc.changelog ?? [];
  if (!Array.isArray(changelog)) throw new PackInputError('changelog: expected [[changelog]] entries');
  spec.changelog = changelog.map((e, i) => {
    const t = table(`changelog[${i}]`, e);
    onlyKeys(`changelog[${i}]`, t, ['date', 'author', 'version', 'text']);
    return { ...t, date: dateValue(t.date) };
  });

  const build = table('build', doc.build ?? {});
  onlyKeys('build', build, ['compress', 'level']);
  if (build.compress !== undefined && typeof build.compress !== 'string') throw new PackInputError('build.compress: expected text');
  if (build.level !== undefined && typeof build.level !== 'number') throw new PackInputError('build.level: expected an integer');
  return { spec: spec as unknown as PackSpec, build: build as PackToml['build'] };
}

/** Reads and converts a pack.toml file. */
export async function loadPackToml(path: string): Promise<PackToml> {
  const text = await readFile(path, 'utf8');
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (e) {
    if (e instanceof TomlError) {
      throw new PackInputError(`${path}:${e.line}:${e.column}: ${e.message.split('\n')[0]}`);
    }
    throw e;
  }
  try {
    return packTomlFromDoc(doc, dirname(resolve(path)));
  } catch (e) {
    if (e instanceof PackInputError) throw new PackInputError(`${path}: ${e.message}`);
    throw e;
  }
}
