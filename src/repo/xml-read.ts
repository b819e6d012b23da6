// Reading rpm-md XML. primary/filelists/other are streamed through saxes (a Fedora primary is
// ~250 MB, filelists several times that), producing model objects as each <package> closes; the
// small documents (repomd, updateinfo, comps) go through `parseXmlTree`, a minimal element tree.
// Every failure — malformed XML, bad UTF-8, a missing or malformed field — is one RepoFormatError
// line naming the file, the line and the field.

import { SaxesParser } from 'saxes';
import {
  RepoFormatError,
  emptyRepoPackage,
  type RepoChangelog,
  type RepoDep,
  type RepoDepFlags,
  type RepoDepKind,
  type RepoFile,
  type RepoPackage,
} from './model.ts';

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by repomd.ts, updateinfo.ts, comps.ts)

/**
 * The one way these modules make errors: values quoted from the input may hold line breaks or
 * other control characters, which are shown escaped so the message stays one line.
 */
export function repoError(msg: string): RepoFormatError {
  // eslint-disable-next-line no-control-regex
  return new RepoFormatError(msg.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)));
}

/** A push parser: feed text in any chunking, then close() (which checks the document is complete). */
export interface XmlReader {
  write(chunk: string): void;
  close(): void;
}

/** Turns whatever escaped a parser into a one-line RepoFormatError. */
function asFormatError(e: unknown, what: string): RepoFormatError {
  if (e instanceof RepoFormatError) return e;
  const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  // saxes formats its errors as "line:column: reason" (no fileName option given).
  const m = /^(\d+):(\d+): (.*)$/.exec(msg);
  return repoError(m ? `${what}: line ${m[1]}: malformed XML: ${m[3]}` : `${what}: malformed XML: ${msg}`);
}

type OpenFn = (name: string, attrs: Record<string, string>, depth: number) => boolean;
/** `text` is the element's text when its `open` asked for it, else undefined. */
type CloseFn = (name: string, depth: number, text: string | undefined) => void;

/**
 * Drives saxes for the streaming readers. `open` returns true to capture the element's text, which
 * `close` then receives. The text handler is only installed while capturing, so the indentation
 * between elements is never sliced out of the input (saxes skips the work without a handler).
 */
function streamReader(
  what: string,
  root: string,
  open: OpenFn,
  close: CloseFn,
  end: () => void,
): XmlReader & { fail(msg: string): never } {
  const p = new SaxesParser({ xmlns: false, position: true });
  let depth = 0;
  let capDepth = -1;
  let buf = '';
  let failed: RepoFormatError | undefined;
  let closed = false;
  const onText = (t: string): void => {
    buf += t;
  };
  const fail = (msg: string): never => {
    throw repoError(`${what}: line ${p.line}: ${msg}`);
  };
  p.on('opentag', (tag) => {
    depth++;
    if (depth === 1 && tag.name !== root) fail(`expected <${root}> as the root element, found <${tag.name}>`);
    if (capDepth < 0 && open(tag.name, tag.attributes, depth)) {
      capDepth = depth;
      buf = '';
      p.on('text', onText);
    }
  });
  p.on('cdata', (t) => {
    if (capDepth >= 0) buf += t;
  });
  p.on('closetag', (tag) => {
    if (depth === capDepth) {
      p.off('text');
      capDepth = -1;
      const text = buf;
      buf = '';
      close(tag.name, depth, text);
    } else {
      close(tag.name, depth, undefined);
    }
    depth--;
  });
  const guard = (f: () => void): void => {
    if (failed) throw failed;
    if (closed) throw repoError(`${what}: written after close`);
    try {
      f();
    } catch (e) {
      failed = asFormatError(e, what);
      throw failed;
    }
  };
  return {
    fail,
    write: (chunk) => guard(() => p.write(chunk)),
    close: () =>
      guard(() => {
        p.close();
        closed = true;
        end();
      }),
  };
}

/** Feeds bytes (UTF-8) to a reader in 1 MiB pieces, so a file larger than V8's string limit works. */
export function feedBytes(reader: XmlReader, data: Uint8Array, what: string): void {
  const dec = new TextDecoder('utf-8', { fatal: true });
  const STEP = 1 << 20;
  for (let off = 0; off < data.length; off += STEP) {
    const end = Math.min(off + STEP, data.length);
    let s: string;
    try {
      s = dec.decode(data.subarray(off, end), { stream: end < data.length });
    } catch {
      throw repoError(`${what}: not valid UTF-8 (near byte ${off})`);
    }
    reader.write(s);
  }
  reader.close();
}

function feed(reader: XmlReader, input: string | Uint8Array, what: string): void {
  if (typeof input === 'string') {
    reader.write(input);
    reader.close();
  } else {
    feedBytes(reader, input, what);
  }
}

