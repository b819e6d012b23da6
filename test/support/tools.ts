// External oracle tools (rpm, rpmbuild, …). Locally a missing tool skips a test with the reason;
// in CI (CI=true) it fails, because .ci/run installs them and a silent skip would hide a broken setup.
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

const cache = new Map<string, boolean>();

export function hasTool(name: string): boolean {
  let ok = cache.get(name);
  if (ok === undefined) {
    ok = spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
    cache.set(name, ok);
  }
  return ok;
}

/** Returns false (and skips the test) when a tool is missing outside CI; throws in CI. */
export function needTools(t: TestContext, ...names: string[]): boolean {
  const missing = names.filter((n) => !hasTool(n));
  if (missing.length === 0) return true;
  if (process.env.CI) throw new Error(`required tool(s) missing in CI: ${missing.join(', ')}`);
  t.skip(`needs ${missing.join(', ')} (run .ci/install-deps)`);
  return false;
}
