// `strata pack` (also `strata rpm pack`): build a binary RPM from pack.toml or from flags + a directory.

import { readFile, stat } from 'node:fs/promises';
import { KeystoreError, resolveSigningKey } from '../keys/index.ts';
import { PgpError } from '../rpm/openpgp/index.ts';
import type { DepKind } from '../rpm/model.ts';
import { PackInputError, type PackSpec, packRpm } from '../rpm/write/pack.ts';
import { type PackToml, loadPackToml } from '../rpm/write/pack-toml.ts';
import type { CompressorName } from '../rpm/write/compress.ts';
import type { FileOverride, ScriptKind } from '../rpm/write/spec.ts';
import type { Command } from './command.ts';
import { CliError, UsageError } from './errors.ts';

const TEXT_FLAGS: Record<string, keyof PackSpec> = {
  name: 'name', version: 'version', release: 'release', arch: 'arch', summary: 'summary', description: 'description',
  license: 'license', url: 'url', vendor: 'vendor', packager: 'packager', group: 'group', buildhost: 'buildHost',
};
const DEP_FLAGS: Record<string, DepKind> = {
  provides: 'provides', requires: 'requires', conflicts: 'conflicts', obsoletes: 'obsoletes', recommends: 'recommends',
  suggests: 'suggests', supplements: 'supplements', enhances: 'enhances', orderwithrequires: 'orderwithrequires',
};
const FILE_FLAGS: Record<string, FileOverride> = {
  config: { config: true }, 'config-noreplace': { config: 'noreplace' }, doc: { doc: true }, ghost: { ghost: true }, dir: { dir: true },
};
const SCRIPT_FLAGS: ScriptKind[] = ['pre', 'post', 'preun', 'postun', 'pretrans', 'posttrans'];

/** Applies metadata flags on top of a spec (from pack.toml, or empty). */
async function applyFlags(spec: Partial<PackSpec>, v: Record<string, unknown>): Promise<void> {
  for (const [flag, key] of Object.entries(TEXT_FLAGS)) {
    if (typeof v[flag] === 'string') (spec as Record<string, unknown>)[key] = v[flag];
  }
  if (typeof v.epoch === 'string') {
    if (!/^[0-9]+$/.test(v.epoch)) throw new UsageError(`pack: --epoch: "${v.epoch}" is not an unsigned integer`);
    spec.epoch = Number(v.epoch);
  }
  for (const [flag, kind] of Object.entries(DEP_FLAGS)) {
    const list = v[flag] as string[] | undefined;
    if (list?.length) spec.deps = { ...spec.deps, [kind]: [...(spec.deps?.[kind] ?? []), ...list] };
  }
  for (const [flag, attrs] of Object.entries(FILE_FLAGS)) {
    for (const p of (v[flag] as string[] | undefined) ?? []) spec.files = { ...spec.files, [p]: { ...spec.files?.[p], ...attrs } };
  }
  for (const s of SCRIPT_FLAGS) {
    if (typeof v[s] === 'string') spec.scripts = { ...spec.scripts, [s]: await readFile(v[s] as string, 'utf8') };
  }
}

function intFlag(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^[0-9]+$/.test(v)) throw new UsageError(`pack: --${name}: expected an integer`);
  return Number(v);
}

const multi = { type: 'string', multiple: true } as const;
const str = { type: 'string' } as const;

