// strata pack end to end: the example, rpmbuild equivalence, variants checked with rpm's own tools,
// reproducibility and input errors. Signing has its own file (pack-sign.test.ts).

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readlinkSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { describePackage, hardlinkGroups, payloadBytes, readPayload, readRpmFileHeaders, Tag } from '../../src/rpm/index.ts';
import { type PackSpec, packRpm } from '../../src/rpm/write/pack.ts';
import { compareHeaders, equivalentSpec, rpmbuild } from './pack-equiv.ts';
import {
  KEYS, REPO, collect, have, installAndVerify, rpmHome, rpmQuery, rpmlintErrors, run, scratchDir, strata, writeTree,
} from './pack-helpers.ts';

const SDE = 1717243200;
const RPM = have('rpm');
const isRoot = process.getuid?.() === 0;

/** Checks a package with rpm's tools: signature/digests, rpmlint, install + verify. */
function checkWithRpm(pkg: string, name: string, opts: { lint?: boolean; scripts?: boolean; signed?: boolean } = {}): void {
  const home = rpmHome([KEYS.rsa.pub]);
  const k = run('rpmkeys', ['-Kv', ...(opts.signed === false ? ['--nosignature'] : []), pkg], { HOME: home });
  assert.equal(k.code, 0, k.stdout + k.stderr);
  if (opts.signed !== false) assert.match(k.stdout, /Header V4 RSA\/SHA256 Signature, key ID 1964c5fc: OK/);
  if (opts.lint !== false && have('rpmlint')) {
    const { errors, report } = rpmlintErrors([pkg], home);
    assert.deepEqual(errors, [], report);
  }
  if (isRoot) {
    const { install, verify } = installAndVerify([pkg], [name], { scripts: opts.scripts });
    assert.equal(install.code, 0, install.stderr);
    assert.equal(verify.stdout + verify.stderr, '', 'rpm -V is clean');
    assert.equal(verify.code, 0);
  }
}

/** Every payload entry matches the tree on disk (our reader, rpm's layout). */
async function checkPayload(pkg: string, root: string): Promise<number> {
  const h = await readRpmFileHeaders(pkg);
  const p = describePackage(h.header, h.signature);
  let n = 0;
  for await (const e of readPayload(p, payloadBytes(pkg, h.payloadOffset))) {
    const data = await collect(e.content);
    const disk = join(root, e.file.path);
    if ((e.file.mode & 0o170000) === 0o100000 && data.length) assert.ok(data.equals(readFileSync(disk)), e.file.path);
    if ((e.file.mode & 0o170000) === 0o120000) assert.equal(data.toString(), readlinkSync(disk));
    n++;
  }
  return n;
}

