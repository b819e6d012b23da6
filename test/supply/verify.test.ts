// The checks `strata verify` builds on: SBOM package set == installed set; subject digests == files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workDir } from '../support/fixtures.ts';
import {
  checkFileDigest, cyclonedxBom, provenanceStatement, sbomRpmPurls, serializeCycloneDx, serializeSpdx, sha256Hex, spdxDocument,
  SupplyError, verifySbomAgainstPackages, verifySubjects,
} from '../../src/supply/index.ts';
import { CREATED, fixtureArtifact, SKIP_NO_FIXTURES } from './support.ts';

const OPTS = { toolVersion: '0.1.0', created: CREATED };

test('an SBOM must list exactly the installed packages (SPDX and CycloneDX)', { skip: SKIP_NO_FIXTURES }, async () => {
  const artifact = await fixtureArtifact();
  const installed = artifact.packages.map(({ name, epoch, version, release, arch }) => ({ name, epoch, version, release, arch }));
  for (const sbom of [JSON.parse(serializeSpdx(spdxDocument(artifact, OPTS))), JSON.parse(serializeCycloneDx(cyclonedxBom(artifact, OPTS)))]) {
    // Source RPMs (arch=src) are in the SBOM but are not installed packages.
    assert.equal(sbomRpmPurls(sbom).length, installed.length);
    assert.doesNotThrow(() => verifySbomAgainstPackages(sbom, installed));
    // rpm-md style epochs ("0", "2") compare equal to model epochs.
    assert.doesNotThrow(() => verifySbomAgainstPackages(sbom, installed.map((p) => ({ ...p, epoch: String(p.epoch ?? 0) }))));
    const extra = { name: 'sneaky', epoch: undefined, version: '1', release: '1', arch: 'x86_64' };
    assert.throws(() => verifySbomAgainstPackages(sbom, [...installed, extra]), /installed but not listed: sneaky-1-1\.x86_64/);
    assert.throws(
      () => verifySbomAgainstPackages(sbom, installed.filter((p) => p.name !== 'hello')),
      (e: unknown) => e instanceof SupplyError && /listed but not installed: hello-2\.0-1\.x86_64$/.test(e.message) && !e.message.includes('\n'),
    );
    const bumped = installed.map((p) => (p.name === 'foo' ? { ...p, release: '2' } : p));
    assert.throws(() => verifySbomAgainstPackages(sbom, bumped), /listed but not installed: foo-1\.0-1\.noarch; installed but not listed: foo-1\.0-2\.noarch/);
  }
  assert.throws(() => verifySbomAgainstPackages({ hello: 1 }, installed), /neither SPDX/);
});

test('subject digests are re-checked against the files', async () => {
  const dir = workDir('supply-verify');
  mkdirSync(dir, { recursive: true });
  const files = { 'base.tar': 'layer bytes', 'base.spdx.json': '{}' };
  for (const [n, c] of Object.entries(files)) writeFileSync(join(dir, n), c);
  const statement = provenanceStatement({
    subjects: Object.entries(files).map(([name, c]) => ({ name, digest: { sha256: sha256Hex(c) } })),
    externalParameters: {},
    resolvedDependencies: [],
    builder: { id: 'https://example.org/strata' },
  });
  assert.deepEqual(await verifySubjects(statement, (n) => join(dir, n)), ['base.spdx.json', 'base.tar']);
  writeFileSync(join(dir, 'base.tar'), 'layer bytes!');
  await assert.rejects(verifySubjects(statement, (n) => join(dir, n)), /provenance subject base\.tar: sha256 [0-9a-f]{64} does not match the recorded/);
  await assert.rejects(verifySubjects(statement, () => undefined), /file not found/);
  await assert.rejects(checkFileDigest(join(dir, 'absent'), sha256Hex('')), /cannot read .*ENOENT/);
});
