// writeOciImage: an image root → an OCI image layout directory (one gzip layer, config, manifest,
// index.json naming the tag; SBOMs attached as OCI 1.1 referrers) and optionally a docker-archive
// tar. Everything is built in a temporary sibling directory and renamed into place; with a
// SOURCE_DATE_EPOCH the same root gives byte-identical files.

import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { type ExtraFile, type TarItem, TarWriteError, sourceDateEpoch, walkTree, writeTarFile, writeTarball } from '../tar/index.ts';
import {
  type ContainerConfig, type Descriptor, EMPTY_CONFIG, type ImageMetadata, MEDIA_TYPES, OciImageError, type SbomReference,
  checkRepository, checkTag, dockerArchiveManifestJson, imageConfigJson, imageIndexJson, imageManifestJson, ociPlatform,
  referrerManifestJson, rfc3339, standardAnnotations,
} from './model.ts';

export interface OciImageOptions {
  /** The composed image root. */
  root: string;
  /** The OCI layout directory to create (an existing layout there is replaced). */
  layout: string;
  /** org.opencontainers.image.ref.name in index.json, and the docker-archive tag. */
  tag: string;
  config: ContainerConfig;
  metadata: ImageMetadata;
  /** Reproducible builds: clamps file mtimes and is the `created` time. Default: $SOURCE_DATE_EPOCH,
   *  else now (and mtimes as they are). */
  sourceDateEpoch?: number;
  /** Clamp file mtimes to sourceDateEpoch (default true). A root composed reproducibly from packages
   *  keeps the packages' own mtimes instead, so `rpm -V` inside the image stays clean. */
  clampMtimes?: boolean;
  sboms?: SbomReference[];
  /** Also write a docker-archive tar here (`docker load`, `skopeo copy docker-archive:`). */
  dockerArchive?: string;
  /** Repository for the docker-archive's RepoTags (default: the title, lowercased, "-" for spaces). */
  repository?: string;
  gzipLevel?: number;
  /** Files added to (or replacing files of) the root in the layer only. */
  extraFiles?: ExtraFile[];
  /** 'image' (default): all xattrs but security.selinux; 'none'. */
  xattrs?: 'image' | 'none';
}

export interface OciImageResult {
  layout: string;
  tag: string;
  /** The image manifest: its digest is the image's identity (what `skopeo inspect` prints). */
  manifest: Descriptor;
  config: Descriptor;
  layer: Descriptor & { diffId: string; uncompressedSize: number; entries: number };
  /** SBOM referrer manifests stored in the layout. */
  referrers: Descriptor[];
  dockerArchive?: { path: string; digest: string; size: number; repoTag: string };
  /** Entries left out of the layer (sockets). */
  skipped: string[];
  created: string;
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function hex(digest: string): string {
  return digest.slice('sha256:'.length);
}

async function writeSynced(path: string, data: Buffer | string): Promise<void> {
  const fh = await open(path, 'wx', 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function putBlob(blobs: string, mediaType: string, data: Buffer | string): Promise<Descriptor> {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
  const digest = sha256(bytes);
  await writeSynced(join(blobs, hex(digest)), bytes).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e; // the same content twice (content-addressed)
  });
  return { mediaType, digest, size: bytes.length };
}

/** Refuses to replace a directory that is not an OCI layout, so a typo cannot wipe user data. */
async function checkReplaceable(dir: string): Promise<boolean> {
  const st = await lstat(dir).catch(() => undefined);
  if (!st) return false;
  if (!st.isDirectory()) throw new OciImageError(`${dir}: exists and is not a directory`);
  const isLayout = await lstat(join(dir, 'oci-layout')).then(() => true, () => false);
  if (!isLayout) throw new OciImageError(`${dir}: exists and is not an OCI layout; refusing to replace it`);
  return true;
}

/** Moves a finished temporary directory to `dest`, replacing an older one. */
export async function replaceDir(tmp: string, dest: string, exists: boolean): Promise<void> {
  if (!exists) {
    await rename(tmp, dest);
    return;
  }
  const old = join(dirname(dest), `.${basename(dest)}.old-${randomBytes(4).toString('hex')}`);
  await rename(dest, old);
  await rename(tmp, dest);
  await rm(old, { recursive: true, force: true });
}

function rejectWhiteouts(item: TarItem): void {
  const base = item.path.slice(item.path.lastIndexOf('/') + 1);
  if (base.startsWith('.wh.')) throw new OciImageError(`${item.path}: ".wh." names are OCI whiteouts and cannot be in an image root`);
}

/** A docker repository name from a title: "Strata Test" → "strata-test". */
function repositoryFromTitle(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9._/-]+/g, '-').replace(/^[-._/]+|[-._/]+$/g, '');
}

function epoch(value: number | undefined): number | undefined {
  try {
    return sourceDateEpoch(value);
  } catch (e) {
    throw new OciImageError((e as Error).message);
  }
}

