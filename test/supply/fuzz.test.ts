// Fuzzing of what `strata verify` reads from an artifact someone hands it: DSSE envelopes, the
// provenance statement inside, SBOM documents (SPDX 2.3 and CycloneDX), purls and supply key files.
// Every mutated input must either be accepted or refused with SupplyError (a one-line message) —
// never another exception — and a mutated envelope must never verify with a payload other than the
// one that was signed. FUZZ_ITERATIONS / FUZZ_SEED as in test/rpm/fuzz.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cyclonedxBom, decodePublicKey, decodeSigningKey, encodePublicKey, encodeSigningKey, generateSupplyKey, nevraOf, parseProvenance,
  parsePurl, parseRpmPurl, provenanceStatement, publicKeyOf, rpmPurl, sbomRpmPurls, serializeCycloneDx, serializeEnvelope, serializeSpdx,
  signEnvelope, spdxDocument, SupplyError, verifyEnvelope, verifySbomAgainstPackages,
} from '../../src/supply/index.ts';
import { prng, randInt } from '../support/prng.ts';
import { CREATED, fixtureArtifact, SKIP_NO_FIXTURES } from './support.ts';

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);

/** Runs `f`; anything but success or a one-line SupplyError fails the test with the input. */
function refusedCleanly(f: () => unknown, input: () => string): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof SupplyError)) assert.fail(`${(e as Error).name}: ${(e as Error).message}\n  on input: ${input().slice(0, 400)}`);
    assert.doesNotMatch(e.message, /\n/, `multi-line error on input: ${input().slice(0, 400)}`);
  }
}

function mutateBytes(src: Uint8Array, r: () => number): Buffer {
  const b = Buffer.from(src);
  switch (randInt(r, 5)) {
    case 0:
      for (let i = 1 + randInt(r, 4); i > 0; i--) b[randInt(r, b.length)] ^= 1 << randInt(r, 8);
      return b;
    case 1:
      for (let i = 1 + randInt(r, 4); i > 0; i--) b[randInt(r, b.length)] = randInt(r, 256);
      return b;
    case 2:
      return b.subarray(0, randInt(r, b.length));
    case 3: {
      const p = randInt(r, b.length);
      return Buffer.concat([b.subarray(0, p), Buffer.from('{}[]":,\\u0000'.charAt(randInt(r, 13)).repeat(1 + randInt(r, 3))), b.subarray(p)]);
    }
    default: {
      const p = randInt(r, b.length);
      return Buffer.concat([b.subarray(0, p), b.subarray(p + 1 + randInt(r, 16))]);
    }
  }
}

const ODD_VALUES: unknown[] = [null, true, 0, -1, 1.5, 1e308, '', 'x', 'pkg:rpm/', '%', [], {}, [null], { a: null }, [[[[]]]]];

/** A deep copy of `v` with one node replaced, deleted, duplicated or retyped. */
function mutateJson(v: unknown, r: () => number): unknown {
  const copy = structuredClone(v);
  const containers: Array<Record<string, unknown> | unknown[]> = [];
  const collect = (x: unknown): void => {
    if (x && typeof x === 'object') {
      containers.push(x as Record<string, unknown>);
      for (const c of Object.values(x)) collect(c);
    }
  };
  collect(copy);
  if (containers.length === 0) return ODD_VALUES[randInt(r, ODD_VALUES.length)];
  for (let n = 1 + randInt(r, 3); n > 0; n--) {
    const c = containers[randInt(r, containers.length)];
    const keys = Object.keys(c);
    if (keys.length === 0) continue;
    const k = keys[randInt(r, keys.length)];
    const rec = c as Record<string, unknown>;
    switch (randInt(r, 4)) {
      case 0:
        rec[k] = structuredClone(ODD_VALUES[randInt(r, ODD_VALUES.length)]);
        break;
      case 1:
        if (Array.isArray(c)) c.splice(Number(k), 1);
        else delete rec[k];
        break;
      case 2:
        if (Array.isArray(c)) c.push(structuredClone(c[Number(k)]));
        else rec[`${k}_`] = rec[k];
        break;
      default:
        if (typeof rec[k] === 'string') rec[k] = mutateBytes(Buffer.from(rec[k]), r).toString('latin1');
        else rec[k] = [rec[k]];
    }
  }
  return copy;
}