/** Non-negative decimal integer (as rpm-md writes sizes and times), else undefined. */
export function parseUint(s: string): number | undefined {
  if (s.length === 0 || s.length > 15) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(s);
}

/** One element of a small document: attributes, child elements and its own (direct) text. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
  line: number;
}

/** Parses a whole (small) document into an element tree; `root` is the expected root name. */
export function parseXmlTree(xml: string, what: string, root: string): XmlNode {
  const p = new SaxesParser({ xmlns: false, position: true });
  const stack: XmlNode[] = [];
  let top: XmlNode | undefined;
  let doc: XmlNode | undefined;
  p.on('opentag', (tag) => {
    const n: XmlNode = { name: tag.name, attrs: tag.attributes, children: [], text: '', line: p.line };
    if (top) top.children.push(n);
    else if (tag.name !== root) throw repoError(`${what}: expected <${root}> as the root element, found <${tag.name}>`);
    else doc = n;
    stack.push(n);
    top = n;
  });
  const onText = (t: string): void => {
    if (top) top.text += t;
  };
  p.on('text', onText);
  p.on('cdata', onText);
  p.on('closetag', () => {
    stack.pop();
    top = stack[stack.length - 1];
  });
  try {
    p.write(xml).close();
  } catch (e) {
    throw asFormatError(e, what);
  }
  if (!doc) throw repoError(`${what}: no <${root}> element`);
  return doc;
}

/** XML 1.0 forbids these code points outright; rpm-md writers must not emit them. */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function checkChars(s: string, where: string): void {
  const m = INVALID_XML.exec(s);
  if (m) {
    const cp = m[0].charCodeAt(0).toString(16).padStart(4, '0');
    throw repoError(`${where}: character U+${cp} cannot be written to XML`);
  }
}

/** Element text, escaped as libxml2 does (&, <, >, and CR so it survives end-of-line normalisation). */
export function xmlText(s: string, where: string): string {
  checkChars(s, where);
  return /[&<>\r]/.test(s) ? s.replace(/[&<>\r]/g, (c) => ESC[c]) : s;
}

/** Attribute value, escaped as libxml2 does (also ", and TAB/LF/CR, which attribute normalisation would eat). */
export function xmlAttr(s: string, where: string): string {
  checkChars(s, where);
  return /[&<>"\t\n\r]/.test(s) ? s.replace(/[&<>"\t\n\r]/g, (c) => ESC[c]) : s;
}

const ESC: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

// ---------------------------------------------------------------------------------------------
// primary.xml

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

