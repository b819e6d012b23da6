// updateinfo.xml (advisories): reading, validation, writing in createrepo_c's element set and order
// (src/xml_dump_updateinfo.c, pretty-printed as libxml2 does), and the TOML advisory files users
// write. An element's presence is kept apart from its emptiness: an optional field is only set
// when the XML has it, so parse → write → parse gives an equal model.
//
// TOML advisory format — one advisory per file, or several as [[advisory]] tables with the same keys:
//
//   id = "EXAMPLE-2025-0001"            # required, unique
//   type = "security"                   # required: security | bugfix | enhancement | newpackage
//   title = "openssl security update"   # required
//   issued = 2025-03-01T10:00:00Z       # required: a TOML date or date-time (offset times are
//                                       #   converted to UTC), "YYYY-MM-DD[ HH:MM:SS]", or epoch seconds
//   updated = 2025-03-02                # optional, same forms
//   severity = "Important"              # optional: Critical | Important | Moderate | Low | None
//   summary, description, solution, rights, release, pushcount, from, status, version   # optional strings
//   reboot_suggested = false            # optional boolean
//   collection = "example-9"            # optional: the <collection short> name …
//   collection_name = "Example 9"       #   … and its <name>
//   [module]                            # optional: the advisory is for a module stream
//   name = "nodejs"; stream = "20"; version = 9020020240101; context = "abcd1234"; arch = "x86_64"
//   [[references]]                      # any number
//   type = "cve"; id = "CVE-2025-1234"; href = "https://…"; title = "…"   # type and href required
//   [[packages]]                        # at least one
//   name = "openssl"; epoch = 1; version = "3.0.7"; release = "27.el9"; arch = "x86_64"  # epoch defaults to 0
//   filename = "openssl-3.0.7-27.el9.x86_64.rpm"   # default: name-version-release.arch.rpm
//   src = "openssl-3.0.7-27.el9.src.rpm"           # optional
//   sum_type = "sha256"; sum = "<hex>"             # optional; sum_type defaults to sha256
//   reboot_suggested / restart_suggested / relogin_suggested = true   # optional booleans
//
// Unknown keys are errors, so a misspelt key is reported instead of silently dropped.

import { readFile } from 'node:fs/promises';
import { TomlDate, TomlError, parse as parseToml } from 'smol-toml';
import {
  type Advisory,
  type AdvisoryCollection,
  type AdvisoryPackage,
  type AdvisoryReference,
  type AdvisoryType,
} from './model.ts';
import { checksumProblem } from './repomd.ts';
import { parseXmlTree, repoError, xmlAttr, xmlText, type XmlNode } from './xml-read/index.ts';

export const ADVISORY_TYPES: readonly AdvisoryType[] = ['security', 'bugfix', 'enhancement', 'newpackage'];

function isAdvisoryType(s: string): s is AdvisoryType {
  return (ADVISORY_TYPES as readonly string[]).includes(s);
}

/** `<reboot_suggested/>` means yes (createrepo_c); an explicit False/0 (some generators) means no. */
function flag(n: XmlNode): boolean {
  const t = n.text.trim().toLowerCase();
  return t !== 'false' && t !== '0';
}

function readPackage(n: XmlNode): AdvisoryPackage {
  const a = n.attrs;
  const p: AdvisoryPackage = {
    name: a.name ?? '',
    epoch: a.epoch ?? '0',
    version: a.version ?? '',
    release: a.release ?? '',
    arch: a.arch ?? '',
    filename: '',
  };
  if (a.src !== undefined) p.src = a.src;
  for (const c of n.children) {
    if (c.name === 'filename') p.filename = c.text;
    else if (c.name === 'sum') p.sum = { type: c.attrs.type ?? '', value: c.text.trim().toLowerCase() };
    // Only "true" is kept: the writer omits false ones, so false and absent must read the same.
    else if (c.name === 'reboot_suggested' && flag(c)) p.rebootSuggested = true;
    else if (c.name === 'restart_suggested' && flag(c)) p.restartSuggested = true;
    else if (c.name === 'relogin_suggested' && flag(c)) p.reloginSuggested = true;
  }
  return p;
}

