import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  formatDep,
  formatSolvable,
  parseDep,
  parseResult,
  parseTestcase,
  REL,
  relOpName,
  rewriteSuseDep,
  TestcaseError,
  toRichExpr,
  type TcDep,
  type Testcase,
} from '../../src/solve/testcase/index.ts';
import { formatRich } from '../../src/rpm/richdep.ts';
import { FIXTURES } from '../support/fixtures.ts';

const ROOT = join(FIXTURES, 'libsolv', 'testcases');
const readFile = (p: string): string => readFileSync(p, 'utf8');

function corpus(): string[] {
  return readdirSync(ROOT, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.t'))
    .sort()
    .map((f) => join(ROOT, f));
}

function load(rel: string): Testcase {
  const p = join(ROOT, rel);
  return parseTestcase(readFile(p), p, { readFile });
}

const inlineOpts = { readFile: (p: string): string => assert.fail(`unexpected read of ${p}`) };
const parseText = (text: string): Testcase => parseTestcase(text, 'mem.t', inlineOpts);

function bump(m: Map<string, Set<string>>, key: string, file: string): void {
  let s = m.get(key);
  if (!s) m.set(key, (s = new Set()));
  s.add(file);
}

function collectOps(dep: TcDep, into: (op: string) => void): void {
  if (dep.kind !== 'rel') return;
  into(dep.op);
  collectOps(dep.name, into);
  collectOps(dep.evr, into);
}

test('all libsolv testcases parse; census of what they use', (t) => {
  const files = corpus();
  assert.equal(files.length, 113);
  const census = new Map<string, Set<string>>();
  for (const p of files) {
    const name = relative(ROOT, p);
    const tc = parseTestcase(readFile(p), p, { readFile });
    assert.ok(tc.parts.length >= 1);
    for (const line of readFile(p).split('\n')) {
      const cmd = /^\s*([^#\s]\S*)/.exec(line)?.[1];
      if (cmd) bump(census, `command ${cmd}`, name);
    }
    for (const f of tc.features) bump(census, `feature ${f}`, name);
    for (const r of tc.repos) {
      bump(census, `repo format ${r.format}${r.source && r.source !== '<inline>' ? ' (file)' : ''}`, name);
      for (const pkg of r.packages) {
        for (const key of ['requires', 'prerequires', 'conflicts', 'obsoletes', 'recommends', 'suggests', 'supplements', 'enhances', 'provides'] as const) {
          if (pkg[key].length) bump(census, `pkg ${key}`, name);
          for (const e of pkg[key]) collectOps(e.dep, (op) => bump(census, `dep op ${op}`, name));
        }
        if (pkg.vendor !== undefined) bump(census, 'pkg vendor', name);
        if (pkg.files.length) bump(census, 'pkg files', name);
        if (pkg.epoch !== undefined) bump(census, 'pkg epoch', name);
        if (pkg.release === undefined) bump(census, 'pkg no release', name);
        if (pkg.arch === undefined) bump(census, 'pkg no arch', name);
        if (!pkg.selfProvide) bump(census, 'pkg without self-provide (=Ver: 3)', name);
      }
    }
    for (const part of tc.parts) {
      if (part.system) bump(census, `system disttype ${part.system.disttypes?.join(',') ?? '*'}`, name);
      for (const j of part.jobs) {
        bump(census, `job ${j.action} ${j.select.kind}${j.select.kind === 'selection' ? ':' + j.select.mode : ''}`, name);
        for (const f of j.flags) bump(census, `job flag ${f}`, name);
        if (j.select.kind === 'selection') for (const f of j.select.selflags) bump(census, `selection flag ${f}`, name);
      }
      for (const f of part.solverflags ?? []) bump(census, `solverflag ${f.value ? '' : '!'}${f.name}`, name);
      for (const f of part.poolflags) bump(census, `poolflag ${f.value ? '' : '!'}${f.name}`, name);
      for (const d of part.disables) bump(census, `disable ${d.select.kind}`, name);
      for (const g of part.genids) bump(census, `genid ${g.cmd}`, name);
      if (part.reuseSolver) bump(census, 'nextjob reusesolver', name);
      if (part.result) {
        for (const f of part.result.flags) bump(census, `result flag ${f}`, name);
        for (const l of part.result.expected?.lines ?? []) bump(census, `result line ${l.split(' ')[0]}`, name);
        if (!part.result.expected) bump(census, 'result without expected lines', name);
      }
    }
    for (const u of tc.unknown) bump(census, `UNKNOWN ${u.reason}`, name);
    for (const w of tc.warnings) bump(census, `WARNING ${w.message}`, name);
  }
  const rows = [...census].sort(([a], [b]) => a.localeCompare(b));
  const fmt = ([k, s]: [string, Set<string>]): string => `${k}: ${s.size} case(s)${s.size <= 3 ? ` [${[...s].join(', ')}]` : ''}`;
  t.diagnostic(`testcase census over ${files.length} cases:\n${rows.map(fmt).join('\n')}`);
});

test('cplxdeps/ifelse.t: rich deps in testcase syntax', () => {
  const tc = load('cplxdeps/ifelse.t');
  assert.deepEqual(tc.features, ['complex_deps']);
  const repo = tc.repos[0];
  assert.equal(repo?.name, 'available');
  assert.equal(repo?.packages.length, 8);
  const x = repo?.packages.find((p) => p.name === 'X');
  assert.ok(x);
  assert.equal(x.evr, '1-1');
  assert.equal(x.arch, 'x86_64');
  const req = x.requires[0]?.dep;
  assert.ok(req?.kind === 'rel');
  assert.equal(req.flags, REL.COND);
  assert.equal(req.evr.kind === 'rel' && req.evr.op, '<ELSE>');
  assert.equal(formatDep(req), 'A <IF> (B <ELSE> C)');
  const rich = toRichExpr(req);
  assert.ok(rich);
  assert.equal(formatRich(rich), '(A if B else C)');
  // self-provide added (no =Ver: 3.0)
  assert.deepEqual(
    x.provides.map((e) => e.text),
    ['X = 1-1'],
  );
  assert.equal(tc.parts.length, 2);
  assert.deepEqual(tc.parts[0]?.result?.flags, ['rules']);
  assert.equal(tc.parts[1]?.jobs[0]?.text, 'install name Y');
});

test('favor/requires.t: job groups separated by nextjob', () => {
  const tc = load('favor/requires.t');
  const parts = tc.parts;
  assert.ok(parts.length >= 4);
  assert.deepEqual(
    parts[0]?.jobs.map((j) => [j.action, j.select.kind, j.text]),
    [
      ['install', 'name', 'install name A'],
      ['favor', 'name', 'favor name B'],
    ],
  );
  assert.deepEqual(
    parts[2]?.jobs.map((j) => j.text),
    ['install name A', 'favor name C', 'favor name B'],
  );
  assert.deepEqual(parts[1]?.result?.expected?.transaction, [
    { type: 'install', pkg: 'A-1-1.noarch@test' },
    { type: 'install', pkg: 'C-1-1.noarch@test' },
  ]);
  // repos are declared once and persist; the system is set in part 0
  assert.equal(parts[0]?.repos.length, 2);
  assert.equal(parts[1]?.repos.length, 0);
  assert.equal(parts[0]?.system?.arch, undefined);
  assert.equal(parts[0]?.system?.installed, 'system');
});

test('allowuninstall/conflict.t: result transaction,problems', () => {
  const tc = load('allowuninstall/conflict.t');
  const part = tc.parts[0];
  assert.ok(part);
  assert.deepEqual(part.solverflags, [{ name: 'allowuninstall', value: true }]);
  assert.deepEqual(part.disables, [{ select: { kind: 'pkg', pkg: 'a-1-1.noarch@system' }, line: 9 }]);
  assert.deepEqual(part.result?.flags, ['transaction', 'problems']);
  const exp = part.result?.expected;
  assert.ok(exp);
  assert.deepEqual(exp.transaction, []);
  assert.deepEqual(exp.problems, [
    {
      id: 'a658cbaf',
      info: ['package a-1-1.noarch conflicts with b provided by b-1-1.noarch'],
      solutions: [
        { id: '567aa15d', elements: [{ type: 'erase', pkg: 'a-1-1.noarch@system' }] },
        { id: 'e98e1a37', elements: [{ type: 'deljob', job: 'install name b' }] },
      ],
    },
  ]);
  const a = tc.repos[0]?.packages[0];
  assert.ok(a);
  assert.equal(formatSolvable(a, tc.repos[0]?.name), 'a-1-1.noarch@system');
});

test('external repo files are read relative to the .t file', () => {
  const tc = load('evrcmp/testevr.t');
  assert.deepEqual(
    tc.repos.map((r) => [r.name, r.source, r.packages.length > 5]),
    [
      ['system', 'system.repo', true],
      ['c', 'conflicts.repo', true],
    ],
  );
  const p = tc.repos[0]?.packages.find((x) => x.name === 'AEQ11');
  assert.equal(p?.provides[0]?.text, 'B = 1-1');
  assert.equal(p?.line, 5); // line in system.repo
  assert.ok(tc.parts.length > 5);
});

// A small genid stack machine (testcase_read) plus dump_genid, to check the dep parser, the
// formatter and the SUSE rewrites against libsolv's own expected `result genid` lines.
function genidLines(tc: Testcase, partIndex: number): string[] {
  const part = tc.parts[partIndex];
  assert.ok(part);
  const stack: (TcDep | undefined)[] = [];
  for (const g of part.genids) {
    if (g.cmd === 'lit') stack.push({ kind: 'name', name: g.arg });
    else if (g.cmd === 'null') stack.push({ kind: 'null' });
    else if (g.cmd === 'dep') stack.push(g.dep);
    else if (g.cmd === 'susedep') {
      const top = stack.pop();
      stack.push(top && rewriteSuseDep(g.arg, top));
    } else if (g.cmd === 'op') {
      const evr = stack.pop() ?? { kind: 'null' };
      const name = stack.pop() ?? { kind: 'null' };
      const flags = [1, 2, 3, 4, 5, 6, 7, ...Object.values(REL)].find((f) => g.arg.startsWith(relOpName(f))) ?? 0;
      stack.push({ kind: 'rel', flags, op: relOpName(flags), name, evr });
    }
  }
  const out: string[] = [];
  for (const d of stack.reverse()) {
    const dep = d ?? { kind: 'null' };
    const s = formatDep(dep);
    out.push(`genid dep ${s}`);
    let back: string | undefined;
    try {
      back = JSON.stringify(parseDep(s));
    } catch {
      back = undefined;
    }
    if (back !== JSON.stringify(dep)) out.push(`genid roundtrip error: ${back}`);
    let cnt = 1;
    const dump = (x: TcDep): void => {
      if (x.kind === 'rel') {
        dump(x.name);
        dump(x.evr);
        out.push(`genid ${String(cnt++).padStart(2)}: genid op ${x.op}`);
      } else out.push(`genid ${String(cnt++).padStart(2)}: genid ${x.kind === 'null' ? 'null' : `lit ${x.name}`}`);
    };
    dump(dep);
  }
  return out.sort();
}

test('genid cases: deps parse, format and rewrite exactly as libsolv expects', () => {
  let checked = 0;
  for (const rel of ['testcase/str2dep.t', 'testcase/nested.t', 'suse/susedep.t']) {
    const tc = load(rel);
    tc.parts.forEach((part, k) => {
      const exp = part.result?.expected;
      if (!part.result?.flags.includes('genid') || !exp) return;
      assert.deepEqual(genidLines(tc, k), [...exp.lines].sort(), `${rel} part ${k} (line ${part.line})`);
      checked++;
    });
  }
  assert.ok(checked > 30, `checked ${checked}`);
});

test('testtags details: epoch, blocks, prerequires, Ver 3, vendor, files, buildtime', () => {
  const tc = parseText(
    [
      'repo r 99.5 testtags <inline>',
      '#>=Ver: 3.0',
      '#>=Pkg: a 2:1.0 3 x86_64',
      '#>+Req:',
      '#>b >= 1',
      '#>c',
      '#>-Req:',
      '#>=Prq: /bin/sh',
      '#>=Vnd: SUSE',
      '#>=Tim: 1234',
      '#>=Fls: /usr/bin/a',
      '#>=Pkg: src 1 - -',
      'system x86_64 rpm,deb',
      'job install oneof a-2:1.0-3.x86_64@r nothing-else [weak,cleandeps]',
      'job lock all packages',
      'job noop selection_matchdeps solvable:name a = 2 rel,flat [forcebest]',
      'poolflags implicitobsoleteusescolors,!promoteepoch',
      'frobnicate now',
      'result transaction <inline>',
      '#>upgrade a-1-1.noarch@system a-2-1.noarch@r',
      '#>bogus line here',
    ].join('\n') + '\n',
  );
  const repo = tc.repos[0];
  assert.ok(repo);
  assert.equal(repo.priority, 99);
  assert.equal(repo.subpriority, 5);
  const [a, src] = repo.packages;
  assert.ok(a && src);
  assert.equal(a.evr, '2:1.0-3');
  assert.equal(a.epoch, '2');
  assert.equal(a.version, '1.0');
  assert.equal(a.release, '3');
  assert.deepEqual(
    a.requires.map((e) => formatDep(e.dep)),
    ['b >= 1', 'c'],
  );
  assert.deepEqual(a.prerequires[0]?.dep, { kind: 'name', name: '/bin/sh' });
  assert.equal(a.vendor, 'SUSE');
  assert.equal(a.buildtime, 1234);
  assert.deepEqual(a.files, ['/usr/bin/a']);
  assert.deepEqual(a.provides, []);
  assert.equal(a.selfProvide, false);
  assert.equal(src.evr, '1');
  assert.equal(src.release, undefined);
  assert.equal(src.arch, undefined);
  assert.equal(formatSolvable(src, 'my repo'), 'src-1@my_repo');
  const part = tc.parts[0];
  assert.ok(part);
  assert.deepEqual(part.system?.disttypes, ['rpm', 'deb']);
  assert.deepEqual(part.jobs[0]?.select, { kind: 'oneof', pkgs: ['a-2:1.0-3.x86_64@r', 'nothing-else'] });
  assert.deepEqual(part.jobs[0]?.flags, ['weak', 'cleandeps']);
  assert.deepEqual(part.jobs[1]?.select, { kind: 'all' });
  assert.deepEqual(part.jobs[2]?.select, {
    kind: 'selection',
    mode: 'matchdeps',
    keyname: 'solvable:name',
    text: 'a = 2',
    selflags: ['rel', 'flat'],
  });
  assert.deepEqual(part.jobs[2]?.flags, ['forcebest']);
  assert.deepEqual(part.poolflags, [
    { name: 'implicitobsoleteusescolors', value: true },
    { name: 'promoteepoch', value: false },
  ]);
  assert.deepEqual(
    tc.unknown.map((u) => [u.line, u.reason]),
    [[18, "unknown command 'frobnicate'"]],
  );
  const exp = part.result?.expected;
  assert.deepEqual(exp?.transaction, [{ type: 'upgrade', pkg: 'a-1-1.noarch@system', with: 'a-2-1.noarch@r' }]);
  assert.deepEqual(exp?.other, [{ kind: 'bogus', rest: 'line here', text: 'bogus line here' }]);
});

test('parseResult: alternatives, pkg lists, solution elements', () => {
  const r = parseResult([
    'alternative 63535fbb  0 X',
    'alternative 63535fbb  1 + A-1-1.noarch@test',
    'alternative 63535fbb  2   B-1-1.noarch@test',
    'recommended R-1-1.noarch@test',
    'suggested S-1-1.noarch@test',
    'unneeded U-1-1.noarch@system',
    'problem 1234 info nothing provides b',
    'problem 1234 solution 99 replace a-1-1.noarch@system a-2-1.noarch@test',
    'problem 1234 solution 99 allow a-1-1.noarch@system',
    'order    1 install A-1-1.noarch@test',
    '',
  ]);
  assert.deepEqual(r.alternatives, [
    {
      id: '63535fbb',
      text: 'X',
      choices: [
        { index: 1, mark: '+', pkg: 'A-1-1.noarch@test' },
        { index: 2, mark: ' ', pkg: 'B-1-1.noarch@test' },
      ],
    },
  ]);
  assert.deepEqual(r.recommended, ['R-1-1.noarch@test']);
  assert.deepEqual(r.suggested, ['S-1-1.noarch@test']);
  assert.deepEqual(r.unneeded, ['U-1-1.noarch@system']);
  assert.deepEqual(r.problems[0]?.solutions[0]?.elements, [
    { type: 'replace', pkg: 'a-1-1.noarch@system', with: 'a-2-1.noarch@test' },
    { type: 'allow', pkg: 'a-1-1.noarch@system' },
  ]);
  assert.deepEqual(r.order, [{ step: 1, type: 'install', pkg: 'A-1-1.noarch@test' }]);
  assert.equal(r.lines.length, 10);
});

test('dependency syntax: chaining, escapes, namespaces, :any', () => {
  const cases: [string, string][] = [
    ['a & b | c', 'a & (b | c)'],
    ['(a & b) | c', '(a & b) | c'],
    ['a | b | c', 'a | b | c'],
    ['P = 2 <IF> (X & Y)', 'P = 2 <IF> (X & Y)'],
    ['B > 1 + B < 3', 'B > 1 + B < 3'],
    ['foo = 2-1 compat >= 1-1', 'foo = 2-1 compat >= 1-1'],
    ['namespace:language(<NULL>)', 'namespace:language(<NULL>)'],
    ['foo:any', 'foo:any'],
    ['foo\\20bar', 'foo\\20bar'],
    ['krb5-libs(x86-64) = 1.18.2-22.el8_7', 'krb5-libs(x86-64) = 1.18.2-22.el8_7'],
    ['a <17> b', 'a | b'],
  ];
  for (const [input, want] of cases) assert.equal(formatDep(parseDep(input)), want, input);
  assert.deepEqual(parseDep('foo\\20bar'), { kind: 'name', name: 'foo bar' });
  assert.equal(toRichExpr(parseDep('namespace:language(de)')), undefined);
  const rich = toRichExpr(parseDep('(A1 | A2 | A3) <IF> CC1'));
  assert.ok(rich);
  assert.equal(formatRich(rich), '((A1 or A2 or A3) if CC1)');
});

test('malformed input: one-line error naming file:line', () => {
  const bad: [string, RegExp][] = [
    ['repo a\n', /^x\/bad\.t:1: repo needs/],
    ['repo a zero testtags <inline>\n', /^x\/bad\.t:1: repo: bad priority 'zero'/],
    ['# c\njob install\n', /^x\/bad\.t:2: job: bad line 'install'/],
    ['job install frob A\n', /^x\/bad\.t:1: job: bad selection 'frob A'/],
    ['repo r 0 testtags <inline>\n#>=Pkg: a 1 1 noarch\n#>=Req: a & (b\n', /^x\/bad\.t:3: bad dependency in =Req: "a & \(b"/],
    ['repo r 0 testtags <inline>\n#>=Pkg: a 1 1 noarch\n#>+Prv:\n#>b\n', /^x\/bad\.t:3: unterminated \+Prv: block/],
    ['namespace foo\n', /^x\/bad\.t:1: bad namespace 'foo'/],
    ['repo r 0 testtags missing.repo\n', /^x\/bad\.t:1: cannot read repo file 'x\/missing\.repo': nope/],
  ];
  for (const [text, re] of bad) {
    assert.throws(
      () =>
        parseTestcase(text, 'x/bad.t', {
          readFile: () => {
            throw new Error('nope');
          },
        }),
      (e: unknown) => e instanceof TestcaseError && re.test(e.message) && !e.message.includes('\n'),
      text,
    );
  }
});

test('unknown names are recorded, not fatal', () => {
  const tc = parseText(
    'feature linked_packages frobs\nsolverflags nosuchflag\njob explode name a\njob install name a [wobbly]\nresult transaction,zap <inline>\n#>install a-1-1.noarch@r\nrepo x 0 solv x.solv\n'.replace(
      'x.solv',
      '<inline>',
    ),
  );
  assert.deepEqual(
    tc.unknown.map((u) => u.reason),
    [
      "missing feature 'frobs'",
      "unknown solver flag 'nosuchflag'",
      "unknown job action 'explode'",
      "unknown job flag 'wobbly'",
      "unknown result flag 'zap'",
      "repo format 'solv' is not supported",
    ],
  );
});
