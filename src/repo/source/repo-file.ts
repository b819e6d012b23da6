// dnf `.repo` files: INI sections whose names are repository ids, read the way libdnf reads them
// (boolean words, list splitting on commas/whitespace/newlines, seconds with s/m/h/d units,
// `$var`/`${var}` substitution in ids and values), with dnf's defaults for what is left unset.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RepoFormatError } from '../model.ts';

export interface RepoConfig {
  id: string;
  name: string;
  /** Base URLs as written (after substitution); bare paths are allowed and mean local directories. */
  baseurl: string[];
  metalink?: string;
  mirrorlist?: string;
  enabled: boolean;
  /** Check package signatures. */
  gpgcheck: boolean;
  /** Check repomd.xml's detached signature (repomd.xml.asc). */
  repoGpgcheck: boolean;
  /** Key locations (file:// or http(s)://). */
  gpgkey: string[];
  /** 1..99, lower wins. */
  priority: number;
  cost: number;
  /** Seconds; -1 means never expires. */
  metadataExpire: number;
  excludepkgs: string[];
  includepkgs: string[];
  skipIfUnavailable: boolean;
  moduleHotfixes: boolean;
  sslverify: boolean;
  /** Seconds without progress before a transfer is abandoned. */
  timeout: number;
  /** Attempts per mirror for transient failures. */
  retries: number;
  /** Options we read but do not interpret, after substitution. */
  extra: Record<string, string>;
  /** Variables in force, kept to substitute in mirror lists. */
  vars: Record<string, string>;
  /** `file:line` of the section, for messages. */
  source?: string;
}

/** libdnf's defaults for options a repository leaves unset (its [main] defaults). */
export const REPO_DEFAULTS = {
  enabled: true,
  gpgcheck: false,
  repoGpgcheck: false,
  priority: 99,
  cost: 1000,
  metadataExpire: 48 * 3600,
  skipIfUnavailable: false,
  moduleHotfixes: false,
  sslverify: true,
  timeout: 30,
  retries: 10,
} as const;

const ID_RE = /^[A-Za-z0-9_.:-]+$/;

// dnf's basearch families (hawkey/libdnf arch map), for the arches Node reports.
const NODE_ARCH: Record<string, [arch: string, basearch: string]> = {
  x64: ['x86_64', 'x86_64'],
  arm64: ['aarch64', 'aarch64'],
  ia32: ['i686', 'i386'],
  arm: ['armv7hl', 'armhfp'],
  ppc64: ['ppc64le', 'ppc64le'],
  s390x: ['s390x', 's390x'],
  riscv64: ['riscv64', 'riscv64'],
  loong64: ['loongarch64', 'loongarch64'],
};

/** `arch` and `basearch` of this machine (releasever has no default: it names the distribution). */
export function defaultVars(): Record<string, string> {
  const [arch, basearch] = NODE_ARCH[process.arch] ?? [process.arch, process.arch];
  return { arch, basearch };
}

/** Custom variables from a directory such as /etc/dnf/vars: file name = variable, first line = value. */
export function readVarsDir(dir: string): Record<string, string> {
  const vars: Record<string, string> = {};
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return vars;
  }
  for (const n of names) {
    if (!/^[A-Za-z0-9_]+$/.test(n)) continue;
    try {
      vars[n] = readFileSync(resolve(dir, n), 'utf8').split('\n')[0].trim();
    } catch {
      // unreadable entries (directories, permissions) are not variables
    }
  }
  return vars;
}

/** Adds releasever_major/minor as dnf derives them, unless set explicitly. */
function withDerived(vars: Record<string, string>): Record<string, string> {
  const v = { ...vars };
  const rv = v.releasever;
  if (rv !== undefined) {
    const dot = rv.indexOf('.');
    v.releasever_major ??= dot < 0 ? rv : rv.slice(0, dot);
    v.releasever_minor ??= dot < 0 ? '' : rv.slice(dot + 1);
  }
  return v;
}

/**
 * dnf variable substitution: `$name`, `${name}`, `${name:-default}`, `${name:+alternate}`. Unknown
 * variables are left as written, as dnf does, so a missing $releasever shows up in the URL.
 */
