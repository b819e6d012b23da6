// Dependency rules of createrepo_c: which requires are dropped or deduplicated, pre="1", the single
// highest libc.so.6 require, legacy weak deps, and cr_str_to_evr's EVR split.

// Direct rpm module imports, not ../../rpm/index.ts: publish workers load this file (see index.ts).
import { rpmvercmp } from '../../rpm/evr.ts';
import { DepFlag } from '../../rpm/model.ts';
import { Tag } from '../../rpm/tags.ts';
import { type RepoDep, type RepoDepFlags, type RepoPackage, emptyDeps, isPrimaryFile } from '../model.ts';
import type { RawHeader, Retrofit, Texts } from './raw-header.ts';

const FLAG_NAMES: Array<RepoDepFlags | undefined> = [];
FLAG_NAMES[2] = 'LT';
FLAG_NAMES[4] = 'GT';
FLAG_NAMES[8] = 'EQ';
FLAG_NAMES[10] = 'LE';
FLAG_NAMES[12] = 'GE';

const PRE_BITS = DepFlag.PREREQ | DepFlag.SCRIPT_PRE | DepFlag.SCRIPT_POST;
const TRANS_BITS = DepFlag.PRETRANS | DepFlag.POSTTRANS;
/** Legacy weak deps (createrepo_c ENABLE_LEGACY_WEAKDEPS, on by default): old SUSE-style markers. */
const STRONG = 1 << 27;

type Kind = 'provides' | 'conflicts' | 'obsoletes' | 'requires' | 'suggests' | 'enhances' | 'recommends' | 'supplements' | 'oldsuggests' | 'oldenhances';
/**
 * createrepo_c's processing order: provides first, so requires can be checked against them. Objects
 * rather than tuples: see SIG_MERGE in raw-header.ts.
 */
const DEP_ORDER: Array<{ kind: Kind; names: number; flags: number; versions: number; field: string }> = (
  [
    ['provides', Tag.PROVIDENAME, Tag.PROVIDEFLAGS, Tag.PROVIDEVERSION],
    ['conflicts', Tag.CONFLICTNAME, Tag.CONFLICTFLAGS, Tag.CONFLICTVERSION],
    ['obsoletes', Tag.OBSOLETENAME, Tag.OBSOLETEFLAGS, Tag.OBSOLETEVERSION],
    ['requires', Tag.REQUIRENAME, Tag.REQUIREFLAGS, Tag.REQUIREVERSION],
    ['suggests', Tag.SUGGESTNAME, Tag.SUGGESTFLAGS, Tag.SUGGESTVERSION],
    ['enhances', Tag.ENHANCENAME, Tag.ENHANCEFLAGS, Tag.ENHANCEVERSION],
    ['recommends', Tag.RECOMMENDNAME, Tag.RECOMMENDFLAGS, Tag.RECOMMENDVERSION],
    ['supplements', Tag.SUPPLEMENTNAME, Tag.SUPPLEMENTFLAGS, Tag.SUPPLEMENTVERSION],
    ['oldsuggests', Tag.OLDSUGGESTSNAME, Tag.OLDSUGGESTSFLAGS, Tag.OLDSUGGESTSVERSION],
    ['oldenhances', Tag.OLDENHANCESNAME, Tag.OLDENHANCESFLAGS, Tag.OLDENHANCESVERSION],
  ] as const
).map(([kind, names, flags, versions]) => ({ kind, names, flags, versions, field: `${kind} entry` }));

/** strtol's end index for base 10 (leading blanks, a sign, digits); 0 when nothing converts. */
function strtolEnd(s: string): number {
  let i = 0;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i])) i++;
  if (s[i] === '+' || s[i] === '-') i++;
  const digits = i;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  return i === digits ? 0 : i;
}

/**
 * cr_str_to_evr: epoch before the first ':' (must be what strtol reads, else the dependency is
 * dropped: null), version up to the first '-', release after it. Missing epoch → "0".
 */
export function createrepoEvr(s: string): { epoch?: string; ver?: string; rel?: string } | null {
  if (s === '') return {};
  const colon = s.indexOf(':');
  let epoch = '0';
  let rest = s;
  if (colon >= 0) {
    if (strtolEnd(s) !== colon) return null;
    if (colon > 0) epoch = s.slice(0, colon);
    rest = s.slice(colon + 1);
  }
  const dash = rest.indexOf('-');
  if (dash < 0) return { epoch, ver: rest };
  const rel = rest.slice(dash + 1);
  return rel ? { epoch, ver: rest.slice(0, dash), rel } : { epoch, ver: rest.slice(0, dash) };
}

/** Index of the first ASCII digit at or after `i` (the string length when there is none). */
function firstDigit(s: string, i: number): number {
  while (i < s.length && (s.charCodeAt(i) < 48 || s.charCodeAt(i) > 57)) i++;
  return i;
}

