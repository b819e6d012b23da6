// Installs packages with Debian's dnf into a scratch --installroot from a signed repository, with a
// stand-in "base system" package providing what the example distro does not build itself (libc, a
// shell): the built packages' libc/loader/interpreter requires, found with rpm.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishRepository } from '../../src/repo/publish/index.ts';
import { packRpm } from '../../src/rpm/index.ts';

/** What packages in `rpmsDir` need from the base system. */
function baseProvides(rpmsDir: string): string[] {
  const files = readdirSync(rpmsDir).filter((f) => f.endsWith('.rpm')).map((f) => join(rpmsDir, f));
  const q = spawnSync('rpm', ['-qp', '--requires', ...files], { encoding: 'utf8' });
  const needs = q.stdout.split('\n').map((l) => l.trim()).filter((l) => /^(libc\.so|ld-linux|rtld\(|\/)/.test(l));
  return [...new Set([...needs, '/bin/sh'])];
}

/** `dnf install packages` from `repoDir` (gpgcheck and repo_gpgcheck with `pubKey`) into `<work>/dnf/root`. */
export async function dnfInstall(work: string, repoDir: string, pubKey: string, packages: string[]): Promise<{ root: string; run: SpawnSyncReturns<string> }> {
  const base = join(work, 'base-repo');
  mkdirSync(join(work, 'empty-root'), { recursive: true });
  await packRpm(
    { name: 'example-base-system', version: '1', summary: 'Stand-in for the base system', license: 'MIT', root: join(work, 'empty-root'), deps: { provides: baseProvides(repoDir) } },
    { outputDir: base },
  );
  await publishRepository(base);
  const d = join(work, 'dnf');
  mkdirSync(join(d, 'repos'), { recursive: true });
  mkdirSync(join(d, 'home'), { recursive: true });
  writeFileSync(join(d, 'home', '.rpmmacros'), '%_dbpath /usr/lib/sysimage/rpm\n');
  writeFileSync(
    join(d, 'repos', 'example.repo'),
    `[example]\nname=Example\nbaseurl=file://${repoDir}\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=file://${pubKey}\nmetadata_expire=0\n\n` +
      `[base]\nname=Base stand-in\nbaseurl=file://${base}\ngpgcheck=0\nmetadata_expire=0\n`,
  );
  writeFileSync(join(d, 'dnf.conf'), `[main]\ngpgcheck=1\nreposdir=${join(d, 'repos')}\ncachedir=${join(d, 'cache')}\n`);
  const root = join(d, 'root');
  const run = spawnSync('dnf', ['-y', '-c', join(d, 'dnf.conf'), `--installroot=${root}`, '--releasever=1', 'install', ...packages], {
    encoding: 'utf8',
    env: { ...process.env, HOME: join(d, 'home'), LC_ALL: 'C.UTF-8' },
  });
  return { root, run };
}
