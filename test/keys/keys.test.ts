// The keystore library: generation (RSA, v4 EdDSA), import/export, listing, deletion, permissions,
// atomic writes, and resolving --sign-key values.

import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as openpgp from 'openpgp';
import {
  deleteKey, exportKey, generateKey, getKey, importKey, KeystoreError, keystoreDir, listKeys, parseExpires, resolveSigningKey,
} from '../../src/keys/index.ts';
import { clearCriticalBit } from '../../src/keys/compat.ts';
import { writeFileAtomic } from '../../src/keys/store.ts';
import { parseCerts, PubkeyAlgo } from '../../src/rpm/openpgp/index.ts';
import { FIXTURES, workDir } from '../support/fixtures.ts';

const FIXTURE_KEYS = join(FIXTURES, 'rpm', 'keys');
const base = workDir('keys-lib');
let n = 0;
/** A fresh, not yet existing keystore directory. */
const freshDir = (): string => join(base, `ks${n++}`, 'keys');
const mode = (p: string): number => statSync(p).mode & 0o777;

before(() => mkdirSync(base, { recursive: true }));
after(() => rmSync(base, { recursive: true, force: true }));

/** The key's self-signatures' hashed subpackets as [type, critical] pairs (first user ID). */
function selfSigSubpackets(armored: string): Array<[number, boolean]> {
  const cert = parseCerts(armored)[0];
  assert.ok(cert.valid);
  const bin = Buffer.from(armored.split('\n\n')[1].split('\n=')[0].replace(/\s+/g, ''), 'base64');
  // Find the signature packet after the user ID: walk new-format packets (openpgp.js writes those).
  let i = 0;
  while (i < bin.length) {
    const tag = bin[i] & 0x3f;
    let len = bin[i + 1];
    let hdr = 2;
    if (len >= 192 && len < 224) [len, hdr] = [((len - 192) << 8) + bin[i + 2] + 192, 3];
    else if (len === 255) [len, hdr] = [bin.readUInt32BE(i + 2), 6];
    if (tag === 2) {
      const body = bin.subarray(i + hdr, i + hdr + len);
      const hl = body.readUInt16BE(4);
      const out: Array<[number, boolean]> = [];
      for (let j = 6; j < 6 + hl; ) {
        const l = body[j];
        out.push([body[j + 1] & 0x7f, Boolean(body[j + 1] & 0x80)]);
        j += 1 + l; // short lengths only in these small self-signatures
      }
      return out;
    }
    i += hdr + len;
  }
  throw new Error('no signature packet');
}

describe('keystoreDir', () => {
  test('STRATA_KEYS_DIR, then absolute XDG_CONFIG_HOME, then ~/.config', () => {
    assert.equal(keystoreDir({ env: { STRATA_KEYS_DIR: '/a/b', XDG_CONFIG_HOME: '/x' } }), '/a/b');
    assert.equal(keystoreDir({ env: { XDG_CONFIG_HOME: '/x' } }), '/x/strata/keys');
    assert.match(keystoreDir({ env: { XDG_CONFIG_HOME: 'relative' } }), /\/\.config\/strata\/keys$/);
    assert.match(keystoreDir({ env: {} }), /\/\.config\/strata\/keys$/);
    assert.equal(keystoreDir({ dir: '/explicit', env: { STRATA_KEYS_DIR: '/a' } }), '/explicit');
  });
});

