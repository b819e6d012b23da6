// The OCI image documents (image-spec v1.1): image config, manifest, index, and the SBOM
// referrer artifact, built as plain JSON with a fixed key order so equal inputs give equal bytes.

export class OciImageError extends Error {
  override name = 'OciImageError';
}

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  empty: 'application/vnd.oci.empty.v1+json',
} as const;

/** Labels/annotations carrying SBOM references: `<prefix><format>` = "sha256:…" of the document. */
export const SBOM_LABEL_PREFIX = 'dev.strata.sbom.';

export interface Descriptor {
  mediaType: string;
  /** "sha256:<hex>". */
  digest: string;
  size: number;
  artifactType?: string;
  platform?: { architecture: string; os: string; variant?: string };
  annotations?: Record<string, string>;
}

/** What the container runs and how (the image config's `config` object). */
export interface ContainerConfig {
  /** rpm (x86_64, aarch64, …) or OCI (amd64, arm64, …) architecture name. */
  architecture: string;
  /** "KEY=value" entries. */
  env?: string[];
  entrypoint?: string[];
  cmd?: string[];
  workingDir?: string;
  /** "user", "uid", "user:group" or "uid:gid". */
  user?: string;
  /** Extra labels; the org.opencontainers.image.* ones derived from metadata take precedence. */
  labels?: Record<string, string>;
  /** "80/tcp", "53/udp". */
  exposedPorts?: string[];
  volumes?: string[];
  stopSignal?: string;
}

/** Who and what the image is: becomes org.opencontainers.image.* labels and annotations. */
export interface ImageMetadata {
  title: string;
  version: string;
  vendor: string;
  description?: string;
  url?: string;
  source?: string;
  revision?: string;
  licenses?: string;
  documentation?: string;
  /** The build step recorded in the config's history (default "strata build"). */
  createdBy?: string;
}

/** An SBOM that describes the image root (made before the image, from its packages). */
export interface SbomReference {
  /** Short name used in the label key: "spdx", "cyclonedx". */
  format: string;
  mediaType: string;
  digest: string;
  size: number;
  /** When given, the document is also stored in the layout as an OCI 1.1 referrer of the image. */
  path?: string;
}

const ARCHES: Record<string, { architecture: string; variant?: string }> = {
  x86_64: { architecture: 'amd64' },
  amd64: { architecture: 'amd64' },
  aarch64: { architecture: 'arm64', variant: 'v8' },
  arm64: { architecture: 'arm64', variant: 'v8' },
  i686: { architecture: '386' },
  '386': { architecture: '386' },
  ppc64le: { architecture: 'ppc64le' },
  s390x: { architecture: 's390x' },
  riscv64: { architecture: 'riscv64' },
};

/** The OCI platform for an rpm or OCI architecture name. */
export function ociPlatform(arch: string): { architecture: string; os: string; variant?: string } {
  const p = ARCHES[arch];
  if (!p) throw new OciImageError(`architecture "${arch}": not an image architecture (x86_64, aarch64, amd64, arm64, …)`);
  return { architecture: p.architecture, os: 'linux', ...(p.variant ? { variant: p.variant } : {}) };
}

/** RFC 3339 UTC without fractional seconds, as Go's time.Time marshals whole seconds. */
export function rfc3339(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/** A docker/OCI tag. */
export function checkTag(tag: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
    throw new OciImageError(`tag "${tag}": expected letters, digits, '_', '.', '-' (at most 128, not starting with '.' or '-')`);
  }
  return tag;
}

/** A docker repository name (lowercase path components), as `docker load` accepts in RepoTags. */
export function checkRepository(name: string): string {
  const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
  if (!new RegExp(`^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?${component}(?:/${component})*$`).test(name) || name.length > 255) {
    throw new OciImageError(`repository "${name}": expected lowercase names separated by '/', like "azurelinux/base/core"`);
  }
  return name;
}

function sorted(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(record).sort()) out[k] = record[k];
  return out;
}

function set(values: string[] | undefined): Record<string, Record<string, never>> | undefined {
  if (!values || values.length === 0) return undefined;
  const out: Record<string, Record<string, never>> = {};
  for (const v of [...new Set(values)].sort()) out[v] = {};
  return out;
}

