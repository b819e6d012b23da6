// testsolv's `genid` result (libsolv testcase_solverresult with TESTCASE_RESULT_GENID): for every
// `noop provides` job (which is what `genid` and `evrcmp` lines become), the dependency in testcase
// syntax, a roundtrip check through the parser, and the genid commands that rebuild it.
import { SEL_PROVIDES } from '../solver/constants.ts';
import { DepSyntaxError, formatDep, parseDep, relOpName, type TcDep, type TcPart, type Testcase } from '../testcase/index.ts';
import { depKey } from './sel-pool.ts';
import { partJobQueue } from './selection.ts';

/** dump_genid: the commands rebuilding `id`, numbered from `n`. */
function dumpGenid(id: TcDep, out: string[], n: number): number {
  const num = (k: number): string => `genid ${String(k).padStart(2)}: genid `;
  if (id.kind === 'rel') {
    n = dumpGenid(id.name, out, n);
    n = dumpGenid(id.evr, out, n);
    const op = relOpName(id.flags);
    out.push(`${num(n++)}op ${/^<\d+>$/.test(op) ? 'unknown' : op}`);
  } else if (id.kind === 'name') out.push(`${num(n++)}lit ${id.name}`);
  else out.push(`${num(n++)}null`);
  return n;
}

/** testsolv's `genid` result lines (unsorted). */
export function genidResultLines(tc: Testcase, part: TcPart, system: TcPart['system']): string[] {
  const { queue } = partJobQueue(tc, part, system);
  const out: string[] = [];
  for (const j of queue) {
    if (j.how !== SEL_PROVIDES || !j.dep) continue; // SOLVER_NOOP | SOLVER_SOLVABLE_PROVIDES only
    const text = formatDep(j.dep);
    out.push(`genid dep ${text}`);
    let back: TcDep;
    try {
      back = parseDep(text);
    } catch (e) {
      if (!(e instanceof DepSyntaxError)) throw e;
      back = { kind: 'null' };
    }
    if (depKey(back) !== depKey(j.dep)) out.push(`genid roundtrip error: ${formatDep(back)}`);
    dumpGenid(j.dep, out, 1);
  }
  return out;
}
