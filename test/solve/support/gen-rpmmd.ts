// Seeded random rpm-md repositories (no .rpm files: only metadata, enough for a solver and for
// `dnf install --assumeno`), written with the publish code's own writer: records rendered by
// renderRecord and streamed by CoreMetadataWriter into primary/filelists/other, then repomd.xml.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyRepoPackage, type RepoDep, type RepoDepFlags, type RepoPackage } from '../../../src/repo/model.ts';
import { CoreMetadataWriter } from '../../../src/repo/publish/core-writer.ts';
import { renderRecord } from '../../../src/repo/publish/render.ts';
import { writeRepomd } from '../../../src/repo/repomd.ts';
import { parseRichDep, type RichTag } from '../../../src/rpm/richdep.ts';
import { prng } from '../../support/prng.ts';
import {
  archesFor,
  chance,
  genPackage,
  nevraOf,
  pick,
  sample,
  simpleDep,
  versionsFor,
  weighted,
  type CmpOp,
  type DepKind,
  type GenDep,
  type GenPackage,
  type Universe,
} from './gen-model.ts';

export interface RpmmdCase {
  seed: number;
  packages: GenPackage[];
  /** Package names to install (1-3). */
  request: string[];
}

const NAMES = 'abcdefghijklmnopqrstuvwx'.split('');
const VIRTUALS = ['v1', 'v2', 'v3', 'libz.so.1()(64bit)'];
const FILES = ['/usr/bin/x', '/usr/bin/y', '/etc/z.conf', '/usr/share/w/data'];

/** rpm's text of a dependency: `name op evr` or a rich dep `(a or (b if c))`. */
export function rpmDepText(d: GenDep): string {
  if (d.kind === 'simple') return d.op ? `${d.name} ${d.op} ${d.evr}` : d.name;
  const a = d.args.map(rpmDepText);
  switch (d.op) {
    case 'or':
      return `(${a.join(' or ')})`;
    case 'and':
      return `(${a.join(' and ')})`;
    case 'if':
      return `(${a[0]} if ${a[1]})`;
    case 'unless':
      return `(${a[0]} unless ${a[1]})`;
    case 'ifelse':
      return `(${a[0]} if ${a[1]} else ${a[2]})`;
  }
}

const FLAGS: Record<CmpOp, RepoDepFlags> = { '<': 'LT', '<=': 'LE', '=': 'EQ', '>=': 'GE', '>': 'GT' };

/** A dependency as an rpm-md `<rpm:entry>`: rich deps are names; versions split into epoch/ver/rel. */
export function repoDep(d: GenDep): RepoDep {
  if (d.kind === 'rich' || !d.op || d.evr === undefined) return { name: rpmDepText(d) };
  const m = /^(?:(\d+):)?([^-]+)(?:-(.+))?$/.exec(d.evr);
  if (!m) throw new Error(`bad evr ${d.evr}`);
  return { name: d.name, flags: FLAGS[d.op], epoch: m[1] ?? '0', ver: m[2], ...(m[3] !== undefined ? { rel: m[3] } : {}) };
}

/** Rich deps rpmbuild would refuse (rpm's if/unless placement rules) become plain deps. */
function rpmValid(r: () => number, u: Universe, kind: DepKind, d: GenDep): GenDep {
  if (d.kind === 'simple') return d;
  try {
    parseRichDep(rpmDepText(d), { tag: kind as RichTag });
    return d;
  } catch {
    return simpleDep(r, u);
  }
}

