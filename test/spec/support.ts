// Helpers for the spec edit tests: run one edit on a spec text and compare the printed result.
import assert from 'node:assert/strict';
import { SpecEditError, parseSpec, printSpec, type Spec } from '../../src/spec/index.ts';

export interface EditCase {
  name: string;
  input: string;
  /** The printed spec after the edit, or an Error to expect (with `contains` in its message). */
  expected: string | { fails: string };
}

export function edited(input: string, edit: (spec: Spec) => void): string {
  const spec = parseSpec(input);
  edit(spec);
  const out = printSpec(spec);
  // An edited spec must still be a consistent model: re-parsing its print gives the same structure.
  assert.deepEqual(parseSpec(out).structure, spec.structure);
  return out;
}

export function check(c: EditCase, edit: (spec: Spec) => void): void {
  if (typeof c.expected === 'string') {
    assert.equal(edited(c.input, edit), c.expected);
    return;
  }
  const spec = parseSpec(c.input);
  const fails = c.expected.fails;
  assert.throws(
    () => edit(spec),
    (e: unknown) => e instanceof SpecEditError && e.message.includes(fails) && !e.message.includes('\n'),
  );
}
