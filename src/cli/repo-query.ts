// `strata repo query` (dnf repoquery) and `strata repo compare` over repositories read and
// verified by src/repo/load.ts: local directories, http(s) URLs, or .repo files.

import type { ParseArgsOptionsConfig } from 'node:util';
import type { LoadedRepository } from '../repo/load.ts';
import type { RepoConfig } from '../repo/source/repo-file.ts';
import type { Keyring } from '../rpm/openpgp/index.ts';
import type { RepoPackage } from '../repo/model.ts';
import type { QueryPackage } from '../repo/query/index.ts';
import type { Command } from './command.ts';
import { CliError, UsageError } from './errors.ts';
import { loadKeyring } from './keys.ts';
import type { Output } from './output.ts';

const str = { type: 'string' } as const;
const multi = { type: 'string', multiple: true } as const;
const bool = { type: 'boolean' } as const;

/** Options every command that reads repositories takes. */
export const REPO_SOURCE_OPTIONS: ParseArgsOptionsConfig = {
  repo: multi,
  repofile: multi,
  releasever: str,
  basearch: str,
  setvar: multi,
  key: multi,
  refresh: bool,
  'cache-dir': str,
  nogpgcheck: bool,
};

export const REPO_SOURCE_HELP: Array<[string, string]> = [
  ['--repo PATH|URL', 'a repository directory or base URL; repeatable'],
  ['--repofile FILE', 'dnf .repo file (its enabled repositories); repeatable'],
  ['--releasever V', '$releasever for .repo files; also --basearch A, --setvar NAME=VALUE'],
  ['--key FILE', 'trusted public key: repomd.xml must carry a good signature by it (repo_gpgcheck)'],
  ['--refresh', 'check for new metadata even if the cache has not expired'],
  ['--cache-dir DIR', 'metadata cache (default $STRATA_CACHE_DIR or ~/.cache/strata/repos)'],
  ['--nogpgcheck', 'read repositories without a signature check (checksums are still verified)'],
];

function vars(v: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof v.releasever === 'string') out.releasever = v.releasever;
  if (typeof v.basearch === 'string') out.basearch = v.basearch;
  for (const s of (v.setvar as string[] | undefined) ?? []) {
    const i = s.indexOf('=');
    if (i <= 0) throw new UsageError(`--setvar: expected NAME=VALUE, got "${s}"`);
    out[s.slice(0, i)] = s.slice(i + 1);
  }
  return out;
}

/** How one selected repository is read (default: loadRepository, every record parsed). */
export type RepositoryLoader<T> = (config: RepoConfig, opts: { cacheDir: string; refresh: boolean; keyring?: Keyring }) => Promise<T>;

export async function loadSelectedRepositories(out: Output, v: Record<string, unknown>, locations: string[]): Promise<LoadedRepository[]>;
export async function loadSelectedRepositories<T>(out: Output, v: Record<string, unknown>, locations: string[], load: RepositoryLoader<T>): Promise<T[]>;
export async function loadSelectedRepositories<T>(
  out: Output,
  v: Record<string, unknown>,
  locations: string[],
  load?: RepositoryLoader<T>,
): Promise<(T | LoadedRepository)[]> {
  const { applyTrustPolicy, defaultCacheDir, loadRepository, selectRepositories } = await import('../repo/load.ts');
  const keyFiles = (v.key as string[] | undefined) ?? [];
  const configs = selectRepositories({
    locations,
    repoFiles: (v.repofile as string[] | undefined) ?? [],
    vars: vars(v),
    keyFiles,
  });
  if (configs.length === 0) throw new UsageError('no repositories: give --repo PATH|URL or --repofile FILE');
  const unverified = applyTrustPolicy(configs, { keyFiles, noGpgCheck: Boolean(v.nogpgcheck) });
  if (unverified) {
    throw new CliError(
      `${unverified.id}: repomd.xml would be read without a signature check: give --key FILE (or repo_gpgcheck=1 and gpgkey in the .repo file), or --nogpgcheck`,
    );
  }
  const keyring = keyFiles.length ? await loadKeyring(keyFiles, out) : undefined;
  const cacheDir = typeof v['cache-dir'] === 'string' ? v['cache-dir'] : defaultCacheDir();
  const repos: (T | LoadedRepository)[] = [];
  for (const c of configs) {
    out.debug(`${c.id}: ${c.baseurl.join(' ') || c.metalink || c.mirrorlist}`);
    const opts = { cacheDir, refresh: Boolean(v.refresh), ...(keyring ? { keyring } : {}) };
    repos.push(await (load ?? loadRepository)(c, opts));
  }
  return repos;
}

