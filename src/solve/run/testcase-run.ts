// Runs a libsolv testcase with Strata's solver: the testcase's repos become a Pool, its jobs the
// solver's job queue, and the result is printed in testsolv's result format so it can be compared
// line by line with the expected result (or with Debian's `testsolv -r`).
import { createTransaction } from '../solver/transaction.ts';
import { problemLines, ruleClass, testcaseRuleId, type ProblemNaming } from '../solver/problems.ts';
import { alternativeText, getAlternatives } from '../solver/alternatives.ts';
import { createHash } from 'node:crypto';
import { RULE_FEATURE, RULE_UNKNOWN } from '../solver/constants.ts';
import { getRecommendations } from '../solver/recommend.ts';
import { getCleandeps } from '../solver/cleandeps.ts';
import { Solver } from '../solver/solver.ts';
import { formatSolvable, parseTestcase } from '../testcase/index.ts';
import type { TcPart, Testcase } from '../testcase/index.ts';
import { depText, testcaseDepText, findSolvable, jobText, jobToPairs, setupPart, solvableName, UnsupportedTestcase } from './tc-pool.ts';
import { genidResultLines } from './genid.ts';
import { jobsResultLines } from './selection.ts';

const SUPPORTED_RESULTS = new Set(['transaction', 'problems', 'recommended', 'rules', 'alternatives', 'cleandeps']);

export interface RunOptions {
  /** Reads files the testcase names (path relative to the process, as testsolv). */
  readFile?: (name: string) => string;
  /** Behave as an older libsolv where it differs (for comparing with Debian's testsolv). */
  compat?: 'libsolv-0.7.23';
}

export function runPart(tc: Testcase, part: TcPart, system: TcPart['system'], opts: RunOptions = {}, reuse?: { addedmap?: Uint8Array }): string[] {
  if (part.unknown.length) throw new UnsupportedTestcase(part.unknown[0].reason);
  if (part.namespaces.length) throw new UnsupportedTestcase('namespace callbacks');
  const resultFlags = part.result?.flags.length ? part.result.flags : ['transaction', 'problems'];
  // testsolv prints these instead of solving.
  if (resultFlags.includes('genid')) return genidResultLines(tc, part, system).sort(byteCompare);
  if (part.genids.length) throw new UnsupportedTestcase('genid');
  if (resultFlags.includes('jobs')) return jobsResultLines(tc, part, system).sort(byteCompare);
  for (const f of resultFlags) if (!SUPPORTED_RESULTS.has(f)) throw new UnsupportedTestcase(`result ${f}`);
  const setup = setupPart(tc, part, system);
  const pool = setup.pool;
  const disabled = new Uint8Array(pool.nsolvables);
  let anyDisabled = false;
  for (const d of part.disables) {
    if (d.select.kind !== 'pkg') throw new UnsupportedTestcase(`disable ${d.select.kind}`);
    disabled[findSolvable(pool, d.select.pkg)] = 1;
    anyDisabled = true;
  }
  const solver = new Solver({
    pool,
    flags: opts.compat === 'libsolv-0.7.23' ? { ...setup.flags, libsolv0723: true } : setup.flags,
    poolFlags: setup.poolFlags,
    vendor: (s) => pool.record(s)?.tc.vendor,
    buildtime: (s) => pool.record(s)?.tc.buildtime,
    disabled: anyDisabled ? disabled : undefined,
    vendorClasses: part.vendorclasses,
  });
  const job: number[] = [];
  for (const j of part.jobs) job.push(...jobToPairs(pool, j, (list) => solver.store.add(list)));
  solver.solve(job, reuse?.addedmap);
  if (reuse) reuse.addedmap = part.reuseSolver ? solver.addedmap : undefined;
  const lines: string[] = [];
  const name = (p: number): string => solvableName(pool, p);
  const naming: ProblemNaming = {
    full: name,
    plain: (p) => (p === 0 ? '<NULL>' : p === 1 ? 'system:system' : formatSolvable(pool.record(p)?.tc ?? { name: '?', evr: '', flavors: [] })),
    dep: (d) => depText(pool, d),
    job: (how, what) => jobText(pool, how, what, solver),
  };
  if (resultFlags.includes('transaction')) {
    const trans = createTransaction(solver);
    for (const step of trans.classified) {
      const op = pool.isInstalled(step.p) ? trans.obsoletedBy.get(step.p) : undefined;
      lines.push(op !== undefined ? `${step.type} ${name(step.p)} ${name(op)}` : `${step.type} ${name(step.p)}`);
    }
  }
  if (resultFlags.includes('rules')) lines.push(...ruleLines(solver, naming));
  if (resultFlags.includes('cleandeps')) for (const p of getCleandeps(solver)) lines.push(`cleandeps ${name(p)}`);
  if (resultFlags.includes('alternatives')) lines.push(...alternativeLines(solver, naming, (d) => testcaseDepText(pool, d)));
  if (resultFlags.includes('recommended')) {
    const { recommended, suggested } = getRecommendations(solver);
    for (const p of recommended) lines.push(`recommended ${name(p)}`);
    for (const p of suggested) lines.push(`suggested ${name(p)}`);
  }
  if (resultFlags.includes('problems')) lines.push(...problemLines(solver, naming));
  return lines.sort(byteCompare);
}

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface TestcasePartResult {
  part: number;
  lines?: string[];
  skipped?: string;
  /** Expected result lines (sorted), when the testcase has an inline or file result. */
  expected?: string[];
}

