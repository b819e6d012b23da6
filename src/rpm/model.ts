// The package as users think of it (name, EVR, files, deps, scripts), derived from a parsed header.

import { type Header, RpmFormatError } from './header.ts';
import { Tag } from './tags.ts';

/** Dependency sense/qualifier bits (include/rpm/rpmds.h). */
export const DepFlag = {
  LESS: 1 << 1,
  GREATER: 1 << 2,
  EQUAL: 1 << 3,
  POSTTRANS: 1 << 5,
  PREREQ: 1 << 6,
  PRETRANS: 1 << 7,
  INTERP: 1 << 8,
  SCRIPT_PRE: 1 << 9,
  SCRIPT_POST: 1 << 10,
  SCRIPT_PREUN: 1 << 11,
  SCRIPT_POSTUN: 1 << 12,
  SCRIPT_VERIFY: 1 << 13,
  FIND_REQUIRES: 1 << 14,
  FIND_PROVIDES: 1 << 15,
  TRIGGERIN: 1 << 16,
  TRIGGERUN: 1 << 17,
  TRIGGERPOSTUN: 1 << 18,
  MISSINGOK: 1 << 19,
  PREUNTRANS: 1 << 20,
  POSTUNTRANS: 1 << 21,
  RPMLIB: 1 << 24,
  TRIGGERPREIN: 1 << 25,
  KEYRING: 1 << 26,
  CONFIG: 1 << 28,
  META: 1 << 29,
} as const;
export const SENSE_MASK = DepFlag.LESS | DepFlag.GREATER | DepFlag.EQUAL;

/** File flags (include/rpm/rpmfiles.h). */
export const FileFlag = {
  CONFIG: 1,
  DOC: 2,
  ICON: 4,
  MISSINGOK: 8,
  NOREPLACE: 16,
  SPECFILE: 32,
  GHOST: 64,
  LICENSE: 128,
  README: 256,
  PUBKEY: 2048,
  ARTIFACT: 4096,
} as const;

export const DEP_KINDS = [
  'provides',
  'requires',
  'conflicts',
  'obsoletes',
  'recommends',
  'suggests',
  'supplements',
  'enhances',
  'orderwithrequires',
] as const;
export type DepKind = (typeof DEP_KINDS)[number];

/** [name, flags, version] tags per kind. */
export const DEP_TAGS: Record<DepKind, readonly [number, number, number]> = {
  provides: [Tag.PROVIDENAME, Tag.PROVIDEFLAGS, Tag.PROVIDEVERSION],
  requires: [Tag.REQUIRENAME, Tag.REQUIREFLAGS, Tag.REQUIREVERSION],
  conflicts: [Tag.CONFLICTNAME, Tag.CONFLICTFLAGS, Tag.CONFLICTVERSION],
  obsoletes: [Tag.OBSOLETENAME, Tag.OBSOLETEFLAGS, Tag.OBSOLETEVERSION],
  recommends: [Tag.RECOMMENDNAME, Tag.RECOMMENDFLAGS, Tag.RECOMMENDVERSION],
  suggests: [Tag.SUGGESTNAME, Tag.SUGGESTFLAGS, Tag.SUGGESTVERSION],
  supplements: [Tag.SUPPLEMENTNAME, Tag.SUPPLEMENTFLAGS, Tag.SUPPLEMENTVERSION],
  enhances: [Tag.ENHANCENAME, Tag.ENHANCEFLAGS, Tag.ENHANCEVERSION],
  orderwithrequires: [Tag.ORDERNAME, Tag.ORDERFLAGS, Tag.ORDERVERSION],
};

export interface Dependency {
  name: string;
  flags: number;
  /** EVR string as stored ("" when unversioned). */
  version: string;
}

export interface RpmFile {
  path: string;
  size: number;
  mode: number;
  rdev: number;
  mtime: number;
  /** Hex digest ("" for non-regular files). */
  digest: string;
  linkTo: string;
  flags: number;
  user: string;
  group: string;
  verifyFlags: number;
  device: number;
  inode: number;
  lang: string;
  color: number;
  /** Capability text as `cap_to_text` writes it, "" when none. */
  caps: string;
}

