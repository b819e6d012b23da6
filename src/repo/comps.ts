// comps.xml (package groups): enough to validate a file a user publishes and to list its groups,
// categories and environments. Both the translated form (<name>, <name xml:lang="de">) and the
// intltool source form (<_name>, <_description>, as in createrepo_c's test comps) are accepted.
// Identifiers and names are trimmed: comps files are hand-edited and indentation is not content.
// langpacks, blacklist and whiteout sections are ignored.

import { type Comps, type CompsCategory, type CompsEnvironment, type CompsGroup, type CompsPackageReq } from './model.ts';
import { parseUint, parseXmlTree, repoError, type XmlNode } from './xml-read/index.ts';

const REQ_TYPES: ReadonlyArray<CompsPackageReq['type']> = ['mandatory', 'default', 'optional', 'conditional'];

function fail(what: string, n: XmlNode, msg: string): never {
  throw repoError(`${what}: line ${n.line}: ${msg}`);
}

/** yum's comps parser took true/yes; we also take the obvious opposites and reject anything else. */
function bool(what: string, n: XmlNode, text: string): boolean {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === 'yes' || t === '1') return true;
  if (t === 'false' || t === 'no' || t === '0') return false;
  return fail(what, n, `<${n.name}>: expected true or false, not "${t.slice(0, 20)}"`);
}

/** The fields groups, categories and environments share: id, (translated) name and description. */
interface Common {
  id: string;
  name: string;
  description: string;
  translatedNames: Record<string, string>;
  translatedDescriptions: Record<string, string>;
  displayOrder?: number;
}

function common(n: XmlNode, what: string, kind: string): Common {
  const c: Common = { id: '', name: '', description: '', translatedNames: {}, translatedDescriptions: {} };
  for (const ch of n.children) {
    const lang = ch.attrs['xml:lang'];
    switch (ch.name) {
      case 'id':
        c.id = ch.text.trim();
        break;
      case 'name':
      case '_name':
        if (lang === undefined) c.name = ch.text.trim();
        else c.translatedNames[lang] = ch.text.trim();
        break;
      case 'description':
      case '_description':
        if (lang === undefined) c.description = ch.text.trim();
        else c.translatedDescriptions[lang] = ch.text.trim();
        break;
      case 'display_order':
        c.displayOrder = parseUint(ch.text.trim()) ?? fail(what, ch, `<${kind}> <display_order>: not a number: "${ch.text.trim().slice(0, 20)}"`);
        break;
    }
  }
  if (!c.id) fail(what, n, `<${kind}> without <id>`);
  if (!c.name) fail(what, n, `<${kind}> "${c.id}": no <name>`);
  return c;
}

function groupIds(n: XmlNode | undefined, what: string, at: string): string[] {
  const out: string[] = [];
  for (const g of n?.children ?? []) {
    if (g.name !== 'groupid') continue;
    const id = g.text.trim();
    if (!id) fail(what, g, `${at}: empty <groupid>`);
    out.push(id);
  }
  return out;
}

function readGroup(n: XmlNode, what: string): CompsGroup {
  const c = common(n, what, 'group');
  const g: CompsGroup = {
    id: c.id,
    name: c.name,
    description: c.description,
    translatedNames: c.translatedNames,
    translatedDescriptions: c.translatedDescriptions,
    default: false,
    userVisible: true,
    packages: [],
  };
  const at = `<group> "${g.id}"`;
  for (const ch of n.children) {
    if (ch.name === 'default') g.default = bool(what, ch, ch.text);
    else if (ch.name === 'uservisible') g.userVisible = bool(what, ch, ch.text);
    else if (ch.name === 'langonly') g.langOnly = ch.text.trim();
    else if (ch.name === 'packagelist') {
      for (const r of ch.children) {
        if (r.name !== 'packagereq') continue;
        const name = r.text.trim();
        if (!name) fail(what, r, `${at}: empty <packagereq>`);
        // yum and libcomps treat a packagereq without a type as mandatory.
        const type = (r.attrs.type ?? 'mandatory') as CompsPackageReq['type'];
        if (!REQ_TYPES.includes(type)) fail(what, r, `${at}: <packagereq> ${name}: unknown type "${type.slice(0, 20)}"`);
        const req: CompsPackageReq = { name, type };
        if (r.attrs.requires !== undefined) req.requires = r.attrs.requires.trim();
        if (type === 'conditional' && !req.requires) fail(what, r, `${at}: conditional <packagereq> ${name} without requires`);
        if (r.attrs.basearchonly !== undefined) req.basearchonly = bool(what, r, r.attrs.basearchonly);
        g.packages.push(req);
      }
    }
  }
  return g;
}

function readCategory(n: XmlNode, what: string): CompsCategory {
  const c = common(n, what, 'category');
  const cat: CompsCategory = { id: c.id, name: c.name, description: c.description, groups: [] };
  if (c.displayOrder !== undefined) cat.displayOrder = c.displayOrder;
  cat.groups = groupIds(
    n.children.find((ch) => ch.name === 'grouplist'),
    what,
    `<category> "${c.id}"`,
  );
  return cat;
}

function readEnvironment(n: XmlNode, what: string): CompsEnvironment {
  const c = common(n, what, 'environment');
  const env: CompsEnvironment = { id: c.id, name: c.name, description: c.description, groups: [], options: [] };
  if (c.displayOrder !== undefined) env.displayOrder = c.displayOrder;
  const at = `<environment> "${c.id}"`;
  env.groups = groupIds(
    n.children.find((ch) => ch.name === 'grouplist'),
    what,
    at,
  );
  for (const g of n.children.find((ch) => ch.name === 'optionlist')?.children ?? []) {
    if (g.name !== 'groupid') continue;
    const id = g.text.trim();
    if (!id) fail(what, g, `${at}: empty <groupid>`);
    env.options.push({ id, default: g.attrs.default === undefined ? false : bool(what, g, g.attrs.default) });
  }
  return env;
}

/** Parses and validates comps.xml: ids present and unique per kind, known packagereq types, booleans. */
export function parseComps(xml: string, what: string): Comps {
  const root = parseXmlTree(xml, what, 'comps');
  const comps: Comps = { groups: [], categories: [], environments: [] };
  const seen = { group: new Set<string>(), category: new Set<string>(), environment: new Set<string>() };
  const unique = (kind: keyof typeof seen, id: string, n: XmlNode): void => {
    if (seen[kind].has(id)) fail(what, n, `<${kind}> "${id}" defined twice`);
    seen[kind].add(id);
  };
  for (const n of root.children) {
    if (n.name === 'group') {
      const g = readGroup(n, what);
      unique('group', g.id, n);
      comps.groups.push(g);
    } else if (n.name === 'category') {
      const c = readCategory(n, what);
      unique('category', c.id, n);
      comps.categories.push(c);
    } else if (n.name === 'environment') {
      const e = readEnvironment(n, what);
      unique('environment', e.id, n);
      comps.environments.push(e);
    }
  }
  return comps;
}

/**
 * Group ids that categories and environments name but the file does not define. dnf skips them,
 * so this is a warning for publish to print rather than a parse error.
 */
export function compsDanglingGroups(c: Comps): string[] {
  const ids = new Set(c.groups.map((g) => g.id));
  const out: string[] = [];
  for (const cat of c.categories) for (const g of cat.groups) if (!ids.has(g)) out.push(`category "${cat.id}": unknown group "${g}"`);
  for (const e of c.environments) {
    for (const g of [...e.groups, ...e.options.map((o) => o.id)]) if (!ids.has(g)) out.push(`environment "${e.id}": unknown group "${g}"`);
  }
  return out;
}
