// SPDX 2.3 output: valid against the official SPDX 2.3 JSON schema (spdx/spdx-spec tag v2.3,
// draft-07) and the 2.3.1 revision (branch support/2.3.1, draft 2019-09), with ajv and, when
// installed, Python's jsonschema; plus the relationships Strata promises and byte determinism.
// The schemas are read from $STRATA_SPDX_SCHEMA_DIR or ../shared/fixtures/spdx (never vendored here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { FIXTURES, workDir } from '../support/fixtures.ts';
import { serializeSpdx, sha256Hex, spdxDocument, SPDX_ARTIFACT_ID, SPDX_OS_ID, type SpdxDocument } from '../../src/supply/index.ts';
import { CREATED, fixtureArtifact, SKIP_NO_FIXTURES } from './support.ts';

const SCHEMA_DIR = process.env.STRATA_SPDX_SCHEMA_DIR || join(FIXTURES, 'spdx');
const SCHEMA_23 = join(SCHEMA_DIR, 'spdx-schema-2.3.json');
const SCHEMA_231 = join(SCHEMA_DIR, 'spdx-schema-2.3.1.json');
const SKIP_NO_SCHEMA = SKIP_NO_FIXTURES || (existsSync(SCHEMA_23) && existsSync(SCHEMA_231) ? false : `official SPDX schemas not in ${SCHEMA_DIR}`);

const OPTS = { toolVersion: '0.1.0', created: CREATED };

// The official files, by content: spdx/spdx-spec v2.3 (aadf3b0b) and support/2.3.1 (d4dbeb62) schemas/spdx-schema.json.
const OFFICIAL_SHA256: Record<string, string> = {
  [SCHEMA_23]: '239208b7ac287b3cf5d9a9af23f9d69863971102a5e1587a27a398b43490b89b',
  [SCHEMA_231]: 'c4d60cc5ac862c6fa957b4151893208d4d6e7ce7bb008405b9003c927355a985',
};

test('valid against the official SPDX 2.3 and 2.3.1 JSON schemas (ajv)', { skip: SKIP_NO_SCHEMA }, async () => {
  for (const [path, sum] of Object.entries(OFFICIAL_SHA256)) assert.equal(sha256Hex(readFileSync(path)), sum, `${path} is the official schema`);
  const doc = JSON.parse(serializeSpdx(spdxDocument(await fixtureArtifact(), OPTS)));
  const v23 = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(SCHEMA_23, 'utf8')));
  assert.ok(v23(doc), JSON.stringify(v23.errors));
  const v231 = new Ajv2019({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(SCHEMA_231, 'utf8')));
  assert.ok(v231(doc), JSON.stringify(v231.errors));
  // The validators can fail: the 2.3.1 schema requires documentNamespace, and an OS purpose spelt
  // the 2.3.1 prose's way (OPERATING-SYSTEM) is rejected by both.
  const bad = structuredClone(doc) as { documentNamespace?: string };
  delete bad.documentNamespace;
  assert.equal(v231(bad), false);
  const dashed = structuredClone(doc) as { packages: Array<{ primaryPackagePurpose?: string }> };
  dashed.packages[1].primaryPackagePurpose = 'OPERATING-SYSTEM';
  assert.equal(v23(dashed), false);
  assert.equal(v231(dashed), false);
});

const havePythonJsonschema = spawnSync('python3', ['-c', 'import jsonschema'], { stdio: 'ignore' }).status === 0;

