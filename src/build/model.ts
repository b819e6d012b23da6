// The build engine's inputs and outputs: prepared components in, a per-component outcome out.
// A prepared component is a directory holding a rendered spec and its sources (what the overlay
// engine writes) plus the input fingerprint its lock records; nothing here reads TOML.

/** One component ready to build. */
export interface PreparedComponent {
  name: string;
  /** The rendered spec and every source file it names (its %_sourcedir). */
  dir: string;
  /** The component's input fingerprint: an unchanged fingerprint means unchanged inputs. */
  fingerprint: string;
  /** Spec file name inside `dir` (default `<name>.spec`, else the only `*.spec` there). */
  spec?: string;
}

export interface BuildOptions {
  /** Published outputs: `<outDir>/srpms` and `<outDir>/rpms`, each an rpm-md repository. */
  outDir: string;
  /** Scratch space: a `_topdir` and a sysroot per component (`<workDir>/<name>/`). */
  workDir: string;
  /** One log per component: `<logDir>/<name>.log`. */
  logDir: string;
  /** Build records and the spec query cache (default `<outDir>/.strata`). */
  stateDir?: string;
  /** Components built at once within a wave (default: the number of CPUs). */
  jobs?: number;
  /** `%dist` for every build, e.g. `.azl4` (default: rpm's own, usually none). */
  dist?: string;
  /** More macros for every spec query and build (`--define "name value"`). */
  defines?: Readonly<Record<string, string>>;
  /** Target arch for dependency solving (default: the host's, as rpm names it). */
  arch?: string;
  /** Sign every SRPM and RPM (rpmsign --addsign) and repomd.xml with this OpenPGP secret key. */
  signingKey?: { armored: string; passphrase?: string };
  /** Capabilities the build host provides besides HOST_BUILD_TOOLS (see host.ts). */
  hostProvides?: readonly string[];
  /** Build only these components, plus the components they need that are not built yet. */
  select?: readonly string[];
  /** Skip %check (rpmbuild --nocheck). */
  noCheck?: boolean;
  /** Keep each component's _topdir and sysroot after a successful build. */
  keepWork?: boolean;
  /** Commands to run (tests wrap them); default `rpmbuild` and `rpmspec` from PATH. */
  tools?: { rpmbuild?: string; rpmspec?: string };
  /** SOURCE_DATE_EPOCH: build times and signature dates, for reproducible packages. */
  sourceDateEpoch?: number;
  /** Progress: called when a component starts and when it ends. */
  onEvent?: (event: BuildEvent) => void;
}

export type ComponentOutcome = 'built' | 'cached' | 'failed' | 'skipped';

export type BuildEvent =
  | { type: 'wave'; wave: number; components: string[] }
  | { type: 'start'; name: string; wave: number }
  | { type: 'done'; name: string; result: ComponentBuildResult };

export interface ComponentBuildResult {
  name: string;
  result: ComponentOutcome;
  /** 1-based wave: every component of wave n needs only components of earlier waves. */
  wave: number;
  durationMs: number;
  /** The spec's BuildRequires (as rpmspec lists them for the SRPM). */
  buildRequires: string[];
  /** Components whose packages installing the BuildRequires pulls in (direct build deps). */
  dependsOn: string[];
  /** Outputs, relative to outDir (srpms/…, rpms/…); empty unless built or cached. */
  srpm?: string;
  rpms: string[];
  /** The component's log (only when this run wrote to it). */
  log?: string;
  /** Why it failed or was skipped, in one line. */
  reason?: string;
}

export interface BuildResult {
  /** True when no component failed or was skipped. */
  ok: boolean;
  waves: string[][];
  components: ComponentBuildResult[];
  /** The rpm-md repositories the outputs are published in. */
  repos: { rpms: string; srpms: string };
  durationMs: number;
}

/** A build that cannot start (duplicate names, a dependency cycle): one line for the user. */
export class BuildError extends Error {
  override name = 'BuildError';
}
