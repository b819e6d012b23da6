// OCI layout and docker-archive output, checked by the tools that consume them: skopeo reads the
// layout and the archive, umoci unpacks the image (the unpacked rootfs must equal the root), and
// crun runs a command in the bundle. Two builds of the same root are byte-identical.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MEDIA_TYPES, OciImageError, type OciImageOptions, type OciImageResult, writeOciImage } from '../../../src/image/oci/index.ts';
import { workDir } from '../../support/fixtures.ts';
import { crunRun, crunUnavailable } from '../../support/crun.ts';
import { hasTool, needTools } from '../../support/tools.ts';
import { SDE, describeTree, fileDigests, isRoot, makeImageRoot } from './fixture-root.ts';

const work = workDir('image-oci');
const root = join(work, 'root');
const TOOLS = ['getfattr', 'setfattr', 'setcap', 'mknod'];
let built: OciImageResult;
let options: OciImageOptions;
let sbomPath: string;

function sh(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

function ok(cmd: string, args: string[]): string {
  const r = sh(cmd, args);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

const ready = TOOLS.every(hasTool);

before(async () => {
  if (!ready) return;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  await makeImageRoot(work, root);
  const sbom = Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'test' }));
  sbomPath = join(work, 'sbom.spdx.json');
  writeFileSync(sbomPath, sbom);
  options = {
    root,
    layout: join(work, 'layout-a'),
    tag: '1.0',
    dockerArchive: join(work, 'image-a.tar'),
    repository: 'strata/test',
    config: {
      architecture: process.arch === 'arm64' ? 'aarch64' : 'x86_64',
      env: ['PATH=/usr/bin:/usr/sbin'],
      entrypoint: ['/bin/sh', '-c'],
      cmd: ['echo hello from strata'],
      workingDir: '/',
      user: '0:0',
      labels: { 'com.example.team': 'images' },
    },
    metadata: { title: 'Strata Test', version: '1.0', vendor: 'Strata', description: 'test image' },
    sourceDateEpoch: SDE,
    sboms: [{
      format: 'spdx', mediaType: 'application/spdx+json', path: sbomPath, size: sbom.length,
      digest: `sha256:${createHash('sha256').update(sbom).digest('hex')}`,
    }],
  };
  built = await writeOciImage(options);
});

after(() => {
  if (ready) rmSync(work, { recursive: true, force: true });
});

function blob(digest: string): Buffer {
  return readFileSync(join(built.layout, 'blobs', 'sha256', digest.slice(7)));
}

