// A component's sources, made ready for render or build: the local spec directory (or the dist-git
// clone at the locked commit), the lookaside tarballs and `source-files` (digest-checked), then the
// overlays in azldev's order, and finally the `sources` file rewritten with every replaced or
// repacked file. Work happens in a scratch copy that replaces `dest` only when it is complete.

import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { applyOverlays, type ApplyOverlaysResult, type ComponentOverlayInput } from '../overlay/index.ts';
import { componentDistro, displayPath, type Project, type ResolvedComponent } from '../project/index.ts';
import { downloadFile } from '../repo/source/fetch.ts';
import {
  cloneDistGit,
  digestName,
  distGitUrl,
  fetchLookasideSources,
  hasVerifiedFile,
  mergeSourcesEntries,
  parseSourcesFile,
  type SourcesEntry,
} from '../sources/index.ts';

/** Preparation failed for a reason the user can act on (one line, naming the component). */
export class PrepareError extends Error {
  override name = 'PrepareError';
}

export interface PrepareOptions {
  /** Download lookaside tarballs and `source-files` (prepare-sources, build); render leaves them out. */
  withSources: boolean;
  /** Leave the sources as upstream has them (diff-sources' "before" side). */
  skipOverlays?: boolean;
  /** Upstream commit from the component's lock (an upstream spec needs one, or a pin in config). */
  upstreamCommit?: string;
  /** Compute archive digests instead of requiring them in `source-files` (bootstrapping). */
  allowNoHashes?: boolean;
  retries?: number;
  onStep?: (step: string) => void;
}

export interface PreparedSources {
  dir: string;
  /** Spec file name inside `dir`. */
  spec: string;
  /** The upstream commit checked out (upstream specs only). */
  upstreamCommit?: string;
  overlays?: ApplyOverlaysResult;
}

/** What applyOverlays needs from a resolved component. */
export function overlayInput(c: ResolvedComponent): ComponentOverlayInput {
  return { name: c.name, overlays: c.config.overlays ?? [], build: c.config.build, sourceFiles: c.config.sourceFiles };
}

async function fetchUpstream(project: Project, c: ResolvedComponent, dir: string, opts: PrepareOptions): Promise<string> {
  const spec = c.config.spec ?? {};
  const d = componentDistro(project, c.config);
  if (!d?.distro.distGitBaseUri) throw new PrepareError(`${c.name}: distro ${d?.name ?? '(none)'} has no dist-git-base-uri to fetch the upstream spec from`);
  const url = distGitUrl(d.distro.distGitBaseUri, spec.upstreamName || c.name);
  const pin = spec.upstreamCommit || opts.upstreamCommit;
  if (!pin) throw new PrepareError(`${c.name}: no upstream commit locked: run \`strata component update ${c.name}\``);
  opts.onStep?.(`clone ${url} @ ${pin.slice(0, 12)}`);
  return cloneDistGit(url, dir, { pin, branch: d.versionDef.distGitBranch }, c.name);
}

/** Downloads `source-files` with a download origin; returns the entries the `sources` file must list. */
async function fetchSourceFiles(project: Project, c: ResolvedComponent, dir: string, opts: PrepareOptions): Promise<SourcesEntry[]> {
  const entries: SourcesEntry[] = [];
  const disableOrigins = componentDistro(project, c.config)?.distro.disableOrigins;
  for (const f of c.config.sourceFiles ?? []) {
    if (!f.filename || f.origin?.type === 'overlay') continue;
    const type = f.origin?.type ?? 'download';
    const e = f.hash && f.hashType ? { filename: f.filename, hashType: f.hashType.toUpperCase(), hash: f.hash.toLowerCase() } : undefined;
    if (!e && !opts.allowNoHashes) throw new PrepareError(`${c.name}: source-files "${f.filename}" has no hash (or pass --allow-no-hashes)`);
    const dest = join(dir, f.filename);
    if (e && (await hasVerifiedFile(dest, e))) {
      entries.push(e);
      continue;
    }
    if (type !== 'download') throw new PrepareError(`${c.name}: source-files "${f.filename}": origin "${type}" needs a mock build environment, which Strata does not run`);
    if (!f.origin?.uri) throw new PrepareError(`${c.name}: source-files "${f.filename}": download origin without uri`);
    if (disableOrigins) throw new PrepareError(`${c.name}: source-files "${f.filename}": origins are disabled for this distro and the file is not in the lookaside`);
    opts.onStep?.(`download ${f.origin.uri}`);
    await downloadFile(f.origin.uri, dest, {
      what: `${c.name}: ${f.filename}`,
      expected: e ? { checksum: { type: digestName(e.hashType), value: e.hash } } : {},
      retries: opts.retries,
    });
    if (e) entries.push(e);
  }
  return entries;
}

