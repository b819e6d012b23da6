// The rpm-md repository model: what repomd.xml, primary/filelists/other, updateinfo and comps say,
// independent of how it is stored. Readers produce it, writers consume it; field names follow the XML.

/** Dependency comparison as rpm-md writes it (`flags` attribute). */
export type RepoDepFlags = 'EQ' | 'LT' | 'GT' | 'LE' | 'GE';

/** One `<rpm:entry>`: an unversioned entry has only a name. */
export interface RepoDep {
  name: string;
  flags?: RepoDepFlags;
  /** As written: createrepo_c writes epoch="0" for versioned entries without an epoch. */
  epoch?: string;
  ver?: string;
  rel?: string;
  /** `pre="1"`: a prerequisite (Requires(pre/post/pretrans/posttrans) or PreReq). */
  pre?: boolean;
}

export const REPO_DEP_KINDS = [
  'provides',
  'requires',
  'conflicts',
  'obsoletes',
  'suggests',
  'enhances',
  'recommends',
  'supplements',
] as const;
export type RepoDepKind = (typeof REPO_DEP_KINDS)[number];

export interface RepoFile {
  path: string;
  /** Absent for regular files and symlinks. */
  type?: 'dir' | 'ghost';
}

export interface RepoChangelog {
  author: string;
  /** Seconds since the epoch. */
  date: number;
  text: string;
}

/** A package record: the union of its primary, filelists and other entries. */
export interface RepoPackage {
  /** Digest of the whole .rpm file (hex), the key that joins primary, filelists and other. */
  pkgid: string;
  /** Digest algorithm name as rpm-md writes it: sha256, sha512, sha1, md5, sha224, sha384. */
  checksumType: string;
  name: string;
  arch: string;
  /** Always present ("0" when the package has no epoch), as primary.xml writes it. */
  epoch: string;
  version: string;
  release: string;
  summary: string;
  description: string;
  packager: string;
  url: string;
  /** `<time file>`: the .rpm file's mtime. */
  fileTime: number;
  /** `<time build>`: BUILDTIME. */
  buildTime: number;
  /** `<size package>`: the .rpm file size in bytes. */
  packageSize: number;
  /** `<size installed>`. */
  installedSize: number;
  /** `<size archive>`: uncompressed payload size. */
  archiveSize: number;
  /** `<location href>`: path relative to the repository (or to locationBase). */
  location: string;
  /** `<location xml:base>` when set. */
  locationBase?: string;
  license: string;
  vendor: string;
  group: string;
  buildHost: string;
  sourceRpm: string;
  /** `<rpm:header-range>`: byte offsets of the main header in the .rpm. */
  headerStart: number;
  headerEnd: number;
  deps: Record<RepoDepKind, RepoDep[]>;
  /**
   * Files in header order. From filelists.xml this is every file; from primary.xml alone only the
   * primary-filtered ones (see `filesComplete`).
   */
  files: RepoFile[];
  /** True when `files` came from filelists (or the rpm) rather than primary's filtered subset. */
  filesComplete: boolean;
  /** Newest last, as rpm-md writes them (empty unless other.xml was read or written). */
  changelog: RepoChangelog[];
}

export interface Checksum {
  /** sha256, sha512, sha1, … */
  type: string;
  /** Lower-case hex. */
  value: string;
}

/** One `<data type=…>` record of repomd.xml. */
export interface RepomdRecord {
  type: string;
  /** `<location href>`, relative to the repository root (e.g. repodata/<sha>-primary.xml.zst). */
  location: string;
  locationBase?: string;
  /** Digest of the file as stored (compressed). */
  checksum: Checksum;
  /** Digest of the uncompressed content, when the file is compressed. */
  openChecksum?: Checksum;
  /** zchunk header digest and size (`*_zck` records). */
  headerChecksum?: Checksum;
  headerSize?: number;
  timestamp?: number;
  size?: number;
  openSize?: number;
  /** sqlite records only. */
  databaseVersion?: number;
}

export interface Repomd {
  revision: string;
  tags: { content: string[]; repo: string[]; distro: Array<{ cpeid?: string; value: string }> };
  records: RepomdRecord[];
}

export type AdvisoryType = 'security' | 'bugfix' | 'enhancement' | 'newpackage';

export interface AdvisoryReference {
  href: string;
  id: string;
  /** cve, bugzilla, self, … */
  type: string;
  title: string;
}

