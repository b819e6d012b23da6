// Streaming reader for primary.xml (a Fedora primary is ~250 MB): each <package> becomes a RepoPackage
// as it closes; every failure is one RepoFormatError line naming the file, the line and the field.

import { type RepoDep, type RepoDepFlags, type RepoDepKind, type RepoFile, type RepoPackage, emptyRepoPackage } from '../model.ts';
import { type CloseFn, type OpenFn, type XmlReader, feed, parseUint, streamReader } from './xml.ts';

// Maps, not object literals: element names come from the input, and "__proto__" or "constructor"
// must not find anything.
const DEP_LISTS = new Map<string, RepoDepKind>([
  ['rpm:provides', 'provides'],
  ['rpm:requires', 'requires'],
  ['rpm:conflicts', 'conflicts'],
  ['rpm:obsoletes', 'obsoletes'],
  ['rpm:suggests', 'suggests'],
  ['rpm:enhances', 'enhances'],
  ['rpm:recommends', 'recommends'],
  ['rpm:supplements', 'supplements'],
]);

/** String fields of RepoPackage filled from element text. */
type TextField = 'name' | 'arch' | 'summary' | 'description' | 'packager' | 'url' | 'license' | 'vendor' | 'group' | 'buildHost' | 'sourceRpm';

/** <package> children (depth 3) and <format> children (depth 4) whose text is a field. */
const PACKAGE_TEXT = new Map<string, TextField>(
  (['name', 'arch', 'summary', 'description', 'packager', 'url'] as const).map((f) => [f, f]),
);
const FORMAT_TEXT = new Map<string, TextField>([
  ['rpm:license', 'license'],
  ['rpm:vendor', 'vendor'],
  ['rpm:group', 'group'],
  ['rpm:buildhost', 'buildHost'],
  ['rpm:sourcerpm', 'sourceRpm'],
]);

/** Required elements of a <package>, in the order missing ones are reported. */
const REQUIRED = ['name', 'arch', 'checksum', 'version', 'location'];
const R_ALL = (1 << REQUIRED.length) - 1;

const newPackage = emptyRepoPackage;

export function fileEntry(path: string, type: string | undefined, fail: (m: string) => never): RepoFile {
  if (type === undefined) return { path };
  if (type === 'dir' || type === 'ghost') return { path, type };
  return fail(`<file type="${type}">: unknown file type`);
}

/**
 * Streams primary.xml: `onPackage` gets each package as its </package> is read. Files are
 * primary's filtered subset (filesComplete false) and changelog is empty until merged.
 */
