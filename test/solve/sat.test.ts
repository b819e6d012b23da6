import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SatSolver, formatDimacs, luby, parseDimacs } from '../../src/solve/sat/index.ts';
import { prng, randInt } from '../support/prng.ts';

type Cnf = number[][];

function random3Sat(r: () => number, n: number, m: number): Cnf {
  const cnf: Cnf = [];
  for (let i = 0; i < m; i++) {
    const vs = new Set<number>();
    while (vs.size < 3) vs.add(1 + randInt(r, n));
    cnf.push([...vs].map((v) => (r() < 0.5 ? -v : v)));
  }
  return cnf;
}

function satisfies(cnf: Cnf, value: (v: number) => boolean | undefined): boolean {
  return cnf.every((c) => c.some((l) => value(Math.abs(l)) === l > 0));
}

/** Exhaustive check for small n: clauses as bit masks, every assignment tried. */
function bruteForceSat(cnf: Cnf, n: number): boolean {
  const pos = cnf.map((c) => c.reduce((m, l) => (l > 0 ? m | (1 << (l - 1)) : m), 0));
  const neg = cnf.map((c) => c.reduce((m, l) => (l < 0 ? m | (1 << (-l - 1)) : m), 0));
  outer: for (let a = 0; a < 1 << n; a++) {
    for (let i = 0; i < pos.length; i++) if ((a & pos[i]) === 0 && (~a & neg[i]) === 0) continue outer;
    return true;
  }
  return false;
}

/** Tiny independent reference (DPLL with unit propagation) for instances too big to enumerate. */
function referenceSat(cnf: Cnf): boolean {
  const go = (clauses: Cnf): boolean => {
    clauses = clauses.slice();
    for (;;) {
      if (clauses.length === 0) return true;
      if (clauses.some((c) => c.length === 0)) return false;
      const unit = clauses.find((c) => c.length === 1);
      if (!unit) break;
      clauses = assign(clauses, unit[0]);
    }
    const l = clauses[0][0];
    return go(assign(clauses, l)) || go(assign(clauses, -l));
  };
  const assign = (clauses: Cnf, l: number): Cnf =>
    clauses.filter((c) => !c.includes(l)).map((c) => c.filter((x) => x !== -l));
  return go(cnf);
}

function solverFor(cnf: Cnf, n = 0, proof = false): SatSolver {
  const s = new SatSolver(n, { proof });
  for (const c of cnf) s.addClause(c);
  return s;
}

function pigeonhole(pigeons: number, holes: number): Cnf {
  const x = (p: number, h: number) => p * holes + h + 1;
  const cnf: Cnf = [];
  for (let p = 0; p < pigeons; p++) cnf.push(Array.from({ length: holes }, (_, h) => x(p, h)));
  for (let h = 0; h < holes; h++)
    for (let p = 0; p < pigeons; p++) for (let q = p + 1; q < pigeons; q++) cnf.push([-x(p, h), -x(q, h)]);
  return cnf;
}

test('luby sequence', () => {
  assert.deepEqual(
    Array.from({ length: 15 }, (_, i) => luby(i)),
    [1, 1, 2, 1, 1, 2, 4, 1, 1, 2, 1, 1, 2, 4, 8],
  );
});

test('random 3-SAT at the phase transition agrees with brute force (n ≤ 16)', () => {
  const r = prng(0x5a7);
  let sat = 0;
  let unsat = 0;
  for (let iter = 0; iter < 300; iter++) {
    const n = 6 + randInt(r, 11);
    const cnf = random3Sat(r, n, Math.round(n * 4.26));
    const s = solverFor(cnf, n);
    const expected = bruteForceSat(cnf, n);
    const got = s.solve();
    assert.equal(got === 'SAT', expected, `iter ${iter}: ${formatDimacs({ numVars: n, clauses: cnf })}`);
    if (got === 'SAT') {
      sat++;
      assert.ok(satisfies(cnf, (v) => s.value(v)), `iter ${iter}: model does not satisfy`);
      assert.equal(s.model()?.length, n + 1);
    } else unsat++;
  }
  assert.ok(sat > 50 && unsat > 50, `both outcomes exercised (sat ${sat}, unsat ${unsat})`);
});

