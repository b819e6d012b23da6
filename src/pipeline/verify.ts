// `strata verify ARTIFACT`: everything a consumer can re-check of what `strata build` produced —
// the provenance envelope (both signatures), every subject's digest, every OCI blob, and the image
// root itself: files as the package database says (rpm -Va rules, no unowned files), intended
// customizations unchanged, and SBOMs listing exactly the installed packages.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { IMAGE_RECORD, type ImageRecord } from '../image/customize.ts';
import { readTree } from '../files/index.ts';
import { formatVerifyLine, verifyImageRoot } from '../image/install/index.ts';
import { readRpmdb, readRpmManifest } from '../image/rpmdb/index.ts';
import { describePackage, readRpmFileHeaders } from '../rpm/index.ts';
import { type InstalledPackage, type SupplyPublicKey, verifyProvenanceEnvelope, verifySbomAgainstPackages, verifySubjects } from '../supply/index.ts';

const run = promisify(execFile);

export class VerifyError extends Error {
  override name = 'VerifyError';
}

export interface VerifyResult {
  artifact: string;
  subjects: string[];
  checks: string[];
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** JSON read from the artifact: malformed text is the artifact's fault, said in one line. */
function artifactJson(text: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new VerifyError(`${what}: not valid JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new VerifyError(`${what}: not a JSON object`);
  return v as Record<string, unknown>;
}

function listOf(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new VerifyError(`${what}: not a list`);
  return v;
}

function descriptor(v: unknown, what: string): Descriptor {
  const d = v as Partial<Descriptor> | null;
  if (typeof d !== 'object' || d === null || typeof d.mediaType !== 'string' || typeof d.digest !== 'string' || typeof d.size !== 'number') {
    throw new VerifyError(`${what}: not an OCI descriptor (mediaType, digest, size)`);
  }
  return d as Descriptor;
}

/** Checks every blob reachable from the layout's index; returns the image manifest digest and layer path. */
async function checkOciLayout(layout: string): Promise<{ manifest: string; layer: string }> {
  const blob = async (d: Descriptor): Promise<Buffer> => {
    const [alg, hex] = d.digest.split(':');
    if (alg !== 'sha256' || !/^[0-9a-f]{64}$/.test(hex ?? '')) throw new VerifyError(`${layout}: unsupported digest ${d.digest}`);
    const data = await readFile(join(layout, 'blobs', 'sha256', hex)).catch(() => {
      throw new VerifyError(`${layout}: blob ${d.digest} is missing`);
    });
    if (sha256(data) !== hex) throw new VerifyError(`${layout}: blob ${d.digest} does not match its digest`);
    if (data.length !== d.size) throw new VerifyError(`${layout}: blob ${d.digest} is ${data.length} bytes, the descriptor says ${d.size}`);
    return data;
  };
  const indexPath = join(layout, 'index.json');
  const indexText = await readFile(indexPath, 'utf8').catch(() => {
    throw new VerifyError(`${indexPath}: missing or unreadable`);
  });
  const manifests = listOf(artifactJson(indexText, indexPath).manifests, `${indexPath}: manifests`);
  let image: { manifest: string; layer: string } | undefined;
  for (const [i, entry] of manifests.entries()) {
    const m = descriptor(entry, `${indexPath}: manifests[${i}]`);
    const what = `${layout}: manifest ${m.digest}`;
    const manifest = artifactJson((await blob(m)).toString('utf8'), what);
    const config = descriptor(manifest.config, `${what}: config`);
    const layers = listOf(manifest.layers, `${what}: layers`).map((l, k) => descriptor(l, `${what}: layers[${k}]`));
    await blob(config);
    for (const l of layers) await blob(l);
    if (!image && config.mediaType === 'application/vnd.oci.image.config.v1+json' && layers.length === 1) {
      image = { manifest: m.digest, layer: join(layout, 'blobs', 'sha256', layers[0].digest.split(':')[1]) };
    }
  }
  if (!image) throw new VerifyError(`${layout}: no single-layer image manifest in index.json`);
  return image;
}

/** The image's record of intended customizations (none when the image has no record). */
async function readImageRecord(root: string): Promise<Map<string, string>> {
  const path = join(root, IMAGE_RECORD);
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return new Map();
  const record = artifactJson(text, `/${IMAGE_RECORD}`) as Partial<ImageRecord>;
  return new Map(
    listOf(record.customizations, `/${IMAGE_RECORD}: customizations`).map((c, i) => {
      const { path: p, digest } = (c ?? {}) as { path?: unknown; digest?: unknown };
      if (typeof p !== 'string' || typeof digest !== 'string') throw new VerifyError(`/${IMAGE_RECORD}: customizations[${i}] lacks a path or digest`);
      return [p, digest];
    }),
  );
}

function installedFromRoot(root: string): { packages: InstalledPackage[]; source: string } {
  const manifest = readRpmManifest(root);
  if (manifest) {
    return {
      source: 'manifest',
      packages: manifest.map((e) => {
        const i = e.versionRelease.lastIndexOf('-');
        return { name: e.name, epoch: e.epochNum || undefined, version: e.versionRelease.slice(0, i), release: e.versionRelease.slice(i + 1), arch: e.arch };
      }),
    };
  }
  return {
    source: 'rpmdb',
    packages: readRpmdb(root).map((r) => {
      const p = describePackage(r.header);
      return { name: p.name, epoch: p.epoch, version: p.version, release: p.release, arch: p.arch };
    }),
  };
}

/** The root's problems once intended customizations (unchanged since the build) are set aside. */
async function checkRoot(root: string, packageFiles: string[] | undefined, generated: string[]): Promise<string[]> {
  const intended = await readImageRecord(root);
  const manifest = readRpmManifest(root);
  let files: string[] | undefined;
  if (manifest) {
    if (!packageFiles?.length) throw new VerifyError('this image has no rpmdb (distroless): give --packages DIR, the repository it was composed from');
    // The packages the manifest names, found among the given files by their headers.
    const wanted = new Set(manifest.map((e) => `${e.name}-${e.versionRelease}.${e.arch}`));
    files = [];
    for (const f of packageFiles) {
      const p = describePackage((await readRpmFileHeaders(f)).header);
      const key = `${p.name}-${p.version}-${p.release}.${p.arch}`;
      if (wanted.delete(key)) files.push(f);
    }
    if (wanted.size) throw new VerifyError(`--packages: ${[...wanted].join(', ')} not found among the given packages`);
  }
  const result = await verifyImageRoot(root, { ...(files ? { packageFiles: files } : {}), allowUnowned: [IMAGE_RECORD, ...generated, ...intended.keys()] });
  const bad: string[] = [];
  for (const p of result.problems) {
    const want = intended.get(p.path);
    if (want !== undefined) {
      const have = await readFile(join(root, p.path)).then(sha256, () => 'missing');
      if (have === want || (want.startsWith('symlink:') && p.kind !== 'missing')) continue;
      bad.push(`${p.path}: customized file changed since the build`);
      continue;
    }
    bad.push(formatVerifyLine(p).trim());
  }
  return bad;
}

/** Copies bytes [start, end) of `file` to `out`. */
async function slice(file: string, start: number, end: number, out: string): Promise<void> {
  await pipeline(createReadStream(file, { start, end: end - 1 }), createWriteStream(out));
}

/** debugfs rdump drops setuid, setgid and sticky bits: put them back from the inodes' modes. */
async function restoreSpecialBits(img: string, dir: string): Promise<void> {
  const dirs: string[] = ['/'];
  for (const e of await readTree(dir)) {
    const d = `/${relative(dir, join(e.parentPath, e.name))}`;
    // A name that would break the quoted debugfs command is left out: its special bits then stay
    // dropped, and the root check reports the mode difference.
    if (e.isDirectory() && !/["\n\\]/.test(d)) dirs.push(d);
  }
  const cmd = `${img}.cmd`;
  await writeFile(cmd, dirs.map((d) => `ls -p "${d}"`).join('\n'));
  const { stdout } = await run('debugfs', ['-f', cmd, img], { maxBuffer: 256 << 20 });
  await rm(cmd, { force: true });
  let cur = '/';
  for (const line of stdout.split('\n')) {
    const ls = /^debugfs: ls -p "(.*)"$/.exec(line);
    if (ls) cur = ls[1];
    const m = /^\/\d+\/([0-7]+)\/\d+\/\d+\/(.*)\/\d*\/$/.exec(line);
    if (!m || m[2] === '.' || m[2] === '..') continue;
    const mode = parseInt(m[1], 8);
    // Only files and directories carry these bits; chmod follows a symlink (out of the tree, maybe).
    const type = mode & 0o170000;
    if (mode & 0o7000 && (type === 0o100000 || type === 0o040000)) await chmod(join(dir, cur, m[2]), mode & 0o7777);
  }
}

/**
 * The root a bootable disk holds, unpacked into `dir`: ROOT (ext4, through debugfs) and, for an
 * immutable host, /usr from USR-A (EROFS, through fsck.erofs). Nothing is mounted.
 */
async function rootFromDisk(disk: string, dir: string): Promise<void> {
  const fh = await open(disk, 'r');
  const head = Buffer.alloc(34 * 512);
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  const { readGpt } = await import('../image/disk/index.ts');
  const parts = readGpt(head).partitions;
  const byName = (n: string) => parts.find((p) => p.name === n);
  const root = byName('ROOT');
  if (!root) throw new VerifyError(`${disk}: no ROOT partition`);
  const img = join(dir, '..', 'root.img');
  await slice(disk, root.firstLba * 512, (root.lastLba + 1) * 512, img);
  await run('debugfs', ['-R', `rdump / ${dir}`, img], { maxBuffer: 64 << 20 }).catch((e: Error) => {
    throw new VerifyError(`${disk}: cannot read ROOT: ${e.message.split('\n')[0]}`);
  });
  await restoreSpecialBits(img, dir);
  await rm(img, { recursive: true, force: true });
  const usr = byName('USR-A');
  if (usr) {
    const u = join(dir, '..', 'usr.img');
    await slice(disk, usr.firstLba * 512, (usr.lastLba + 1) * 512, u);
    await rm(join(dir, 'usr'), { recursive: true, force: true });
    await run('fsck.erofs', [`--extract=${join(dir, 'usr')}`, '--preserve', u], { maxBuffer: 64 << 20 }).catch((e: Error) => {
      throw new VerifyError(`${disk}: cannot read USR-A: ${e.message.split('\n')[0]}`);
    });
    await rm(u, { force: true });
  }
}

export async function verifyArtifact(dir: string, trusted: SupplyPublicKey, opts: { packagesDir?: string } = {}): Promise<VerifyResult> {
  const entries = await readdir(dir).catch(() => {
    throw new VerifyError(`${dir}: not a directory of build outputs`);
  });
  const envelopes = entries.filter((f) => f.endsWith('.provenance.dsse.json'));
  if (envelopes.length !== 1) throw new VerifyError(`${dir}: expected one *.provenance.dsse.json, found ${envelopes.length}`);
  const checks: string[] = [];
  let statement;
  try {
    statement = verifyProvenanceEnvelope(await readFile(join(dir, envelopes[0])), trusted);
  } catch (e) {
    throw new VerifyError(`${join(dir, envelopes[0])}: ${(e as Error).message}`);
  }
  checks.push('provenance: Ed25519 and ML-DSA-65 signatures valid');
  let oci: { manifest: string; layer: string } | undefined;
  const ociSubject = statement.subject.find((s) => s.name === 'oci');
  if (ociSubject) {
    oci = await checkOciLayout(join(dir, 'oci'));
    if (oci.manifest !== `sha256:${ociSubject.digest.sha256}`) throw new VerifyError(`${dir}/oci: image manifest ${oci.manifest} is not the one the provenance names`);
    checks.push('oci: every blob matches its digest, manifest matches provenance');
  }
  const subjects = await verifySubjects({ ...statement, subject: statement.subject.filter((s) => s.name !== 'oci') }, (name) =>
    name.split('/').includes('..') ? undefined : join(dir, name),
  ).catch((e: Error) => {
    throw new VerifyError(`${dir}: ${e.message}`);
  });
  checks.push(`subjects: ${subjects.length} file digests match`);
  const wsl = statement.subject.find((s) => s.name.endsWith('.wsl'));
  const rawDisk = statement.subject.find((s) => s.name.endsWith('.raw'));
  const layer = oci?.layer ?? (wsl && join(dir, wsl.name)) ?? (rawDisk && join(dir, rawDisk.name));
  if (layer) {
    // An image directory holds only what its provenance covers.
    const covered = new Set([...statement.subject.map((s) => s.name.split('/')[0]), envelopes[0]]);
    const extra = entries.filter((f) => !covered.has(f));
    if (extra.length) throw new VerifyError(`${dir}: not covered by the provenance: ${extra.join(', ')}`);
    const root = await mkdtemp(join(tmpdir(), 'strata-verify-'));
    try {
      if (layer.endsWith('.raw')) {
        await mkdir(join(root, 'tree'));
        await rootFromDisk(layer, join(root, 'tree'));
      } else {
        await run('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-xpzf', layer, '-C', root], { maxBuffer: 64 << 20 }).catch((e: Error) => {
          throw new VerifyError(`${layer}: cannot unpack: ${e.message.split('\n')[0]}`);
        });
      }
      const tree = layer.endsWith('.raw') ? join(root, 'tree') : root;
      const packageFiles = opts.packagesDir
        ? (await readdir(opts.packagesDir)).filter((f) => f.endsWith('.rpm') && !f.endsWith('.src.rpm')).map((f) => join(opts.packagesDir!, f))
        : undefined;
      // The WSL writer adds wsl.conf and wsl-distribution.conf to the archive when the root has none.
      // Files the output writers add on purpose: WSL's configuration (when the root has none) and an
      // immutable host's /usr/share/factory (its /etc as shipped, for first boot and resets).
      const generated = wsl && !oci ? ['/etc/wsl.conf', '/etc/wsl-distribution.conf'] : rawDisk ? ['/usr/share/factory'] : [];
      const bad = await checkRoot(tree, packageFiles, generated);
      if (bad.length) throw new VerifyError(`image root differs from its packages: ${bad.slice(0, 5).join('; ')}${bad.length > 5 ? `; and ${bad.length - 5} more` : ''}`);
      const { packages, source } = installedFromRoot(tree);
      checks.push(`root: ${packages.length} packages (${source}), files as packaged, nothing unowned`);
      for (const f of entries.filter((x) => x.endsWith('.spdx.json') || x.endsWith('.cdx.json'))) {
        try {
          verifySbomAgainstPackages(JSON.parse(await readFile(join(dir, f), 'utf8')), packages);
        } catch (e) {
          throw new VerifyError(`${join(dir, f)}: ${(e as Error).message}`);
        }
        checks.push(`${f}: lists exactly the installed packages`);
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
  return { artifact: dir, subjects: statement.subject.map((s) => s.name), checks };
}
