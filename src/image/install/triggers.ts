// Which triggers an install fires, as rpm 4.18 decides (lib/psm.c runTriggers/runImmedTriggers,
// lib/rpmtriggers.c runFileTriggers/runImmedFileTriggers), over the packages installed so far in
// this transaction ("the database" — an image root starts empty). Pure: returns the scriptlets to
// run, in rpm's order, with their arguments and stdin.

import { rangesOverlap } from '../../rpm/depmatch.ts';
import type { Header } from '../../rpm/header.ts';
import { DepFlag } from '../../rpm/model.ts';
import { Tag } from '../../rpm/tags.ts';
import { FileState } from '../rpmdb/installed-header.ts';
import { type FilePlan, type TxPackage, isSkipping } from './model.ts';
import type { Scriptlet } from './scriptlets.ts';

/** A package in the database: installed earlier in this transaction (hnum order). */
export interface DbPackage {
  hnum: number;
  tx: TxPackage;
  plan: FilePlan;
}

interface TriggerDep {
  name: string;
  flags: number;
  version: string;
  index: number;
}

type TriggerKind = 'normal' | 'file' | 'transfile';
const TAGS: Record<TriggerKind, { name: number; flags: number; version: number; index: number; scripts: number; prog: number; priorities?: number }> = {
  normal: { name: Tag.TRIGGERNAME, flags: Tag.TRIGGERFLAGS, version: Tag.TRIGGERVERSION, index: Tag.TRIGGERINDEX, scripts: Tag.TRIGGERSCRIPTS, prog: Tag.TRIGGERSCRIPTPROG },
  file: {
    name: Tag.FILETRIGGERNAME,
    flags: Tag.FILETRIGGERFLAGS,
    version: Tag.FILETRIGGERVERSION,
    index: Tag.FILETRIGGERINDEX,
    scripts: Tag.FILETRIGGERSCRIPTS,
    prog: Tag.FILETRIGGERSCRIPTPROG,
    priorities: Tag.FILETRIGGERPRIORITIES,
  },
  transfile: {
    name: Tag.TRANSFILETRIGGERNAME,
    flags: Tag.TRANSFILETRIGGERFLAGS,
    version: Tag.TRANSFILETRIGGERVERSION,
    index: Tag.TRANSFILETRIGGERINDEX,
    scripts: Tag.TRANSFILETRIGGERSCRIPTS,
    prog: Tag.TRANSFILETRIGGERSCRIPTPROG,
    priorities: Tag.TRANSFILETRIGGERPRIORITIES,
  },
};
const LABEL: Record<TriggerKind, string> = { normal: '', file: 'file', transfile: 'transfile' };
const SENSE_NAME: Record<number, string> = {
  [DepFlag.TRIGGERPREIN]: 'triggerprein',
  [DepFlag.TRIGGERIN]: 'triggerin',
  [DepFlag.TRIGGERUN]: 'triggerun',
  [DepFlag.TRIGGERPOSTUN]: 'triggerpostun',
};

const depCache = new WeakMap<Header, Partial<Record<TriggerKind, TriggerDep[]>>>();

/** A header's triggers of one kind (cached: the same headers are asked for every package). */
function triggerDeps(h: Header, kind: TriggerKind): TriggerDep[] {
  let c = depCache.get(h);
  if (!c) depCache.set(h, (c = {}));
  return (c[kind] ??= readTriggerDeps(h, kind));
}

function readTriggerDeps(h: Header, kind: TriggerKind): TriggerDep[] {
  const t = TAGS[kind];
  const names = h.strings(t.name);
  const flags = h.numbers(t.flags);
  const versions = h.strings(t.version);
  const index = h.numbers(t.index);
  return names.map((name, i) => ({ name, flags: flags[i] ?? 0, version: versions[i] ?? '', index: index[i] ?? 0 }));
}