test('random 3-SAT with 20-40 variables agrees with a reference DPLL', () => {
  const r = prng(0xd1ce);
  const seen = { SAT: 0, UNSAT: 0 };
  for (let iter = 0; iter < 120; iter++) {
    const n = 20 + randInt(r, 21);
    const cnf = random3Sat(r, n, Math.round(n * 4.26));
    const s = solverFor(cnf, n);
    const got = s.solve();
    assert.equal(got === 'SAT', referenceSat(cnf), `iter ${iter}`);
    if (got === 'SAT') assert.ok(satisfies(cnf, (v) => s.value(v)));
    seen[got]++;
  }
  assert.ok(seen.SAT > 20 && seen.UNSAT > 20, JSON.stringify(seen));
});

test('UNSAT cores: conflictClauses() name an unsatisfiable subset', () => {
  const r = prng(77);
  let checked = 0;
  for (let iter = 0; iter < 200; iter++) {
    const n = 8 + randInt(r, 9);
    const cnf = random3Sat(r, n, Math.round(n * 4.6));
    const s = solverFor(cnf, n, true);
    if (s.solve() === 'SAT') {
      assert.equal(s.conflictClauses(), undefined);
      continue;
    }
    const core = s.conflictClauses();
    assert.ok(core && core.length > 0 && core.length <= cnf.length);
    assert.deepEqual(core, [...new Set(core)].sort((a, b) => a - b), 'sorted, no duplicates');
    assert.equal(bruteForceSat(core.map((i) => cnf[i]), n), false, `iter ${iter}: core is satisfiable`);
    checked++;
  }
  assert.ok(checked > 50, `${checked} cores checked`);
});

test('incremental fuzz: mixed clause lengths, batches, assumptions, random policies, cores', () => {
  const r = prng(0xbeef);
  let unsatChecks = 0;
  for (let iter = 0; iter < 300; iter++) {
    const n = 3 + randInt(r, 10);
    const s = new SatSolver(0, { proof: true, restarts: r() < 0.5, phaseSaving: r() < 0.5 });
    const cnf: Cnf = [];
    for (let batch = 0; batch < 5; batch++) {
      for (let k = randInt(r, 2 * n); k > 0; k--) {
        const c = Array.from({ length: randInt(r, 5) }, () => (1 + randInt(r, n)) * (r() < 0.5 ? -1 : 1));
        if (c.length === 0 && r() < 0.9) continue; // empty clauses are rare
        assert.equal(s.addClause(c), cnf.length);
        cnf.push(c);
      }
      const assumptions = Array.from({ length: randInt(r, 4) }, () => (1 + randInt(r, n)) * (r() < 0.5 ? -1 : 1));
      // A random policy: any unassigned literal, sometimes deferring to the heuristic.
      const decide = (sv: SatSolver) => {
        if (r() < 0.3) return 0;
        const free: number[] = [];
        for (let v = 1; v <= sv.numVars(); v++) if (sv.litValue(v) === 0) free.push(r() < 0.5 ? v : -v);
        return free.length > 0 ? free[randInt(r, free.length)] : 0;
      };
      const got = s.solve({ assumptions, decide: r() < 0.5 ? decide : undefined });
      const all = [...cnf, ...assumptions.map((a) => [a])];
      const where = `iter ${iter} batch ${batch}`;
      assert.equal(got === 'SAT', bruteForceSat(all, n), where);
      if (got === 'SAT') {
        assert.ok(satisfies(all, (v) => s.value(v)), where);
        continue;
      }
      const failed = s.failedAssumptions();
      for (const f of failed) assert.ok(assumptions.includes(f), where);
      const core = (s.conflictClauses() ?? []).map((i) => cnf[i]);
      assert.equal(bruteForceSat([...core, ...failed.map((a) => [a])], n), false, `${where}: core`);
      unsatChecks++;
    }
  }
  assert.ok(unsatChecks > 100, `${unsatChecks} UNSAT answers checked`);
});

