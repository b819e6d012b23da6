// The model a testsolv testcase (libsolv ext/testcase.c testcase_read) is read into.
import type { TcDep } from './dep.ts';
import type { TcExpected } from './result.ts';

/** One dependency as written (`text`, after `#>=Req: `) and parsed. */
export interface TcDepEntry {
  text: string;
  dep: TcDep;
}

/** A package from a testtags repo (`=Pkg: name version release arch` and its tags). */
export interface TcPackage {
  name: string;
  /** libsolv's evr string: `[epoch:]version[-release]` (release `-` means none). */
  evr: string;
  epoch?: string;
  version: string;
  release?: string;
  /** Absent when written as `-`; printed names then have no `.arch`. */
  arch?: string;
  vendor?: string;
  summary?: string;
  provides: TcDepEntry[];
  requires: TcDepEntry[];
  /** `=Prq:`: requires after libsolv's prereq marker (pre-install requires). */
  prerequires: TcDepEntry[];
  conflicts: TcDepEntry[];
  obsoletes: TcDepEntry[];
  recommends: TcDepEntry[];
  suggests: TcDepEntry[];
  supplements: TcDepEntry[];
  enhances: TcDepEntry[];
  /** `=Ipr:` prereqs ignored for installed packages, `=Cns:` constrains, `=Owr:` order-with-requires. */
  prereqIgnoreInst: TcDepEntry[];
  constrains: TcDepEntry[];
  orderWithRequires: TcDepEntry[];
  files: string[];
  buildtime?: number;
  installtime?: number;
  /** `=Flv:` build flavors; they are part of the printed name (`name-evr-flavor.arch`). */
  flavors: string[];
  buildversion?: string;
  trackFeatures: string[];
  /** Line (in the .t file, or the external repo file) of the `=Pkg:` tag. */
  line: number;
  /** True when libsolv added `name = evr` to provides (testtags before 3.0, not for src/nosrc). */
  selfProvide: boolean;
}

export type TcRepoFormat = 'testtags' | 'solv' | 'helix' | 'susetags' | 'empty' | string;

export interface TcRepo {
  name: string;
  priority: number;
  subpriority: number;
  format: TcRepoFormat;
  /** `<inline>`, the external file path (relative to the .t dir, as written), or undefined. */
  source?: string;
  packages: TcPackage[];
  /** Why the repo's content could not be read (format not supported), if so. */
  unsupported?: string;
  /** The part (nextjob section) that declared it; repos persist into later parts. */
  part: number;
  line: number;
}

/** `system <arch> <disttype[,…]|*> [<repo>]`. */
export interface TcSystem {
  /** undefined for `unset` / `-`. */
  arch?: string;
  /** `:policy` form: an explicit arch policy string such as `x86_64:i686`. */
  archPolicy?: string;
  /** Accepted dist types, or undefined for `*` (keep the current one). */
  disttypes?: string[];
  /** The installed repo name (as written; `@System` etc.). */
  installed?: string;
  line: number;
}

export type TcSelect =
  | { kind: 'pkg'; pkg: string }
  | { kind: 'name' | 'provides'; text: string; dep: TcDep }
  | { kind: 'oneof'; pkgs: string[] }
  | { kind: 'repo'; repo: string }
  | { kind: 'all' }
  | {
      kind: 'selection';
      /** `selection` (selection_make) or a `selection_match*` variant. */
      mode: 'selection' | 'matchdeps' | 'matchdepid' | 'matchsolvable';
      /** For match* modes: the key, e.g. `solvable:name`. */
      keyname?: string;
      text: string;
      /** For matchdepid: `text` as a dependency. */
      dep?: TcDep;
      selflags: string[];
    };

/** `job <action> <selection> [<flags>]`. */
export interface TcJob {
  action: string;
  /** Job flags from the trailing `[a,b]`: weak, forcebest, targeted, cleandeps, setevr, … */
  flags: string[];
  select: TcSelect;
  /** The job text after `job `. */
  text: string;
  line: number;
}

/** A flag in `solverflags`/`poolflags`: `!name` turns it off. */
export interface TcFlagSetting {
  name: string;
  value: boolean;
}

/** `namespace <ns>(<arg>) <pkg>…`: what the namespace dep is provided by (`@SYSTEM` = system solvable). */
export interface TcNamespace {
  name: string;
  arg: string;
  pkgs: string[];
  line: number;
}

/** `disable <selection>`: pkg, name, provides, oneof, repo or `all packages`. */
export interface TcDisable {
  select: TcSelect;
  line: number;
}

/** `genid <cmd> <arg>`: a stack machine building a dep (`dep`, `lit`, `null`, `op`, `susedep`). */
export interface TcGenid {
  cmd: string;
  arg: string;
  dep?: TcDep;
  line: number;
}

/** `evrcmp a b`: a noop job on `a <cmp> b`. */
export interface TcEvrcmp {
  a: string;
  b: string;
  line: number;
}

export interface TcResult {
  /** Result flags as written (transaction, problems, alternatives, …); empty means transaction,problems. */
  flags: string[];
  /** `<inline>`, a file name, or undefined (then testsolv only solves, compares nothing). */
  source?: string;
  /** The expected lines, or undefined when there is no source. */
  expected?: TcExpected;
  line: number;
}

/** A line the reader does not interpret (unknown command / name), kept so a runner can skip with a reason. */
export interface TcUnknown {
  line: number;
  text: string;
  reason: string;
}

/** Something libsolv silently ignores (e.g. a `=Pkg:` line without 4 fields). */
export interface TcWarning {
  file: string;
  line: number;
  message: string;
}

/** One section of a testcase; `nextjob` starts the next. Pool state (repos, system, pool flags,
 * disabled packages, namespaces) carries over; the solver (solverflags) and jobs do not. */
export interface TcPart {
  index: number;
  line: number;
  repos: TcRepo[];
  system?: TcSystem;
  jobs: TcJob[];
  /** undefined: no `solverflags` line (defaults); else settings applied over the defaults. */
  solverflags?: TcFlagSetting[];
  poolflags: TcFlagSetting[];
  features: string[];
  namespaces: TcNamespace[];
  disables: TcDisable[];
  genids: TcGenid[];
  evrcmps: TcEvrcmp[];
  vendorclasses: string[][];
  autoinst: string[];
  result?: TcResult;
  /** `nextjob reusesolver` ended this part. */
  reuseSolver: boolean;
  unknown: TcUnknown[];
}

export interface Testcase {
  file: string;
  /** Every repo in declaration order (each also listed in its part). */
  repos: TcRepo[];
  parts: TcPart[];
  /** Union of `feature` lines (complex_deps, linked_packages, testcase_helixrepo, …). */
  features: string[];
  unknown: TcUnknown[];
  warnings: TcWarning[];
}