function readCollection(n: XmlNode): AdvisoryCollection {
  const col: AdvisoryCollection = { packages: [] };
  if (n.attrs.short !== undefined) col.short = n.attrs.short;
  for (const c of n.children) {
    if (c.name === 'name') col.name = c.text;
    else if (c.name === 'module') {
      const m = c.attrs;
      col.module = { name: m.name ?? '', stream: m.stream ?? '', version: m.version ?? '', context: m.context ?? '', arch: m.arch ?? '' };
    } else if (c.name === 'package') col.packages.push(readPackage(c));
  }
  return col;
}

const TEXT_FIELDS = ['rights', 'release', 'pushcount', 'severity', 'summary', 'description', 'solution'] as const;

function readUpdate(n: XmlNode, what: string): Advisory {
  const a = n.attrs;
  const adv: Advisory = { id: '', type: (a.type ?? '') as AdvisoryType, title: '', rebootSuggested: false, references: [], collections: [] };
  if (a.from !== undefined) adv.from = a.from;
  if (a.status !== undefined) adv.status = a.status;
  if (a.version !== undefined) adv.version = a.version;
  for (const c of n.children) {
    switch (c.name) {
      case 'id':
        adv.id = c.text.trim();
        break;
      case 'title':
        adv.title = c.text;
        break;
      case 'issued':
        if (c.attrs.date !== undefined) adv.issued = c.attrs.date;
        break;
      case 'updated':
        if (c.attrs.date !== undefined) adv.updated = c.attrs.date;
        break;
      case 'reboot_suggested':
        adv.rebootSuggested = flag(c);
        break;
      case 'references':
        for (const r of c.children) {
          if (r.name !== 'reference') continue;
          const ra = r.attrs;
          adv.references.push({ href: ra.href ?? '', id: ra.id ?? '', type: ra.type ?? '', title: ra.title ?? '' });
        }
        break;
      case 'pkglist':
        for (const col of c.children) if (col.name === 'collection') adv.collections.push(readCollection(col));
        break;
      default:
        if ((TEXT_FIELDS as readonly string[]).includes(c.name)) adv[c.name as (typeof TEXT_FIELDS)[number]] = c.text;
    }
  }
  try {
    validateAdvisory(adv);
  } catch (e) {
    throw repoError(`${what}: line ${n.line}: ${(e as Error).message}`);
  }
  return adv;
}

/** Reads updateinfo.xml; every <update> must pass validateAdvisory. */
export function parseUpdateinfo(xml: string, what: string): Advisory[] {
  const root = parseXmlTree(xml, what, 'updates');
  const out: Advisory[] = [];
  for (const n of root.children) if (n.name === 'update') out.push(readUpdate(n, what));
  return out;
}

/**
 * Throws RepoFormatError (message: "advisory <id>: <field>: <reason>") unless the advisory has an
 * id, a known type, and packages dnf can match (name, version, release, arch, numeric epoch,
 * a well-formed checksum) and well-formed module coordinates.
 */
export function validateAdvisory(a: Advisory): void {
  const at = `advisory ${a.id ? `"${a.id.slice(0, 60)}"` : '(no id)'}`;
  const bad = (field: string, why: string): never => {
    throw repoError(`${at}: ${field}: ${why}`);
  };
  if (!a.id) bad('<id>', 'missing');
  if (!isAdvisoryType(a.type)) bad('type', `"${String(a.type).slice(0, 30)}" is not one of ${ADVISORY_TYPES.join(', ')}`);
  a.collections.forEach((c, ci) => {
    if (c.module) {
      const m = c.module;
      if (!m.name || !m.stream) bad(`collection ${ci + 1} <module>`, 'needs name and stream');
      if (!/^\d{1,20}$/.test(m.version)) bad(`collection ${ci + 1} <module version>`, `not a number: "${m.version.slice(0, 30)}"`);
    }
    c.packages.forEach((p, pi) => {
      const pat = `package ${p.name || pi + 1}`;
      for (const k of ['name', 'version', 'release', 'arch'] as const) if (!p[k]) bad(pat, `missing ${k}`);
      if (!/^\d{1,10}$/.test(p.epoch)) bad(pat, `epoch "${p.epoch.slice(0, 20)}" is not a number`);
      const sumBad = p.sum && checksumProblem(p.sum);
      if (sumBad) bad(`${pat} <sum>`, sumBad);
    });
  });
}

