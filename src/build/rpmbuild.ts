// One component through rpmbuild, in its own _topdir: the SRPM from the spec and its sources
// (`rpmbuild -bs`), then the binary packages rebuilt from that SRPM (`rpmbuild --rebuild`), so
// the SRPM is known to be complete — as mock and Koji build. --nodeps: the host's rpmdb does not
// hold the BuildRequires; the sysroot does (see sysroot.ts).
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readTree } from '../files/index.ts';
import { type BuildLog, toolEnv } from './run.ts';
import { defineArgs, rpmErrorLine } from './spec-query.ts';

/** A component build that failed, with the reason in one line. */
export class ComponentFailure extends Error {
  override name = 'ComponentFailure';
}

export interface RpmbuildSetup {
  rpmbuild: string;
  /** The component's scratch directory; its `rpmbuild/` subdirectory becomes _topdir. */
  work: string;
  /** dist and user macros: the same for the query, the SRPM and the binary build. */
  defines: Readonly<Record<string, string>>;
  noCheck: boolean;
  /** CPUs each rpmbuild may use (%_smp_build_ncpus), so parallel builds share the machine. */
  cpus: number;
  sourceDateEpoch?: number;
  log: BuildLog;
}

const topdirOf = (work: string): string => join(work, 'rpmbuild');

async function filesBelow(dir: string, suffix: string): Promise<string[]> {
  const entries = await readTree(dir).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function reproducible(s: RpmbuildSetup): { env: Record<string, string>; defines: Record<string, string> } {
  if (s.sourceDateEpoch === undefined) return { env: {}, defines: {} };
  return {
    env: { SOURCE_DATE_EPOCH: String(s.sourceDateEpoch) },
    defines: { use_source_date_epoch_as_buildtime: '1', clamp_mtime_to_source_date_epoch: '1' },
  };
}

/**
 * The reason a step failed, from this step's part of the log: the failing section (rpm's "Bad exit
 * status from … (%build)") and the first compiler-style error before it, else rpm's error line.
 */
async function failure(s: RpmbuildSetup, step: string, code: number, from: number): Promise<ComponentFailure> {
  const text = (await readFile(s.log.path).catch(() => Buffer.alloc(0))).subarray(from).toString('utf8');
  const lines = text.split('\n').filter((l) => !l.startsWith('$ ') && !l.startsWith('[exit '));
  const section = /Bad exit status from \S+ \((%\w+)\)/.exec(text)?.[1];
  const detail = lines.find((l) => /(^|: )(fatal )?error: /.test(l) && !l.startsWith('error: ')) ?? rpmErrorLine(lines.join('\n'));
  const what = section ? `${step}: ${section} failed` : `${step} failed`;
  return new ComponentFailure(`${what} (exit ${code}): ${detail.trim().slice(0, 240)}`);
}

async function logSize(s: RpmbuildSetup): Promise<number> {
  return (await stat(s.log.path).catch(() => undefined))?.size ?? 0;
}

/** `rpmbuild -bs`: returns the SRPM's path. */
export async function buildSrpm(s: RpmbuildSetup, spec: string, sourceDir: string): Promise<string> {
  const top = topdirOf(s.work);
  await rm(top, { recursive: true, force: true });
  for (const d of ['SOURCES', 'SPECS', 'SRPMS', 'RPMS', 'BUILD', 'BUILDROOT']) await mkdir(join(top, d), { recursive: true });
  const r = reproducible(s);
  const defines = { ...s.defines, ...r.defines, _topdir: top, _sourcedir: sourceDir, _specdir: sourceDir };
  const from = await logSize(s);
  const code = await s.log.run(s.rpmbuild, ['-bs', '--nodeps', ...defineArgs(defines), spec], toolEnv(r.env), sourceDir);
  if (code !== 0) throw await failure(s, 'rpmbuild -bs', code, from);
  const srpms = await filesBelow(join(top, 'SRPMS'), '.src.rpm');
  if (srpms.length !== 1) throw new ComponentFailure(`rpmbuild -bs wrote ${srpms.length} source packages, expected 1`);
  return srpms[0];
}

/** `rpmbuild --rebuild` of the SRPM against `sysroot`: returns the binary packages' paths. */
export async function buildRpms(s: RpmbuildSetup, srpm: string, sysroot: string): Promise<string[]> {
  const top = topdirOf(s.work);
  const r = reproducible(s);
  const defines = {
    ...s.defines,
    ...r.defines,
    _topdir: top,
    _sourcedir: join(top, 'SOURCES'),
    _specdir: join(top, 'SPECS'),
    _smp_build_ncpus: String(Math.max(1, s.cpus)),
    strata_sysroot: sysroot,
  };
  const args = ['--rebuild', '--nodeps', ...(s.noCheck ? ['--nocheck'] : []), ...defineArgs(defines), srpm];
  const from = await logSize(s);
  const code = await s.log.run(s.rpmbuild, args, toolEnv({ ...r.env, STRATA_SYSROOT: sysroot }), s.work);
  if (code !== 0) throw await failure(s, 'rpmbuild --rebuild', code, from);
  const rpms = await filesBelow(join(top, 'RPMS'), '.rpm');
  if (!rpms.length) throw new ComponentFailure('rpmbuild --rebuild produced no binary package (does every package have a %files section?)');
  return rpms;
}
