// repomd.xml: the index of a repository's metadata files. Reading is strict about what a client
// acts on (checksums it verifies, locations it downloads, sizes it bounds downloads by) and ignores
// elements it does not know (<repoid>, <contenthash>, future additions). Writing reproduces
// createrepo_c's layout (src/xml_dump_repomd.c via libxml2's pretty printer) byte for byte.

import { type Checksum, type Repomd, type RepomdRecord } from './model.ts';
import { parseUint, parseXmlTree, repoError, xmlAttr, xmlText, type XmlNode } from './xml-read/index.ts';

/** Hex digits per digest. "sha" is yum's old name for sha1, which createrepo_c still accepts. */
export const CHECKSUM_HEX_LENGTH: Readonly<Record<string, number>> = {
  md5: 32,
  sha: 40,
  sha1: 40,
  sha224: 56,
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

/** Why a checksum is unusable (unknown type, wrong length, not lower-case hex), or undefined. */
export function checksumProblem(c: Checksum): string | undefined {
  const len = Object.hasOwn(CHECKSUM_HEX_LENGTH, c.type) ? CHECKSUM_HEX_LENGTH[c.type] : undefined;
  if (len === undefined) return `unknown checksum type "${c.type.slice(0, 20)}"`;
  if (c.value.length !== len || !/^[0-9a-f]*$/.test(c.value)) return `expected ${len} lower-case hex digits for ${c.type}`;
  return undefined;
}

/**
 * Why a repository-relative location is unsafe to fetch or write (absolute, a URL, a `..`
 * segment, a backslash or control character), or undefined.
 */
export function locationProblem(href: string): string | undefined {
  if (href === '') return 'empty location';
  if (href.startsWith('/')) return 'absolute location';
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(href)) return 'location is a URL (use xml:base for that)';
  // eslint-disable-next-line no-control-regex
  if (/[\\\x00-\x1f\x7f]/.test(href)) return 'backslash or control character in location';
  if (href.split('/').includes('..')) return '".." in location';
  return undefined;
}

const TYPE_RE = /^[A-Za-z0-9_.+-]+$/;

function fail(what: string, n: XmlNode, where: string, msg: string): never {
  throw repoError(`${what}: line ${n.line}: ${where}: ${msg}`);
}

function readChecksum(n: XmlNode, what: string, where: string): Checksum {
  const c: Checksum = { type: n.attrs.type ?? '', value: n.text.trim().toLowerCase() };
  if (c.type === '') fail(what, n, where, 'no type attribute');
  const bad = checksumProblem(c);
  if (bad) fail(what, n, where, bad);
  return c;
}

function readRecord(n: XmlNode, what: string): RepomdRecord {
  const type = n.attrs.type ?? '';
  if (!TYPE_RE.test(type)) fail(what, n, '<data>', `bad or missing type "${type.slice(0, 40)}"`);
  const at = `<data type="${type}">`;
  // Optional fields are only set when present: a key holding undefined would not compare equal.
  const rec: RepomdRecord = { type, location: '', checksum: { type: '', value: '' } };
  const seen = new Set<string>();
  const uint = (c: XmlNode): number => {
    const v = parseUint(c.text.trim());
    return v ?? fail(what, c, `${at} <${c.name}>`, `not a non-negative integer: "${c.text.trim().slice(0, 30)}"`);
  };
  for (const c of n.children) {
    if (seen.has(c.name)) fail(what, c, at, `<${c.name}> given twice`);
    seen.add(c.name);
    const where = `${at} <${c.name}>`;
    switch (c.name) {
      case 'checksum':
        rec.checksum = readChecksum(c, what, where);
        break;
      case 'open-checksum':
        rec.openChecksum = readChecksum(c, what, where);
        break;
      case 'header-checksum':
        rec.headerChecksum = readChecksum(c, what, where);
        break;
      case 'location': {
        rec.location = c.attrs.href ?? '';
        const bad = locationProblem(rec.location);
        if (bad) fail(what, c, where, `${bad}: "${rec.location.slice(0, 80)}"`);
        if (c.attrs['xml:base'] !== undefined) rec.locationBase = c.attrs['xml:base'];
        break;
      }
      case 'timestamp': {
        // Some old generators wrote fractional seconds; createrepo_c's strtoll keeps the integer part.
        const t = /^(\d{1,15})(\.\d*)?$/.exec(c.text.trim());
        if (!t) fail(what, c, where, `not a time in seconds: "${c.text.trim().slice(0, 30)}"`);
        rec.timestamp = Number(t[1]);
        break;
      }
      case 'size':
        rec.size = uint(c);
        break;
      case 'open-size':
        rec.openSize = uint(c);
        break;
      case 'header-size':
        rec.headerSize = uint(c);
        break;
      case 'database_version':
        rec.databaseVersion = uint(c);
        break;
    }
  }
  if (!seen.has('checksum')) fail(what, n, at, 'missing <checksum>');
  if (!seen.has('location')) fail(what, n, at, 'missing <location>');
  return rec;
}

