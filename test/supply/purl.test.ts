// purl vectors written from package-url/purl-spec: the rpm type definition and its test file
// (tests/types/rpm-test.json), and the spec's character-encoding rules with vectors from the
// deb/npm/generic type tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPurl, nevraOf, parsePurl, parseRpmPurl, purlEncode, rpmPurl, SupplyError } from '../../src/supply/index.ts';

test('rpm build vectors from the spec', () => {
  assert.equal(
    formatPurl({ type: 'rpm', namespace: 'fedora', name: 'curl', version: '7.50.3-1.fc25', qualifiers: { arch: 'i386', distro: 'fedora-25' } }),
    'pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25',
  );
  // Qualifiers come out sorted whatever order they were given in.
  assert.equal(
    formatPurl({ type: 'rpm', namespace: 'fedora', name: 'centerim', version: '4.22.10-1.el6', qualifiers: { epoch: '1', distro: 'fedora-25', arch: 'i686' } }),
    'pkg:rpm/fedora/centerim@4.22.10-1.el6?arch=i686&distro=fedora-25&epoch=1',
  );
});

test('rpm roundtrip vectors: parse then build is canonical', () => {
  for (const [input, canonical] of [
    ['pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25', 'pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25'],
    ['pkg:rpm/fedora/centerim@4.22.10-1.el6?arch=i686&epoch=1&distro=fedora-25', 'pkg:rpm/fedora/centerim@4.22.10-1.el6?arch=i686&distro=fedora-25&epoch=1'],
  ]) {
    assert.equal(formatPurl(parsePurl(input)), canonical);
  }
  assert.deepEqual(parsePurl('pkg:rpm/fedora/centerim@4.22.10-1.el6?arch=i686&epoch=1&distro=fedora-25'), {
    type: 'rpm',
    namespace: 'fedora',
    name: 'centerim',
    version: '4.22.10-1.el6',
    qualifiers: { arch: 'i686', epoch: '1', distro: 'fedora-25' },
    subpath: undefined,
  });
});

test('upper-case qualifier keys fail to parse (spec: "Should fail as qualifier keys are not in lowercase")', () => {
  assert.throws(() => parsePurl('pkg:Rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25'), SupplyError);
});

test('percent-encoding follows the spec: keep alphanumerics, .-_~ and ":"; encode the rest', () => {
  assert.equal(formatPurl({ type: 'deb', namespace: 'debian', name: 'attr', version: '1:2.4.47-2+b1', qualifiers: { arch: 'amd64' } }), 'pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64');
  assert.equal(formatPurl({ type: 'npm', namespace: '@angular', name: 'animation', version: '12.3.1' }), 'pkg:npm/%40angular/animation@12.3.1');
  assert.equal(
    formatPurl({ type: 'generic', name: 'openssl', version: '1.1.10g', qualifiers: { download_url: 'https://openssl.org/source/openssl-1.1.0g.tar.gz', checksum: 'sha256:de4d501267da' } }),
    'pkg:generic/openssl@1.1.10g?checksum=sha256:de4d501267da&download_url=https:%2F%2Fopenssl.org%2Fsource%2Fopenssl-1.1.0g.tar.gz',
  );
  assert.equal(
    formatPurl({ type: 'generic', name: 'openssl', version: '1.1.10g', qualifiers: { checksum: 'sha1:ad9503c3e994a4f,sha256:41bf9088b3a1e6c1ef1d' } }),
    'pkg:generic/openssl@1.1.10g?checksum=sha1:ad9503c3e994a4f%2Csha256:41bf9088b3a1e6c1ef1d',
  );
  assert.equal(purlEncode('a b/ü~^+'), 'a%20b%2F%C3%BC~%5E%2B');
  // Empty qualifier values are dropped, keys lowercased.
  assert.equal(formatPurl({ type: 'rpm', namespace: 'x', name: 'n', version: '1-1', qualifiers: { Arch: 'noarch', epoch: '' } }), 'pkg:rpm/x/n@1-1?arch=noarch');
});

test('rpmPurl: vendor lowercased, version-release, epoch only when non-zero, rpm version characters encoded', () => {
  const ctx = { vendor: 'AzureLinux', distro: 'azurelinux-4.0' };
  assert.equal(
    rpmPurl({ name: 'openssl-libs', epoch: 1, version: '3.5.1', release: '2.azl4', arch: 'x86_64' }, ctx),
    'pkg:rpm/azurelinux/openssl-libs@3.5.1-2.azl4?arch=x86_64&distro=azurelinux-4.0&epoch=1',
  );
  assert.equal(rpmPurl({ name: 'bash', epoch: 0, version: '5.2', release: '1', arch: 'x86_64' }, ctx), 'pkg:rpm/azurelinux/bash@5.2-1?arch=x86_64&distro=azurelinux-4.0');
  assert.equal(
    rpmPurl({ name: 'libstdc++', epoch: undefined, version: '1.0^git1~rc1', release: '1', arch: 'src' }, { vendor: 'fedora' }),
    'pkg:rpm/fedora/libstdc%2B%2B@1.0%5Egit1~rc1-1?arch=src',
  );
  assert.throws(() => rpmPurl({ name: 'x', epoch: undefined, version: '1', release: '1', arch: 'noarch' }, { vendor: '' }), /requires a vendor namespace/);
});

test('parseRpmPurl inverts rpmPurl', () => {
  const p = { name: 'libstdc++', epoch: 3, version: '1.0^git1', release: '1.fc43', arch: 'aarch64' };
  const u = rpmPurl(p, { vendor: 'fedora', distro: 'fedora-43' });
  assert.deepEqual(parseRpmPurl(u), { ...p, vendor: 'fedora', distro: 'fedora-43' });
  assert.equal(nevraOf(parseRpmPurl(u)), 'libstdc++-3:1.0^git1-1.fc43.aarch64');
  assert.throws(() => parseRpmPurl('pkg:rpm/curl@7.50.3-1.fc25?arch=i386'), /vendor namespace/);
  assert.throws(() => parseRpmPurl('pkg:rpm/fedora/curl@7.50.3?arch=i386'), /version-release|<version>-<release>/);
  assert.throws(() => parseRpmPurl('pkg:deb/debian/curl@1-1?arch=amd64'), /not an rpm purl/);
});
