// The installed set of a root, read from its rpm database through rpm itself (`rpm -qa --root`),
// so every rpmdb backend rpm supports works. Each package becomes a RepoPackage with the
// dependencies and files the solver needs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { emptyRepoPackage, type RepoDep, type RepoDepFlags, type RepoPackage } from '../repo/model.ts';

export class RpmdbError extends Error {}

/** Files that mark an rpm database directory (sqlite, ndb, bdb). */
const SYSIMAGE_FILES = ['rpmdb.sqlite', 'Packages.db', 'Packages'];

const FS = '\u0001';
const RS = '\u0002';
const KINDS = [
  ['provides', 'PROVIDE'],
  ['requires', 'REQUIRE'],
  ['conflicts', 'CONFLICT'],
  ['obsoletes', 'OBSOLETE'],
  ['recommends', 'RECOMMEND'],
  ['suggests', 'SUGGEST'],
  ['supplements', 'SUPPLEMENT'],
  ['enhances', 'ENHANCE'],
] as const;

// rpm sense bits: LESS 2, GREATER 4, EQUAL 8; prerequisite bits (pre/post/preun/postun/prereq).
const PRE_BITS = (1 << 6) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12);

function senseToFlags(sense: number): RepoDepFlags | undefined {
  const s = sense & 14;
  const table: Record<number, RepoDepFlags> = { 2: 'LT', 10: 'LE', 8: 'EQ', 12: 'GE', 4: 'GT' };
  return table[s];
}

function parseEvr(v: string): { epoch?: string; ver?: string; rel?: string } {
  if (!v) return {};
  let rest = v;
  let epoch: string | undefined;
  const c = rest.indexOf(':');
  if (c > 0 && /^\d+$/.test(rest.slice(0, c))) {
    epoch = rest.slice(0, c);
    rest = rest.slice(c + 1);
  }
  const d = rest.lastIndexOf('-');
  return d >= 0 ? { epoch, ver: rest.slice(0, d), rel: rest.slice(d + 1) } : { epoch, ver: rest };
}

function queryFormat(): string {
  const fields = ['%{NAME}', '%{EPOCHNUM}', '%{VERSION}', '%{RELEASE}', '%{ARCH}', '%{VENDOR}', '%{BUILDTIME}'];
  for (const [, tag] of KINDS) fields.push(`[%{${tag}NAME}${FS}%{${tag}FLAGS}${FS}%{${tag}VERSION}${FS}]`);
  fields.push(`[%{FILENAMES}${FS}]`);
  return fields.join(RS) + '\\n';
}

/** Installed packages of `root` (rpm --root; `dbpath` overrides the database location). */
export function readInstalled(root: string, dbpath?: string): RepoPackage[] {
  // Fedora-style roots keep the database in /usr/lib/sysimage/rpm; rpm on the host may default to
  // /var/lib/rpm (Debian), so prefer the root's own location when it has one.
  const hasDb = (dir: string): boolean => SYSIMAGE_FILES.some((f) => existsSync(join(root, dir, f)));
  if (!dbpath && hasDb('usr/lib/sysimage/rpm')) dbpath = '/usr/lib/sysimage/rpm';
  // An empty root (no database where rpm would look) has nothing installed: no need to ask rpm.
  if (!hasDb(dbpath ?? 'var/lib/rpm') && !(dbpath === undefined && hasDb('usr/lib/sysimage/rpm'))) return [];
  const args = ['--root', resolve(root), '-qa', '--qf', queryFormat()];
  if (dbpath) args.unshift('--dbpath', dbpath);
  const r = spawnSync('rpm', args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw new RpmdbError(`rpm: ${r.error.message}`);
  if (r.status !== 0) throw new RpmdbError(`rpm -qa --root ${root}: ${(r.stderr || '').trim().split('\n')[0] || `exit ${r.status}`}`);
  const out: RepoPackage[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    const f = line.split(RS);
    const pkg = emptyRepoPackage();
    pkg.name = f[0];
    pkg.epoch = f[1] === '(none)' ? '0' : f[1];
    pkg.version = f[2];
    pkg.release = f[3];
    pkg.arch = f[4] === '(none)' ? 'noarch' : f[4];
    pkg.vendor = f[5] === '(none)' ? '' : f[5];
    pkg.buildTime = Number(f[6]) || 0;
    KINDS.forEach(([kind], k) => {
      const parts = f[7 + k].split(FS);
      const deps: RepoDep[] = [];
      for (let i = 0; i + 2 < parts.length; i += 3) {
        const sense = Number(parts[i + 1]);
        const flags = senseToFlags(sense);
        const dep: RepoDep = { name: parts[i] };
        if (flags) Object.assign(dep, { flags }, parseEvr(parts[i + 2]));
        if (kind === 'requires' && sense & PRE_BITS) dep.pre = true;
        if (kind === 'requires' && dep.name.startsWith('rpmlib(')) continue;
        deps.push(dep);
      }
      pkg.deps[kind] = deps;
    });
    pkg.files = f[7 + KINDS.length]
      .split(FS)
      .filter((p) => p)
      .map((path) => ({ path }));
    pkg.filesComplete = true;
    out.push(pkg);
  }
  return out;
}