function packageJson(p: QueryPackage): Record<string, unknown> {
  return {
    nevra: `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch}`,
    name: p.name,
    epoch: p.epoch,
    version: p.version,
    release: p.release,
    arch: p.arch,
    repoid: p.repoid,
    summary: p.summary,
    location: p.location,
    checksum: { type: p.checksumType, value: p.pkgid },
    packageSize: p.packageSize,
    installedSize: p.installedSize,
    buildTime: p.buildTime,
    sourceRpm: p.sourceRpm,
    license: p.license,
    url: p.url,
  };
}

/**
 * Checks the selected packages' files: size and checksum against primary.xml, and with --key their
 * OpenPGP signatures (dnf's gpgcheck). Remote packages are downloaded into the cache first.
 */
async function verifySelected(out: Output, repos: LoadedRepository[], pkgs: QueryPackage[], keyFiles: string[]): Promise<void> {
  const [{ packagePaths }, { verifyPackages }] = await Promise.all([import('../repo/load.ts'), import('../rpm/verify-pool.ts')]);
  const keyring = keyFiles.length ? await loadKeyring(keyFiles, out) : undefined;
  for (const repo of repos) {
    if (!keyring && repo.opened.config.gpgcheck) {
      throw new CliError(`${repo.id}: --verify-packages checks package signatures: give --key FILE, or --nogpgcheck for checksums only`);
    }
    const mine = pkgs.filter((p) => p.repoid === repo.id);
    if (!mine.length) continue;
    const paths = await packagePaths(repo, mine);
    if (!keyring) continue;
    const results = await verifyPackages(paths, keyring, {});
    const bad = results.find((r) => !r.ok);
    if (bad) {
      const why = bad.error ?? bad.checks.filter((c) => c.status !== 'OK').map((c) => `${c.name}: ${c.status}${c.detail ? ` (${c.detail})` : ''}`).join('; ');
      throw new CliError(`${repo.id}: ${bad.file}: signature check failed: ${why}`);
    }
  }
}

/**
 * A bad --qf tag, glob or capability is the user's mistake: a usage error, not an internal one.
 * (QueryError is matched by name: the query module is loaded lazily.)
 */
function queryInput<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && e.name === 'QueryError') throw new UsageError(`repo query: ${what}${e.message}`);
    throw e;
  }
}

/** Node's name for this machine → rpm's arch. */
const HOST_ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ppc64: 'ppc64le', s390x: 's390x', ia32: 'i686', riscv64: 'riscv64' };

/**
 * dnf's --whatprovides/--whatrequires see only packages installable on the system arch (plus
 * noarch); source packages never count.
 */
async function installableArches(forced: string | undefined): Promise<string[]> {
  const arch = forced ?? HOST_ARCH[process.arch] ?? process.arch;
  const { archScores } = await import('../solve/pool/arch.ts');
  return [...archScores(arch).keys()];
}

const WHAT = ['whatprovides', 'whatrequires', 'whatconflicts', 'whatobsoletes', 'whatrecommends', 'whatsuggests', 'whatsupplements', 'whatenhances'] as const;

export const repoQuery: Command = {
  name: 'repo query',
  summary: 'Query repository metadata like dnf repoquery (packages, provides, requires)',
  usage: '[options] [PATTERN...]',
  optionHelp: [
    ...REPO_SOURCE_HELP,
    ['--whatprovides CAP', 'packages providing a capability or file; repeatable (also --whatrequires,'],
    ['', '--whatconflicts, --whatobsoletes, --whatrecommends, --whatsuggests, --whatsupplements, --whatenhances)'],
    ['--file GLOB', 'packages owning a matching file'],
    ['--arch ARCH', 'only these architectures; repeatable'],
    ['--latest-limit N', 'only the N newest versions per name.arch (--latest = 1)'],
    ['--qf FORMAT', 'output format, rpm-style tags (default "%{name}-%{epoch}:%{version}-%{release}.%{arch}")'],
    ['--exactdeps', '--whatrequires matches the capability only, not packages named by it'],
    ['--forcearch ARCH', 'the system arch whose installable packages --what* sees (default: this host\'s, as dnf)'],
    ['--verify-packages', 'also check each listed package file (size, checksum; signature with --key)'],
  ],
  examples: [
    'strata repo query --repo repo/ hello',
    'strata repo query --repo https://example.com/4.0/x86_64/ --key RPM-GPG-KEY --whatprovides /usr/bin/python3',
    'strata repo query --repofile azl.repo --releasever 4.0 --latest --qf "%{name} %{evr} %{repoid}" "kernel*"',
  ],
  options: {
    ...REPO_SOURCE_OPTIONS,
    ...Object.fromEntries(WHAT.map((w) => [w, multi])),
    file: multi,
    arch: multi,
    'latest-limit': str,
    latest: bool,
    qf: str,
    exactdeps: bool,
    forcearch: str,
    'verify-packages': bool,
  },
  async run({ out }, v, patterns) {
    const { DEFAULT_QUERY_FORMAT, PackageIndex, compileQueryFormat, queryPackages } = await import('../repo/query/index.ts');
    let latestLimit = v.latest ? 1 : 0;
    if (v['latest-limit'] !== undefined) {
      if (!/^-?[0-9]+$/.test(v['latest-limit'] as string)) throw new UsageError('repo query: --latest-limit: expected an integer');
      latestLimit = Number(v['latest-limit']);
    }
    const format = queryInput('--qf: ', () => compileQueryFormat((v.qf as string | undefined) ?? DEFAULT_QUERY_FORMAT));
    const repos = await loadSelectedRepositories(out, v, (v.repo as string[] | undefined) ?? []);
    const all: QueryPackage[] = repos.flatMap((r) => r.metadata.packages.map((p: RepoPackage) => Object.assign(p, { repoid: r.id })));
    const ix = new PackageIndex(all);
    const arches = await installableArches(v.forcearch as string | undefined);
    const found = queryInput('', () => queryPackages(ix, {
      patterns,
      ...Object.fromEntries(WHAT.filter((w) => v[w]).map((w) => [w, v[w] as string[]])),
      ...(v.file ? { file: v.file as string[] } : {}),
      ...(v.arch ? { arch: v.arch as string[] } : {}),
      exactdeps: Boolean(v.exactdeps),
      installableArches: arches,
      latestLimit,
    }));
    if (v['verify-packages']) await verifySelected(out, repos, found, (v.key as string[] | undefined) ?? []);
    if (out.format === 'json') return out.json(found.map(packageJson));
    // dnf prints unique lines, sorted.
    for (const l of [...new Set(found.map(format))].sort()) out.line(l);
  },
};