test('cores stay valid across learned-clause deletion and minimisation', () => {
  const r = prng(31337);
  let reductions = 0;
  let checked = 0;
  for (let iter = 0; checked < 3 && iter < 20; iter++) {
    const n = 200; // density 4.5: UNSAT instances here take thousands of conflicts
    const cnf = random3Sat(r, n, n * 4.5);
    const s = solverFor(cnf, n, true);
    if (s.solve() === 'SAT') continue;
    checked++;
    reductions += s.stats.reductions;
    const core = s.conflictClauses() ?? [];
    assert.ok(core.length > 0 && core.length < cnf.length);
    // Independent check of the core: a fresh solver without proof must find it UNSAT too.
    assert.equal(solverFor(core.map((i) => cnf[i]), n).solve(), 'UNSAT', `iter ${iter}`);
  }
  assert.equal(checked, 3);
  assert.ok(reductions > 0, 'learned-clause deletion happened while recording the proof');
});

test('pigeonhole PHP(6,5) is UNSAT and its core is every clause (it is minimally UNSAT)', () => {
  const cnf = pigeonhole(6, 5);
  const s = solverFor(cnf, 30, true);
  assert.equal(s.solve(), 'UNSAT');
  assert.ok(s.stats.conflicts > 0);
  assert.deepEqual(s.conflictClauses(), cnf.map((_, i) => i));
  assert.deepEqual(s.failedAssumptions(), []);
  // Solving again keeps answering UNSAT (the root conflict is remembered).
  assert.equal(s.solve(), 'UNSAT');
  assert.equal(s.conflictClauses()?.length, cnf.length);

  const t = solverFor(pigeonhole(5, 5), 25);
  assert.equal(t.solve(), 'SAT');
  assert.ok(satisfies(pigeonhole(5, 5), (v) => t.value(v)));
});

test('trivial formulas: empty, empty clause, units, duplicates, tautologies', () => {
  const s = new SatSolver();
  assert.equal(s.solve(), 'SAT');
  assert.equal(s.model()?.length, 1);

  const e = new SatSolver(2, { proof: true });
  e.addClause([1, 2]);
  e.addClause([]);
  assert.equal(e.solve(), 'UNSAT');
  assert.deepEqual(e.conflictClauses(), [1]);

  const u = new SatSolver(0, { proof: true });
  u.addClause([1, 1, -2, 1]); // duplicates
  u.addClause([3, -3]); // tautology: never part of a core
  u.addClause([2]);
  assert.equal(u.solve(), 'SAT');
  assert.equal(u.value(1), true);
  assert.equal(u.value(2), true);
  assert.equal(u.value(3), false); // default polarity: false
  assert.equal(u.value(4), undefined);
  u.addClause([-1]);
  assert.equal(u.solve(), 'UNSAT');
  assert.deepEqual(u.conflictClauses(), [0, 2, 3]);
  assert.throws(() => u.addClause([0]), /invalid literal/);
  assert.throws(() => u.addClause([1.5]), /invalid literal/);
});

