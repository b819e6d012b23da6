// libsolv's selection_make / selection_match* for testcase `job … selection …` lines, and the
// `jobs` result (the job list testsolv prints instead of solving). Behaviour follows libsolv's
// src/selection.c and ext/testcase.c (addselectionjob, testcase_job2str); the code is Strata's own.
import type { Pool } from '../pool/pool.ts';
import { JOB_NOAUTOSET, JOB_NOOP, JOB_SETARCH, JOB_SETEV, JOB_SETEVR, JOB_SETMASK, JOB_SETREPO, SEL_ALL, SEL_NAME, SEL_ONE_OF, SEL_PROVIDES, SEL_REPO, SEL_SOLVABLE, SELECT_MASK } from '../solver/constants.ts';
import { formatDep, REL, type TcDep, type TcPart, type TcSelect, type Testcase } from '../testcase/index.ts';
import { runGenids } from './genid-stack.ts';
import {
  ARCH_NOSRC,
  ARCH_SRC,
  depBaseName,
  depKey,
  depName,
  depRel,
  EVRCMP_COMPARE,
  EVRCMP_MATCH_RELEASE,
  evrcmp,
  poolDep2str,
  SelPool,
} from './sel-pool.ts';
import { depId, findSolvable, JOB_ACTION, JOB_FLAG, setupPart, solvableName, UnsupportedTestcase, type TcPoolPackage } from './tc-pool.ts';

// libsolv's SELECTION_* flags (selection.h).
export const SELECTION_NAME = 1 << 0;
export const SELECTION_PROVIDES = 1 << 1;
export const SELECTION_FILELIST = 1 << 2;
export const SELECTION_CANON = 1 << 3;
export const SELECTION_DOTARCH = 1 << 4;
export const SELECTION_REL = 1 << 5;
export const SELECTION_INSTALLED_ONLY = 1 << 8;
export const SELECTION_GLOB = 1 << 9;
export const SELECTION_FLAT = 1 << 10;
export const SELECTION_NOCASE = 1 << 11;
export const SELECTION_SOURCE_ONLY = 1 << 12;
export const SELECTION_WITH_SOURCE = 1 << 13;
export const SELECTION_SKIP_KIND = 1 << 14;
export const SELECTION_MATCH_DEPSTR = 1 << 15;
export const SELECTION_WITH_DISABLED = 1 << 16;
export const SELECTION_WITH_BADARCH = 1 << 17;
export const SELECTION_ADD = 1 << 28;
export const SELECTION_SUBTRACT = 2 << 28;
export const SELECTION_FILTER = 3 << 28;
export const SELECTION_MODEBITS = 3 << 28;
export const SELECTION_FILTER_KEEP_IFEMPTY = 1 << 30;
export const SELECTION_FILTER_SWAPPED = 2 ** 31;

const WITH_EXTRA = SELECTION_WITH_SOURCE | SELECTION_WITH_DISABLED | SELECTION_WITH_BADARCH;

/** Selection flag names as the testcase writes them (selflags2str). */
export const SELECTION_FLAG_NAMES: Record<string, number> = {
  name: SELECTION_NAME,
  provides: SELECTION_PROVIDES,
  filelist: SELECTION_FILELIST,
  canon: SELECTION_CANON,
  dotarch: SELECTION_DOTARCH,
  rel: SELECTION_REL,
  installedonly: SELECTION_INSTALLED_ONLY,
  glob: SELECTION_GLOB,
  flat: SELECTION_FLAT,
  nocase: SELECTION_NOCASE,
  sourceonly: SELECTION_SOURCE_ONLY,
  withsource: SELECTION_WITH_SOURCE,
  skipkind: SELECTION_SKIP_KIND,
  depstr: SELECTION_MATCH_DEPSTR,
  withdisabled: SELECTION_WITH_DISABLED,
  withbadarch: SELECTION_WITH_BADARCH,
  add: SELECTION_ADD,
  subtract: SELECTION_SUBTRACT,
  filter: SELECTION_FILTER,
};

/**
 * One job (or selection element): `how` is action | flags | select; what it selects depends on the
 * select bits: `dep` (name/provides), `p` (solvable), `list` (one-of), `repo` (index into pool.repos).
 */
export interface SelJob {
  how: number;
  dep?: TcDep;
  p?: number;
  list?: number[];
  repo?: number;
}

const sel = (how: number): number => how & SELECT_MASK;

function sameWhat(a: SelJob, b: SelJob): boolean {
  if (a.dep || b.dep) return !!a.dep && !!b.dep && depKey(a.dep) === depKey(b.dep);
  if (a.list || b.list) return !!a.list && !!b.list && a.list.length === b.list.length && a.list.every((x, i) => x === b.list?.[i]);
  return a.p === b.p && a.repo === b.repo;
}

function pushUnique(q: SelJob[], j: SelJob): void {
  if (!q.some((x) => x.how === j.how && sameWhat(x, j))) q.push(j);
}

/** fnmatch(3) without flags (FNM_CASEFOLD with `nocase`) as a RegExp. */
function globRegExp(pattern: string, nocase: boolean): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      let j = i + 1;
      let neg = false;
      if (pattern[j] === '!' || pattern[j] === '^') {
        neg = true;
        j++;
      }
      let body = '';
      let first = true;
      for (; j < pattern.length && (first || pattern[j] !== ']'); j++, first = false) {
        const ch = pattern[j] as string;
        if (ch === '\\' && j + 1 < pattern.length) body += `\\${pattern[++j]}`;
        else if (ch === '-' && !first && pattern[j + 1] !== ']') body += '-';
        else body += ch.replace(/[\\\]^-]/g, '\\$&');
      }
      if (j >= pattern.length) re += '\\[';
      else {
        re += `[${neg ? '^' : ''}${body}]`;
        i = j;
      }
    } else if (c === '\\' && i + 1 < pattern.length) re += pattern[++i]?.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, nocase ? 'i' : '');
}

