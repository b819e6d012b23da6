// `strata build` on the example distro, end to end, judged by the tools users trust: every image
// verifies (`strata verify`), skopeo inspects the OCI layout and docker-archive, crun runs the
// container base image, rpm -qa/-Va agree with the composed root; a second build gives byte-identical
// artifacts; a flipped byte in a provenance envelope, or a file slipped into a package directory of
// an image (even one re-signed with the right key), fails verification.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { strata } from '../support/cli.ts';
import { crunRun, crunUnavailable } from '../support/crun.ts';
import { FIXTURES, ROOT, workDir } from '../support/fixtures.ts';
import { hasTool, needTools } from '../support/tools.ts';

const KEY = join(FIXTURES, 'rpm', 'keys', 'rpm.org-rsa-2048-test.secret');
const work = workDir('pipeline-build');
const ex = join(work, 'exampleos');
const keys = join(work, 'keys');
const SDE = '1767225600';

function build(): { code: number; stdout: string; stderr: string } {
  return strata(['build', '-C', ex, '--sign-key', KEY, '--provenance-key', join(keys, 'release.dsse.key'), '--dist', '.eos1', '-o', 'json'], { env: { SOURCE_DATE_EPOCH: SDE } });
}

function verify(dir: string, ...extra: string[]) {
  return strata(['verify', '--key', join(keys, 'release.dsse.pub'), ...extra, dir]);
}

/** sha256 of every file below `dir`, by relative path (provenance envelopes left out: ML-DSA signing is randomised). */
function digests(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name);
    if (e.isFile() && !e.name.endsWith('.provenance.dsse.json')) out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

const ready = hasTool('rpmbuild') && hasTool('busybox') && process.getuid?.() === 0;

