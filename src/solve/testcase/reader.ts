// The testsolv line format as libsolv's ext/testcase.c testcase_read reads it. Each line is
// split at blanks; `#` starts a comment; `repo …` / `result …` with `<inline>` take the `#>`
// lines that follow; `nextjob` starts the next part. Known commands with bad arguments throw
// TestcaseError (`file:line: …`); unknown commands and names are recorded, not fatal.
import { DepSyntaxError, parseDep, type TcDep } from './dep.ts';
import { TestcaseError, type NumberedLine } from './errors.ts';
import { parseResult } from './result.ts';
import {
  DISTTYPES,
  GENID_COMMANDS,
  JOB_ACTIONS,
  JOB_FLAGS,
  KNOWN_FEATURES,
  POOL_FLAGS,
  RESULT_FLAGS,
  SELECTION_FLAGS,
  SOLVER_FLAG_DEFAULTS,
} from './tables.ts';
import { parseTesttags } from './testtags.ts';
import type { TcFlagSetting, TcJob, TcPart, TcRepo, TcSelect, Testcase } from './types.ts';

export interface ParseOptions {
  /** Reads a file a testcase refers to (`repo … testtags <file>`, `result … <file>`), by path
   * relative to the process: the .t file's directory joined with the name, as libsolv does. */
  readFile(path: string): string;
}

interface Token {
  text: string;
  start: number;
  end: number;
}

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  const re = /[^ \t]+/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

/** libsolv "rejoin": tokens from..to of the line with the blank after each token turned into ' '. */
function rejoin(line: string, toks: readonly Token[], from: number, to: number): string {
  let s = '';
  for (let k = from; k < to; k++) {
    const t = toks[k] as Token;
    const next = toks[k + 1] as Token;
    s += t.text + ' ' + line.slice(t.end + 1, next.start);
  }
  return s + (toks[to] as Token).text;
}

function newPart(index: number, line: number): TcPart {
  return {
    index,
    line,
    repos: [],
    jobs: [],
    poolflags: [],
    features: [],
    namespaces: [],
    disables: [],
    genids: [],
    evrcmps: [],
    vendorclasses: [],
    autoinst: [],
    reuseSolver: false,
    unknown: [],
  };
}

