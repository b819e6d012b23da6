import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { strata } from '../support/cli.ts';
import { fixturePackages, workDir } from '../support/fixtures.ts';

const hello = fixturePackages().find((f) => f.endsWith('RPMS/hello-2.0-1.x86_64.rpm'))!;
const capstest = fixturePackages().find((f) => f.endsWith('capstest-1.0-1.noarch.rpm'))!;

test('--help and --version', () => {
  const h = strata(['--help']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /Usage: strata/);
  assert.match(h.stdout, /rpm info/);
  const v = strata(['--version']);
  assert.equal(v.code, 0);
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
  assert.equal(v.stdout.trim(), `strata ${pkg.version}`);
  const c = strata(['rpm', 'info', '--help']);
  assert.equal(c.code, 0);
  assert.match(c.stdout, /Examples:\n {2}strata rpm info/);
});

test('every command has --help with an example', () => {
  const help = strata(['--help']).stdout;
  const block = help.slice(help.indexOf('Commands:\n') + 10, help.indexOf('\n\n', help.indexOf('Commands:')));
  const list = block.split('\n').filter((l) => l.trim());
  const names = list.map((l) => l.trim().split(/\s{2,}/)[0]);
  assert.ok(names.length >= 5, names.join(','));
  for (const n of names) {
    const r = strata([...n.split(' '), '--help']);
    assert.equal(r.code, 0, n);
    assert.match(r.stdout, /Examples:\n {2}strata /, n);
  }
});

test('usage errors exit 2 with one line; failures exit 1 with one line', () => {
  const cases: Array<[string[], number, RegExp]> = [
    [['frobnicate'], 2, /unknown command "frobnicate"/],
    [['rpm', 'info'], 2, /missing argument/],
    [['rpm', 'info', '--bogus', hello], 2, /Unknown option '--bogus'/],
    [['-o', 'yaml', 'rpm', 'info', hello], 2, /unknown output format "yaml"/],
    [['rpm', 'info', '/nonexistent.rpm'], 1, /\/nonexistent\.rpm: no such file or directory/],
    [['rpm', 'info', import.meta.filename], 1, /cli\.test\.ts: lead: not an RPM package/],
    [['rpm', 'deps', '--kind', 'wants', hello], 2, /unknown dependency kind "wants"/],
  ];
  for (const [args, code, re] of cases) {
    const r = strata(args);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('-o json output is machine-readable for the inspection commands', () => {
  const info = JSON.parse(strata(['rpm', 'info', '-o', 'json', hello]).stdout);
  assert.equal(info.nevra, 'hello-2.0-1.x86_64');
  assert.equal(info.payload.compressor, 'gzip');
  const files = JSON.parse(strata(['-o', 'json', 'rpm', 'files', hello]).stdout);
  assert.equal(files.length, 5);
  assert.equal(files[0].path, '/usr/bin/hello');
  const deps = JSON.parse(strata(['rpm', 'deps', '-ojson', hello]).stdout);
  assert.ok(deps.requires.some((d: { name: string }) => d.name === 'rpmlib(PayloadFilesHavePrefix)'));
  const scripts = JSON.parse(strata(['rpm', 'scripts', '--changelog', '-o', 'json', hello]).stdout);
  assert.ok(Array.isArray(scripts.scripts));
  const caps = JSON.parse(strata(['rpm', 'files', '-o', 'json', capstest]).stdout);
  assert.ok(caps.some((f: { caps: string }) => f.caps === '='));
  const tags = JSON.parse(strata(['rpm', 'info', '--tags', '-o', 'json', hello]).stdout);
  assert.equal(tags.headerTags.NAME, 'hello');
  assert.ok('SHA256' in tags.signatureTags);
});

test('rpm extract writes the tree, refuses a non-empty destination, and leaves nothing on failure', () => {
  const dir = workDir('cli-extract');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const dest = join(dir, 'hello');
  const unsigned = strata(['rpm', 'extract', '-C', dest, hello]);
  assert.equal(unsigned.code, 1);
  assert.match(unsigned.stderr, /refusing to extract: .*NOTFOUND \(give --key FILE, or --nosignature/);
  assert.ok(!existsSync(dest));
  const signed = fixturePackages().find((f) => f.endsWith('hello-2.0-1.x86_64-signed.rpm'))!;
  const key = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures', 'rpm', 'keys', 'rpm.org-rsa-2048-test.pub');
  const withKey = strata(['rpm', 'extract', '--key', key, '-C', join(dir, 'signed'), signed]);
  assert.equal(withKey.code, 0, withKey.stderr);
  const ok = strata(['rpm', 'extract', '--nosignature', '-C', dest, '-o', 'json', hello]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).files, 4);
  assert.ok(existsSync(join(dest, 'usr/bin/hello')));
  const again = strata(['rpm', 'extract', '--nosignature', '-C', dest, hello]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /not empty/);
  const corrupted = fixturePackages().find((f) => f.endsWith('corrupted.rpm'))!;
  const bad = strata(['rpm', 'extract', '--nosignature', '-C', join(dir, 'bad'), corrupted]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /refusing to extract: Payload SHA256 digest: BAD/);
  assert.ok(!existsSync(join(dir, 'bad')), 'nothing left behind');
  writeFileSync(join(dir, 'file'), 'x');
  const notDir = strata(['rpm', 'extract', '--nosignature', '-C', join(dir, 'file'), hello]);
  assert.equal(notDir.code, 1);
  rmSync(dir, { recursive: true, force: true });
});

test('the registry lists exactly the commands its modules define, in help order', async () => {
  const { COMMAND_NAMES, allCommands } = await import('../../src/cli/registry.ts');
  assert.deepEqual((await allCommands()).map((c) => c.name), [...COMMAND_NAMES]);
});

test('docs/commands.md matches the commands\' help (run npm run docs after changing a command)', async () => {
  const { commandReference } = await import('../../src/cli/reference.ts');
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'commands.md'), 'utf8');
  assert.equal(doc, await commandReference());
});

test('bin/strata.js runs commands under Node 24 itself (not only when re-executing from an older node)', () => {
  const bin = join(import.meta.dirname, '..', '..', 'bin', 'strata.js');
  const v = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /^strata \d+\.\d+\.\d+\n$/);
  const bad = spawnSync(process.execPath, [bin, 'no-such-command'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^strata: unknown command "no-such-command"/);
});