function triggerScript(db: DbPackage, kind: TriggerKind, tix: number, sense: number, args: number[], stdin?: string[]): Scriptlet {
  const h = db.tx.header;
  const t = TAGS[kind];
  return {
    label: `%${LABEL[kind]}${SENSE_NAME[sense]}(${db.tx.nevra})`,
    prog: [h.strings(t.prog)[tix] ?? '/bin/sh'],
    body: h.strings(t.scripts)[tix] ?? '',
    args,
    ...(stdin ? { stdin } : {}),
    prefixes: h.strings(Tag.INSTPREFIXES).length ? h.strings(Tag.INSTPREFIXES) : h.strings(Tag.PREFIXES),
  };
}

/** rpmdsAnyMatchesDep: does any provide of `source` (self-provide included) satisfy the trigger? */
function providesMatch(source: TxPackage, dep: TriggerDep): boolean {
  const p = source.pkg;
  const e = p.epoch !== undefined ? `${p.epoch}:` : '';
  const self = { name: p.name, flags: DepFlag.EQUAL, version: `${e}${p.version}-${p.release}` };
  const want = { name: dep.name, flags: dep.flags, version: dep.version };
  return [self, ...p.deps.provides].some((pr) => rangesOverlap(pr, want));
}

const countNamed = (db: readonly DbPackage[], name: string): number => db.filter((d) => d.tx.pkg.name === name).length;

/** handleOneTrigger: the first of `trig`'s triggers on `source` with this sense, if its range matches. */
function oneTrigger(trig: DbPackage, source: TxPackage, sense: number): TriggerDep | undefined {
  for (const d of triggerDeps(trig.tx.header, 'normal')) {
    if (!(d.flags & sense) || d.name !== source.pkg.name || !providesMatch(source, d)) continue;
    return d;
  }
  return undefined;
}

/**
 * Normal triggers an install of `p` fires, in rpm's order: first those of installed packages that
 * trigger on p (runTriggers), then p's own triggers on installed packages (runImmedTriggers).
 * `db` must include p itself from the triggerin stage on (rpm adds it to the database first).
 */
export function normalTriggers(db: readonly DbPackage[], p: DbPackage, sense: number): Scriptlet[] {
  const out: Scriptlet[] = [];
  const name = p.tx.pkg.name;
  const numPackage = countNamed(db, name);
  for (const q of db) {
    if (!triggerDeps(q.tx.header, 'normal').some((d) => d.name === name)) continue;
    const d = oneTrigger(q, p.tx, sense);
    if (d) out.push(triggerScript(q, 'normal', d.index, sense, [countNamed(db, q.tx.pkg.name), numPackage]));
  }
  const run = new Set<number>();
  for (const d of triggerDeps(p.tx.header, 'normal')) {
    if (run.has(d.index)) continue;
    const sources = db.filter((s) => s.tx.pkg.name === d.name);
    for (const s of sources) {
      const hit = oneTrigger(p, s.tx, sense);
      if (!hit || run.has(hit.index)) continue;
      out.push(triggerScript(p, 'normal', hit.index, sense, [countNamed(db, name), sources.length]));
      run.add(hit.index);
    }
  }
  return out;
}

const BOUND = 10000;
const inClass = (priority: number, cls: 0 | 1 | 2): boolean => cls === 0 || (cls === 1 ? priority >= BOUND : priority < BOUND);

function priorities(h: Header, kind: TriggerKind): number[] {
  return h.numbers(TAGS[kind].priorities!);
}

/** The prefixes of trigger `tix`, and whether the first one has this sense (rpmdsFilterTi). */
function prefixesOf(h: Header, kind: TriggerKind, tix: number, sense: number): string[] | undefined {
  const deps = triggerDeps(h, kind).filter((d) => d.index === tix);
  if (!deps.length || !(deps[0].flags & sense)) return undefined;
  return deps.map((d) => d.name);
}

/** Files of a package being installed that match the prefixes (not skipped), prefix by prefix. */
function filesOfPackage(p: DbPackage, prefixes: readonly string[]): string[] {
  const out: string[] = [];
  for (const pfx of prefixes) {
    p.tx.pkg.files.forEach((f, i) => {
      if (f.path.startsWith(pfx) && !isSkipping(p.plan.actions[i])) out.push(f.path);
    });
  }
  return out;
}

