import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Dep, RPMSENSE_EQUAL, RPMSENSE_GREATER, rangesOverlap } from '../../src/rpm/depmatch.ts';
import {
  type RichExpr,
  type RichLeaf,
  type RichTag,
  RichDepError,
  evaluateRich,
  evaluateRichPackages,
  formatRich,
  isRichDependency,
  parseRichDep,
  richLeaves,
  richProviders,
} from '../../src/rpm/richdep.ts';
import { prng } from '../support/prng.ts';
import { hasRpmbuild, noarchSpec, run } from '../support/rpmspec.ts';

const canon = (s: string, tag?: RichTag): string => formatRich(parseRichDep(s, tag ? { tag } : {}));

test('parse and format to rpmbuild canonical text', () => {
  const cases: [string, string][] = [
    ['(a and b)', '(a and b)'],
    ['(a,and   b)', '(a and b)'], // commas count as whitespace
    ['( a  or b or c )', '(a or b or c)'],
    ['(a >= 1.0 and b =< 2 and c == 3 and d => 4:5-6)', '(a >= 1.0 and b <= 2 and c = 3 and d >= 4:5-6)'],
    ['(a>=1)', '(a>=1)'], // no spaces: one name token ">="-less, as rpm reads it
    ['(perl(Foo::Bar) >= 1.0 or python3dist(x) = 2)', '(perl(Foo::Bar) >= 1.0 or python3dist(x) = 2)'],
    ['((a))', '((a))'],
    ['(a)', '(a)'],
    ['(a if b)', '(a if b)'],
    ['(a if b else c)', '(a if b else c)'],
    ['(a unless b else c)', '(a unless b else c)'],
    ['(a if (b else c))', '(a if (b else c))'],
    ['(a with b with c)', '(a with b with c)'],
    ['(a without b)', '(a without b)'],
    ['(a else b)', '(a else b)'], // accepted by rpm, see RichBinary
    ['(and and or)', '(and and or)'], // op words are fine as names in operand position
    ['((pkgA with capB) or (pkgB without capA))', '((pkgA with capB) or (pkgB without capA))'],
    ['((myPkg-langCZ and (font1-langCZ or font2-langCZ)) if langsupportCZ)', '((myPkg-langCZ and (font1-langCZ or font2-langCZ)) if langsupportCZ)'],
  ];
  for (const [input, want] of cases) {
    assert.equal(canon(input), want, input);
    assert.equal(canon(want), want, `idempotent: ${want}`);
  }
});

test('AST shapes', () => {
  assert.deepEqual(parseRichDep('(a >= 1 and (b or c))'), {
    kind: 'and',
    operands: [
      { kind: 'dep', name: 'a', flags: RPMSENSE_GREATER | RPMSENSE_EQUAL, version: '1' },
      { kind: 'or', operands: [{ kind: 'dep', name: 'b', flags: 0 }, { kind: 'dep', name: 'c', flags: 0 }] },
    ],
  });
  assert.deepEqual(parseRichDep('(a unless b else c)'), {
    kind: 'unless',
    then: { kind: 'dep', name: 'a', flags: 0 },
    cond: { kind: 'dep', name: 'b', flags: 0 },
    else: { kind: 'dep', name: 'c', flags: 0 },
  });
  assert.deepEqual(parseRichDep('(a)'), { kind: 'group', expr: { kind: 'dep', name: 'a', flags: 0 } });
  assert.deepEqual(
    richLeaves(parseRichDep('(a if (b with c = 1) else (d or e))')).map((l) => l.name),
    ['a', 'b', 'c', 'd', 'e'],
  );
  assert.equal(isRichDependency('(a or b)'), true);
  assert.equal(isRichDependency('a'), false);
  assert.equal(isRichDependency(' (a)'), false);
  assert.equal(isRichDependency(''), false);
});