function fileEntry(path: string, type: string | undefined, fail: (m: string) => never): RepoFile {
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

// ---------------------------------------------------------------------------------------------
// filelists.xml and other.xml

/** The identity part of a filelists/other <package>. */
export interface PackageRef {
  pkgid: string;
  name: string;
  arch: string;
  epoch: string;
  version: string;
  release: string;
}

export interface FilelistsEntry extends PackageRef {
  files: RepoFile[];
}

export interface OtherEntry extends PackageRef {
  changelog: RepoChangelog[];
}

/**
 * The common shape of filelists.xml and other.xml: <package pkgid name arch><version/> then a
 * list of one repeated child (`item`), read by `onItem`.
 */
function refReader<E extends PackageRef>(
  what: string,
  root: string,
  item: string,
  make: (ref: PackageRef) => E,
  onItem: (e: E, attrs: Record<string, string>, text: string, fail: (m: string) => never) => void,
  onEntry: (e: E) => void,
): XmlReader {
  let cur: E | undefined;
  let hasVersion = false;
  let index = 0;
  let itemAttrs: Record<string, string> = {};
  const open: OpenFn = (name, a, d) => {
    if (d === 2) {
      cur = undefined;
      if (name !== 'package') return false;
      index++;
      if (!a.pkgid || !a.name || !a.arch) r.fail(`package ${index}: <package> needs pkgid, name and arch`);
      cur = make({ pkgid: a.pkgid, name: a.name, arch: a.arch, epoch: '0', version: '', release: '' });
      hasVersion = false;
      return false;
    }
    if (d !== 3 || cur === undefined) return false;
    if (name === 'version') {
      if (a.ver === undefined || a.rel === undefined) r.fail(`package ${index} (${cur.name}): <version> needs ver and rel`);
      cur.epoch = a.epoch ?? '0';
      cur.version = a.ver;
      cur.release = a.rel;
      hasVersion = true;
      return false;
    }
    if (name === item) {
      itemAttrs = a;
      return true;
    }
    return false;
  };
  const close: CloseFn = (_name, d, text) => {
    if (cur === undefined) return;
    if (text !== undefined) onItem(cur, itemAttrs, text, r.fail);
    else if (d === 2) {
      const e = cur;
      cur = undefined;
      if (!hasVersion) r.fail(`package ${index} (${e.name}): missing <version>`);
      onEntry(e);
    }
  };
  const r = streamReader(what, root, open, close, () => {});
  return r;
}

/** Streams filelists.xml: every file of every package, in header order. */
export function createFilelistsReader(onEntry: (e: FilelistsEntry) => void, what = 'filelists.xml'): XmlReader {
  return refReader<FilelistsEntry>(
    what,
    'filelists',
    'file',
    (ref) => ({ ...ref, files: [] }),
    (e, a, text, fail) => e.files.push(fileEntry(text, a.type, fail)),
    onEntry,
  );
}

/** Streams other.xml: each package's changelog entries (oldest first, as createrepo_c writes them). */
export function createOtherReader(onEntry: (e: OtherEntry) => void, what = 'other.xml'): XmlReader {
  return refReader<OtherEntry>(
    what,
    'otherdata',
    'changelog',
    (ref) => ({ ...ref, changelog: [] }),
    (e, a, text, fail) => {
      const date =
        (a.date === undefined ? undefined : parseUint(a.date)) ??
        fail(`package ${e.name}: <changelog date="${(a.date ?? '').slice(0, 20)}">: not an integer`);
      e.changelog.push({ author: a.author ?? '', date, text });
    },
    onEntry,
  );
}

export interface MergeOptions {
  /**
   * `packages` is a subset of primary: entries for other pkgids are skipped and packages without
   * an entry are left as they are. Without it both are errors (the files disagree).
   */
  partial?: boolean;
}

/**
 * Joins entries to primary packages by pkgid. A repository may list the same .rpm twice (same
 * pkgid, two locations); the n-th entry for a pkgid then goes to the n-th such package.
 */
function joiner<E extends PackageRef>(
  packages: RepoPackage[],
  what: string,
  opts: MergeOptions,
  apply: (p: RepoPackage, e: E) => void,
): { onEntry: (e: E) => void; end: () => void } {
  const byId = new Map<string, RepoPackage | RepoPackage[]>();
  for (const p of packages) {
    const prev = byId.get(p.pkgid);
    if (prev === undefined) byId.set(p.pkgid, p);
    else if (Array.isArray(prev)) prev.push(p);
    else byId.set(p.pkgid, [prev, p]);
  }
  const done = new Set<RepoPackage>();
  return {
    onEntry(e) {
      const hit = byId.get(e.pkgid);
      let p: RepoPackage | undefined;
      if (Array.isArray(hit)) p = hit.find((q) => !done.has(q));
      else if (hit !== undefined && !done.has(hit)) p = hit;
      if (p === undefined) {
        if (opts.partial) return;
        throw repoError(`${what}: package ${e.name} (pkgid ${e.pkgid}) is not in primary${hit ? ' (listed twice)' : ''}`);
      }
      if (p.name !== e.name || p.arch !== e.arch || p.epoch !== e.epoch || p.version !== e.version || p.release !== e.release) {
        throw repoError(
          `${what}: pkgid ${e.pkgid} is ${e.name}-${e.epoch}:${e.version}-${e.release}.${e.arch} here but ` +
            `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch} in primary`,
        );
      }
      done.add(p);
      apply(p, e);
    },
    end() {
      if (opts.partial || done.size === packages.length) return;
      const miss = packages.find((p) => !done.has(p));
      throw repoError(
        `${what}: ${packages.length - done.size} primary package(s) missing, e.g. ${miss?.name} (pkgid ${miss?.pkgid})`,
      );
    },
  };
}

/** A reader that fills `files` (filesComplete = true) of the given primary packages from filelists.xml. */
export function createFilelistsMerger(packages: RepoPackage[], what = 'filelists.xml', opts: MergeOptions = {}): XmlReader {
  const j = joiner<FilelistsEntry>(packages, what, opts, (p, e) => {
    p.files = e.files;
    p.filesComplete = true;
  });
  return withEnd(createFilelistsReader(j.onEntry, what), j.end);
}

/** A reader that fills `changelog` of the given primary packages from other.xml. */
export function createOtherMerger(packages: RepoPackage[], what = 'other.xml', opts: MergeOptions = {}): XmlReader {
  const j = joiner<OtherEntry>(packages, what, opts, (p, e) => {
    p.changelog = e.changelog;
  });
  return withEnd(createOtherReader(j.onEntry, what), j.end);
}

function withEnd(r: XmlReader, end: () => void): XmlReader {
  return {
    write: (c) => r.write(c),
    close: () => {
      r.close();
      end();
    },
  };
}

export function mergeFilelists(packages: RepoPackage[], input: string | Uint8Array, what = 'filelists.xml', opts: MergeOptions = {}): void {
  feed(createFilelistsMerger(packages, what, opts), input, what);
}

export function mergeOther(packages: RepoPackage[], input: string | Uint8Array, what = 'other.xml', opts: MergeOptions = {}): void {
  feed(createOtherMerger(packages, what, opts), input, what);
}
