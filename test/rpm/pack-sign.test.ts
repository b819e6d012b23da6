// signRpm against rpm 4.18's own tools: rpmkeys -K verifies, and the layout matches rpmsign --addsign.

import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import * as openpgp from 'openpgp';
import { readRpmFileHeaders, SigTag } from '../../src/rpm/index.ts';
import { HeaderBuilder } from '../../src/rpm/write/header-writer.ts';
import { packRpm } from '../../src/rpm/write/pack.ts';
import { signRpm } from '../../src/rpm/write/sign.ts';
import { KEYS, have, rpmHome, run, scratchDir, strata, writeTree } from './pack-helpers.ts';

const key = (k: 'rsa' | 'ed25519'): string => readFileSync(KEYS[k].secret, 'utf8');

function rpmkeysK(pkg: string): string {
  const r = run('rpmkeys', ['-Kv', pkg], { HOME: rpmHome([KEYS.rsa.pub, KEYS.ed25519.pub]) });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r.stdout;
}

describe('signRpm', { skip: !have('rpmkeys') }, () => {
  let dir: string;
  let unsigned: string;
  const copy = (name: string): string => {
    const p = join(dir, name);
    copyFileSync(unsigned, p);
    return p;
  };
  before(async () => {
    dir = scratchDir();
    const root = writeTree(join(dir, 'root'), { 'usr/share/signed/data': 'payload\n', 'usr/bin/signed': { content: '#!/bin/sh\n', mode: 0o755 } });
    const r = await packRpm({ name: 'signed', version: '1', summary: 'Signed', license: 'MIT', root }, { outputDir: join(dir, 'out'), sourceDateEpoch: 1700000000 });
    unsigned = r.path;
  });

  test('RSA: in place, only signature header bytes change, rpmkeys -K OK', async () => {
    const p = copy('rsa.rpm');
    const res = await signRpm(p, key('rsa'));
    assert.deepEqual(res, { path: p, tag: 268, skipped: false, inPlace: true });
    const [a, b] = [readFileSync(unsigned), readFileSync(p)];
    const h = await readRpmFileHeaders(p);
    assert.equal(b.length, a.length);
    assert.ok(a.subarray(0, 96).equals(b.subarray(0, 96)), 'lead unchanged');
    assert.ok(a.subarray(h.headerOffset).equals(b.subarray(h.headerOffset)), 'header and payload unchanged');
    assert.deepEqual(h.signature.tags(), [62, 268, 269, 273, 1000, 1004, 1007, 1008]);
    const sigLen = h.signature.entry(268)!.count;
    // An index entry, the packet, and the change in padding before SIZE (after 41 + 65 bytes of hex).
    const grew = 16 + sigLen + ((4 - ((sigLen + 106) % 4)) % 4) - 2;
    assert.equal(h.signature.entry(SigTag.RESERVEDSPACE)!.count, 4128 - grew);
    assert.match(rpmkeysK(p), /Header V4 RSA\/SHA256 Signature, key ID 1964c5fc: OK/);
  });

  test('the same key again is skipped, like rpmsign', async () => {
    const p = copy('twice.rpm');
    await signRpm(p, key('rsa'));
    const before = readFileSync(p);
    const res = await signRpm(p, key('rsa'));
    assert.equal(res.skipped, true);
    assert.ok(readFileSync(p).equals(before));
  });

  test('EdDSA: tag 267, verified by rpmkeys; a new key replaces the old signature', async () => {
    const p = copy('ed.rpm');
    await signRpm(p, key('rsa'));
    const res = await signRpm(p, key('ed25519'));
    assert.equal(res.tag, 267);
    const h = await readRpmFileHeaders(p);
    assert.equal(h.signature.has(268), false, 'rsa signature removed');
    // A smaller signature than the one it replaces is not written in place: rpmsign rewrites the file
    // with the shorter signature header and keeps RESERVEDSPACE as it was (verified: header at 4312).
    assert.equal(res.inPlace, false);
    assert.ok(h.headerOffset < 96 + 4408);
    assert.equal(h.signature.entry(SigTag.RESERVEDSPACE)!.count, 3804);
    assert.ok(readFileSync(p).subarray(h.headerOffset).equals(readFileSync(unsigned).subarray(96 + 4408)));
    assert.match(rpmkeysK(p), /Header V4 EdDSA\/SHA(256|512) Signature, key ID 757bf69e: OK/);
  });

  test('same layout as rpmsign --addsign', { skip: !have('gpg') || !have('rpmsign') }, async () => {
    const ours = copy('ours.rpm');
    const theirs = copy('theirs.rpm');
    await signRpm(ours, key('rsa'));
    const gnupg = scratchDir('strata-gnupg-');
    const env = { GNUPGHOME: gnupg, HOME: rpmHome() };
    assert.equal(run('gpg', ['--batch', '--import', KEYS.rsa.secret], env).code, 0);
    const gpg = run('sh', ['-c', 'command -v gpg']).stdout.trim();
    const r = run('rpmsign', ['--define', `__gpg ${gpg}`, '--define', '_gpg_name rsa@rpm.org', '--addsign', theirs], env);
    assert.equal(r.code, 0, r.stderr);
    const [o, t] = [await readRpmFileHeaders(ours), await readRpmFileHeaders(theirs)];
    assert.deepEqual(o.signature.tags(), t.signature.tags());
    assert.equal(o.headerOffset, t.headerOffset);
    // Packet sizes differ (gpg adds other subpackets); what rpmsign gives up in RESERVEDSPACE matches.
    const used = (h: typeof o): number => h.signature.entry(268)!.count + h.signature.entry(SigTag.RESERVEDSPACE)!.count;
    assert.ok(Math.abs(used(o) - used(t)) <= 3, `${used(o)} vs ${used(t)}`);
    assert.ok(readFileSync(ours).subarray(o.headerOffset).equals(readFileSync(theirs).subarray(t.headerOffset)));
  });

  test('without RESERVEDSPACE the package is rewritten behind the new signature', async () => {
    const h = await readRpmFileHeaders(unsigned);
    const b = new HeaderBuilder();
    for (const e of h.signature.entries.slice(1)) {
      if (e.tag !== SigTag.RESERVEDSPACE) b.raw(e.tag, e.type, e.count, h.signature.store.subarray(e.offset, e.offset + e.length));
    }
    const file = readFileSync(unsigned);
    const p = join(dir, 'noreserve.rpm');
    writeFileSync(p, Buffer.concat([file.subarray(0, 96), b.build({ region: 62, pad8: true }), file.subarray(h.headerOffset)]));
    const res = await signRpm(p, key('rsa'));
    assert.equal(res.inPlace, false);
    const s = await readRpmFileHeaders(p);
    assert.ok(readFileSync(p).subarray(s.headerOffset).equals(file.subarray(h.headerOffset)));
    assert.match(rpmkeysK(p), /RSA\/SHA256 Signature, key ID 1964c5fc: OK/);
  });

  test('refuses a corrupt package', async () => {
    const p = copy('corrupt.rpm');
    const bytes = readFileSync(p);
    bytes[bytes.length - 20] ^= 0xff;
    writeFileSync(p, bytes);
    await assert.rejects(signRpm(p, key('rsa')), /not signing corrupt package: payload digest mismatch/);
  });

  test('strata pack --sign-key with an encrypted key and --passphrase-file', async () => {
    const priv = await openpgp.readPrivateKey({ armoredKey: key('rsa') });
    const locked = await openpgp.encryptKey({ privateKey: priv, passphrase: 'sekret' });
    writeFileSync(join(dir, 'locked.asc'), locked.armor());
    writeFileSync(join(dir, 'pass'), 'sekret\n');
    const root = writeTree(join(dir, 'cli-root'), { 'usr/share/cli/x': 'x\n' });
    const args = ['pack', '-o', 'json', '--name', 'clisigned', '--version=1', '--summary', 's', '--license', 'MIT', '--output-dir', join(dir, 'cli'), '--sign-key', join(dir, 'locked.asc')];
    const bad = strata([...args, root]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^strata: .*passphrase/);
    const ok = strata([...args, '--passphrase-file', join(dir, 'pass'), root]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(rpmkeysK(JSON.parse(ok.stdout).path), /RSA\/SHA256 Signature, key ID 1964c5fc: OK/);
  });
});