/** Installed files of every package in the database matching the prefixes (rpm's Dirnames search). */
function filesOfDatabase(db: readonly DbPackage[], prefixes: readonly string[]): string[] {
  const out: string[] = [];
  for (const pfx of prefixes) {
    for (const d of db) {
      if (!d.tx.header.strings(Tag.DIRNAMES).some((dn) => dn.startsWith(pfx))) continue;
      d.tx.pkg.files.forEach((f, i) => {
        const st = d.plan.states[i];
        if (f.path.startsWith(pfx) && (st === FileState.NORMAL || st === FileState.NETSHARED)) out.push(f.path);
      });
    }
  }
  return out;
}

interface Planned {
  owner: DbPackage;
  tix: number;
  priority: number;
}

function sortTriggers(list: Planned[]): Planned[] {
  list.sort((a, b) => b.priority - a.priority || a.owner.hnum - b.owner.hnum || a.tix - b.tix);
  return list.filter((t, i) => i === 0 || !(t.owner === list[i - 1].owner && t.tix === list[i - 1].tix && t.priority === list[i - 1].priority));
}

/**
 * %filetriggerin scripts run for `p` in one priority class (1: priority ≥ 10000, before %post;
 * 2: the rest, after it): installed packages' triggers matching p's files (stdin: those files),
 * then p's own triggers matching files anywhere in the database.
 */
export function fileTriggers(db: readonly DbPackage[], p: DbPackage, cls: 1 | 2): Scriptlet[] {
  const sense = DepFlag.TRIGGERIN;
  const found: Planned[] = [];
  const prefixes = [...new Set(db.flatMap((d) => triggerDeps(d.tx.header, 'file').map((t) => t.name)))].sort((a, b) =>
    Buffer.compare(Buffer.from(a), Buffer.from(b)),
  );
  for (const pfx of prefixes) {
    if (!p.tx.pkg.files.some((f) => f.path.startsWith(pfx))) continue;
    for (const d of db) {
      const prio = priorities(d.tx.header, 'file');
      for (const t of triggerDeps(d.tx.header, 'file')) if (t.name === pfx) found.push({ owner: d, tix: t.index, priority: prio[t.index] ?? 0 });
    }
  }
  const out: Scriptlet[] = [];
  for (const t of sortTriggers(found)) {
    if (!inClass(t.priority, cls)) continue;
    const pfxs = prefixesOf(t.owner.tx.header, 'file', t.tix, sense);
    if (!pfxs) continue;
    const files = filesOfPackage(p, pfxs);
    if (files.length) out.push(triggerScript(t.owner, 'file', t.tix, sense, [0], files));
  }
  out.push(...ownTriggers(db, p, 'file', cls));
  return out;
}

/** runImmedFileTriggers: `p`'s own (trans)file triggers against files anywhere in the database. */
function ownTriggers(db: readonly DbPackage[], p: DbPackage, kind: 'file' | 'transfile', cls: 0 | 1 | 2): Scriptlet[] {
  const prio = priorities(p.tx.header, kind);
  const order = prio.map((priority, tix) => ({ owner: p, tix, priority }));
  const out: Scriptlet[] = [];
  for (const t of sortTriggers(order)) {
    if (!inClass(t.priority, cls)) continue;
    const pfxs = prefixesOf(p.tx.header, kind, t.tix, DepFlag.TRIGGERIN);
    if (!pfxs) continue;
    const files = filesOfDatabase(db, pfxs);
    if (files.length) out.push(triggerScript(p, kind, t.tix, DepFlag.TRIGGERIN, [0], files));
  }
  return out;
}

/** %transfiletriggerin scripts of `p`, run after the whole transaction (all priorities). */
export function transFileTriggers(db: readonly DbPackage[], p: DbPackage): Scriptlet[] {
  return ownTriggers(db, p, 'transfile', 0);
}
