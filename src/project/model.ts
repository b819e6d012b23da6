// The azldev project configuration as typed records. Field names are the TOML keys in camelCase
// (`upstream-commit` → upstreamCommit); an absent field means "not set" (Go's zero value), which is
// what the merge rules key on. Relative paths are already absolute (resolved against the file that
// declared them) except `overlayFiles`, which is resolved against each component's own file.

import type { OverlayMetadataRecord, OverlayRecord } from '../overlay/types.ts';

export interface DistroReference {
  name?: string;
  version?: string;
  /** Source snapshot time; only on distro or group defaults, never per component. */
  snapshot?: string;
}

export interface SpecSource {
  /** "upstream", "local" or unset (inherits). */
  type?: string;
  path?: string;
  upstreamDistro?: DistroReference;
  upstreamName?: string;
  upstreamCommit?: string;
}

export type OverlayMetadata = OverlayMetadataRecord;

/** Where an overlay was declared, so that errors about it can name the file and line. */
export interface OverlayOrigin {
  /** Absolute path of the TOML file (component config, group or distro file, or overlay document). */
  file: string;
  /** 1-based line of its `[[…overlays]]` header or inline `{ … }` (0 if unknown). */
  line: number;
  /** 0-based position in the list it was declared in. */
  index: number;
  /** The list it was declared in, e.g. "components.kernel.overlays", or "overlays" in an overlay document. */
  list: string;
}

/** One overlay: the 13 azldev fields (semantics are checked by src/overlay) plus its origin. */
export interface Overlay extends OverlayRecord {
  /** Absolute path of the input file (declared relative to the file that declares the overlay). */
  source?: string;
  origin: OverlayOrigin;
}

export interface SourceFileOrigin {
  type?: string;
  uri?: string;
  script?: string;
  mockPackages?: string[];
  inputs?: string[];
}

export interface SourceFileReference {
  filename?: string;
  hash?: string;
  hashType?: string;
  origin?: SourceFileOrigin;
  replaceUpstream?: boolean;
  replaceReason?: string;
}

export interface BuildConfig {
  with?: string[];
  without?: string[];
  defines?: Record<string, string>;
  undefines?: string[];
  emitUpstreamProvenance?: boolean;
  check?: { skip?: boolean; skipReason?: string };
  failure?: { expected?: boolean; expectedReason?: string };
  hints?: { expensive?: boolean };
}

export interface PackagePublishConfig {
  rpmChannel?: string;
  debuginfoChannel?: string;
  /** Deprecated spelling of rpmChannel. */
  channel?: string;
}

export interface PackageConfig {
  publish?: PackagePublishConfig;
}

export interface ComponentPublishConfig {
  rpmChannel?: string;
  srpmChannel?: string;
  debuginfoChannel?: string;
}

export interface ComponentConfig {
  spec?: SpecSource;
  release?: { calculation?: string };
  overlays?: Overlay[];
  /** Globs for `NNNN-*.overlay.toml` documents; a later layer replaces (`[]` disables) the list. */
  overlayFiles?: string[];
  build?: BuildConfig;
  render?: { skipFileFilter?: boolean };
  sourceFiles?: SourceFileReference[];
  packages?: Record<string, PackageConfig>;
  publish?: ComponentPublishConfig;
}

export interface ComponentGroupConfig {
  description?: string;
  metadata?: OverlayMetadata;
  components?: string[];
  /** Absolute globs of local specs whose components belong to the group. */
  specs?: string[];
  excludedPaths?: string[];
  defaultComponentConfig?: ComponentConfig;
}

export interface DistroInput {
  repo?: string;
  set?: string;
}

export interface DistroVersion {
  description?: string;
  releaseVer?: string;
  distGitBranch?: string;
  defaultComponentConfig?: ComponentConfig;
  mockConfig?: string;
  mockConfigX86_64?: string;
  mockConfigAarch64?: string;
  inputs?: { rpmBuild?: DistroInput[]; imageBuild?: DistroInput[] };
}

