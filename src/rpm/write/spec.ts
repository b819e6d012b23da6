// What a package is made of (PackSpec) and its validation: the same field rules rpmbuild applies to
// a spec preamble (build/parsePreamble.c rpmCharCheck), reported as one line naming the field.

import { hostname } from 'node:os';
import { arch as hostArch } from 'node:process';
import type { DepKind } from '../model.ts';
import { PackInputError, checkEvr, checkPackageName } from './deps.ts';

export { PackInputError };

/** A dependency: "name [op version]" or "(rich dep)"; the table form adds Requires(...) qualifiers. */
export type DepInput = string | { dep: string; when?: string[] };

export const SCRIPT_KINDS = ['pre', 'post', 'preun', 'postun', 'pretrans', 'posttrans', 'verify'] as const;
export type ScriptKind = (typeof SCRIPT_KINDS)[number];

/** A scriptlet body for /bin/sh, or a body with another interpreter ("<lua>", "/usr/bin/perl -w"). */
export type ScriptInput = string | { body?: string; interpreter?: string };

export interface FileOverride {
  /** %config, %config(noreplace) or %config(missingok). */
  config?: boolean | 'noreplace' | 'missingok';
  doc?: boolean;
  license?: boolean;
  /** %ghost: listed in the header, absent from the payload; need not exist in the tree. */
  ghost?: boolean;
  /** %dir: own this directory. Directories listed in `files` or empty in the tree are owned by default; `false` opts out. */
  dir?: boolean;
  /** Permission bits, e.g. "0750" or 0o750. */
  mode?: string | number;
  user?: string;
  group?: string;
  /** %caps, e.g. "cap_net_raw=ep". */
  caps?: string;
}

export interface ChangelogInput {
  /** "YYYY-MM-DD" (stored at 12:00 UTC like rpmbuild), a Date, or seconds since the epoch. */
  date: string | Date | number;
  author: string;
  /** Appended to the author line as " - VERSION" (the EVR the entry describes). */
  version?: string;
  text: string;
}

export interface PackSpec {
  name: string;
  epoch?: number;
  version: string;
  /** Default "1". */
  release?: string;
  /** "noarch", a concrete arch, or "native" (the build host's). Default "noarch". */
  arch?: string;
  summary: string;
  /** Default: the summary. */
  description?: string;
  license: string;
  url?: string;
  vendor?: string;
  packager?: string;
  /** Default "Unspecified", as rpmbuild. */
  group?: string;
  /** Default: this host's name. */
  buildHost?: string;
  distribution?: string;
  bugUrl?: string;
  /** Default "NAME-VERSION-RELEASE.src.rpm" (a binary package must name one). */
  sourceRpm?: string;
  /** Default "ARCH-redhat-linux-gnu" (Fedora's %_target_platform). */
  platform?: string;
  /** Default "-O2 -g" (rpm's generic %optflags). */
  optflags?: string;
  /** The directory tree to package (its contents become /...). */
  root: string;
  deps?: Partial<Record<DepKind, DepInput[]>>;
  scripts?: Partial<Record<ScriptKind, ScriptInput>>;
  files?: Record<string, FileOverride>;
  /** Newest first, as in a spec's %changelog. */
  changelog?: ChangelogInput[];
}

/** Arch → ISA suffix of the automatic "name(isa)" provide (%_isa) and the lead's archnum (rpmrc). */
export const ARCHES: Record<string, { isa?: string; archnum: number }> = {
  noarch: { archnum: 0 },
  x86_64: { isa: 'x86-64', archnum: 1 },
  i686: { isa: 'x86-32', archnum: 1 },
  aarch64: { isa: 'aarch-64', archnum: 19 },
  ppc64le: { isa: 'ppc-64', archnum: 16 },
  s390x: { isa: 's390-64', archnum: 15 },
  riscv64: { isa: 'riscv-64', archnum: 22 },
  armv7hl: { isa: 'arm-32', archnum: 12 },
};

const NODE_ARCH: Record<string, string> = {
  x64: 'x86_64',
  ia32: 'i686',
  arm64: 'aarch64',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  arm: 'armv7hl',
};