describe('the example package', { skip: !RPM }, () => {
  let out: string;
  let res: { path: string; nevra: string; size: number; sha256: string };
  before(() => {
    out = scratchDir();
    const prep = run(process.execPath, [join(REPO, 'examples/hello/prepare.ts'), out]);
    assert.equal(prep.code, 0, prep.stderr);
    const r = strata(['pack', join(REPO, 'examples/hello/pack.toml'), '-o', 'json', '--output-dir', out, '--sign-key', KEYS.rsa.secret], { SOURCE_DATE_EPOCH: String(SDE) });
    assert.equal(r.code, 0, r.stderr);
    res = JSON.parse(r.stdout);
  });

  test('-o json reports path, nevra, size and sha256', () => {
    assert.equal(res.path, join(out, 'hello-1.0-1.noarch.rpm'));
    assert.equal(res.nevra, 'hello-1.0-1.noarch');
    assert.equal(res.size, statSync(res.path).size);
    assert.equal(res.sha256, createHash('sha256').update(readFileSync(res.path)).digest('hex'));
  });

  test('rpmkeys -K, rpmlint, install and rpm -V are clean', () => {
    checkWithRpm(res.path, 'hello');
  });

  test('installs the hard link, symlink and config file; the ghost stays out', { skip: !isRoot }, () => {
    const { root } = installAndVerify([res.path], ['hello']);
    assert.equal(statSync(join(root, 'usr/bin/hello')).ino, statSync(join(root, 'usr/bin/hello-again')).ino);
    assert.equal(readlinkSync(join(root, 'usr/bin/hi')), 'hello');
    assert.equal(readFileSync(join(root, 'etc/hello.conf'), 'utf8'), readFileSync(join(REPO, 'examples/hello/root/etc/hello.conf'), 'utf8'));
    assert.equal(existsSync(join(root, 'var/log/hello.log')), false);
  });

  test('rpm -qp agrees with pack.toml', () => {
    const q = (f: string): string => rpmQuery(res.path, f);
    assert.equal(q('%{NAME}|%{VERSION}|%{RELEASE}|%{ARCH}|%{LICENSE}|%{URL}|%{VENDOR}|%{GROUP}|%{BUILDHOST}|%{BUILDTIME}'),
      `hello|1.0|1|noarch|MIT|https://example.com/hello|Strata examples|Applications/System|build.example.com|${SDE}`);
    assert.equal(q('%{PACKAGER}|%{SUMMARY}'), 'Strata Maintainers <strata@example.com>|Greets the world from a shell script');
    assert.equal(q('[%{FILENAMES} %{FILEFLAGS:fflags} %{FILEMODES:perms}\n]'), [
      '/etc/hello.conf cn -rw-r--r--', '/usr/bin/hello  -rwxr-xr-x', '/usr/bin/hello-again  -rwxr-xr-x',
      '/usr/bin/hi  lrwxrwxrwx', '/usr/share/doc/hello  drwxr-xr-x', '/usr/share/doc/hello/LICENSE dl -rw-r--r--',
      '/usr/share/doc/hello/README d -rw-r--r--', '/var/log/hello.log g -rw-r-----', ''].join('\n'));
    assert.equal(q('[%{REQUIRENAME} %{REQUIREFLAGS:deptype}\n]').split('\n')[1], '/bin/sh post,interp');
    assert.match(q('[%{PROVIDENEVRS}\n]'), /^config\(hello\) = 1.0-1\ngreeter = 1.0\nhello = 1.0-1\n$/);
    assert.equal(q('%{POSTINPROG}|%{PAYLOADCOMPRESSOR}|%{PAYLOADFLAGS}|%{FILEDIGESTALGO}'), '/bin/sh|zstd|19|8');
    assert.equal(q('[%{CHANGELOGTIME}|%{CHANGELOGNAME}\n]'),
      '1717243200|Strata Maintainers <strata@example.com> - 1.0-1\n1705320000|Strata Maintainers <strata@example.com> - 0.9-1\n');
  });

  test('our reader parses it and the payload matches the tree', async () => {
    const h = await readRpmFileHeaders(res.path);
    const p = describePackage(h.header, h.signature);
    assert.equal(p.files.length, 8);
    assert.deepEqual(hardlinkGroups(p.files).map((g) => g.map((i) => p.files[i].path)), [['/usr/bin/hello', '/usr/bin/hello-again']]);
    assert.equal(p.scripts[0].name, 'postin');
    assert.equal(await checkPayload(res.path, join(REPO, 'examples/hello/root')), 7);
  });
});

describe('equivalence with rpmbuild 4.18', { skip: !have('rpmbuild') }, () => {
  for (const v of [
    { label: 'noarch, zstd: every dependency kind, scriptlets, links, config, doc, license, ghost', variant: 'noarch' as const, compress: 'zstd' as const },
    { label: 'x86_64, uncompressed: caps, owners, tilde version, rich deps, lua, ghost dir', variant: 'arch' as const, compress: 'none' as const },
  ]) {
    test(v.label, async () => {
      const dir = scratchDir();
      const eq = equivalentSpec(v.variant, dir);
      const theirs = rpmbuild(eq.specText, dir, eq.arch, v.compress, SDE);
      const ours = await packRpm({ ...eq.spec, platform: rpmQuery(theirs, '%{PLATFORM}') }, { outputDir: join(dir, 'ours'), compress: v.compress, sourceDateEpoch: SDE });
      const diff = await compareHeaders(theirs, ours.path);
      // zstd streams may differ between zstd builds; all else must be equal.
      const allowed = v.compress === 'none' ? [] : ['sig:SHA1', 'sig:SHA256', 'sig:MD5', 'sig:SIZE', 'PAYLOADDIGEST'];
      assert.deepEqual(diff.filter((d) => !allowed.includes(d)), []);
      if (v.compress === 'none') assert.ok(readFileSync(theirs).equals(readFileSync(ours.path)), 'byte-identical to rpmbuild');
    });
  }
});