export function parseRepomd(xml: string, what: string): Repomd {
  const root = parseXmlTree(xml, what, 'repomd');
  const r: Repomd = { revision: '', tags: { content: [], repo: [], distro: [] }, records: [] };
  const types = new Set<string>();
  for (const n of root.children) {
    if (n.name === 'revision') r.revision = n.text.trim();
    else if (n.name === 'tags') {
      for (const t of n.children) {
        if (t.name === 'content') r.tags.content.push(t.text.trim());
        else if (t.name === 'repo') r.tags.repo.push(t.text.trim());
        else if (t.name === 'distro') {
          const cpeid = t.attrs.cpeid;
          r.tags.distro.push(cpeid === undefined ? { value: t.text.trim() } : { cpeid, value: t.text.trim() });
        }
      }
    } else if (n.name === 'data') {
      const rec = readRecord(n, what);
      // Two records of one type would make "which primary?" ambiguous.
      if (types.has(rec.type)) fail(what, n, `<data type="${rec.type}">`, 'type listed twice');
      types.add(rec.type);
      r.records.push(rec);
    }
  }
  return r;
}

export function findRecord(repomd: Repomd, type: string): RepomdRecord | undefined {
  return repomd.records.find((r) => r.type === type);
}

/** Checks a Repomd before writing it; throws RepoFormatError naming the record and field. */
export function validateRepomd(r: Repomd, what = 'repomd.xml'): void {
  const types = new Set<string>();
  const num = (v: number | undefined, where: string): void => {
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) throw repoError(`${what}: ${where}: not a non-negative integer: ${v}`);
  };
  for (const rec of r.records) {
    const at = `<data type="${rec.type}">`;
    if (!TYPE_RE.test(rec.type)) throw repoError(`${what}: <data>: bad type "${rec.type.slice(0, 40)}"`);
    if (types.has(rec.type)) throw repoError(`${what}: ${at}: type listed twice`);
    types.add(rec.type);
    const sums: Array<[string, Checksum | undefined]> = [
      ['checksum', rec.checksum],
      ['open-checksum', rec.openChecksum],
      ['header-checksum', rec.headerChecksum],
    ];
    for (const [name, c] of sums) {
      const bad = c && checksumProblem(c);
      if (bad) throw repoError(`${what}: ${at} <${name}>: ${bad}`);
    }
    const bad = locationProblem(rec.location);
    if (bad) throw repoError(`${what}: ${at} <location>: ${bad}: "${rec.location.slice(0, 80)}"`);
    num(rec.timestamp, `${at} <timestamp>`);
    num(rec.size, `${at} <size>`);
    num(rec.openSize, `${at} <open-size>`);
    num(rec.headerSize, `${at} <header-size>`);
    num(rec.databaseVersion, `${at} <database_version>`);
  }
}

/** Serialises as createrepo_c does: two-space indent, records in the given order. */
export function writeRepomd(r: Repomd): string {
  const what = 'repomd.xml';
  validateRepomd(r, what);
  const o: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">',
    `  <revision>${xmlText(r.revision, `${what}: <revision>`)}</revision>`,
  ];
  const { content, repo, distro } = r.tags;
  if (content.length + repo.length + distro.length > 0) {
    o.push('  <tags>');
    for (const t of content) o.push(`    <content>${xmlText(t, `${what}: <tags> <content>`)}</content>`);
    for (const t of repo) o.push(`    <repo>${xmlText(t, `${what}: <tags> <repo>`)}</repo>`);
    for (const d of distro) {
      const cpe = d.cpeid === undefined ? '' : ` cpeid="${xmlAttr(d.cpeid, `${what}: <distro cpeid>`)}"`;
      o.push(`    <distro${cpe}>${xmlText(d.value, `${what}: <tags> <distro>`)}</distro>`);
    }
    o.push('  </tags>');
  }
  for (const rec of r.records) {
    const at = `${what}: <data type="${rec.type}">`;
    const sum = (name: string, c: Checksum | undefined): void => {
      if (c) o.push(`    <${name} type="${c.type}">${c.value}</${name}>`);
    };
    const num = (name: string, v: number | undefined): void => {
      if (v !== undefined) o.push(`    <${name}>${v}</${name}>`);
    };
    o.push(`  <data type="${rec.type}">`);
    sum('checksum', rec.checksum);
    sum('open-checksum', rec.openChecksum);
    sum('header-checksum', rec.headerChecksum);
    const base = rec.locationBase === undefined ? '' : ` xml:base="${xmlAttr(rec.locationBase, `${at} <location xml:base>`)}"`;
    o.push(`    <location href="${xmlAttr(rec.location, `${at} <location>`)}"${base}/>`);
    num('timestamp', rec.timestamp);
    num('size', rec.size);
    num('open-size', rec.openSize);
    num('header-size', rec.headerSize);
    num('database_version', rec.databaseVersion);
    o.push('  </data>');
  }
  o.push('</repomd>', '');
  return o.join('\n');
}