export const SCRIPT_TAGS = {
  pretrans: [Tag.PRETRANS, Tag.PRETRANSPROG, Tag.PRETRANSFLAGS],
  prein: [Tag.PREIN, Tag.PREINPROG, Tag.PREINFLAGS],
  postin: [Tag.POSTIN, Tag.POSTINPROG, Tag.POSTINFLAGS],
  preun: [Tag.PREUN, Tag.PREUNPROG, Tag.PREUNFLAGS],
  postun: [Tag.POSTUN, Tag.POSTUNPROG, Tag.POSTUNFLAGS],
  posttrans: [Tag.POSTTRANS, Tag.POSTTRANSPROG, Tag.POSTTRANSFLAGS],
  preuntrans: [Tag.PREUNTRANS, Tag.PREUNTRANSPROG, Tag.PREUNTRANSFLAGS],
  postuntrans: [Tag.POSTUNTRANS, Tag.POSTUNTRANSPROG, Tag.POSTUNTRANSFLAGS],
  verify: [Tag.VERIFYSCRIPT, Tag.VERIFYSCRIPTPROG, Tag.VERIFYSCRIPTFLAGS],
} as const;
export type ScriptName = keyof typeof SCRIPT_TAGS;

export interface Scriptlet {
  name: ScriptName;
  /** Interpreter and its arguments (e.g. ["/bin/sh"] or ["<lua>"]). */
  prog: string[];
  body: string;
  flags: number;
}

export interface Trigger {
  /** triggerin, triggerun, triggerpostun, triggerprein. */
  type: string;
  name: string;
  flags: number;
  version: string;
  prog: string[];
  body: string;
}

export interface ChangelogEntry {
  time: number;
  author: string;
  text: string;
}

export interface RpmPackage {
  name: string;
  epoch: number | undefined;
  version: string;
  release: string;
  arch: string;
  os: string;
  isSource: boolean;
  summary: string;
  description: string;
  license: string;
  group: string;
  url: string;
  vendor: string;
  packager: string;
  buildHost: string;
  buildTime: number;
  sourceRpm: string;
  /** Installed size (LONGSIZE or SIZE). */
  installedSize: number;
  /** Uncompressed payload size when recorded. */
  archiveSize: number | undefined;
  payloadFormat: string;
  payloadCompressor: string;
  payloadFlags: string;
  /** FILEDIGESTALGO (1 MD5 when absent). */
  fileDigestAlgo: number;
  deps: Record<DepKind, Dependency[]>;
  files: RpmFile[];
  scripts: Scriptlet[];
  triggers: Trigger[];
  changelog: ChangelogEntry[];
}

/** `name-[epoch:]version-release`, the EVR part as rpm prints `%{EVR}`. */
export function evrString(p: Pick<RpmPackage, 'epoch' | 'version' | 'release'>): string {
  return `${p.epoch !== undefined ? `${p.epoch}:` : ''}${p.version}-${p.release}`;
}

export function nevra(p: RpmPackage): string {
  return `${p.name}-${evrString(p)}.${p.isSource ? 'src' : p.arch}`;
}

/** Formats a dependency like rpm: `name >= 1.0`, with qualifier bits ignored. */
export function formatDependency(d: Dependency): string {
  const s = d.flags & SENSE_MASK;
  if (!s || !d.version) return d.name;
  const op =
    (s & DepFlag.LESS ? '<' : '') + (s & DepFlag.GREATER ? '>' : '') + (s & DepFlag.EQUAL ? '=' : '');
  return `${d.name} ${op} ${d.version}`;
}

function sameLength(what: string, lists: Array<{ tag: number; len: number }>, n: number): void {
  for (const { tag, len } of lists) {
    if (len !== 0 && len !== n) {
      throw new RpmFormatError(`header: ${what} tag ${tag} has ${len} entries, expected ${n}`);
    }
  }
}

export function readDependencies(h: Header, kind: DepKind): Dependency[] {
  const [nt, ft, vt] = DEP_TAGS[kind];
  const names = h.strings(nt);
  if (names.length === 0) return [];
  const flags = h.numbers(ft);
  const versions = h.strings(vt);
  sameLength(kind, [{ tag: ft, len: flags.length }, { tag: vt, len: versions.length }], names.length);
  return names.map((name, i) => ({ name, flags: flags[i] ?? 0, version: versions[i] ?? '' }));
}

