// Every dependency rpmbuild writes for a package: the spec's own, plus the automatic ones —
// "name = EVR" and "name(isa) = EVR" provides, config(name) for %config files, Requires(<phase>,interp)
// for scriptlets, script interpreters found in executable files, and the rpmlib() features the
// package needs (build/parseScript.c, build/files.c, build/rpmfc.c, build/pack.c finalizeDeps).

import { DEP_KINDS, DepFlag, type DepKind, FileFlag, SCRIPT_TAGS, type ScriptName } from '../model.ts';
import type { CompressorInfo } from './compress.ts';
import type { PackFile } from './content.ts';
import { type Dep, DepSet, PackInputError, parseDependency, sanitizeFlags } from './deps.ts';
import { ARCHES, type ResolvedSpec, SCRIPT_KINDS, type ScriptKind, specEvr } from './spec.ts';

/** Scriptlet → model.ts SCRIPT_TAGS entry and the Requires qualifier of its interpreter. */
const SCRIPT_MAP: Record<ScriptKind, [ScriptName, number]> = {
  pre: ['prein', DepFlag.SCRIPT_PRE],
  post: ['postin', DepFlag.SCRIPT_POST],
  preun: ['preun', DepFlag.SCRIPT_PREUN],
  postun: ['postun', DepFlag.SCRIPT_POSTUN],
  pretrans: ['pretrans', DepFlag.PRETRANS],
  posttrans: ['posttrans', DepFlag.POSTTRANS],
  verify: ['verify', DepFlag.SCRIPT_VERIFY],
};

export interface ResolvedScript {
  bodyTag: number;
  progTag: number;
  /** Interpreter and arguments ("<lua>" for the built-in Lua). */
  prog: string[];
  /** Body with trailing blanks stripped ("" → no body tag, like `%post -p /sbin/ldconfig`). */
  body: string;
  sense: number;
}

export function resolveScripts(spec: ResolvedSpec): ResolvedScript[] {
  const out: ResolvedScript[] = [];
  for (const [k, v] of Object.entries(spec.scripts ?? {})) {
    if (!(SCRIPT_KINDS as readonly string[]).includes(k)) {
      throw new PackInputError(`scripts.${k}: unknown scriptlet (${SCRIPT_KINDS.join(', ')})`);
    }
    const [name, sense] = SCRIPT_MAP[k as ScriptKind];
    const [bodyTag, progTag] = SCRIPT_TAGS[name];
    const input = typeof v === 'string' ? { body: v } : v;
    if (typeof input !== 'object' || input === null) throw new PackInputError(`scripts.${k}: expected text or a table`);
    for (const key of Object.keys(input)) {
      if (key !== 'body' && key !== 'interpreter') throw new PackInputError(`scripts.${k}.${key}: unknown key`);
    }
    const interp = input.interpreter ?? '/bin/sh';
    if (typeof interp !== 'string') throw new PackInputError(`scripts.${k}.interpreter: expected text`);
    const prog = interp.trim().split(/\s+/);
    if (prog[0] !== '<lua>' && !prog[0].startsWith('/')) {
      throw new PackInputError(`scripts.${k}.interpreter: "${interp}" must be an absolute path or <lua>`);
    }
    if (prog[0] === '<lua>' && prog.length > 1) throw new PackInputError(`scripts.${k}.interpreter: <lua> takes no arguments`);
    const body = (input.body ?? '').replace(/\s+$/, '');
    if (body.includes('\0')) throw new PackInputError(`scripts.${k}: contains a NUL character`);
    out.push({ bodyTag, progTag, prog, body, sense });
  }
  return out;
}

export interface FileDepends {
  /** FILEDEPENDSX / FILEDEPENDSN per file, DEPENDSDICT entries ('R' << 24 | requires index). */
  x: number[];
  n: number[];
  dict: number[];
}

export interface PackDeps {
  sets: Record<DepKind, DepSet>;
  fileDepends?: FileDepends;
}

function rpmlib(set: DepSet, feature: string, version: string): void {
  set.add({ name: `rpmlib(${feature})`, flags: DepFlag.RPMLIB | DepFlag.LESS | DepFlag.EQUAL, version });
}

/** haveCharInDep: EVRs, including those inside rich dependencies. */
function depHasChar(d: Dep, c: string): boolean {
  if (!d.name.startsWith('(')) return d.version.includes(c);
  return [...d.name.matchAll(/ (?:<=|>=|<|>|=) ([^ )]+)/g)].some((m) => m[1].includes(c));
}