describe('strata build on the example distro', { skip: !ready && !process.env.CI ? 'needs root, rpmbuild and busybox-static' : false }, () => {
  let first: Record<string, string>;
  before(() => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(keys, { recursive: true });
    const src = join(ROOT, 'examples', 'distro');
    cpSync(src, ex, { recursive: true, filter: (p) => !/[/\\](out|build|specs)$/.test(p.slice(src.length)) });
    assert.equal(strata(['key', 'generate-dsse', 'release', '--output-dir', keys]).code, 0);
    const tree = join(work, 'busybox-root');
    const prep = spawnSync(process.execPath, [join(ROOT, 'examples', 'images', 'busybox', 'prepare.ts'), tree], { encoding: 'utf8' });
    assert.equal(prep.status, 0, prep.stderr);
    const toml = join(work, 'busybox.toml');
    writeFileSync(toml, readFileSync(join(ROOT, 'examples', 'images', 'busybox', 'pack.toml'), 'utf8').replace(/^root = .*$/m, `root = "${tree}"`));
    const pack = strata(['pack', toml, '--output-dir', join(ex, 'out', 'rpms')], { env: { SOURCE_DATE_EPOCH: SDE } });
    assert.equal(pack.code, 0, pack.stderr);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('builds everything: components, signed repo, three images, SBOMs, provenance', () => {
    const r = build();
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { stages: Array<{ stage: string }>; images: Array<{ name: string; packages: string[] }> };
    assert.deepEqual(res.stages.map((s) => s.stage), ['render', 'build', 'publish', 'repository sbom', 'image container-base', 'image container-distroless', 'image wsl']);
    assert.deepEqual(res.images.find((i) => i.name === 'container-base')!.packages.map((n) => n.replace(/-[^-]+-[^-]+$/, '')).sort(), ['busybox', 'exampleos-config', 'exampleos-filesystem', 'exampleos-release']);
    for (const f of ['images/container-base/oci/index.json', 'images/container-base/container-base.docker.tar', 'images/wsl/wsl.wsl', 'images/wsl/wsl.provenance.dsse.json', 'sbom/repository.spdx.json', 'repository.provenance.dsse.json', 'rpms/repodata/repomd.xml.asc']) {
      assert.ok(existsSync(join(ex, 'out', f)), f);
    }
    first = digests(join(ex, 'out', 'images'));
  });

  test('strata verify accepts every image and the repository', () => {
    for (const i of ['container-base', 'wsl']) {
      const r = verify(join(ex, 'out', 'images', i));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /ok {2}root: \d+ packages \(rpmdb\), files as packaged, nothing unowned/);
      assert.match(r.stdout, /\.spdx\.json: lists exactly the installed packages/);
    }
    const d = verify(join(ex, 'out', 'images', 'container-distroless'), '--packages', join(ex, 'out', 'rpms'));
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /root: 3 packages \(manifest\)/);
    assert.equal(verify(join(ex, 'out')).code, 0);
  });

  test('rpm agrees with the composed root; skopeo inspects the image; crun runs it', (t) => {
    const root = join(ex, 'build', 'work', 'images', 'container-base', 'root');
    const qa = spawnSync('rpm', ['--root', root, '--dbpath', '/usr/lib/sysimage/rpm', '-qa', '--qf', '%{name}\\n'], { encoding: 'utf8' });
    assert.deepEqual(qa.stdout.trim().split('\n').sort(), ['busybox', 'exampleos-config', 'exampleos-filesystem', 'exampleos-release']);
    const va = spawnSync('rpm', ['--root', root, '--dbpath', '/usr/lib/sysimage/rpm', '-Va'], { encoding: 'utf8' });
    // The customizations Strata records (os-release variant, motd) are the only differences rpm sees.
    assert.deepEqual(va.stdout.trim().split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/).pop()), ['/etc/os-release']);
    if (!needTools(t, 'skopeo', 'umoci', 'crun')) return;
    const layout = join(ex, 'out', 'images', 'container-base', 'oci');
    const inspect = spawnSync('skopeo', ['inspect', `oci:${layout}:1.0`], { encoding: 'utf8' });
    assert.equal(inspect.status, 0, inspect.stderr);
    assert.match(inspect.stdout, /"dev\.strata\.sbom\.spdx": "sha256:[0-9a-f]{64}"/);
    assert.equal(spawnSync('skopeo', ['inspect', `docker-archive:${join(ex, 'out', 'images', 'container-base', 'container-base.docker.tar')}`]).status, 0);
    const bundle = join(work, 'bundle');
    assert.equal(spawnSync('umoci', ['unpack', '--image', `${layout}:1.0`, bundle]).status, 0);
    const cfgPath = join(bundle, 'config.json');
    const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
    cfg.process.terminal = false;
    writeFileSync(cfgPath, JSON.stringify(cfg));
    const r = crunRun(bundle, `strata-pipeline-${process.pid}`);
    if (crunUnavailable(r)) return t.skip(`crun cannot run containers here: ${r.stderr.trim().split('\n')[0]}`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Welcome to the ExampleOS container base image\.\n/);
    assert.match(r.stdout, /^VARIANT_ID=container$/m);
  });

  test('the SBOMs of every image and the repository are valid CycloneDX 1.6 (and SPDX 2.3 when the official schema is given)', async () => {
    const CDX = await import('@cyclonedx/cyclonedx-library');
    const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);
    const sboms = ['sbom/repository', ...['container-base', 'container-distroless', 'wsl'].map((n) => `images/${n}/${n}`)].map((b) => join(ex, 'out', b));
    for (const b of sboms) assert.equal(await validator.validate(readFileSync(`${b}.cdx.json`, 'utf8')), null, b);
    const schema = join(process.env.STRATA_SPDX_SCHEMA_DIR || join(FIXTURES, 'spdx'), 'spdx-schema-2.3.json');
    if (!existsSync(schema)) return;
    const { Ajv } = await import('ajv');
    const v = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(schema, 'utf8')));
    for (const b of sboms) assert.ok(v(JSON.parse(readFileSync(`${b}.spdx.json`, 'utf8'))), `${b}: ${JSON.stringify(v.errors)}`);
  });

  test('building again gives byte-identical artifacts', () => {
    const r = build();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(digests(join(ex, 'out', 'images')), first);
  });

  test('a flipped byte in a provenance envelope fails verification', () => {
    const env = join(ex, 'out', 'images', 'container-base', 'container-base.provenance.dsse.json');
    const good = readFileSync(env);
    const bad = Buffer.from(good);
    bad[Math.floor(bad.length / 2)] ^= 1;
    writeFileSync(env, bad);
    const r = verify(join(ex, 'out', 'images', 'container-base'));
    writeFileSync(env, good);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^strata: .*container-base\.provenance\.dsse\.json: /);
  });

  test('a malformed OCI index is refused in one line, not with a crash', () => {
    const index = join(ex, 'out', 'images', 'container-base', 'oci', 'index.json');
    const good = readFileSync(index, 'utf8');
    const cases: Array<[string, RegExp]> = [
      ['{"manifests":', /index\.json: not valid JSON$/],
      ['[]', /index\.json: not a JSON object$/],
      ['{"manifests":{}}', /index\.json: manifests: not a list$/],
      ['{"manifests":[null]}', /index\.json: manifests\[0\]: not an OCI descriptor/],
      ['{"manifests":[{"mediaType":"x","digest":"sha256:zz","size":1}]}', /unsupported digest sha256:zz$/],
    ];
    try {
      for (const [text, want] of cases) {
        writeFileSync(index, text);
        const r = verify(join(ex, 'out', 'images', 'container-base'));
        assert.equal(r.code, 1, text);
        assert.match(r.stderr.trim(), want, text);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      }
    } finally {
      writeFileSync(index, good);
    }
  });

  test('an extra file in a package directory fails verification, even when re-signed', async () => {
    // A compromised step adds a file to the root and signs its outputs with the real key.
    const root = join(ex, 'build', 'work', 'images', 'wsl', 'root');
    writeFileSync(join(root, 'usr', 'bin', 'backdoor'), '#!/bin/sh\n');
    const { writeWslImage } = await import('../../src/image/wsl/index.ts');
    const { writeProvenance } = await import('../../src/pipeline/provenance.ts');
    const { readSupplySigningKey } = await import('../../src/supply/index.ts');
    const dir = join(ex, 'out', 'images', 'wsl');
    const w = await writeWslImage({ root, output: join(dir, 'wsl.wsl'), defaultName: 'ExampleOS', sourceDateEpoch: Number(SDE), clampMtimes: false });
    const sha = (f: string) => createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
    const artifacts = ['wsl.spdx.json', 'wsl.cdx.json'].map((n) => ({ name: n, path: join(dir, n), kind: 'spdx' as const, sha256: sha(n), size: statSync(join(dir, n)).size }));
    artifacts.push({ name: 'wsl.wsl', path: w.path, kind: 'spdx', sha256: w.digest.slice(7), size: w.size });
    const now = new Date();
    await writeProvenance(join(dir, 'wsl.provenance.dsse.json'), { artifacts, packages: [], srpms: [], buildroot: [], externalParameters: {}, toolVersion: '0', startedOn: now, finishedOn: now, invocationId: 'x' }, await readSupplySigningKey(join(keys, 'release.dsse.key')));
    const r = verify(dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^strata: image root differs from its packages: unowned: \/usr\/bin\/backdoor/);
  });
});