export function createPrimaryReader(onPackage: (p: RepoPackage) => void, what = 'primary.xml'): XmlReader {
  let cur: RepoPackage | undefined;
  let seen = 0; // bit i set: REQUIRED[i] was read
  let index = 0;
  let inFormat = false;
  let deps: RepoDep[] | undefined;
  // What the captured text is for: a TextField, the pkgid (checksum) or a file path.
  let field: TextField | 'pkgid' | 'file' = 'name';
  let fileType: string | undefined;

  const ctx = (): string => `package ${index}${cur && cur.name ? ` (${cur.name})` : ''}`;
  // `label` is a constant; the message is only built on failure (this runs ~8 times per package).
  const int = (v: string | undefined, label: string): number => {
    if (v === undefined) return 0;
    const n = parseUint(v);
    return n === undefined ? r.fail(`${ctx()}: ${label}: not a non-negative integer: "${v.slice(0, 40)}"`) : n;
  };
  const need = (el: string): void => {
    seen |= 1 << REQUIRED.indexOf(el);
  };

  const open: OpenFn = (name, a, d) => {
    if (d === 2) {
      cur = name === 'package' ? newPackage() : undefined;
      seen = 0;
      if (cur) index++;
      return false;
    }
    if (cur === undefined) return false;
    if (d === 3) {
      const tf = PACKAGE_TEXT.get(name);
      if (tf !== undefined) {
        if (tf === 'name' || tf === 'arch') need(tf);
        field = tf;
        return true;
      }
      switch (name) {
        case 'version':
          if (a.ver === undefined || a.rel === undefined) r.fail(`${ctx()}: <version> needs ver and rel`);
          cur.epoch = a.epoch ?? '0';
          cur.version = a.ver;
          cur.release = a.rel;
          need('version');
          return false;
        case 'checksum':
          if (!a.type) r.fail(`${ctx()}: <checksum> without type`);
          cur.checksumType = a.type;
          need('checksum');
          field = 'pkgid';
          return true;
        case 'time':
          cur.fileTime = int(a.file, '<time file>');
          cur.buildTime = int(a.build, '<time build>');
          return false;
        case 'size':
          cur.packageSize = int(a.package, '<size package>');
          cur.installedSize = int(a.installed, '<size installed>');
          cur.archiveSize = int(a.archive, '<size archive>');
          return false;
        case 'location':
          if (!a.href) r.fail(`${ctx()}: <location> without href`);
          cur.location = a.href;
          if (a['xml:base'] !== undefined) cur.locationBase = a['xml:base'];
          need('location');
          return false;
        case 'format':
          inFormat = true;
          return false;
      }
      return false;
    }
    if (d === 4 && inFormat) {
      if (name === 'file') {
        field = 'file';
        fileType = a.type;
        return true;
      }
      const tf = FORMAT_TEXT.get(name);
      if (tf !== undefined) {
        field = tf;
        return true;
      }
      if (name === 'rpm:header-range') {
        cur.headerStart = int(a.start, '<rpm:header-range start>');
        cur.headerEnd = int(a.end, '<rpm:header-range end>');
        return false;
      }
      const kind = DEP_LISTS.get(name);
      if (kind !== undefined) deps = cur.deps[kind];
      return false;
    }
    if (d === 5 && deps !== undefined && name === 'rpm:entry') deps.push(readEntry(a, ctx, r.fail));
    return false;
  };

  const close: CloseFn = (_name, d, text) => {
    if (cur === undefined) return;
    if (text !== undefined) {
      if (field === 'file') cur.files.push(fileEntry(text, fileType, r.fail));
      else if (field === 'pkgid') cur.pkgid = text.trim();
      else cur[field] = text;
    } else if (d === 4) deps = undefined;
    else if (d === 3) inFormat = false;
    else if (d === 2) {
      if (seen !== R_ALL) r.fail(`${ctx()}: missing <${REQUIRED.find((_, i) => !(seen & (1 << i)))}>`);
      if (cur.pkgid === '') r.fail(`${ctx()}: empty <checksum>`);
      const p = cur;
      cur = undefined;
      onPackage(p);
    }
  };

  const r = streamReader(what, 'metadata', open, close, () => {});
  return r;
}

function readEntry(a: Record<string, string>, ctx: () => string, fail: (m: string) => never): RepoDep {
  const name = a.name;
  if (!name) return fail(`${ctx()}: <rpm:entry> without name`);
  const d: RepoDep = { name };
  const flags = a.flags;
  if (flags !== undefined) {
    if (flags !== 'EQ' && flags !== 'LT' && flags !== 'GT' && flags !== 'LE' && flags !== 'GE') {
      fail(`${ctx()}: <rpm:entry name="${name.slice(0, 60)}">: unknown flags "${flags.slice(0, 20)}"`);
    }
    d.flags = flags as RepoDepFlags;
  }
  if (a.epoch !== undefined) d.epoch = a.epoch;
  if (a.ver !== undefined) d.ver = a.ver;
  if (a.rel !== undefined) d.rel = a.rel;
  if (a.pre !== undefined) d.pre = a.pre === '1';
  return d;
}

export function parsePrimary(input: string | Uint8Array, what = 'primary.xml'): RepoPackage[] {
  const out: RepoPackage[] = [];
  feed(
    createPrimaryReader((p) => out.push(p), what),
    input,
    what,
  );
  return out;
}
