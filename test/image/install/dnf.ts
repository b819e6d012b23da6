// Debian's dnf 4 as the reference installer: `dnf --installroot R install …` from a signed local
// repository (gpgcheck and repo_gpgcheck on), the rpmdb in Fedora's place (the .rpmmacros trick
// from shared/notes/rpm.md), and the paths dnf itself leaves in the root that an image does not
// have (its logs, history, cache, module config).

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DNF_OWN_PATHS = [
  '/etc/dnf',
  '/var/lib/dnf',
  '/var/cache',
  '/var/log/dnf.log',
  '/var/log/dnf.rpm.log',
  '/var/log/dnf.librepo.log',
  '/var/log/hawkey.log',
  '/usr/lib/sysimage/rpm',
];

export function dnfInstallRoot(work: string, repo: string, pubKey: string, packages: string[], setopts: string[] = []): { root: string; ok: boolean; output: string } {
  const d = join(work, 'dnf');
  rmSync(d, { recursive: true, force: true });
  mkdirSync(join(d, 'home'), { recursive: true });
  mkdirSync(join(d, 'repos'), { recursive: true });
  writeFileSync(join(d, 'home', '.rpmmacros'), '%_dbpath /usr/lib/sysimage/rpm\n');
  writeFileSync(
    join(d, 'repos', 'fx.repo'),
    `[fx]\nname=fx\nbaseurl=file://${repo}\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=file://${pubKey}\nmetadata_expire=0\n`,
  );
  // cachedir is taken inside the installroot: put it where the exclusions expect it.
  writeFileSync(join(d, 'dnf.conf'), `[main]\ngpgcheck=1\nreposdir=${join(d, 'repos')}\ncachedir=/var/cache/dnf\n`);
  const root = join(d, 'root');
  const r = spawnSync('dnf', ['-y', '-c', join(d, 'dnf.conf'), `--installroot=${root}`, '--releasever=1', ...setopts.map((s) => `--setopt=${s}`), 'install', ...packages], {
    encoding: 'utf8',
    env: { ...process.env, HOME: join(d, 'home'), LC_ALL: 'C.UTF-8' },
  });
  return { root, ok: r.status === 0, output: `${r.stdout}\n${r.stderr}` };
}

export function rpm(root: string, args: string[]): { code: number; out: string } {
  const r = spawnSync('rpm', ['--root', root, '--dbpath', '/usr/lib/sysimage/rpm', ...args], { encoding: 'utf8' });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}
