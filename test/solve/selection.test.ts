// libsolv selections (selection_make / selection_match*), `job … selection` lines, `evrcmp` and
// `genid`: libsolv's own testcases for them, plus inline cases whose expected output is what
// Debian's testsolv (libsolv 0.7.23) prints for them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTestcase } from '../../src/solve/run/index.ts';
import { evrcmp, EVRCMP_COMPARE, EVRCMP_MATCH_RELEASE, poolDep2str } from '../../src/solve/run/sel-pool.ts';
import { genidOp } from '../../src/solve/run/genid-stack.ts';
import { parseDep, REL } from '../../src/solve/testcase/index.ts';
import { FIXTURES } from '../support/fixtures.ts';

const ROOT = join(FIXTURES, 'libsolv', 'testcases');
const readFile = (p: string): string => readFileSync(p, 'utf8');

const CASES = [
  'selection/debian.t',
  'selection/selection_canon_rpm.t',
  'selection/selection_filelist.t',
  'selection/selection_matchdeps.t',
  'selection/selection_matchsolvable.t',
  'selection/selection_name.t',
  'selection/selection_provides.t',
  'evrcmp/caret.t',
  'evrcmp/testevr.t',
  'testcase/nested.t',
  'testcase/str2dep.t',
  'suse/susedep.t',
];

for (const rel of CASES) {
  test(`libsolv testcase ${rel}`, () => {
    const p = join(ROOT, rel);
    const results = runTestcase(readFile(p), p, { readFile });
    assert.ok(results.length > 0);
    for (const r of results) {
      assert.equal(r.skipped, undefined, `part ${r.part} skipped: ${r.skipped}`);
      if (r.expected !== undefined) assert.deepEqual(r.lines, r.expected, `part ${r.part}`);
    }
  });
}

const INLINE = "repo system 0 testtags <inline>\n#>=Pkg: A 1 1 i686\n#>=Pkg: pattern:base 1 1 noarch\nrepo available 0 testtags <inline>\n#>=Pkg: A 2 1 noarch\n#>=Prv: libA.so\n#>=Pkg: A 2 2 i686\n#>=Req: BBB > 5\n#>=Req: X <IF> (Y <ELSE> Z)\n#>=Fls: /usr/bin/a\n#>=Pkg: A 1:3 1 i686\n#>=Pkg: A 2 1 src\n#>=Pkg: A 2 2 badarch\n#>=Pkg: Foo 2 1 i686\n#>=Pkg: pattern:base 2 1 noarch\n#>=Pkg: D 1 1 i686\n#>=Pkg: Z 1 1 noarch\nsystem i686 rpm system\ndisable pkg D-1-1.i686@available\njob noop selection a name,nocase\nresult jobs <inline>\nnextjob\njob noop selection A name,installedonly\nresult jobs <inline>\nnextjob\njob noop selection base name,skipkind\nresult jobs <inline>\nnextjob\njob noop selection A-2 canon,withsource\nresult jobs <inline>\nnextjob\njob noop selection D name,withdisabled\nresult jobs <inline>\nnextjob\njob install selection A name\njob noop selection A-2 canon,filter\nresult jobs <inline>\nnextjob\njob install selection A name\njob noop selection A.i686 name,dotarch,subtract\nresult jobs <inline>\nnextjob\njob install selection A* name,glob\njob noop selection Foo name,add\nresult jobs <inline>\nnextjob\njob noop selection /usr/bin/* filelist,glob,flat\nresult jobs <inline>\nnextjob\njob noop selection_matchdeps solvable:requires *if* depstr,glob\nresult jobs <inline>\nnextjob\njob noop selection_matchsolvable solvable:requires Z-1-1.noarch@available flat\nresult jobs <inline>\nnextjob\njob noop selection lib*.so provides,glob\nresult jobs <inline>\n";

