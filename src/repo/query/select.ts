// queryPackages: `dnf repoquery` itself, the options applied as filters in dnf's order over a
// selection, plus the whatProvides/whatRequires shorthands.

import type { RepoDepKind } from '../model.ts';
import { depMatchSel, installable, whatDepSel, whatProvidesSel } from './dep-filter.ts';
import { fileSel } from './files.ts';
import { latestOf } from './latest.ts';
import type { PackageIndex } from './package-index.ts';
import { and, full, indices, type Sel } from './selection.ts';
import { subjectSel } from './spec.ts';
import type { QueryPackage } from './types.ts';

export interface QueryOptions {
  /** Package specs (repoquery's KEY arguments, globs allowed); none or empty = every package. */
  patterns?: readonly string[];
  /** --arch: exact architectures. */
  arch?: readonly string[];
  /** --repo: exact repository ids. */
  repoid?: readonly string[];
  /** --file: file globs. */
  file?: readonly string[];
  whatprovides?: readonly string[];
  whatrequires?: readonly string[];
  whatconflicts?: readonly string[];
  whatobsoletes?: readonly string[];
  whatrecommends?: readonly string[];
  whatsuggests?: readonly string[];
  whatsupplements?: readonly string[];
  whatenhances?: readonly string[];
  /** requires, recommends, suggests, supplements or enhances. */
  whatdepends?: readonly string[];
  /** --exactdeps: whatrequires/whatdepends match capabilities only, without resolving package specs. */
  exactdeps?: boolean;
  /** --latest-limit: N newest EVRs per name.arch; negative = all but the -N newest; 0 = off. */
  latestLimit?: number;
  /**
   * The arches dnf could install here (for x86_64: x86_64, i686, …, noarch). dnf's whatprovides and
   * its package-to-provides resolution see only those packages; unset = every arch. Source packages
   * are never seen there.
   */
  installableArches?: readonly string[];
}

type WeakOption = 'whatrecommends' | 'whatenhances' | 'whatsupplements' | 'whatsuggests';
const WEAK: ReadonlyArray<[WeakOption, RepoDepKind]> = [
  ['whatrecommends', 'recommends'],
  ['whatenhances', 'enhances'],
  ['whatsupplements', 'supplements'],
  ['whatsuggests', 'suggests'],
];

/**
 * `dnf repoquery` with the given options, filters applied in dnf's order; packages come back in
 * index order (use formatQueryResults for dnf's output).
 */
export function queryPackages(ix: PackageIndex, o: QueryOptions = {}): QueryPackage[] {
  let sel: Sel;
  if (o.patterns?.length) {
    sel = new Uint8Array(ix.packages.length);
    for (const p of o.patterns) {
      const s = subjectSel(ix, p, { icase: true, filenames: true });
      for (let i = 0; i < s.length; i++) sel[i] |= s[i];
    }
  } else sel = full(ix);
  const keepIf = (test: (p: QueryPackage) => boolean): void => {
    ix.packages.forEach((p, i) => {
      if (sel[i] && !test(p)) sel[i] = 0;
    });
  };
  const { repoid, arch } = o;
  if (repoid?.length) keepIf((p) => p.repoid !== undefined && repoid.includes(p.repoid));
  if (arch?.length) keepIf((p) => arch.includes(p.arch));
  if (o.file?.length) sel = and(fileSel(ix, o.file), sel);
  const inst = installable(o.installableArches);
  if (o.whatconflicts?.length) sel = whatDepSel(ix, ['conflicts'], o.whatconflicts, sel, true, inst);
  if (o.whatobsoletes?.length) {
    const out = new Uint8Array(ix.packages.length);
    depMatchSel(ix, 'obsoletes', o.whatobsoletes, sel, false, out);
    sel = out;
  }
  if (o.whatprovides?.length) sel = whatProvidesSel(ix, o.whatprovides, sel, inst);
  if (o.whatrequires?.length) sel = whatDepSel(ix, ['requires'], o.whatrequires, sel, !o.exactdeps, inst);
  if (o.whatdepends?.length) {
    const kinds: RepoDepKind[] = ['requires', 'recommends', 'enhances', 'supplements', 'suggests'];
    sel = whatDepSel(ix, kinds, o.whatdepends, sel, !o.exactdeps, inst);
  }
  for (const [opt, kind] of WEAK) {
    const caps = o[opt];
    if (caps?.length) sel = whatDepSel(ix, [kind], caps, sel, true, inst);
  }
  let ids = indices(sel);
  if (o.latestLimit) ids = latestOf(ix.packages, ids, o.latestLimit);
  return ids.map((i) => ix.packages[i]);
}

type ArchOption = Pick<QueryOptions, 'installableArches'>;

/** `dnf repoquery --whatprovides CAP…`. */
export function whatProvides(ix: PackageIndex, caps: readonly string[], opts: ArchOption = {}): QueryPackage[] {
  return queryPackages(ix, { ...opts, whatprovides: caps });
}

/** `dnf repoquery --whatrequires CAP… [--exactdeps]`. */
export function whatRequires(ix: PackageIndex, caps: readonly string[], opts: ArchOption & { exactdeps?: boolean } = {}): QueryPackage[] {
  return queryPackages(ix, { ...opts, whatrequires: caps });
}
