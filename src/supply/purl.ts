// Package URLs (package-url/purl-spec): building the canonical string, parsing it back, and the
// RPM flavour `pkg:rpm/<vendor>/<name>@<version>-<release>?arch=…&distro=…&epoch=…`.
import { SupplyError } from './errors.ts';

export interface PackageUrl {
  type: string;
  namespace?: string | undefined;
  name: string;
  version?: string | undefined;
  /** Keys as given (lowercased on output); empty values are dropped. */
  qualifiers?: Record<string, string | undefined> | undefined;
  subpath?: string | undefined;
}

// The spec's "Character encoding" clause: alphanumerics, the punctuation `.-_~` and ':' stay as they
// are; every other UTF-8 octet becomes %XX (upper-case hex, RFC 3986 section 2.1).
const KEEP = /[A-Za-z0-9._~:-]/;

export function purlEncode(s: string): string {
  let out = '';
  for (const ch of s) {
    if (KEEP.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function purlDecode(s: string, what: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new SupplyError(`purl ${what} ${JSON.stringify(s)}: invalid percent-encoding`);
  }
}

const TYPE_RE = /^[A-Za-z][A-Za-z0-9.-]*$/;
const KEY_RE = /^[A-Za-z][A-Za-z0-9._-]*$/;

/** The canonical purl string ("How to build a PURL"): qualifiers lowercased, sorted, empty ones dropped. */
export function formatPurl(p: PackageUrl): string {
  if (!TYPE_RE.test(p.type)) throw new SupplyError(`purl type ${JSON.stringify(p.type)}: must be a letter then letters, digits, '.' or '-'`);
  let out = `pkg:${p.type.toLowerCase()}/`;
  const ns = (p.namespace ?? '').replace(/^\/+|\/+$/g, '');
  if (ns) {
    const segments = ns.split('/');
    if (segments.some((s) => s === '')) throw new SupplyError(`purl namespace ${JSON.stringify(ns)}: empty segment`);
    out += segments.map(purlEncode).join('/') + '/';
  }
  const name = p.name.replace(/^\/+|\/+$/g, '');
  if (!name) throw new SupplyError('purl name: must not be empty');
  out += purlEncode(name);
  if (p.version) out += `@${purlEncode(p.version)}`;
  const pairs: string[] = [];
  const seen = new Set<string>();
  for (const [k, v] of Object.entries(p.qualifiers ?? {})) {
    if (v === undefined || v === '') continue;
    const key = k.toLowerCase();
    if (!KEY_RE.test(key)) throw new SupplyError(`purl qualifier key ${JSON.stringify(k)}: must be a letter then letters, digits, '.', '_' or '-'`);
    if (seen.has(key)) throw new SupplyError(`purl qualifier key ${JSON.stringify(key)}: given twice`);
    seen.add(key);
    pairs.push(`${key}=${purlEncode(v)}`);
  }
  if (pairs.length) out += `?${pairs.sort().join('&')}`;
  const sub = (p.subpath ?? '').split('/').filter((s) => s !== '' && s !== '.' && s !== '..');
  if (sub.length) out += `#${sub.map(purlEncode).join('/')}`;
  return out;
}

/** Parses a purl ("How to parse a PURL"), percent-decoding each part; rejects upper-case qualifier keys. */
export function parsePurl(s: string): PackageUrl {
  const m = /^pkg:\/*(.*)$/.exec(s);
  if (!m) throw new SupplyError(`purl ${JSON.stringify(s)}: must start with "pkg:"`);
  let rest = m[1];
  let subpath: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    const segs = rest.slice(hash + 1).split('/').filter((x) => x !== '' && x !== '.' && x !== '..');
    subpath = segs.map((x) => purlDecode(x, 'subpath')).join('/') || undefined;
    rest = rest.slice(0, hash);
  }
  let qualifiers: Record<string, string> | undefined;
  const q = rest.indexOf('?');
  if (q >= 0) {
    qualifiers = {};
    for (const pair of rest.slice(q + 1).split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      if (!KEY_RE.test(key) || key !== key.toLowerCase()) {
        throw new SupplyError(`purl ${JSON.stringify(s)}: qualifier key ${JSON.stringify(key)} is not a lower-case key`);
      }
      if (key in qualifiers) throw new SupplyError(`purl ${JSON.stringify(s)}: qualifier ${key} given twice`);
      const value = eq < 0 ? '' : purlDecode(pair.slice(eq + 1), `qualifier ${key}`);
      if (value !== '') qualifiers[key] = value;
    }
    rest = rest.slice(0, q);
  }
  rest = rest.replace(/\/+$/, '');
  let version: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0 && at > rest.lastIndexOf('/')) {
    version = purlDecode(rest.slice(at + 1), 'version') || undefined;
    rest = rest.slice(0, at);
  }
  const parts = rest.split('/').filter((x) => x !== '');
  const type = parts.shift();
  if (!type || !TYPE_RE.test(type)) throw new SupplyError(`purl ${JSON.stringify(s)}: invalid or missing type`);
  const rawName = parts.pop();
  if (!rawName) throw new SupplyError(`purl ${JSON.stringify(s)}: missing name`);
  const namespace = parts.map((x) => purlDecode(x, 'namespace')).join('/') || undefined;
  return { type: type.toLowerCase(), namespace, name: purlDecode(rawName, 'name'), version, qualifiers, subpath };
}

/** What an RPM purl says about a package. */
export interface RpmIdentity {
  name: string;
  /** Undefined when the package has no epoch (a 0 epoch is written as no epoch). */
  epoch: number | undefined;
  version: string;
  release: string;
  /** Package arch, or "src" for a source package. */
  arch: string;
}

export interface RpmPurlContext {
  /** The purl namespace: the distribution vendor (e.g. "azurelinux", "fedora"); lowercased. */
  vendor: string;
  /** `distro` qualifier, e.g. "azurelinux-4.0"; omitted when empty. */
  distro?: string | undefined;
}

/**
 * `pkg:rpm/<vendor>/<name>@<version>-<release>?arch=…&distro=…&epoch=…` (purl-spec rpm definition:
 * namespace required and lowercased, version is version-release, epoch a qualifier). Epoch 0 is
 * left out, as rpm treats a missing epoch as 0 and Red Hat's guidelines omit it.
 */
export function rpmPurl(p: RpmIdentity, ctx: RpmPurlContext): string {
  const vendor = ctx.vendor.toLowerCase();
  if (!vendor) throw new SupplyError(`purl for ${p.name}: the rpm type requires a vendor namespace`);
  return formatPurl({
    type: 'rpm',
    namespace: vendor,
    name: p.name,
    version: `${p.version}-${p.release}`,
    qualifiers: { arch: p.arch, distro: ctx.distro, epoch: p.epoch ? String(p.epoch) : undefined },
  });
}

/** The package identity an RPM purl names; errors when it is not a complete `pkg:rpm` purl. */
export function parseRpmPurl(s: string): RpmIdentity & { vendor: string; distro: string | undefined } {
  const p = parsePurl(s);
  if (p.type !== 'rpm') throw new SupplyError(`purl ${JSON.stringify(s)}: not an rpm purl`);
  if (!p.namespace) throw new SupplyError(`purl ${JSON.stringify(s)}: rpm purls need a vendor namespace`);
  const dash = p.version ? p.version.lastIndexOf('-') : -1;
  if (!p.version || dash <= 0 || dash === p.version.length - 1) {
    throw new SupplyError(`purl ${JSON.stringify(s)}: version must be <version>-<release>`);
  }
  const arch = p.qualifiers?.arch;
  if (!arch) throw new SupplyError(`purl ${JSON.stringify(s)}: missing arch qualifier`);
  const e = p.qualifiers?.epoch;
  if (e !== undefined && !/^\d+$/.test(e)) throw new SupplyError(`purl ${JSON.stringify(s)}: epoch ${JSON.stringify(e)} is not a number`);
  return {
    vendor: p.namespace,
    distro: p.qualifiers?.distro,
    name: p.name,
    epoch: e !== undefined && Number(e) !== 0 ? Number(e) : undefined,
    version: p.version.slice(0, dash),
    release: p.version.slice(dash + 1),
    arch,
  };
}

/** `name-[epoch:]version-release.arch`, the key packages are compared by. */
export function nevraOf(p: RpmIdentity): string {
  return `${p.name}-${p.epoch ? `${p.epoch}:` : ''}${p.version}-${p.release}.${p.arch}`;
}
