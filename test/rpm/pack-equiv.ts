// rpmbuild side of the equivalence tests: a tree, the spec rpmbuild builds from it, the PackSpec
// that describes the same package, and a tag-by-tag comparison of the results.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRpmFileHeaders, sigTagName, tagName, type Header } from '../../src/rpm/index.ts';
import type { PackSpec } from '../../src/rpm/write/pack.ts';
import { run, writeTree } from './pack-helpers.ts';

export interface Equivalent {
  spec: PackSpec;
  specText: string;
  arch: string;
}

const noarchTree = {
  'usr/bin/hello': { content: '#!/bin/sh\necho hello\n', mode: 0o755 },
  'usr/bin/hello2': { hardlink: 'usr/bin/hello' },
  'usr/bin/hi': { symlink: 'hello' },
  'etc/ref.conf': 'conf\n',
  'usr/share/doc/ref/README': 'doc\n',
  'usr/share/doc/ref/LICENSE': 'lic\n',
  'var/lib/ref': { dir: true as const },
};

const archTree = {
  'usr/sbin/capped': { content: '#!/bin/bash\necho\n', mode: 0o755 },
  'usr/sbin/empty': '',
  'usr/libexec/ref3/tool.sh': { content: '#!/usr/bin/env /bin/sh\necho tool\n', mode: 0o755 },
};

/** The same package twice: as a spec for rpmbuild and as a PackSpec. */
export function equivalentSpec(variant: 'noarch' | 'arch', dir: string): Equivalent {
  const tree = join(dir, 'tree');
  if (variant === 'noarch') {
    writeTree(tree, noarchTree);
    return { arch: 'noarch', spec: {
      name: 'ref', epoch: 2, version: '1.2.3', release: '4', arch: 'noarch', summary: 'Reference package',
      description: 'A reference package.', license: 'MIT', url: 'https://example.com/ref', vendor: 'Example Vendor',
      packager: 'Jane Doe <jane@example.com>', group: 'Applications/System', buildHost: 'build.example', root: tree,
      deps: {
        requires: ['glibc >= 2.34', '(a or b)', { dep: 'prereq1', when: ['pre'] }], provides: ['refprov = 1.0'],
        conflicts: ['badpkg < 2'], obsoletes: ['oldref <= 1.0'], recommends: ['rec1'], suggests: ['sug1 > 3'],
        supplements: ['sup1'], enhances: ['enh1 = 1'], orderwithrequires: ['ord1'],
      },
      scripts: {
        pre: 'echo pre', post: 'echo post', preun: 'echo preun', postun: { interpreter: '/sbin/ldconfig' },
        pretrans: { interpreter: '<lua>', body: 'print("hi")' }, posttrans: 'echo posttrans',
        verify: { interpreter: '/bin/sh -e', body: 'test -f /etc/ref.conf' },
      },
      files: {
        '/var/lib/ref': { dir: true }, '/var/lib/ref/state': { ghost: true }, '/etc/ref.conf': { config: 'noreplace' },
        '/usr/share/doc/ref/README': { doc: true }, '/usr/share/doc/ref/LICENSE': { license: true },
      },
      changelog: [{ date: '2024-01-01', author: 'Jane Doe <jane@example.com>', version: '2:1.2.3-4', text: '- first' }],
    }, specText: `Name: ref
Epoch: 2
Version: 1.2.3
Release: 4
Summary: Reference package
License: MIT
URL: https://example.com/ref
Vendor: Example Vendor
Packager: Jane Doe <jane@example.com>
Group: Applications/System
BuildArch: noarch
Requires: glibc >= 2.34
Requires: (a or b)
Requires(pre): prereq1
Provides: refprov = 1.0
Conflicts: badpkg < 2
Obsoletes: oldref <= 1.0
Recommends: rec1
Suggests: sug1 > 3
Supplements: sup1
Enhances: enh1 = 1
OrderWithRequires: ord1

%description
A reference package.

%install
cp -a ${tree}/. %{buildroot}/

%pre
echo pre
%post
echo post
%preun
echo preun
%postun -p /sbin/ldconfig
%pretrans -p <lua>
print("hi")
%posttrans
echo posttrans
%verifyscript -p "/bin/sh -e"
test -f /etc/ref.conf

%files
%dir /var/lib/ref
%ghost %attr(0644,-,-) /var/lib/ref/state
/usr/bin/hello
/usr/bin/hello2
/usr/bin/hi
%config(noreplace) /etc/ref.conf
%doc /usr/share/doc/ref/README
%license /usr/share/doc/ref/LICENSE

%changelog
* Mon Jan 01 2024 Jane Doe <jane@example.com> - 2:1.2.3-4
- first
` };
  }
  writeTree(tree, archTree);
  return { arch: 'x86_64', spec: {
    name: 'ref3', version: '1.0~rc1', release: '2', arch: 'x86_64', summary: 'Ref three', description: 'Three.',
    license: 'GPL-2.0-or-later', buildHost: 'build.example', root: tree,
    deps: { requires: ['(foo >= 1.0 if bar)'], recommends: ['(baz or qux)'] },
    scripts: { post: { interpreter: '<lua>', body: 'print("post")\n' } },
    files: {
      '/usr/sbin/capped': { mode: '0750', user: 'daemon', group: 'adm', caps: 'cap_net_raw=ep' },
      '/usr/libexec/ref3': { dir: true }, '/run/ref3': { ghost: true, dir: true },
    },
  }, specText: `Name: ref3
Version: 1.0~rc1
Release: 2
Summary: Ref three
License: GPL-2.0-or-later
Requires: (foo >= 1.0 if bar)
Recommends: (baz or qux)

%description
Three.

%install
cp -a ${tree}/. %{buildroot}/

%post -p <lua>
print("post")

%files
%attr(0750,daemon,adm) %caps(cap_net_raw=ep) /usr/sbin/capped
/usr/sbin/empty
%dir /usr/libexec/ref3
/usr/libexec/ref3/tool.sh
%ghost %attr(0755,root,root) %dir /run/ref3
` };
}

