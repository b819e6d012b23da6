// Package specs (libdnf Query::filterSubject with nevra.cpp's forms): parsing a spec in each form
// and selecting the packages the first matching form finds.

import { fileSel } from './files.ts';
import { keysMatching, matcher } from './glob.ts';
import type { PackageIndex } from './package-index.ts';
import { nonEmpty, type Sel } from './selection.ts';

/** The package-spec forms, in the order dnf tries them. */
export const SPEC_FORMS = ['nevra', 'na', 'name', 'nevr', 'nev'] as const;
export type SpecForm = (typeof SPEC_FORMS)[number];

export interface SpecNevra {
  name: string;
  epoch?: number;
  version: string;
  release: string;
  arch: string;
}

// nevra.cpp's character sets: names may hold '-' and '.', versions and releases '.', arches neither.
const NAME_RE = /^[^:(/=<> ]+$/;
const VER_RE = /^[^-:(/=<> ]+$/;
const ARCH_RE = /^[^-:.(/=<> ]+$/;

// name-[epoch:]version: version and epoch come after the last '-'.
function splitNev(s: string): SpecNevra | undefined {
  const d = s.lastIndexOf('-');
  if (d <= 0 || !NAME_RE.test(s.slice(0, d))) return undefined;
  const m = /^(?:(\d+):)?(.*)$/.exec(s.slice(d + 1));
  if (!m || !VER_RE.test(m[2])) return undefined;
  const nv: SpecNevra = { name: s.slice(0, d), version: m[2], release: '', arch: '' };
  if (m[1] !== undefined) nv.epoch = Number(m[1]);
  return nv;
}

function splitNevr(s: string): SpecNevra | undefined {
  const d = s.lastIndexOf('-');
  const release = s.slice(d + 1);
  if (d < 0 || !VER_RE.test(release)) return undefined;
  const nv = splitNev(s.slice(0, d));
  return nv && { ...nv, release };
}

/**
 * Split a package spec in one form, as libdnf's Nevra::parse: the forms' fields cannot hold the
 * separators that follow them, so the split is at the last '.' (arch) and the last one or two '-'.
 */
export function parseSpec(spec: string, form: SpecForm): SpecNevra | undefined {
  if (form === 'name') return NAME_RE.test(spec) ? { name: spec, version: '', release: '', arch: '' } : undefined;
  if (form === 'nev') return splitNev(spec);
  if (form === 'nevr') return splitNevr(spec);
  const dot = spec.lastIndexOf('.');
  const arch = spec.slice(dot + 1);
  if (dot < 0 || !ARCH_RE.test(arch)) return undefined;
  const head = spec.slice(0, dot);
  if (form === 'na') return NAME_RE.test(head) ? { name: head, version: '', release: '', arch } : undefined;
  const nv = splitNevr(head);
  return nv && { ...nv, arch };
}

// Query::addFilter(Nevra): name by glob (case-folded for repoquery), the rest by case-sensitive glob;
// empty or '*' fields do not filter.
function specSel(ix: PackageIndex, nv: SpecNevra, icase: boolean): Sel {
  const out = new Uint8Array(ix.packages.length);
  let ids: Iterable<number>;
  if (nv.name === '' || nv.name === '*') ids = ix.packages.keys();
  else if (icase) ids = keysMatching(ix.lowerNames(), nv.name.toLowerCase(), true).flatMap((n) => ix.lowerNames().get(n) ?? []);
  else ids = keysMatching(ix.byName, nv.name).flatMap((n) => ix.byName.get(n) ?? []);
  const field = (pattern: string): ((s: string) => boolean) | undefined =>
    pattern === '' || pattern === '*' ? undefined : matcher(pattern);
  const ver = field(nv.version);
  const rel = field(nv.release);
  const arch = field(nv.arch);
  for (const i of ids) {
    const p = ix.packages[i];
    if (nv.epoch !== undefined && Number(p.epoch || '0') !== nv.epoch) continue;
    if ((ver && !ver(p.version)) || (rel && !rel(p.release)) || (arch && !arch(p.arch))) continue;
    out[i] = 1;
  }
  return out;
}

// libdnf's last-resort HY_PKG_NEVRA glob: name-[epoch:]version-release.arch, the epoch shown
// (as 0: if need be) exactly when the pattern has a ':'.
function nevraGlobSel(ix: PackageIndex, pattern: string): Sel {
  const out = new Uint8Array(ix.packages.length);
  if (/[(/=<> ]/.test(pattern)) return out;
  const test = matcher(pattern);
  const withEpoch = pattern.includes(':');
  ix.packages.forEach((p, i) => {
    const e = withEpoch ? `${p.epoch || '0'}:` : '';
    if (test(`${p.name}-${e}${p.version}-${p.release}.${p.arch}`)) out[i] = 1;
  });
  return out;
}

interface SubjectOptions {
  icase: boolean;
  filenames: boolean;
}

// Query::filterSubject with_provides=false: the first spec form that selects anything wins.
export function subjectSel(ix: PackageIndex, spec: string, o: SubjectOptions): Sel {
  for (const form of SPEC_FORMS) {
    const nv = parseSpec(spec, form);
    if (!nv) continue;
    const s = specSel(ix, nv, o.icase);
    if (nonEmpty(s)) return s;
  }
  const s = nevraGlobSel(ix, spec);
  if (nonEmpty(s)) return s;
  if (o.filenames && (spec.startsWith('/') || spec.startsWith('*/'))) return fileSel(ix, [spec]);
  return new Uint8Array(ix.packages.length);
}