describe('variants checked by rpm', { skip: !RPM }, () => {
  const dir = scratchDir();
  const root = writeTree(join(dir, 'root'), {
    'usr/bin/tool': { content: '#!/bin/bash\necho tool\n', mode: 0o755 },
    'usr/bin/tool-link': { hardlink: 'usr/bin/tool' },
    'usr/bin/tool-link2': { hardlink: 'usr/bin/tool' },
    'usr/bin/t': { symlink: 'tool' },
    'usr/sbin/pinger': { content: '#!/bin/sh\nexec ping "$@"\n', mode: 0o700 },
    'usr/libexec/variant/helper': { content: '#!/bin/sh\necho helper\n', mode: 0o755 },
    'etc/variant/main.conf': 'a = 1\n',
    'etc/variant/extra.conf': 'b = 2\n',
    'etc/variant/opt.conf': { content: 'c = 3\n', mode: 0o600 },
    'usr/share/doc/variant/README': 'read me\n',
    'usr/share/licenses/variant/COPYING': 'license text\n',
    'usr/share/variant/data.txt': 'data\n',
    'var/lib/variant': { dir: true, mode: 0o700 },
  });
  const base: PackSpec = {
    name: 'variant', epoch: 3, version: '2.0^git1', release: '1', summary: 'Variant package', license: 'MIT',
    description: 'Exercises every attribute strata pack supports.', packager: 'Tester <t@example.com>',
    group: 'System Environment/Base', url: 'https://example.com/variant', vendor: 'Tests', root,
    deps: {
      provides: ['variant-api = 2'], requires: ['bash >= 5', '(coreutils or busybox)', { dep: 'shadow-utils', when: ['pre'] }],
      conflicts: ['oldvariant < 1'], obsoletes: ['oldvariant < 1'], recommends: ['variant-doc'], suggests: ['(variant-extra if python3)'],
      supplements: ['(variant and bash)'], enhances: ['bash'], orderwithrequires: ['systemd'],
    },
    scripts: {
      pre: 'getent group variant >/dev/null || :', post: { interpreter: '/bin/bash', body: 'echo post' }, preun: 'echo preun',
      postun: 'echo postun', pretrans: { interpreter: '<lua>', body: 'print("pretrans")' }, posttrans: 'echo posttrans',
      verify: 'test -d /var/lib/variant',
    },
    files: {
      '/etc/variant/main.conf': { config: 'noreplace' }, '/etc/variant/extra.conf': { config: true },
      '/etc/variant/opt.conf': { config: 'missingok', mode: '0644' }, '/usr/share/licenses/variant/COPYING': { license: true },
      '/usr/share/doc/variant/README': { doc: true }, '/usr/share/variant': { dir: true },
      '/usr/sbin/pinger': { caps: 'cap_net_raw=ep', mode: '0755', group: 'daemon' },
      '/var/lib/variant': { user: 'daemon', group: 'daemon', mode: '0755' }, '/var/lib/variant/state': { ghost: true, user: 'daemon' },
      '/run/variant': { ghost: true, dir: true },
    },
    changelog: [{ date: '2024-05-01', author: 'Tester <t@example.com>', version: '3:2.0^git1-1', text: '- variant' }],
  };

  for (const [compress, long] of [['zstd', false], ['gzip', false], ['xz', false], ['none', false], ['zstd', true]] as const) {
    test(`${compress}${long ? ', 64-bit sizes + stripped cpio' : ''}`, { skip: compress === 'xz' && !have('xz') }, async () => {
      const r = await packRpm({ ...base, release: `1.${compress}${long ? '.long' : ''}` }, {
        outputDir: join(dir, 'out'), compress, longFileSizes: long, sourceDateEpoch: SDE, sign: { key: readFileSync(KEYS.rsa.secret, 'utf8') },
      });
      // rpmlint unpacks with cpio, which cannot read rpm's stripped 07070X format (same for rpmbuild's).
      checkWithRpm(r.path, 'variant', { lint: !long });
      const q = (f: string): string => rpmQuery(r.path, f);
      assert.equal(q('%{PAYLOADCOMPRESSOR}|%{PAYLOADFLAGS}'), { zstd: 'zstd|19', gzip: 'gzip|9', xz: 'xz|6', none: '(none)|' }[compress]);
      assert.equal(q('%{EPOCH}:%{VERSION}'), '3:2.0^git1');
      const reqs = q('[%{REQUIRENEVRS}\n]');
      for (const want of ['(coreutils or busybox)', 'bash >= 5', 'shadow-utils', '/bin/bash', 'rpmlib(CaretInVersions) <= 4.15.0-1',
        'rpmlib(BuiltinLuaScripts) <= 4.2.2-1', 'rpmlib(FileCaps) <= 4.6.1-1',
        'rpmlib(PartialHardlinkSets) <= 4.0.4-1', 'rpmlib(RichDependencies) <= 4.12.0-1', `config(variant) = 3:2.0^git1-1.${compress}${long ? '.long' : ''}`]) {
        assert.ok(reqs.split('\n').includes(want), `requires ${want}:\n${reqs}`);
      }
      assert.equal(reqs.includes('rpmlib(LargeFiles)'), long);
      for (const [tag, want] of [['CONFLICT', 'oldvariant<1'], ['OBSOLETE', 'oldvariant<1'], ['RECOMMEND', 'variant-doc'], ['SUGGEST', '(variant-extra if python3)'], ['SUPPLEMENT', '(variant and bash)'], ['ENHANCE', 'bash'], ['ORDER', 'systemd']]) {
        assert.equal(q(`[%{${tag}NAME}%{${tag}FLAGS:depflags}%{${tag}VERSION}]`), want);
      }
      assert.match(q('[%{FILENAMES} %{FILECAPS} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILEMODES:perms} %{FILEFLAGS:fflags}\n]'),
        /\/usr\/sbin\/pinger cap_net_raw=ep root:daemon -rwxr-xr-x \n[^]*\/var\/lib\/variant {2}daemon:daemon drwxr-xr-x \n\/var\/lib\/variant\/state {2}daemon:root -rw-r--r-- g\n/);
      assert.equal(q('%{PRETRANSPROG}|%{POSTINPROG}|[%{VERIFYSCRIPTPROG} ]'), '<lua>|/bin/bash|/bin/sh ');
      assert.equal(q('[%{FILEINODES} ]').trim().split(' ').filter((x, _i, a) => a.indexOf(x) !== a.lastIndexOf(x)).length, 3);
      if (long) assert.ok(q('[%{LONGFILESIZES} ]').length > 0);
      assert.equal(await checkPayload(r.path, root), 14); // 16 files less 2 ghosts
    });
  }

  test('lua scriptlets run at install (no shell needed)', { skip: !isRoot }, async () => {
    const r = await packRpm({
      ...base, name: 'variant-lua', deps: {}, files: {},
      scripts: { pre: { interpreter: '<lua>', body: 'print("lua pre ran")' }, post: { interpreter: '<lua>', body: 'print("lua post ran")' } },
    }, { outputDir: join(dir, 'lua'), sourceDateEpoch: SDE, sign: { key: readFileSync(KEYS.rsa.secret, 'utf8') } });
    const { install, verify } = installAndVerify([r.path], ['variant-lua'], { scripts: true });
    assert.equal(install.code, 0, install.stderr);
    assert.match(install.stdout, /lua pre ran\nlua post ran/);
    assert.equal(verify.stdout, '');
  });
});

