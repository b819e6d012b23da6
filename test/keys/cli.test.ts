// `strata key …` and `strata pack --sign-key NAME` as a user runs them, checked against gpg and rpm's
// own tools; and that no command ever prints secret key material or a passphrase.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliResult, strata as runStrata } from '../support/cli.ts';
import { workDir } from '../support/fixtures.ts';
import { needTools } from '../support/tools.ts';

const base = workDir('keys-cli');
const keys = join(base, 'keys');
const env = { STRATA_KEYS_DIR: keys };
const PASSPHRASE = 'tr0ub4dor&3-never-print-me';

/** Every command's output, checked at the end for leaked secrets. */
const outputs: Array<{ args: string[]; text: string }> = [];
function strata(args: string[], extraEnv: Record<string, string> = {}, input?: string): CliResult {
  const r = runStrata(args, { env: { ...env, ...extraEnv }, input });
  outputs.push({ args, text: r.stdout + r.stderr });
  return r;
}
function ok(args: string[]): CliResult {
  const r = strata(args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r;
}
function oneLineError(r: CliResult, code: number, re: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  assert.match(r.stderr, re);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

function tool(cmd: string, args: string[], extraEnv: Record<string, string> = {}): CliResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...extraEnv } });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const mode = (p: string): number => statSync(p).mode & 0o777;

before(() => {
  rmSync(base, { recursive: true, force: true });
  mkdirSync(join(base, 'root/usr/share/signed'), { recursive: true });
  writeFileSync(join(base, 'root/usr/share/signed/data'), 'payload\n');
  writeFileSync(join(base, 'pass'), `${PASSPHRASE}\n`, { mode: 0o600 });
});
after(() => rmSync(base, { recursive: true, force: true }));

