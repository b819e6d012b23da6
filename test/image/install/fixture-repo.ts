// A small signed repository of real packages exercising what an image install must get right: a
// filesystem package with /bin, /lib … symlinks into /usr, a busybox shell (so scriptlets run in
// the chroot), %pre adding a user by appending to /etc/passwd, files owned by that user, %config
// and %ghost files, hard links, a file capability, a path through the /lib symlink, %doc files,
// %post/%posttrans output, and (built with rpmbuild) %triggerin, %filetriggerin and
// %transfiletriggerin scripts that record what they saw.

import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, linkSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { publishRepository } from '../../../src/repo/publish/index.ts';
import { packRpm, type PackSpec } from '../../../src/rpm/index.ts';
import { FIXTURES } from '../../support/fixtures.ts';

export const KEY = join(FIXTURES, 'rpm', 'keys', 'rpm.org-rsa-2048-test.secret');
export const PUB = join(FIXTURES, 'rpm', 'keys', 'rpm.org-rsa-2048-test.pub');
export const EPOCH = 1790000000;

/** Busybox applets the fixture scriptlets use. */
const APPLETS = ['sh', 'cat', 'grep', 'mkdir', 'echo', 'ls', 'sort', 'touch', 'id', 'rm', 'cp', 'wc', 'sed', 'chown', 'chmod', 'ln'];

type Tree = Record<string, string | { link: string } | { dir: true } | { hardlink: string } | { copy: string; mode?: number }>;

function makeTree(dir: string, tree: Tree): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [path, v] of Object.entries(tree)) {
    const p = join(dir, path);
    mkdirSync(dirname(p), { recursive: true });
    if (typeof v === 'string') writeFileSync(p, v);
    else if ('link' in v) symlinkSync(v.link, p);
    else if ('dir' in v) mkdirSync(p, { recursive: true });
    else if ('hardlink' in v) linkSync(join(dir, v.hardlink), p);
    else {
      copyFileSync(v.copy, p);
      chmodSync(p, v.mode ?? 0o755);
    }
  }
}

const PRE_USER = `grep -q '^app:' /etc/group || echo 'app:x:990:' >> /etc/group
grep -q '^app:' /etc/passwd || echo 'app:x:990:990:App:/var/lib/appd:/sbin/nologin' >> /etc/passwd
`;

/** The fixture packages (packRpm), keyed by name; `extra` adds or replaces some. */
export function fixtureSpecs(work: string): PackSpec[] {
  const t = (name: string, tree: Tree): string => {
    const d = join(work, 'trees', name);
    makeTree(d, tree);
    return d;
  };
  const base = { version: '1.0', release: '1', license: 'MIT', vendor: 'Strata Tests', buildHost: 'build.example', changelog: [] };
  const dirs = ['/usr', '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/lib64', '/usr/share', '/usr/share/doc', '/etc', '/var', '/var/lib', '/var/log', '/var/tmp', '/tmp', '/root', '/dev'];
  return [
    {
      ...base,
      name: 'filesystem',
      summary: 'The basic directory layout',
      root: t('filesystem', {
        ...Object.fromEntries(dirs.map((d) => [d.slice(1), { dir: true as const }])),
        bin: { link: 'usr/bin' },
        sbin: { link: 'usr/sbin' },
        lib: { link: 'usr/lib' },
        lib64: { link: 'usr/lib64' },
      }),
      files: {
        ...Object.fromEntries(dirs.map((d) => [d, { dir: true }])),
        '/tmp': { dir: true, mode: '1777' },
        '/var/tmp': { dir: true, mode: '1777' },
        '/root': { dir: true, mode: '0550' },
        '/usr/lib': { dir: true, mode: '0555' },
      },
    },
    {
      ...base,
      name: 'bbsh',
      arch: 'native',
      summary: 'A static busybox shell',
      deps: { requires: ['filesystem'], provides: ['/bin/sh', 'sh'] },
      root: t('bbsh', {
        'usr/bin/busybox': { copy: '/usr/bin/busybox' },
        ...Object.fromEntries(APPLETS.map((a) => [`usr/bin/${a}`, { link: 'busybox' }])),
      }),
    },
    {
      ...base,
      name: 'appd',
      summary: 'A daemon with its own user',
      deps: { requires: ['setup', { dep: '/bin/sh', when: ['pre', 'post'] }] },
      scripts: { pre: PRE_USER, post: 'mkdir -p /var/lib/appd/state\necho "post $1" > /var/lib/appd/state/ready\n' },
      root: t('appd', {
        'usr/bin/appd': '#!/bin/sh\necho appd\n',
        'etc/appd.conf': 'listen=8080\n',
        'var/lib/appd': { dir: true },
        'var/log/appd.log': '',
      }),
      files: {
        '/usr/bin/appd': { mode: '0755' },
        '/etc/appd.conf': { config: 'noreplace', user: 'app', group: 'app', mode: '0640' },
        '/var/lib/appd': { dir: true, user: 'app', group: 'app', mode: '0750' },
        '/var/log/appd.log': { ghost: true, user: 'app', group: 'app', mode: '0640' },
      },
    },
    {
      ...base,
      name: 'hl',
      summary: 'Hard links',
      deps: { requires: ['filesystem'] },
      root: t('hl', {
        'usr/share/hl/a': 'shared inode\n',
        'usr/share/hl/b': { hardlink: 'usr/share/hl/a' },
        'usr/share/hl/sub/c': { hardlink: 'usr/share/hl/a' },
        'usr/share/hl/d': 'separate\n',
      }),
    },
    {
      ...base,
      name: 'pinger',
      summary: 'A file capability',
      deps: { requires: ['filesystem'] },
      root: t('pinger', { 'usr/bin/pinger': '#!/bin/sh\necho ping\n' }),
      files: { '/usr/bin/pinger': { mode: '0755', caps: 'cap_net_raw=ep' } },
    },
    {
      ...base,
      name: 'legacy',
      summary: 'Files through the /lib symlink',
      deps: { requires: ['filesystem'] },
      root: t('legacy', { 'lib/legacy/data.txt': 'through /lib\n', 'lib/legacy/link': { link: 'data.txt' } }),
      files: { '/lib/legacy': { dir: true } },
    },
    {
      ...base,
      name: 'libfoo',
      summary: 'A library (file trigger food)',
      deps: { requires: ['filesystem'] },
      root: t('libfoo', { 'usr/lib/libfoo.so.1': 'ELF?\n', 'usr/lib/libfoo.so': { link: 'libfoo.so.1' } }),
    },
    {
      ...base,
      name: 'docs',
      summary: 'Documentation',
      deps: { requires: ['filesystem'] },
      root: t('docs', {
        'usr/share/doc/docs/README': 'read me\n',
        'usr/share/licenses/docs/LICENSE': 'MIT\n',
        'usr/share/docs-data/table': 'data\n',
      }),
      files: { '/usr/share/licenses/docs/LICENSE': { license: true }, '/usr/share/doc/docs': { dir: true } },
    },
    {
      ...base,
      name: 'image-base',
      summary: 'Everything',
      deps: { requires: ['appd', 'hl', 'pinger', 'legacy', 'libfoo', 'triggers'], recommends: ['docs'] },
      scripts: { posttrans: 'echo "posttrans $1" >> /var/lib/image-base.log\n' },
      root: t('image-base', { 'usr/share/image-base/README': 'meta\n' }),
    },
  ];
}

