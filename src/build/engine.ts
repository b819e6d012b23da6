// The component build engine: spec queries → solver-ordered waves → per component either the
// cached outputs (build key unchanged, outputs intact) or SRPM + RPMs with rpmbuild against a
// sysroot of earlier waves' packages → a local rpm-md repository republished after each wave, so
// later waves and users consume it. A failure stops only the components that build against it.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { publishRepository } from '../repo/publish/index.ts';
import { type BuildRecord, buildKey, outputsIntact, readRecord, readSpecQuery, specQueryKey, writeRecord, writeSpecQuery } from './cache.ts';
import {
  type BuildOptions,
  BuildError,
  type BuildResult,
  type ComponentBuildResult,
  type ComponentOutcome,
  type PreparedComponent,
} from './model.ts';
import { RPMS, SRPMS, placeOutputs, readBuiltPackages } from './outputs.ts';
import { type BuildPlan, planBuild } from './plan.ts';
import { ComponentFailure, buildRpms, buildSrpm } from './rpmbuild.ts';
import { BuildLog } from './run.ts';
import { type SpecFacts, SpecQueryError, querySpec } from './spec-query.ts';
import { type BuiltPackage, populateSysroot } from './sysroot.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

/** rpm's name for the host architecture. */
export function hostArch(): string {
  return ({ x64: 'x86_64', arm64: 'aarch64', ia32: 'i686', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[process.arch] ?? process.arch;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

async function specPathOf(c: PreparedComponent): Promise<string> {
  if (c.spec) return join(c.dir, c.spec);
  const named = join(c.dir, `${c.name}.spec`);
  if (existsSync(named)) return named;
  const specs = (await readdir(c.dir).catch(() => [] as string[])).filter((f) => f.endsWith('.spec'));
  if (specs.length === 1) return join(c.dir, specs[0]);
  throw new SpecQueryError(`${c.dir}: ${specs.length ? `${specs.length} spec files, none named ${c.name}.spec` : 'no spec file'}`);
}

function checkInputs(components: readonly PreparedComponent[], options: BuildOptions): void {
  const seen = new Set<string>();
  for (const c of components) {
    if (!NAME.test(c.name)) throw new BuildError(`component "${c.name}": not a valid package name`);
    if (seen.has(c.name)) throw new BuildError(`component "${c.name}" is given twice`);
    seen.add(c.name);
  }
  for (const s of options.select ?? []) if (!seen.has(s)) throw new BuildError(`component "${s}" is not among the components to build`);
}

/** The components to build: the selection and everything it builds against, transitively. */
function buildSet(plan: BuildPlan, select: readonly string[] | undefined): Set<string> {
  if (!select) return new Set(plan.components.keys());
  const out = new Set<string>();
  const add = (n: string): void => {
    if (out.has(n)) return;
    out.add(n);
    for (const d of plan.components.get(n)?.dependsOn ?? []) add(d);
  };
  select.forEach(add);
  return out;
}

export async function buildComponents(components: readonly PreparedComponent[], options: BuildOptions): Promise<BuildResult> {
  const t0 = performance.now();
  checkInputs(components, options);
  const outDir = options.outDir;
  const stateDir = options.stateDir ?? join(outDir, '.strata');
  const jobs = options.jobs ?? availableParallelism();
  const arch = options.arch ?? hostArch();
  const rpmbuild = options.tools?.rpmbuild ?? 'rpmbuild';
  const rpmspec = options.tools?.rpmspec ?? 'rpmspec';
  const defines: Record<string, string> = { ...options.defines };
  if (options.dist !== undefined) defines.dist = options.dist === '' ? '%{nil}' : options.dist;
  const signer = options.signingKey ? `sha256:${createHash('sha256').update(options.signingKey.armored).digest('hex')}` : undefined;
  const signing = options.signingKey
    ? { ...options.signingKey, ...(options.sourceDateEpoch !== undefined ? { date: new Date(options.sourceDateEpoch * 1000) } : {}) }
    : undefined;
  for (const d of [join(outDir, RPMS), join(outDir, SRPMS), options.logDir, options.workDir, stateDir]) await mkdir(d, { recursive: true });

  // 1. What each spec produces and needs (cached per fingerprint: an unchanged tree runs nothing).
  const facts = new Map<string, SpecFacts>();
  const queryFailed = new Map<string, string>();
  const records = new Map<string, BuildRecord | undefined>();
  await eachLimited(components, jobs, async (c) => {
    records.set(c.name, await readRecord(stateDir, c.name));
    const queryDefines = { ...defines, _sourcedir: c.dir };
    const key = specQueryKey(c.fingerprint, defines);
    const cached = await readSpecQuery(stateDir, c.name, key);
    if (cached) return void facts.set(c.name, cached);
    try {
      const f = await querySpec(rpmspec, await specPathOf(c), queryDefines);
      await writeSpecQuery(stateDir, c.name, key, f);
      facts.set(c.name, f);
    } catch (e) {
      if (!(e instanceof SpecQueryError)) throw e;
      queryFailed.set(c.name, e.message);
      // Plan with what the spec declared last time, so its dependants are skipped, not failed.
      const stale = await readSpecQuery(stateDir, c.name, undefined);
      if (stale) facts.set(c.name, stale);
    }
  });

  // 2. Order (throws on a cycle).
  const plan = planBuild(
    components.map((c) => ({ name: c.name, facts: facts.get(c.name) ?? { nevr: c.name, buildRequires: [], packages: [] } })),
    { arch, ...(options.hostProvides ? { hostProvides: options.hostProvides } : {}) },
  );
  const selected = buildSet(plan, options.select);
  const byName = new Map(components.map((c) => [c.name, c]));
  const owners = new Map<string, string>();
  for (const [name, r] of records) for (const o of r ? [r.srpm, ...r.rpms] : []) owners.set(o.file, name);

  const results = new Map<string, ComponentBuildResult>();
  const keys = new Map<string, string>();
  const builtPackages = new Map<string, BuiltPackage[]>();
  const packagesOf = async (name: string): Promise<BuiltPackage[]> => {
    let list = builtPackages.get(name);
    const rec = records.get(name);
    if (!list && rec) builtPackages.set(name, (list = await readBuiltPackages(outDir, rec)));
    return list ?? [];
  };
  const closureOf = (name: string): string[] => {
    const seen = new Set<string>();
    const walk = (n: string): void => {
      for (const d of plan.components.get(n)?.dependsOn ?? []) {
        if (seen.has(d)) continue;
        seen.add(d);
        walk(d);
      }
    };
    walk(name);
    return [...seen].sort();
  };

  const buildOne = async (c: PreparedComponent, wave: number): Promise<ComponentBuildResult> => {
    const start = performance.now();
    const p = plan.components.get(c.name)!;
    const base = { name: c.name, wave, buildRequires: p.buildRequires, dependsOn: p.dependsOn, rpms: [] as string[] };
    const done = (result: ComponentOutcome, extra: Partial<ComponentBuildResult> = {}): ComponentBuildResult => ({
      ...base,
      result,
      durationMs: Math.round(performance.now() - start),
      ...extra,
    });
    const queryError = queryFailed.get(c.name);
    if (queryError) return done('failed', { reason: queryError });
    const blocked = p.dependsOn.find((d) => results.get(d)?.result === 'failed' || results.get(d)?.result === 'skipped');
    if (blocked) return done('skipped', { reason: `dependency ${blocked} ${results.get(blocked)!.result === 'failed' ? 'failed' : 'was skipped'}` });
    if (p.missing) return done('failed', { reason: `missing BuildRequires: ${p.missing}` });
    const key = buildKey({ fingerprint: c.fingerprint, defines, arch, noCheck: options.noCheck === true, signer, deps: p.dependsOn.map((d) => [d, keys.get(d) ?? ''] as const) });
    keys.set(c.name, key);
    const previous = records.get(c.name);
    if (previous && previous.key === key && (await outputsIntact(outDir, previous))) {
      return done('cached', { srpm: previous.srpm.file, rpms: previous.rpms.map((o) => o.file) });
    }
    const logPath = join(options.logDir, `${c.name}.log`);
    const log = await BuildLog.create(logPath);
    const work = join(options.workDir, c.name);
    try {
      await log.note(`# ${c.name}: fingerprint ${c.fingerprint}, build key ${key}`);
      const setup = {
        rpmbuild,
        work,
        defines,
        noCheck: options.noCheck === true,
        cpus: Math.floor(availableParallelism() / Math.max(1, Math.min(jobs, plan.waves[wave - 1]?.length ?? 1))),
        log,
        ...(options.sourceDateEpoch !== undefined ? { sourceDateEpoch: options.sourceDateEpoch } : {}),
      };
      const srpm = await buildSrpm(setup, await specPathOf(c), c.dir);
      const available = new Map<string, BuiltPackage[]>();
      for (const d of closureOf(c.name)) available.set(d, await packagesOf(d));
      const sysroot = join(work, 'sysroot');
      const sys = await populateSysroot(sysroot, p.buildRequires, available, { arch, ...(options.hostProvides ? { hostProvides: options.hostProvides } : {}) });
      if (sys.problem) throw new ComponentFailure(`missing BuildRequires: ${sys.problem}`);
      await log.note(`# sysroot ${sysroot}: ${sys.installed.length ? sys.installed.join(' ') : '(empty)'}`);
      const rpms = await buildRpms(setup, srpm, sysroot);
      const placed = await placeOutputs(c.name, outDir, { srpm, rpms }, previous, owners, signing);
      const record: BuildRecord = {
        version: 1,
        name: c.name,
        key,
        fingerprint: c.fingerprint,
        ...placed,
        builtAt: new Date().toISOString(),
        durationMs: Math.round(performance.now() - start),
      };
      await writeRecord(stateDir, record);
      records.set(c.name, record);
      builtPackages.delete(c.name);
      if (!options.keepWork) await rm(work, { recursive: true, force: true });
      return done('built', { srpm: placed.srpm.file, rpms: placed.rpms.map((o) => o.file), log: logPath });
    } catch (e) {
      const why = e instanceof ComponentFailure ? e.message : `${(e as Error).name}: ${(e as Error).message}`;
      await log.note(`# FAILED: ${why}`);
      return done('failed', { reason: `${why} (log: ${logPath})`, log: logPath });
    } finally {
      await log.close();
    }
  };

  // 3. Waves, each in parallel, each published for the next.
  const publish = async (dir: string): Promise<void> => {
    await publishRepository(dir, {
      // Reuse records only for byte-identical files: a rebuild can give a package of the same size
      // within the same second as the one it replaces, which size + mtime cannot tell apart.
      update: true,
      statTrust: false,
      ...(options.signingKey ? { signingKey: options.signingKey } : {}),
      ...(options.sourceDateEpoch !== undefined ? { sourceDateEpoch: options.sourceDateEpoch } : {}),
    });
  };
  let srpmsChanged = false;
  for (const [i, wave] of plan.waves.entries()) {
    const todo = wave.filter((n) => selected.has(n));
    if (!todo.length) continue;
    options.onEvent?.({ type: 'wave', wave: i + 1, components: todo });
    let changed = false;
    await eachLimited(todo, jobs, async (name) => {
      options.onEvent?.({ type: 'start', name, wave: i + 1 });
      const r = await buildOne(byName.get(name)!, i + 1);
      results.set(name, r);
      if (r.result === 'built') changed = true;
      options.onEvent?.({ type: 'done', name, result: r });
    });
    if (changed || !existsSync(join(outDir, RPMS, 'repodata', 'repomd.xml'))) await publish(join(outDir, RPMS));
    srpmsChanged ||= changed;
  }
  if (srpmsChanged || !existsSync(join(outDir, SRPMS, 'repodata', 'repomd.xml'))) await publish(join(outDir, SRPMS));

  const list = [...results.values()].sort((a, b) => a.wave - b.wave || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    ok: list.every((r) => r.result === 'built' || r.result === 'cached'),
    waves: plan.waves.map((w) => w.filter((n) => selected.has(n))).filter((w) => w.length),
    components: list,
    repos: { rpms: join(outDir, RPMS), srpms: join(outDir, SRPMS) },
    durationMs: Math.round(performance.now() - t0),
  };
}