export const repoCompare: Command = {
  name: 'repo compare',
  summary: 'Compare two repositories: added, removed, upgraded and downgraded packages',
  usage: '[options] LEFT RIGHT',
  optionHelp: [
    ['--stat', 'only counts and sizes'],
    ['--checksums', 'also list packages with the same NEVRA but different file checksums'],
    ['--key FILE', 'trusted public key for both sides (repo_gpgcheck); repeatable'],
    ['--refresh', 'check for new metadata even if the cache has not expired'],
    ['--cache-dir DIR', 'metadata cache (default $STRATA_CACHE_DIR or ~/.cache/strata/repos)'],
    ['--nogpgcheck', 'read repositories without a signature check (checksums are still verified)'],
  ],
  examples: ['strata repo compare old-snapshot/ new-snapshot/', 'strata repo compare --stat -o json https://a.example/repo/ https://b.example/repo/'],
  options: { stat: bool, checksums: bool, key: multi, refresh: bool, 'cache-dir': str, nogpgcheck: bool },
  minArgs: 2,
  maxArgs: 2,
  async run({ out }, v, [left, right]) {
    const { compareRepositories } = await import('../repo/compare.ts');
    const [l] = await loadSelectedRepositories(out, v, [left]);
    const [r] = await loadSelectedRepositories(out, v, [right]);
    const c = compareRepositories(l.metadata.packages, r.metadata.packages, { checksums: Boolean(v.checksums) });
    const nevra = (p: QueryPackage): string => `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch}`;
    if (out.format === 'json') {
      if (v.stat) return out.json(c.stat);
      return out.json({
        added: c.added.map(nevra),
        removed: c.removed.map(nevra),
        upgraded: c.upgraded.map((x) => ({ from: nevra(x.left), to: nevra(x.right) })),
        downgraded: c.downgraded.map((x) => ({ from: nevra(x.left), to: nevra(x.right) })),
        ...(v.checksums ? { changed: c.changed.map((x) => ({ nevra: nevra(x.left), from: x.left.pkgid, to: x.right.pkgid })) } : {}),
        stat: c.stat,
      });
    }
    if (!v.stat) {
      const rows: Array<[string, string]> = [
        ...c.added.map((p): [string, string] => ['added', nevra(p)]),
        ...c.removed.map((p): [string, string] => ['removed', nevra(p)]),
        ...c.upgraded.map((x): [string, string] => ['upgraded', `${nevra(x.left)} -> ${nevra(x.right)}`]),
        ...c.downgraded.map((x): [string, string] => ['downgraded', `${nevra(x.left)} -> ${nevra(x.right)}`]),
        ...c.changed.map((x): [string, string] => ['changed', `${nevra(x.left)} (${x.left.pkgid.slice(0, 12)} -> ${x.right.pkgid.slice(0, 12)})`]),
      ];
      if (rows.length) out.table(['CHANGE', 'PACKAGE'], rows);
    }
    const s = c.stat;
    out.line(
      `${s.left.packages} -> ${s.right.packages} packages: ${s.added} added, ${s.removed} removed, ${s.upgraded} upgraded, ${s.downgraded} downgraded` +
        `${v.checksums ? `, ${s.changed} changed` : ''}; size ${s.packageSizeDelta >= 0 ? '+' : ''}${s.packageSizeDelta} bytes`,
    );
  },
};
