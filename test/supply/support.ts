// Shared inputs for the supply tests: an artifact made from real fixture RPMs (createrepo_c's
// dependency-rich packages, rpm's hello/foo/capstest) and the foo source RPM.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../support/fixtures.ts';
import { readRpmInputs, readSourceRpms, type SbomArtifact, sbomPackagesFromRpms } from '../../src/supply/index.ts';

const CR = join(FIXTURES, 'createrepo_c', 'packages');
const RPMS = join(FIXTURES, 'rpm', 'RPMS');
export const FIXTURE_RPMS = [
  join(CR, 'Archer-3.4.5-6.x86_64.rpm'),
  join(CR, 'Rimmer-1.0.2-2.x86_64.rpm'),
  join(CR, 'fake_bash-1.1.1-1.x86_64.rpm'),
  join(CR, 'super_kernel-6.0.1-2.x86_64.rpm'),
  join(CR, 'balicek-utf8-1.1.1-1.x86_64.rpm'),
  join(RPMS, 'hello-2.0-1.x86_64-signed.rpm'),
  join(RPMS, 'foo-1.0-1.noarch.rpm'),
  join(RPMS, 'capstest-1.0-1.noarch.rpm'),
];
export const FIXTURE_SRPMS = [join(FIXTURES, 'rpm', 'SRPMS', 'foo-1.0-1.src.rpm')];

export const haveFixtures = (): boolean => [...FIXTURE_RPMS, ...FIXTURE_SRPMS].every((p) => existsSync(p));
export const SKIP_NO_FIXTURES = haveFixtures() ? false : 'shared fixtures not present';

export const OS = { id: 'azurelinux', versionId: '4.0', name: 'Azure Linux', vendor: 'Microsoft Corporation' };
export const CREATED = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));

let cached: Promise<SbomArtifact> | undefined;

/** The fixture image's SBOM input (read once per test file). */
export function fixtureArtifact(kind = 'container'): Promise<SbomArtifact> {
  cached ??= (async () => ({
    name: 'base',
    version: '4.0.20260102',
    kind,
    os: OS,
    packages: sbomPackagesFromRpms(await readRpmInputs(FIXTURE_RPMS)),
    sources: await readSourceRpms(FIXTURE_SRPMS),
  }))();
  return cached;
}