describe('generateKey', () => {
  let dir: string;
  before(() => {
    dir = freshDir();
  });

  test('RSA: a v4 signing key, files 0600/0644 in a 0700 directory, no temp files left', async () => {
    const k = await generateKey({ dir, name: 'rsa', userId: 'Strata Test <t@example.com>', bits: 2048 });
    assert.equal(k.name, 'rsa');
    assert.equal(k.algorithm, 'rsa2048');
    assert.equal(k.version, 4);
    assert.deepEqual(k.userIds, ['Strata Test <t@example.com>']);
    assert.equal(k.expires, null);
    assert.equal(k.hasSecret, true);
    assert.match(k.fingerprint, /^[0-9a-f]{40}$/);
    assert.equal(k.keyId, k.fingerprint.slice(24));
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(join(dir, 'rsa.secret.asc')), 0o600);
    assert.equal(mode(join(dir, 'rsa.pub.asc')), 0o644);
    assert.deepEqual(readdirSync(dir).sort(), ['rsa.pub.asc', 'rsa.secret.asc']);
    const cert = parseCerts(readFileSync(join(dir, 'rsa.pub.asc'), 'utf8'))[0];
    assert.equal(cert.primary.algo, PubkeyAlgo.RSA);
    assert.equal(cert.subkeys.length, 0, 'a signing key has no encryption subkey');
    assert.ok(cert.state.usable);
  });

  test('Ed25519 is the v4 legacy EdDSA form (algorithm 22), not RFC 9580 Ed25519 (27)', async () => {
    const k = await generateKey({ dir, name: 'ed', userId: 'Strata Ed <ed@example.com>', algorithm: 'ed25519' });
    assert.equal(k.algorithm, 'ed25519');
    assert.equal(k.version, 4);
    const cert = parseCerts(await exportKey('ed', { dir }))[0];
    assert.equal(cert.primary.version, 4);
    assert.equal(cert.primary.algo, PubkeyAlgo.EDDSA);
    const sec = await openpgp.readPrivateKey({ armoredKey: await exportKey('ed', { dir, secret: true }) });
    assert.equal(sec.getAlgorithmInfo().algorithm, 'eddsaLegacy');
  });

  test('refuses an existing name unless force; force replaces the key', async () => {
    const before = await getKey('ed', { dir });
    await assert.rejects(
      generateKey({ dir, name: 'ed', userId: 'X <x@example.com>', algorithm: 'ed25519' }),
      (e: Error) => e instanceof KeystoreError && /key "ed" already exists/.test(e.message),
    );
    const k = await generateKey({ dir, name: 'ed', userId: 'X <x@example.com>', algorithm: 'ed25519', force: true });
    assert.notEqual(k.fingerprint, before.fingerprint);
    assert.equal((await getKey('ed', { dir })).fingerprint, k.fingerprint);
    assert.equal(mode(join(dir, 'ed.secret.asc')), 0o600);
  });

  test('an expiry is stored as a non-critical subpacket (rpm 4.18.0 refuses a critical one)', async () => {
    const k = await generateKey({ dir, name: 'exp', userId: 'E <e@example.com>', algorithm: 'ed25519', expires: 86400 * 30 });
    assert.equal(k.expires!.getTime() - k.created.getTime(), 86400 * 30 * 1000);
    const subs = selfSigSubpackets(await exportKey('exp', { dir }));
    assert.deepEqual(subs.find(([t]) => t === 9), [9, false]);
    assert.deepEqual(subs.find(([t]) => t === 27), [27, true], 'key flags stay critical');
    // Our own verifier and openpgp.js both accept the re-made self-signature.
    assert.ok(parseCerts(await exportKey('exp', { dir }))[0].state.usable);
    const pk = await openpgp.readKey({ armoredKey: await exportKey('exp', { dir }) });
    assert.deepEqual(await pk.getExpirationTime(), k.expires);
  });

  test('a passphrase encrypts the stored secret key', async () => {
    await generateKey({ dir, name: 'locked', userId: 'L <l@example.com>', algorithm: 'ed25519', passphrase: 'correct horse' });
    const armored = await exportKey('locked', { dir, secret: true });
    const key = await openpgp.readPrivateKey({ armoredKey: armored });
    assert.equal(key.isDecrypted(), false);
    const open = await openpgp.decryptKey({ privateKey: key, passphrase: 'correct horse' });
    assert.equal(open.isDecrypted(), true);
    assert.ok(!readFileSync(join(dir, 'locked.secret.asc'), 'utf8').includes('correct horse'));
  });

  test('bad options are refused before anything is written', async () => {
    const d = freshDir();
    const bad: Array<[Parameters<typeof generateKey>[0], RegExp]> = [
      [{ dir: d, name: '../x', userId: 'A <a@b.c>' }, /invalid key name/],
      [{ dir: d, name: '.hidden', userId: 'A <a@b.c>' }, /invalid key name/],
      [{ dir: d, name: '-x', userId: 'A <a@b.c>' }, /invalid key name/],
      [{ dir: d, name: 'x', userId: 'A <a@b' }, /invalid user ID/],
      [{ dir: d, name: 'x', userId: 'A\n<a@b.c>' }, /invalid user ID/],
      [{ dir: d, name: 'x', userId: '' }, /invalid user ID/],
      [{ dir: d, name: 'x', userId: 'A <a@b.c>', bits: 1024 }, /RSA key size 1024/],
      [{ dir: d, name: 'x', userId: 'A <a@b.c>', algorithm: 'ed25519', bits: 2048 }, /only applies to RSA/],
      [{ dir: d, name: 'x', userId: 'A <a@b.c>', expires: -5 }, /expiry/],
      [{ dir: d, name: 'x', userId: 'A <a@b.c>', passphrase: '' }, /empty passphrase/],
    ];
    for (const [opts, re] of bad) {
      await assert.rejects(generateKey(opts), (e: Error) => e instanceof KeystoreError && re.test(e.message), String(re));
    }
    assert.equal(existsSync(d), false);
  });
});