/**
 * cr_compare_dependency for two libc.so.6 requires: 2 when `b` is higher (it replaces `a`). The
 * version is what lies between the first digit after '(' and the next ')', so
 * libc.so.6() < libc.so.6(GLIBC_2.3.4)(64bit) < libc.so.6(GLIBC_2.4).
 */
export function compareLibcNames(a: string, b: string): number {
  const oa = a.indexOf('(');
  const ob = b.indexOf('(');
  if (oa < 0 && ob < 0) return 0;
  if (oa < 0) return 2;
  if (ob < 0) return 1;
  const ea = a.indexOf(')', oa);
  const eb = b.indexOf(')', ob);
  if (ea < 0 && eb < 0) return -1;
  if (ea < 0) return 2;
  if (eb < 0) return 1;
  if (oa + 1 === ea && ob + 1 === eb) return 0;
  if (oa + 1 === ea) return 2;
  if (ob + 1 === eb) return 1;
  const da = firstDigit(a, oa + 1);
  const db = firstDigit(b, ob + 1);
  if (da > ea && db > eb) return 0;
  if (da > ea) return 2;
  if (db > eb) return 1;
  const c = rpmvercmp(a.slice(da, ea), b.slice(db, eb));
  return c === -1 ? 2 : c;
}

/** Each piece is converted on its own, as createrepo_c writes each as a separate attribute. */
function depOf(t: Texts, field: string, name: string, flag: RepoDepFlags | undefined, evr: ReturnType<typeof createrepoEvr>): RepoDep {
  const d: RepoDep = { name: t.text(name, field) };
  if (flag) {
    d.flags = flag;
    if (evr?.epoch) d.epoch = t.text(evr.epoch, field);
    if (evr?.ver) d.ver = t.text(evr.ver, field);
    if (evr?.rel) d.rel = t.text(evr.rel, field);
  }
  return d;
}

export function readDeps(r: RawHeader, t: Texts, fix: Retrofit, filePaths: Set<string>, transPre: boolean): RepoPackage['deps'] {
  const deps = emptyDeps();
  const preMask = transPre ? PRE_BITS | TRANS_BITS : PRE_BITS;
  const provided = new Set<string>();
  const lastRequire = new Map<string, { flag: string; ver: string; pre: boolean }>();
  // The highest libc.so.6 require so far, converted only once it is known to be kept.
  let libc: { name: string; flag: RepoDepFlags | undefined; evr: ReturnType<typeof createrepoEvr>; pre: boolean } | undefined;
  for (const { kind, names: nt, flags: ft, versions: vt, field } of DEP_ORDER) {
    let names = r.strings(nt);
    let flags = r.numbers(ft);
    let versions = r.strings(vt);
    if (kind === 'provides' && fix.provides) ({ names, flags, versions } = fix.provides);
    if (!names || !flags || !versions) continue;
    const n = Math.min(names.length, flags.length, versions.length);
    for (let i = 0; i < n; i++) {
      const name = names[i];
      const num = flags[i];
      const flag = FLAG_NAMES[num & 0xf];
      const ver = versions[i];
      const key = name + (flag ?? '') + ver;
      let pre = false;
      if (kind === 'requires') {
        if (name.startsWith('rpmlib(')) continue;
        if (name.charCodeAt(0) === 47 && filePaths.has(name) && isPrimaryFile(name)) continue;
        if (provided.has(key)) continue;
        pre = (num & preMask) !== 0;
        const prev = lastRequire.get(name);
        if (prev && prev.flag === (flag ?? '') && prev.ver === ver && prev.pre === pre) continue;
      }
      const evr = createrepoEvr(ver);
      if (evr === null) continue;
      if (kind === 'requires' && !(num & DepFlag.MISSINGOK) && name.startsWith('libc.so.6')) {
        if (!libc || compareLibcNames(libc.name, name) === 2) libc = { name, flag, evr, pre };
        continue;
      }
      const dep = depOf(t, field, name, flag, evr);
      switch (kind) {
        case 'provides':
          provided.add(key);
          deps.provides.push(dep);
          break;
        case 'requires':
          if (num & DepFlag.MISSINGOK) {
            deps.recommends.push(dep);
            break;
          }
          if (pre) dep.pre = true;
          deps.requires.push(dep);
          lastRequire.set(name, { flag: flag ?? '', ver, pre });
          break;
        case 'oldsuggests':
          (num & STRONG ? deps.recommends : deps.suggests).push(dep);
          break;
        case 'oldenhances':
          (num & STRONG ? deps.supplements : deps.enhances).push(dep);
          break;
        default:
          deps[kind].push(dep);
      }
    }
    if (kind === 'requires' && libc) {
      const dep = depOf(t, field, libc.name, libc.flag, libc.evr);
      // pre comes from the kept entry's own flags.
      if (libc.pre) dep.pre = true;
      deps.requires.push(dep);
    }
  }
  return deps;
}