export interface DistroDefinition {
  description?: string;
  defaultVersion?: string;
  /** Template with `$pkg`. */
  distGitBaseUri?: string;
  /** Template with `$pkg $filename $hashtype $hash`. */
  lookasideBaseUri?: string;
  repos?: Array<{ baseUri?: string }>;
  disableOrigins?: boolean;
  versions?: Record<string, DistroVersion>;
}

export interface ProjectInfo {
  description?: string;
  logDir?: string;
  workDir?: string;
  outputDir?: string;
  renderedSpecsDir?: string;
  lockDir?: string;
  defaultDistro?: DistroReference;
  defaultAuthorEmail?: string;
}

export interface ImageConfig {
  description?: string;
  definition?: { type?: string; path?: string; profile?: string };
  /** Tri-state: unset, true or false. */
  capabilities?: {
    machineBootable?: boolean;
    container?: boolean;
    systemd?: boolean;
    runtimePackageManagement?: boolean;
    wsl?: boolean;
    installerMedia?: boolean;
    fipsEnabled?: boolean;
    cvm?: boolean;
  };
  architectures?: string[];
  tests?: { testSuites?: Array<{ name?: string }> };
  publish?: { channels?: string[] };
}

export interface TestSuiteConfig {
  description?: string;
  type?: string;
  pytest?: { workingDir?: string; testPaths?: string[]; extraArgs?: string[]; install?: string };
  lisa?: {
    framework?: { gitUrl?: string; ref?: string };
    testCases?: string[];
    pipPreInstall?: string[];
    pipExtras?: string[];
    extraArgs?: string[];
  };
}

export interface RpmRepoResource {
  description?: string;
  type?: string;
  baseUri?: string;
  metalink?: string;
  disableGpgCheck?: boolean;
  gpgKey?: string;
  arches?: string[];
}

export interface RpmRepoSetTemplate {
  description?: string;
  subrepos?: Array<{ name?: string; subpath?: string; kind?: string }>;
}

export interface RpmRepoSet {
  description?: string;
  template?: string;
  baseUri?: string;
  namePrefix?: string;
  gpgKey?: string;
  disableGpgCheck?: boolean;
  arches?: string[];
  subrepos?: string[];
}

export interface ResourcesConfig {
  rpmRepos?: Record<string, RpmRepoResource>;
  rpmRepoSetTemplates?: Record<string, RpmRepoSetTemplate>;
  rpmRepoSets?: Record<string, RpmRepoSet>;
}

export interface ToolsConfig {
  imageCustomizer?: { containerTag?: string };
}

/** One config file as written (after type checking). */
export interface ConfigFileData {
  $schema?: string;
  project?: ProjectInfo;
  includes?: string[];
  distros?: Record<string, DistroDefinition>;
  resources?: ResourcesConfig;
  componentGroups?: Record<string, ComponentGroupConfig>;
  components?: Record<string, ComponentConfig>;
  images?: Record<string, ImageConfig>;
  tools?: ToolsConfig;
  defaultComponentConfig?: ComponentConfig;
  defaultPackageConfig?: PackageConfig;
  packageGroups?: Record<string, PackageGroupConfig>;
  testSuites?: Record<string, TestSuiteConfig>;
}

export interface PackageGroupConfig {
  description?: string;
  packages?: string[];
  defaultPackageConfig?: PackageConfig;
}

/** The merged configuration of a project (every file, in include order). */
export interface ProjectConfig {
  project: ProjectInfo;
  distros: Record<string, DistroDefinition>;
  resources: ResourcesConfig;
  componentGroups: Record<string, ComponentGroupConfig>;
  components: Record<string, ComponentConfig>;
  images: Record<string, ImageConfig>;
  tools: ToolsConfig;
  defaultComponentConfig: ComponentConfig;
  defaultPackageConfig: PackageConfig;
  packageGroups: Record<string, PackageGroupConfig>;
  testSuites: Record<string, TestSuiteConfig>;
}