const hasGlob = (s: string): boolean => /[[*?]/.test(s);

function strMatch(pattern: string, s: string, glob: boolean, nocase: boolean): boolean {
  if (glob) return globRegExp(pattern, nocase).test(s);
  if (nocase) return pattern.toLowerCase() === s.toLowerCase();
  return pattern === s;
}

/** selection.c's splitrel: `name <op> evr` at `at` (the first of "<=>"). */
function splitRel(text: string, at: number): { name: string; flags: number; evr: string } | undefined {
  let nend = at;
  let r = at;
  let flags = 0;
  if (nend > 0 && text[r] === '=' && text[r - 1] === '!') {
    nend--;
    r++;
    flags = REL.LT | REL.GT;
  }
  for (; r < text.length; r++) {
    const c = text[r];
    if (c === '<') flags |= REL.LT;
    else if (c === '=') flags |= REL.EQ;
    else if (c === '>') flags |= REL.GT;
    else break;
  }
  while (r < text.length && (text[r] === ' ' || text[r] === '\t')) r++;
  while (nend > 0 && (text[nend - 1] === ' ' || text[nend - 1] === '\t')) nend--;
  if (nend <= 0 || r >= text.length || !flags) return undefined;
  return { name: text.slice(0, nend), flags, evr: text.slice(r) };
}

function skipKind(n: string): string {
  let i = 0;
  while (i < n.length && n[i] >= 'a' && n[i] <= 'z') i++;
  return n[i] === ':' && i > 0 ? n.slice(i + 1) : n;
}

/** The candidates a match* selection looks at (selection.c's limiter). */
interface Limiter {
  cands: number[];
  repo?: number;
}

/** libsolv's selection code over a SelPool. */
export class Selector {
  readonly sp: SelPool;
  constructor(sp: SelPool) {
    this.sp = sp;
  }

  // ---- helpers ------------------------------------------------------------------------------------

  /** FOR_JOB_SELECT (nothing for repo/all jobs). */
  jobSelect(j: SelJob): number[] {
    const s = sel(j.how);
    if (s === SEL_SOLVABLE) return j.p !== undefined ? [j.p] : [];
    if (s === SEL_ONE_OF) return j.list ?? [];
    if ((s === SEL_NAME || s === SEL_PROVIDES) && j.dep) {
      const wp = this.sp.whatProvides(j.dep);
      const dep = j.dep;
      return s === SEL_NAME ? wp.filter((p) => this.sp.matchNevr(p, dep)) : wp;
    }
    return [];
  }

  /** selection_solvables: every selected solvable, ascending and unique. */
  solvables(q: readonly SelJob[]): number[] {
    const out: number[] = [];
    for (const j of q) {
      const s = sel(j.how);
      if (s === SEL_ALL) out.push(...this.sp.solvables());
      else if (s === SEL_REPO) out.push(...this.sp.repoSolvables(j.repo ?? -1));
      else out.push(...this.jobSelect(j));
    }
    return [...new Set(out)].sort((a, b) => a - b);
  }

  /** selection_prune: drop jobs that select nothing. */
  prune(q: SelJob[]): void {
    const keep = q.filter((j) => {
      const s = sel(j.how);
      if (s === SEL_ALL) return true;
      if (s === SEL_REPO) return this.sp.repoSolvables(j.repo ?? -1).length > 0;
      return this.jobSelect(j).length > 0;
    });
    q.splice(0, q.length, ...keep);
  }

  flatten(q: SelJob[]): void {
    if (q.length <= 1) return;
    const all = q.find((j) => sel(j.how) === SEL_ALL);
    if (all) {
      q.splice(0, q.length, all);
      return;
    }
    const list = this.solvables(q);
    q.length = 0;
    if (list.length > 1) q.push({ how: SEL_ONE_OF, list });
    else if (list.length === 1) q.push({ how: SEL_SOLVABLE | JOB_NOAUTOSET, p: list[0] });
  }

  #matchNevrRel(p: number, flags: number, evr: string): boolean {
    if (flags === REL.ARCH) {
      const a = this.sp.arch(p);
      return a === evr || (evr === ARCH_SRC && a === ARCH_NOSRC);
    }
    if (flags > 7) return false;
    return this.sp.intersectEvrs(REL.EQ, depName(this.sp.evr(p)), flags, depName(evr));
  }

  /** selection_filter_rel_noprune: only simple relations and REL_ARCH. */
  filterRelNoprune(q: SelJob[], flags: number, evr: string): void {
    for (const j of q) {
      const s = sel(j.how);
      if (s === SEL_SOLVABLE || s === SEL_ONE_OF) {
        const all = this.jobSelect(j);
        const hit = all.filter((p) => this.#matchNevrRel(p, flags, evr));
        if (hit.length !== all.length) {
          if (hit.length === 1) {
            j.how = SEL_SOLVABLE | JOB_NOAUTOSET;
            j.p = hit[0];
            delete j.list;
          } else {
            j.how = SEL_ONE_OF;
            j.list = hit;
            delete j.p;
          }
        }
      } else if ((s === SEL_NAME || s === SEL_PROVIDES) && j.dep) {
        let id = j.dep;
        // Don't stack src reldeps.
        if (flags === REL.ARCH && (evr === ARCH_SRC || evr === ARCH_NOSRC) && id.kind === 'rel' && id.flags === REL.ARCH && id.evr.kind === 'name' && id.evr.name === ARCH_SRC) {
          id = id.name;
        }
        j.dep = depRel(flags, id, depName(evr));
      } else continue;
      if (flags === REL.ARCH) j.how |= JOB_SETARCH;
      if (flags === REL.EQ && s !== SEL_PROVIDES) {
        if (this.sp.deb) j.how |= JOB_SETEVR;
        else j.how |= evr.includes('-') ? JOB_SETEVR : JOB_SETEV;
      }
    }
  }

  filterRel(q: SelJob[], flags: number, evr: string): void {
    this.filterRelNoprune(q, flags, evr);
    this.prune(q);
  }

  /** selection_filter_repo. `repo` undefined: no such repo. */
  filterRepo(q: SelJob[], repo: number | undefined, setflags: number): void {
    if (!q.length) return;
    if (repo === undefined) {
      q.length = 0;
      return;
    }
    const out: SelJob[] = [];
    for (const j of q) {
      const s = sel(j.how);
      let nj: SelJob = { ...j };
      if (s === SEL_ALL) nj = { how: (j.how & ~SELECT_MASK) | SEL_REPO, repo };
      else if (s === SEL_REPO) {
        if (j.repo !== repo) continue;
      } else if (s === SEL_SOLVABLE) {
        if (this.sp.repoIndex(j.p ?? 0) !== repo) continue;
      } else {
        const all = this.jobSelect(j);
        const hit = all.filter((p) => this.sp.repoIndex(p) === repo);
        if (!hit.length) continue;
        if (hit.length !== all.length) {
          const rest = j.how & ~SELECT_MASK;
          nj = hit.length === 1 ? { how: rest | SEL_SOLVABLE | JOB_NOAUTOSET, p: hit[0] } : { how: rest | SEL_ONE_OF, list: hit };
        }
      }
      if (sel(nj.how) === SEL_REPO && !this.sp.repoSolvables(repo).length) continue;
      nj.how |= setflags;
      out.push(nj);
    }
    q.splice(0, q.length, ...out);
  }

  #matchProvides(p: number, dep: TcDep): boolean {
    return this.sp.provides(p).some((pd) => this.sp.matchDep(pd, dep));
  }

  /** selection_addextra: widen plain name/provides jobs to src, badarch and disabled packages. */
  addExtra(q: SelJob[], flags: number): void {
    if (flags & SELECTION_INSTALLED_ONLY) flags &= ~SELECTION_WITH_SOURCE;
    if (!(flags & WITH_EXTRA)) return;
    const sp = this.sp;
    for (const j of q) {
      let doprovides: boolean;
      if (j.how === SEL_NAME) doprovides = false;
      else if (j.how === SEL_PROVIDES) doprovides = true;
      else continue;
      const dep = j.dep as TcDep;
      let haveextra = false;
      const list: number[] = [];
      if (doprovides) {
        for (const p of sp.whatProvides(dep)) {
          if (flags & SELECTION_INSTALLED_ONLY && !sp.installed(p)) continue;
          list.push(p);
        }
      }
      for (const p of sp.solvables()) {
        if (!doprovides && !sp.matchNevr(p, dep)) continue;
        if (flags & SELECTION_INSTALLED_ONLY && !sp.installed(p)) continue;
        let isextra = false;
        if (sp.isSource(p)) {
          if (!(flags & SELECTION_WITH_SOURCE) && !(flags & SELECTION_SOURCE_ONLY)) continue;
          if (!(flags & SELECTION_SOURCE_ONLY)) isextra = true;
          if (sp.isDisabled(p)) {
            if (!(flags & SELECTION_WITH_DISABLED)) continue;
            isextra = true;
          }
        } else {
          if (flags & SELECTION_SOURCE_ONLY) continue;
          if (!sp.installed(p)) {
            if (sp.isDisabled(p)) {
              if (!(flags & SELECTION_WITH_DISABLED)) continue;
              isextra = true;
            }
            if (sp.isBadArch(p)) {
              if (!(flags & SELECTION_WITH_BADARCH)) continue;
              isextra = true;
            }
          }
        }
        if (doprovides) {
          if (!isextra) continue; // already listed from whatprovides
          if (!this.#matchProvides(p, dep)) continue;
        }
        haveextra ||= isextra;
        list.push(p);
      }
      if (!haveextra || !list.length) continue;
      if (list.length === 1) {
        j.how = (j.how & ~SELECT_MASK) | SEL_SOLVABLE | JOB_NOAUTOSET;
        j.p = list[0];
      } else {
        if (doprovides) list.sort((a, b) => a - b);
        j.how = (j.how & ~SELECT_MASK) | SEL_ONE_OF;
        j.list = list;
      }
      delete j.dep;
    }
  }

  /** solvable_matches_selection_flags (installed-only is checked elsewhere). */
  matchesFlags(p: number, flags: number): boolean {
    const sp = this.sp;
    if (sp.isSource(p)) {
      if (!(flags & SELECTION_SOURCE_ONLY) && !(flags & SELECTION_WITH_SOURCE)) return false;
      if (!(flags & SELECTION_WITH_DISABLED) && sp.isDisabled(p)) return false;
    } else {
      if (flags & SELECTION_SOURCE_ONLY) return false;
      if (!sp.installed(p)) {
        if (!(flags & SELECTION_WITH_DISABLED) && sp.isDisabled(p)) return false;
        if (!(flags & SELECTION_WITH_BADARCH) && sp.isBadArch(p)) return false;
      }
    }
    return true;
  }

  // ---- provides -----------------------------------------------------------------------------------

  #addExtraProvides(q: SelJob[], name: string, flags: number): boolean {
    if (flags & SELECTION_INSTALLED_ONLY) return false;
    const sp = this.sp;
    const nocase = (flags & SELECTION_NOCASE) !== 0;
    const doglob = (flags & SELECTION_GLOB) !== 0 && hasGlob(name);
    let match = false;
    for (const p of sp.solvables()) {
      const prov = sp.provides(p);
      if (!prov.length || sp.isSource(p) || sp.installed(p)) continue;
      if (sp.isDisabled(p)) {
        if (!(flags & SELECTION_WITH_DISABLED)) continue;
        if (!(flags & SELECTION_WITH_BADARCH) && sp.isBadArch(p)) continue;
      } else if (sp.isBadArch(p)) {
        if (!(flags & SELECTION_WITH_BADARCH)) continue;
      } else continue;
      for (const pd of prov) {
        const n = depBaseName(pd);
        if (n === undefined) continue;
        if (sp.whatProvides(depName(n)).length) continue; // done in the normal path
        if (strMatch(name, n, doglob, nocase)) {
          pushUnique(q, { how: SEL_PROVIDES, dep: depName(n) });
          match = true;
        }
      }
    }
    return match;
  }

  #providesId(q: SelJob[], id: string, flags: number): number {
    const dep = depName(id);
    for (const p of this.sp.whatProvides(dep)) {
      if (flags & SELECTION_INSTALLED_ONLY && !this.sp.installed(p)) continue;
      q.push({ how: SEL_PROVIDES, dep });
      return SELECTION_PROVIDES;
    }
    if (flags & (SELECTION_WITH_BADARCH | SELECTION_WITH_DISABLED)) {
      // Misuse addExtra to test whether an extra package provides it.
      const t: SelJob[] = [{ how: SEL_PROVIDES, dep }];
      this.addExtra(t, flags);
      if ((t[0] as SelJob).how === SEL_PROVIDES) return 0;
      q.push({ how: SEL_PROVIDES, dep });
      return SELECTION_PROVIDES;
    }
    return 0;
  }

  provides(q: SelJob[], name: string, flags: number): number {
    if (flags & SELECTION_SOURCE_ONLY) return 0;
    const sp = this.sp;
    const nocase = (flags & SELECTION_NOCASE) !== 0;
    if (!nocase && sp.known(name)) {
      const ret = this.#providesId(q, name, flags);
      if (ret) return ret;
    }
    const doglob = (flags & SELECTION_GLOB) !== 0 && hasGlob(name);
    if (!nocase && !doglob) return 0;
    let match = false;
    for (const id of sp.knownStrings()) {
      const wp = sp.whatProvides(depName(id));
      if (!wp.length) continue;
      if (!strMatch(name, id, doglob, nocase)) continue;
      if (flags & SELECTION_INSTALLED_ONLY && !wp.some((p) => sp.installed(p))) continue;
      q.push({ how: SEL_PROVIDES, dep: depName(id) });
      match = true;
    }
    if (flags & (SELECTION_WITH_BADARCH | SELECTION_WITH_DISABLED)) match = this.#addExtraProvides(q, name, flags) || match;
    return match ? SELECTION_PROVIDES : 0;
  }

  // ---- names --------------------------------------------------------------------------------------

  #nameId(q: SelJob[], id: string, flags: number): number {
    const sp = this.sp;
    let matchid = depName(id);
    if (flags & SELECTION_SOURCE_ONLY) {
      if (flags & SELECTION_INSTALLED_ONLY) return 0; // sources cannot be installed
      matchid = depRel(REL.ARCH, matchid, depName(ARCH_SRC));
      flags &= ~SELECTION_WITH_SOURCE;
    }
    for (const p of sp.whatProvides(matchid)) {
      if (sp.name(p) !== id) continue;
      if (flags & SELECTION_INSTALLED_ONLY && !sp.installed(p)) continue;
      q.push({ how: SEL_NAME, dep: matchid });
      if (flags & WITH_EXTRA) this.addExtra(q, flags);
      return SELECTION_NAME;
    }
    if (flags & (SELECTION_WITH_BADARCH | SELECTION_WITH_DISABLED)) {
      const t: SelJob[] = [{ how: SEL_NAME, dep: matchid }];
      this.addExtra(t, flags);
      if ((t[0] as SelJob).how === SEL_NAME) return 0;
      q.push(...t);
      return SELECTION_NAME;
    }
    if (flags & SELECTION_WITH_SOURCE && !(flags & SELECTION_INSTALLED_ONLY)) {
      // No binary match: try the sources.
      matchid = depRel(REL.ARCH, depName(id), depName(ARCH_SRC));
      for (const p of sp.whatProvides(matchid)) {
        if (sp.name(p) !== id) continue;
        q.push({ how: SEL_NAME, dep: matchid });
        return SELECTION_NAME;
      }
    }
    return 0;
  }

  name(q: SelJob[], name: string, flags: number): number {
    const sp = this.sp;
    if (flags & SELECTION_SOURCE_ONLY) flags &= ~SELECTION_WITH_SOURCE;
    const nocase = (flags & SELECTION_NOCASE) !== 0;
    const skipkind = (flags & SELECTION_SKIP_KIND) !== 0;
    if (!nocase && !skipkind && sp.known(name)) {
      const ret = this.#nameId(q, name, flags);
      if (ret) return ret;
    }
    const doglob = (flags & SELECTION_GLOB) !== 0 && hasGlob(name);
    if (!nocase && !skipkind && !doglob) return 0;
    let match = false;
    for (const p of sp.solvables()) {
      if (flags & SELECTION_INSTALLED_ONLY && !sp.installed(p)) continue;
      if (!this.matchesFlags(p, flags)) continue;
      const pname = sp.name(p);
      const n = skipkind ? skipKind(pname) : pname;
      if (!strMatch(name, n, doglob, nocase)) continue;
      let id = depName(pname);
      if (flags & SELECTION_SOURCE_ONLY) {
        if (!sp.isSource(p)) continue;
        id = depRel(REL.ARCH, id, depName(ARCH_SRC));
      }
      pushUnique(q, { how: SEL_NAME, dep: id });
      match = true;
    }
    if (!match) return 0;
    if (flags & WITH_EXTRA) this.addExtra(q, flags);
    return SELECTION_NAME;
  }

  // ---- dotarch / rel ------------------------------------------------------------------------------

  #nameArch(q: SelJob[], name: string, flags: number, doprovides: boolean, noprune: boolean): number {
    let ret = doprovides ? this.provides(q, name, flags) : this.name(q, name, flags);
    if (ret) return ret;
    if (!(flags & SELECTION_DOTARCH)) return 0;
    const dot = name.lastIndexOf('.');
    if (dot < 0 || dot + 1 >= name.length) return 0;
    const archid = this.sp.archId(name.slice(dot + 1));
    if (archid === undefined) return 0;
    const rname = name.slice(0, dot);
    if (archid === ARCH_SRC || archid === ARCH_NOSRC) flags |= SELECTION_SOURCE_ONLY;
    ret = doprovides ? this.provides(q, rname, flags) : this.name(q, rname, flags);
    if (ret) {
      this.filterRelNoprune(q, REL.ARCH, archid);
      if (!noprune) this.prune(q);
    }
    return ret && q.length ? ret | SELECTION_DOTARCH : 0;
  }

  #nameArchRel(q: SelJob[], name: string, flags: number, doprovides: boolean): number {
    let split: ReturnType<typeof splitRel>;
    if (flags & SELECTION_REL) {
      const at = name.search(/[<=>]/);
      if (at >= 0) split = splitRel(name, at);
    }
    const noprune = doprovides && (flags & (SELECTION_WITH_DISABLED | SELECTION_WITH_BADARCH)) !== 0;
    if (!split) {
      const ret = this.#nameArch(q, name, flags, doprovides, noprune);
      if (ret && noprune) {
        this.addExtra(q, flags);
        this.prune(q);
      }
      return ret && q.length ? ret : 0;
    }
    const ret = this.#nameArch(q, split.name, flags, doprovides, noprune);
    if (ret) {
      this.filterRelNoprune(q, split.flags, split.evr);
      if (noprune) this.addExtra(q, flags);
      this.prune(q);
    }
    return ret && q.length ? ret | SELECTION_REL : 0;
  }

  // ---- filelist -----------------------------------------------------------------------------------

  filelist(q: SelJob[], name: string, flags: number): number {
    const sp = this.sp;
    if (!name.startsWith('/')) {
      if (!(flags & SELECTION_GLOB)) return 0;
      if (name[0] !== '*' && name[0] !== '[' && name[0] !== '?') return 0;
    }
    const glob = (flags & SELECTION_GLOB) !== 0 && hasGlob(name);
    const nocase = (flags & SELECTION_NOCASE) !== 0;
    const hits: { file: string; p: number }[] = [];
    for (const p of sp.solvables()) {
      if (flags & SELECTION_INSTALLED_ONLY && !sp.installed(p)) continue;
      if (!this.matchesFlags(p, flags)) continue;
      for (const f of sp.pkg(p).files) {
        if (!strMatch(name, f, glob, nocase)) continue;
        if (flags & SELECTION_FLAT) {
          q.push({ how: SEL_SOLVABLE | JOB_NOAUTOSET, p });
          break;
        }
        hits.push({ file: f, p });
      }
    }
    if (flags & SELECTION_FLAT) return q.length ? SELECTION_FILELIST : 0;
    if (!hits.length) return 0;
    hits.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.p - b.p));
    for (let i = 0; i < hits.length; ) {
      const file = (hits[i] as { file: string }).file;
      const group: number[] = [];
      for (; i < hits.length && hits[i]?.file === file; i++) {
        const p = (hits[i] as { p: number }).p;
        if (group[group.length - 1] !== p) group.push(p);
      }
      if (group.length === 1) pushUnique(q, { how: SEL_SOLVABLE | JOB_NOAUTOSET, p: group[0] });
      else pushUnique(q, { how: SEL_ONE_OF, list: group });
    }
    return SELECTION_FILELIST;
  }

  // ---- canon --------------------------------------------------------------------------------------

  /** selection_filter_evr: `name-evr` matching with epoch promotion (name selections only). */
  #filterEvr(q: SelJob[], evr: string): void {
    if (/^\d+:/.test(evr)) {
      this.filterRel(q, REL.EQ, evr);
      return;
    }
    const out: SelJob[] = [];
    for (const j of q) {
      const list: number[] = [];
      let lastepoch: string | undefined;
      let multiple = false;
      for (const p of this.jobSelect(j)) {
        const sevr = this.sp.evr(p);
        const m = /^(\d*):/.exec(sevr);
        const hasEpoch = m !== null && (m[1] as string).length > 0;
        const vr = hasEpoch ? sevr.slice((m as RegExpExecArray)[0].length) : sevr;
        if (vr !== evr) {
          const r = this.sp.evrcmp(vr, evr, EVRCMP_MATCH_RELEASE);
          if (r === -1 || r === 1) continue;
        }
        list.push(p);
        const epoch = hasEpoch ? (m[1] as string).replace(/^0+/, '') : '';
        if (lastepoch === undefined) lastepoch = epoch;
        else if (lastepoch !== epoch) multiple = true;
      }
      let id: string;
      if (lastepoch === undefined || (lastepoch === '' && !multiple)) id = evr;
      else if (!multiple) id = `${lastepoch}:${evr}`;
      else {
        out.push({ how: (j.how & ~SELECT_MASK) | SEL_ONE_OF, list });
        continue;
      }
      const t: SelJob[] = [{ ...j }];
      this.filterRel(t, REL.EQ, id);
      if (t.length) out.push(t[0] as SelJob);
    }
    q.splice(0, q.length, ...out);
  }

  canon(q: SelJob[], name: string, flags: number): number {
    flags = (flags | SELECTION_NAME) & ~SELECTION_PROVIDES;
    const sp = this.sp;
    if (sp.disttype === 'deb' || sp.disttype === 'haiku') {
      const deb = sp.disttype === 'deb';
      const delim = deb ? '_' : '-';
      const d = name.indexOf(delim);
      if (d < 0) return 0;
      const ret = this.name(q, name.slice(0, d), flags);
      if (!ret) return 0;
      let r = name.slice(d + 1);
      const r2 = r.lastIndexOf(delim);
      // (haiku checks the text after the first delimiter, as libsolv does)
      const archid = r2 >= 0 ? (deb ? sp.archId(r.slice(r2 + 1)) : r.length > 1 ? sp.archId(r.slice(1)) : undefined) : undefined;
      if (archid !== undefined) {
        r = r.slice(0, r2);
        this.filterRel(q, REL.ARCH, archid);
      }
      this.filterRel(q, REL.EQ, r);
      return q.length ? ret | SELECTION_CANON : 0;
    }
    const delim = name.lastIndexOf('-');
    if (delim < 0) return 0;
    let rname = name.slice(0, delim);
    let rest = name.slice(delim + 1);
    let archid: string | undefined;
    const dot = rest.lastIndexOf('.');
    if (dot >= 0 && dot + 1 < rest.length) {
      archid = sp.archId(rest.slice(dot + 1));
      if (archid !== undefined) rest = rest.slice(0, dot);
    }
    if (archid === ARCH_SRC || archid === ARCH_NOSRC) flags |= SELECTION_SOURCE_ONLY;
    let evr = rest;
    let ret = this.name(q, rname, flags);
    if (!ret) {
      const r2 = rname.lastIndexOf('-');
      if (r2 < 0) return 0;
      evr = `${rname.slice(r2 + 1)}-${rest}`;
      rname = rname.slice(0, r2);
      ret = this.name(q, rname, flags);
      if (!ret) return 0;
    }
    if (archid !== undefined) this.filterRel(q, REL.ARCH, archid);
    this.#filterEvr(q, evr);
    return q.length ? ret | SELECTION_CANON : 0;
  }

  // ---- combining ----------------------------------------------------------------------------------

  /** selection_extrabits: the with-bits actually needed to match the selection. */
  #extraBits(q: SelJob[], flags: number): number {
    const allflags = flags & WITH_EXTRA;
    if (!q.length || (q.length === 1 && (q[0] as SelJob).how === SEL_ALL)) return allflags;
    const sp = this.sp;
    let need = 0;
    for (const p of this.solvables(q)) {
      if (flags & SELECTION_INSTALLED_ONLY && !sp.installed(p)) continue;
      let isextra = 0;
      if (sp.isSource(p)) {
        if (!(flags & SELECTION_WITH_SOURCE)) continue;
        isextra |= SELECTION_WITH_SOURCE;
        if (sp.isDisabled(p)) {
          if (!(flags & SELECTION_WITH_DISABLED)) continue;
          isextra |= SELECTION_WITH_DISABLED;
        }
      } else {
        if (flags & SELECTION_SOURCE_ONLY) continue;
        if (!sp.installed(p)) {
          if (sp.isDisabled(p)) {
            if (!(flags & SELECTION_WITH_DISABLED)) continue;
            isextra |= SELECTION_WITH_DISABLED;
          }
          if (sp.isBadArch(p)) {
            if (!(flags & SELECTION_WITH_BADARCH)) continue;
            isextra |= SELECTION_WITH_BADARCH;
          }
        }
      }
      need |= isextra;
      if (need === allflags) break;
    }
    return need;
  }

  /** selection_filter_map over a set of solvables. */
  #filterMap(q: SelJob[], m: Set<number>, invert: boolean, setflags: number): void {
    const inMap = (p: number): boolean => m.has(p) !== invert;
    const out: SelJob[] = [];
    for (const j of q) {
      const s = sel(j.how);
      let all: number[];
      if (s === SEL_ALL) all = [...this.sp.solvables()];
      else if (s === SEL_REPO) all = this.sp.repoSolvables(j.repo ?? -1);
      else if (s === SEL_SOLVABLE) {
        if (inMap(j.p ?? 0)) out.push({ ...j, how: j.how | setflags });
        continue;
      } else all = [...new Set(this.jobSelect(j))];
      const hit = all.filter(inMap);
      if (!hit.length) continue;
      if (hit.length === all.length) out.push({ ...j, how: j.how | setflags });
      else if (hit.length > 1) out.push({ how: (j.how & ~SELECT_MASK) | SEL_ONE_OF | setflags, list: hit });
      else out.push({ how: (j.how & ~SELECT_MASK) | SEL_SOLVABLE | JOB_NOAUTOSET | setflags, p: hit[0] });
    }
    q.splice(0, q.length, ...out);
  }

  /** selection_filter (invert: selection_subtract). */
  filter(q1: SelJob[], q2: SelJob[], invert: boolean): void {
    if (!q1.length || !q2.length) {
      if (invert && !q2.length) return;
      q1.length = 0;
      return;
    }
    const first1 = q1[0] as SelJob;
    const first2 = q2[0] as SelJob;
    if (q1.length === 1 && sel(first1.how) === SEL_ALL && !invert) {
      const setflags = first1.how & ~(SELECT_MASK | JOB_SETMASK);
      q1.splice(0, q1.length, ...q2.map((j) => ({ ...j, how: (j.how & (SELECT_MASK | JOB_SETMASK)) | setflags })));
      return;
    }
    if (q1.length === 1 && sel(first1.how) === SEL_REPO && !invert) {
      const setflags = first1.how & ~(SELECT_MASK | JOB_NOAUTOSET);
      const repo = first1.repo;
      q1.splice(0, q1.length, ...q2.map((j) => ({ ...j, how: j.how & (SELECT_MASK | JOB_SETMASK) })));
      this.filterRepo(q1, repo, setflags);
      return;
    }
    if (q2.length === 1 && sel(first2.how) === SEL_ALL) {
      if (invert) q1.length = 0;
      return;
    }
    if (q2.length === 1 && sel(first2.how) === SEL_REPO && !invert) {
      this.filterRepo(q1, first2.repo, first2.how & (JOB_SETMASK & ~JOB_NOAUTOSET));
      return;
    }
    const m = new Set<number>();
    let q1list: number[] | undefined;
    for (const j of q2) {
      const s = sel(j.how);
      if (s === SEL_ALL) {
        if (invert) q1.length = 0;
        return;
      }
      if (s === SEL_REPO) {
        for (const p of this.sp.repoSolvables(j.repo ?? -1)) m.add(p);
        continue;
      }
      const d = j.dep;
      if ((s === SEL_NAME || s === SEL_PROVIDES) && d?.kind === 'rel' && d.name.kind === 'null' && (d.flags === REL.ARCH || d.flags === REL.KIND)) {
        q1list ??= this.solvables(q1);
        const want = d.evr.kind === 'name' ? d.evr.name : undefined;
        for (const p of q1list) {
          if (d.flags === REL.ARCH) {
            const a = this.sp.arch(p);
            if (a === want || (want === ARCH_SRC && a === ARCH_NOSRC)) m.add(p);
          } else if (isKind(this.sp.name(p), want)) m.add(p);
        }
        continue;
      }
      for (const p of this.jobSelect(j)) m.add(p);
    }
    const setflags = q2.length === 1 ? first2.how & (JOB_SETMASK & ~JOB_NOAUTOSET) : 0;
    this.#filterMap(q1, m, invert, setflags);
  }

  combine(q1: SelJob[], q2: SelJob[], flags: number, ret: number): number {
    const mode = flags & SELECTION_MODEBITS;
    if (mode === SELECTION_ADD) q1.push(...q2);
    else if (mode === SELECTION_SUBTRACT) this.filter(q1, q2, true);
    else if (mode === SELECTION_FILTER) {
      if (ret || !(flags & SELECTION_FILTER_KEEP_IFEMPTY)) {
        if (flags & SELECTION_FILTER_SWAPPED) {
          this.filter(q2, q1, false);
          q1.splice(0, q1.length, ...q2);
        } else this.filter(q1, q2, false);
      }
    } else q1.splice(0, q1.length, ...q2);
    return ret;
  }

  // ---- entry points -------------------------------------------------------------------------------

  /** selection_make. `q` is the current selection (used by add/subtract/filter) and is replaced. */
  make(q: SelJob[], name: string, flags: number): number {
    if ((flags & SELECTION_MODEBITS) !== 0) {
      const mode = flags & SELECTION_MODEBITS;
      if (mode === SELECTION_SUBTRACT || mode === SELECTION_FILTER) {
        if (!q.length) return 0;
        if (flags & WITH_EXTRA) flags = (flags & ~WITH_EXTRA) | this.#extraBits(q, flags);
      }
      const t: SelJob[] = [];
      const ret = this.make(t, name, flags & ~SELECTION_MODEBITS);
      return this.combine(q, t, flags, ret);
    }
    q.length = 0;
    if (flags & SELECTION_INSTALLED_ONLY && !this.sp.hasInstalled()) return 0;
    let ret = 0;
    if (flags & SELECTION_FILELIST) ret = this.filelist(q, name, flags);
    if (!ret && flags & SELECTION_NAME) ret = this.#nameArchRel(q, name, flags, false);
    if (!ret && flags & SELECTION_PROVIDES) ret = this.#nameArchRel(q, name, flags, true);
    if (!ret && flags & SELECTION_CANON) ret = this.canon(q, name, flags);
    if (ret && flags & SELECTION_INSTALLED_ONLY) this.filterRepo(q, this.sp.pool.installedRepo, JOB_SETREPO);
    if (ret && flags & SELECTION_FLAT) this.flatten(q);
    return q.length ? ret : 0;
  }

  #limiter(q: SelJob[], flags: number): Limiter {
    const sp = this.sp;
    let lim: Limiter = { cands: [...sp.solvables()] };
    if (flags & SELECTION_INSTALLED_ONLY) {
      const r = sp.pool.installedRepo;
      lim = r >= 0 ? { cands: sp.repoSolvables(r), repo: r } : { cands: [] };
    }
    const mode = flags & SELECTION_MODEBITS;
    if (mode !== SELECTION_SUBTRACT && mode !== SELECTION_FILTER) return lim;
    if (!q.length) return { cands: [] };
    if (!lim.cands.length) return lim;
    const first = q[0] as SelJob;
    if (q.length === 1 && sel(first.how) === SEL_ALL) return lim;
    if (q.length === 1 && sel(first.how) === SEL_REPO) {
      const repo = lim.repo !== undefined && first.repo !== lim.repo ? undefined : first.repo;
      return repo === undefined ? { cands: [] } : { cands: sp.repoSolvables(repo), repo };
    }
    return { cands: this.solvables(q), repo: lim.repo };
  }

  #toJobs(q: SelJob[], hits: number[], flags: number): void {
    q.length = 0;
    for (const p of hits) q.push({ how: SEL_SOLVABLE | JOB_NOAUTOSET, p });
    if (flags & SELECTION_FLAT) this.flatten(q);
  }

  #matchdep(id: TcDep, rname: string, rflags: number, revr: TcDep, flags: number): boolean {
    if (id.kind === 'rel') {
      if (id.flags > 7) {
        const f = id.flags;
        if (f === REL.AND || f === REL.OR || f === REL.WITH || f === REL.WITHOUT || f === REL.COND || f === REL.UNLESS) {
          if (this.#matchdep(id.name, rname, rflags, revr, flags)) return true;
          let r: TcDep = id;
          if ((f === REL.COND || f === REL.UNLESS) && id.evr.kind === 'rel') {
            r = id.evr;
            if (r.kind !== 'rel' || r.flags !== REL.ELSE) return false;
          }
          return r.kind === 'rel' && r.flags !== REL.COND && r.flags !== REL.UNLESS && r.flags !== REL.WITHOUT && this.#matchdep(r.evr, rname, rflags, revr, flags);
        }
        if (f === REL.ARCH) return this.#matchdep(id.name, rname, rflags, revr, flags);
      }
      if (!this.#matchdep(id.name, rname, rflags, revr, flags)) return false;
      if (rflags && !this.sp.intersectEvrs(id.flags, id.evr, rflags, revr)) return false;
      return true;
    }
    if (id.kind !== 'name') return false;
    return strMatch(rname, id.name, (flags & SELECTION_GLOB) !== 0, (flags & SELECTION_NOCASE) !== 0);
  }

  /** selection_make_matchdeps (name given) / selection_make_matchdepid (dep given). */
  matchDeps(q: SelJob[], name: string | undefined, dep: TcDep | undefined, flags: number, keyname: string): number {
    if ((flags & SELECTION_MODEBITS) !== 0) {
      const lim = this.#limiter(q, flags);
      const t: SelJob[] = [];
      const ret = this.#matchDepsCommon(t, name, dep, flags & ~SELECTION_MODEBITS, keyname, lim);
      return this.combine(q, t, flags, ret);
    }
    return this.#matchDepsCommon(q, name, dep, flags, keyname, this.#limiter(q, flags));
  }

  #matchDepsCommon(q: SelJob[], name: string | undefined, dep: TcDep | undefined, flags: number, keyname: string, lim: Limiter): number {
    q.length = 0;
    if (!lim.cands.length) return 0;
    if (name === undefined && !dep) return 0;
    let ret = 0;
    let rname = '';
    let rflags = 0;
    let revr: TcDep = { kind: 'null' };
    if (flags & SELECTION_MATCH_DEPSTR) flags &= ~SELECTION_REL;
    if (name !== undefined) {
      rname = name;
      if (flags & SELECTION_REL) {
        const at = rname.search(/[<=>]/);
        if (at >= 0) {
          const split = splitRel(rname, at);
          if (!split) return 0;
          rname = split.name;
          rflags = split.flags;
          revr = depName(split.evr);
        }
        ret |= SELECTION_REL;
      }
      if (flags & SELECTION_GLOB && !hasGlob(rname)) flags &= ~SELECTION_GLOB;
      if (!(flags & (SELECTION_GLOB | SELECTION_NOCASE | SELECTION_MATCH_DEPSTR))) {
        dep = depName(rname);
        if (rflags) dep = depRel(rflags, dep, revr);
        name = undefined;
      }
    }
    if (dep && keyname === 'solvable:name' && flags & SELECTION_MATCH_DEPSTR) {
      if (dep.kind !== 'rel' || dep.name.kind === 'null' || dep.flags !== REL.EQ) return 0;
      rflags = dep.flags;
      revr = dep.evr;
      dep = dep.name;
    }
    const sp = this.sp;
    const depstr = (flags & SELECTION_MATCH_DEPSTR) !== 0;
    const hits: number[] = [];
    for (const p of lim.cands) {
      if (lim.repo !== undefined && sp.repoIndex(p) !== lim.repo) continue;
      if (!this.matchesFlags(p, flags)) continue;
      if (keyname === 'solvable:name') {
        if (dep) {
          if (depstr) {
            if (depKey(depName(sp.name(p))) !== depKey(dep) || depKey(depName(sp.evr(p))) !== depKey(revr)) continue;
          } else if (!sp.matchNevr(p, dep)) continue;
        } else if (depstr) {
          if (!strMatch(rname, `${sp.name(p)} = ${sp.evr(p)}`, (flags & SELECTION_GLOB) !== 0, (flags & SELECTION_NOCASE) !== 0)) continue;
        } else {
          if (!this.#matchdep(depName(sp.name(p)), rname, rflags, revr, flags)) continue;
          if (rflags && !sp.intersectEvrs(rflags, revr, REL.EQ, depName(sp.evr(p)))) continue;
        }
        hits.push(p);
        continue;
      }
      const deps = sp.deps(p, keyname);
      if (!deps.length) continue;
      let hit: boolean;
      if (dep) {
        const d = dep;
        hit = depstr ? deps.some((x) => depKey(x) === depKey(d)) : deps.some((x) => sp.matchDep(x, d));
      } else if (depstr) {
        hit = deps.some((x) => strMatch(rname, poolDep2str(x, sp.disttype), (flags & SELECTION_GLOB) !== 0, (flags & SELECTION_NOCASE) !== 0));
      } else hit = deps.some((x) => this.#matchdep(x, rname, rflags, revr, flags));
      if (hit) hits.push(p);
    }
    if (!hits.length) return 0;
    this.#toJobs(q, hits, flags);
    return ret | (keyname === 'solvable:name' ? SELECTION_NAME : SELECTION_PROVIDES);
  }

  /** selection_make_matchsolvable. */
  matchSolvable(q: SelJob[], solvid: number, flags: number, keyname: string): number {
    const lim = this.#limiter(q, flags);
    if ((flags & SELECTION_MODEBITS) !== 0) {
      const t: SelJob[] = [];
      const ret = this.#matchSolvableCommon(t, solvid, flags & ~SELECTION_MODEBITS, keyname, lim);
      return this.combine(q, t, flags, ret);
    }
    return this.#matchSolvableCommon(q, solvid, flags, keyname, lim);
  }

  #matchSolvableCommon(q: SelJob[], solvid: number, flags: number, keyname: string, lim: Limiter): number {
    q.length = 0;
    if (!lim.cands.length || !solvid) return 0;
    const sp = this.sp;
    const hits: number[] = [];
    for (const p of lim.cands) {
      if (p === solvid) continue;
      if (lim.repo !== undefined && sp.repoIndex(p) !== lim.repo) continue;
      if (!this.matchesFlags(p, flags)) continue;
      if (sp.deps(p, keyname).some((d) => sp.whatProvides(d).includes(solvid))) hits.push(p);
    }
    if (!hits.length) return 0;
    this.#toJobs(q, hits, flags);
    return SELECTION_PROVIDES;
  }
}

