// Expected-result lines of a testcase (what libsolv's testcase_solverresult prints). testsolv
// compares them as a sorted list of lines; the structure here lets a runner compare the
// transaction exactly and problems loosely (ids are md5s of libsolv rule internals).

export const TRANSACTION_TYPES = [
  'install',
  'erase',
  'reinstall',
  'downgrade',
  'change',
  'upgrade',
  'obsolete',
  'multiinstall',
  'multireinstall',
] as const;
export type TcTransactionType = (typeof TRANSACTION_TYPES)[number];

/** `<type> <pkg> [<with>]`: for an installed package, `with` is the package replacing it. */
export interface TcTransactionStep {
  type: TcTransactionType;
  pkg: string;
  with?: string;
}

export type TcSolutionElement =
  | { type: 'deljob'; job: string }
  | { type: 'erase'; pkg: string }
  | { type: 'replace'; pkg: string; with: string }
  | { type: 'allow'; pkg: string }
  | { type: 'unknown'; text: string };

export interface TcSolution {
  id: string;
  elements: TcSolutionElement[];
}

/** `problem <id> info <text>` plus its `problem <id> solution <sid> <element>` lines. */
export interface TcProblem {
  id: string;
  info: string[];
  solutions: TcSolution[];
}

/** `alternative <id> 0 <what>` then `alternative <id> <n> <+|-| > <pkg>` (+ = chosen). */
export interface TcAlternative {
  id: string;
  text: string;
  choices: { index: number; mark: '+' | '-' | ' '; pkg: string }[];
}

export interface TcOrderStep {
  step: number;
  type: 'install' | 'erase';
  pkg: string;
}

/** Lines kept only as text: `rule`, `proof`, `genid`, `reason`, `orderedge`, anything unknown. */
export interface TcOtherLine {
  kind: string;
  rest: string;
  text: string;
}

export interface TcExpected {
  /** Every non-empty line as written; testsolv's check is: sorted lines equal. */
  lines: string[];
  transaction: TcTransactionStep[];
  problems: TcProblem[];
  alternatives: TcAlternative[];
  recommended: string[];
  suggested: string[];
  orphaned: string[];
  unneeded: string[];
  unneededFiltered: string[];
  cleandeps: string[];
  /** `userinstalled pkg <pkg>`. */
  userinstalled: string[];
  /** `autoinst name <name>`. */
  autoinst: string[];
  /** `job <text>` (result flag `jobs`). */
  jobs: string[];
  order: TcOrderStep[];
  other: TcOtherLine[];
}

const PKG_LISTS = {
  recommended: 'recommended',
  suggested: 'suggested',
  orphaned: 'orphaned',
  unneeded: 'unneeded',
  unneeded_filtered: 'unneededFiltered',
  cleandeps: 'cleandeps',
} as const;

function isTransactionType(s: string): s is TcTransactionType {
  return (TRANSACTION_TYPES as readonly string[]).includes(s);
}

function solutionElement(s: string): TcSolutionElement {
  const sp = s.indexOf(' ');
  const verb = sp < 0 ? s : s.slice(0, sp);
  const rest = sp < 0 ? '' : s.slice(sp + 1);
  const args = rest.split(' ');
  if (verb === 'deljob' && rest) return { type: 'deljob', job: rest };
  if (verb === 'erase' && args.length === 1 && rest) return { type: 'erase', pkg: rest };
  if (verb === 'allow' && args.length === 1 && rest) return { type: 'allow', pkg: rest };
  if (verb === 'replace' && args.length === 2) return { type: 'replace', pkg: args[0] ?? '', with: args[1] ?? '' };
  return { type: 'unknown', text: s };
}

/** Structure expected-result lines (already without their `#>`). Never throws. */
export function parseResult(lines: readonly string[]): TcExpected {
  const out: TcExpected = {
    lines: [],
    transaction: [],
    problems: [],
    alternatives: [],
    recommended: [],
    suggested: [],
    orphaned: [],
    unneeded: [],
    unneededFiltered: [],
    cleandeps: [],
    userinstalled: [],
    autoinst: [],
    jobs: [],
    order: [],
    other: [],
  };
  const problem = (id: string): TcProblem => {
    let p = out.problems.find((x) => x.id === id);
    if (!p) out.problems.push((p = { id, info: [], solutions: [] }));
    return p;
  };
  for (const text of lines) {
    if (text.trim() === '') continue;
    out.lines.push(text);
    const sp = text.indexOf(' ');
    const kind = sp < 0 ? text : text.slice(0, sp);
    const rest = sp < 0 ? '' : text.slice(sp + 1);
    const words = rest.split(' ');
    let m: RegExpExecArray | null;
    if (isTransactionType(kind) && rest && words.length <= 2) {
      const step: TcTransactionStep = { type: kind, pkg: words[0] ?? '' };
      if (words[1] !== undefined) step.with = words[1];
      out.transaction.push(step);
    } else if (kind in PKG_LISTS && words.length === 1 && rest) {
      out[PKG_LISTS[kind as keyof typeof PKG_LISTS]].push(rest);
    } else if ((m = /^problem (\S+) info (.*)$/.exec(text))) {
      problem(m[1] ?? '').info.push(m[2] ?? '');
    } else if ((m = /^problem (\S+) solution (\S+) (.*)$/.exec(text))) {
      const p = problem(m[1] ?? '');
      const sid = m[2] ?? '';
      let sol = p.solutions.find((s) => s.id === sid);
      if (!sol) p.solutions.push((sol = { id: sid, elements: [] }));
      sol.elements.push(solutionElement(m[3] ?? ''));
    } else if ((m = /^alternative (\S+) +(\d+) (.*)$/.exec(text))) {
      const id = m[1] ?? '';
      const index = Number(m[2]);
      const body = m[3] ?? '';
      let alt = out.alternatives.find((a) => a.id === id);
      if (!alt) out.alternatives.push((alt = { id, text: '', choices: [] }));
      if (index === 0) alt.text = body;
      else {
        const mark = body[0] === '+' || body[0] === '-' ? body[0] : ' ';
        alt.choices.push({ index, mark, pkg: body.slice(2) });
      }
    } else if ((m = /^order +(\d+) (install|erase) (\S+)$/.exec(text))) {
      out.order.push({ step: Number(m[1]), type: m[2] === 'erase' ? 'erase' : 'install', pkg: m[3] ?? '' });
    } else if (kind === 'userinstalled' && words[0] === 'pkg' && words.length === 2) {
      out.userinstalled.push(words[1] ?? '');
    } else if (kind === 'autoinst' && words[0] === 'name' && words.length === 2) {
      out.autoinst.push(words[1] ?? '');
    } else if (kind === 'job' && rest) {
      out.jobs.push(rest);
    } else {
      out.other.push({ kind, rest, text });
    }
  }
  return out;
}
