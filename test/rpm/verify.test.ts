// Package verification against the real `rpmkeys -Kv` (rpm 4.18): every fixture package, several key
// setups, both verification levels, corrupted copies, and packages re-signed here with signDetached,
// gpg and openpgp.js. Where rpm 4.18 cannot take part (keys its parser refuses, v6/PQC signatures), the
// expectations come from rpm's own test suite (tests/rpmsigdig.at at a8f0192, rpm 6 with Sequoia).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createECDH, createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import * as openpgp from 'openpgp';
import {
  type Header,
  Keyring,
  PgpError,
  type VerifyOptions,
  type VerifyResult,
  formatRpmkeysLine,
  formatRpmkeysReport,
  parseCerts,
  parseRpmHeaders,
  readKeyring,
  signDetached,
  signatureTagFor,
  verifyPackage,
} from '../../src/rpm/index.ts';
import { ecCurves, parseSignaturePacket, readPackets } from '../../src/rpm/openpgp/index.ts';
import { strata } from '../support/cli.ts';
import { FIXTURES, fixturePackages, workDir } from '../support/fixtures.ts';
import { hasTool, needTools } from '../support/tools.ts';

const KEYS = join(FIXTURES, 'rpm', 'keys');
const RPMS = join(FIXTURES, 'rpm', 'RPMS');
const key = (name: string): string => join(KEYS, name);
const HELLO = join(RPMS, 'hello-2.0-1.x86_64.rpm');
const HELLO_SIGNED = join(RPMS, 'hello-2.0-1.x86_64-signed.rpm');

const WORK = workDir('verify');
const HOME = join(WORK, 'home');

