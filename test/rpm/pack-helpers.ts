// Shared helpers for the pack tests: scratch directories, trees, and running rpm's own tools
// (rpm, rpmbuild, rpmkeys, rpmlint) with a private HOME so nothing touches the host's databases.

import { spawnSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';

export const FIXTURES = '/work/shared/fixtures/rpm';
export const KEYS = {
  rsa: { secret: `${FIXTURES}/keys/rpm.org-rsa-2048-test.secret`, pub: `${FIXTURES}/keys/rpm.org-rsa-2048-test.pub` },
  ed25519: { secret: `${FIXTURES}/keys/rpm.org-ed25519-test.secret`, pub: `${FIXTURES}/keys/rpm.org-ed25519-test.pub` },
};
export const REPO = new URL('../../', import.meta.url).pathname;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], env: Record<string, string> = {}, cwd?: string): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, cwd });
  return { code: r.status ?? (r.error ? 127 : 1), stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

export const have = (tool: string): boolean => run('sh', ['-c', `command -v ${tool}`]).code === 0;

/** The strata CLI, run with this Node (the tests run under the pinned Node 24). */
export function strata(args: string[], env: Record<string, string> = {}): Run {
  return run(process.execPath, [join(REPO, 'src/cli/main.ts'), ...args], env);
}

const scratch: string[] = [];
after(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

export function scratchDir(prefix = 'strata-pack-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(d);
  return d;
}

/** A tree entry: file contents, or a symlink / hard link / empty directory. */
export type Entry = string | { content?: string; mode?: number; symlink?: string; hardlink?: string; dir?: true };

export function writeTree(root: string, entries: Record<string, Entry>): string {
  mkdirSync(root, { recursive: true });
  for (const [p, e] of Object.entries(entries)) {
    const abs = join(root, p);
    mkdirSync(dirname(abs), { recursive: true });
    const spec = typeof e === 'string' ? { content: e } : e;
    if (spec.dir) mkdirSync(abs, { recursive: true });
    else if (spec.symlink !== undefined) symlinkSync(spec.symlink, abs);
    else if (spec.hardlink !== undefined) linkSync(join(root, spec.hardlink), abs);
    else writeFileSync(abs, spec.content ?? '');
    if (spec.mode !== undefined) chmodSync(abs, spec.mode);
  }
  return root;
}

/** A HOME whose rpm database (Debian keeps it under $HOME) has the given public keys imported. */
export function rpmHome(pubKeys: string[] = []): string {
  const home = scratchDir('strata-home-');
  for (const k of pubKeys) {
    const r = run('rpmkeys', ['--import', k], { HOME: home });
    if (r.code !== 0) throw new Error(`rpmkeys --import ${k}: ${r.stderr}`);
  }
  return home;
}

export function rpmQuery(pkg: string, format: string): string {
  const r = run('rpm', ['-qp', '--qf', format, pkg], { HOME: rpmHome() });
  if (r.code !== 0) throw new Error(`rpm -qp ${pkg}: ${r.stderr}`);
  return r.stdout;
}

/** rpmlint's errors ("X: E: …" lines), with the whole report for assertion messages. */
export function rpmlintErrors(pkgs: string[], home: string): { errors: string[]; report: string } {
  const r = run('rpmlint', pkgs, { HOME: home });
  const report = r.stdout + r.stderr;
  return { errors: report.split('\n').filter((l) => /: E: /.test(l)), report };
}

/**
 * Installs into a fresh root (database inside it) and verifies: returns rpm -V's output, which is
 * empty for a clean install. Users and groups the packages use are created in the root first.
 */
export function installAndVerify(pkgs: string[], names: string[], opts: { scripts?: boolean } = {}): { root: string; install: Run; verify: Run } {
  const root = scratchDir('strata-root-');
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:2:2:daemon:/sbin:/sbin/nologin\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\ndaemon:x:2:\nadm:x:4:\n');
  const home = rpmHome();
  const base = ['--root', root, '--dbpath', '/var/lib/rpm'];
  const install = run('rpm', [...base, '-i', '--nodeps', ...(opts.scripts ? [] : ['--noscripts']), ...pkgs], { HOME: home });
  const verify = run('rpm', [...base, '-V', '--nodeps', ...(opts.scripts ? [] : ['--noscripts']), ...names], { HOME: home });
  return { root, install, verify };
}

export async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}