test('incremental: add clauses between solves, assumptions and failed assumptions', () => {
  const s = new SatSolver(3, { proof: true });
  const c0 = s.addClause([1, 2]);
  const c1 = s.addClause([-1, 3]);
  assert.deepEqual([c0, c1], [0, 1]);
  assert.equal(s.solve(), 'SAT');
  assert.equal(s.solve({ assumptions: [-2] }), 'SAT');
  assert.deepEqual([s.value(1), s.value(2), s.value(3)], [true, false, true]);
  assert.equal(s.solve({ assumptions: [-2, -3] }), 'UNSAT');
  assert.deepEqual(new Set(s.failedAssumptions()), new Set([-2, -3]));
  assert.deepEqual(s.conflictClauses(), [0, 1]);
  assert.equal(s.isOk(), true, 'assumption failure does not poison the solver');
  // Irrelevant assumptions are not blamed.
  s.addClause([4, 5]);
  assert.equal(s.solve({ assumptions: [-4, -2, 6, -3] }), 'UNSAT');
  assert.deepEqual(new Set(s.failedAssumptions()), new Set([-2, -3]));
  // Contradictory assumptions.
  assert.equal(s.solve({ assumptions: [6, 2, -6] }), 'UNSAT');
  assert.deepEqual(new Set(s.failedAssumptions()), new Set([6, -6]));
  assert.deepEqual(s.conflictClauses(), []);
  // Adding a clause can make the formula UNSAT for good.
  s.addClause([-3]);
  assert.equal(s.solve(), 'SAT');
  assert.equal(s.value(1), false);
  s.addClause([-2]);
  assert.equal(s.solve(), 'UNSAT');
  assert.deepEqual(s.failedAssumptions(), []);
  assert.deepEqual(s.conflictClauses(), [0, 1, 3, 4]);
  assert.equal(s.isOk(), false);
});

test('random assumptions: SAT iff the reference says so; failed assumptions are a sufficient subset', () => {
  const r = prng(4242);
  let failures = 0;
  for (let iter = 0; iter < 150; iter++) {
    const n = 10 + randInt(r, 7);
    const cnf = random3Sat(r, n, Math.round(n * 3.5));
    const s = solverFor(cnf, n, true);
    for (let round = 0; round < 4; round++) {
      const assumptions = Array.from({ length: 1 + randInt(r, 6) }, () => (1 + randInt(r, n)) * (r() < 0.5 ? -1 : 1));
      const units = assumptions.map((a) => [a]);
      const got = s.solve({ assumptions });
      assert.equal(got === 'SAT', bruteForceSat([...cnf, ...units], n), `iter ${iter}/${round}`);
      if (got === 'SAT') {
        assert.ok(satisfies([...cnf, ...units], (v) => s.value(v)));
        continue;
      }
      failures++;
      const failed = s.failedAssumptions();
      for (const f of failed) assert.ok(assumptions.includes(f), `${f} is not an assumption`);
      assert.equal(bruteForceSat([...cnf, ...failed.map((a) => [a])], n), false, 'failed set is sufficient');
      const core = (s.conflictClauses() ?? []).map((i) => cnf[i]);
      assert.equal(bruteForceSat([...core, ...failed.map((a) => [a])], n), false, 'core + failed is UNSAT');
    }
    // Assumptions never stick: the formula alone is solved again afterwards.
    assert.equal(s.solve() === 'SAT', bruteForceSat(cnf, n));
  }
  assert.ok(failures > 50, `${failures} failing assumption sets checked`);
});

test('custom decide order is honoured', () => {
  // No constraints: the model is exactly the policy's choices, in the order asked.
  const choices = [-3, 1, 5, -2, 4, -6];
  const s = new SatSolver(6);
  const asked: number[] = [];
  assert.equal(
    s.solve({
      decide: (sv) => {
        const next = choices.find((l) => sv.litValue(l) === 0) ?? 0;
        asked.push(next);
        return next;
      },
    }),
    'SAT',
  );
  assert.deepEqual(asked, choices);
  assert.deepEqual([...(s.model() ?? [])].slice(1), [1, -1, -1, 1, 1, -1]);
  assert.equal(s.stats.decisions, 6);

  // With constraints, decisions propagate; the policy sees the partial assignment.
  const t = new SatSolver(3);
  t.addClause([1, 2]); // "a requires b or c"-like disjunction
  t.addClause([-2, 3]);
  const calls: number[] = [];
  t.solve({
    decide: (sv) => {
      calls.push(sv.decisionLevel());
      return sv.litValue(1) === 0 ? -1 : 0; // say "not 1"; then fall back to the heuristic
    },
  });
  assert.deepEqual([t.value(1), t.value(2), t.value(3)], [false, true, true]);
  assert.deepEqual(calls, [0]); // -1 forced 2 and 3: nothing left to decide

  // A policy returning an assigned literal is a bug in the caller.
  const u = new SatSolver(2);
  u.addClause([1]);
  assert.throws(() => u.solve({ decide: () => -1 }), /not an unassigned literal/);
  assert.equal(u.solve(), 'SAT', 'solver still usable after a throwing policy');
});