/** pool_is_kind: `kind` undefined/'' means any; the special kind 1 (package) is not modelled. */
function isKind(name: string, kind: string | undefined): boolean {
  if (!kind) return true;
  return name.startsWith(`${kind}:`);
}

function selectionFlags(names: readonly string[]): number {
  let f = 0;
  for (const n of names) {
    const bit = SELECTION_FLAG_NAMES[n];
    if (bit === undefined) throw new UnsupportedTestcase(`selection flag ${n}`);
    f |= bit;
  }
  return f;
}

/** addselectionjob: run a testcase selection against the current job queue. */
export function runSelection(selector: Selector, s: Extract<TcSelect, { kind: 'selection' }>, how: number, queue: SelJob[]): void {
  const flags = selectionFlags(s.selflags);
  const q: SelJob[] = [];
  if (flags & (SELECTION_ADD | SELECTION_SUBTRACT | SELECTION_FILTER)) {
    for (const j of queue) q.push({ ...j, how: j.how & (SELECT_MASK | JOB_SETMASK) });
    queue.length = 0;
  }
  const key = s.keyname ?? '';
  if (s.mode === 'selection') selector.make(q, s.text, flags);
  else if (s.mode === 'matchdeps') selector.matchDeps(q, s.text, undefined, flags, key);
  else if (s.mode === 'matchdepid') selector.matchDeps(q, undefined, s.dep, flags, key);
  else {
    let solvid = 0;
    try {
      solvid = findSolvable(selector.sp.pool, s.text);
    } catch (e) {
      if (!(e instanceof UnsupportedTestcase)) throw e;
    }
    selector.matchSolvable(q, solvid, flags, key);
  }
  for (const j of q) queue.push({ ...j, how: how | j.how });
}

