// A build's outputs leave the component's _topdir for the shared output directories: signed
// (when asked), moved into out/srpms and out/rpms in place of the component's previous outputs,
// and hashed for the build record. Reading them back gives the records the solver needs when a
// later component builds against them.
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readPackageRecord } from '../repo/record/index.ts';
import { signRpm } from '../rpm/write/sign.ts';
import { type BuildRecord, type OutputFile, sha256File } from './cache.ts';
import { ComponentFailure } from './rpmbuild.ts';
import type { BuiltPackage } from './sysroot.ts';

export const SRPMS = 'srpms';
export const RPMS = 'rpms';

export interface Signing {
  armored: string;
  passphrase?: string;
  date?: Date;
}

/** Moves a file, copying when the output directory is on another file system. */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    const tmp = `${to}.tmp-${process.pid}`;
    await copyFile(from, tmp);
    await rename(tmp, to);
    await rm(from, { force: true });
  }
}

/**
 * Signs and publishes one component's outputs. `owners` maps output files (relative to outDir) to
 * the component that produced them, so two components cannot overwrite each other's packages.
 */
export async function placeOutputs(
  name: string,
  outDir: string,
  built: { srpm: string; rpms: readonly string[] },
  previous: BuildRecord | undefined,
  owners: Map<string, string>,
  signing: Signing | undefined,
): Promise<{ srpm: OutputFile; rpms: OutputFile[] }> {
  const target = (kind: string, path: string): string => `${kind}/${basename(path)}`;
  const wanted = [target(SRPMS, built.srpm), ...built.rpms.map((p) => target(RPMS, p))];
  for (const f of wanted) {
    const owner = owners.get(f);
    if (owner !== undefined && owner !== name) throw new ComponentFailure(`${f} is also an output of component ${owner}`);
  }
  if (signing) {
    for (const p of [built.srpm, ...built.rpms]) {
      await signRpm(p, signing.armored, { ...(signing.passphrase ? { passphrase: signing.passphrase } : {}), ...(signing.date ? { date: signing.date } : {}) });
    }
  }
  // The previous outputs go first: a new version has new file names, and the old packages must
  // not linger in the repository beside them.
  for (const o of previous ? [previous.srpm, ...previous.rpms] : []) {
    if (owners.get(o.file) === name) owners.delete(o.file);
    await rm(join(outDir, o.file), { force: true });
  }
  await mkdir(join(outDir, SRPMS), { recursive: true });
  await mkdir(join(outDir, RPMS), { recursive: true });
  const place = async (kind: string, path: string): Promise<OutputFile> => {
    const file = target(kind, path);
    await moveFile(path, join(outDir, file));
    owners.set(file, name);
    return { file, sha256: await sha256File(join(outDir, file)) };
  };
  const srpm = await place(SRPMS, built.srpm);
  const rpms: OutputFile[] = [];
  for (const p of built.rpms) rpms.push(await place(RPMS, p));
  return { srpm, rpms };
}

/** Solver records of a component's binary packages, read from the output directory. */
export async function readBuiltPackages(outDir: string, record: BuildRecord): Promise<BuiltPackage[]> {
  const out: BuiltPackage[] = [];
  for (const o of record.rpms) {
    const path = join(outDir, o.file);
    out.push({ path, record: await readPackageRecord(path, { location: basename(o.file) }) });
  }
  return out;
}