export function readFiles(h: Header): RpmFile[] {
  let paths: string[];
  const basenames = h.strings(Tag.BASENAMES);
  if (basenames.length > 0) {
    const dirnames = h.strings(Tag.DIRNAMES);
    const dirindexes = h.numbers(Tag.DIRINDEXES);
    if (dirindexes.length !== basenames.length) {
      throw new RpmFormatError(`header: DIRINDEXES has ${dirindexes.length} entries, BASENAMES ${basenames.length}`);
    }
    paths = basenames.map((b, i) => {
      const d = dirnames[dirindexes[i]];
      if (d === undefined) throw new RpmFormatError(`header: DIRINDEXES[${i}] = ${dirindexes[i]} out of range`);
      return d + b;
    });
  } else {
    paths = h.strings(Tag.OLDFILENAMES);
  }
  const n = paths.length;
  if (n === 0) return [];
  const sizes = h.has(Tag.LONGFILESIZES) ? h.numbers(Tag.LONGFILESIZES) : h.numbers(Tag.FILESIZES);
  const modes = h.numbers(Tag.FILEMODES);
  const rdevs = h.numbers(Tag.FILERDEVS);
  const mtimes = h.numbers(Tag.FILEMTIMES);
  const digests = h.strings(Tag.FILEDIGESTS);
  const links = h.strings(Tag.FILELINKTOS);
  const flags = h.numbers(Tag.FILEFLAGS);
  const users = h.strings(Tag.FILEUSERNAME);
  const groups = h.strings(Tag.FILEGROUPNAME);
  const verify = h.numbers(Tag.FILEVERIFYFLAGS);
  const devices = h.numbers(Tag.FILEDEVICES);
  const inodes = h.numbers(Tag.FILEINODES);
  const langs = h.strings(Tag.FILELANGS);
  const colors = h.numbers(Tag.FILECOLORS);
  const caps = h.strings(Tag.FILECAPS);
  sameLength(
    'file',
    [
      { tag: Tag.FILESIZES, len: sizes.length },
      { tag: Tag.FILEMODES, len: modes.length },
      { tag: Tag.FILERDEVS, len: rdevs.length },
      { tag: Tag.FILEMTIMES, len: mtimes.length },
      { tag: Tag.FILEDIGESTS, len: digests.length },
      { tag: Tag.FILELINKTOS, len: links.length },
      { tag: Tag.FILEFLAGS, len: flags.length },
      { tag: Tag.FILEUSERNAME, len: users.length },
      { tag: Tag.FILEGROUPNAME, len: groups.length },
      { tag: Tag.FILEVERIFYFLAGS, len: verify.length },
      { tag: Tag.FILEDEVICES, len: devices.length },
      { tag: Tag.FILEINODES, len: inodes.length },
      { tag: Tag.FILELANGS, len: langs.length },
      { tag: Tag.FILECOLORS, len: colors.length },
      { tag: Tag.FILECAPS, len: caps.length },
    ],
    n,
  );
  const files: RpmFile[] = new Array(n);
  for (let i = 0; i < n; i++) {
    files[i] = {
      path: paths[i],
      size: sizes[i] ?? 0,
      mode: modes[i] ?? 0,
      rdev: rdevs[i] ?? 0,
      mtime: mtimes[i] ?? 0,
      digest: digests[i] ?? '',
      linkTo: links[i] ?? '',
      flags: flags[i] ?? 0,
      user: users[i] ?? 'root',
      group: groups[i] ?? 'root',
      verifyFlags: verify[i] ?? 0xffffffff,
      device: devices[i] ?? 0,
      inode: inodes[i] ?? 0,
      lang: langs[i] ?? '',
      color: colors[i] ?? 0,
      caps: caps[i] ?? '',
    };
  }
  return files;
}

/** Groups of file indexes that are hard links of one another (same device + inode, regular files). */
export function hardlinkGroups(files: RpmFile[]): number[][] {
  const byKey = new Map<string, number[]>();
  files.forEach((f, i) => {
    if ((f.mode & 0o170000) !== 0o100000 || f.inode === 0) return;
    const key = `${f.device}:${f.inode}`;
    const g = byKey.get(key);
    if (g) g.push(i);
    else byKey.set(key, [i]);
  });
  return [...byKey.values()].filter((g) => g.length > 1);
}

function progOf(h: Header, tag: number): string[] {
  const e = h.entry(tag);
  if (!e) return [];
  return h.strings(tag);
}

export function readScripts(h: Header): Scriptlet[] {
  const out: Scriptlet[] = [];
  for (const [name, [bodyTag, progTag, flagsTag]] of Object.entries(SCRIPT_TAGS) as Array<
    [ScriptName, readonly [number, number, number]]
  >) {
    const body = h.has(bodyTag) ? (h.string(bodyTag) ?? '') : undefined;
    const prog = progOf(h, progTag);
    if (body === undefined && prog.length === 0) continue;
    out.push({ name, prog, body: body ?? '', flags: h.number(flagsTag) ?? 0 });
  }
  return out;
}