export function substituteVars(text: string, vars: Record<string, string>): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const simple = /^\$([A-Za-z0-9_]+)/.exec(text.slice(i));
    if (simple) {
      const v = vars[simple[1]];
      out += v ?? simple[0];
      i += simple[0].length;
      continue;
    }
    const braced = /^\$\{([A-Za-z0-9_]+)(?:(:[-+])([^}]*))?\}/.exec(text.slice(i));
    if (braced) {
      const [whole, name, op, word] = braced;
      const v = vars[name];
      if (op === ':-') out += v !== undefined && v !== '' ? v : substituteVars(word, vars);
      else if (op === ':+') out += v !== undefined && v !== '' ? substituteVars(word, vars) : '';
      else out += v ?? whole;
      i += whole.length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

interface Section {
  name: string;
  line: number;
  values: Map<string, { value: string; line: number }>;
}

/** INI as libdnf reads it: `#`/`;` comments, `[section]`, `key=value`, indented continuation lines. */
function parseIni(text: string, what: string): Section[] {
  const sections: Section[] = [];
  let cur: Section | undefined;
  let lastKey: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n];
    const where = `${what}:${n + 1}`;
    if (/^\s*[#;]/.test(raw) || raw.trim() === '') {
      // A blank line ends a continuation (as in Python's ConfigParser that dnf 3 used).
      if (raw.trim() === '') lastKey = undefined;
      continue;
    }
    if (/^\s/.test(raw) && cur && lastKey !== undefined) {
      const v = cur.values.get(lastKey)!;
      v.value = v.value === '' ? raw.trim() : `${v.value}\n${raw.trim()}`;
      continue;
    }
    const sec = /^\s*\[([^\]]*)\]\s*$/.exec(raw);
    if (sec) {
      const name = sec[1].trim();
      if (!name) throw new RepoFormatError(`${where}: empty section name`);
      if (sections.some((s) => s.name === name)) throw new RepoFormatError(`${where}: section [${name}] appears twice`);
      cur = { name, line: n + 1, values: new Map() };
      sections.push(cur);
      lastKey = undefined;
      continue;
    }
    const eq = raw.indexOf('=');
    if (eq < 0) throw new RepoFormatError(`${where}: expected "key=value", "[section]" or a comment`);
    if (!cur) throw new RepoFormatError(`${where}: option outside any [section]`);
    const key = raw.slice(0, eq).trim().toLowerCase();
    if (!key) throw new RepoFormatError(`${where}: option without a name`);
    cur.values.set(key, { value: raw.slice(eq + 1).trim(), line: n + 1 });
    lastKey = key;
  }
  return sections;
}

function parseBool(v: string, where: string): boolean {
  const s = v.trim().toLowerCase();
  if (['1', 'yes', 'true', 'on'].includes(s)) return true;
  if (['0', 'no', 'false', 'off'].includes(s)) return false;
  throw new RepoFormatError(`${where}: "${v}" is not a boolean (1/0, yes/no, true/false, on/off)`);
}

function parseInt10(v: string, where: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(v.trim())) throw new RepoFormatError(`${where}: "${v}" is not an integer`);
  const n = Number(v.trim());
  if (n < min || n > max) throw new RepoFormatError(`${where}: ${n} is outside ${min}..${max}`);
  return n;
}

/** Seconds as libdnf's OptionSeconds: a number with an optional s/m/h/d unit; -1 or "never" = never. */
export function parseSeconds(v: string, where: string): number {
  const s = v.trim();
  if (s === '-1' || s === 'never') return -1;
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhdSMHD]?)$/.exec(s);
  if (!m) throw new RepoFormatError(`${where}: "${v}" is not a time (seconds, or a number with s/m/h/d, or never)`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2].toLowerCase() as '' | 's' | 'm' | 'h' | 'd'];
  return Math.floor(Number(m[1]) * unit);
}

/** libdnf list options: items separated by commas, spaces or newlines. */
export function splitList(v: string): string[] {
  return v.split(/[\s,]+/).filter(Boolean);
}

export interface ParseRepoFileOptions {
  /** Variables ($releasever, custom ones); arch/basearch default to this machine's. */
  vars?: Record<string, string>;
  /** Settings from dnf.conf's [main] that repositories inherit. */
  defaults?: Partial<typeof REPO_DEFAULTS>;
}

const KNOWN = new Set([
  'name', 'baseurl', 'metalink', 'mirrorlist', 'enabled', 'gpgcheck', 'repo_gpgcheck', 'gpgkey', 'priority', 'cost',
  'metadata_expire', 'excludepkgs', 'exclude', 'includepkgs', 'skip_if_unavailable', 'module_hotfixes', 'sslverify',
  'timeout', 'retries',
]);

/**
 * Parses a .repo file (or dnf.conf: its [main] section supplies defaults to the repositories in the
 * same file and is not a repository). `what` names the file in errors.
 */
export function parseRepoFile(text: string, what: string, opts: ParseRepoFileOptions = {}): RepoConfig[] {
  const vars = withDerived({ ...defaultVars(), ...opts.vars });
  const sections = parseIni(text, what);
  const main = sections.find((s) => s.name === 'main');
  const baseDefaults = { ...REPO_DEFAULTS, ...opts.defaults };
  const mainDefaults = main ? readOptions(main, baseDefaults, vars, what) : baseDefaults;
  const repos: RepoConfig[] = [];
  for (const s of sections) {
    if (s === main) continue;
    const id = substituteVars(s.name, vars);
    if (!ID_RE.test(id)) {
      throw new RepoFormatError(`${what}:${s.line}: repository id "${id}" may only contain letters, digits, "-", "_", "." and ":"`);
    }
    if (repos.some((r) => r.id === id)) throw new RepoFormatError(`${what}:${s.line}: repository id "${id}" appears twice`);
    repos.push(readRepo(s, id, mainDefaults, vars, what));
  }
  return repos;
}

type Defaults = { -readonly [K in keyof typeof REPO_DEFAULTS]: (typeof REPO_DEFAULTS)[K] extends boolean ? boolean : number };