/** Builds the OCI layout (and docker-archive) for `opts.root`. */
export async function writeOciImage(opts: OciImageOptions): Promise<OciImageResult> {
  const tag = checkTag(opts.tag);
  const platform = ociPlatform(opts.config.architecture);
  const sde = epoch(opts.sourceDateEpoch);
  const created = rfc3339(sde ?? Math.floor(Date.now() / 1000));
  const sboms = opts.sboms ?? [];
  const annotations = standardAnnotations(opts.metadata, created, sboms);
  const repository = opts.dockerArchive ? checkRepository(opts.repository ?? repositoryFromTitle(opts.metadata.title)) : undefined;

  const layoutDir = resolve(opts.layout);
  const exists = await checkReplaceable(layoutDir);
  await mkdir(dirname(layoutDir), { recursive: true });
  const tmp = join(dirname(layoutDir), `.${basename(layoutDir)}.tmp-${randomBytes(4).toString('hex')}`);
  const blobs = join(tmp, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  try {
    const skipped: string[] = [];
    const layerTmp = join(blobs, '.layer.tmp');
    const rawTar = opts.dockerArchive ? join(tmp, '.layer.tar') : undefined;
    const items = walkTree(opts.root, {
      sourceDateEpoch: opts.clampMtimes === false ? undefined : sde,
      xattrs: opts.xattrs,
      extraFiles: opts.extraFiles,
      check: rejectWhiteouts,
      onSkip: (p) => skipped.push(p),
    });
    const tarball = await writeTarball(items, { gzipPath: layerTmp, tarPath: rawTar, gzipLevel: opts.gzipLevel });
    await rename(layerTmp, join(blobs, hex(tarball.gzipDigest)));
    const layer = {
      mediaType: MEDIA_TYPES.layerGzip, digest: tarball.gzipDigest, size: tarball.gzipSize,
      diffId: tarball.tarDigest, uncompressedSize: tarball.tarSize, entries: tarball.entries,
    };

    const configJson = imageConfigJson({
      container: opts.config, annotations, created, diffIds: [tarball.tarDigest], createdBy: opts.metadata.createdBy ?? 'strata build',
    });
    const config = await putBlob(blobs, MEDIA_TYPES.config, configJson);
    const manifestBlob = await putBlob(blobs, MEDIA_TYPES.manifest, imageManifestJson(config, [layer], annotations));
    const manifest: Descriptor = { ...manifestBlob, platform, annotations: { 'org.opencontainers.image.ref.name': tag } };

    const referrers: Descriptor[] = [];
    if (sboms.some((s) => s.path !== undefined)) {
      const empty = await putBlob(blobs, MEDIA_TYPES.empty, EMPTY_CONFIG);
      for (const s of sboms) {
        if (s.path === undefined) continue;
        const data = await readFile(s.path);
        const doc = await putBlob(blobs, s.mediaType, data);
        if (doc.digest !== s.digest || doc.size !== s.size) {
          throw new OciImageError(`SBOM ${s.path}: content is ${doc.digest} (${doc.size} bytes), the reference says ${s.digest} (${s.size} bytes)`);
        }
        const refJson = referrerManifestJson(s.mediaType, empty, doc, manifestBlob, { 'org.opencontainers.image.created': created });
        const ref = await putBlob(blobs, MEDIA_TYPES.manifest, refJson);
        referrers.push({ ...ref, artifactType: s.mediaType });
      }
    }
    await writeSynced(join(tmp, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await writeSynced(join(tmp, 'index.json'), imageIndexJson([manifest, ...referrers]));

    let dockerArchive: OciImageResult['dockerArchive'];
    if (opts.dockerArchive && rawTar && repository) {
      const repoTag = `${repository}:${tag}`;
      const written = await writeDockerArchive(opts.dockerArchive, {
        configJson, diffId: tarball.tarDigest, layerTar: rawTar, layerSize: tarball.tarSize, repoTag, mtime: sde ?? Math.floor(Date.now() / 1000),
      });
      dockerArchive = { ...written, repoTag };
      await rm(rawTar, { force: true });
    }
    await replaceDir(tmp, layoutDir, exists);
    return { layout: layoutDir, tag, manifest, config, layer, referrers, dockerArchive, skipped, created };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    if (e instanceof TarWriteError) throw new OciImageError(e.message);
    throw e;
  }
}

interface DockerArchiveInput {
  configJson: string;
  diffId: string;
  layerTar: string;
  layerSize: number;
  repoTag: string;
  mtime: number;
}

/** The docker-archive tar: `<config hex>.json`, `<diff_id hex>.tar` (uncompressed layer), manifest.json. */
async function writeDockerArchive(path: string, d: DockerArchiveInput): Promise<{ path: string; digest: string; size: number }> {
  const dest = resolve(path);
  await mkdir(dirname(dest), { recursive: true });
  const config = Buffer.from(d.configJson, 'utf8');
  const configFile = `${hex(sha256(config))}.json`;
  const layerFile = `${hex(d.diffId)}.tar`;
  const manifest = Buffer.from(dockerArchiveManifestJson(configFile, d.repoTag, [layerFile]), 'utf8');
  const base = { mode: 0o644, uid: 0, gid: 0, mtime: d.mtime } as const;
  async function* items(): AsyncGenerator<TarItem> {
    yield { ...base, path: configFile, type: 'file', size: config.length, content: config };
    yield { ...base, path: layerFile, type: 'file', size: d.layerSize, source: d.layerTar };
    yield { ...base, path: 'manifest.json', type: 'file', size: manifest.length, content: manifest };
  }
  const tmp = join(dirname(dest), `.${basename(dest)}.tmp-${randomBytes(4).toString('hex')}`);
  try {
    const written = await writeTarFile(items(), tmp);
    await rename(tmp, dest);
    return { path: dest, ...written };
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