/** Runs every part of a testcase text. */
export function runTestcase(text: string, file: string, opts: RunOptions = {}): TestcasePartResult[] {
  const tc = parseTestcase(text, file, {
    readFile:
      opts.readFile ??
      ((name: string) => {
        throw new UnsupportedTestcase(`external file ${name}`);
      }),
  });
  const out: TestcasePartResult[] = [];
  let system: TcPart['system'];
  const reuse: { addedmap?: Uint8Array } = {};
  for (const part of tc.parts) {
    if (part.system) system = part.system;
    const expected = part.result?.expected?.lines.slice().sort(byteCompare);
    try {
      out.push({ part: part.index + 1, lines: runPart(tc, part, system, opts, reuse), expected });
    } catch (e) {
      if (e instanceof UnsupportedTestcase) out.push({ part: part.index + 1, skipped: e.message, expected });
      else throw e;
    }
  }
  return out;
}


const RULE_CLASS_NAMES: Record<number, string> = {
  0x100: 'pkg',
  0x200: 'update',
  0x300: 'feature',
  0x400: 'job',
  0x500: 'distupgrade',
  0x600: 'infarch',
  0x700: 'choice',
  0x800: 'learnt',
  0x900: 'best',
  0xa00: 'yumobs',
  0xb00: 'recommends',
  0xc00: 'black',
  0xd00: 'strictrepoprio',
};

/** testsolv's `rules` result: every rule's literals, tagged with its class and rule id. */
function ruleLines(solver: Solver, n: ProblemNaming): string[] {
  const out: string[] = [];
  for (let rid = 1; ; rid++) {
    const cls = ruleClass(solver, rid);
    if (cls === RULE_UNKNOWN) break;
    let lits = solver.ruleLits(rid).filter((p) => p !== -1);
    if (!lits.length) lits = [-1];
    if (cls === RULE_FEATURE && lits.length === 1 && lits[0] === -1) continue;
    const prefix = `rule ${RULE_CLASS_NAMES[cls]} ${testcaseRuleId(solver, rid, n)}`;
    for (const p of lits) {
      const s = Math.abs(p) === 1 ? '@SYSTEM' : n.full(Math.abs(p));
      out.push(p < 0 ? `${prefix} -${s}` : `${prefix}  ${s}`);
    }
  }
  return out;
}

function md5Prefix(parts: readonly string[]): string {
  const h = createHash('md5');
  for (const p of parts) h.update(Buffer.concat([Buffer.from(p, 'utf8'), Buffer.of(0)]));
  return h.digest('hex').slice(0, 8);
}

/** testsolv's `alternatives` result: each open choice the solver made, with what it picked. */
function alternativeLines(solver: Solver, n: ProblemNaming, tcDep: (d: number) => string): string[] {
  const out: string[] = [];
  for (const alt of getAlternatives(solver)) {
    const id = alt.from ? md5Prefix([n.full(alt.from), tcDep(alt.id)]) : md5Prefix([testcaseRuleId(solver, alt.id, n)]);
    const prefix = `alternative ${id} `;
    out.push(`${prefix} 0 ${alternativeText(solver, alt, n)}`);
    alt.choices.forEach((p, i) => {
      const num = i + 1 >= 10 ? String(i + 1) : ` ${i + 1}`;
      const mark = -p === alt.chosen ? '+ ' : p < 0 ? '- ' : '  ';
      out.push(`${prefix}${num} ${mark}${n.full(Math.abs(p))}`);
    });
  }
  return out;
}
