// What earlier runs left: per component, the build record (the build key it was built with and
// the sha256 of each output) and the cached spec query. A component whose build key matches its
// record and whose outputs are still there, byte for byte, is not built again.
//
// The build key covers the component's fingerprint, everything that changes how rpmbuild runs
// (macros, arch, %check, signing key) and the build keys of the components it builds against, so
// a changed component also rebuilds everything that builds against it, and nothing else.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../repo/atomic-file.ts';
import type { SpecFacts } from './spec-query.ts';

export interface OutputFile {
  /** Relative to the output directory: `srpms/…` or `rpms/…`. */
  file: string;
  sha256: string;
}

export interface BuildRecord {
  version: 1;
  name: string;
  key: string;
  fingerprint: string;
  srpm: OutputFile;
  rpms: OutputFile[];
  builtAt: string;
  durationMs: number;
}

export interface BuildKeyParts {
  fingerprint: string;
  defines: Readonly<Record<string, string>>;
  arch: string;
  noCheck: boolean;
  /** Identity of the signing key (a digest), when packages are signed. */
  signer?: string;
  /** [component, build key] of each direct build dependency. */
  deps: ReadonlyArray<readonly [string, string]>;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

function sorted<T>(o: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

export function buildKey(p: BuildKeyParts): string {
  const deps = [...p.deps].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `sha256:${sha256(JSON.stringify({ ...p, defines: sorted(p.defines), deps, signer: p.signer ?? null }))}`;
}

/** The spec query depends on the inputs (fingerprint) and the macros it was asked with. */
export function specQueryKey(fingerprint: string, defines: Readonly<Record<string, string>>): string {
  return `sha256:${sha256(JSON.stringify({ fingerprint, defines: sorted(defines) }))}`;
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) h.update(c);
  return h.digest('hex');
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined; // absent or damaged: as if never written (the component is built again)
  }
}

const recordPath = (stateDir: string, name: string): string => join(stateDir, 'records', `${name}.json`);
const queryPath = (stateDir: string, name: string): string => join(stateDir, 'spec-queries', `${name}.json`);

export async function readRecord(stateDir: string, name: string): Promise<BuildRecord | undefined> {
  const r = (await readJson(recordPath(stateDir, name))) as BuildRecord | undefined;
  return r?.version === 1 && r.name === name && Array.isArray(r.rpms) && r.srpm ? r : undefined;
}

export async function writeRecord(stateDir: string, record: BuildRecord): Promise<void> {
  await writeFileAtomic(recordPath(stateDir, record.name), `${JSON.stringify(record, null, 2)}\n`);
}

/** True when every output the record lists exists with its recorded sha256. */
export async function outputsIntact(outDir: string, record: BuildRecord): Promise<boolean> {
  for (const o of [record.srpm, ...record.rpms]) {
    const actual = await sha256File(join(outDir, o.file)).catch(() => undefined);
    if (actual !== o.sha256) return false;
  }
  return true;
}

/** The cached spec query for `key`; with `key` undefined, whatever was cached last. */
export async function readSpecQuery(stateDir: string, name: string, key: string | undefined): Promise<SpecFacts | undefined> {
  const c = (await readJson(queryPath(stateDir, name))) as { key?: string; facts?: SpecFacts } | undefined;
  return c?.facts && (key === undefined || c.key === key) ? c.facts : undefined;
}

export async function writeSpecQuery(stateDir: string, name: string, key: string, facts: SpecFacts): Promise<void> {
  await writeFileAtomic(queryPath(stateDir, name), `${JSON.stringify({ key, facts })}\n`);
}
