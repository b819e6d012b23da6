// Writes RepoPackage records as an rpm-md repository with Strata's own writer (the fragments
// `strata repo publish` renders, streamed and compressed by the same CoreMetadataWriter, then
// repomd.xml) — no .rpm files: the solver benchmark only needs the metadata.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetadataCompression } from '../../src/repo/compression.ts';
import type { RepoPackage } from '../../src/repo/model.ts';
import { CoreMetadataWriter } from '../../src/repo/publish/core-writer.ts';
import { renderRecord } from '../../src/repo/publish/render.ts';
import { writeRepomd } from '../../src/repo/repomd.ts';

export async function writeRepo(root: string, packages: RepoPackage[], compression: MetadataCompression, timestamp: number): Promise<void> {
  const repodata = join(root, 'repodata');
  rmSync(repodata, { recursive: true, force: true });
  mkdirSync(repodata, { recursive: true });
  const core = new CoreMetadataWriter(repodata, packages.length, compression, 'sha256');
  for (let i = 0; i < packages.length; i++) {
    core.put(i, renderRecord(packages[i]));
    // Let the compressors keep up so the rendered XML is not all held in memory at once.
    if (i % 2000 === 1999) await core.caughtUp();
  }
  const records = await core.finish(timestamp);
  writeFileSync(join(repodata, 'repomd.xml'), writeRepomd({ revision: String(timestamp), tags: { content: [], repo: [], distro: [] }, records }));
}