test('default polarity is false; setPolarity and bumpActivity steer the fallback heuristic', () => {
  const s = new SatSolver(4);
  s.addClause([1, 2, 3, 4]);
  assert.equal(s.solve(), 'SAT');
  // Variables are decided in index order (ties), false first: 1,2,3 false forces 4.
  assert.deepEqual([...(s.model() ?? [])].slice(1), [-1, -1, -1, 1]);
  s.setPolarity(2, true);
  assert.equal(s.solve(), 'SAT');
  assert.deepEqual([...(s.model() ?? [])].slice(1), [-1, 1, -1, -1]);
  const t = new SatSolver(4);
  t.addClause([1, 2, 3, 4]);
  t.bumpActivity(3, 10); // decided first, false; then 1, 2 false; 4 forced
  t.setPolarity(4, true);
  t.bumpActivity(4, 20); // decided before everything: true
  assert.equal(t.solve(), 'SAT');
  assert.deepEqual([...(t.model() ?? [])].slice(1), [-1, -1, -1, 1]);
});

test('decide + assumptions + restarts off: assumptions are decided first', () => {
  const s = new SatSolver(4, { restarts: false });
  s.addClause([-1, 2]);
  const levels: number[] = [];
  assert.equal(
    s.solve({
      assumptions: [1],
      decide: (sv) => {
        levels.push(sv.decisionLevel());
        assert.equal(sv.litValue(2), 1, 'assumption 1 already propagated');
        return 0;
      },
    }),
    'SAT',
  );
  assert.equal(levels[0], 1);
});

test('a harder random instance exercises restarts and learned-clause deletion', () => {
  const r = prng(9);
  const n = 200;
  const cnf = random3Sat(r, n, Math.round(n * 4.2));
  const s = solverFor(cnf, n);
  const got = s.solve();
  if (got === 'SAT') assert.ok(satisfies(cnf, (v) => s.value(v)));
  assert.ok(s.stats.restarts > 0, JSON.stringify(s.stats));
  assert.ok(s.stats.reductions > 0 && s.stats.deleted > 0, JSON.stringify(s.stats));
});

test('large planted instance (5,000 vars, 20,000 clauses) is solved', () => {
  // 70% 3-clauses, 30% 4-clauses, each kept only if the planted assignment satisfies it. Pure
  // 3-SAT at this density (4.0) is beyond any CDCL solver at n = 5,000; this mix is non-trivial
  // (hundreds of conflicts, restarts) yet solved in well under a second with phase saving.
  const r = prng(2024);
  const n = 5000;
  const planted = Array.from({ length: n + 1 }, () => r() < 0.5);
  const cnf: Cnf = [];
  while (cnf.length < 20000) {
    const vs = new Set<number>();
    const len = r() < 0.7 ? 3 : 4;
    while (vs.size < len) vs.add(1 + randInt(r, n));
    const c = [...vs].map((v) => (r() < 0.5 ? -v : v));
    if (c.some((l) => planted[Math.abs(l)] === l > 0)) cnf.push(c);
  }
  const s = new SatSolver(n, { phaseSaving: true });
  for (const c of cnf) s.addClause(c);
  assert.equal(s.solve(), 'SAT');
  assert.ok(satisfies(cnf, (v) => s.value(v)));
  assert.ok(s.stats.conflicts > 100, JSON.stringify(s.stats));
});

test('DIMACS round trip', () => {
  const text = 'c comment\np cnf 3 2\n1 -2 0\n2 3\n-1 0\n';
  const cnf = parseDimacs(text);
  assert.deepEqual(cnf, { numVars: 3, clauses: [[1, -2], [2, 3, -1]] });
  assert.deepEqual(parseDimacs(formatDimacs(cnf)), cnf);
  assert.throws(() => parseDimacs('p dnf 1 1\n'), /bad DIMACS header/);
});