/** The updateinfo.xml createrepo_c would write for these advisories (validated first). */
export function writeUpdateinfo(advisories: Advisory[]): string {
  const o: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  if (advisories.length === 0) return `${o[0]}\n<updates/>\n`;
  o.push('<updates>');
  for (const a of advisories) {
    try {
      validateAdvisory(a);
    } catch (e) {
      throw repoError(`updateinfo.xml: ${(e as Error).message}`);
    }
    const at = `updateinfo.xml: advisory "${a.id}"`;
    const attr = (name: string, v: string | undefined): string => (v === undefined ? '' : ` ${name}="${xmlAttr(v, `${at}: ${name}`)}"`);
    const text = (ind: string, name: string, v: string | undefined): void => {
      if (v !== undefined) o.push(`${ind}<${name}>${xmlText(v, `${at}: <${name}>`)}</${name}>`);
    };
    o.push(`  <update${attr('from', a.from)}${attr('status', a.status)}${attr('type', a.type)}${attr('version', a.version)}>`);
    text('    ', 'id', a.id);
    // The model has no "absent" title; an empty one is left out as createrepo_c leaves out NULL.
    if (a.title !== '') text('    ', 'title', a.title);
    if (a.issued !== undefined) o.push(`    <issued${attr('date', a.issued)}/>`);
    if (a.updated !== undefined) o.push(`    <updated${attr('date', a.updated)}/>`);
    for (const f of TEXT_FIELDS) text('    ', f, a[f]);
    if (a.rebootSuggested) o.push('    <reboot_suggested>True</reboot_suggested>');
    if (a.references.length === 0) o.push('    <references/>');
    else {
      o.push('    <references>');
      for (const r of a.references) {
        // Empty attributes are left out (they read back as empty strings).
        const ra = (n: keyof AdvisoryReference): string => (r[n] === '' ? '' : attr(n, r[n]));
        o.push(`      <reference${ra('href')}${ra('id')}${ra('type')}${ra('title')}/>`);
      }
      o.push('    </references>');
    }
    if (a.collections.length === 0) o.push('    <pkglist/>');
    else {
      o.push('    <pkglist>');
      for (const c of a.collections) writeCollection(o, c, attr, text);
      o.push('    </pkglist>');
    }
    o.push('  </update>');
  }
  o.push('</updates>', '');
  return o.join('\n');
}

function writeCollection(
  o: string[],
  c: AdvisoryCollection,
  attr: (name: string, v: string | undefined) => string,
  text: (ind: string, name: string, v: string | undefined) => void,
): void {
  if (c.name === undefined && !c.module && c.packages.length === 0) {
    o.push(`      <collection${attr('short', c.short)}/>`);
    return;
  }
  o.push(`      <collection${attr('short', c.short)}>`);
  text('        ', 'name', c.name);
  const m = c.module;
  if (m) {
    o.push(
      `        <module${attr('name', m.name)}${attr('stream', m.stream)}${attr('version', m.version)}` +
        `${attr('context', m.context)}${attr('arch', m.arch)}/>`,
    );
  }
  for (const p of c.packages) {
    o.push(
      `        <package${attr('name', p.name)}${attr('version', p.version)}${attr('release', p.release)}` +
        `${attr('epoch', p.epoch)}${attr('arch', p.arch)}${attr('src', p.src)}>`,
    );
    if (p.filename !== '') text('          ', 'filename', p.filename);
    if (p.sum) o.push(`          <sum type="${p.sum.type}">${p.sum.value}</sum>`);
    if (p.rebootSuggested) o.push('          <reboot_suggested>True</reboot_suggested>');
    if (p.restartSuggested) o.push('          <restart_suggested>True</restart_suggested>');
    if (p.reloginSuggested) o.push('          <relogin_suggested>True</relogin_suggested>');
    o.push('        </package>');
  }
  o.push('      </collection>');
}

// ---------------------------------------------------------------------------------------------
// TOML advisories

const SEVERITIES = ['Critical', 'Important', 'Moderate', 'Low', 'None'];
const ADVISORY_KEYS = new Set([
  'id', 'type', 'title', 'issued', 'updated', 'severity', 'summary', 'description', 'solution', 'rights', 'release',
  'pushcount', 'from', 'status', 'version', 'reboot_suggested', 'collection', 'collection_name', 'module', 'references',
  'packages',
]);
const REFERENCE_KEYS = new Set(['type', 'id', 'href', 'title']);
const PACKAGE_KEYS = new Set([
  'name', 'epoch', 'version', 'release', 'arch', 'filename', 'src', 'sum_type', 'sum', 'reboot_suggested',
  'restart_suggested', 'relogin_suggested',
]);
const MODULE_KEYS = new Set(['name', 'stream', 'version', 'context', 'arch']);