// [input, tag, rpm's reason, offset]. Reasons are rpm 4.18's exact wording (lib/rpmds.c).
const ERRORS: [string, RichTag | undefined, string, number][] = [
  ['a and b', undefined, "Rich dependency does not start with '('", 0],
  ['', undefined, "Rich dependency does not start with '('", 0],
  ['()', undefined, 'Empty rich dependency', 1],
  ['( , )', undefined, 'Empty rich dependency', 4],
  ['(a and)', undefined, 'Missing argument to rich dependency op', 6],
  ['(a and ', undefined, 'Name required', 7],
  ['(', undefined, 'Name required', 1],
  ['(a', undefined, 'Unterminated rich dependency: (a', 2],
  ['((a and b)', undefined, 'Unterminated rich dependency: ((a and b)', 10],
  ['(a nand b)', undefined, "Unknown rich dependency op 'nand'", 3],
  ['(a <> 1)', undefined, "Unknown rich dependency op '<>'", 3],
  ['(a >=1)', undefined, "Unknown rich dependency op '>=1'", 3],
  ['(a b)', undefined, "Unknown rich dependency op 'b'", 3],
  ['(a and b or c)', undefined, 'Cannot chain different ops', 9],
  ['(a and b else c)', undefined, 'Cannot chain different ops', 9],
  ['(a if b if c)', undefined, 'Can only chain and/or/with ops', 8],
  ['(a without b without c)', undefined, 'Can only chain and/or/with ops', 13],
  ['(a if b else c else d)', undefined, 'Can only chain and/or/with ops', 15],
  ['(a else b else c)', undefined, 'Can only chain and/or/with ops', 10],
  ['(a >=)', undefined, 'Version required', 5],
  ['(a >= )', undefined, 'Version required', 6],
  ['((a and b) with c)', undefined, 'Illegal ops in with/without', 0],
  ['(a with (b and c))', undefined, 'Illegal ops in with/without', 0],
  ['(((a and b) or c) with d)', undefined, 'Illegal ops in with/without', 0], // sticky through or
  ['((a if b else c) without d)', undefined, 'Illegal ops in with/without', 0],
  ['(a) b', undefined, 'Junk after rich dependency', 3],
  ['(a unless b)', 'requires', "Illegal context for 'unless', please use 'or' instead", 0],
  ['((a unless b) and c)', 'requires', "Illegal context for 'unless', please use 'or' instead", 0],
  ['(x and ((a unless b) if c))', 'recommends', "Illegal context for 'unless', please use 'or' instead", 7],
  ['(a if b else (c unless d))', 'requires', "Illegal context for 'unless', please use 'or' instead", 0],
  ['(a if b)', 'conflicts', "Illegal context for 'if', please use 'and' instead", 0],
  ['((a if b) or c)', 'requires', "Illegal context for 'if', please use 'and' instead", 0],
  ['((a if b) or c)', 'conflicts', "Illegal context for 'if', please use 'and' instead", 0],
  ['(a if (b else c))', 'supplements', "Illegal context for 'if', please use 'and' instead", 0],
];