describe('strata key', () => {
  test('generate RSA (-v) and Ed25519 keys: a table row, -o json, 0600/0700', () => {
    const rsa = ok(['key', 'generate', '-v', '--bits', '2048', '--user-id', 'Strata Test <t@example.com>', 'rsa']);
    assert.match(rsa.stdout, /^NAME +KEY ID +ALGORITHM +CREATED +EXPIRES +SECRET +USER ID\nrsa +[0-9a-f]{16} +rsa2048 +\d{4}-\d\d-\d\d +never +yes +Strata Test <t@example\.com>\n$/);
    assert.match(rsa.stderr, /generating rsa2048 key "rsa"/);
    const ed = JSON.parse(ok(['key', 'generate', '-o', 'json', '-v', '--algorithm', 'ed25519', '--expires', '1y', '--user-id', 'Strata Ed <ed@example.com>', 'ed']).stdout);
    assert.equal(ed.algorithm, 'ed25519');
    assert.equal(ed.version, 4);
    assert.equal(Date.parse(ed.expires) - Date.parse(ed.created), 365 * 86400 * 1000);
    ok(['key', 'generate', '-v', '--algorithm', 'ed25519', '--passphrase-file', join(base, 'pass'), '--user-id', 'Locked <l@example.com>', 'locked']);
    assert.equal(mode(keys), 0o700);
    for (const k of ['rsa', 'ed', 'locked']) assert.equal(mode(join(keys, `${k}.secret.asc`)), 0o600, k);
  });

  test('generate refuses a taken name without --force, and bad flags as usage errors', () => {
    oneLineError(strata(['key', 'generate', '--algorithm', 'ed25519', '--user-id', 'X <x@example.com>', 'ed']), 1, /key "ed" already exists in the keystore \(use --force/);
    oneLineError(strata(['key', 'generate', 'x']), 2, /--user-id "NAME <EMAIL>" is required/);
    oneLineError(strata(['key', 'generate', '--user-id', 'X <x@e.com>', '--algorithm', 'dsa', 'x']), 2, /unknown algorithm "dsa"/);
    oneLineError(strata(['key', 'generate', '--user-id', 'X <x@e.com>', '--algorithm', 'ed25519', '--bits', '2048', 'x']), 2, /--bits applies to RSA keys only/);
    oneLineError(strata(['key', 'generate', '--user-id', 'X <x@e.com>', '--expires', 'tomorrow', 'x']), 2, /--expires: expiry "tomorrow"/);
    oneLineError(strata(['key', 'generate', '--user-id', 'X <x@e.com>', 'a/b']), 1, /invalid key name "a\/b"/);
  });

  test('list: table and -o json; export prints the public key', () => {
    const t = ok(['key', 'list']).stdout.split('\n');
    assert.match(t[0], /^NAME +KEY ID +ALGORITHM/);
    assert.deepEqual(t.slice(1, 4).map((l) => l.split(/ +/)[0]), ['ed', 'locked', 'rsa']);
    const j = JSON.parse(ok(['key', 'list', '-o', 'json']).stdout);
    assert.deepEqual(j.map((k: { name: string }) => k.name), ['ed', 'locked', 'rsa']);
    assert.deepEqual(Object.keys(j[0]).sort(), ['algorithm', 'created', 'expires', 'fingerprint', 'hasSecret', 'keyId', 'name', 'userIds', 'version']);
    const empty = strata(['key', 'list'], { STRATA_KEYS_DIR: join(base, 'none') });
    assert.equal(empty.stdout, '');
    assert.match(empty.stderr, /^no keys in /);
    assert.equal(strata(['key', 'list', '-o', 'json'], { STRATA_KEYS_DIR: join(base, 'none') }).stdout.trim(), '[]');
    for (const k of ['rsa', 'ed', 'locked']) {
      const pub = ok(['key', 'export', k]).stdout;
      assert.match(pub, /^-----BEGIN PGP PUBLIC KEY BLOCK-----\n[^]*-----END PGP PUBLIC KEY BLOCK-----\n$/);
      writeFileSync(join(base, `${k}.pub`), pub);
    }
    const j2 = JSON.parse(ok(['key', 'export', '-o', 'json', 'ed']).stdout);
    assert.deepEqual([j2.name, j2.secret], ['ed', false]);
    assert.equal(j2.armored, readFileSync(join(base, 'ed.pub'), 'utf8'));
  });

  test('the exported public keys are accepted by gpg --import', (t) => {
    if (!needTools(t, 'gpg')) return;
    const home = join(base, 'gnupg');
    mkdirSync(home, { recursive: true, mode: 0o700 });
    for (const k of ['rsa', 'ed', 'locked']) {
      const pub = join(base, `${k}.pub`);
      const r = tool('gpg', ['--batch', '--import', pub], { GNUPGHOME: home });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /imported: 1/);
    }
    const list = tool('gpg', ['--batch', '--with-colons', '--list-keys'], { GNUPGHOME: home }).stdout;
    assert.match(list, /^pub:[^:]*:2048:1:/m, 'RSA 2048');
    assert.match(list, /^pub:[^:]*:255:22:/m, 'EdDSA (algorithm 22) on ed25519');
  });

  test('rpmkeys --import takes them; packages signed with `pack --sign-key NAME` pass rpmkeys -K and strata verify', (t) => {
    if (!needTools(t, 'rpmkeys')) return;
    const db = join(base, 'rpmdb');
    mkdirSync(db, { recursive: true });
    const home = join(base, 'home');
    mkdirSync(home, { recursive: true });
    for (const k of ['rsa', 'ed', 'locked']) {
      const pub = join(base, `${k}.pub`);
      const r = tool('rpmkeys', ['--dbpath', db, '--import', pub], { HOME: home });
      assert.equal(r.code, 0, `${k}: ${r.stderr}`);
    }
    const packArgs = (k: string): string[] => [
      'pack', '-o', 'json', '--name', `signed-${k}`, '--version=1', '--summary', 's', '--license', 'MIT',
      '--output-dir', join(base, 'out'), '--sign-key', k, join(base, 'root'),
    ];
    const cases: Array<[string, string[], RegExp]> = [
      ['rsa', ['-v'], /Header V4 RSA\/SHA256 Signature, key ID [0-9a-f]{8}: OK/],
      ['ed', [], /Header V4 EdDSA\/SHA256 Signature, key ID [0-9a-f]{8}: OK/],
      ['locked', ['--passphrase-file', join(base, 'pass')], /Header V4 EdDSA\/SHA256 Signature, key ID [0-9a-f]{8}: OK/],
    ];
    for (const [k, extra, re] of cases) {
      const r = ok([...packArgs(k), ...extra]);
      const pkg = JSON.parse(r.stdout).path as string;
      const K = tool('rpmkeys', ['--dbpath', db, '-Kv', pkg], { HOME: home });
      assert.equal(K.code, 0, K.stdout + K.stderr);
      assert.match(K.stdout, re);
      ok(['rpm', 'verify', '--key', join(base, `${k}.pub`), pkg]);
    }
    assert.match(outputs.at(-6)!.text, /signing with keystore key "rsa"/, '-v names the key, nothing more');
    // Without the passphrase the encrypted key cannot sign: one line, and the passphrase is not echoed.
    oneLineError(strata(packArgs('locked')), 1, /passphrase/);
  });

  test('export --secret needs --output-file; writes 0600, refuses to clobber without --force', () => {
    oneLineError(strata(['key', 'export', '--secret', 'rsa']), 2, /--secret needs --output-file FILE/);
    const file = join(base, 'backup.asc');
    const r = ok(['key', 'export', '--secret', '--output-file', file, 'rsa']);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^wrote the secret key "rsa" to /);
    assert.equal(mode(file), 0o600);
    assert.equal(readFileSync(file, 'utf8'), readFileSync(join(keys, 'rsa.secret.asc'), 'utf8'));
    oneLineError(strata(['key', 'export', '--secret', '--output-file', file, 'rsa']), 1, /backup\.asc already exists \(use --force/);
    ok(['key', 'export', '--secret', '--force', '--output-file', file, 'rsa']);
    const pubFile = join(base, 'rsa-export.pub');
    ok(['key', 'export', '--output-file', pubFile, 'rsa']);
    assert.equal(mode(pubFile), 0o644);
    oneLineError(strata(['key', 'export', 'nosuch']), 1, /no key named "nosuch" in the keystore/);
  });

  test('import: a backup into another keystore, stdin, and garbage as a one-line error', () => {
    const other = { STRATA_KEYS_DIR: join(base, 'other') };
    const r = strata(['key', 'import', '-o', 'json', '--name', 'restored', join(base, 'backup.asc')], other);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).hasSecret, true);
    assert.equal(mode(join(base, 'other', 'restored.secret.asc')), 0o600);
    const viaStdin = strata(['key', 'import', '--name', 'frompipe', '-'], other, readFileSync(join(base, 'ed.pub'), 'utf8'));
    assert.equal(viaStdin.code, 0, viaStdin.stderr);
    assert.match(viaStdin.stdout, /frompipe .* no +Strata Ed/);
    writeFileSync(join(base, 'garbage.asc'), 'this is not a key\n');
    oneLineError(strata(['key', 'import', join(base, 'garbage.asc')]), 1, /^strata: .*garbage\.asc: not an OpenPGP key \(expected an armored or binary public or secret key\)\n$/);
    writeFileSync(join(base, 'random.bin'), Buffer.from([0x99, 0x01, 0x0d, 0x04, 0xde, 0xad]));
    oneLineError(strata(['key', 'import', join(base, 'random.bin')]), 1, /random\.bin: not an OpenPGP key/);
    oneLineError(strata(['key', 'import', base]), 1, /is a directory, not a key file/);
    oneLineError(strata(['key', 'import', join(base, 'missing.asc')]), 1, /missing\.asc: no such file or directory/);
    oneLineError(strata(['key', 'import', '--name', 'x', join(base, 'rsa.pub')], other), 1, /is already in the keystore as "restored"/);
  });

  test('too-open permissions are refused with a one-line hint', () => {
    chmodSync(join(keys, 'ed.secret.asc'), 0o640);
    oneLineError(strata(['pack', '--name', 'x', '--version=1', '--summary', 's', '--license', 'MIT', '--output-dir', join(base, 'out'), '--sign-key', 'ed', join(base, 'root')]), 1, /ed\.secret\.asc has mode 0640: secret key files must be accessible only by you \(chmod 600 /);
    chmodSync(join(keys, 'ed.secret.asc'), 0o600);
    chmodSync(keys, 0o750);
    oneLineError(strata(['key', 'list']), 1, /keystore directory .* has mode 0750: it must not be accessible by group or others/);
    chmodSync(keys, 0o700);
  });

  test('a key file given by path still works; a group/world-readable one is signed with but warned about', () => {
    const file = join(base, 'loose.asc');
    writeFileSync(file, readFileSync(join(base, 'backup.asc')));
    chmodSync(file, 0o644);
    const r = ok(['pack', '-o', 'json', '--name', 'byfile', '--version=1', '--summary', 's', '--license', 'MIT', '--output-dir', join(base, 'out'), '--sign-key', file, join(base, 'root')]);
    assert.ok(JSON.parse(r.stdout).path);
    assert.match(r.stderr, /^warning: secret key file .*loose\.asc has mode 0644 and is accessible by group or others/);
    chmodSync(file, 0o600);
    assert.equal(ok(['pack', '-o', 'json', '--name', 'byfile2', '--version=1', '--summary', 's', '--license', 'MIT', '--output-dir', join(base, 'out'), '--sign-key', file, join(base, 'root')]).stderr, '');
  });

  test('delete removes the key', () => {
    const r = ok(['key', 'delete', 'locked']);
    assert.match(r.stderr, /^deleted key "locked" \([0-9a-f]{40}, with its secret key\)/);
    assert.deepEqual(JSON.parse(ok(['key', 'list', '-o', 'json']).stdout).map((k: { name: string }) => k.name), ['ed', 'rsa']);
    oneLineError(strata(['key', 'delete', 'locked']), 1, /no key named "locked"/);
  });

  test('no command printed secret key material or the passphrase', () => {
    // Secret material: every base64 line of the stored secret keys that the public export does not share.
    const secretLines: string[] = [];
    for (const k of ['rsa', 'ed']) {
      const pub = readFileSync(join(base, `${k}.pub`), 'utf8');
      const sec = readFileSync(join(keys, `${k}.secret.asc`), 'utf8');
      secretLines.push(...sec.split('\n').filter((l) => /^[A-Za-z0-9+/=]{20,}$/.test(l) && !pub.includes(l)));
    }
    assert.ok(secretLines.length > 5);
    assert.ok(outputs.length > 30);
    for (const { args, text } of outputs) {
      // `key export --secret` only ever wrote to a file here, so nothing may show a secret key at all.
      assert.doesNotMatch(text, /PRIVATE KEY/, args.join(' '));
      assert.ok(!text.includes(PASSPHRASE), args.join(' '));
      for (const l of secretLines) assert.ok(!text.includes(l), `${args.join(' ')} printed secret key material`);
    }
  });
});