function jobHow(action: string, flags: readonly string[]): number {
  const a = JOB_ACTION[action];
  if (a === undefined) throw new UnsupportedTestcase(`job action ${action}`);
  let how = a;
  for (const f of flags) {
    const bit = JOB_FLAG[f];
    if (bit === undefined) throw new UnsupportedTestcase(`job flag ${f}`);
    how |= bit;
  }
  return how;
}

/** The selector for a part: its pool plus what libsolv keeps across parts (disabled packages, dist type). */
export function partSelector(tc: Testcase, part: TcPart, system: TcPart['system']): Selector {
  const { pool } = setupPart(tc, part, system);
  const disabled = new Set<number>();
  const tmp = new Selector(new SelPool(pool, { disttype: system?.disttypes?.[0], archPolicy: system?.archPolicy }));
  // `disable` lines persist over `nextjob`, as pool->considered does in testsolv.
  for (const d of tc.parts.filter((p) => p.index <= part.index).flatMap((p) => p.disables)) {
    const s = d.select;
    try {
      if (s.kind === 'all') for (const p of tmp.sp.solvables()) disabled.add(p);
      else if (s.kind === 'repo') {
        const r = pool.repos.findIndex((x) => x.id === s.repo);
        for (const p of tmp.sp.repoSolvables(r)) disabled.add(p);
      } else if (s.kind === 'pkg') disabled.add(findSolvable(pool, s.pkg));
      else if (s.kind === 'oneof') for (const t of s.pkgs) disabled.add(findSolvable(pool, t));
      else if (s.kind === 'name' || s.kind === 'provides') {
        for (const p of tmp.jobSelect({ how: s.kind === 'name' ? SEL_NAME : SEL_PROVIDES, dep: s.dep })) disabled.add(p);
      }
    } catch (e) {
      // testsolv reports an unknown package and goes on.
      if (!(e instanceof UnsupportedTestcase)) throw e;
    }
  }
  return new Selector(new SelPool(pool, { disttype: system?.disttypes?.[0], archPolicy: system?.archPolicy, disabled }));
}