// Fedora's setup marks the account files %verify(not md5 size mtime): useradd changes them.
const SETUP_SPEC = `Name: setup
Version: 1.0
Release: 1
Summary: System accounts
License: MIT
Vendor: Strata Tests
BuildArch: noarch
Requires: filesystem

%description
Accounts.

%install
mkdir -p %{buildroot}/etc
echo 'root:x:0:0:root:/root:/bin/sh' > %{buildroot}/etc/passwd
echo 'root:x:0:' > %{buildroot}/etc/group
echo 'root:*:19000:0:99999:7:::' > %{buildroot}/etc/shadow
echo '127.0.0.1 localhost' > %{buildroot}/etc/hosts

%files
%verify(not md5 size mtime) %config(noreplace) /etc/passwd
%verify(not md5 size mtime) %config(noreplace) /etc/group
%attr(0000,root,root) %verify(not md5 size mtime) %config(noreplace) /etc/shadow
%config(noreplace) /etc/hosts
`;

const TRIGGERS_SPEC = `Name: triggers
Version: 1.0
Release: 1
Summary: Triggers that record what fired them
License: MIT
Vendor: Strata Tests
BuildArch: noarch
Requires: filesystem

%description
Trigger fixtures.

%install
mkdir -p %{buildroot}/usr/share/triggers
echo triggers > %{buildroot}/usr/share/triggers/README

%triggerin -- appd
echo "triggerin appd $1 $2" >> /var/lib/triggers.log

%filetriggerin -- /usr/lib
echo "filetriggerin $1" >> /var/lib/filetrigger.log
sort >> /var/lib/filetrigger.log

%transfiletriggerin -- /usr/share/hl
echo "transfiletriggerin $1" >> /var/lib/transfiletrigger.log
sort >> /var/lib/transfiletrigger.log

%files
/usr/share/triggers
`;

/** Builds a package with rpmbuild (packRpm writes no triggers or %verify). */
export function rpmbuild(work: string, outDir: string, name: string, spec: string): void {
  const top = join(work, 'rpmbuild', name);
  rmSync(top, { recursive: true, force: true });
  mkdirSync(join(top, 'SPECS'), { recursive: true });
  writeFileSync(join(top, 'SPECS', `${name}.spec`), spec);
  const r = spawnSync(
    'rpmbuild',
    [
      '--quiet',
      '--define', `_topdir ${top}`,
      '--define', `_rpmdir ${outDir}`,
      '--define', '_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm',
      '--define', `source_date_epoch_from_changelog 0`,
      '--define', 'use_source_date_epoch_as_buildtime 1',
      '--define', 'clamp_mtime_to_source_date_epoch 1',
      '--define', '_buildhost build.example',
      '--define', '_binary_payload w3.zstdio',
      '-bb', join(top, 'SPECS', `${name}.spec`),
    ],
    { encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: String(EPOCH) } },
  );
  if (r.status !== 0) throw new Error(`rpmbuild ${name}: ${r.stderr}`);
}

/** Builds, signs and publishes the fixture repository at `<work>/repo`; returns its path. */
export async function buildFixtureRepo(work: string, extra: PackSpec[] = []): Promise<string> {
  const repo = join(work, 'repo');
  rmSync(repo, { recursive: true, force: true });
  const pkgs = join(repo, 'Packages');
  mkdirSync(pkgs, { recursive: true });
  const specs = new Map(fixtureSpecs(work).map((s) => [s.name, s]));
  for (const s of extra) specs.set(s.name, s);
  for (const s of specs.values()) await packRpm(s, { outputDir: pkgs, sourceDateEpoch: EPOCH, compress: 'zstd', level: 3 });
  rpmbuild(work, pkgs, 'setup', SETUP_SPEC);
  rpmbuild(work, pkgs, 'triggers', TRIGGERS_SPEC);
  await publishRepository(repo, { signingKey: { armored: readFileSync(KEY, 'utf8') }, signPackages: true, sourceDateEpoch: EPOCH });
  return repo;
}
