// Dependency filters (--whatprovides, --whatrequires, --whatconflicts, …): capabilities matched
// through the dependency tables, package specs resolved to their provides as dnf does.

import { flagsEvrOverlap } from '../../rpm/depmatch.ts';
import type { RepoDep, RepoDepKind, RepoPackage } from '../model.ts';
import { depEvr, depSense, parseCapability, type Capability } from './capability.ts';
import { absPath, fileSel } from './files.ts';
import { keysMatching, matcher } from './glob.ts';
import { pathKey, type DepTable, type PackageIndex } from './package-index.ts';
import { richMentions, richProvidedBy } from './rich.ts';
import { indices, nonEmpty, type Sel } from './selection.ts';
import { subjectSel } from './spec.ts';

function capOverlaps(cap: Capability, sense: number, evr: string | undefined): boolean {
  return flagsEvrOverlap(cap.sense, cap.evr, sense, evr);
}

// Does package p provide `name sense evr`? Provides, plus its files for path dependencies (libsolv
// file provides).
function pkgProvides(p: RepoPackage, name: string, sense: number, evr: string | undefined): boolean {
  for (const d of p.deps.provides) {
    if (d.name === name && flagsEvrOverlap(depSense(d), depEvr(d), sense, evr)) return true;
  }
  return name.startsWith('/') && p.files.some((f) => absPath(f.path) === name);
}

// Does package p provide the `kind` dep at position j of package `pkg`?
function depProvidedBy(t: DepTable, dep: RepoDep, p: RepoPackage): boolean {
  const rich = t.rich.get(dep.name);
  if (rich) return richProvidedBy(rich, (l) => pkgProvides(p, l.name, l.flags, l.version));
  return pkgProvides(p, dep.name, depSense(dep), depEvr(dep));
}

// `kind` deps of selected packages that match a capability (a glob in the name when `glob`).
export function depMatchSel(ix: PackageIndex, kind: RepoDepKind, caps: readonly string[], within: Sel, glob: boolean, out: Sel): void {
  const t = ix.deps(kind);
  for (const text of caps) {
    const cap = parseCapability(text);
    const names = glob ? keysMatching(t.byName, cap.name) : t.byName.has(cap.name) ? [cap.name] : [];
    const nameOk = glob ? matcher(cap.name) : (n: string) => n === cap.name;
    for (const name of names) {
      const pairs = t.byName.get(name) ?? [];
      for (let k = 0; k < pairs.length; k += 2) {
        const pkg = pairs[k];
        if (!within[pkg] || out[pkg]) continue;
        const dep = ix.packages[pkg].deps[kind][pairs[k + 1]];
        const rich = t.rich.get(dep.name);
        const hit = rich
          ? richMentions(rich, (l) => nameOk(l.name) && capOverlaps(cap, l.flags, l.version))
          : capOverlaps(cap, depSense(dep), depEvr(dep));
        if (hit) out[pkg] = 1;
      }
    }
  }
}

// dnf's _resolve_nevras: the caps read as package specs (case-sensitive, no file names), within.
function resolveSpecs(ix: PackageIndex, caps: readonly string[], within: Sel): number[] {
  const hit = new Uint8Array(ix.packages.length);
  for (const c of caps) {
    const s = subjectSel(ix, c, { icase: false, filenames: false });
    for (let i = 0; i < s.length; i++) if (s[i] && within[i]) hit[i] = 1;
  }
  return indices(hit);
}

// libsolv's whatprovides only holds installable packages: never source packages, and with
// `installableArches` (dnf: the host's compatible arches) only those arches.
export type Installable = (p: RepoPackage) => boolean;

export function installable(arches: readonly string[] | undefined): Installable {
  return (p) => p.arch !== 'src' && p.arch !== 'nosrc' && (!arches || arches.includes(p.arch));
}

// Selected packages whose `kind` deps are provided by one of `providers` (libsolv's
// pool_whatmatchessolvable): reached through each provider's provide names and, for path deps, its
// files. Like libsolv it skips self-matches and requirers that are not installable.
function providedBySel(ix: PackageIndex, kind: RepoDepKind, providers: number[], within: Sel, inst: Installable, out: Sel): void {
  const t = ix.deps(kind);
  const visit = (name: string, i: number, p: RepoPackage): void => {
    const pairs = t.byName.get(name);
    if (pairs === undefined) return;
    for (let k = 0; k < pairs.length; k += 2) {
      const pkg = pairs[k];
      if (!within[pkg] || out[pkg] || pkg === i) continue;
      const q = ix.packages[pkg];
      if (inst(q) && depProvidedBy(t, q.deps[kind][pairs[k + 1]], p)) out[pkg] = 1;
    }
  };
  for (const i of providers) {
    const p = ix.packages[i];
    if (!inst(p)) continue;
    for (const d of p.deps.provides) visit(d.name, i, p);
    if (!t.pathKeys.size) continue;
    for (const f of p.files) {
      const path = absPath(f.path);
      if (t.pathKeys.has(pathKey(path))) visit(path, i, p);
    }
  }
}

export function whatDepSel(ix: PackageIndex, kinds: readonly RepoDepKind[], caps: readonly string[], within: Sel, resolve: boolean, inst: Installable): Sel {
  const out = new Uint8Array(ix.packages.length);
  for (const k of kinds) depMatchSel(ix, k, caps, within, true, out);
  if (resolve) {
    const providers = resolveSpecs(ix, caps, within);
    for (const k of kinds) providedBySel(ix, k, providers, within, inst, out);
  }
  return out;
}

const NON_PROVIDE_KINDS: readonly RepoDepKind[] = ['requires', 'conflicts', 'obsoletes', 'recommends', 'suggests', 'supplements', 'enhances'];

// provides__glob, and only when that finds nothing, file__glob (dnf's whatprovides). Paths other
// packages depend on are also provided by their owners (libsolv's file provides), so a glob over
// such paths finds owners in the provides pass already.
export function whatProvidesSel(ix: PackageIndex, caps: readonly string[], within: Sel, inst: Installable): Sel {
  const out = new Uint8Array(ix.packages.length);
  const t = ix.deps('provides');
  const paths = new Set<string>();
  for (const text of caps) {
    const cap = parseCapability(text);
    for (const name of keysMatching(t.byName, cap.name)) {
      const pairs = t.byName.get(name) ?? [];
      for (let k = 0; k < pairs.length; k += 2) {
        const pkg = pairs[k];
        const p = ix.packages[pkg];
        const dep = p.deps.provides[pairs[k + 1]];
        if (within[pkg] && inst(p) && capOverlaps(cap, depSense(dep), depEvr(dep))) out[pkg] = 1;
      }
    }
    if (!/[*?[\\]/.test(cap.name)) {
      if (cap.name.startsWith('/')) paths.add(cap.name);
    } else if (/^[/*?[]/.test(cap.name)) {
      const test = matcher(cap.name);
      for (const k of NON_PROVIDE_KINDS) for (const path of ix.deps(k).paths) if (test(path)) paths.add(path);
    }
  }
  if (paths.size) {
    const owners = fileSel(ix, [...paths], within);
    ix.packages.forEach((p, i) => {
      if (owners[i] && inst(p)) out[i] = 1;
    });
  }
  return nonEmpty(out) ? out : fileSel(ix, caps, within);
}