test('layout: oci-layout, index.json with the tag, blobs named by their digests', (t) => {
  if (!needTools(t, ...TOOLS)) return;
  assert.deepEqual(JSON.parse(readFileSync(join(built.layout, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
  const index = JSON.parse(readFileSync(join(built.layout, 'index.json'), 'utf8'));
  assert.equal(index.schemaVersion, 2);
  assert.equal(index.manifests[0].digest, built.manifest.digest);
  assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], '1.0');
  for (const [name, digest] of Object.entries(fileDigests(join(built.layout, 'blobs', 'sha256')))) {
    assert.equal(digest, name, `blob ${name} holds other content`);
  }
  const manifest = JSON.parse(blob(built.manifest.digest).toString());
  assert.equal(manifest.config.digest, built.config.digest);
  assert.deepEqual(manifest.layers, [{ mediaType: MEDIA_TYPES.layerGzip, digest: built.layer.digest, size: built.layer.size }]);
  assert.equal(manifest.annotations['org.opencontainers.image.version'], '1.0');
  const config = JSON.parse(blob(built.config.digest).toString());
  assert.deepEqual(config.rootfs, { type: 'layers', diff_ids: [built.layer.diffId] });
  assert.equal(config.created, '2023-11-14T22:13:20Z');
  assert.deepEqual(config.config.Entrypoint, ['/bin/sh', '-c']);
  assert.equal(config.config.Labels['dev.strata.sbom.spdx'], options.sboms![0].digest);
  assert.equal(config.config.Labels['com.example.team'], 'images');
  // The gzip header has no name and no timestamp; the diff_id is the digest of the plain tar.
  const layer = blob(built.layer.digest);
  assert.deepEqual([...layer.subarray(0, 8)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
  const plain = spawnSync('gzip', ['-dc'], { input: layer, maxBuffer: 1 << 28 }).stdout;
  assert.equal(`sha256:${createHash('sha256').update(plain).digest('hex')}`, built.layer.diffId);
});

test('the SBOM is stored as an OCI 1.1 referrer of the image manifest', (t) => {
  if (!needTools(t, ...TOOLS)) return;
  assert.equal(built.referrers.length, 1);
  const ref = JSON.parse(blob(built.referrers[0].digest).toString());
  assert.equal(ref.artifactType, 'application/spdx+json');
  assert.equal(ref.subject.digest, built.manifest.digest);
  assert.equal(ref.layers[0].digest, options.sboms![0].digest);
  assert.deepEqual(blob(ref.layers[0].digest), readFileSync(sbomPath));
});

test('skopeo inspects the layout and the docker-archive with our digests and labels', (t) => {
  if (!needTools(t, ...TOOLS, 'skopeo')) return;
  const info = JSON.parse(ok('skopeo', ['inspect', `oci:${built.layout}:1.0`]));
  assert.equal(info.Digest, built.manifest.digest);
  assert.deepEqual(info.Layers, [built.layer.digest]);
  assert.equal(info.Architecture, process.arch === 'arm64' ? 'arm64' : 'amd64');
  assert.equal(info.Os, 'linux');
  assert.equal(info.Labels['org.opencontainers.image.version'], '1.0');
  assert.equal(info.Labels['org.opencontainers.image.vendor'], 'Strata');
  assert.equal(info.Labels['org.opencontainers.image.title'], 'Strata Test');
  assert.equal(info.Labels['org.opencontainers.image.created'], '2023-11-14T22:13:20Z');
  assert.equal(info.Labels['dev.strata.sbom.spdx'], options.sboms![0].digest);
  assert.deepEqual(info.Env, ['PATH=/usr/bin:/usr/sbin']);
  assert.equal(ok('skopeo', ['inspect', '--raw', `oci:${built.layout}:1.0`]), blob(built.manifest.digest).toString());
  assert.equal(ok('skopeo', ['inspect', '--config', '--raw', `oci:${built.layout}:1.0`]), blob(built.config.digest).toString());

  const archive = JSON.parse(ok('skopeo', ['inspect', `docker-archive:${built.dockerArchive!.path}`]));
  assert.deepEqual(archive.Layers, [built.layer.diffId]);
  assert.equal(archive.Labels['org.opencontainers.image.version'], '1.0');
  assert.equal(built.dockerArchive!.repoTag, 'strata/test:1.0');
  const listing = ok('tar', ['-tf', built.dockerArchive!.path]).trim().split('\n');
  assert.deepEqual(listing, [`${built.config.digest.slice(7)}.json`, `${built.layer.diffId.slice(7)}.tar`, 'manifest.json']);
  // Copying reads and verifies every layer against its diff_id.
  ok('skopeo', ['copy', '-q', `docker-archive:${built.dockerArchive!.path}`, `oci:${join(work, 'copied')}:t`]);
  ok('skopeo', ['copy', '-q', `oci:${built.layout}:1.0`, `dir:${join(work, 'copied-dir')}`]);
});

test('umoci unpacks the image and the rootfs equals the root (modes, owners, links, xattrs, mtimes)', (t) => {
  if (!needTools(t, ...TOOLS, 'umoci')) return;
  if (!isRoot) return t.skip('umoci unpack keeps owners and devices only as root');
  const bundle = join(work, 'bundle');
  ok('umoci', ['unpack', '--image', `${built.layout}:1.0`, bundle]);
  const want = describeTree(root, SDE);
  const got = describeTree(join(bundle, 'rootfs'));
  assert.deepEqual([...got.keys()], [...want.keys()]);
  for (const [p, w] of want) assert.deepEqual(got.get(p), w, p);
  // Spot checks of what the comparison covers.
  assert.equal(got.get('usr/libexec/suid-helper')!.mode, 0o4755);
  assert.equal(got.get('home/tester/.profile')!.uid, 1000);
  assert.match(got.get('usr/libexec/cap-helper')!.xattrs ?? '', /^security\.capability=/);
  assert.equal(got.get('usr/lib/os-release')!.xattrs, `user.strata=${Buffer.from('kept').toString('hex')}`);
  assert.equal(got.get('usr/bin/bb')!.link, got.get('usr/bin/busybox')!.link);
  assert.equal(got.get('etc/passwd')!.mtime, SDE);
  assert.equal(got.get('etc/group')!.mtime, SDE - 86_400);
  assert.equal(got.get('bin')!.target, 'usr/bin');
});

test('crun runs a command in the unpacked image', (t) => {
  if (!needTools(t, ...TOOLS, 'umoci', 'crun')) return;
  if (!isRoot) return t.skip('crun needs root here');
  const bundle = join(work, 'run-bundle');
  ok('umoci', ['unpack', '--image', `${built.layout}:1.0`, bundle]);
  const cfgPath = join(bundle, 'config.json');
  const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
  // umoci builds process.args from Entrypoint + Cmd; a test has no terminal.
  assert.deepEqual(cfg.process.args, ['/bin/sh', '-c', 'echo hello from strata']);
  cfg.process.terminal = false;
  writeFileSync(cfgPath, JSON.stringify(cfg));
  const r = crunRun(bundle, `strata-test-${process.pid}`);
  if (crunUnavailable(r)) {
    return t.skip(`crun cannot run containers in this environment: ${r.stderr.trim().split('\n')[0]}`);
  }
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'hello from strata\n');
});

test('two builds of the same root are byte-identical; later mtimes are clamped away', async (t) => {
  if (!needTools(t, ...TOOLS)) return;
  // Touching a file to after SOURCE_DATE_EPOCH must not change anything.
  utimesSync(join(root, 'var/lib/empty-file'), SDE + 1000, SDE + 1000);
  const again = await writeOciImage({ ...options, layout: join(work, 'layout-b'), dockerArchive: join(work, 'image-b.tar') });
  assert.equal(again.manifest.digest, built.manifest.digest);
  assert.deepEqual(fileDigests(again.layout), fileDigests(built.layout));
  assert.deepEqual(readFileSync(again.dockerArchive!.path), readFileSync(built.dockerArchive!.path));
  assert.equal(again.dockerArchive!.digest, built.dockerArchive!.digest);
  // Rebuilding over an existing layout replaces it atomically and leaves no temporaries;
  // SOURCE_DATE_EPOCH from the environment counts like the option.
  process.env.SOURCE_DATE_EPOCH = String(SDE);
  try {
    const over = await writeOciImage({
      ...options, sourceDateEpoch: undefined, layout: join(work, 'layout-b'), dockerArchive: join(work, 'image-c.tar'), repository: undefined,
    });
    assert.equal(over.manifest.digest, built.manifest.digest);
    assert.equal(over.dockerArchive!.repoTag, 'strata-test:1.0');
  } finally {
    delete process.env.SOURCE_DATE_EPOCH;
  }
  const siblings = spawnSync('ls', ['-A', work], { encoding: 'utf8' }).stdout;
  assert.doesNotMatch(siblings, /\.tmp-|\.old-/);
});

test('refuses whiteout names, non-layout targets and bad tags with one-line errors', async (t) => {
  if (!needTools(t, ...TOOLS)) return;
  const odd = join(work, 'odd-root');
  mkdirSync(join(odd, 'etc'), { recursive: true });
  writeFileSync(join(odd, 'etc/.wh.passwd'), '');
  await assert.rejects(writeOciImage({ ...options, root: odd, layout: join(work, 'odd'), dockerArchive: undefined, sboms: [] }),
    (e: Error) => e instanceof OciImageError && /etc\/\.wh\.passwd: "\.wh\." names are OCI whiteouts/.test(e.message));
  const notLayout = join(work, 'not-a-layout');
  mkdirSync(notLayout);
  writeFileSync(join(notLayout, 'precious'), 'x');
  await assert.rejects(writeOciImage({ ...options, layout: notLayout }), /not an OCI layout; refusing to replace it/);
  assert.equal(readFileSync(join(notLayout, 'precious'), 'utf8'), 'x');
  await assert.rejects(writeOciImage({ ...options, tag: 'bad tag' }), /tag "bad tag"/);
  await assert.rejects(writeOciImage({ ...options, config: { ...options.config, architecture: 'noarch' } }), /architecture "noarch"/);
  await assert.rejects(writeOciImage({ ...options, sboms: [{ ...options.sboms![0], size: 1 }] }), /the reference says/);
});