export interface AdvisoryPackage {
  name: string;
  epoch: string;
  version: string;
  release: string;
  arch: string;
  /** Source rpm file name (`src` attribute). */
  src?: string;
  filename: string;
  sum?: Checksum;
  rebootSuggested?: boolean;
  restartSuggested?: boolean;
  reloginSuggested?: boolean;
}

export interface AdvisoryCollection {
  short?: string;
  name?: string;
  module?: { name: string; stream: string; version: string; context: string; arch: string };
  packages: AdvisoryPackage[];
}

/** One `<update>` of updateinfo.xml. */
export interface Advisory {
  id: string;
  type: AdvisoryType;
  /** `from` attribute (issuer e-mail). */
  from?: string;
  /** final, stable, testing, … */
  status?: string;
  version?: string;
  title: string;
  /** "YYYY-MM-DD HH:MM:SS" or epoch seconds, kept as written. */
  issued?: string;
  updated?: string;
  rights?: string;
  release?: string;
  pushcount?: string;
  /** Critical, Important, Moderate, Low (free text in the format). */
  severity?: string;
  summary?: string;
  description?: string;
  solution?: string;
  rebootSuggested: boolean;
  references: AdvisoryReference[];
  collections: AdvisoryCollection[];
}

/** `<packagereq>` of a comps group. */
export interface CompsPackageReq {
  name: string;
  type: 'mandatory' | 'default' | 'optional' | 'conditional';
  requires?: string;
  basearchonly?: boolean;
}

export interface CompsGroup {
  id: string;
  name: string;
  description: string;
  /** xml:lang → translated name / description. */
  translatedNames: Record<string, string>;
  translatedDescriptions: Record<string, string>;
  default: boolean;
  userVisible: boolean;
  langOnly?: string;
  packages: CompsPackageReq[];
}

export interface CompsCategory {
  id: string;
  name: string;
  description: string;
  displayOrder?: number;
  groups: string[];
}

export interface CompsEnvironment {
  id: string;
  name: string;
  description: string;
  displayOrder?: number;
  groups: string[];
  options: Array<{ id: string; default: boolean }>;
}

export interface Comps {
  groups: CompsGroup[];
  categories: CompsCategory[];
  environments: CompsEnvironment[];
}

/** A repository's metadata after reading (whatever of it was loaded). */
export interface RepoMetadata {
  repomd: Repomd;
  packages: RepoPackage[];
  advisories: Advisory[];
  comps?: Comps;
}

/** Malformed or inconsistent repository metadata (one line: file, field, reason). */
export class RepoFormatError extends Error {
  override name = 'RepoFormatError';
  constructor(message: string) {
    super(oneLine(message));
  }
}

/** Error messages stay one line whatever input they quote: control characters are shown escaped. */
export function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return message.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

export function emptyDeps(): Record<RepoDepKind, RepoDep[]> {
  return {
    provides: [],
    requires: [],
    conflicts: [],
    obsoletes: [],
    suggests: [],
    enhances: [],
    recommends: [],
    supplements: [],
  };
}

/** A record with every field empty, in one fixed order (so all package objects share a hidden class). */
export function emptyRepoPackage(): RepoPackage {
  return {
    pkgid: '',
    checksumType: '',
    name: '',
    arch: '',
    epoch: '0',
    version: '',
    release: '',
    summary: '',
    description: '',
    packager: '',
    url: '',
    fileTime: 0,
    buildTime: 0,
    packageSize: 0,
    installedSize: 0,
    archiveSize: 0,
    location: '',
    license: '',
    vendor: '',
    group: '',
    buildHost: '',
    sourceRpm: '',
    headerStart: 0,
    headerEnd: 0,
    deps: emptyDeps(),
    files: [],
    filesComplete: false,
    changelog: [],
  };
}

/** createrepo_c's primary file filter (src/misc.h cr_is_primary). */
export function isPrimaryFile(path: string): boolean {
  return path.startsWith('/etc/') || path === '/usr/lib/sendmail' || path.includes('bin/');
}

/** `name-[epoch:]version-release.arch` (epoch omitted when "0" or empty, as dnf prints NEVRAs). */
export function repoNevra(p: Pick<RepoPackage, 'name' | 'epoch' | 'version' | 'release' | 'arch'>): string {
  const e = p.epoch && p.epoch !== '0' ? `${p.epoch}:` : '';
  return `${p.name}-${e}${p.version}-${p.release}.${p.arch}`;
}