/** The record for a generated package, as createrepo_c would write it for a real .rpm. */
export function toRepoPackage(p: GenPackage, seed: number): RepoPackage {
  const rec = emptyRepoPackage();
  const file = `${p.name}-${p.version}-${p.release}.${p.arch}.rpm`;
  rec.pkgid = createHash('sha256').update(`${seed}:${nevraOf(p)}`).digest('hex');
  rec.checksumType = 'sha256';
  rec.name = p.name;
  rec.arch = p.arch;
  rec.epoch = String(p.epoch ?? 0);
  rec.version = p.version;
  rec.release = p.release;
  rec.summary = `${p.name} (generated)`;
  rec.description = `Generated package ${nevraOf(p)}.`;
  rec.url = 'https://example.com/';
  rec.fileTime = 1790000000;
  rec.buildTime = 1790000000;
  rec.packageSize = 2048;
  rec.installedSize = 4096;
  rec.archiveSize = 4096;
  rec.location = `Packages/${file}`;
  rec.license = 'MIT';
  rec.sourceRpm = `${p.name}-${p.version}-${p.release}.src.rpm`;
  rec.headerStart = 4504;
  rec.headerEnd = 6000;
  // rpmbuild always adds the self-provide `name = [epoch:]version-release` (and `name(arch)` for
  // arch packages, which nothing here requires).
  rec.deps.provides.push({ name: p.name, flags: 'EQ', epoch: rec.epoch, ver: p.version, rel: p.release });
  for (const kind of ['provides', 'requires', 'conflicts', 'obsoletes', 'recommends', 'supplements'] as const) {
    for (const d of p[kind]) rec.deps[kind].push(repoDep(d));
  }
  rec.files = p.files.map((path) => ({ path }));
  rec.filesComplete = true;
  return rec;
}

/** Writes `dir/repodata/` (gzip-compressed primary, filelists, other and repomd.xml) for `pkgs`. */
export async function writeRpmmdRepo(dir: string, pkgs: RepoPackage[], timestamp = 1790000000): Promise<void> {
  const repodata = join(dir, 'repodata');
  rmSync(repodata, { recursive: true, force: true });
  mkdirSync(repodata, { recursive: true });
  const core = new CoreMetadataWriter(repodata, pkgs.length, 'gz', 'sha256');
  pkgs.forEach((p, i) => core.put(i, renderRecord(p)));
  const records = await core.finish(timestamp);
  writeFileSync(join(repodata, 'repomd.xml'), writeRepomd({ revision: String(timestamp), tags: { content: [], repo: [], distro: [] }, records }));
}

/** The repository for `seed`: 20-80 packages, and an install request. */
export function generateRpmmdCase(seed: number): RpmmdCase {
  const r = prng(seed * 40503 + 17);
  const u: Universe = {
    names: sample(r, NAMES, NAMES.length),
    virtuals: sample(r, VIRTUALS, 2 + weighted(r, [1, 1, 1])),
    files: sample(r, FILES, 2 + weighted(r, [1, 1, 1])),
    versions: ['1', '2', '3'],
    releases: ['1', '2'],
    richRate: chance(r, 0.5) ? 0.3 : 0,
    noWeakIfElse: true,
  };
  // Plan names (arches x versions) up to the target size first, so deps point at names that exist.
  const target = 20 + Math.floor(r() * 61);
  const plan: Array<{ name: string; arches: ReturnType<typeof archesFor>; versions: ReturnType<typeof versionsFor> }> = [];
  let count = 0;
  for (const name of u.names) {
    if (count >= target) break;
    const arches = archesFor(r);
    const versions = versionsFor(r, u, 3);
    if (count + arches.length * versions.length > 80) continue;
    plan.push({ name, arches, versions });
    count += arches.length * versions.length;
  }
  const used = plan.map((p) => p.name);
  // Deps on a name no package has: requests that need them are unsolvable (best=False makes dnf
  // fall back to other versions, so it takes a few to make a fair share of requests fail).
  u.names = [...used, ...(chance(r, 0.6) ? ['missing', 'missing2'] : [])];
  const packages: GenPackage[] = [];
  for (const { name, arches, versions } of plan) {
    for (const v of versions) for (const arch of arches) packages.push(genPackage(r, u, name, v, arch));
  }
  for (const p of packages) {
    for (const kind of ['requires', 'conflicts', 'recommends', 'supplements'] as const) p[kind] = p[kind].map((d) => rpmValid(r, u, kind, d));
  }
  const request = sample(r, used, 1 + weighted(r, [3, 2, 1]));
  // Sometimes a name no package has: dnf (strict=True) refuses the whole request.
  if (chance(r, 0.08)) request.push('nosuchpkg');
  return { seed, packages, request: request.length ? request.sort() : [pick(r, used)] };
}