function readOptions(s: Section, base: Defaults, vars: Record<string, string>, what: string): Defaults {
  const d: Defaults = { ...base };
  const get = (k: string): [string, string] | undefined => {
    const e = s.values.get(k);
    return e ? [substituteVars(e.value, vars), `${what}:${e.line}: ${k}`] : undefined;
  };
  const bool = (k: string, f: 'enabled' | 'gpgcheck' | 'repoGpgcheck' | 'skipIfUnavailable' | 'moduleHotfixes' | 'sslverify'): void => {
    const e = get(k);
    if (e) d[f] = parseBool(e[0], e[1]);
  };
  bool('enabled', 'enabled');
  bool('gpgcheck', 'gpgcheck');
  bool('repo_gpgcheck', 'repoGpgcheck');
  bool('skip_if_unavailable', 'skipIfUnavailable');
  bool('module_hotfixes', 'moduleHotfixes');
  bool('sslverify', 'sslverify');
  let e = get('priority');
  if (e) d.priority = parseInt10(e[0], e[1], 1, 99);
  if ((e = get('cost'))) d.cost = parseInt10(e[0], e[1], 0, 2 ** 31 - 1);
  if ((e = get('retries'))) d.retries = parseInt10(e[0], e[1], 0, 1000);
  if ((e = get('metadata_expire'))) d.metadataExpire = parseSeconds(e[0], e[1]);
  if ((e = get('timeout'))) {
    d.timeout = parseSeconds(e[0], e[1]);
    if (d.timeout < 0) throw new RepoFormatError(`${e[1]}: must not be negative`);
  }
  return d;
}

function readRepo(s: Section, id: string, defaults: Defaults, vars: Record<string, string>, what: string): RepoConfig {
  const d = readOptions(s, defaults, vars, what);
  const str = (k: string): string | undefined => {
    const e = s.values.get(k);
    return e ? substituteVars(e.value, vars) : undefined;
  };
  const list = (...keys: string[]): string[] => keys.flatMap((k) => splitList(str(k) ?? ''));
  const extra: Record<string, string> = {};
  for (const k of s.values.keys()) if (!KNOWN.has(k)) extra[k] = str(k)!;
  const metalink = str('metalink') || undefined;
  const mirrorlist = str('mirrorlist') || undefined;
  return {
    id,
    // dnf uses the id when a repository has no name (and warns).
    name: str('name') || id,
    baseurl: list('baseurl'),
    metalink,
    mirrorlist,
    enabled: d.enabled,
    gpgcheck: d.gpgcheck,
    repoGpgcheck: d.repoGpgcheck,
    gpgkey: list('gpgkey'),
    priority: d.priority,
    cost: d.cost,
    metadataExpire: d.metadataExpire,
    excludepkgs: list('excludepkgs', 'exclude'),
    includepkgs: list('includepkgs'),
    skipIfUnavailable: d.skipIfUnavailable,
    moduleHotfixes: d.moduleHotfixes,
    sslverify: d.sslverify,
    timeout: d.timeout,
    retries: d.retries,
    extra,
    vars,
    source: `${what}:${s.line}`,
  };
}

/** Reads and parses a .repo file from disk. */
export function readRepoFile(path: string, opts: ParseRepoFileOptions = {}): RepoConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new RepoFormatError(`${path}: ${(e as Error).message.replace(/^[A-Z]+: /, '')}`);
  }
  return parseRepoFile(text, path, opts);
}

const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * A repository given on the command line as a directory or URL (like dnf's --repofrompath): enabled,
 * no signature checks unless asked, an id derived from the location unless given.
 */
export function repoConfigFromLocation(location: string, opts: { id?: string; cwd?: string } = {}): RepoConfig {
  const url = SCHEME_RE.test(location) ? location : pathToFileURL(resolve(opts.cwd ?? process.cwd(), location)).href;
  let id = opts.id;
  if (id === undefined) {
    // dnf config-manager --add-repo style: the URL without scheme, other characters as "_"; a short
    // hash keeps ids of long or similar locations distinct.
    const tail = url.replace(SCHEME_RE, '').replace(/\/+$/, '');
    const h = createHash('sha256').update(url).digest('hex').slice(0, 8);
    id = `${tail.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^_+/, '').slice(-48)}-${h}`;
  }
  if (!ID_RE.test(id)) throw new RepoFormatError(`${location}: repository id "${id}" has characters dnf does not allow`);
  const { enabled, gpgcheck, repoGpgcheck, priority, cost, metadataExpire, skipIfUnavailable, moduleHotfixes, sslverify, timeout, retries } = REPO_DEFAULTS;
  return {
    id,
    name: location,
    baseurl: [url],
    enabled,
    gpgcheck,
    repoGpgcheck,
    gpgkey: [],
    priority,
    cost,
    metadataExpire,
    excludepkgs: [],
    includepkgs: [],
    skipIfUnavailable,
    moduleHotfixes,
    sslverify,
    timeout,
    retries,
    extra: {},
    vars: defaultVars(),
  };
}
