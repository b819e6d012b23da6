// What the build host itself provides, and package records for the solver made from spec facts.
//
// Strata builds with the host's rpmbuild and toolchain: the host's package database (on Debian,
// an empty rpmdb) says nothing about them, so the BuildRequires a host is trusted to satisfy are
// listed here. Everything else a spec BuildRequires must come from a component of the distro;
// otherwise that component fails with "missing BuildRequires". The list is Fedora's minimal
// buildroot (the @buildsys-build group mock installs) plus the C toolchain packages specs name.
// A BuildRequires on a path (`/usr/bin/foo`) counts as provided when the host has that file.
// More names can be added per build (BuildOptions.hostProvides).
import { existsSync } from 'node:fs';
import { type RepoDep, type RepoDepFlags, type RepoPackage, emptyRepoPackage } from '../repo/model.ts';
import { splitEvr } from '../rpm/evr.ts';

export const HOST_BUILD_TOOLS: readonly string[] = [
  'bash',
  'binutils',
  'bzip2',
  'coreutils',
  'cpio',
  'diffutils',
  'file',
  'findutils',
  'gawk',
  'gcc',
  'gcc-c++',
  'glibc-devel',
  'grep',
  'gzip',
  'make',
  'patch',
  'pkgconf',
  'pkgconf-pkg-config',
  'pkgconfig',
  'rpm-build',
  'sed',
  'systemd-rpm-macros',
  'tar',
  'unzip',
  'util-linux',
  'which',
  'xz',
];

/** The name of the stand-in package for the host in solver pools. */
export const HOST_PACKAGE = 'strata-build-host';

const FLAGS: Record<string, RepoDepFlags> = { '=': 'EQ', '==': 'EQ', '<': 'LT', '>': 'GT', '<=': 'LE', '>=': 'GE' };

/** `name`, `name OP [epoch:]version[-release]` or a rich dependency `(…)`, as rpm prints them. */
export function parseDepString(text: string): RepoDep {
  const s = text.trim();
  if (s.startsWith('(')) return { name: s };
  const m = /^(\S+)\s+(==|=|<=|>=|<|>)\s+(\S+)$/.exec(s);
  if (!m) return { name: s };
  const evr = splitEvr(m[3]);
  const dep: RepoDep = { name: m[1], flags: FLAGS[m[2]], epoch: evr.epoch ?? '0', ver: evr.version };
  if (evr.release !== undefined) dep.rel = evr.release;
  return dep;
}

/** A package as a spec declares it (rpmspec -q), before anything is built. */
export interface DeclaredPackage {
  name: string;
  epoch: string;
  version: string;
  release: string;
  arch: string;
  provides: string[];
  requires: string[];
}

/** A solver record for a package known only by its name, EVR and dependencies. */
export function syntheticPackage(p: DeclaredPackage, location = p.name): RepoPackage {
  const empty = emptyRepoPackage();
  return {
    ...empty,
    pkgid: location,
    checksumType: 'sha256',
    name: p.name,
    arch: p.arch,
    epoch: p.epoch,
    version: p.version,
    release: p.release,
    location,
    deps: { ...empty.deps, provides: p.provides.map(parseDepString), requires: p.requires.map(parseDepString) },
    filesComplete: true,
  };
}

/** rpmlib() capabilities rpm itself provides (the pool's system solvable has them). */
const RPM_INTERNAL = /^rpmlib\(/;

/**
 * The host as one installed package: it provides the host tools, the extra names, the
 * BuildRequires paths present on this machine, and `unresolved` (requires of the packages in the
 * pool that no package provides: libc sonames, interpreters… which the base system supplies).
 */
export function hostPackage(extra: Iterable<string>, unresolved: Iterable<string>, arch: string): RepoPackage {
  const provides = new Set<string>([...HOST_BUILD_TOOLS, ...extra, ...unresolved]);
  return syntheticPackage({ name: HOST_PACKAGE, epoch: '0', version: '1', release: '1', arch, provides: [...provides], requires: [] });
}

/** BuildRequires the host satisfies by the file it names. */
export function hostFiles(buildRequires: Iterable<string>): string[] {
  return [...buildRequires].filter((r) => r.startsWith('/') && existsSync(r));
}

/**
 * Requires of `packages` that none of them provides, by name (versions are the base system's
 * business too). Rich dependencies are left to the solver, which reports them if unmet.
 */
export function unresolvedRequires(packages: readonly RepoPackage[]): string[] {
  const provided = new Set<string>();
  const files = new Set<string>();
  for (const p of packages) {
    for (const d of p.deps.provides) provided.add(d.name);
    for (const f of p.files) files.add(f.path);
  }
  const out = new Set<string>();
  for (const p of packages) {
    for (const r of p.deps.requires) {
      if (r.name.startsWith('(') || RPM_INTERNAL.test(r.name)) continue;
      if (!provided.has(r.name) && !files.has(r.name)) out.add(r.name);
    }
  }
  return [...out];
}
