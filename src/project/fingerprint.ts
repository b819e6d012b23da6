// A component's identity. The input fingerprint changes exactly when something that shapes its
// build changes: the resolved configuration (minus what only documents it), the source (upstream
// commit, or the content of a local spec's directory), each overlay input file, the distro release
// and the manual bump. The resolution-input hash covers what picks the upstream commit; it is
// computed exactly as azldev does (internal/fingerprint), so azldev's locks stay comparable.
// The config part is SHA-256 over canonical JSON, not azldev's hashstructure, so fingerprints
// written by azldev itself read as stale once.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { displayPath, ProjectConfigError } from './errors.ts';
import type { Project } from './loader.ts';
import type { ComponentConfig, Overlay } from './model.ts';
import { componentDistro, resolveDistroRef, type ResolvedComponent } from './resolve.ts';

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** azldev's record format: length-prefixed label and value, so no value can forge another field. */
function writeField(h: ReturnType<typeof createHash>, label: string, value: string): void {
  h.update(`${Buffer.byteLength(label)}:${label}=${Buffer.byteLength(value)}:${value}\n`);
}

/** JSON with sorted keys, leaving out unset values (undefined, "", false, 0, [] and {}). */
export function canonicalJson(value: unknown): string {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const items = v.map(norm);
      return items.length ? items : undefined;
    }
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) {
        const x = norm((v as Record<string, unknown>)[k]);
        if (x !== undefined) out[k] = x;
      }
      return Object.keys(out).length ? out : undefined;
    }
    if (v === '' || v === false || v === 0 || v === null) return undefined;
    return v;
  };
  return JSON.stringify(norm(value) ?? {});
}

/**
 * The part of a resolved config that shapes the build: azldev's `fingerprint:"-"` fields are left
 * out (overlay description, metadata, source path and origin; spec path and snapshot; publish
 * channels; check skip_reason; failure; hints; source-file origin except a custom script's inputs;
 * replace-reason; overlay-files, which only says where overlays came from).
 */
export function fingerprintView(config: ComponentConfig): unknown {
  const { spec, build, sourceFiles, overlays, release, render } = config;
  return {
    spec: spec && {
      type: spec.type,
      upstreamName: spec.upstreamName,
      upstreamCommit: spec.upstreamCommit,
      upstreamDistro: spec.upstreamDistro && { name: spec.upstreamDistro.name, version: spec.upstreamDistro.version },
    },
    release,
    render,
    build: build && {
      with: build.with,
      without: build.without,
      defines: build.defines,
      undefines: build.undefines,
      emitUpstreamProvenance: build.emitUpstreamProvenance,
      check: build.check && { skip: build.check.skip },
    },
    overlays: overlays?.map((o) => {
      const { description: _d, metadata: _m, source: _s, origin: _o, ...rest } = o;
      return rest;
    }),
    sourceFiles: sourceFiles?.map((f) => ({
      filename: f.filename,
      hash: f.hash,
      hashType: f.hashType,
      replaceUpstream: f.replaceUpstream,
      origin: f.origin && { script: f.origin.script, mockPackages: f.origin.mockPackages, inputs: f.origin.inputs },
    })),
  };
}

export interface FingerprintInputs {
  config: ComponentConfig;
  /** Upstream commit, or `sha256:…` of a local spec directory ("" when the component has no spec). */
  sourceIdentity: string;
  /** Overlay index → "<destination name>:<sha256 of its source file>", for overlays with a source. */
  overlaySources: Record<string, string>;
  distroName: string;
  releaseVer: string;
  manualBump: number;
}

/** `sha256:…` over the inputs (pure). */
export function computeFingerprint(inputs: FingerprintInputs): string {
  const h = createHash('sha256');
  writeField(h, 'config', canonicalJson(fingerprintView(inputs.config)));
  writeField(h, 'source_identity', inputs.sourceIdentity);
  writeField(h, 'manual_bump', String(inputs.manualBump));
  writeField(h, 'distro_name', inputs.distroName);
  writeField(h, 'release_ver', inputs.releaseVer);
  for (const k of Object.keys(inputs.overlaySources).sort((a, b) => Number(a) - Number(b))) {
    writeField(h, `overlay:${k}`, inputs.overlaySources[k]);
  }
  return `sha256:${h.digest('hex')}`;
}

/** What picks an upstream commit (resolved values, after inheritance). */
export interface ResolutionInputs {
  snapshot: string;
  distroName: string;
  distroVersion: string;
  distGitBranch: string;
  distGitBaseUri: string;
  upstreamCommitPin: string;
  upstreamName: string;
}