/** org.opencontainers.image.* keys from the metadata, plus SBOM references. */
export function standardAnnotations(meta: ImageMetadata, created: string, sboms: readonly SbomReference[]): Record<string, string> {
  const a: Record<string, string> = {
    'org.opencontainers.image.created': created,
    'org.opencontainers.image.title': meta.title,
    'org.opencontainers.image.version': meta.version,
    'org.opencontainers.image.vendor': meta.vendor,
  };
  const optional: Array<[keyof ImageMetadata, string]> = [
    ['description', 'description'], ['url', 'url'], ['source', 'source'], ['revision', 'revision'],
    ['licenses', 'licenses'], ['documentation', 'documentation'],
  ];
  for (const [field, key] of optional) {
    const v = meta[field];
    if (v !== undefined && v !== '') a[`org.opencontainers.image.${key}`] = v;
  }
  for (const s of sboms) {
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(s.format)) throw new OciImageError(`SBOM format "${s.format}": expected a short lowercase name like "spdx"`);
    if (!/^sha256:[0-9a-f]{64}$/.test(s.digest)) throw new OciImageError(`SBOM ${s.format}: digest "${s.digest}" is not sha256:<64 hex>`);
    a[`${SBOM_LABEL_PREFIX}${s.format}`] = s.digest;
  }
  return a;
}

export interface ImageConfigInput {
  container: ContainerConfig;
  annotations: Record<string, string>;
  created: string;
  diffIds: string[];
  createdBy: string;
}

/** The image config document (application/vnd.oci.image.config.v1+json). */
export function imageConfigJson(input: ImageConfigInput): string {
  const c = input.container;
  const platform = ociPlatform(c.architecture);
  const config: Record<string, unknown> = {};
  if (c.user !== undefined) config.User = c.user;
  const ports = set(c.exposedPorts);
  if (ports) config.ExposedPorts = ports;
  if (c.env && c.env.length > 0) {
    for (const e of c.env) if (!/^[^=]+=/.test(e)) throw new OciImageError(`env "${e}": expected KEY=value`);
    config.Env = c.env;
  }
  if (c.entrypoint && c.entrypoint.length > 0) config.Entrypoint = c.entrypoint;
  if (c.cmd && c.cmd.length > 0) config.Cmd = c.cmd;
  const volumes = set(c.volumes);
  if (volumes) config.Volumes = volumes;
  if (c.workingDir !== undefined) {
    if (!c.workingDir.startsWith('/')) throw new OciImageError(`workingDir "${c.workingDir}": must be absolute`);
    config.WorkingDir = c.workingDir;
  }
  config.Labels = sorted({ ...(c.labels ?? {}), ...input.annotations });
  if (c.stopSignal !== undefined) config.StopSignal = c.stopSignal;

  const doc = {
    created: input.created,
    architecture: platform.architecture,
    ...(platform.variant ? { variant: platform.variant } : {}),
    os: platform.os,
    config,
    rootfs: { type: 'layers', diff_ids: input.diffIds },
    history: [{ created: input.created, created_by: input.createdBy }],
  };
  return JSON.stringify(doc);
}

/** The image manifest (application/vnd.oci.image.manifest.v1+json). */
export function imageManifestJson(config: Descriptor, layers: Descriptor[], annotations: Record<string, string>): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    annotations: sorted(annotations),
  });
}

/** The empty JSON object blob OCI 1.1 artifacts use as their config. */
export const EMPTY_CONFIG = '{}';

/** An OCI 1.1 artifact manifest holding one document (an SBOM) that refers to `subject`. */
export function referrerManifestJson(artifactType: string, emptyConfig: Descriptor, blob: Descriptor, subject: Descriptor, annotations: Record<string, string>): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    artifactType,
    config: { mediaType: MEDIA_TYPES.empty, digest: emptyConfig.digest, size: emptyConfig.size },
    layers: [{ mediaType: blob.mediaType, digest: blob.digest, size: blob.size }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: sorted(annotations),
  });
}

/** index.json of the layout. */
export function imageIndexJson(manifests: Descriptor[]): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.index,
    manifests: manifests.map((m) => ({
      mediaType: m.mediaType,
      ...(m.artifactType ? { artifactType: m.artifactType } : {}),
      digest: m.digest,
      size: m.size,
      ...(m.platform ? { platform: m.platform } : {}),
      ...(m.annotations ? { annotations: sorted(m.annotations) } : {}),
    })),
  });
}

/** docker-archive's manifest.json (what `docker load` and containers/image read). */
export function dockerArchiveManifestJson(configFile: string, repoTag: string, layerFiles: string[]): string {
  return JSON.stringify([{ Config: configFile, RepoTags: [repoTag], Layers: layerFiles }]);
}