export function nativeArch(): string {
  const a = NODE_ARCH[hostArch];
  if (!a) throw new PackInputError(`arch: cannot map this host's architecture "${hostArch}" to an rpm arch`);
  return a;
}

export interface ResolvedSpec extends PackSpec {
  release: string;
  arch: string;
  description: string;
  group: string;
  buildHost: string;
  sourceRpm: string;
  platform: string;
  optflags: string;
}

/** Version/Release characters (ALLOWED_CHARS_VERREL, macros excluded). */
function checkVerRel(field: string, v: string): void {
  if (!v) throw new PackInputError(`${field}: must not be empty`);
  const bad = [...v].find((c) => !/[A-Za-z0-9._+~^]/.test(c));
  if (bad !== undefined) throw new PackInputError(`${field}: "${v}" has an illegal character '${bad}' (letters, digits and . _ + ~ ^ only)`);
  if (v.includes('..')) throw new PackInputError(`${field}: "${v}" has the illegal sequence ".."`);
}

function checkText(field: string, v: unknown, required: boolean): void {
  if (v === undefined && !required) return;
  if (typeof v !== 'string' || (required && !v.trim())) throw new PackInputError(`${field}: required text is missing`);
  if (v.includes('\0')) throw new PackInputError(`${field}: contains a NUL character`);
}

/** Checks every scalar field and fills the defaults rpmbuild would. */
export function resolveSpec(spec: PackSpec): ResolvedSpec {
  if (typeof spec.name !== 'string' || !spec.name) throw new PackInputError('name: required');
  checkPackageName('name', spec.name);
  if (typeof spec.version !== 'string') throw new PackInputError('version: required');
  checkVerRel('version', spec.version);
  const release = spec.release ?? '1';
  checkVerRel('release', release);
  if (spec.epoch !== undefined && (!Number.isInteger(spec.epoch) || spec.epoch < 0 || spec.epoch > 0x7fffffff)) {
    throw new PackInputError(`epoch: "${spec.epoch}" is not an unsigned integer`);
  }
  let arch = spec.arch ?? 'noarch';
  if (arch === 'native') arch = nativeArch();
  if (!ARCHES[arch]) throw new PackInputError(`arch: unknown architecture "${arch}" (${Object.keys(ARCHES).join(', ')}, native)`);
  for (const [f, v, req] of [
    ['summary', spec.summary, true], ['license', spec.license, true], ['description', spec.description, false],
    ['url', spec.url, false], ['vendor', spec.vendor, false], ['packager', spec.packager, false],
    ['group', spec.group, false], ['buildhost', spec.buildHost, false], ['distribution', spec.distribution, false],
    ['bugurl', spec.bugUrl, false], ['sourcerpm', spec.sourceRpm, false], ['platform', spec.platform, false],
    ['optflags', spec.optflags, false],
  ] as const) {
    checkText(f, v, req);
  }
  if (spec.summary.includes('\n')) throw new PackInputError('summary: must be a single line');
  if (typeof spec.root !== 'string' || !spec.root) throw new PackInputError('root: the directory to package is required');
  // The automatic "name = EVR" provide must itself be a valid EVR.
  checkEvr('version', `${spec.epoch !== undefined ? `${spec.epoch}:` : ''}${spec.version}-${release}`);
  return {
    ...spec,
    release,
    arch,
    description: spec.description ?? spec.summary,
    group: spec.group ?? 'Unspecified',
    buildHost: spec.buildHost ?? hostname(),
    sourceRpm: spec.sourceRpm ?? `${spec.name}-${spec.version}-${release}.src.rpm`,
    platform: spec.platform ?? `${arch}-redhat-linux-gnu`,
    optflags: spec.optflags ?? '-O2 -g',
  };
}

/** "EPOCH:VERSION-RELEASE" as rpmbuild writes it in provides (epoch only when set). */
export function specEvr(s: ResolvedSpec): string {
  return `${s.epoch !== undefined ? `${s.epoch}:` : ''}${s.version}-${s.release}`;
}

/** The file name rpmbuild gives a binary package (%_rpmfilename without the arch directory). */
export function rpmFileName(s: ResolvedSpec): string {
  return `${s.name}-${s.version}-${s.release}.${s.arch}.rpm`;
}