describe('importKey / exportKey / listKeys / deleteKey', () => {
  let dir: string;
  before(() => {
    dir = freshDir();
  });

  test('imports a public key under its key ID by default, and a secret key under a name', async () => {
    const pub = await importKey(readFileSync(join(FIXTURE_KEYS, 'rpm.org-rsa-2048-test.pub'), 'utf8'), undefined, { dir });
    assert.equal(pub.name, pub.keyId);
    assert.equal(pub.hasSecret, false);
    assert.equal(existsSync(join(dir, `${pub.name}.secret.asc`)), false);
    const sec = await importKey(readFileSync(join(FIXTURE_KEYS, 'rpm.org-ed25519-test.secret')), 'ed', { dir });
    assert.equal(sec.hasSecret, true);
    assert.equal(sec.keyId, '152bb32fd9ca982797e835cfb0645aec757bf69e'.slice(24));
    assert.equal(mode(join(dir, 'ed.secret.asc')), 0o600);
    await assert.rejects(exportKey(pub.name, { dir, secret: true }), /has no secret key \(it was imported as a public key\)/);
  });

  test('binary keys (public and secret) are accepted and stored armored', async () => {
    const bin = new Uint8Array(readFileSync(join(FIXTURE_KEYS, 'rpm.org-rsa-2048-test.pgp')));
    const k = await importKey(bin, 'binary', { dir, force: true });
    assert.match(await exportKey('binary', { dir }), /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    const secret = await openpgp.readPrivateKey({ armoredKey: readFileSync(join(FIXTURE_KEYS, 'rpm.org-ed25519-test.secret'), 'utf8') });
    const k2 = await importKey(secret.write() as Uint8Array, 'binsec', { dir, force: true });
    assert.equal(k2.hasSecret, true);
    assert.match(await exportKey('binsec', { dir, secret: true }), /^-----BEGIN PGP PRIVATE KEY BLOCK-----/);
    assert.equal(k.hasSecret, false);
  });

  test('refuses garbage, non-key armor, several keys, a taken name and a duplicate key, each in one line', async () => {
    const d = freshDir();
    const garbage: Array<[string | Uint8Array, RegExp]> = [
      ['hello world\n', /^not an OpenPGP key \(expected an armored or binary public or secret key\)$/],
      ['', /^empty input/],
      [new Uint8Array([0x99, 0x01, 0x0d, 0x04, 1, 2, 3]), /^not an OpenPGP key/],
      ['-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n', /^armored "PGP SIGNATURE" is not a key$/],
      ['-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n-----END PGP PUBLIC KEY BLOCK-----\n', /^damaged OpenPGP public key$/],
    ];
    for (const [data, re] of garbage) {
      await assert.rejects(importKey(data, 'g', { dir: d }), (e: Error) => e instanceof KeystoreError && re.test(e.message) && !e.message.includes('\n'), String(re));
    }
    await assert.rejects(importKey('junk', 'g', { dir: d, source: 'junk.asc' }), /^KeystoreError: junk\.asc: not an OpenPGP key/);
    const a = readFileSync(join(FIXTURE_KEYS, 'keyidcollision1.pub'));
    const b = readFileSync(join(FIXTURE_KEYS, 'keyidcollision2.pub'));
    const two = await openpgp.readKeys({ armoredKeys: a.toString() }).then(async (k1) => [...k1, ...(await openpgp.readKeys({ armoredKeys: b.toString() }))]);
    const both = Buffer.concat(two.map((k) => k.write() as Uint8Array));
    await assert.rejects(importKey(new Uint8Array(both), 'two', { dir: d }), /2 keys in one input: import them one at a time/);
    const pubText = readFileSync(join(FIXTURE_KEYS, 'rpm.org-rsa-2048-test.pub'), 'utf8');
    await importKey(pubText, 'one', { dir: d });
    await assert.rejects(importKey(pubText, 'one', { dir: d }), /key "one" already exists in the keystore \(use --force/);
    await assert.rejects(importKey(pubText, 'other', { dir: d }), /is already in the keystore as "one"/);
    assert.equal((await importKey(pubText, 'other', { dir: d, force: true })).name, 'other');
  });

  test('listKeys: sorted, only public files read; a missing keystore lists nothing', async () => {
    assert.deepEqual(await listKeys({ dir: freshDir() }), []);
    const list = await listKeys({ dir });
    assert.deepEqual(list.map((k) => k.name), [...list.map((k) => k.name)].sort());
    assert.ok(list.some((k) => k.name === 'ed' && k.hasSecret && k.algorithm === 'ed25519'));
    // An unreadable secret file does not stop listing (it is only looked at for existence).
    chmodSync(join(dir, 'ed.secret.asc'), 0o644);
    assert.ok((await listKeys({ dir })).length >= 3);
    await assert.rejects(exportKey('ed', { dir, secret: true }), /ed\.secret\.asc has mode 0644: secret key files must be accessible only by you \(chmod 600/);
    chmodSync(join(dir, 'ed.secret.asc'), 0o600);
  });

  test('deleteKey removes both files; unknown names are refused', async () => {
    await deleteKey('ed', { dir });
    assert.equal(existsSync(join(dir, 'ed.pub.asc')), false);
    assert.equal(existsSync(join(dir, 'ed.secret.asc')), false);
    await assert.rejects(deleteKey('ed', { dir }), /no key named "ed" in the keystore/);
    await assert.rejects(getKey('ed', { dir }), /no key named "ed"/);
    await assert.rejects(deleteKey('../etc', { dir }), /invalid key name/);
  });
});

describe('permissions', () => {
  test('a keystore directory open to group or others is refused, like ssh', async () => {
    const dir = freshDir();
    await generateKey({ dir, name: 'p', userId: 'P <p@example.com>', algorithm: 'ed25519' });
    chmodSync(dir, 0o755);
    const ops = [
      () => listKeys({ dir }),
      () => exportKey('p', { dir }),
      () => resolveSigningKey('p', { dir }),
      () => deleteKey('p', { dir }),
      () => generateKey({ dir, name: 'q', userId: 'Q <q@example.com>', algorithm: 'ed25519' }),
    ];
    for (const op of ops) {
      await assert.rejects(op(), /keystore directory .* has mode 0755: it must not be accessible by group or others \(chmod 700 /);
    }
    chmodSync(dir, 0o700);
    assert.equal((await listKeys({ dir })).length, 1);
  });

  test('a symlinked secret file is refused; a keystore path that is a file is refused', async () => {
    const dir = freshDir();
    await generateKey({ dir, name: 'p', userId: 'P <p@example.com>', algorithm: 'ed25519' });
    const real = join(dir, '..', 'elsewhere.asc');
    writeFileSync(real, readFileSync(join(dir, 'p.secret.asc')), { mode: 0o600 });
    rmSync(join(dir, 'p.secret.asc'));
    symlinkSync(real, join(dir, 'p.secret.asc'));
    await assert.rejects(resolveSigningKey('p', { dir }), /p\.secret\.asc is not a regular file/);
    const file = join(dir, '..', 'plain');
    writeFileSync(file, '');
    await assert.rejects(listKeys({ dir: file }), /keystore .*plain is not a directory/);
  });

  test('writeFileAtomic: exact mode despite the umask, no clobbering without overwrite, no temp files left', async () => {
    const dir = join(base, 'atomic');
    mkdirSync(dir, { recursive: true });
    const p = join(dir, 'f');
    const old = process.umask(0o277);
    try {
      await writeFileAtomic(p, 'one', 0o600, false);
    } finally {
      process.umask(old);
    }
    assert.equal(mode(p), 0o600);
    await assert.rejects(writeFileAtomic(p, 'two', 0o600, false), /f already exists/);
    assert.equal(readFileSync(p, 'utf8'), 'one');
    await writeFileAtomic(p, 'three', 0o644, true);
    assert.equal(readFileSync(p, 'utf8'), 'three');
    assert.equal(mode(p), 0o644);
    assert.deepEqual(readdirSync(dir), ['f']);
  });
});

describe('resolveSigningKey', () => {
  let dir: string;
  let files: string;
  before(async () => {
    dir = freshDir();
    files = join(base, 'files');
    mkdirSync(files, { recursive: true });
    await generateKey({ dir, name: 'signer', userId: 'S <s@example.com>', algorithm: 'ed25519' });
    await importKey(readFileSync(join(FIXTURE_KEYS, 'rpm.org-rsa-2048-test.pub')), 'pubonly', { dir });
  });

  test('a keystore name gives its secret key', async () => {
    const r = await resolveSigningKey('signer', { dir });
    assert.equal(r.source, 'keystore key "signer"');
    assert.equal(r.armored, readFileSync(join(dir, 'signer.secret.asc'), 'utf8'));
    assert.equal(r.warning, undefined);
    await assert.rejects(resolveSigningKey('pubonly', { dir }), /key "pubonly" has no secret key/);
    await assert.rejects(resolveSigningKey('nosuch', { dir }), /no key named "nosuch" in the keystore .*, and no such file/);
  });

  test('a path gives the file; a 0644 file is used with a warning, a 0600 one without', async () => {
    const p = join(files, 'k.asc');
    writeFileSync(p, readFileSync(join(FIXTURE_KEYS, 'rpm.org-rsa-2048-test.secret')), { mode: 0o644 });
    chmodSync(p, 0o644);
    const r = await resolveSigningKey(p, { dir });
    assert.equal(r.source, p);
    assert.match(r.armored, /BEGIN PGP PRIVATE KEY BLOCK/);
    assert.match(r.warning!, /has mode 0644 and is accessible by group or others; chmod 600 it/);
    chmodSync(p, 0o600);
    assert.equal((await resolveSigningKey(p, { dir })).warning, undefined);
    await assert.rejects(resolveSigningKey(join(FIXTURE_KEYS, 'rpm.org-rsa-2048-test.pub'), { dir }), /is a public key: signing needs the secret key/);
    await assert.rejects(resolveSigningKey(join(files, 'missing.asc'), { dir }), /missing\.asc: no such file$/);
    await assert.rejects(resolveSigningKey(files, { dir }), /is a directory/);
    writeFileSync(join(files, 'junk'), 'junk');
    await assert.rejects(resolveSigningKey(join(files, 'junk'), { dir }), /not an OpenPGP secret key/);
  });

  test('a binary secret key file is armored; a bare word that is both a key and a file is ambiguous', async () => {
    const sec = await openpgp.readPrivateKey({ armoredKey: readFileSync(join(FIXTURE_KEYS, 'rpm.org-ed25519-test.secret'), 'utf8') });
    const p = join(files, 'k.gpg');
    writeFileSync(p, sec.write() as Uint8Array, { mode: 0o600 });
    const r = await resolveSigningKey(p, { dir });
    assert.equal((await openpgp.readPrivateKey({ armoredKey: r.armored })).getFingerprint(), sec.getFingerprint());
    const cwd = process.cwd();
    process.chdir(files);
    try {
      writeFileSync('signer', 'x');
      await assert.rejects(resolveSigningKey('signer', { dir }), /"signer" is both a keystore key and a file: write \.\/signer for the file/);
    } finally {
      process.chdir(cwd);
    }
  });
});

test('parseExpires: never, d/w/m/y; anything else refused', () => {
  assert.equal(parseExpires('never'), 'never');
  assert.equal(parseExpires('10d'), 10 * 86400);
  assert.equal(parseExpires('2w'), 14 * 86400);
  assert.equal(parseExpires('6m'), 180 * 86400);
  assert.equal(parseExpires('2y'), 730 * 86400);
  for (const bad of ['', '0d', '2', '2 y', '1.5y', 'soon', '200y', '-1d']) {
    assert.throws(() => parseExpires(bad), KeystoreError, bad);
  }
});

test('clearCriticalBit clears one subpacket type and leaves the rest', () => {
  // 12 octets: a critical creation time (len 5, type 0x82) and a critical key expiry (len 5, type 0x89).
  const area = Uint8Array.of(0, 12, 5, 0x82, 1, 2, 3, 4, 5, 0x89, 0, 0, 1, 0);
  const out = clearCriticalBit(area, 9);
  assert.deepEqual([...out], [0, 12, 5, 0x82, 1, 2, 3, 4, 5, 0x09, 0, 0, 1, 0]);
  assert.deepEqual([...area].slice(9, 10), [0x89], 'input untouched');
});
