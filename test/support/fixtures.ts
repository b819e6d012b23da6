// Paths to the shared fixtures (read-only, never copied) and the package lists tests iterate over.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const FIXTURES = resolve(ROOT, '..', 'shared', 'fixtures');
export const RPM_FIXTURE_DIRS = [
  join(FIXTURES, 'rpm', 'RPMS'),
  join(FIXTURES, 'rpm', 'SRPMS'),
  join(FIXTURES, 'createrepo_c', 'packages'),
];

/** Every fixture package file (including odd names like hello-1.0-1.x86_64.rpm-v3). */
export function fixturePackages(): string[] {
  return RPM_FIXTURE_DIRS.flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.includes('.rpm'))
      .sort()
      .map((f) => join(d, f)),
  );
}

/** Scratch space under test/.work (gitignored), unique per caller. */
export function workDir(name: string): string {
  return join(ROOT, 'test', '.work', `${name}-${process.pid}`);
}