/**
 * The job queue testsolv builds for a part: its `job` and `evrcmp` lines in file order, then the
 * `genid` stack (top first). The selector is created on demand (genid-only parts need no pool).
 */
export function partJobQueue(tc: Testcase, part: TcPart, system: TcPart['system']): { queue: SelJob[]; selector?: Selector } {
  if (part.autoinst.length) throw new UnsupportedTestcase('autoinst');
  let selector: Selector | undefined;
  const getSelector = (): Selector => (selector ??= partSelector(tc, part, system));
  const queue: SelJob[] = [];
  const lines: ({ line: number; job: TcPart['jobs'][number] } | { line: number; evrcmp: TcPart['evrcmps'][number] })[] = [
    ...part.jobs.map((job) => ({ line: job.line, job })),
    ...part.evrcmps.map((evrcmp) => ({ line: evrcmp.line, evrcmp })),
  ].sort((a, b) => a.line - b.line);
  for (const item of lines) {
    if ('evrcmp' in item) {
      const { a, b } = item.evrcmp;
      const disttype = system?.disttypes?.[0] ?? 'rpm';
      if (disttype !== 'rpm' && disttype !== 'deb') throw new UnsupportedTestcase(`evrcmp for ${disttype}`);
      const r = evrcmp(a, b, EVRCMP_COMPARE, disttype);
      const flags = r < 0 ? REL.LT : r > 0 ? REL.GT : REL.EQ;
      queue.push({ how: JOB_NOOP | SEL_PROVIDES, dep: depRel(flags, depName(a), depName(b)) });
      continue;
    }
    const job = item.job;
    const how = jobHow(job.action, job.flags);
    const s = job.select;
    switch (s.kind) {
      case 'selection':
        runSelection(getSelector(), s, how, queue);
        break;
      case 'pkg':
        queue.push({ how: how | SEL_SOLVABLE, p: findSolvable(getSelector().sp.pool, s.pkg) });
        break;
      case 'name':
      case 'provides':
        queue.push({ how: how | (s.kind === 'name' ? SEL_NAME : SEL_PROVIDES), dep: s.dep });
        break;
      case 'oneof': {
        const pool = getSelector().sp.pool;
        queue.push({ how: how | SEL_ONE_OF, list: s.pkgs.map((t) => findSolvable(pool, t)) });
        break;
      }
      case 'repo': {
        const idx = getSelector().sp.pool.repos.findIndex((r) => r.id === s.repo);
        if (idx < 0) throw new UnsupportedTestcase(`unknown repo ${s.repo}`);
        queue.push({ how: how | SEL_REPO, repo: idx });
        break;
      }
      case 'all':
        queue.push({ how: how | SEL_ALL });
        break;
    }
  }
  const stack = runGenids(part);
  for (let i = stack.length - 1; i >= 0; i--) queue.push({ how: JOB_NOOP | SEL_PROVIDES, dep: stack[i] });
  return { queue, selector };
}