export const pack: Command = {
  name: 'pack',
  summary: 'Build a binary RPM from a directory tree and pack.toml metadata (or flags)',
  usage: '[options] (PACK.toml | --name N --version=V --summary S --license L DIR)',
  optionHelp: [
    ['--output-dir DIR', 'where to write NAME-VERSION-RELEASE.ARCH.rpm (default .)'],
    ['--compress ALGO', 'zstd (default, level 19 like Fedora), gzip, xz or none'],
    ['--level N', 'compression level'],
    ['--sign-key KEY', 'sign the header with this OpenPGP secret key (RSA or EdDSA): a keystore key name (strata key list) or a key file'],
    ['--passphrase-file FILE', 'passphrase of the signing key'],
    ['--name NAME', 'package name; metadata flags override pack.toml'],
    ['--version=VER', 'version (use the = form: a bare --version prints strata\'s own)'],
    ['--release REL', 'also --epoch N, --arch noarch|native|x86_64|…'],
    ['--summary TEXT', 'also --description --license --url --vendor --packager --group --buildhost'],
    ['--requires DEP', 'repeatable; also --provides --conflicts --obsoletes --recommends --suggests --supplements --enhances --orderwithrequires'],
    ['--config PATH', 'mark as %config (repeatable); also --config-noreplace --doc --ghost --dir'],
    ['--post FILE', '/bin/sh scriptlet from a file; also --pre --preun --postun --pretrans --posttrans'],
  ],
  examples: [
    'strata pack examples/hello/pack.toml --output-dir out',
    'strata pack --name hello --version=1.0 --summary "Hello" --license MIT --requires "bash >= 5" root/',
    'SOURCE_DATE_EPOCH=1700000000 strata pack -o json --compress gzip --sign-key key.asc pack.toml',
  ],
  options: {
    'output-dir': str, compress: str, level: str, 'sign-key': str, 'passphrase-file': str,
    ...Object.fromEntries(Object.keys(TEXT_FLAGS).map((k) => [k, str])), epoch: str,
    ...Object.fromEntries(Object.keys(DEP_FLAGS).map((k) => [k, multi])),
    ...Object.fromEntries(Object.keys(FILE_FLAGS).map((k) => [k, multi])),
    ...Object.fromEntries(SCRIPT_FLAGS.map((k) => [k, str])),
  },
  minArgs: 1,
  maxArgs: 1,
  async run({ out }, v, [input]) {
    let toml: PackToml = { spec: {} as PackSpec, build: {} };
    // A directory (or anything but a .toml file once --name is given) is the tree to package with
    // metadata from flags; otherwise the argument is a pack.toml that flags may override.
    const isDir = (await stat(input).catch(() => undefined))?.isDirectory() ?? false;
    const fromFlags = isDir || (typeof v.name === 'string' && !input.endsWith('.toml'));
    if (!fromFlags) toml = await loadPackToml(input).catch(wrap);
    const spec: Partial<PackSpec> = toml.spec;
    if (fromFlags) {
      if (typeof v.name !== 'string') throw new UsageError('pack: give a pack.toml file, or --name … and the directory to package');
      spec.root = input;
    }
    await applyFlags(spec, v);
    let sign: { key: string; passphrase?: string } | undefined;
    let keyWarning: string | undefined;
    if (typeof v['sign-key'] === 'string') {
      const k = await resolveSigningKey(v['sign-key']).catch(wrap);
      out.debug(`signing with ${k.source}`);
      keyWarning = k.warning;
      sign = { key: k.armored };
      if (typeof v['passphrase-file'] === 'string') sign.passphrase = (await readFile(v['passphrase-file'], 'utf8')).replace(/\r?\n$/, '');
    } else if (v['passphrase-file'] !== undefined) throw new UsageError('pack: --passphrase-file needs --sign-key');
    const r = await packRpm(spec as PackSpec, {
      outputDir: (v['output-dir'] as string | undefined) ?? '.',
      compress: ((v.compress as string | undefined) ?? toml.build.compress) as CompressorName | undefined,
      level: intFlag('level', v.level) ?? toml.build.level,
      sign,
    }).catch(wrap);
    if (keyWarning) out.info(keyWarning);
    const rec = { path: r.path, nevra: r.nevra, size: r.size, sha256: r.sha256 };
    if (out.format === 'json') return out.json(rec);
    out.table(['NEVRA', 'SIZE', 'SHA256', 'PATH'], [[rec.nevra, rec.size, rec.sha256, rec.path]]);
  },
};

/** Input problems become one-line CLI errors (exit 1). */
function wrap(e: unknown): never {
  if (e instanceof PackInputError || e instanceof PgpError || e instanceof KeystoreError) throw new CliError(e.message);
  throw e;
}

export const packCommands: Command[] = [pack, { ...pack, name: 'rpm pack' }];
