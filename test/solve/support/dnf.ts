// What dnf 4 would install: `dnf install --assumeno` in an empty installroot against one local
// rpm-md repository. dnf resolves, prints the transaction table and stops ("Operation aborted.",
// exit 1); nothing is downloaded, so the repository needs no .rpm files. The table is parsed and
// checked against dnf's own "Install N Packages" summary line.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DnfInstallResult {
  /** dnf found a solution (and would install `install`). */
  ok: boolean;
  /** NEVRAs (`name-[epoch:]version-release.arch`, no `0:`) dnf would install, sorted. */
  install: string[];
  /** The part of `install` dnf lists under "Installing weak dependencies". */
  weak: string[];
  /** Other table sections (e.g. skipped packages) with their rows, if any. */
  other: Record<string, string[]>;
  /** dnf's error (the `Problem:` text) when !ok, else ''. */
  message: string;
  command: string;
  output: string;
}

/** Solver settings, written to dnf.conf: dnf 4's built-in defaults (and Fedora's dnf.conf), made explicit. */
export const DNF_SOLVER_CONF = { best: 'False', install_weak_deps: 'True', strict: 'True', multilib_policy: 'best' } as const;

/** Parses the transaction table of `dnf install` (sections → rows), rejoining wrapped rows. */
export function parseDnfTable(out: string): { sections: Map<string, string[]>; summaryInstall?: number } {
  const sections = new Map<string, string[]>();
  let section: string | undefined;
  let held = '';
  let summaryInstall: number | undefined;
  for (const line of out.split('\n')) {
    const count = /^Install\s+(\d+) Packages?$/.exec(line);
    if (count) summaryInstall = Number(count[1]);
    if (line.startsWith('Transaction Summary')) {
      section = undefined;
      continue;
    }
    if (/^[A-Z][^:]*:$/.test(line)) {
      section = line.slice(0, -1);
      sections.set(section, []);
      continue;
    }
    if (!section || !line.startsWith(' ')) continue;
    const text = held ? `${held} ${line.trim()}` : line.trim();
    const cols = text.split(/\s+/);
    // name arch [epoch:]version-release repo size unit; a long name is alone on its line.
    if (cols.length === 1) {
      held = cols[0];
      continue;
    }
    held = '';
    if (cols.length < 5) throw new Error(`dnf table: cannot read row '${text}'`);
    const [name, arch, evr] = cols;
    sections.get(section)!.push(`${name}-${evr.replace(/^0:/, '')}.${arch}`);
  }
  return { sections, summaryInstall };
}

/**
 * Runs `dnf install --assumeno NAMES` with `repoDir` as the only repository, everything (config,
 * installroot, cache) under `work`, which is created afresh.
 */
export function dnfInstall(repoDir: string, names: string[], work: string): Promise<DnfInstallResult> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'repos.d'), { recursive: true });
  mkdirSync(join(work, 'home'), { recursive: true });
  const conf = join(work, 'dnf.conf');
  writeFileSync(
    conf,
    `[main]\ngpgcheck=0\nrepo_gpgcheck=0\nreposdir=${join(work, 'repos.d')}\ncachedir=${join(work, 'cache')}\n` +
      Object.entries(DNF_SOLVER_CONF)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
  );
  writeFileSync(join(work, 'repos.d', 'fuzz.repo'), `[fuzz]\nname=fuzz\nbaseurl=file://${repoDir}\ngpgcheck=0\nrepo_gpgcheck=0\nmetadata_expire=0\n`);
  const args = [
    '-c',
    conf,
    `--installroot=${join(work, 'root')}`,
    `--setopt=reposdir=${join(work, 'repos.d')}`,
    `--setopt=cachedir=${join(work, 'cache')}`,
    '--releasever=1',
    '--setopt=gpgcheck=0',
    '--setopt=repo_gpgcheck=0',
    '--noplugins',
    '--assumeno',
    'install',
    ...names,
  ];
  const command = `dnf ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    execFile('dnf', args, { encoding: 'utf8', maxBuffer: 16 << 20, env: { ...process.env, HOME: join(work, 'home'), LC_ALL: 'C.UTF-8', COLUMNS: '200' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      const output = `${stdout}\n${stderr}`;
      const base = { command, output, other: {} as Record<string, string[]> };
      try {
        if (/Operation aborted\./.test(output) || /Nothing to do\./.test(output)) {
          const { sections, summaryInstall } = parseDnfTable(stdout);
          const install: string[] = [];
          const weak: string[] = [];
          for (const [name, rows] of sections) {
            if (name === 'Installing weak dependencies') weak.push(...rows);
            if (name.startsWith('Installing')) install.push(...rows);
            else base.other[name] = rows;
          }
          if ((summaryInstall ?? 0) !== install.length) {
            throw new Error(`dnf table has ${install.length} packages to install, its summary says ${summaryInstall}`);
          }
          resolve({ ok: true, install: install.sort(), weak: weak.sort(), message: '', ...base });
        } else if (code !== 0 && /^Error:/m.test(stderr)) {
          resolve({ ok: false, install: [], weak: [], message: stderr.trim(), ...base });
        } else {
          throw new Error(`unexpected dnf result (exit ${code})`);
        }
      } catch (e) {
        reject(new Error(`${(e as Error).message}\n$ ${command}\n${output}`));
      }
    });
  });
}