before(() => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(HOME, { recursive: true });
});
after(() => rmSync(WORK, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// rpmkeys oracle

let dbCount = 0;
/** A fresh rpmdb holding the given keys; returns its path. Throws if rpm refuses a key. */
function rpmdb(keys: string[]): string {
  const db = join(WORK, `db${dbCount++}`);
  mkdirSync(db, { recursive: true });
  execFileSync('rpmdb', ['--dbpath', db, '--initdb'], { env: { ...process.env, HOME } });
  if (keys.length) execFileSync('rpmkeys', ['--dbpath', db, '--import', ...keys], { env: { ...process.env, HOME }, stdio: 'pipe' });
  return db;
}

/** Whether rpm 4.18 can import a key at all. */
function rpmImports(k: string): boolean {
  const db = join(WORK, `db${dbCount++}`);
  mkdirSync(db, { recursive: true });
  execFileSync('rpmdb', ['--dbpath', db, '--initdb'], { env: { ...process.env, HOME } });
  return spawnSync('rpmkeys', ['--dbpath', db, '--import', k], { env: { ...process.env, HOME } }).status === 0;
}

type Level = 'digest' | 'all';

interface RpmVerdict {
  lines: string[];
  brief: string;
}

/** Runs rpmkeys -Kv and -K over files; returns per-file check lines and the -K line. */
function rpmkeys(db: string, level: Level, files: string[], extra: string[] = []): Map<string, RpmVerdict> {
  const run = (flag: string): string =>
    spawnSync('rpmkeys', ['--dbpath', db, '--define', `_pkgverify_level ${level}`, ...extra, flag, ...files], {
      env: { ...process.env, HOME },
      encoding: 'utf8',
    }).stdout;
  const out = new Map<string, RpmVerdict>();
  let cur: RpmVerdict | undefined;
  for (const l of run('-Kv').split('\n')) {
    if (!l) continue;
    if (l.startsWith('    ')) cur!.lines.push(l.slice(4));
    else {
      cur = { lines: [], brief: '' };
      out.set(l.replace(/:$/, ''), cur);
    }
  }
  for (const l of run('-K').split('\n')) {
    const f = files.find((x) => l.startsWith(`${x}: `));
    if (f) out.get(f)!.brief = l;
  }
  return out;
}

/** Our checks as rpmkeys prints them, leaving out the rpm 6 tags rpm 4.18 does not know. */
const rpm418Lines = (r: VerifyResult): string[] =>
  r.checks.filter((c) => !c.rpm6).map((c) => `${c.name}: ${c.status}${c.detail ? ` (${c.detail})` : ''}`);

const levelOpts = (level: Level): VerifyOptions => ({ requireSignature: level === 'all' });

/**
 * Verifies files with both rpmkeys and us and compares every line rpm prints, the -K line and the
 * verdict. `linesOnly` skips the verdict for packages whose only signatures are rpm 6 ones: rpm 4.18
 * does not see them (so passes at digest level), we report them (NOKEY fails, as in rpm 6).
 */
async function compareWithRpm(
  files: string[],
  keys: string[],
  level: Level,
  opts: VerifyOptions = {},
  extra: string[] = [],
  linesOnly = false,
): Promise<Map<string, VerifyResult>> {
  const db = rpmdb(keys);
  const ring = await readKeyring(keys);
  const rpm = rpmkeys(db, level, files, extra);
  const ours = new Map<string, VerifyResult>();
  for (const f of files) {
    const r = await verifyPackage(f, ring, { ...levelOpts(level), ...opts });
    ours.set(f, r);
    const want = rpm.get(f);
    assert.ok(want, `rpmkeys printed nothing for ${f}`);
    assert.deepEqual(rpm418Lines(r), want.lines, `${basename(f)} (keys: ${keys.map((k) => basename(k)).join(',') || 'none'}, level ${level})`);
    if (linesOnly) continue;
    assert.equal(formatRpmkeysLine(r), want.brief, `${basename(f)}: -K line`);
    assert.equal(r.ok, !want.brief.endsWith('NOT OK'), `${basename(f)}: pass/fail`);
  }
  return ours;
}

// Key sets rpm 4.18 imports, so it can judge every package with them.
const SETUPS: Record<string, string[]> = {
  'no keys': [],
  'RSA key': [key('rpm.org-rsa-2048-test.pub')],
  'Ed25519 key': [key('rpm.org-ed25519-test.pub')],
  'RSA and Ed25519 keys': [key('rpm.org-rsa-2048-test.pub'), key('rpm.org-ed25519-test.pub')],
  'unrelated keys': [key('keyidcollision1.pub'), key('different-creation-times.asc')],
};

describe('every fixture package, as rpmkeys -Kv sees it', () => {
  const files = fixturePackages();
  test('the fixture set is complete', () => {
    assert.ok(files.length >= 35, `expected the shared fixtures, found ${files.length}`);
  });
  for (const [setup, keys] of Object.entries(SETUPS)) {
    for (const level of ['digest', 'all'] as const) {
      test(`${setup}, _pkgverify_level ${level}`, async (t) => {
        if (!needTools(t, 'rpmkeys', 'rpmdb')) return;
        await compareWithRpm(files, keys, level);
      });
    }
  }
  test('--nosignature and --nodigest', async (t) => {
    if (!needTools(t, 'rpmkeys', 'rpmdb')) return;
    const keys = SETUPS['RSA key'];
    for (const level of ['digest', 'all'] as const) {
      await compareWithRpm(files, keys, level, { noSignature: true }, ['--nosignature']);
      await compareWithRpm(files, keys, level, { noDigest: true }, ['--nodigest']);
      await compareWithRpm(files, keys, level, { noDigest: true, noSignature: true }, ['--nodigest', '--nosignature']);
    }
  });
});

describe('rpm 6 additions (lines rpm 4.18 does not print)', () => {
  test('OPENPGP multi-signatures, SHA3-256 and SHA512 digests', async () => {
    const ring = await readKeyring([key('rpm.org-rsa-2048-test.pub')]);
    const extra = async (f: string): Promise<string[]> =>
      (await verifyPackage(f, ring)).checks.filter((c) => c.rpm6).map((c) => `${c.name}: ${c.status}`);
    assert.deepEqual(await extra(join(RPMS, 'hello-2.0-1.x86_64-signed-mldsa87.rpm')), [
      'Header OpenPGP V4 RSA/SHA512 Signature, key ID 1964c5fc: OK',
      'Header OpenPGP V6 ML-DSA-87+Ed448/SHA512 Signature, key ID d7ae9cd3: NOKEY',
    ]);
    assert.deepEqual(await extra(join(RPMS, 'hlinktest-1.0-1.noarch-v3sig.rpm')), [
      'Header SHA3-256 digest: OK',
      'Payload SHA3-256 digest: OK',
      'Payload SHA512 digest: OK',
    ]);
    assert.deepEqual(await extra(join(FIXTURES, 'createrepo_c', 'packages', 'empty-signed-v6-multiple-0-0.x86_64.rpm')), [
      'Header OpenPGP V4 EdDSA/SHA512 Signature, key ID 1f1d8f8a: NOKEY',
      'Header OpenPGP V4 RSA/SHA512 Signature, key ID 719ce7a5: NOKEY',
    ]);
    for (const f of fixturePackages()) {
      const r = await verifyPackage(f, ring);
      assert.ok(r.checks.filter((c) => c.rpm6).every((c) => ['OK', 'NOKEY'].includes(c.status)), f);
    }
  });

  test('ML-DSA-87+Ed448: verified with the v6 PQC key (rpmsigdig.at "ML-DSA keys and signatures")', async (t) => {
    const f = join(RPMS, 'hello-2.0-1.x86_64-signed-mldsa87.rpm');
    const mldsa = key('unknown/rpm.org-v6-mldsa87-test.asc');
    if (hasTool('rpmkeys')) assert.equal(rpmImports(mldsa), false, 'rpm 4.18 cannot import v6 keys');
    const both = await verifyPackage(f, await readKeyring([key('rpm.org-rsa-2048-test.pub'), mldsa]));
    assert.ok(both.ok);
    assert.ok(both.checks.every((c) => c.status === 'OK'), formatRpmkeysReport(both));
    const pqc = both.checks.find((c) => c.name.includes('ML-DSA'))!;
    assert.equal(pqc.fingerprint, 'db11ab41d7ae9cd3c65ad3d2088c1f5486bdc33375f5d94f9743f8973635f35e');

    // Only the PQC key: the v6 signature verifies, the RSA ones have no key.
    const only = await verifyPackage(f, await readKeyring([mldsa]));
    assert.equal(only.checks.find((c) => c.name.includes('ML-DSA'))!.status, 'OK');
    assert.ok(only.checks.filter((c) => c.name.includes('RSA')).every((c) => c.status === 'NOKEY'));
    // Its verified signature covers the header (and so the payload digest); the v4 tags rpm 4.18
    // checks are by a key we do not have, which the signature requirement tolerates, plain -K not.
    assert.equal(only.ok, true, formatRpmkeysReport(only));
    assert.equal((await verifyPackage(f, await readKeyring([mldsa]), { requireSignature: false })).ok, false);
    t.diagnostic(formatRpmkeysReport(only));
  });
});

describe('keys rpm 4.18 refuses, judged as rpm 6 (rpmsigdig.at)', () => {
  const SUBKEY_PKG = join(RPMS, 'hello-2.0-1.x86_64-signed-with-subkey.rpm');
  const NEW_SUBKEY_PKG = join(RPMS, 'hello-2.0-1.x86_64-signed-with-new-subkey.rpm');
  const cases: Array<{ keys: string[]; pkg: string; status: string; detail?: RegExp; title: string }> = [
    { title: 'good subkey', keys: ['alice.asc'], pkg: SUBKEY_PKG, status: 'OK' },
    {
      title: 'expired subkey',
      keys: ['alice-expired-subkey.asc'],
      pkg: SUBKEY_PKG,
      status: 'NOTTRUSTED',
      detail: /^subkey 1f71177215217ee0 of key b3a771bfeb04e625 expired on 2022-04-12/,
    },
    {
      title: 'revoked subkey',
      keys: ['alice-revoked-subkey.asc'],
      pkg: SUBKEY_PKG,
      status: 'NOTTRUSTED',
      detail: /^subkey 1f71177215217ee0 of key b3a771bfeb04e625 has been revoked$/,
    },
    { title: 'subkey added later', keys: ['rpm.org-rsa-2048-add-subkey.asc'], pkg: NEW_SUBKEY_PKG, status: 'OK' },
    { title: 'primary of the same key', keys: ['rpm.org-rsa-2048-add-subkey.asc'], pkg: HELLO_SIGNED, status: 'OK' },
  ];
  for (const c of cases) {
    test(`${c.title}: ${c.keys.join(', ')} → ${c.status}`, async () => {
      const keys = c.keys.map(key);
      if (hasTool('rpmkeys')) assert.equal(rpmImports(keys[0]), false, 'rpm 4.18 would have been the oracle');
      const r = await verifyPackage(c.pkg, await readKeyring(keys));
      const sig = r.checks.find((x) => x.tag === 268 || x.tag === 267)!;
      assert.equal(sig.status, c.status, formatRpmkeysReport(r));
      if (c.detail) assert.match(sig.detail ?? '', c.detail);
      assert.equal(r.ok, c.status === 'OK');
    });
  }

  test('CVE-2021-3521 keys: the primary key works, the unbound subkey never does', async () => {
    for (const k of ['CVE-2021-3521-badbind.asc', 'CVE-2021-3521-nosubsig.asc', 'CVE-2021-3521-nosubsig-last.asc', 'type-confusion.asc']) {
      if (hasTool('rpmkeys')) assert.equal(rpmImports(key(k)), false, `rpm 4.18 refuses ${k}`);
      const ring = await readKeyring([key(k)]);
      const [cert] = ring.certs;
      assert.equal(cert.primary.keyId, '4344591e1964c5fc');
      assert.ok(cert.subkeys.length >= 1 && cert.subkeys.every((s) => !s.state.usable), k);
      // Sequoia-based rpm imports these and ignores the bad component; so do we.
      const r = await verifyPackage(HELLO_SIGNED, ring);
      assert.ok(r.ok, `${k}\n${formatRpmkeysReport(r)}`);
    }
  });

  test('a binary (non-armored) key file works like the armored one', async () => {
    const a = await verifyPackage(HELLO_SIGNED, await readKeyring([key('rpm.org-rsa-2048-test.pub')]));
    const b = await verifyPackage(HELLO_SIGNED, await readKeyring([key('rpm.org-rsa-2048-test.pgp')]));
    assert.deepEqual(b.checks, a.checks);
    assert.ok(b.ok);
  });

  test('secret keys and junk are refused as key files', async () => {
    await assert.rejects(readKeyring([key('rpm.org-rsa-2048-test.secret')]), PgpError);
    await assert.rejects(readKeyring([HELLO]), PgpError);
  });
});

// ---------------------------------------------------------------------------------------------
// Building test packages: a new signature header in front of an existing header + payload.

interface SigEntry {
  tag: number;
  type: number;
  count: number;
  data: Uint8Array;
}

const TYPE_ALIGN = [1, 1, 1, 2, 4, 8, 1, 1, 1, 1];

function encodeSignatureHeader(entries: SigEntry[]): Uint8Array {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const il = sorted.length + 1;
  const parts: Uint8Array[] = [];
  const index: number[][] = [];
  let len = 0;
  for (const e of sorted) {
    const padding = (TYPE_ALIGN[e.type] - (len % TYPE_ALIGN[e.type])) % TYPE_ALIGN[e.type];
    parts.push(new Uint8Array(padding));
    len += padding;
    index.push([e.tag, e.type, len, e.count]);
    parts.push(e.data);
    len += e.data.length;
  }
  const trailer = Buffer.alloc(16);
  trailer.writeUInt32BE(62, 0);
  trailer.writeUInt32BE(7, 4);
  trailer.writeInt32BE(-il * 16, 8);
  trailer.writeUInt32BE(16, 12);
  index.unshift([62, 7, len, 16]);
  parts.push(trailer);
  len += 16;
  const head = Buffer.alloc(16 + il * 16);
  Buffer.from([0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]).copy(head, 0);
  head.writeUInt32BE(il, 8);
  head.writeUInt32BE(len, 12);
  index.forEach(([tag, type, off, count], i) => {
    head.writeUInt32BE(tag, 16 + i * 16);
    head.writeUInt32BE(type, 20 + i * 16);
    head.writeInt32BE(off, 24 + i * 16);
    head.writeUInt32BE(count, 28 + i * 16);
  });
  return Buffer.concat([head, ...parts]);
}

function entriesOf(h: Header): SigEntry[] {
  return h.entries
    .filter((e) => e.tag !== 62)
    .map((e) => ({ tag: e.tag, type: e.type, count: e.count, data: h.store.subarray(e.offset, e.offset + e.length) }));
}

const strArray = (xs: string[]): SigEntry['data'] => Buffer.from(xs.map((x) => `${x}\0`).join(''));

/** Writes a copy of `src` whose signature header is rebuilt from `edit(entries)`. */
async function resign(src: string, out: string, edit: (e: SigEntry[], header: Uint8Array) => SigEntry[] | Promise<SigEntry[]>): Promise<string> {
  const bytes = new Uint8Array(readFileSync(src));
  const h = await parseRpmHeaders(bytes);
  const sig = encodeSignatureHeader(await edit(entriesOf(h.signature), h.headerBytes));
  const pad = new Uint8Array((8 - (sig.length % 8)) % 8);
  writeFileSync(out, Buffer.concat([bytes.subarray(0, 96), sig, pad, bytes.subarray(h.headerOffset)]));
  return out;
}

const withSig = (tag: number, sig: Uint8Array) => (es: SigEntry[]): SigEntry[] => [
  ...es.filter((e) => e.tag !== tag),
  { tag, type: 7, count: sig.length, data: sig },
];

async function headerOf(file: string): Promise<Uint8Array> {
  return (await parseRpmHeaders(new Uint8Array(readFileSync(file)))).headerBytes;
}

const sigStatus = (r: VerifyResult, tag: number): string | undefined => r.checks.find((c) => c.tag === tag)?.status;

// ---------------------------------------------------------------------------------------------

describe('corrupted packages: rpm and we both say BAD', () => {
  async function corrupt(name: string, locate: (h: Awaited<ReturnType<typeof parseRpmHeaders>>) => number): Promise<string> {
    const bytes = new Uint8Array(readFileSync(HELLO_SIGNED));
    const h = await parseRpmHeaders(bytes);
    const off = locate(h);
    bytes[off] ^= 0x20;
    const out = join(WORK, name);
    writeFileSync(out, bytes);
    return out;
  }
  const where = {
    // A letter of the description: the header still parses, its digests and signatures break.
    header: (h: Awaited<ReturnType<typeof parseRpmHeaders>>) =>
      h.headerOffset + 16 + h.header.entries.length * 16 + h.header.entry(1005)!.offset + 3,
    payload: (h: Awaited<ReturnType<typeof parseRpmHeaders>>) => h.payloadOffset + 100,
    // Inside the RSA header signature's MPI (its leading 16 digest bits stay intact).
    signature: (h: Awaited<ReturnType<typeof parseRpmHeaders>>) => {
      const e = h.signature.entry(268)!;
      return 96 + 16 + h.signature.entries.length * 16 + e.offset + e.length - 20;
    },
  };
  for (const [part, locate] of Object.entries(where)) {
    test(`flipped byte in the ${part}`, async (t) => {
      if (!needTools(t, 'rpmkeys', 'rpmdb')) return;
      const f = await corrupt(`corrupt-${part}.rpm`, locate);
      for (const keys of [[], [key('rpm.org-rsa-2048-test.pub')]]) {
        for (const level of ['digest', 'all'] as const) {
          const r = (await compareWithRpm([f], keys, level)).get(f)!;
          assert.equal(r.ok, false);
          if (keys.length) assert.ok(r.checks.some((c) => c.status === 'BAD'), formatRpmkeysReport(r));
        }
      }
    });
  }

  test('the corrupted fixture (payload cut off) is BAD with or without the key', async () => {
    const f = join(RPMS, 'hello-2.0-1.x86_64-corrupted.rpm');
    for (const ring of [undefined, await readKeyring([key('rpm.org-rsa-2048-test.pub')])]) {
      const r = await verifyPackage(f, ring);
      assert.equal(r.ok, false);
      assert.equal(r.checks.find((c) => c.name === 'Payload SHA256 digest')?.status, 'BAD');
    }
  });

  test('unreadable input is an error result, not an exception', async () => {
    const trunc = join(WORK, 'trunc.rpm');
    writeFileSync(trunc, readFileSync(HELLO).subarray(0, 5000));
    for (const f of [trunc, join(WORK, 'missing.rpm'), key('rpm.org-rsa-2048-test.pub')]) {
      const r = await verifyPackage(f);
      assert.equal(r.ok, false);
      assert.ok(r.error, f);
      assert.deepEqual(r.checks, []);
      assert.match(formatRpmkeysLine(r), /NOT OK/);
    }
  });
});

describe('large payloads are streamed', () => {
  // hello's header with a 5 MiB random payload: PAYLOADDIGEST patched in place (same length), then
  // the signature header's SHA1/SHA256/MD5/SIZE recomputed.
  async function bigPackage(name: string, payload: Uint8Array): Promise<string> {
    const bytes = new Uint8Array(readFileSync(HELLO));
    const h = await parseRpmHeaders(bytes);
    const header = new Uint8Array(h.headerBytes);
    const e = h.header.entry(5092)!;
    const at = 16 + h.header.entries.length * 16 + e.offset;
    header.set(Buffer.from(createHash('sha256').update(payload).digest('hex')), at);
    const out = join(WORK, name);
    await resign(HELLO, out, (es) => {
      const md5 = createHash('md5').update(header).update(payload).digest();
      const size = Buffer.alloc(4);
      size.writeUInt32BE(header.length + payload.length);
      const repl: Record<number, Uint8Array> = {
        269: Buffer.from(`${createHash('sha1').update(header).digest('hex')}\0`),
        273: Buffer.from(`${createHash('sha256').update(header).digest('hex')}\0`),
        1004: md5,
        1000: size,
      };
      return es.map((x) => (repl[x.tag] ? { ...x, data: repl[x.tag] } : x));
    });
    const pkg = readFileSync(out);
    const hdrAt = pkg.length - (bytes.length - h.headerOffset);
    writeFileSync(out, Buffer.concat([pkg.subarray(0, hdrAt), header, payload]));
    return out;
  }

  test('a 5 MiB payload verifies, and a flipped byte deep inside is caught', async (t) => {
    const good = await bigPackage('big.rpm', new Uint8Array(randomBytes(5 * 1024 * 1024 + 123)));
    const r = await verifyPackage(good, undefined, { requireSignature: false });
    assert.ok(r.ok, formatRpmkeysReport(r));
    const badBytes = Buffer.from(readFileSync(good));
    badBytes[badBytes.length - 2 * 1024 * 1024 + 5] ^= 1;
    const bad = join(WORK, 'big-bad.rpm');
    writeFileSync(bad, badBytes);
    const rb = await verifyPackage(bad, undefined, { requireSignature: false });
    assert.equal(rb.ok, false);
    assert.equal(rb.checks.find((c) => c.name === 'Payload SHA256 digest')?.status, 'BAD');
    assert.equal(rb.checks.find((c) => c.name === 'MD5 digest')?.status, 'BAD');
    if (!needTools(t, 'rpmkeys', 'rpmdb')) return;
    await compareWithRpm([good, bad], [], 'digest');
  });
});

describe('signDetached', () => {
  const DATE = new Date('2024-06-01T00:00:00Z');

  test('a date before the key was made (an old SOURCE_DATE_EPOCH) becomes the key creation time', async () => {
    const { privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'New', email: 'new@example.com' }], format: 'armored' });
    const created = (await openpgp.readPrivateKey({ armoredKey: privateKey })).getCreationTime().getTime() / 1000;
    const sig = await signDetached(Buffer.from('data'), privateKey, { date: new Date('2001-01-01T00:00:00Z') });
    assert.equal(parseSignaturePacket(sig).created, Math.floor(created));
  });

  test('RSA signature in the RSA tag: rpm and we accept it; signing is reproducible', async (t) => {
    const secret = readFileSync(key('rpm.org-rsa-2048-test.secret'), 'utf8');
    const header = await headerOf(HELLO);
    const sig = await signDetached(header, secret, { date: DATE });
    assert.deepEqual(await signDetached(header, secret, { date: DATE }), sig, 'same key, data and date give the same bytes');
    assert.equal(signatureTagFor(sig), 268);
    const f = await resign(HELLO, join(WORK, 'signed-rsa.rpm'), withSig(268, sig));
    const r = await verifyPackage(f, await readKeyring([key('rpm.org-rsa-2048-test.pub')]));
    assert.ok(r.ok, formatRpmkeysReport(r));
    assert.equal(r.checks[0].name, 'Header V4 RSA/SHA256 Signature, key ID 1964c5fc');
    assert.equal(r.checks[0].status, 'OK');
    if (!needTools(t, 'rpmkeys', 'rpmdb', 'sqv')) return;
    for (const level of ['digest', 'all'] as const) {
      await compareWithRpm([f], [key('rpm.org-rsa-2048-test.pub')], level);
      await compareWithRpm([f], [], level);
    }
    writeFileSync(join(WORK, 'header.bin'), header);
    writeFileSync(join(WORK, 'header.sig'), sig);
    const v = spawnSync('sqv', ['--keyring', key('rpm.org-rsa-2048-test.pub'), join(WORK, 'header.sig'), join(WORK, 'header.bin')], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stderr);
  });

  test('Ed25519 signature in the DSA tag: rpm and we accept it', async (t) => {
    const header = await headerOf(HELLO);
    const sig = await signDetached(header, readFileSync(key('rpm.org-ed25519-test.secret'), 'utf8'));
    assert.equal(signatureTagFor(sig), 267);
    const f = await resign(HELLO, join(WORK, 'signed-ed25519.rpm'), withSig(267, sig));
    const r = await verifyPackage(f, await readKeyring([key('rpm.org-ed25519-test.pub')]));
    assert.ok(r.ok, formatRpmkeysReport(r));
    assert.equal(r.checks[0].name, 'Header V4 EdDSA/SHA256 Signature, key ID 757bf69e');
    if (!needTools(t, 'rpmkeys', 'rpmdb', 'sqv')) return;
    await compareWithRpm([f], [key('rpm.org-ed25519-test.pub')], 'all');
    await compareWithRpm([f], [key('rpm.org-rsa-2048-test.pub')], 'all');
    writeFileSync(join(WORK, 'h.bin'), header);
    writeFileSync(join(WORK, 'h.sig'), sig);
    const v = spawnSync('sqv', ['--keyring', key('rpm.org-ed25519-test.pub'), join(WORK, 'h.sig'), join(WORK, 'h.bin')], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stderr);
  });

  test('key ID collision: the right key verifies, the colliding one is BAD (as in rpm)', async (t) => {
    const header = await headerOf(HELLO);
    const sig = await signDetached(header, readFileSync(key('keyidcollision1.asc'), 'utf8'));
    const f = await resign(HELLO, join(WORK, 'collision.rpm'), withSig(267, sig));
    assert.equal(sigStatus(await verifyPackage(f, await readKeyring([key('keyidcollision1.pub')])), 267), 'OK');
    assert.equal(sigStatus(await verifyPackage(f, await readKeyring([key('keyidcollision2.pub')])), 267), 'BAD');
    const both = await verifyPackage(f, await readKeyring([key('keyidcollision2.pub'), key('keyidcollision1.pub')]));
    assert.equal(sigStatus(both, 267), 'OK', 'the issuer fingerprint picks the right one of two keys sharing an ID');
    if (!needTools(t, 'rpmkeys', 'rpmdb')) return;
    await compareWithRpm([f], [key('keyidcollision2.pub')], 'all');
    await compareWithRpm([f], [key('keyidcollision1.pub')], 'all');
  });

  test('ECDSA (NIST P-256 fixture key, P-384 and P-521 generated): verified; tampering is BAD', async (t) => {
    const header = await headerOf(HELLO);
    const keys: Array<{ pub: string; sec: string }> = [
      { pub: readFileSync(key('rpm.org-nistp256-test.pub'), 'utf8'), sec: readFileSync(key('rpm.org-nistp256-test.secret'), 'utf8') },
    ];
    for (const curve of ['nistP384', 'nistP521'] as const) {
      const k = await openpgp.generateKey({ type: 'ecc', curve, userIDs: [{ name: curve }], format: 'armored' });
      keys.push({ pub: k.publicKey, sec: k.privateKey });
    }
    for (const [i, k] of keys.entries()) {
      const sig = await signDetached(header, k.sec);
      const f = await resign(HELLO, join(WORK, `ecdsa${i}.rpm`), withSig(267, sig));
      const ring = new Keyring(parseCerts(k.pub));
      const r = await verifyPackage(f, ring);
      assert.ok(r.ok, formatRpmkeysReport(r));
      // SHA-256 as rpm signs, unless the curve needs a longer hash (P-384: SHA-384, P-521: SHA-512).
      assert.match(r.checks[0].name, [/^Header V4 ECDSA\/SHA256 Signature/, /ECDSA\/SHA384/, /ECDSA\/SHA512/][i]);
      const bad = Buffer.from(readFileSync(f));
      const sh = (await parseRpmHeaders(new Uint8Array(bad))).signature;
      const e = sh.entry(267)!;
      bad[96 + 16 + 16 * sh.entries.length + e.offset + e.length - 3] ^= 1; // inside s
      writeFileSync(f, bad);
      assert.equal(sigStatus(await verifyPackage(f, ring), 267), 'BAD');
    }
    if (!needTools(t, 'rpmkeys')) return;
    assert.equal(rpmImports(key('rpm.org-nistp256-test.pub')), false, 'rpm 4.18 cannot import ECDSA keys');
  });

  test('the NIST curve constants match node:crypto', () => {
    const names: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };
    for (const [name, c] of Object.entries(ecCurves)) {
      const hex = (v: bigint): string => v.toString(16).padStart(c.size * 2, '0');
      const one = createECDH(names[name]);
      one.setPrivateKey(Buffer.from(hex(1n), 'hex'));
      assert.equal(one.getPublicKey('hex'), `04${hex(c.gx)}${hex(c.gy)}`, `${name} G`);
      const last = createECDH(names[name]);
      last.setPrivateKey(Buffer.from(hex(c.n - 1n), 'hex'));
      assert.equal(last.getPublicKey('hex'), `04${hex(c.gx)}${hex(c.p - c.gy)}`, `${name} (n-1)G = -G`);
      assert.equal((c.gy * c.gy - (c.gx ** 3n + c.a * c.gx + c.b)) % c.p, 0n, `${name} G on the curve`);
    }
  });

  test('v6 keys (Ed25519, RSA-4096) sign into the OPENPGP tag; rpm 4.18 ignores it', async (t) => {
    const header = await headerOf(HELLO);
    const sigs: string[] = [];
    for (const k of ['rpm.org-v6-ed25519-test', 'rpm.org-v6-rsa4k-test']) {
      const sig = await signDetached(header, readFileSync(key(`${k}.secret`), 'utf8'));
      assert.equal(signatureTagFor(sig), 278);
      sigs.push(Buffer.from(sig).toString('base64'));
    }
    const f = await resign(HELLO, join(WORK, 'v6.rpm'), (es) => [...es, { tag: 278, type: 8, count: 2, data: strArray(sigs) }]);
    const ring = await readKeyring([key('rpm.org-v6-ed25519-test.asc'), key('rpm.org-v6-rsa4k-test.asc')]);
    const r = await verifyPackage(f, ring);
    assert.ok(r.ok, formatRpmkeysReport(r));
    assert.deepEqual(
      r.checks.filter((c) => c.rpm6).map((c) => `${c.name}: ${c.status}`),
      ['Header OpenPGP V6 RSA/SHA256 Signature, key ID 25ee7635: OK', 'Header OpenPGP V6 Ed25519/SHA256 Signature, key ID 81c41473: OK'],
    );
    // rpmsigdig.at names the same signing subkeys: 6118abe481c41473 and 0a25ec5925ee7635.
    assert.deepEqual(r.checks.filter((c) => c.rpm6).map((c) => c.keyId), ['0a25ec5925ee7635', '6118abe481c41473']);
    const none = await verifyPackage(f, new Keyring());
    assert.deepEqual(none.checks.filter((c) => c.rpm6).map((c) => c.status), ['NOKEY', 'NOKEY']);
    assert.equal(none.ok, false);
    // A corrupted v6 signature is BAD.
    const broken = Buffer.from(sigs[0], 'base64');
    broken[broken.length - 5] ^= 1;
    const f2 = await resign(HELLO, join(WORK, 'v6-bad.rpm'), (es) => [...es, { tag: 278, type: 8, count: 1, data: strArray([broken.toString('base64')]) }]);
    const rb = await verifyPackage(f2, ring);
    assert.equal(rb.ok, false);
    assert.equal(rb.checks.find((c) => c.rpm6)!.status, 'BAD');
    if (!needTools(t, 'rpmkeys', 'rpmdb')) return;
    await compareWithRpm([f], [], 'digest', {}, [], true);
  });

  test('an encrypted secret key needs its passphrase', async () => {
    const k = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'p' }], passphrase: 'pw', format: 'armored' });
    await assert.rejects(signDetached(new Uint8Array([1]), k.privateKey), PgpError);
    const sig = await signDetached(new Uint8Array([1]), k.privateKey, { passphrase: 'pw' });
    assert.equal(signatureTagFor(sig), 267);
  });
});