export function readTriggers(h: Header): Trigger[] {
  const names = h.strings(Tag.TRIGGERNAME);
  if (names.length === 0) return [];
  const flags = h.numbers(Tag.TRIGGERFLAGS);
  const versions = h.strings(Tag.TRIGGERVERSION);
  const index = h.numbers(Tag.TRIGGERINDEX);
  const scripts = h.strings(Tag.TRIGGERSCRIPTS);
  const progs = h.strings(Tag.TRIGGERSCRIPTPROG);
  sameLength(
    'trigger',
    [
      { tag: Tag.TRIGGERFLAGS, len: flags.length },
      { tag: Tag.TRIGGERVERSION, len: versions.length },
      { tag: Tag.TRIGGERINDEX, len: index.length },
    ],
    names.length,
  );
  return names.map((name, i) => {
    const f = flags[i] ?? 0;
    const type =
      f & DepFlag.TRIGGERPREIN
        ? 'triggerprein'
        : f & DepFlag.TRIGGERIN
          ? 'triggerin'
          : f & DepFlag.TRIGGERUN
            ? 'triggerun'
            : 'triggerpostun';
    const si = index[i] ?? 0;
    return { type, name, flags: f, version: versions[i] ?? '', prog: progs[si] ? [progs[si]] : [], body: scripts[si] ?? '' };
  });
}

export function readChangelog(h: Header): ChangelogEntry[] {
  const times = h.numbers(Tag.CHANGELOGTIME);
  const names = h.strings(Tag.CHANGELOGNAME);
  const texts = h.strings(Tag.CHANGELOGTEXT);
  const n = Math.min(times.length, names.length, texts.length);
  const out: ChangelogEntry[] = [];
  for (let i = 0; i < n; i++) out.push({ time: times[i], author: names[i], text: texts[i] });
  return out;
}

/**
 * Source or binary, as rpm decides after its retrofits (lib/package.c): SOURCERPM means binary,
 * SOURCEPACKAGE means source; with neither, only a file list of bare names (DIRNAMES [""]) is source.
 */
export function isSourceHeader(h: Header): boolean {
  if (h.has(Tag.SOURCERPM)) return false;
  if (h.has(Tag.SOURCEPACKAGE)) return true;
  const dirs = h.strings(Tag.DIRNAMES);
  if (dirs.length > 0) return dirs.length === 1 && dirs[0] === '';
  const old = h.strings(Tag.OLDFILENAMES);
  return old.length > 0 && old.every((f) => !f.includes('/'));
}

/** Builds the package model from its main header (and signature header for sizes). */
export function describePackage(h: Header, sig?: Header): RpmPackage {
  const name = h.string(Tag.NAME);
  const version = h.string(Tag.VERSION);
  const release = h.string(Tag.RELEASE);
  if (!name) throw new RpmFormatError('header: missing NAME');
  if (version === undefined) throw new RpmFormatError('header: missing VERSION');
  if (release === undefined) throw new RpmFormatError('header: missing RELEASE');
  const deps = {} as Record<DepKind, Dependency[]>;
  for (const k of DEP_KINDS) deps[k] = readDependencies(h, k);
  const archiveSize =
    h.number(Tag.LONGARCHIVESIZE) ??
    h.number(Tag.ARCHIVESIZE) ??
    sig?.number(271) ??
    sig?.number(1007);
  return {
    name,
    epoch: h.number(Tag.EPOCH),
    version,
    release,
    arch: h.string(Tag.ARCH) ?? '',
    os: h.string(Tag.OS) ?? '',
    isSource: isSourceHeader(h),
    summary: h.string(Tag.SUMMARY) ?? '',
    description: h.string(Tag.DESCRIPTION) ?? '',
    license: h.string(Tag.LICENSE) ?? '',
    group: h.string(Tag.GROUP) ?? '',
    url: h.string(Tag.URL) ?? '',
    vendor: h.string(Tag.VENDOR) ?? '',
    packager: h.string(Tag.PACKAGER) ?? '',
    buildHost: h.string(Tag.BUILDHOST) ?? '',
    buildTime: h.number(Tag.BUILDTIME) ?? 0,
    sourceRpm: h.string(Tag.SOURCERPM) ?? (isSourceHeader(h) ? '' : '(none)'),
    installedSize: h.number(Tag.LONGSIZE) ?? h.number(Tag.SIZE) ?? 0,
    archiveSize,
    payloadFormat: h.string(Tag.PAYLOADFORMAT) ?? 'cpio',
    payloadCompressor: h.string(Tag.PAYLOADCOMPRESSOR) ?? 'gzip',
    payloadFlags: h.string(Tag.PAYLOADFLAGS) ?? '',
    fileDigestAlgo: h.number(Tag.FILEDIGESTALGO) ?? 1,
    deps,
    files: readFiles(h),
    scripts: readScripts(h),
    triggers: readTriggers(h),
    changelog: readChangelog(h),
  };
}
