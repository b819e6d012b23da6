// primary.xml, filelists.xml and other.xml text, byte for byte as createrepo_c writes it: each package
// is a libxml2 node tree dumped with xmlNodeDump(format=1) plus "\n" (src/xml_dump_*.c), between a
// fixed header and footer (src/xml_file.c). Plain string concatenation, one package at a time, so a
// caller can stream packages straight into a compressor.

import { isPrimaryFile, type RepoDep, type RepoFile, type RepoPackage } from './model.ts';

const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<>"\n\r\t\u0080-\uffff]/;

/**
 * Element text as libxml2 serialises it: &, <, > and CR escaped; quotes and non-ASCII stay as they
 * are (the output encoding is UTF-8).
 */
export function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const rep = c === 38 ? '&amp;' : c === 60 ? '&lt;' : c === 62 ? '&gt;' : c === 13 ? '&#13;' : undefined;
    if (rep === undefined) continue;
    out += s.slice(from, i) + rep;
    from = i + 1;
  }
  return out + s.slice(from);
}

/**
 * Attribute values as libxml2 serialises them for nodes without a document (xmlNodeDump with doc
 * NULL): besides the markup characters and whitespace other than space, every non-ASCII character
 * becomes a hexadecimal character reference (&#xE1;).
 */
export function escapeAttr(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c === 38) rep = '&amp;';
    else if (c === 60) rep = '&lt;';
    else if (c === 62) rep = '&gt;';
    else if (c === 34) rep = '&quot;';
    else if (c === 10) rep = '&#10;';
    else if (c === 13) rep = '&#13;';
    else if (c === 9) rep = '&#9;';
    else if (c >= 0x80) {
      const cp = s.codePointAt(i)!;
      rep = `&#x${cp.toString(16).toUpperCase()};`;
      out += s.slice(from, i) + rep;
      if (cp > 0xffff) i++;
      from = i + 1;
      continue;
    }
    if (rep === undefined) continue;
    out += s.slice(from, i) + rep;
    from = i + 1;
  }
  return out + s.slice(from);
}

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS_COMMON = 'http://linux.duke.edu/metadata/common';
const NS_RPM = 'http://linux.duke.edu/metadata/rpm';
const NS_FILELISTS = 'http://linux.duke.edu/metadata/filelists';
const NS_OTHER = 'http://linux.duke.edu/metadata/other';

export function primaryHeader(count: number): string {
  return `${XML_DECL}<metadata xmlns="${NS_COMMON}" xmlns:rpm="${NS_RPM}" packages="${count}">\n`;
}
export function primaryFooter(): string {
  return '</metadata>';
}
export function filelistsHeader(count: number): string {
  return `${XML_DECL}<filelists xmlns="${NS_FILELISTS}" packages="${count}">\n`;
}
export function filelistsFooter(): string {
  return '</filelists>';
}
export function otherHeader(count: number): string {
  return `${XML_DECL}<otherdata xmlns="${NS_OTHER}" packages="${count}">\n`;
}
export function otherFooter(): string {
  return '</otherdata>';
}

/** `<tag>text</tag>`: createrepo_c always gives text elements content, so "" is never `<tag/>`. */
function textEl(indent: string, tag: string, text: string): string {
  return `${indent}<${tag}>${escapeText(text)}</${tag}>\n`;
}

function versionEl(p: RepoPackage): string {
  return `  <version epoch="${escapeAttr(p.epoch)}" ver="${escapeAttr(p.version)}" rel="${escapeAttr(p.release)}"/>\n`;
}

/** primary's dependency sections, in createrepo_c's order (not the model's). */
const PRIMARY_DEPS = ['provides', 'requires', 'conflicts', 'obsoletes', 'suggests', 'enhances', 'recommends', 'supplements'] as const;

function entryEl(d: RepoDep, requires: boolean): string {
  let s = `      <rpm:entry name="${escapeAttr(d.name)}"`;
  // Versions are only written with a comparison (cr_xml_dump_primary_dump_pco).
  if (d.flags) {
    s += ` flags="${d.flags}"`;
    if (d.epoch) s += ` epoch="${escapeAttr(d.epoch)}"`;
    if (d.ver) s += ` ver="${escapeAttr(d.ver)}"`;
    if (d.rel) s += ` rel="${escapeAttr(d.rel)}"`;
  }
  if (requires && d.pre) s += ' pre="1"';
  return `${s}/>\n`;
}

function fileEl(indent: string, f: RepoFile): string {
  return f.type ? `${indent}<file type="${f.type}">${escapeText(f.path)}</file>\n` : `${indent}<file>${escapeText(f.path)}</file>\n`;
}

export function primaryPackageXml(p: RepoPackage): string {
  let s =
    '<package type="rpm">\n' +
    textEl('  ', 'name', p.name) +
    textEl('  ', 'arch', p.arch) +
    versionEl(p) +
    `  <checksum type="${escapeAttr(p.checksumType)}" pkgid="YES">${escapeText(p.pkgid)}</checksum>\n` +
    textEl('  ', 'summary', p.summary) +
    textEl('  ', 'description', p.description) +
    textEl('  ', 'packager', p.packager) +
    textEl('  ', 'url', p.url) +
    `  <time file="${p.fileTime}" build="${p.buildTime}"/>\n` +
    `  <size package="${p.packageSize}" installed="${p.installedSize}" archive="${p.archiveSize}"/>\n` +
    `  <location ${p.locationBase ? `xml:base="${escapeAttr(p.locationBase)}" ` : ''}href="${escapeAttr(p.location)}"/>\n` +
    '  <format>\n' +
    textEl('    ', 'rpm:license', p.license) +
    textEl('    ', 'rpm:vendor', p.vendor) +
    textEl('    ', 'rpm:group', p.group) +
    textEl('    ', 'rpm:buildhost', p.buildHost) +
    textEl('    ', 'rpm:sourcerpm', p.sourceRpm) +
    `    <rpm:header-range start="${p.headerStart}" end="${p.headerEnd}"/>\n`;
  for (const kind of PRIMARY_DEPS) {
    const list = p.deps[kind];
    if (list.length === 0) continue;
    let entries = '';
    // Entries without a name are skipped, but their section is still written (empty: <x/>).
    for (const d of list) if (d.name) entries += entryEl(d, kind === 'requires');
    s += entries ? `    <rpm:${kind}>\n${entries}    </rpm:${kind}>\n` : `    <rpm:${kind}/>\n`;
  }
  for (const f of p.files) if (isPrimaryFile(f.path)) s += fileEl('    ', f);
  return `${s}  </format>\n</package>\n`;
}

function pkgOpen(p: RepoPackage): string {
  return `<package pkgid="${escapeAttr(p.pkgid)}" name="${escapeAttr(p.name)}" arch="${escapeAttr(p.arch)}">\n${versionEl(p)}`;
}

export function filelistsPackageXml(p: RepoPackage): string {
  let s = pkgOpen(p);
  for (const f of p.files) s += fileEl('  ', f);
  return `${s}</package>\n`;
}

export function otherPackageXml(p: RepoPackage): string {
  let s = pkgOpen(p);
  for (const c of p.changelog) {
    s += `  <changelog author="${escapeAttr(c.author)}" date="${c.date}">${escapeText(c.text)}</changelog>\n`;
  }
  return `${s}</package>\n`;
}