// ---------------------------------------------------------------------------------------------
// gpg-made keys: DSA, and a signing subkey whose binding is then removed or broken (CVE-2021-3521).

describe('gpg-made keys and signatures', () => {
  const GNUPG = join(WORK, 'gnupg');
  let ready = false;
  const gpg = (args: string[], input?: Uint8Array): Buffer =>
    execFileSync('gpg', ['--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
      env: { ...process.env, GNUPGHOME: GNUPG },
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  const skip = (t: TestContext): boolean => !needTools(t, 'gpg', 'gpgconf', 'rpmkeys', 'rpmdb');

  before(() => {
    if (!hasTool('gpg')) return;
    mkdirSync(GNUPG, { recursive: true, mode: 0o700 });
    gpg(['--quick-gen-key', 'DSA Test <dsa@example.org>', 'dsa2048', 'sign', 'never']);
    gpg(['--quick-gen-key', 'Sub Test <sub@example.org>', 'ed25519', 'cert', 'never']);
    const fpr = /^fpr:+([0-9A-F]+):/m.exec(gpg(['--with-colons', '--list-keys', 'sub@example.org']).toString())![1];
    gpg(['--quick-add-key', fpr, 'ed25519', 'sign', 'never']);
    writeFileSync(join(WORK, 'dsa.pub'), gpg(['--export', '--armor', 'dsa@example.org']));
    writeFileSync(join(WORK, 'sub.pgp'), gpg(['--export', 'sub@example.org']));
    writeFileSync(join(WORK, 'sub.asc'), gpg(['--export', '--armor', 'sub@example.org']));
    ready = true;
  });
  after(() => {
    if (ready) spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: GNUPG } });
  });

  test('DSA header signature made by gpg', async (t) => {
    if (skip(t)) return;
    const header = await headerOf(HELLO);
    const sig = gpg(['--digest-algo', 'SHA256', '--local-user', 'dsa@example.org', '--detach-sign'], header);
    const f = await resign(HELLO, join(WORK, 'dsa.rpm'), withSig(267, sig));
    const ours = await compareWithRpm([f], [join(WORK, 'dsa.pub')], 'all');
    assert.equal(sigStatus(ours.get(f)!, 267), 'OK');
    assert.ok(ours.get(f)!.ok);
    await compareWithRpm([f], [key('rpm.org-rsa-2048-test.pub')], 'all');
  });

  test('subkey signature: good binding verifies; removed or broken binding never does', async (t) => {
    if (skip(t)) return;
    const header = await headerOf(HELLO);
    const sig = gpg(['--digest-algo', 'SHA256', '--local-user', 'sub@example.org', '--detach-sign'], header);
    const f = await resign(HELLO, join(WORK, 'subkey.rpm'), withSig(267, sig));
    const good = join(WORK, 'sub.pgp');
    const r = (await compareWithRpm([f], [join(WORK, 'sub.asc')], 'all')).get(f)!;
    assert.equal(sigStatus(r, 267), 'OK');
    assert.notEqual(r.checks[0].fingerprint, parseCerts(readFileSync(good))[0].primary.fingerprint, 'made by the subkey');

    const bin = new Uint8Array(readFileSync(good));
    const pkts = readPackets(bin);
    const subAt = pkts.findIndex((p) => p.tag === 14);
    const binding = pkts[subAt + 1];
    const variants: Record<string, Uint8Array> = {
      // CVE-2021-3521 "nosubsig": the subkey has no binding signature at all.
      'no binding': Buffer.concat([bin.subarray(0, binding.start), bin.subarray(binding.end)]),
      // "badbind": the binding signature does not verify.
      'broken binding': (() => {
        const b = Buffer.from(bin);
        b[binding.end - 3] ^= 0x55;
        return b;
      })(),
    };
    for (const [name, k] of Object.entries(variants)) {
      const file = join(WORK, `sub-${name.replace(' ', '-')}.pgp`);
      writeFileSync(file, k);
      const ours = await verifyPackage(f, await readKeyring([file]));
      assert.equal(sigStatus(ours, 267), 'NOKEY', `${name}: ${formatRpmkeysReport(ours)}`);
      assert.match(ours.checks[0].detail ?? '', /is not usable/);
      assert.equal(ours.ok, false);
      // rpm 4.18 refuses such a certificate outright (armored copy: it does not read binary keys).
      const armored = join(WORK, `sub-${name.replace(' ', '-')}.asc`);
      writeFileSync(armored, gpg(['--enarmor'], k).toString().replace(/ARMORED FILE/g, 'PUBLIC KEY BLOCK'));
      assert.equal(rpmImports(armored), false, name);
    }
  });
});

