// The VM image's pure parts and refusals: repo files, fstab, kernel command line, BLS entries,
// kernel discovery across the layouts distributions use, and the inputs buildVmImage refuses
// before it touches a disk (no kernel, a secret key, a bad repository name).

import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bootEntryText, buildVmImage, findKernels, fstabText, kernelOptions, parseOsRelease, repoFileText, VmImageError, type VmImageOptions } from '../../../src/image/vm/index.ts';
import { FIXTURES, workDir } from '../../support/fixtures.ts';

const work = workDir('image-vm-config');
const PUB = join(FIXTURES, 'rpm', 'keys', 'rpm.org-rsa-2048-test.pub');
const SECRET = join(FIXTURES, 'rpm', 'keys', 'rpm.org-rsa-2048-test.secret');

function files(root: string, entries: Record<string, string | { link: string }>): void {
  for (const [p, v] of Object.entries(entries)) {
    const host = join(root, p);
    mkdirSync(dirname(host), { recursive: true });
    if (typeof v === 'string') writeFileSync(host, v);
    else symlinkSync(v.link, host);
  }
}

describe('VM image configuration', () => {
  before(() => rmSync(work, { recursive: true, force: true }));
  after(() => rmSync(work, { recursive: true, force: true }));

  test('repo file: gpgcheck and repo_gpgcheck on, the key by its in-image path', () => {
    assert.equal(
      repoFileText({ id: 'azurelinux-base', title: 'Azure Linux 4.0 base', baseUrl: 'https://packages.example/4.0/base/$basearch/', keyPath: '/etc/pki/rpm-gpg/RPM-GPG-KEY-azurelinux-base', enabled: true }),
      '[azurelinux-base]\nname=Azure Linux 4.0 base\nbaseurl=https://packages.example/4.0/base/$basearch/\nenabled=1\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-azurelinux-base\n',
    );
    assert.throws(() => repoFileText({ id: 'bad id', title: 't', baseUrl: 'u', keyPath: '/k', enabled: true }), /may only hold/);
    assert.throws(() => repoFileText({ id: 'x', title: 't', baseUrl: 'http://a\ngpgcheck=0', keyPath: '/k', enabled: true }), /one non-empty line/);
  });

  test('kernel command line and fstab name partitions by PARTUUID; root= cannot be overridden', () => {
    assert.equal(kernelOptions('0b1c', ['console=ttyS0']), 'root=PARTUUID=0b1c ro console=ttyS0');
    assert.throws(() => kernelOptions('0b1c', ['root=/dev/sda1']), /root is set by the image/);
    assert.throws(() => kernelOptions('0b1c', ['a b']), /one word/);
    const fstab = fstabText([{ partUuid: 'r', mountPoint: '/', fsType: 'ext4', options: 'defaults', pass: 1 }], 'c');
    assert.match(fstab, /^PARTUUID=r {2}\/ {2}ext4 {2}defaults {2}0 {2}1$/m);
  });

  test('BLS type #1 entry fields', () => {
    const text = bootEntryText({ token: 'eos', kernelVersion: '6.1-1', title: 'EOS (6.1-1)', linux: '/eos/6.1-1/linux', options: 'root=PARTUUID=x ro', efiArch: 'x64' });
    assert.equal(text, 'title EOS (6.1-1)\nversion 6.1-1\nsort-key eos\noptions root=PARTUUID=x ro\nlinux /eos/6.1-1/linux\narchitecture x64\n');
    assert.deepEqual(parseOsRelease('ID=eos\nPRETTY_NAME="Example \\"OS\\""\n# c\n'), { ID: 'eos', PRETTY_NAME: 'Example "OS"' });
  });

  test('findKernels: /usr/lib/modules through the /lib link and /boot, newest first by rpm version order, with their initrds', async () => {
    const root = join(work, 'kernels');
    files(root, {
      lib: { link: 'usr/lib' },
      'usr/lib/modules/6.9.0-1/vmlinuz': 'k69',
      'usr/lib/modules/6.10.0-1/vmlinuz': 'k610',
      'usr/lib/modules/6.10.0-1/initrd': 'i610',
      'usr/lib/modules/6.8.0-1/modules.dep': 'no vmlinuz: not a kernel',
      'boot/vmlinuz-5.15.0-2': 'k515',
      'boot/initrd.img-5.15.0-2': 'i515',
      'boot/vmlinuz-6.9.0-1': 'duplicate of the modules one',
      'boot/initramfs-6.9.0-1.img': 'i69',
    });
    const ks = await findKernels(root);
    assert.deepEqual(
      ks.map((k) => [k.version, k.vmlinuz.path, k.initrd?.path]),
      [
        ['6.10.0-1', '/usr/lib/modules/6.10.0-1/vmlinuz', '/usr/lib/modules/6.10.0-1/initrd'],
        ['6.9.0-1', '/usr/lib/modules/6.9.0-1/vmlinuz', '/boot/initramfs-6.9.0-1.img'],
        ['5.15.0-2', '/boot/vmlinuz-5.15.0-2', '/boot/initrd.img-5.15.0-2'],
      ],
    );
  });

  test('buildVmImage refuses a root without a kernel, a secret key and a bad repository name, before any disk is made', async () => {
    const root = join(work, 'refuse');
    files(root, { 'usr/lib/os-release': 'ID=eos\n', 'usr/lib/systemd/boot/efi/systemd-bootx64.efi': 'MZ', 'usr/lib/systemd/boot/efi/systemd-bootaa64.efi': 'MZ' });
    const opts: VmImageOptions = {
      name: 'vm',
      root,
      outDir: join(work, 'out'),
      workDir: join(work, 'tmp'),
      repos: [{ name: 'eos', url: 'https://example/', keyFile: PUB }],
      seed: 's',
      sourceDateEpoch: 1,
      arch: 'x86_64',
    };
    await assert.rejects(buildVmImage(opts), (e: Error) => e instanceof VmImageError && /no kernel/.test(e.message));
    files(root, { 'usr/lib/modules/6.1/vmlinuz': 'MZ' });
    await assert.rejects(buildVmImage({ ...opts, repos: [{ name: 'eos', url: 'https://example/', keyFile: SECRET }] }), /not an ASCII-armored OpenPGP public key/);
    await assert.rejects(buildVmImage({ ...opts, repos: [{ name: 'e os', url: 'https://example/', keyFile: PUB }] }), /may only hold/);
    await assert.rejects(buildVmImage({ ...opts, arch: 'ppc64le' }), /x86_64 and aarch64/);
    await assert.rejects(buildVmImage({ ...opts, formats: ['vmdk' as 'raw'] }), /not one of raw, qcow2, vhd/);
  });
});
