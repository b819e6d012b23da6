// DSSE envelopes signed with Ed25519 + ML-DSA-65: PAE as the protocol defines it, round trip, any
// flipped byte rejected, wrong or partial keys rejected, and the on-disk key files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workDir } from '../support/fixtures.ts';
import {
  decodePublicKey, encodePublicKey, generateSupplyKey, keyIds, pae, publicKeyOf, readSupplyPublicKey, readSupplySigningKey,
  serializeEnvelope, signEnvelope, signProvenance, supplyKeyPaths, SupplyError, verifyEnvelope, verifyProvenanceEnvelope, writeSupplyKey,
  provenanceStatement,
} from '../../src/supply/index.ts';

const key = generateSupplyKey();
const trusted = publicKeyOf(key);
const statement = provenanceStatement({
  subjects: [{ name: 'base.tar', digest: { sha256: 'ab'.repeat(32) } }],
  externalParameters: { image: 'base' },
  resolvedDependencies: [{ uri: 'pkg:rpm/azurelinux/bash@5.2-1?arch=x86_64', digest: { sha256: 'cd'.repeat(32) } }],
  builder: { id: 'https://example.org/strata' },
});

test('PAE matches the DSSE protocol example', () => {
  assert.equal(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString(), 'DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  // Lengths are byte lengths.
  assert.equal(pae('t', Buffer.from('é')).toString('latin1'), 'DSSEv1 1 t 2 \xc3\xa9');
});

test('sign and verify: two signatures (Ed25519, ML-DSA-65) under SPKI-SHA-256 key ids', () => {
  const env = signProvenance(statement, key);
  assert.equal(env.payloadType, 'application/vnd.in-toto+json');
  const ids = keyIds(trusted);
  assert.deepEqual(env.signatures.map((s) => s.keyid), [ids.ed25519, ids['ml-dsa-65']]);
  assert.equal(Buffer.from(env.signatures[0].sig, 'base64').length, 64);
  assert.equal(Buffer.from(env.signatures[1].sig, 'base64').length, 3309);
  const text = serializeEnvelope(env);
  assert.deepEqual(verifyProvenanceEnvelope(text, trusted), statement);
  assert.deepEqual(verifyEnvelope(Buffer.from(text), trusted).keyids, ids);
});

test('one flipped byte anywhere in the envelope fails verification', () => {
  const bytes = Buffer.from(serializeEnvelope(signEnvelope('{"_type":"x"}', key)));
  let rejected = 0;
  for (let i = 0; i < bytes.length; i++) {
    const bad = Buffer.from(bytes);
    bad[i] ^= 0x01;
    assert.throws(() => verifyEnvelope(bad, trusted), SupplyError, `byte ${i} (${String.fromCharCode(bytes[i])})`);
    rejected++;
  }
  assert.equal(rejected, bytes.length);
  assert.doesNotThrow(() => verifyEnvelope(bytes, trusted));
});

test('wrong keys, a missing signature or a swapped payload fail', () => {
  const env = signEnvelope('payload', key);
  const other = publicKeyOf(generateSupplyKey());
  assert.throws(() => verifyEnvelope(serializeEnvelope(env), other), /no ed25519 signature by trusted key/);
  // Hybrid: trusting our Ed25519 but someone else's ML-DSA key fails, and so does dropping either signature.
  assert.throws(() => verifyEnvelope(serializeEnvelope(env), { ed25519: trusted.ed25519, 'ml-dsa-65': other['ml-dsa-65'] }), /no ml-dsa-65 signature/);
  assert.throws(() => verifyEnvelope(serializeEnvelope({ ...env, signatures: [env.signatures[0]] }), trusted), /no ml-dsa-65 signature/);
  assert.throws(() => verifyEnvelope(serializeEnvelope({ ...env, signatures: [env.signatures[1]] }), trusted), /no ed25519 signature/);
  const swapped = { ...env, payload: Buffer.from('payloaD').toString('base64') };
  assert.throws(() => verifyEnvelope(serializeEnvelope(swapped), trusted), /ed25519 signature by key [0-9a-f]{64} does not verify/);
  // The ML-DSA signature alone is checked too: a valid Ed25519 signature does not carry a broken one.
  const broken = { ...env, signatures: [env.signatures[0], { ...env.signatures[1], sig: signEnvelope('other', key).signatures[1].sig }] };
  assert.throws(() => verifyEnvelope(serializeEnvelope(broken), trusted), /ml-dsa-65 signature by key .* does not verify/);
  assert.throws(() => verifyEnvelope(serializeEnvelope({ ...env, payloadType: 'text/plain' }), trusted), /payloadType/);
  assert.throws(() => verifyEnvelope('{"payloadType":"application/vnd.in-toto+json","payload":"","signatures":[],"x":1}', trusted), /unexpected field "x"/);
});

test('key files: secret 0600, public readable, round trip; too-open secret refused', async () => {
  const dir = workDir('supply-keys');
  mkdirSync(dir, { recursive: true });
  const paths = supplyKeyPaths(dir, 'release');
  await writeSupplyKey(paths, key, true);
  assert.equal(statSync(paths.secret).mode & 0o777, 0o600);
  assert.equal(statSync(paths.public).mode & 0o777, 0o644);
  const loaded = await readSupplySigningKey(paths.secret);
  const pub = await readSupplyPublicKey(paths.public);
  assert.deepEqual(keyIds(pub), keyIds(trusted));
  assert.deepEqual(keyIds(publicKeyOf(loaded)), keyIds(trusted));
  const env = serializeEnvelope(signEnvelope('x', loaded));
  assert.doesNotThrow(() => verifyEnvelope(env, pub));
  await assert.rejects(writeSupplyKey(paths, key), /already exists/);
  chmodSync(paths.secret, 0o640);
  await assert.rejects(readSupplySigningKey(paths.secret), /chmod 600/);
  // A public file holding only one of the two keys is not a supply key.
  const half = join(dir, 'half.pub');
  writeFileSync(half, encodePublicKey(trusted).split(/(?<=-----END PUBLIC KEY-----\n)/)[0]);
  await assert.rejects(readSupplyPublicKey(half), /no ml-dsa-65 public key/);
  assert.throws(() => supplyKeyPaths(dir, '../escape'), SupplyError);
  assert.throws(() => decodePublicKey('-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n'), /unexpected PEM block/);
});