/** Byte-for-byte azldev's ComputeResolutionHash. */
export function resolutionInputHash(r: ResolutionInputs): string {
  const h = createHash('sha256');
  writeField(h, 'snapshot', r.snapshot);
  writeField(h, 'distro_name', r.distroName);
  writeField(h, 'distro_version', r.distroVersion);
  writeField(h, 'dist_git_branch', r.distGitBranch);
  writeField(h, 'dist_git_base_uri', r.distGitBaseUri);
  writeField(h, 'upstream_commit_pin', r.upstreamCommitPin);
  writeField(h, 'upstream_name', r.upstreamName);
  return `sha256:${h.digest('hex')}`;
}

/** The resolution inputs of an upstream component (the distro is its upstream-distro, else the project's). */
export function resolutionInputs(project: Project, config: ComponentConfig): ResolutionInputs {
  const ref = config.spec?.upstreamDistro?.name ? config.spec.upstreamDistro : project.config.project.defaultDistro;
  const d = resolveDistroRef(project, ref);
  return {
    snapshot: config.spec?.upstreamDistro?.snapshot ?? '',
    distroName: ref?.name ?? '',
    distroVersion: ref?.version ?? '',
    distGitBranch: d.versionDef.distGitBranch ?? '',
    distGitBaseUri: d.distro.distGitBaseUri ?? '',
    upstreamCommitPin: config.spec?.upstreamCommit ?? '',
    upstreamName: config.spec?.upstreamName ?? '',
  };
}

/** `sha256:…` over every file below `dir` (relative path and content hash, sorted), as azldev. */
export function localSourceIdentity(dir: string): string {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dir);
  if (files.length === 0) throw new ProjectConfigError(`spec directory ${dir} contains no files`);
  files.sort();
  const h = createHash('sha256');
  for (const f of files) h.update(`${relative(dir, f)}=${sha256(readFileSync(f))}\n`);
  return `sha256:${h.digest('hex')}`;
}

/** "<destination name>:<sha256>" for an overlay's input file (file, else the source's base name). */
export function overlaySourceIdentity(o: Overlay): string | undefined {
  if (!o.source) return undefined;
  let content: Buffer;
  try {
    content = readFileSync(o.source);
  } catch (e) {
    throw new ProjectConfigError(`${displayPath(o.origin.file)}:${o.origin.line}: ${o.type} overlay source ${displayPath(o.source)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return `${o.file || basename(o.source)}:${sha256(content)}`;
}

/** Raised when an upstream component's commit is not known (no pin, no usable lock, no network). */
export class UnresolvedSourceError extends ProjectConfigError {
  override name = 'UnresolvedSourceError';
}

export interface ComponentIdentity {
  fingerprint: string;
  inputs: FingerprintInputs;
}

/**
 * The fingerprint of a resolved component. `upstreamCommit` is the commit an upstream spec is
 * locked to (from its lock or pin); local specs are hashed from disk. Reads overlay source files.
 */
export function componentIdentity(
  project: Project,
  component: ResolvedComponent,
  opts: { upstreamCommit?: string; manualBump?: number } = {},
): ComponentIdentity {
  const { config } = component;
  let sourceIdentity = '';
  if (config.spec?.type === 'upstream') {
    sourceIdentity = opts.upstreamCommit || config.spec.upstreamCommit || '';
    if (!sourceIdentity) throw new UnresolvedSourceError(`${component.name}: upstream commit unresolved (no upstream-commit pin and no current lock; resolving it needs dist-git)`);
  } else if (config.spec?.path) {
    sourceIdentity = localSourceIdentity(dirname(config.spec.path));
  } else if (config.spec?.type === 'local') {
    throw new ProjectConfigError(`${component.name}: local spec has no path`);
  }
  config.sourceFiles?.forEach((f) => {
    if (!f.hash) throw new ProjectConfigError(`${component.name}: source file "${f.filename}" has no hash; cannot compute a fingerprint`);
  });
  const overlaySources: Record<string, string> = {};
  config.overlays?.forEach((o, i) => {
    const id = overlaySourceIdentity(o);
    if (id) overlaySources[String(i)] = id;
  });
  const distro = componentDistro(project, config);
  const inputs: FingerprintInputs = {
    config,
    sourceIdentity,
    overlaySources,
    distroName: distro?.name ?? '',
    releaseVer: distro?.versionDef.releaseVer ?? '',
    manualBump: opts.manualBump ?? 0,
  };
  return { fingerprint: computeFingerprint(inputs), inputs };
}
