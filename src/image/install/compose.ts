// composeRoot: an image root from package names and repositories, as `dnf --installroot R install`
// would make it — solved with dnf's semantics (src/solve/request.ts over repositories opened and
// cached exactly as `strata solve` opens them), packages fetched and verified (size and checksum
// from the signed metadata; OpenPGP signatures as dnf's gpgcheck), then installed (install.ts).

import { readKeyring, type Keyring } from '../../rpm/openpgp/index.ts';
import { verifyPackages } from '../../rpm/verify-pool.ts';
import { fetchPackage } from '../../repo/source/open.ts';
import { isLocal, localPath } from '../../repo/source/fetch.ts';
import type { RepoConfig } from '../../repo/source/repo-file.ts';
import type { RepoPackage } from '../../repo/model.ts';
import { parsePrimary } from '../../repo/xml-read/index.ts';
import { applyTrustPolicy, defaultCacheDir } from '../../repo/load.ts';
import { loadSolveRepository, type SolveRepository } from '../../solve/pool-cache.ts';
import { solveRequest, RequestError } from '../../solve/request.ts';
import { type InstallOptions, type InstallResult, checkEmptyRoot, installPackages, requireRoot } from './install.ts';
import { InstallError, type PackageSource } from './model.ts';

export interface OpenRepositoriesOptions {
  /** Trusted public key files: repomd.xml signatures (repo_gpgcheck) and package signatures (gpgcheck). */
  keyFiles?: string[];
  cacheDir?: string;
  refresh?: boolean;
  /** Read repositories and packages without signature checks (checksums still verified). */
  noGpgCheck?: boolean;
}

/**
 * Opens repositories for composing, as `strata solve` does (loadSolveRepository and its pool
 * cache), with the same trust rule: repomd.xml must be signature-checked or pinned by an https
 * metalink unless the caller opts out.
 */
export async function openRepositories(configs: readonly RepoConfig[], opts: OpenRepositoriesOptions = {}): Promise<SolveRepository[]> {
  const keyFiles = opts.keyFiles ?? [];
  const unverified = applyTrustPolicy([...configs], { keyFiles, noGpgCheck: opts.noGpgCheck, enforce: true });
  if (unverified) throw new InstallError(`${unverified.id}: repomd.xml would be read without a signature check: give trusted keys, or opt out of gpgcheck`);
  const keyring = keyFiles.length ? await readKeyring(keyFiles) : undefined;
  const out: SolveRepository[] = [];
  for (const c of configs) {
    out.push(await loadSolveRepository(c, { cacheDir: opts.cacheDir ?? defaultCacheDir(), refresh: opts.refresh === true, ...(keyring ? { keyring } : {}) }));
  }
  return out;
}

export interface ComposeOptions extends Omit<InstallOptions, 'packages'> {
  /** What to install: package names, provides, file paths or NAME-VERSION specs, as dnf install. */
  packages: readonly string[];
  /** Repositories opened with openRepositories (or loadSolveRepository). */
  repos: readonly SolveRepository[];
  /** Keys for package signatures (gpgcheck); default: the repositories' local gpgkey files. */
  keyFiles?: string[];
  /** install_weak_deps (default true). */
  weakDeps?: boolean;
  /** dnf best (default true). */
  best?: boolean;
  excludes?: readonly string[];
  /** Parallel downloads (default 4). */
  downloads?: number;
}

export interface ComposeResult extends InstallResult {
  /** Packages as solved (repository, location, checksum), install order. */
  solved: Array<{ nevra: string; repo: string; location: string; checksum: { type: string; value: string } }>;
  timings: { solve: number; fetch: number; verify: number; install: number };
}

const nevraOf = (p: RepoPackage): string => `${p.name}-${p.epoch && p.epoch !== '0' ? `${p.epoch}:` : ''}${p.version}-${p.release}.${p.arch}`;

async function limit<T, R>(items: readonly T[], n: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(n, items.length)) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]);
      }
    }),
  );
  return out;
}

function packageKeyFiles(repo: SolveRepository, keyFiles: string[] | undefined): string[] {
  if (keyFiles?.length) return keyFiles;
  const c = repo.opened.config;
  if (c.gpgkey.length && c.gpgkey.every(isLocal)) return c.gpgkey.map(localPath);
  throw new InstallError(`${repo.id}: gpgcheck is on but no trusted keys are available: give key files`);
}

