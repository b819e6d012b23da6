// The I/O edge for package inputs: read .rpm files into RpmPackageInput (model, file digest, header
// digest, size) and source RPMs into SbomSource.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { describePackage, readRpmFileHeaders, Tag } from '../rpm/index.ts';
import type { RpmPackageInput } from './from-packages.ts';
import type { SbomSource } from './model.ts';

/** SHA-256 (hex) of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function readRpmInput(path: string): Promise<RpmPackageInput> {
  const headers = await readRpmFileHeaders(path);
  const pkg = describePackage(headers.header, headers.signature);
  // The signature header records the main header's SHA-256; compute it for packages that lack one.
  const headerDigest =
    headers.signature.string(Tag.SHA256HEADER) ?? createHash('sha256').update(headers.headerBytes).digest('hex');
  return { pkg, sha256: await sha256File(path), headerDigest, size: headers.fileSize };
}

export async function readRpmInputs(paths: string[]): Promise<RpmPackageInput[]> {
  return Promise.all(paths.map(readRpmInput));
}

export async function readSourceRpms(paths: string[]): Promise<SbomSource[]> {
  const out = await Promise.all(paths.map(async (p) => ({ fileName: basename(p), sha256: await sha256File(p) })));
  return out.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
}