test('DSSE envelopes: a mutated envelope is refused with SupplyError, never verified with another payload', () => {
  const key = generateSupplyKey();
  const trusted = publicKeyOf(key);
  const payload = '{"_type":"https://in-toto.io/Statement/v1","subject":[]}';
  const text = serializeEnvelope(signEnvelope(payload, key));
  const bytes = Buffer.from(text);
  const r = prng(SEED);
  let verified = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const input = r() < 0.5 ? mutateBytes(bytes, r) : Buffer.from(JSON.stringify(mutateJson(JSON.parse(text), r)));
    try {
      const v = verifyEnvelope(input, trusted);
      assert.equal(v.payload.toString(), payload, `verified a different payload: ${input.toString().slice(0, 300)}`);
      verified++;
    } catch (e) {
      if (!(e instanceof SupplyError)) assert.fail(`${(e as Error).name}: ${(e as Error).message}\n  on input: ${input.toString().slice(0, 300)}`);
    }
  }
  // Mutations that only touch whitespace or other signers' fields may still verify; most must not.
  assert.ok(verified < ITERATIONS / 4, `${verified} of ${ITERATIONS} mutated envelopes verified`);
});

test('provenance statements: mutated ones parse or fail with SupplyError', () => {
  const statement = provenanceStatement({
    subjects: [{ name: 'base.tar', digest: { sha256: 'a'.repeat(64) } }],
    externalParameters: { project: 'examples/distro' },
    resolvedDependencies: [{ uri: 'pkg:rpm/exampleos/hello@1-1?arch=x86_64', digest: { sha256: 'b'.repeat(64) } }],
    builder: { id: 'https://example.org/strata' },
  });
  const r = prng(SEED + 1);
  for (let i = 0; i < ITERATIONS; i++) {
    const text = r() < 0.3 ? mutateBytes(Buffer.from(JSON.stringify(statement)), r).toString('latin1') : JSON.stringify(mutateJson(statement, r));
    refusedCleanly(() => parseProvenance(text), () => text);
  }
});

test('SBOMs: mutated SPDX and CycloneDX documents are checked or refused with SupplyError', { skip: SKIP_NO_FIXTURES }, async () => {
  const artifact = await fixtureArtifact();
  const installed = artifact.packages.map(({ name, epoch, version, release, arch }) => ({ name, epoch, version, release, arch }));
  const opts = { toolVersion: '0.1.0', created: CREATED };
  const docs = [JSON.parse(serializeSpdx(spdxDocument(artifact, opts))), JSON.parse(serializeCycloneDx(cyclonedxBom(artifact, opts)))];
  const r = prng(SEED + 2);
  for (let i = 0; i < ITERATIONS; i++) {
    const doc = mutateJson(docs[i % 2], r);
    refusedCleanly(() => {
      sbomRpmPurls(doc);
      verifySbomAgainstPackages(doc, installed);
    }, () => JSON.stringify(doc));
  }
});

test('purls: random and mutated strings parse or fail with SupplyError; rpm purls round-trip', () => {
  const r = prng(SEED + 3);
  const alphabet = 'pkg:rpm/azurelinux/a@1.0-1?arch=x86_64&epoch=2&distro=x#/%2F%zz%C3%A9@?&=';
  for (let i = 0; i < ITERATIONS; i++) {
    const s =
      r() < 0.5
        ? Array.from({ length: randInt(r, 40) }, () => alphabet[randInt(r, alphabet.length)]).join('')
        : mutateBytes(Buffer.from('pkg:rpm/azurelinux/openssl-libs@3.0.7-18.azl4?arch=x86_64&distro=azurelinux-4.0&epoch=1'), r).toString('latin1');
    refusedCleanly(() => parsePurl(s), () => s);
    refusedCleanly(() => parseRpmPurl(s), () => s);
  }
  // Names, versions and releases with the characters purls must escape come back unchanged.
  const chars = 'abcXYZ019._+-~:@/?#%& é';
  const word = (min: number, from = chars): string => Array.from({ length: min + randInt(r, 8) }, () => from[randInt(r, from.length)]).join('');
  for (let i = 0; i < ITERATIONS; i++) {
    const id = {
      name: word(1, chars.replace('/', '')), // rpm names have no '/' (a purl name's outer ones are stripped)
      epoch: r() < 0.5 ? undefined : 1 + randInt(r, 5),
      version: word(1),
      release: word(1).replaceAll('-', '_'),
      arch: r() < 0.5 ? 'x86_64' : 'noarch',
    };
    const purl = rpmPurl(id, { vendor: 'AzureLinux', distro: 'azurelinux-4.0' });
    const back = parseRpmPurl(purl);
    assert.equal(nevraOf(back), nevraOf(id), purl);
    assert.equal(back.vendor, 'azurelinux');
  }
});

test('supply key files: mutated PEM text is refused with SupplyError', () => {
  const key = generateSupplyKey();
  const texts = [encodeSigningKey(key), encodePublicKey(publicKeyOf(key))];
  const r = prng(SEED + 4);
  for (let i = 0; i < Math.min(ITERATIONS, 1500); i++) {
    const secret = i % 2 === 0;
    const text = mutateBytes(Buffer.from(texts[i % 2]), r).toString('latin1');
    refusedCleanly(() => (secret ? decodeSigningKey(text) : decodePublicKey(text)), () => text);
  }
});