export async function composeRoot(opts: ComposeOptions): Promise<ComposeResult> {
  requireRoot();
  checkEmptyRoot(opts.root);
  const t0 = performance.now();
  const arch = opts.arch ?? { x64: 'x86_64', arm64: 'aarch64' }[process.arch as string] ?? process.arch;
  let outcome;
  try {
    outcome = solveRequest({
      repos: opts.repos.map((r) => ({ id: r.id, dnfPriority: r.opened.config.priority, snapshot: r.snapshot })),
      arch,
      action: 'install',
      names: opts.packages,
      best: opts.best !== false,
      weakDeps: opts.weakDeps !== false,
      ...(opts.excludes ? { excludes: opts.excludes } : {}),
    });
  } catch (e) {
    if (e instanceof RequestError) throw new InstallError(e.message);
    throw e;
  }
  if (outcome.problems.length) {
    const lines = outcome.problems.map((p, i) => `Problem ${i + 1}: ${p.text}`);
    throw new InstallError(`cannot compose: the request has no solution\n  ${lines.join('\n  ')}`);
  }
  // The solver names packages; their locations and checksums come from each repository's primary.
  const byRepo = new Map<string, Map<string, RepoPackage>>();
  const chosen: Array<{ repo: SolveRepository; pkg: RepoPackage }> = [];
  for (const item of outcome.transaction) {
    const repo = opts.repos.find((r) => r.id === item.repo);
    if (!repo) throw new InstallError(`${item.nevra}: from unknown repository ${item.repo}`);
    let index = byRepo.get(repo.id);
    if (!index) {
      index = new Map();
      const primary = await repo.opened.readRecord('primary');
      for (const p of parsePrimary(primary ?? new Uint8Array(), `${repo.id}: primary`)) if (!index.has(nevraOf(p))) index.set(nevraOf(p), p);
      byRepo.set(repo.id, index);
    }
    const pkg = index.get(item.nevra);
    if (!pkg) throw new InstallError(`${item.nevra}: not found in ${repo.id}'s primary metadata`);
    chosen.push({ repo, pkg });
  }
  const t1 = performance.now();
  const paths = await limit(chosen, opts.downloads ?? 4, ({ repo, pkg }) =>
    fetchPackage(repo.opened, pkg.location, { size: pkg.packageSize, checksum: { type: pkg.checksumType, value: pkg.pkgid } }, {
      ...(pkg.locationBase !== undefined ? { locationBase: pkg.locationBase } : {}),
    }),
  );
  const t2 = performance.now();
  // dnf's gpgcheck: every package from a gpgcheck repository carries a good signature by a trusted key.
  for (const repo of opts.repos) {
    if (!repo.opened.config.gpgcheck) continue;
    const idx = chosen.flatMap((c, i) => (c.repo === repo ? [i] : []));
    if (!idx.length) continue;
    const keyFiles = packageKeyFiles(repo, opts.keyFiles);
    const keyring: Keyring = await readKeyring(keyFiles);
    const results = await verifyPackages(idx.map((i) => paths[i]), keyring, { keyFiles });
    results.forEach((r, k) => {
      if (r.ok) return;
      const why = r.error ?? r.checks.filter((c) => c.status !== 'OK').map((c) => `${c.name}: ${c.status}`).join('; ');
      throw new InstallError(`${repo.id}: ${chosen[idx[k]].pkg.location}: signature check failed: ${why}`);
    });
  }
  const t3 = performance.now();
  const sources: PackageSource[] = chosen.map((c, i) => ({
    path: paths[i],
    repo: c.repo.id,
    fileChecksum: { type: c.pkg.checksumType, value: c.pkg.pkgid },
  }));
  const result = await installPackages({ ...opts, arch, packages: sources });
  const t4 = performance.now();
  const byPath = new Map(chosen.map((c, i) => [paths[i], c]));
  return {
    ...result,
    solved: result.packages.map((p) => {
      const c = byPath.get(p.path)!;
      return { nevra: p.nevra, repo: c.repo.id, location: c.pkg.location, checksum: { type: c.pkg.checksumType, value: c.pkg.pkgid } };
    }),
    timings: { solve: Math.round(t1 - t0), fetch: Math.round(t2 - t1), verify: Math.round(t3 - t2), install: Math.round(t4 - t3) },
  };
}
