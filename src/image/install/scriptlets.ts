// Running a package scriptlet inside the root, as rpm does (lib/rpmscript.c runExtScript): the body
// goes to a temporary file under the root's /var/tmp, the interpreter from the header (default
// /bin/sh) runs chrooted into the root with cwd "/", umask 022, PATH set to rpm's scriptlet path,
// RPM_INSTALL_PREFIX* from the package's prefixes, arguments "$1" (and "$2" for triggers), and for
// file triggers the matching paths on stdin. Lua scriptlets (<lua>) run inside rpm itself; Strata
// cannot run them and says so.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, constants as fsc, lstatSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RootFs } from './rootfs.ts';
import { InstallError } from './model.ts';

/** rpm's scriptlet PATH (SCRIPT_PATH in lib/rpmscript.c). */
export const SCRIPT_PATH = '/sbin:/bin:/usr/sbin:/usr/bin:/usr/X11R6/bin';

export interface Scriptlet {
  /** rpm's description, e.g. "%post(foo-1.0-1.noarch)". */
  label: string;
  /** Interpreter and its arguments; empty means /bin/sh. */
  prog: readonly string[];
  /** The body; undefined when the header has only an interpreter (`%post -p /sbin/ldconfig`). */
  body: string | undefined;
  /** "$1", "$2" (rpm passes them only with a body). */
  args: readonly number[];
  /** Lines written to stdin (file triggers). */
  stdin?: readonly string[];
  /** INSTPREFIXES of the package. */
  prefixes?: readonly string[];
}

export interface ScriptletOutcome {
  label: string;
  exitCode: number | null;
  signal: string | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
}

export class ScriptletError extends InstallError {
  override name = 'ScriptletError';
}

export function isLua(s: Pick<Scriptlet, 'prog'>): boolean {
  return s.prog[0] === '<lua>';
}

/** Writes the body to /var/tmp/rpm-tmp.XXXXXX inside the root; returns [in-root path, host path]. */
function writeBody(fs: RootFs, body: string): [string, string] {
  const tmpDir = fs.resolve('/var/tmp', { create: true, followFinal: true });
  const host = fs.host(tmpDir);
  // rpmMkTempFile creates %_tmppath (0755) when it is missing.
  if (!lstatSync(host, { throwIfNoEntry: false })) {
    mkdirSync(host, { mode: 0o755 });
    fs.createdDirs.push(`/${tmpDir.join('/')}`);
  }
  for (;;) {
    const name = `rpm-tmp.${randomBytes(4).toString('hex').slice(0, 6)}`;
    try {
      const fd = openSync(join(host, name), fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o600);
      try {
        const b = Buffer.from(body, 'utf8');
        let o = 0;
        while (o < b.length) o += writeSync(fd, b, o, b.length - o);
      } finally {
        closeSync(fd);
      }
      return [`/${[...tmpDir, name].join('/')}`, join(host, name)];
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** Runs one (non-Lua) scriptlet chrooted into the root. Needs root (CAP_SYS_CHROOT). */
export async function runScriptlet(fs: RootFs, s: Scriptlet, env: Record<string, string>): Promise<ScriptletOutcome> {
  if (isLua(s)) throw new ScriptletError(`${s.label}: Lua scriptlets are not supported`);
  const argv = s.prog.length ? [...s.prog] : ['/bin/sh'];
  let hostTmp: string | undefined;
  if (s.body !== undefined) {
    const [inRoot, host] = writeBody(fs, s.body);
    hostTmp = host;
    argv.push(inRoot, ...s.args.map(String));
  }
  const childEnv: Record<string, string> = { ...env, PATH: SCRIPT_PATH };
  (s.prefixes ?? []).forEach((p, i) => {
    childEnv[`RPM_INSTALL_PREFIX${i}`] = p;
    if (i === 0) childEnv.RPM_INSTALL_PREFIX = p;
  });
  try {
    return await new Promise<ScriptletOutcome>((resolve, reject) => {
      const child = spawn('chroot', [fs.root, ...argv], { cwd: '/', env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
      let output = '';
      const add = (d: Buffer): void => {
        if (output.length < 64 * 1024) output += d.toString('utf8');
      };
      child.stdout.on('data', add);
      child.stderr.on('data', add);
      child.stdin.on('error', () => {}); // the script may not read its input (EPIPE)
      child.on('error', (e: NodeJS.ErrnoException) =>
        reject(new ScriptletError(`${s.label}: cannot run chroot: ${e.code === 'ENOENT' ? 'chroot(8) not found' : e.message}`)),
      );
      child.on('close', (code, signal) => resolve({ label: s.label, exitCode: code, signal, output }));
      if (s.stdin?.length) child.stdin.end(s.stdin.map((l) => `${l}\n`).join(''));
      else child.stdin.end();
    });
  } finally {
    if (hostTmp) rmSync(hostTmp, { force: true });
    fs.invalidate();
  }
}
