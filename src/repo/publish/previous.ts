// The metadata a repository already has, for `publish --update`: each file is checked against
// repomd.xml before its records are trusted to stand in for packages that were not re-read.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { decompressMetadata } from '../compression.ts';
import { type Repomd, type RepomdRecord, type RepoPackage, RepoFormatError } from '../model.ts';
import { parseRepomd } from '../repomd.ts';
import { mergeFilelists, mergeOther, parsePrimary } from '../xml-read/index.ts';

export interface PreviousMetadata {
  repomd: Repomd;
  /** Package records by `<location href>`. */
  byLocation: Map<string, RepoPackage>;
}

async function readRecord(root: string, r: RepomdRecord): Promise<string> {
  const rel = normalize(r.location);
  if (rel.startsWith('..') || rel.startsWith('/')) throw new RepoFormatError(`repomd.xml: ${r.type} location ${r.location} leaves the repository`);
  const path = join(root, rel);
  const data = await readFile(path).catch(() => {
    throw new RepoFormatError(`${path}: missing (listed in repomd.xml as ${r.type})`);
  });
  const sum = createHash(r.checksum.type).update(data).digest('hex');
  if (sum !== r.checksum.value) throw new RepoFormatError(`${path}: checksum mismatch with repomd.xml`);
  return Buffer.from(await decompressMetadata(data, path)).toString('utf8');
}

/** Returns undefined when there is no previous metadata; throws RepoFormatError when it is unusable. */
export async function readPreviousMetadata(root: string): Promise<PreviousMetadata | undefined> {
  const repomdPath = join(root, 'repodata', 'repomd.xml');
  const text = await readFile(repomdPath, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const repomd = parseRepomd(text, repomdPath);
  const rec = (type: string): RepomdRecord | undefined => repomd.records.find((r) => r.type === type);
  const primary = rec('primary');
  if (!primary) throw new RepoFormatError(`${repomdPath}: no primary record`);
  const packages = parsePrimary(await readRecord(root, primary));
  const filelists = rec('filelists');
  const other = rec('other');
  // Without filelists/other the old records are incomplete; they cannot be reused then.
  if (!filelists || !other) return { repomd, byLocation: new Map() };
  mergeFilelists(packages, await readRecord(root, filelists));
  mergeOther(packages, await readRecord(root, other));
  const byLocation = new Map<string, RepoPackage>();
  for (const p of packages) if (p.filesComplete) byLocation.set(p.location, p);
  return { repomd, byLocation };
}