const INLINE_EXPECTED: string[][] = [["job noop name A"], ["job noop pkg A-1-1.i686@system [setrepo,noautoset]"], ["job noop name pattern:base"], ["job noop oneof A-2-1.noarch@available A-2-2.i686@available A-2-1.src@available [setev]"], ["job noop pkg D-1-1.i686@available [noautoset]"], ["job noop oneof A-2-1.noarch@available A-2-2.i686@available [setev]"], ["job noop pkg A-2-1.noarch@available [setarch,noautoset]"], ["job noop name A", "job noop name Foo"], ["job noop pkg A-2-2.i686@available [noautoset]"], ["job noop pkg A-2-2.i686@available [noautoset]"], ["job noop pkg A-2-2.i686@available [noautoset]"], ["job noop provides libA.so"]];

test('selection flags, modes and match* variants as testsolv prints them', () => {
  const results = runTestcase(INLINE, 'inline.t');
  assert.equal(results.length, INLINE_EXPECTED.length);
  for (const [i, r] of results.entries()) {
    assert.equal(r.skipped, undefined);
    assert.deepEqual(r.lines, (INLINE_EXPECTED[i] as string[]).slice().sort(), `part ${i + 1}`);
  }
});

test('debian canon selections need the exact evr (dpkg comparison)', () => {
  const text = [
    'repo available 0 testtags <inline>',
    '#>=Pkg: A 1 1 all',
    '#>=Pkg: A 2 1 amd64',
    '#>=Pkg: C 1 1 arm64',
    'system amd64 deb',
    'job noop selection A_2 canon',
    'job noop selection A_2-1 canon',
    'job noop selection A.all name,dotarch',
    'job noop selection C name,withbadarch',
    'result jobs <inline>',
    '',
  ].join('\n');
  const [r] = runTestcase(text, 'deb.t');
  assert.deepEqual(r?.lines, ['job noop name A . all [setarch]', 'job noop name A = 2-1 [setevr]', 'job noop pkg C-1-1.arm64@available [noautoset]']);
});

test('evr comparison modes', () => {
  assert.equal(evrcmp('1.0^git1', '1.0', EVRCMP_COMPARE), 1);
  assert.equal(evrcmp('1.0~rc1', '1.0', EVRCMP_COMPARE), -1);
  assert.equal(evrcmp('0:1-1', '1-1', EVRCMP_COMPARE), 0);
  assert.equal(evrcmp('2', '2-1', EVRCMP_COMPARE), -1);
  assert.equal(evrcmp('2', '2-1', EVRCMP_MATCH_RELEASE), -2);
  assert.equal(evrcmp('2-1', '2', EVRCMP_MATCH_RELEASE), 2);
  assert.equal(evrcmp('2', '2-1', EVRCMP_MATCH_RELEASE, 'deb'), -1);
  assert.equal(evrcmp('1.0~rc1', '1.0', EVRCMP_COMPARE, 'deb'), -1);
  assert.equal(evrcmp('1.0a', '1.0+', EVRCMP_COMPARE, 'deb'), -1);
  assert.equal(evrcmp('1:0.1', '2.0', EVRCMP_COMPARE, 'deb'), 1);
});

test('pool_dep2str and genid op names', () => {
  assert.equal(poolDep2str(parseDep('a & (b | c)'), 'rpm'), '(a and (b or c))');
  assert.equal(poolDep2str(parseDep('a & b & c'), 'rpm'), '(a and b and c)');
  assert.equal(poolDep2str(parseDep('a <IF> (b <ELSE> c)'), 'rpm'), '(a if b else c)');
  assert.equal(poolDep2str(parseDep('BBB > 5'), 'rpm'), 'BBB > 5');
  assert.equal(poolDep2str(parseDep('BBB > 5'), 'deb'), 'BBB >> 5');
  assert.equal(poolDep2str(parseDep('a & b'), 'deb'), 'a & b');
  assert.equal(poolDep2str(parseDep('namespace:foo(bar)'), 'rpm'), 'namespace:foo(bar)');
  assert.equal(genidOp('<='), REL.LT | REL.EQ);
  assert.equal(genidOp('<=>'), REL.LT | REL.EQ | REL.GT);
  assert.equal(genidOp('<'), REL.LT);
  assert.equal(genidOp('compat >='), REL.COMPAT);
  assert.equal(genidOp('?'), undefined);
});
