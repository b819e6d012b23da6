// What the installer works on: packages of a transaction as read from their files, and the plan
// for each file (rpm's file actions and the states recorded in the rpmdb).

import { createHash } from 'node:crypto';
import type { Header } from '../../rpm/header.ts';
import { describePackage, nevra as formatNevra, type RpmPackage } from '../../rpm/model.ts';
import { readRpmFileHeaders } from '../../rpm/package.ts';
import { Tag } from '../../rpm/tags.ts';

export class InstallError extends Error {
  override name = 'InstallError';
}

/** One package to install, read from its .rpm file. */
export interface TxPackage {
  path: string;
  /** Repository id it came from, when known. */
  repo?: string;
  /** Digest of the whole .rpm file from repository metadata (checked again when decoding). */
  fileChecksum?: { type: string; value: string };
  header: Header;
  signature: Header;
  /** sha256 of the main header bytes (ties the decoded payload to the planned header). */
  headerSha256: string;
  pkg: RpmPackage;
  nevra: string;
  /** Size of the .rpm file. */
  fileSize: number;
  /** DIRINDEXES of each file (for rpm's "emptied directory" rule). */
  dirIndexes: number[];
}

export interface PackageSource {
  path: string;
  repo?: string;
  fileChecksum?: { type: string; value: string };
}

export async function readTxPackage(src: PackageSource): Promise<TxPackage> {
  const h = await readRpmFileHeaders(src.path);
  const pkg = describePackage(h.header, h.signature);
  if (pkg.isSource) throw new InstallError(`${src.path}: is a source package`);
  return {
    ...src,
    header: h.header,
    signature: h.signature,
    headerSha256: createHash('sha256').update(h.headerBytes).digest('hex'),
    pkg,
    nevra: formatNevra(pkg),
    fileSize: h.fileSize,
    dirIndexes: h.header.numbers(Tag.DIRINDEXES),
  };
}

/**
 * What happens to a file (rpm's rpmFileAction, reduced to an image install): created; skipped
 * because an identical copy from an earlier package is already there; a %ghost (recorded, never
 * created); or not installed because of --excludedocs / install languages / a netshared path / a
 * multilib colour conflict, each recorded with its own FILESTATES value.
 */
export type FileAction = 'create' | 'shared' | 'ghost' | 'excluded' | 'netshared' | 'color';

export interface FilePlan {
  actions: FileAction[];
  /** FILESTATES per file. */
  states: number[];
}

/** Files actually present after install (what file triggers and rpm -V see). */
export function isSkipping(a: FileAction): boolean {
  return a === 'shared' || a === 'excluded' || a === 'netshared' || a === 'color';
}

/** Multilib colour of a package: the union of its files' colours (rpmteColor). */
export function packageColor(p: TxPackage): number {
  let c = 0;
  for (const f of p.pkg.files) c |= f.color;
  return c & 0x0f;
}