describe('reproducibility', () => {
  test('two packs with the same SOURCE_DATE_EPOCH are byte-identical; mtimes are clamped', async () => {
    const dir = scratchDir();
    const root = writeTree(join(dir, 'root'), { 'usr/share/repro/a': 'a\n', 'usr/share/repro/b': { symlink: 'a' } });
    const future = SDE + 1000;
    utimesSync(join(root, 'usr/share/repro/a'), future, future);
    const spec: PackSpec = { name: 'repro', version: '1', summary: 'r', license: 'MIT', root };
    const a = await packRpm(spec, { outputDir: join(dir, 'a'), sourceDateEpoch: SDE });
    const b = await packRpm(spec, { outputDir: join(dir, 'b'), sourceDateEpoch: SDE });
    assert.equal(a.sha256, b.sha256);
    assert.ok(readFileSync(a.path).equals(readFileSync(b.path)));
    const h = await readRpmFileHeaders(a.path);
    assert.equal(h.header.number(Tag.BUILDTIME), SDE);
    assert.deepEqual(h.header.numbers(Tag.FILEMTIMES)[0], SDE);
    assert.equal(lstatSync(join(root, 'usr/share/repro/a')).mtimeMs, future * 1000, 'the tree is not modified');
  });
});

describe('bad input gives one clear line', () => {
  const dir = scratchDir();
  const root = writeTree(join(dir, 'root'), { 'usr/bin/x': { content: 'x', mode: 0o755 }, 'usr/bin/y': { hardlink: 'usr/bin/x' } });
  const cases: Array<[string, string, RegExp]> = [
    ['missing root', 'root = "nope"\n[package]\nname="a"\nversion="1"\nsummary="s"\nlicense="MIT"', /root: ".*nope" is not a directory/],
    ['path escaping the tree', `root = "${root}"\n[package]\nname="a"\nversion="1"\nsummary="s"\nlicense="MIT"\n[files."/usr/../../etc/passwd"]\nconfig=true`, /files\."\/usr\/\.\.\/\.\.\/etc\/passwd": .* escapes the package tree/],
    ['unknown dependency operator', `root = "${root}"\n[package]\nname="a"\nversion="1"\nsummary="s"\nlicense="MIT"\n[dependencies]\nrequires=["foo ~> 1"]`, /requires: "foo ~> 1": unknown dependency operator "~>"/],
    ['invalid name', `root = "${root}"\n[package]\nname="a b"\nversion="1"\nsummary="s"\nlicense="MIT"`, /name: invalid package name "a b"/],
    ['invalid version', `root = "${root}"\n[package]\nname="a"\nversion="1-2"\nsummary="s"\nlicense="MIT"`, /version: "1-2" has an illegal character '-'/],
    ['unknown TOML key', `root = "${root}"\n[package]\nname="a"\nversion="1"\nsummary="s"\nlicense="MIT"\nlicence="x"`, /package\.licence: unknown key/],
    ['unknown file attribute', `root = "${root}"\n[package]\nname="a"\nversion="1"\nsummary="s"\nlicense="MIT"\n[files."/usr/bin/x"]\nconfg=true`, /files\."\/usr\/bin\/x"\.confg: unknown file attribute/],
    ['missing summary', `root = "${root}"\n[package]\nname="a"\nversion="1"\nlicense="MIT"`, /summary: required/],
    ['hard links with different modes', `root = "${root}"\n[package]\nname="a"\nversion="1"\nsummary="s"\nlicense="MIT"\n[files."/usr/bin/y"]\nmode="0700"`, /hard link of "\/usr\/bin\/x" with a different mode/],
    ['TOML syntax', 'root = \n', /pack\.toml:1:\d+: /],
  ];
  for (const [label, toml, re] of cases) {
    test(label, () => {
      const f = join(scratchDir(), 'pack.toml');
      writeFileSync(f, toml);
      const r = strata(['pack', f, '--output-dir', dir]);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`^strata: .*${re.source}`));
    });
  }
  test('flags mode: --name without a directory, and a bad compressor', () => {
    const a = strata(['pack', '--name', 'x', '--version=1', '--summary', 's', '--license', 'MIT', join(dir, 'nope')]);
    assert.equal(a.code, 1);
    assert.match(a.stderr, /^strata: root: ".*nope" is not a directory\n$/);
    const b = strata(['pack', '--name', 'x', '--version=1', '--summary', 's', '--license', 'MIT', '--compress', 'lz4', root]);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /^strata: compress: unknown compressor "lz4"/);
  });
  test('flags mode builds a package', () => {
    const out = scratchDir();
    writeTree(join(dir, 'flagroot'), { 'usr/share/flagged/f': 'f\n' });
    const ok = strata(['pack', '-o', 'json', '--name', 'flagged', '--version=1.2', '--summary', 'From flags', '--license', 'MIT', '--requires', 'bash >= 5', '--output-dir', out, join(dir, 'flagroot')]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).nevra, 'flagged-1.2-1.noarch');
  });
});
