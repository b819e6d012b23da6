// CycloneDX 1.6 output: valid under @cyclonedx/cyclonedx-library's offline JsonStrictValidator (the
// bundled official 1.6 schema), with the OS/container metadata component, purls, hashes, licences,
// SRPM pedigree and the dependency graph; deterministic serial number and bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { CDX_OS_REF, type CycloneDxBom, cyclonedxBom, serializeCycloneDx } from '../../src/supply/index.ts';
import { CREATED, fixtureArtifact, SKIP_NO_FIXTURES } from './support.ts';

const OPTS = { toolVersion: '0.1.0', created: CREATED };
// As written and read back (the normaliser's objects are not all plain).
const written = (b: CycloneDxBom): CycloneDxBom => JSON.parse(serializeCycloneDx(b)) as CycloneDxBom;
const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);

test('valid against the CycloneDX 1.6 schema (strict validator)', { skip: SKIP_NO_FIXTURES }, async () => {
  const text = serializeCycloneDx(cyclonedxBom(await fixtureArtifact(), OPTS));
  assert.equal(await validator.validate(text), null);
  // The validator can fail.
  const bad = JSON.parse(text);
  bad.components[1].type = 'rpm-package';
  assert.notEqual(await validator.validate(JSON.stringify(bad)), null);
});

test('BOM shape: container root, OS component, rpm components with purl, hash, licence, pedigree, dependencies', { skip: SKIP_NO_FIXTURES }, async () => {
  const artifact = await fixtureArtifact();
  const bom = written(cyclonedxBom(artifact, OPTS));
  assert.equal(bom.specVersion, '1.6');
  assert.equal(bom.metadata!.timestamp, '2026-01-02T03:04:05.000Z');
  assert.equal(bom.metadata!.component!.type, 'container');
  assert.match(bom.serialNumber!, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const os = bom.components!.find((c) => c['bom-ref'] === CDX_OS_REF)!;
  assert.equal(os.type, 'operating-system');
  assert.equal(os.name, 'azurelinux');
  const rpms = bom.components!.filter((c) => c.purl?.startsWith('pkg:rpm/'));
  assert.equal(rpms.length, artifact.packages.length);
  const archer = rpms.find((c) => c.name === 'Archer')!;
  assert.equal(archer.purl, 'pkg:rpm/azurelinux/Archer@3.4.5-6?arch=x86_64&distro=azurelinux-4.0&epoch=2');
  assert.equal(archer['bom-ref'], archer.purl);
  assert.deepEqual(archer.hashes, [{ alg: 'SHA-256', content: artifact.packages.find((p) => p.name === 'Archer')!.sha256 }]);
  assert.deepEqual(archer.licenses, [{ license: { name: 'GPL' } }]);
  const foo = rpms.find((c) => c.name === 'foo')!;
  assert.equal(foo.pedigree!.ancestors[0].purl, 'pkg:rpm/azurelinux/foo@1.0-1?arch=src&distro=azurelinux-4.0');
  assert.match(foo.pedigree!.ancestors[0].hashes![0].content, /^[0-9a-f]{64}$/);
  const deps = new Map(bom.dependencies!.map((d) => [d.ref, d.dependsOn ?? []]));
  assert.deepEqual(deps.get('artifact'), [CDX_OS_REF]);
  assert.equal(deps.get(CDX_OS_REF)!.length, artifact.packages.length);
  const fake = rpms.find((c) => c.name === 'fake_bash')!;
  const kernel = rpms.find((c) => c.name === 'super_kernel')!;
  assert.deepEqual(deps.get(fake['bom-ref']!), [kernel['bom-ref']]);
});

test('an SPDX expression licence stays an expression or id', { skip: SKIP_NO_FIXTURES }, async () => {
  const artifact = await fixtureArtifact();
  const pkgs = artifact.packages.map((p, i) => ({ ...p, license: i === 0 ? 'MIT' : i === 1 ? 'MIT AND LicenseRef-Fedora-Public-Domain' : p.license }));
  const bom = written(cyclonedxBom({ ...artifact, packages: pkgs }, OPTS));
  const first = bom.components!.find((c) => c.name === pkgs[0].name)!;
  const second = bom.components!.find((c) => c.name === pkgs[1].name)!;
  assert.deepEqual(first.licenses, [{ license: { id: 'MIT' } }]);
  assert.deepEqual(second.licenses, [{ expression: 'MIT AND LicenseRef-Fedora-Public-Domain' }]);
  assert.equal(await validator.validate(JSON.stringify(bom)), null);
});

test('deterministic bytes; the serial number follows the content', { skip: SKIP_NO_FIXTURES }, async () => {
  const artifact = await fixtureArtifact();
  const a = serializeCycloneDx(cyclonedxBom(artifact, OPTS));
  const shuffled = { ...artifact, packages: [...artifact.packages].reverse() };
  assert.equal(a, serializeCycloneDx(cyclonedxBom(shuffled, { ...OPTS, created: new Date(CREATED) })));
  const other = cyclonedxBom({ ...artifact, version: 'other' }, OPTS);
  assert.notEqual(other.serialNumber, JSON.parse(a).serialNumber);
});