export function collectDeps(
  spec: ResolvedSpec,
  files: readonly PackFile[],
  scripts: readonly ResolvedScript[],
  compressor: CompressorInfo,
  longFiles: boolean,
): PackDeps {
  const sets = Object.fromEntries(DEP_KINDS.map((k) => [k, new DepSet()])) as Record<DepKind, DepSet>;
  for (const [kind, list] of Object.entries(spec.deps ?? {})) {
    if (!(DEP_KINDS as readonly string[]).includes(kind)) {
      throw new PackInputError(`dependencies.${kind}: unknown dependency kind (${DEP_KINDS.join(', ')})`);
    }
    if (!Array.isArray(list)) throw new PackInputError(`dependencies.${kind}: expected a list`);
    const k = kind as DepKind;
    for (const item of list) {
      const [text, when] = typeof item === 'string' ? [item, []] : [item?.dep, item?.when ?? []];
      if (typeof text !== 'string' || !Array.isArray(when)) {
        throw new PackInputError(`dependencies.${kind}: expected "name [op version]" or { dep = "…", when = [...] }`);
      }
      const d = parseDependency(k, text, when);
      sets[k].add({ ...d, flags: sanitizeFlags(k, d.flags) });
    }
  }
  const evr = specEvr(spec);
  sets.provides.add({ name: spec.name, flags: DepFlag.EQUAL, version: evr });
  const isa = ARCHES[spec.arch].isa;
  if (isa) sets.provides.add({ name: `${spec.name}(${isa})`, flags: DepFlag.EQUAL, version: evr });
  if (files.some((f) => f.flags & FileFlag.CONFIG)) {
    const cfg = { name: `config(${spec.name})`, flags: DepFlag.CONFIG | DepFlag.EQUAL, version: evr };
    sets.provides.add(cfg);
    sets.requires.add(cfg);
  }
  const req = sets.requires;
  for (const s of scripts) {
    if (s.prog[0] === '<lua>') rpmlib(req, 'BuiltinLuaScripts', '4.2.2-1');
    else req.add({ name: s.prog[0], flags: s.sense | DepFlag.INTERP, version: '' });
    if (s.prog.length > 1) rpmlib(req, 'ScriptletInterpreterArgs', '4.0.3-1');
  }
  const fileReqs = files.map((f) => (f.interpreters ?? []).map((name) => ({ name, flags: DepFlag.FIND_REQUIRES, version: '' })));
  for (const list of fileReqs) for (const d of list) req.add(d);

  // build/files.c genCpioListAndHeader and processPackageFiles.
  if (files.some((f) => f.links.length > 1)) rpmlib(req, 'PartialHardlinkSets', '4.0.4-1');
  if (longFiles) rpmlib(req, 'LargeFiles', '4.12.0-1');
  rpmlib(req, 'FileDigests', '4.6.0-1');
  if (files.some((f) => f.caps)) rpmlib(req, 'FileCaps', '4.6.1-1');
  rpmlib(req, 'PayloadFilesHavePrefix', '4.0-1');
  rpmlib(req, 'CompressedFileNames', '3.0.4-1');
  // build/pack.c getIOFlags + finalizeDeps.
  if (compressor.feature) rpmlib(req, ...compressor.feature);
  const all = DEP_KINDS.flatMap((k) => sets[k].items);
  if (all.some((d) => depHasChar(d, '~'))) rpmlib(req, 'TildeInVersions', '4.10.0-1');
  if (all.some((d) => depHasChar(d, '^'))) rpmlib(req, 'CaretInVersions', '4.15.0-1');
  const richKinds: DepKind[] = ['requires', 'recommends', 'suggests', 'supplements', 'enhances', 'conflicts'];
  if (richKinds.some((k) => sets[k].items.some((d) => d.name.startsWith('(')))) rpmlib(req, 'RichDependencies', '4.12.0-1');

  return { sets, fileDepends: fileDependsOf(fileReqs, req) };
}

/** rpmfcApplyInternal's per-file index into the final requires list. */
function fileDependsOf(fileReqs: Dep[][], req: DepSet): FileDepends | undefined {
  if (!fileReqs.some((l) => l.length)) return undefined;
  const x = new Array<number>(fileReqs.length).fill(0);
  const n = new Array<number>(fileReqs.length).fill(0);
  const dict: number[] = [];
  fileReqs.forEach((list, i) => {
    // In generator output order, as rpmfc keeps it (its sorts are stable for one file's deps).
    const idx = [...new Set(list.map((d) => req.indexOf(d)))];
    if (!idx.length) return;
    x[i] = dict.length;
    n[i] = idx.length;
    for (const j of idx) dict.push(((0x52 << 24) | j) >>> 0);
  });
  return { x, n, dict };
}
