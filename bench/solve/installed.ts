// The installed system for the distro-sync job: tiny real RPMs (empty files, the old generation's
// dependencies) built with packRpm and registered with `rpm --root R --justdb`, so dnf, libsolv's
// rpmdb2solv and Strata all read one real rpmdb (sqlite, at Fedora's /usr/lib/sysimage/rpm).

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RepoPackage } from '../../src/repo/model.ts';
import { packRpm } from '../../src/rpm/index.ts';
import { depText } from './generate.ts';

export const DBPATH = '/usr/lib/sysimage/rpm';

/** A HOME whose .rpmmacros points rpm (and dnf's librpm) at Fedora's rpmdb location. */
export function rpmHome(work: string): string {
  const home = join(work, 'home');
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, '.rpmmacros'), `%_dbpath ${DBPATH}\n`);
  return home;
}

export async function buildInstalledRoot(work: string, packages: RepoPackage[], root: string): Promise<void> {
  const rpms = join(work, 'installed-rpms');
  const tree = join(work, 'installed-tree');
  rmSync(rpms, { recursive: true, force: true });
  mkdirSync(rpms, { recursive: true });
  for (const p of packages) {
    rmSync(tree, { recursive: true, force: true });
    mkdirSync(tree, { recursive: true });
    for (const f of p.files) {
      const at = join(tree, f.path);
      if (f.type === 'dir') mkdirSync(at, { recursive: true });
      else {
        mkdirSync(dirname(at), { recursive: true });
        writeFileSync(at, '');
      }
    }
    const self = new Set([p.name, `${p.name}(x86-64)`, `${p.name}(x86-32)`]);
    const deps = {
      provides: p.deps.provides.filter((d) => !self.has(d.name)).map(depText),
      requires: p.deps.requires.map((d) => (d.pre ? { dep: depText(d), when: ['post'] } : depText(d))),
      conflicts: p.deps.conflicts.map(depText),
      obsoletes: p.deps.obsoletes.map(depText),
      recommends: p.deps.recommends.map(depText),
      suggests: p.deps.suggests.map(depText),
      supplements: p.deps.supplements.map(depText),
      enhances: p.deps.enhances.map(depText),
    };
    await packRpm(
      {
        name: p.name,
        ...(p.epoch !== '0' ? { epoch: Number(p.epoch) } : {}),
        version: p.version,
        release: p.release,
        arch: p.arch,
        summary: p.summary,
        license: p.license,
        root: tree,
        deps,
        sourceRpm: p.sourceRpm,
        buildHost: p.buildHost,
        vendor: p.vendor,
        packager: p.packager,
        url: p.url,
      },
      // BUILDTIME as in the repository: libsolv takes an installed package with the same EVR but
      // another build time (or vendor) for a different build and would "change" it on distro-sync.
      { outputDir: rpms, compress: 'none', sourceDateEpoch: p.buildTime },
    );
  }
  rmSync(tree, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'var', 'lib'), { recursive: true });
  mkdirSync(join(root, DBPATH), { recursive: true });
  symlinkSync('../../usr/lib/sysimage/rpm', join(root, 'var', 'lib', 'rpm'));
  const files = readdirSync(rpms).map((f) => join(rpms, f));
  const r = spawnSync(
    'rpm',
    ['--root', root, '--dbpath', DBPATH, '-i', '--justdb', '--nodeps', '--noscripts', '--notriggers', '--nosignature', '--nodigest', '--ignorearch', '--ignoreos', '--replacefiles', '--replacepkgs', ...files],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  if (r.status !== 0) throw new Error(`rpm --justdb -i failed (${r.status}): ${r.stderr.split('\n').slice(0, 5).join(' | ')}`);
  const q = spawnSync('rpm', ['--root', root, '--dbpath', DBPATH, '-qa'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const n = q.stdout.split('\n').filter(Boolean).length;
  if (n !== packages.length) throw new Error(`rpmdb holds ${n} packages, expected ${packages.length}`);
  rmSync(rpms, { recursive: true, force: true });
}