/** testcase_job2str. */
export function jobToString(selector: Selector | undefined, j: SelJob): string {
  const actionCode = j.how & 0xff00;
  const action = Object.entries(JOB_ACTION).find(([, v]) => v === actionCode)?.[0] ?? 'unknown';
  const s = sel(j.how);
  const pool = selector?.sp.pool;
  const pkg = (p: number): string => (pool ? solvableName(pool, p) : `#${p}`);
  let text: string;
  if (s === SEL_SOLVABLE) text = `pkg ${pkg(j.p ?? 0)}`;
  else if (s === SEL_NAME) text = `name ${formatDep(j.dep ?? { kind: 'null' })}`;
  else if (s === SEL_PROVIDES) text = `provides ${formatDep(j.dep ?? { kind: 'null' })}`;
  else if (s === SEL_ONE_OF) text = `oneof ${j.list?.length ? j.list.map(pkg).join(' ') : 'nothing'}`;
  else if (s === SEL_REPO) text = `repo ${pool?.repos[j.repo ?? -1]?.id ?? `#${(j.repo ?? -1) + 2}`}`;
  else if (s === SEL_ALL) text = 'all packages';
  else text = 'unknown unknown';
  const flags = Object.entries(JOB_FLAG)
    .filter(([, bit]) => (j.how & bit) !== 0)
    .map(([k]) => k);
  return `${action} ${text}${flags.length ? ` [${flags.join(',')}]` : ''}`;
}

