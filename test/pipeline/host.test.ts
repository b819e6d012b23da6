// The immutable container host through `strata build`: an azldev-shaped project (examples/host)
// whose image is machine-bootable without package management becomes the A/B disk; that disk boots
// in QEMU to the marker showing /usr mounted read-only from its verity device, and its outputs verify;
// the same packages as a VM image (package management kept) give raw/qcow2/vhd disks that verify too.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BOOT_OK_MARKER, bootDisk, findOvmf } from '../../src/image/host/index.ts';
import { strata } from '../support/cli.ts';
import { FIXTURES, ROOT, workDir } from '../support/fixtures.ts';
import { hasTool } from '../support/tools.ts';

const KEY = join(FIXTURES, 'rpm', 'keys', 'rpm.org-rsa-2048-test.secret');
const work = workDir('pipeline-host');
const proj = join(work, 'host');
const ready = process.getuid?.() === 0 && hasTool('mkfs.erofs') && hasTool('veritysetup') && hasTool('qemu-system-x86_64');

describe('strata build of the immutable host', { skip: !ready && !process.env.CI ? 'needs root, erofs-utils, cryptsetup-bin and qemu' : false }, () => {
  before(() => {
    rmSync(work, { recursive: true, force: true });
    const src = join(ROOT, 'examples', 'host');
    cpSync(src, proj, { recursive: true, filter: (p) => !/[/\\](out|build|specs)$/.test(p.slice(src.length)) });
    assert.equal(strata(['key', 'generate-dsse', 'release', '--output-dir', work]).code, 0);
    const prep = spawnSync(process.execPath, [join(src, 'prepare-repo.ts'), proj], { encoding: 'utf8' });
    assert.equal(prep.status, 0, prep.stderr);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('builds the A/B disk, which boots from slot A with /usr read-only under dm-verity', async (t) => {
    const r = strata(['build', '-C', proj, '--sign-key', KEY, '--provenance-key', join(work, 'release.dsse.key'), '-o', 'json'], { env: { SOURCE_DATE_EPOCH: '1767225600' } });
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { artifacts: Array<{ kind: string; path: string }> };
    const disk = res.artifacts.find((a) => a.kind === 'host' && a.path.endsWith('.raw'))!.path;
    // verify reads the root back out of the disk (ROOT via debugfs, USR-A via fsck.erofs).
    const v = strata(['verify', '--key', join(work, 'release.dsse.pub'), '--packages', join(proj, 'out', 'rpms'), join(proj, 'out', 'images', 'container-host')]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /root: 5 packages \(manifest\), files as packaged, nothing unowned/);
    // The same packages as a VM disk (package management kept): raw, qcow2, vhd; its root verifies too.
    for (const f of ['vm.raw', 'vm.qcow2', 'vm.vhd']) assert.ok(res.artifacts.some((a) => a.kind === 'vm' && a.path.endsWith(f)), f);
    const vm = strata(['verify', '--key', join(work, 'release.dsse.pub'), join(proj, 'out', 'images', 'vm')]);
    assert.equal(vm.code, 0, vm.stderr);
    assert.match(vm.stdout, /root: 4 packages \(rpmdb\), files as packaged, nothing unowned/);
    if (!findOvmf()) return t.skip('OVMF firmware not installed');
    const copy = join(work, 'boot', 'disk.raw');
    mkdirSync(join(work, 'boot'), { recursive: true });
    copyFileSync(disk, copy);
    const b = await bootDisk({ disk: copy, workDir: join(work, 'boot'), timeoutMs: 300_000 });
    assert.match(b.console, new RegExp(`${BOOT_OK_MARKER} usr=ro verity=[0-9a-f]{64} slot=a`), b.console.slice(-2000));
  });
});