/** Parse one testcase. `file` is used for error messages and to resolve referenced files. */
export function parseTestcase(text: string, file: string, opts: ParseOptions): Testcase {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const slash = file.lastIndexOf('/');
  const dir = slash >= 0 ? file.slice(0, slash + 1) : '';
  const tc: Testcase = { file, repos: [], parts: [newPart(0, 1)], features: [], unknown: [], warnings: [] };
  let part = tc.parts[0] as TcPart;
  let i = 0;
  let lineNo = 0;

  const fail = (msg: string, at = lineNo): never => {
    throw new TestcaseError(file, at, msg);
  };
  const unknown = (lineText: string, reason: string): void => {
    const u = { line: lineNo, text: lineText, reason };
    part.unknown.push(u);
    tc.unknown.push(u);
  };
  const inline = (): NumberedLine[] => {
    const out: NumberedLine[] = [];
    while (i < lines.length && (lines[i] as string).startsWith('#>')) {
      out.push({ text: (lines[i] as string).slice(2), line: i + 1 });
      i++;
    }
    return out;
  };
  const external = (name: string, what: string): { path: string; lines: NumberedLine[] } => {
    const path = dir + name;
    let content: string;
    try {
      content = opts.readFile(path);
    } catch (e) {
      return fail(`cannot read ${what} file '${path}': ${e instanceof Error ? e.message : String(e)}`);
    }
    const ls = content.split('\n');
    if (ls[ls.length - 1] === '') ls.pop();
    return { path, lines: ls.map((t, k) => ({ text: t, line: k + 1 })) };
  };
  const dep = (s: string, what: string): TcDep => {
    try {
      return parseDep(s);
    } catch (e) {
      if (e instanceof DepSyntaxError) return fail(`bad dependency in ${what}: ${JSON.stringify(s)}: ${e.message}`);
      throw e;
    }
  };
  const checkNames = (lineText: string, names: readonly string[], known: readonly string[], kind: string): void => {
    for (const n of names) if (!known.includes(n)) unknown(lineText, `unknown ${kind} '${n}'`);
  };
  const flagSettings = (lineText: string, args: readonly string[], known: readonly string[], kind: string): TcFlagSetting[] => {
    const out: TcFlagSetting[] = [];
    for (const arg of args) {
      for (const word of arg.split(',')) {
        if (word === '') continue;
        const value = !word.startsWith('!');
        const name = value ? word : word.slice(1);
        if (name === '') continue;
        if (!known.includes(name)) unknown(lineText, `unknown ${kind} '${name}'`);
        out.push({ name, value });
      }
    }
    return out;
  };

  // testcase_str2jobsel: toks[from..] is `<kind> <args…>`.
  const selection = (line: string, toks: readonly Token[], from: number, what: string): TcSelect => {
    const n = toks.length - from;
    const kind = toks[from]?.text;
    const arg = toks[from + 1]?.text;
    if (kind === 'pkg' && n === 2 && arg) return { kind: 'pkg', pkg: arg };
    if ((kind === 'name' || kind === 'provides') && n >= 2) {
      const t = rejoin(line, toks, from + 1, toks.length - 1);
      return { kind, text: t, dep: dep(t, `${what} ${kind}`) };
    }
    if (kind === 'oneof') {
      const pkgs = toks.slice(from + 1).map((t) => t.text);
      return { kind: 'oneof', pkgs: pkgs.length === 1 && pkgs[0] === 'nothing' ? [] : pkgs };
    }
    if (kind === 'repo' && n === 2 && arg) return { kind: 'repo', repo: arg };
    if (kind === 'all' && n === 2 && arg === 'packages') return { kind: 'all' };
    return fail(`${what}: bad selection '${n > 0 ? rejoin(line, toks, from, toks.length - 1) : ''}'`);
  };

  const job = (line: string, toks: Token[]): void => {
    const action = (toks[1] as Token).text;
    const jobText = rejoin(line, toks, 1, toks.length - 1);
    if (!JOB_ACTIONS.includes(action)) {
      unknown(line, `unknown job action '${action}'`);
      return;
    }
    let end = toks.length; // exclusive
    let flags: string[] = [];
    const bracketed = (t: string): boolean => t.length >= 2 && t.startsWith('[') && t.endsWith(']');
    const mode = toks[2]?.text;
    const selMode =
      mode === 'selection' ? 'selection' : mode === 'selection_matchdeps' ? 'matchdeps' : mode === 'selection_matchdepid' ? 'matchdepid' : mode === 'selection_matchsolvable' ? 'matchsolvable' : undefined;
    // pieces counted from the action: the `[flags]` word is only taken when there are > 3 of them
    const base = selMode && selMode !== 'selection' ? 2 : 1;
    if (end - base > 3 && bracketed((toks[end - 1] as Token).text)) {
      flags = (toks[end - 1] as Token).text.slice(1, -1).split(',').filter((f) => f !== '');
      end--;
    }
    checkNames(line, flags, JOB_FLAGS, 'job flag');
    let select: TcSelect;
    if (selMode) {
      if (selMode !== 'selection' && toks.length < 4) fail(`job ${mode} needs a key name`);
      // pieces: action, (selection | keyname), text…, selflags
      if (end - base < 4) fail(`job ${mode}: no selection flags`);
      const selflags = (toks[end - 1] as Token).text.split(',');
      checkNames(line, selflags, SELECTION_FLAGS, 'selection flag');
      const t = rejoin(line, toks, base + 2, end - 2);
      select = { kind: 'selection', mode: selMode, text: t, selflags };
      if (selMode !== 'selection') select.keyname = (toks[3] as Token).text;
      if (selMode === 'matchdepid') select.dep = dep(t, 'job selection_matchdepid');
    } else {
      if (toks.length < 4) fail(`job: bad line '${jobText}'`);
      select = selection(line, toks.slice(0, end), 2, 'job');
    }
    const j: TcJob = { action, flags, select, text: jobText, line: lineNo };
    part.jobs.push(j);
  };

  while (i < lines.length) {
    const line = lines[i] as string;
    lineNo = ++i;
    const toks = tokenize(line);
    const first = toks[0]?.text;
    if (first === undefined || first.startsWith('#')) continue;
    const n = toks.length;
    const word = (k: number): string => (toks[k] as Token).text;
    switch (first) {
      case 'repo': {
        if (n < 4) fail('repo needs: repo <name> <prio>[.<subprio>] <type> [<file>|<inline>]');
        const prio = /^(-?\d+)(?:\.(-?\d+))?$/.exec(word(2));
        if (!prio) fail(`repo: bad priority '${word(2)}'`);
        const repo: TcRepo = {
          name: word(1),
          priority: Number(prio?.[1]),
          subpriority: prio?.[2] === undefined ? 0 : Number(prio[2]),
          format: word(3),
          packages: [],
          part: part.index,
          line: lineNo,
        };
        if (repo.format !== 'empty' && n > 4) {
          repo.source = word(4);
          const src = repo.source === '<inline>' ? { path: file, lines: inline() } : external(repo.source, 'repo');
          if (repo.format === 'testtags') repo.packages = parseTesttags(src.lines, src.path, tc.warnings);
          else {
            repo.unsupported = `repo format '${repo.format}' is not supported`;
            unknown(line, repo.unsupported);
          }
        }
        part.repos.push(repo);
        tc.repos.push(repo);
        break;
      }
      case 'system': {
        if (n < 3) fail('system needs: system <arch> <disttype|*> [<repo>]');
        const arch = word(1);
        part.system = { line: lineNo };
        if (arch.startsWith(':')) part.system.archPolicy = arch.slice(1);
        else if (arch !== 'unset' && arch !== '-') part.system.arch = arch;
        if (word(2) !== '*') {
          part.system.disttypes = word(2).split(',');
          if (!part.system.disttypes.some((d) => DISTTYPES.includes(d))) unknown(line, `unknown disttype '${word(2)}'`);
        }
        if (n > 3) part.system.installed = word(3);
        break;
      }
      case 'job':
        if (n < 2) fail('job needs an action');
        job(line, toks);
        break;
      case 'vendorclass':
        if (n < 2) fail('vendorclass needs vendors');
        part.vendorclasses.push(toks.slice(1).map((t) => t.text.replace(/\\([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))));
        break;
      case 'namespace': {
        if (n < 2) fail('namespace needs: namespace <name>(<arg>) <pkg>…');
        const m = /^([^(]*)\((.*)\)$/s.exec(word(1));
        if (!m) fail(`bad namespace '${word(1)}'`);
        part.namespaces.push({ name: m?.[1] ?? '', arg: m?.[2] ?? '', pkgs: toks.slice(2).map((t) => t.text), line: lineNo });
        break;
      }
      case 'poolflags':
        part.poolflags.push(...flagSettings(line, toks.slice(1).map((t) => t.text), POOL_FLAGS, 'pool flag'));
        break;
      case 'solverflags':
        if (n < 2) fail('solverflags needs flags');
        part.solverflags ??= [];
        part.solverflags.push(...flagSettings(line, toks.slice(1).map((t) => t.text), Object.keys(SOLVER_FLAG_DEFAULTS), 'solver flag'));
        break;
      case 'result': {
        if (n < 2) fail('result needs: result <flags> [<inline>|<file>]');
        const flags = word(1).split(',').filter((f) => f !== '');
        checkNames(line, flags, RESULT_FLAGS, 'result flag');
        part.result = { flags, line: lineNo };
        if (n > 2) {
          part.result.source = word(2);
          const src = word(2) === '<inline>' ? inline() : external(word(2), 'result').lines;
          part.result.expected = parseResult(src.map((l) => l.text));
        }
        break;
      }
      case 'nextjob':
        part.reuseSolver = n === 2 && word(1) === 'reusesolver';
        part = newPart(part.index + 1, lineNo + 1);
        tc.parts.push(part);
        break;
      case 'disable':
        if (n !== 3) fail('disable needs: disable <pkg|name|provides|oneof|repo|all> <arg>');
        part.disables.push({ select: selection(line, toks, 1, 'disable'), line: lineNo });
        break;
      case 'feature':
        for (const t of toks.slice(1)) {
          part.features.push(t.text);
          if (!tc.features.includes(t.text)) tc.features.push(t.text);
          if (!KNOWN_FEATURES.includes(t.text)) unknown(line, `missing feature '${t.text}'`);
        }
        break;
      case 'genid': {
        if (n < 2) fail('genid needs a command');
        const cmd = word(1);
        const arg = n > 2 ? rejoin(line, toks, 2, n - 1) : '';
        if (!GENID_COMMANDS.includes(cmd)) {
          unknown(line, `unknown genid command '${cmd}'`);
          break;
        }
        const g: TcPart['genids'][number] = { cmd, arg, line: lineNo };
        if (cmd === 'dep') g.dep = dep(arg, 'genid dep');
        part.genids.push(g);
        break;
      }
      case 'autoinst':
        if (n < 3 || word(1) !== 'name') fail('autoinst needs: autoinst name <name>');
        part.autoinst.push(word(2));
        break;
      case 'evrcmp':
        if (n !== 3) fail('evrcmp needs: evrcmp <evr1> <evr2>');
        part.evrcmps.push({ a: word(1), b: word(2), line: lineNo });
        break;
      default:
        unknown(line, `unknown command '${first}'`);
    }
  }
  return tc;
}