describe('strata rpm verify', () => {
  test('exit codes, --key, --nosignature, --allow-unsigned, JSON', () => {
    const rsa = key('rpm.org-rsa-2048-test.pub');
    let r = strata(['rpm', 'verify', HELLO]);
    assert.equal(r.code, 1, 'unsigned packages are refused by default');
    assert.match(r.stdout, /Header RSA signature: NOTFOUND/);
    r = strata(['rpm', 'verify', HELLO_SIGNED]);
    assert.equal(r.code, 1, 'NOKEY fails');
    assert.match(r.stdout, /Header V4 RSA\/SHA256 Signature, key ID 1964c5fc: NOKEY/);
    r = strata(['rpm', 'verify', '--key', rsa, HELLO_SIGNED]);
    assert.equal(r.code, 0, r.stderr);
    r = strata(['rpm', 'verify', '--nosignature', HELLO, HELLO_SIGNED]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /Signature/);
    r = strata(['rpm', 'verify', '--allow-unsigned', '--brief', HELLO]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${HELLO}: digests OK\n`);
    r = strata(['rpm', 'verify', '--brief', '--key', rsa, HELLO_SIGNED, join(RPMS, 'hello-2.0-1.x86_64-corrupted.rpm')]);
    assert.equal(r.code, 1);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      `${HELLO_SIGNED}: digests signatures OK`,
      // The signature requirement shows the missing legacy signatures as NOTFOUND (rpm: level all).
      `${join(RPMS, 'hello-2.0-1.x86_64-corrupted.rpm')}: DIGESTS SIGNATURES NOT OK`,
    ]);
    r = strata(['rpm', 'verify', '-o', 'json', '--key', rsa, HELLO_SIGNED, HELLO]);
    const json = JSON.parse(r.stdout) as VerifyResult[];
    assert.deepEqual(json.map((x) => x.ok), [true, false]);
    assert.equal(json[0].checks[0].name, 'Header V4 RSA/SHA256 Signature, key ID 1964c5fc');
    r = strata(['rpm', 'verify', '--key', key('rpm.org-rsa-2048-test.secret'), HELLO]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not a public key/);
    r = strata(['rpm', 'verify']);
    assert.equal(r.code, 2);
  });

  test('many files keep their order', () => {
    const files = fixturePackages();
    const r = strata(['rpm', 'verify', '--brief', '--nosignature', ...files]);
    assert.deepEqual(
      r.stdout.trim().split('\n').map((l) => l.slice(0, l.indexOf(': '))),
      files,
    );
    assert.equal(r.code, 1, 'the corrupted fixture fails');
  });
});

test('verifyPackages on worker threads gives the same results as one by one', async () => {
  const { verifyPackages } = await import('../../src/rpm/index.ts');
  const { fixturePackages } = await import('../support/fixtures.ts');
  const files = fixturePackages();
  const pooled = await verifyPackages(files, undefined, { noSignature: true, jobs: 2 });
  const serial = await verifyPackages(files, undefined, { noSignature: true, jobs: 1 });
  assert.deepEqual(pooled, serial);
  assert.ok(pooled.some((r) => !r.ok) && pooled.some((r) => r.ok));
});
