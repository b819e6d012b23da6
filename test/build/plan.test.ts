// Build order from BuildRequires with the solver, without rpm tools: spec facts are given as
// rpmspec would report them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BuildError, findCycle, planBuild, waveLevels, type PlanInput } from '../../src/build/index.ts';

function facts(name: string, buildRequires: string[], packages: Array<{ name: string; provides?: string[]; requires?: string[]; version?: string }>): PlanInput {
  return {
    name,
    facts: {
      nevr: `${name}-1-1`,
      buildRequires,
      packages: packages.map((p) => ({
        name: p.name,
        epoch: '0',
        version: p.version ?? '1.0',
        release: '1',
        arch: 'x86_64',
        // rpmspec lists the package's own name = EVR among its provides.
        provides: [`${p.name} = ${p.version ?? '1.0'}-1`, ...(p.provides ?? [])],
        requires: p.requires ?? [],
      })),
    },
  };
}

const ARCH = { arch: 'x86_64' };

test('dependencies follow BuildRequires through the runtime requires of the packages they pull in', () => {
  const plan = planBuild(
    [
      facts('app', ['gcc', 'make', 'libfoo-devel >= 1.0'], [{ name: 'app', requires: ['libc.so.6()(64bit)'] }]),
      facts('foo', ['gcc'], [{ name: 'libfoo' }, { name: 'libfoo-devel', requires: ['libfoo = 1.0-1', 'zlib-devel'] }]),
      facts('zlib', [], [{ name: 'zlib' }, { name: 'zlib-devel', requires: ['zlib = 1.0-1'] }]),
      facts('docs', ['/bin/sh'], [{ name: 'docs' }]),
    ],
    ARCH,
  );
  const get = (n: string) => plan.components.get(n)!;
  assert.deepEqual(get('app').dependsOn, ['foo', 'zlib']);
  assert.deepEqual(get('foo').dependsOn, []); // gcc is a host tool
  assert.deepEqual(get('docs').dependsOn, []); // a path the host has
  assert.equal(get('app').missing, undefined);
  assert.deepEqual(plan.waves, [['docs', 'foo', 'zlib'], ['app']]);
});

test('a BuildRequires nobody satisfies, or satisfies only in another version, is reported as missing', () => {
  const plan = planBuild(
    [
      facts('app', ['libfoo-devel >= 2.0'], [{ name: 'app' }]),
      facts('foo', [], [{ name: 'libfoo-devel', version: '1.0' }]),
      facts('tool', ['no-such-thing', 'make'], [{ name: 'tool' }]),
    ],
    ARCH,
  );
  assert.equal(plan.components.get('app')!.missing, 'nothing provides requested libfoo-devel >= 2.0');
  assert.equal(plan.components.get('tool')!.missing, 'nothing provides requested no-such-thing');
  assert.equal(plan.components.get('foo')!.missing, undefined);
});

test('hostProvides extends the host allow-list', () => {
  const inputs = [facts('app', ['cmake'], [{ name: 'app' }])];
  assert.match(planBuild(inputs, ARCH).components.get('app')!.missing ?? '', /cmake/);
  assert.equal(planBuild(inputs, { ...ARCH, hostProvides: ['cmake'] }).components.get('app')!.missing, undefined);
});

test('a component does not satisfy its own BuildRequires', () => {
  const plan = planBuild([facts('self', ['self-devel'], [{ name: 'self' }, { name: 'self-devel' }])], ARCH);
  assert.equal(plan.components.get('self')!.missing, 'nothing provides requested self-devel');
});

test('a cycle is a BuildError naming its members in order', () => {
  assert.throws(
    () =>
      planBuild(
        [
          facts('a', ['b-devel'], [{ name: 'a-devel' }]),
          facts('b', ['c-devel'], [{ name: 'b-devel' }]),
          facts('c', ['a-devel'], [{ name: 'c-devel' }]),
          facts('d', ['a-devel'], [{ name: 'd' }]),
        ],
        ARCH,
      ),
    (e: unknown) => e instanceof BuildError && /^build dependency cycle: a → b → c → a /.test(e.message),
  );
  assert.deepEqual(findCycle(new Map([['x', ['y']], ['y', []]])), undefined);
  assert.deepEqual(findCycle(new Map([['x', ['y']], ['y', ['z']], ['z', ['y']]])), ['y', 'z', 'y']);
});

test('waves are topological levels', () => {
  const levels = waveLevels(new Map([['a', []], ['b', ['a']], ['c', ['a', 'b']], ['d', []]]));
  assert.deepEqual(Object.fromEntries(levels), { a: 1, b: 2, c: 3, d: 1 });
});