test('rpm parse errors, with reason and position', () => {
  for (const [input, tag, reason, position] of ERRORS) {
    assert.throws(
      () => parseRichDep(input, tag ? { tag } : {}),
      (e: unknown) => e instanceof RichDepError && e.reason === reason && e.position === position && e.input === input,
      `${input} (${tag ?? 'no tag'}) should fail with ${reason} at ${position}`,
    );
  }
  assert.match(String(catchErr(() => parseRichDep('(a nand b)'))), /Unknown rich dependency op 'nand' \(at offset 3/);
});

function catchErr(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

test('if/unless placement follows the tag context', () => {
  // Accepted where rpm accepts them; each line is [input, tags that accept it, tags that reject it].
  const cases: [string, RichTag[], RichTag[]][] = [
    ['(a if b)', ['requires', 'recommends', 'suggests'], ['conflicts', 'supplements', 'enhances']],
    ['(a unless b)', ['conflicts', 'supplements', 'enhances'], ['requires', 'recommends', 'suggests']],
    ['((a unless b) or c)', ['requires', 'conflicts'], []], // an or-group resets the context
    ['((a if b) and c)', ['requires', 'conflicts'], []], // an and-group resets it too
    ['(a if (b unless c))', ['requires'], ['conflicts']], // conditions are a context of their own
    ['(a unless (b if c))', ['conflicts'], ['requires']],
    ['((a if b) if c)', ['requires'], ['conflicts']],
    ['((a with b) or (c without d))', ['requires', 'conflicts'], []],
  ];
  for (const [input, ok, bad] of cases) {
    assert.doesNotThrow(() => parseRichDep(input), input); // without a tag only structure is checked
    for (const tag of ok) assert.doesNotThrow(() => parseRichDep(input, { tag }), `${input} in ${tag}`);
    for (const tag of bad) assert.throws(() => parseRichDep(input, { tag }), RichDepError, `${input} in ${tag}`);
  }
});

// Exhaustive truth tables over leaves a, b, c (a leaf is true iff its name is in the set).
test('truth tables for every boolean operator', () => {
  type F = (a: boolean, b: boolean, c: boolean) => boolean;
  const tables: [string, F][] = [
    ['(a)', (a) => a],
    ['((a))', (a) => a],
    ['(a and b)', (a, b) => a && b],
    ['(a and b and c)', (a, b, c) => a && b && c],
    ['(a or b)', (a, b) => a || b],
    ['(a or b or c)', (a, b, c) => a || b || c],
    ['(a if b)', (a, b) => !b || a],
    ['(a if b else c)', (a, b, c) => (b ? a : c)],
    ['(a if (b else c))', (a, b, c) => (b ? a : c)], // rpm reads this like the line above
    ['(a if ((b else c)))', (a, b) => !b || a], // ...but not through an extra group
    ['(a unless b)', (a, b) => a && !b], // rpm/libsolv: A and not B
    ['(a unless b else c)', (a, b, c) => (b ? c : a)],
    ['(a unless (b else c))', (a, b, c) => (b ? c : a)],
    ['(a else b)', (a) => a], // rpm's depends.c only looks at the left side
    ['((a or b) and (c or a))', (a, b, c) => (a || b) && (c || a)],
    ['((a and b) or c)', (a, b, c) => (a && b) || c],
    ['((a if b) and c)', (a, b, c) => (!b || a) && c],
  ];
  for (const [input, f] of tables) {
    const expr = parseRichDep(input);
    for (let bits = 0; bits < 8; bits++) {
      const [a, b, c] = [bits & 1, bits & 2, bits & 4].map(Boolean);
      const set = new Set(['a', 'b', 'c'].filter((_, k) => [a, b, c][k]));
      assert.equal(evaluateRich(expr, (d) => set.has(d.name)), f(a, b, c), `${input} with {${[...set]}}`);
    }
  }
});

test('evaluateRich uses the leaf callback with full version info', () => {
  const provided: Dep[] = [{ name: 'a', flags: RPMSENSE_EQUAL, version: '2.0-1' }];
  const expr = parseRichDep('(a >= 2.0 and (a < 3 or b))');
  assert.equal(evaluateRich(expr, (leaf) => provided.some((p) => rangesOverlap(p, leaf))), true);
  const expr2 = parseRichDep('(a > 2.0 or b)');
  assert.equal(evaluateRich(expr2, (leaf) => provided.some((p) => rangesOverlap(p, leaf))), false);
  assert.throws(() => evaluateRich(parseRichDep('(a with b)'), () => true), RichDepError);
});

test('with/without truth tables over two candidate packages', () => {
  // Each leaf is provided by a subset of packages {1, 2}; enumerate all 4x4x4 combinations.
  type F = (a: Set<number>, b: Set<number>, c: Set<number>) => boolean;
  const inter = (x: Set<number>, y: Set<number>) => [...x].filter((p) => y.has(p));
  const tables: [string, F][] = [
    ['(a with b)', (a, b) => inter(a, b).length > 0],
    ['(a with b with c)', (a, b, c) => inter(new Set(inter(a, b)), c).length > 0],
    ['(a without b)', (a, b) => [...a].some((p) => !b.has(p))],
    ['((a or b) with c)', (a, b, c) => [...a, ...b].some((p) => c.has(p))],
    ['((a with b) without c)', (a, b, c) => inter(a, b).some((p) => !c.has(p))],
    ['((a with b) or c)', (a, b, c) => inter(a, b).length > 0 || c.size > 0],
    ['((a without b) and c)', (a, b, c) => [...a].some((p) => !b.has(p)) && c.size > 0],
    ['(a and b)', (a, b) => a.size > 0 && b.size > 0], // different packages may satisfy plain ops
  ];
  const subsets = [[], [1], [2], [1, 2]].map((s) => new Set(s));
  for (const [input, f] of tables) {
    const expr = parseRichDep(input);
    for (const a of subsets) {
      for (const b of subsets) {
        for (const c of subsets) {
          const who = { a, b, c } as Record<string, Set<number>>;
          const got = evaluateRichPackages(expr, (d) => who[d.name] ?? []);
          assert.equal(got, f(a, b, c), `${input} a=${[...a]} b=${[...b]} c=${[...c]}`);
        }
      }
    }
  }
  const providers = richProviders(parseRichDep('((a or b) without c)'), (d) => ({ a: [1], b: [2, 3], c: [3] })[d.name] ?? []);
  assert.deepEqual([...providers].sort(), [1, 2]);
  assert.throws(() => richProviders(parseRichDep('(a and b)'), () => []), RichDepError);
});

// ---- libsolv test/testcases/cplxdeps: the clauses libsolv generates must agree with our meaning ----

const CPLXDEPS = join(import.meta.dirname, '../../../shared/fixtures/libsolv/testcases/cplxdeps');
// The same expressions in rpm syntax (libsolv's testcase syntax uses &, |, <IF>, <ELSE>).
const CPLX_EXPRS: Record<string, string> = {
  'and.t': '(A and B)',
  'or.t': '(A or B)',
  'if.t': '(A if B)',
  'ifelse.t': '(A if B else C)',
  'andor.t': '((A and B) or (C and D))',
  'orand.t': '((A or B) and (C or D))',
};

test('libsolv cplxdeps rule sets agree with evaluateRich', () => {
  for (const [file, rpmExpr] of Object.entries(CPLX_EXPRS)) {
    const text = readFileSync(join(CPLXDEPS, file), 'utf8');
    const provides = new Map<string, string>(); // package -> capability
    const depKind = new Map<string, string>(); // requiring package -> 'Req' | 'Con'
    let current = '';
    for (const line of text.split('\n')) {
      const m = /^#>=(Pkg|Prv|Req|Con): (\S+)/.exec(line);
      if (!m) continue;
      if (m[1] === 'Pkg') current = m[2];
      else if (m[1] === 'Prv') provides.set(current, m[2]);
      else depKind.set(current, m[1]);
    }
    const pkgs = [...provides.keys()];
    const expr = parseRichDep(rpmExpr);
    let jobs = 0;
    for (const part of text.split('\nnextjob\n')) {
      const job = /job install name (\w+)/.exec(part)?.[1];
      if (!job) continue;
      jobs++;
      // Group literals into clauses by rule hash; keep only the clauses generated for the job package.
      const clauses = new Map<string, { pkg: string; neg: boolean }[]>();
      for (const m of part.matchAll(/^#>rule pkg (\w+) +(-?)(\w+)-1-1\.x86_64@available$/gm)) {
        const lits = clauses.get(m[1]) ?? [];
        lits.push({ pkg: m[3], neg: m[2] === '-' });
        clauses.set(m[1], lits);
      }
      const own = [...clauses.values()].filter((c) => c.some((l) => l.neg && l.pkg === job));
      assert.ok(own.length > 0, `${file} ${job}`);
      const isConflict = depKind.get(job) === 'Con';
      for (let bits = 0; bits < 1 << pkgs.length; bits++) {
        const installed = new Set(pkgs.filter((_, k) => bits & (1 << k)));
        installed.add(job);
        const cnf = own.every((c) => c.some((l) => installed.has(l.pkg) !== l.neg));
        const value = evaluateRichPackages(expr, (d) => pkgs.filter((p) => installed.has(p) && provides.get(p) === d.name));
        assert.equal(cnf, isConflict ? !value : value, `${file} job ${job} installed {${[...installed]}}`);
      }
    }
    assert.equal(jobs, 2, file);
  }
});

// ---- differential checks against rpm itself (rpmspec for parsing, rpm -U --test for meaning) ----


const pickFrom = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const RICH_OPS = ['and', 'or', 'if', 'unless', 'else', 'with', 'without'];

const SHAPES = ['and', 'and', 'or', 'or', 'with', 'and3', 'or3', 'with3', 'without', 'if', 'ifelse', 'unless', 'unlesselse', 'single'];

// Random expressions as token lists: a leaf is one token ("name op evr"), so token-level
// mutations never put an operator or '(' where rpmbuild would check a name or an EVR.
function randomTokens(rnd: () => number, names: string[], depth: number): string[] {
  if (depth <= 0 || rnd() < 0.3) {
    const name = pickFrom(rnd, names);
    if (rnd() < 0.5) return [name];
    const op = pickFrom(rnd, ['<', '<=', '=<', '=', '==', '>=', '=>', '>']);
    return [`${name} ${op} ${pickFrom(rnd, ['1', '2', '3', '1:1', '2-1', '0:2'])}`];
  }
  const sub = () => randomTokens(rnd, names, depth - 1);
  const shape = pickFrom(rnd, SHAPES);
  if (shape === 'single') return ['(', ...sub(), ')'];
  if (shape.endsWith('3')) {
    const op = shape.slice(0, -1);
    return ['(', ...sub(), op, ...sub(), op, ...sub(), ')'];
  }
  if (shape.endsWith('else')) return ['(', ...sub(), shape.slice(0, -4), ...sub(), 'else', ...sub(), ')'];
  return ['(', ...sub(), shape, ...sub(), ')'];
}

function mutateTokens(rnd: () => number, tokens: string[]): string[] {
  const out = [...tokens];
  const n = 1 + Math.floor(rnd() * 2);
  for (let k = 0; k < n; k++) {
    const i = 1 + Math.floor(rnd() * (out.length - 1));
    const r = rnd();
    if (r < 0.35) out.splice(i, 1);
    else if (r < 0.7) out.splice(i, 0, pickFrom(rnd, [...RICH_OPS, '(', ')', 'foo', ',', 'x', 'y >= 1']));
    else out[i] = pickFrom(rnd, [...RICH_OPS, 'z']);
  }
  return out;
}

// Join with varied spacing: rpm ignores spaces next to parentheses and treats ',' as a space.
function joinTokens(rnd: () => number, tokens: string[]): string {
  let s = '';
  for (const t of tokens) {
    const tight = s === '' || s.endsWith('(') || t === ')';
    // ', ' right after an op word makes it unknown ("or,"), so keep that rare.
    s += tight && rnd() < 0.7 ? t : `${pickFrom(rnd, [' ', ' ', '  ', ' ,', ' ', ' ', ' ', ', '])}${t}`;
  }
  return s.trim();
}


const skipRpm = hasRpmbuild ? false : 'rpm/rpmbuild are not installed';


const SPEC_TAG = { requires: 'Requires', conflicts: 'Conflicts' } as const;

const execFileP = promisify(execFile);

/** What rpmspec says about `Tag: dep` lines: the canonical texts, or rpm's first error reason. */
async function rpmspecVerdicts(file: string, tag: 'requires' | 'conflicts', deps: string[]): Promise<string[]> {
  writeFileSync(file, noarchSpec('t', 'strata richdep differential', deps.map((d) => `${SPEC_TAG[tag]}: ${d}`)));
  try {
    const { stdout } = await execFileP('rpmspec', ['-q', `--${tag}`, file], { maxBuffer: 64 * 1024 * 1024 });
    return stdout.split('\n').filter((l) => l !== '' && !l.startsWith('rpmlib('));
  } catch (e) {
    const out = String((e as { stderr?: string }).stderr);
    return [`ERROR ${/error: line \d+: (.*)$/m.exec(out)?.[1] ?? out}`];
  }
}

function safeParses(s: string, tag: RichTag): boolean {
  try {
    parseRichDep(s, { tag });
    return true;
  } catch {
    return false;
  }
}

test('differential against rpmspec: parse verdicts, error reasons and canonical text', { skip: skipRpm }, async () => {
  const rnd = prng(0x41c4);
  // Random inputs, balanced between ones we accept for some tag and ones we reject.
  const accepts = (s: string) => (['requires', 'conflicts'] as const).some((tag) => safeParses(s, tag));
  const good = new Set<string>();
  const bad = new Set<string>();
  while (good.size < 90 || bad.size < 60) {
    let tokens = randomTokens(rnd, ['a', 'b', 'c', 'perl(D::E)'], 3);
    if (tokens.length === 1) tokens = ['(', ...tokens, ')'];
    const s = joinTokens(rnd, rnd() < 0.3 ? mutateTokens(rnd, tokens) : tokens);
    if (!s.startsWith('(')) continue;
    if (accepts(s)) {
      if (good.size < 90) good.add(s);
    } else if (bad.size < 60) bad.add(s);
  }
  const inputs = new Set([...ERRORS.map(([s]) => s).filter((s) => s.startsWith('(')), ...good, ...bad]);
  const dir = mkdtempSync(join(tmpdir(), 'strata-richspec-'));
  try {
    const rejected: { tag: 'requires' | 'conflicts'; s: string; reason: string }[] = [];
    let accepted = 0;
    for (const tag of ['requires', 'conflicts'] as const) {
      const goodInputs: string[] = [];
      const goodCanon: string[] = [];
      for (const s of inputs) {
        if (!s.startsWith('(')) continue;
        try {
          goodCanon.push(canon(s, tag));
          goodInputs.push(s);
        } catch (e) {
          const reason = (e as RichDepError).reason;
          // rpmbuild reads whatever follows a rich dep as further deps, so junk is not an error there.
          if (reason !== 'Junk after rich dependency') rejected.push({ tag, s, reason });
        }
      }
      accepted += goodInputs.length;
      // All accepted inputs in one spec; rpm dedupes and sorts, so compare as sets.
      const rpm = await rpmspecVerdicts(join(dir, `${tag}.spec`), tag, goodInputs);
      assert.deepEqual(new Set(rpm), new Set(goodCanon), `${tag}: rpm disagrees on an accepted input`);
    }
    // rpmspec stops at the first error, so each rejected input needs its own run; run a few at once.
    for (let i = 0; i < rejected.length; i += 4) {
      await Promise.all(
        rejected.slice(i, i + 4).map(async ({ tag, s, reason }, k) => {
          const rpm = await rpmspecVerdicts(join(dir, `bad${k}.spec`), tag, [s]);
          // rpm quotes the spec line with trailing whitespace trimmed.
          assert.deepEqual(rpm, [`ERROR ${reason}: ${SPEC_TAG[tag]}: ${s.trimEnd()}`], `${tag}: ${s}`);
        }),
      );
    }
    assert.ok(accepted > 80 && rejected.length > 80, `accepted ${accepted}, rejected ${rejected.length}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('differential against rpm -U --test: rich Requires/Conflicts over three provider packages', { skip: skipRpm }, () => {
  const rnd = prng(0xbeef);
  const PKGS = ['pa', 'pb', 'pc'];
  const provides = new Map<string, Dep[]>(PKGS.map((p) => [p, []]));
  const exprs: { tag: 'requires' | 'conflicts'; expr: RichExpr; text: string }[] = [];
  while (exprs.length < 600) {
    const tag = exprs.length % 2 === 0 ? 'requires' : 'conflicts';
    const k = exprs.length;
    const names = ['a', 'b', 'c', 'd'].map((n) => `e${k}${n}`);
    const text = joinTokens(rnd, randomTokens(rnd, names, 3));
    if (!text.startsWith('(')) continue;
    let expr: RichExpr;
    try {
      expr = parseRichDep(text, { tag });
    } catch {
      continue;
    }
    exprs.push({ tag, expr, text: formatRich(expr) });
    for (const n of names) {
      for (const p of PKGS) {
        if (rnd() < 0.45) {
          const v = pickFrom(rnd, ['', '1', '2', '3', '1:1', '2-1']);
          provides.get(p)!.push(v ? { name: n, flags: RPMSENSE_EQUAL, version: v } : { name: n, flags: 0 });
        }
      }
    }
  }
  const whatProvides = (leaf: RichLeaf): string[] =>
    PKGS.filter((p) => provides.get(p)!.some((d) => rangesOverlap(d, leaf)));

  const dir = mkdtempSync(join(tmpdir(), 'strata-richeval-'));
  try {
    const defs = ['--define', `_topdir ${dir}/top`, '--define', `_rpmdir ${dir}/out`, '--quiet'];
    const provLine = (d: Dep) => (d.flags ? `Provides: ${d.name} = ${d.version}` : `Provides: ${d.name}`);
    for (const p of PKGS) writeFileSync(join(dir, `${p}.spec`), noarchSpec(p, 'strata richdep differential', provides.get(p)!.map(provLine)));
    writeFileSync(join(dir, 'req.spec'), noarchSpec('req', 'strata richdep differential', exprs.map((e) => `${SPEC_TAG[e.tag]}: ${e.text}`)));
    for (const s of [...PKGS, 'req']) {
      const b = run('rpmbuild', ['-bb', ...defs, join(dir, `${s}.spec`)]);
      assert.equal(b.status, 0, b.out);
    }
    mkdirSync(join(dir, 'db'));
    const db = ['--dbpath', join(dir, 'db'), '--nosignature', '--nodigest'];
    const rpms = PKGS.map((p) => join(dir, `out/noarch/${p}-1-1.noarch.rpm`));
    const inst = run('rpm', [...db, '-i', '--justdb', '--nodeps', ...rpms]);
    assert.equal(inst.status, 0, inst.out);
    const check = run('rpm', [...db, '-U', '--test', join(dir, 'out/noarch/req-1-1.noarch.rpm')]);
    const flagged = new Set<string>();
    for (const m of check.out.matchAll(/^\t(.*) (?:is needed by|conflicts with) req-1-1\.noarch$/gm)) flagged.add(m[1]);

    const mismatches: string[] = [];
    let trueCount = 0;
    for (const { tag, expr, text } of exprs) {
      const value = evaluateRichPackages(expr, whatProvides);
      if (value) trueCount++;
      const expectFlag = tag === 'requires' ? !value : value;
      if (flagged.has(text) !== expectFlag) mismatches.push(`${tag}: ${text}: rpm flagged=${flagged.has(text)}`);
    }
    assert.deepEqual(mismatches, []);
    assert.ok(trueCount > 100 && trueCount < 500, `true for ${trueCount} of ${exprs.length}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