/** `<name>.spec`, else the only spec in `dir` (azldev's rule). */
async function findSpecName(name: string, dir: string): Promise<string> {
  const specs = (await readdir(dir)).filter((f) => f.endsWith('.spec'));
  if (specs.includes(`${name}.spec`)) return `${name}.spec`;
  if (specs.length === 1) return specs[0];
  throw new PrepareError(`${name}: no ${name}.spec in the sources${specs.length ? ` (found ${specs.join(', ')})` : ''}`);
}

async function readSources(dir: string, c: ResolvedComponent) {
  const text = await readFile(join(dir, 'sources'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseSourcesFile(text, `${c.name}/sources`);
}

/** Prepares `c` into `dest` (replaced if present). */
export async function prepareComponent(project: Project, c: ResolvedComponent, dest: string, opts: PrepareOptions): Promise<PreparedSources> {
  const tmp = `${dest}.prepare-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(dirname(tmp), { recursive: true });
  try {
    const spec = c.config.spec ?? {};
    let upstreamCommit: string | undefined;
    if (spec.type === 'local' || (!spec.type && spec.path)) {
      if (!spec.path) throw new PrepareError(`${c.name}: local spec without a path`);
      await cp(dirname(spec.path), tmp, { recursive: true, verbatimSymlinks: true }).catch((e: NodeJS.ErrnoException) => {
        throw new PrepareError(`${c.name}: ${displayPath(dirname(spec.path!))}: ${e.code ?? e.message}`);
      });
    } else if (spec.type === 'upstream') {
      upstreamCommit = await fetchUpstream(project, c, tmp, opts);
    } else throw new PrepareError(`${c.name}: spec type "${spec.type ?? ''}" is neither local nor upstream`);

    let entries: SourcesEntry[] = [];
    const sources = await readSources(tmp, c);
    if (opts.withSources) {
      entries = await fetchSourceFiles(project, c, tmp, opts);
      const d = componentDistro(project, c.config);
      const listed = (sources ?? []).flatMap((l) => (l.entry ? [l.entry] : []));
      const provided = new Set(entries.map((e) => e.filename));
      if (listed.some((e) => !provided.has(e.filename))) {
        if (!d?.distro.lookasideBaseUri) throw new PrepareError(`${c.name}: the sources file lists tarballs but distro ${d?.name ?? '(none)'} has no lookaside-base-uri`);
        await fetchLookasideSources(tmp, spec.upstreamName || c.name, d.distro.lookasideBaseUri, listed, { skip: provided, retries: opts.retries });
      }
    } else {
      entries = (c.config.sourceFiles ?? []).flatMap((f) =>
        f.filename && f.hash && f.hashType && f.origin?.type !== 'overlay' ? [{ filename: f.filename, hashType: f.hashType.toUpperCase(), hash: f.hash.toLowerCase() }] : [],
      );
    }

    let overlays: ApplyOverlaysResult | undefined;
    if (!opts.skipOverlays) {
      overlays = await applyOverlays(overlayInput(c), tmp, { skipArchiveOverlays: !opts.withSources, allowNoHashes: opts.allowNoHashes });
      for (const r of overlays.repackedArchives) entries.push({ filename: r.filename, hashType: r.hashType.toUpperCase(), hash: r.hash });
    }
    if (entries.length) await writeFile(join(tmp, 'sources'), mergeSourcesEntries(sources ?? [], entries));
    const specName = overlays ? basename(overlays.specFile) : await findSpecName(c.name, tmp);

    await rm(dest, { recursive: true, force: true });
    await rename(tmp, dest);
    return { dir: dest, spec: specName, upstreamCommit, overlays };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
