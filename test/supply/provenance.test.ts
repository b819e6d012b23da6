import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fileDependency, gitCommitDependency, packageDependency, parseProvenance, provenanceStatement, rpmPurl, serializeStatement,
  SLSA_PROVENANCE_TYPE, STRATA_BUILD_TYPE, SupplyError, type ProvenanceInput,
} from '../../src/supply/index.ts';

const SHA = (c: string): string => c.repeat(64);
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

function input(): ProvenanceInput {
  return {
    subjects: [
      { name: 'base-4.0.tar', digest: { sha256: SHA('b') } },
      { name: 'base-4.0.spdx.json', digest: { sha256: SHA('a') } },
    ],
    externalParameters: { project: 'examples/distro', image: 'base', configCommit: COMMIT },
    internalParameters: { sourceDateEpoch: 1767323045 },
    resolvedDependencies: [
      fileDependency('hello-2.0-1.src.rpm', SHA('c')),
      gitCommitDependency('https://example.org/distro.git', COMMIT),
      packageDependency(rpmPurl({ name: 'gcc', epoch: undefined, version: '15.1', release: '1', arch: 'x86_64' }, { vendor: 'azurelinux' }), SHA('d')),
    ],
    builder: { id: 'https://example.org/builders/strata', version: { strata: '0.1.0' } },
    invocationId: 'build-42',
    startedOn: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    finishedOn: new Date(Date.UTC(2026, 0, 2, 3, 9, 0)),
  };
}

test('an in-toto Statement v1 with a SLSA v1 predicate', () => {
  const s = provenanceStatement(input());
  assert.equal(s._type, 'https://in-toto.io/Statement/v1');
  assert.equal(s.predicateType, SLSA_PROVENANCE_TYPE);
  assert.deepEqual(s.subject.map((x) => x.name), ['base-4.0.spdx.json', 'base-4.0.tar']);
  const bd = s.predicate.buildDefinition;
  assert.equal(bd.buildType, STRATA_BUILD_TYPE);
  assert.equal(bd.externalParameters.configCommit, COMMIT);
  assert.deepEqual(bd.resolvedDependencies!.find((d) => d.name === 'config'), {
    uri: `git+https://example.org/distro.git@${COMMIT}`, digest: { gitCommit: COMMIT }, name: 'config',
  });
  assert.ok(bd.resolvedDependencies!.some((d) => d.uri === 'pkg:rpm/azurelinux/gcc@15.1-1?arch=x86_64' && d.digest?.sha256 === SHA('d')));
  assert.deepEqual(s.predicate.runDetails.metadata, { invocationId: 'build-42', startedOn: '2026-01-02T03:04:05Z', finishedOn: '2026-01-02T03:09:00Z' });
  assert.deepEqual(parseProvenance(serializeStatement(s)), s);
});

test('deterministic: same input, same bytes, whatever the order of subjects and dependencies', () => {
  const a = serializeStatement(provenanceStatement(input()));
  const i = input();
  i.subjects.reverse();
  i.resolvedDependencies.reverse();
  assert.equal(serializeStatement(provenanceStatement(i)), a);
});

test('refuses incomplete provenance', () => {
  assert.throws(() => provenanceStatement({ ...input(), subjects: [] }), SupplyError);
  assert.throws(() => provenanceStatement({ ...input(), subjects: [{ name: 'x', digest: { sha256: 'XYZ' } }] }), /not lower-case hex/);
  assert.throws(() => provenanceStatement({ ...input(), resolvedDependencies: [{ name: 'nothing' }] }), /needs a uri or a digest/);
  assert.throws(() => gitCommitDependency('https://x', 'abc'), /full hex object id/);
  assert.throws(() => parseProvenance('{"_type":"https://in-toto.io/Statement/v0.1"}'), /_type/);
});