/** The (how, what) pairs a `selection` job expands to (for solving; add/subtract/filter need the queue). */
export function selectionToJobs(pool: Pool<TcPoolPackage>, s: Extract<TcSelect, { kind: 'selection' }>, how: number, oneOf: (list: number[]) => number): number[] {
  if (selectionFlags(s.selflags) & SELECTION_MODEBITS) throw new UnsupportedTestcase('selection add/subtract/filter while solving');
  const selector = new Selector(new SelPool(pool));
  const queue: SelJob[] = [];
  runSelection(selector, s, how, queue);
  const out: number[] = [];
  for (const j of queue) {
    const k = sel(j.how);
    if (k === SEL_SOLVABLE) out.push(j.how, j.p ?? 0);
    else if (k === SEL_ONE_OF) out.push(j.how, oneOf(j.list ?? []));
    else if (k === SEL_NAME || k === SEL_PROVIDES) out.push(j.how, depId(pool, j.dep ?? { kind: 'null' }));
    else if (k === SEL_REPO) out.push(j.how, (j.repo ?? 0) + 1);
    else out.push(j.how, 0);
  }
  return out;
}

/** testsolv's `jobs` result: one `job …` line per job (testcase_job2str). */
export function jobsResultLines(tc: Testcase, part: TcPart, system: TcPart['system']): string[] {
  const { queue, selector } = partJobQueue(tc, part, system);
  return queue.map((j) => `job ${jobToString(selector, j)}`);
}