/** Builds the spec with rpmbuild configured like Fedora where it matters (payload, digests, SOURCE_DATE_EPOCH). */
export function rpmbuild(specText: string, dir: string, arch: string, compress: 'zstd' | 'none', sde: number): string {
  const top = join(dir, 'rpmbuild');
  const spec = join(dir, 'ref.spec');
  writeTree('/', { [spec.slice(1)]: specText });
  const defines = {
    _topdir: top, _binary_payload: compress === 'zstd' ? 'w19.zstdio' : 'w.ufdio', _binary_filedigest_algorithm: '8',
    clamp_mtime_to_source_date_epoch: '1', use_source_date_epoch_as_buildtime: '1', _buildhost: 'build.example',
    optflags: '-O2 -g', _build_id_links: 'none',
  };
  const args = ['-bb', '--quiet', ...Object.entries(defines).flatMap(([k, v]) => ['--define', `${k} ${v}`])];
  if (arch !== 'noarch') args.push('--target', arch);
  const r = run('rpmbuild', [...args, spec], { SOURCE_DATE_EPOCH: String(sde), HOME: dir });
  assert.equal(r.code, 0, r.stderr);
  const name = specText.match(/^Name: (.*)$/m)![1];
  const ver = specText.match(/^Version: (.*)$/m)![1];
  const rel = specText.match(/^Release: (.*)$/m)![1];
  return join(top, 'RPMS', arch, `${name}-${ver}-${rel}.${arch}.rpm`);
}

function values(h: Header, names: (t: number) => string, prefix: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of h.entries) {
    if (e.tag === h.regionTag) continue;
    m.set(prefix + names(e.tag), `${e.type}:${e.count}:${Buffer.from(h.store.subarray(e.offset, e.offset + e.length)).toString('hex')}`);
  }
  return m;
}

/** Labels of everything that differs: lead, signature tags ("sig:NAME"), header tags ("NAME"). */
export async function compareHeaders(a: string, b: string): Promise<string[]> {
  const [ha, hb] = [await readRpmFileHeaders(a), await readRpmFileHeaders(b)];
  const diff: string[] = [];
  if (!readFileSync(a).subarray(0, 96).equals(readFileSync(b).subarray(0, 96))) diff.push('lead');
  for (const [x, y] of [
    [values(ha.signature, sigTagName, 'sig:'), values(hb.signature, sigTagName, 'sig:')],
    [values(ha.header, tagName, ''), values(hb.header, tagName, '')],
  ]) {
    for (const k of new Set([...x.keys(), ...y.keys()])) if (x.get(k) !== y.get(k)) diff.push(k);
  }
  return diff;
}