type Table = Record<string, unknown>;

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Field readers for one TOML table, reporting "<file>: <where>: <key>: <reason>". */
function fields(t: Table, keys: Set<string>, where: string) {
  const bad = (key: string, why: string): never => {
    throw repoError(`${where}: ${key}: ${why}`);
  };
  for (const k of Object.keys(t)) if (!keys.has(k)) bad(k, 'unknown key');
  const str = (k: string, required = false): string | undefined => {
    const v = t[k];
    if (v === undefined) return required ? bad(k, 'missing') : undefined;
    if (typeof v !== 'string') return bad(k, 'expected a string');
    if (required && v.trim() === '') return bad(k, 'empty');
    return v;
  };
  const bool = (k: string): boolean | undefined => {
    const v = t[k];
    if (v === undefined || typeof v === 'boolean') return v;
    return bad(k, 'expected true or false');
  };
  /** A string or integer holding a decimal number (epoch, module version). */
  const digits = (k: string, dflt?: string): string => {
    const v = t[k];
    if (v === undefined && dflt !== undefined) return dflt;
    const s = typeof v === 'number' || typeof v === 'bigint' ? String(v) : v;
    if (typeof s !== 'string' || !/^\d{1,20}$/.test(s)) return bad(k, 'expected a non-negative integer');
    return s;
  };
  const date = (k: string, required = false): string | undefined => {
    const v = t[k];
    if (v === undefined) return required ? bad(k, 'missing') : undefined;
    return tomlDate(v) ?? bad(k, 'expected a date: 2025-03-01, 2025-03-01T10:00:00Z, "2025-03-01 10:00:00" or epoch seconds');
  };
  return { bad, str, bool, digits, date };
}

/** Normalises the accepted date forms to what updateinfo carries: "YYYY-MM-DD HH:MM:SS" or epoch seconds. */
function tomlDate(v: unknown): string | undefined {
  if (v instanceof TomlDate) {
    if (v.isTime() || Number.isNaN(v.getTime())) return undefined;
    if (v.isDate()) return `${v.toISOString().slice(0, 10)} 00:00:00`;
    // A local date-time has no zone: keep its wall-clock time; an offset one becomes UTC.
    const iso = v.isLocal() ? v.toISOString() : new Date(v.getTime()).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  if (typeof v === 'string') {
    if (/^\d{1,15}$/.test(v)) return v;
    const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(v);
    if (!m) return undefined;
    const [y, mo, d, h = '00', mi = '00', s = '00'] = m.slice(1);
    const t = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s));
    // Reject 2025-02-30 and 25:00:00, which Date would silently roll over.
    if (t.getUTCMonth() !== +mo - 1 || t.getUTCDate() !== +d || t.getUTCHours() !== +h || t.getUTCMinutes() !== +mi || +s > 59) return undefined;
    return `${y}-${mo}-${d} ${h}:${mi}:${s}`;
  }
  return undefined;
}

