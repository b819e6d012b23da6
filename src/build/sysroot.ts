// A component's build sysroot: the packages that installing its BuildRequires pulls in from the
// outputs of earlier waves (the chained local repository), extracted into one directory.
//
// The host's rpmdb knows nothing of those packages, so rpmbuild runs with --nodeps and the spec
// finds them through the sysroot: Strata defines the macro %{strata_sysroot} and the environment
// variable STRATA_SYSROOT as its absolute path (e.g. `-I%{?strata_sysroot}%{_includedir}`).
// With mock, or a plain rpmbuild on a system that has the BuildRequires installed, the macro is
// undefined and `%{?strata_sysroot}` expands to nothing, so the same spec builds there too.
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RepoPackage } from '../repo/model.ts';
import { extractPackage } from '../rpm/extract.ts';
import { hostFiles, hostPackage, unresolvedRequires } from './host.ts';
import { BuildRequiresPool } from './solve.ts';

/** A package an earlier build produced: its record (for the solver) and its file. */
export interface BuiltPackage {
  record: RepoPackage;
  path: string;
}

export interface SysrootResult {
  /** NEVRAs extracted into the sysroot, in solver order. */
  installed: string[];
  /** The solver's problems, when the BuildRequires cannot be installed from the built packages. */
  problem?: string;
}

/** As the solver names packages (request.ts nevraOf). */
function nevraOf(r: RepoPackage): string {
  const e = r.epoch && r.epoch !== '0' ? `${r.epoch}:` : '';
  return `${r.name}-${e}${r.version}-${r.release}.${r.arch}`;
}

/**
 * Solves `buildRequires` against `available` (component → its built packages) with the host as the
 * installed system, then extracts the packages to install into `dest` (replaced if present).
 */
export async function populateSysroot(
  dest: string,
  buildRequires: readonly string[],
  available: ReadonlyMap<string, readonly BuiltPackage[]>,
  opts: { arch: string; hostProvides?: readonly string[] },
): Promise<SysrootResult> {
  await rm(dest, { recursive: true, force: true });
  await mkdir(dest, { recursive: true });
  const records = [...available.values()].flatMap((l) => l.map((b) => b.record));
  if (!buildRequires.length || !records.length) return { installed: [] };
  const host = hostPackage([...(opts.hostProvides ?? []), ...hostFiles(buildRequires)], unresolvedRequires(records), opts.arch);
  const byComponent = new Map([...available].map(([id, list]) => [id, list.map((b) => b.record)]));
  const solution = new BuildRequiresPool(byComponent, host, opts.arch).solve(buildRequires);
  if (solution.problem) return { installed: [], problem: solution.problem };
  const fileOf = new Map<RepoPackage, string>();
  for (const list of available.values()) for (const b of list) fileOf.set(b.record, b.path);
  const installed: string[] = [];
  const staging = `${dest}.extract`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    for (const [i, { record }] of solution.install.entries()) {
      // Each package is extracted (digests verified, paths confined) on its own, then merged:
      // extractPackage creates its destination whole, and packages share directories.
      const one = join(staging, String(i));
      await extractPackage(fileOf.get(record)!, one);
      await cp(one, dest, { recursive: true, force: true, verbatimSymlinks: true });
      installed.push(nevraOf(record));
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { installed };
}