test('cross-check with Python jsonschema', { skip: SKIP_NO_SCHEMA || (havePythonJsonschema ? false : 'python3 jsonschema not installed') }, async () => {
  const dir = workDir('supply-spdx');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'doc.spdx.json');
  writeFileSync(file, serializeSpdx(spdxDocument(await fixtureArtifact(), OPTS)));
  const script = [
    'import json, sys, jsonschema',
    'doc = json.load(open(sys.argv[1]))',
    'for p, cls in ((sys.argv[2], jsonschema.Draft7Validator), (sys.argv[3], jsonschema.Draft201909Validator)):',
    '    errs = list(cls(json.load(open(p))).iter_errors(doc))',
    '    if errs: print(p, errs[0].message); sys.exit(1)',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script, file, SCHEMA_23, SCHEMA_231], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

function rel(doc: SpdxDocument, type: string): Array<[string, string]> {
  return doc.relationships.filter((r) => r.relationshipType === type).map((r) => [r.spdxElementId, r.relatedSpdxElement]);
}

test('document shape: artifact, OS, RPMs with purls and checksums, SRPM relations, dependency edges', { skip: SKIP_NO_FIXTURES }, async () => {
  const artifact = await fixtureArtifact();
  const doc = spdxDocument(artifact, OPTS);
  assert.equal(doc.creationInfo.created, '2026-01-02T03:04:05Z');
  assert.deepEqual(doc.creationInfo.creators, ['Tool: strata-0.1.0']);
  assert.match(doc.documentNamespace, /^https:\/\/spdx\.org\/spdxdocs\/base-4\.0\.20260102-[0-9a-f-]{36}$/);
  assert.deepEqual(rel(doc, 'DESCRIBES'), [['SPDXRef-DOCUMENT', SPDX_ARTIFACT_ID]]);
  const os = doc.packages.find((p) => p.SPDXID === SPDX_OS_ID)!;
  assert.equal(os.primaryPackagePurpose, 'OPERATING_SYSTEM');
  const contained = rel(doc, 'CONTAINS').filter(([from]) => from === SPDX_OS_ID).map(([, to]) => to);
  assert.equal(contained.length, artifact.packages.length);

  const byId = new Map(doc.packages.map((p) => [p.SPDXID, p]));
  const archer = doc.packages.find((p) => p.name === 'Archer')!;
  assert.equal(archer.versionInfo, '2:3.4.5-6');
  assert.deepEqual(archer.externalRefs, [
    { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:rpm/azurelinux/Archer@3.4.5-6?arch=x86_64&distro=azurelinux-4.0&epoch=2' },
  ]);
  assert.equal(archer.checksums![0].algorithm, 'SHA256');
  assert.equal(archer.checksums![0].checksumValue, artifact.packages.find((p) => p.name === 'Archer')!.sha256);
  // "GPL" is not an SPDX id: a LicenseRef declared with the tag as its text.
  assert.equal(archer.licenseDeclared, 'LicenseRef-GPL');
  assert.deepEqual(doc.hasExtractedLicensingInfos!.find((l) => l.licenseId === 'LicenseRef-GPL')!.extractedText, 'GPL');
  for (const p of doc.packages) {
    for (const id of (p.licenseDeclared ?? '').match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) {
      assert.ok(doc.hasExtractedLicensingInfos!.some((l) => l.licenseId === id), `${id} declared`);
    }
  }

  // Every binary is GENERATED_FROM its SRPM; foo's SRPM carries the checksum of the real .src.rpm.
  const generated = new Map(rel(doc, 'GENERATED_FROM'));
  assert.equal(generated.size, artifact.packages.length);
  const fooSrpm = byId.get(generated.get(doc.packages.find((p) => p.name === 'foo')!.SPDXID)!)!;
  assert.equal(fooSrpm.packageFileName, 'foo-1.0-1.src.rpm');
  assert.equal(fooSrpm.primaryPackagePurpose, 'SOURCE');
  assert.equal(fooSrpm.externalRefs![0].referenceLocator, 'pkg:rpm/azurelinux/foo@1.0-1?arch=src&distro=azurelinux-4.0');
  assert.match(fooSrpm.checksums![0].checksumValue, /^[0-9a-f]{64}$/);

  const fake = doc.packages.find((p) => p.name === 'fake_bash')!.SPDXID;
  const kernel = doc.packages.find((p) => p.name === 'super_kernel')!.SPDXID;
  assert.deepEqual(rel(doc, 'DEPENDS_ON'), [[fake, kernel]]);
  // SPDX ids are unique idstrings.
  const ids = doc.packages.map((p) => p.SPDXID);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^SPDXRef-[A-Za-z0-9.-]+$/);
});

test('deterministic: same input and time give identical bytes, whatever the package order', { skip: SKIP_NO_FIXTURES }, async () => {
  const artifact = await fixtureArtifact();
  const a = serializeSpdx(spdxDocument(artifact, OPTS));
  assert.equal(a, serializeSpdx(spdxDocument(structuredClone(artifact), { ...OPTS, created: new Date(CREATED) })));
  const shuffled = { ...artifact, packages: [...artifact.packages].reverse().map((p) => ({ ...p, dependsOn: [...p.dependsOn].reverse() })) };
  assert.equal(a, serializeSpdx(spdxDocument(shuffled, OPTS)));
  const later = spdxDocument(artifact, { ...OPTS, created: new Date(CREATED.getTime() + 1000) });
  assert.equal(later.creationInfo.created, '2026-01-02T03:04:06Z');
  assert.notEqual(later.documentNamespace, JSON.parse(a).documentNamespace);
});

test('a package listed twice is refused, not written as a broken document', { skip: SKIP_NO_FIXTURES }, async () => {
  const artifact = await fixtureArtifact();
  assert.throws(() => spdxDocument({ ...artifact, packages: [...artifact.packages, artifact.packages[0]] }, OPTS), /package Archer-2:3\.4\.5-6\.x86_64 listed twice/);
});