function advisoryFromTable(t: Table, where: string): Advisory {
  const id = typeof t.id === 'string' && t.id ? t.id : undefined;
  const at = id ? `${where} "${id.slice(0, 60)}"` : where;
  const f = fields(t, ADVISORY_KEYS, at);
  const typeStr = f.str('type', true) as string;
  const type = isAdvisoryType(typeStr)
    ? typeStr
    : f.bad('type', `"${typeStr.slice(0, 30)}" is not one of ${ADVISORY_TYPES.join(', ')}`);
  const adv: Advisory = {
    id: f.str('id', true) as string,
    type,
    title: f.str('title', true) as string,
    issued: f.date('issued', true),
    rebootSuggested: f.bool('reboot_suggested') ?? false,
    references: [],
    collections: [],
  };
  const updated = f.date('updated');
  if (updated !== undefined) adv.updated = updated;
  const severity = f.str('severity');
  if (severity !== undefined) {
    const canon = SEVERITIES.find((s) => s.toLowerCase() === severity.toLowerCase());
    adv.severity = canon ?? f.bad('severity', `"${severity.slice(0, 30)}" is not one of ${SEVERITIES.join(', ')}`);
  }
  for (const k of ['summary', 'description', 'solution', 'rights', 'release', 'pushcount', 'from', 'status', 'version'] as const) {
    const v = f.str(k);
    if (v !== undefined) adv[k] = v;
  }
  const list = (k: string): Table[] => {
    const v = t[k] ?? [];
    if (!Array.isArray(v) || !v.every(isTable)) return f.bad(k, `expected [[${k}]] tables`);
    return v;
  };
  list('references').forEach((r, i) => {
    const rf = fields(r, REFERENCE_KEYS, `${at}: references[${i + 1}]`);
    adv.references.push({ type: rf.str('type', true) as string, href: rf.str('href', true) as string, id: rf.str('id') ?? '', title: rf.str('title') ?? '' });
  });
  const packages = list('packages');
  if (packages.length === 0) f.bad('packages', 'at least one [[packages]] entry is required');
  const col: AdvisoryCollection = { packages: packages.map((p, i) => packageFromTable(p, `${at}: packages[${i + 1}]`)) };
  const short = f.str('collection');
  if (short !== undefined) col.short = short;
  const cname = f.str('collection_name');
  if (cname !== undefined) col.name = cname;
  const mod = t.module;
  if (mod !== undefined) {
    const mf = fields(isTable(mod) ? mod : f.bad('module', 'expected a [module] table'), MODULE_KEYS, `${at}: module`);
    col.module = {
      name: mf.str('name', true) as string,
      stream: mf.str('stream', true) as string,
      version: mf.digits('version'),
      context: mf.str('context', true) as string,
      arch: mf.str('arch', true) as string,
    };
  }
  adv.collections.push(col);
  try {
    validateAdvisory(adv);
  } catch (e) {
    throw repoError(`${where}: ${(e as Error).message}`);
  }
  return adv;
}

function packageFromTable(t: Table, where: string): AdvisoryPackage {
  const f = fields(t, PACKAGE_KEYS, where);
  const p: AdvisoryPackage = {
    name: f.str('name', true) as string,
    epoch: f.digits('epoch', '0'),
    version: f.str('version', true) as string,
    release: f.str('release', true) as string,
    arch: f.str('arch', true) as string,
    filename: '',
  };
  p.filename = f.str('filename') ?? `${p.name}-${p.version}-${p.release}.${p.arch}.rpm`;
  const src = f.str('src');
  if (src !== undefined) p.src = src;
  const sum = f.str('sum');
  const sumType = f.str('sum_type');
  if (sum !== undefined) {
    p.sum = { type: sumType ?? 'sha256', value: sum.toLowerCase() };
    const bad = checksumProblem(p.sum);
    if (bad) f.bad('sum', bad);
  } else if (sumType !== undefined) f.bad('sum_type', 'given without sum');
  if (f.bool('reboot_suggested')) p.rebootSuggested = true;
  if (f.bool('restart_suggested')) p.restartSuggested = true;
  if (f.bool('relogin_suggested')) p.reloginSuggested = true;
  return p;
}

/** Advisories from a parsed TOML document (format above); errors name `file` and the field. */
export function advisoriesFromToml(doc: unknown, file: string): Advisory[] {
  if (!isTable(doc)) throw repoError(`${file}: expected a TOML table`);
  let out: Advisory[];
  if (doc.advisory !== undefined) {
    const extra = Object.keys(doc).find((k) => k !== 'advisory');
    if (extra) throw repoError(`${file}: ${extra}: top-level keys are not allowed next to [[advisory]]`);
    const list = doc.advisory;
    if (!Array.isArray(list) || !list.every(isTable)) throw repoError(`${file}: advisory: expected [[advisory]] tables`);
    out = list.map((t, i) => advisoryFromTable(t, `${file}: advisory[${i + 1}]`));
  } else {
    out = [advisoryFromTable(doc, `${file}: advisory`)];
  }
  const ids = new Set<string>();
  for (const a of out) {
    if (ids.has(a.id)) throw repoError(`${file}: advisory "${a.id}": id used twice`);
    ids.add(a.id);
  }
  return out;
}

export async function loadAdvisoryToml(path: string): Promise<Advisory[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw repoError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseToml(text);
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    throw repoError(`${path}: line ${e.line}: invalid TOML: ${e.message.split('\n')[0].replace(/^Invalid TOML document: /, '')}`);
  }
  return advisoriesFromToml(doc, path);
}
