// Running the filesystem tools (mkfs.*, mtools, debugfs, veritysetup, qemu-img) with a fixed,
// minimal environment (TZ=UTC, C locale, SOURCE_DATE_EPOCH) so the host's settings do not leak
// into the bytes, and turning their failures into one line.

import { spawn } from 'node:child_process';
import { DiskImageError } from './model.ts';

/** Debian package that provides each tool, for the "not found" message. */
const PACKAGE_OF: Record<string, string> = {
  'mkfs.ext4': 'e2fsprogs',
  debugfs: 'e2fsprogs',
  'mkfs.erofs': 'erofs-utils',
  'mkfs.vfat': 'dosfstools',
  mcopy: 'mtools',
  mmd: 'mtools',
  veritysetup: 'cryptsetup-bin',
  'qemu-img': 'qemu-utils',
};

export interface ToolRun {
  stdout: string;
  stderr: string;
}

export interface ToolOptions {
  env?: Record<string, string>;
  /** What the run is for, e.g. `partition "ROOT"`; starts the error line. */
  context: string;
  stdin?: string;
  /** Exit codes that count as success (default [0]). */
  okCodes?: number[];
}

/** The last meaningful stderr/stdout line: tools print banners first and the reason last. */
function reason(stderr: string, stdout: string, code: number | null): string {
  const lines = `${stderr}\n${stdout}`.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.length > 0 ? lines[lines.length - 1] : `exit code ${code}`;
}

export async function runTool(cmd: string, args: string[], opts: ToolOptions): Promise<ToolRun> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    LC_ALL: 'C',
    TZ: 'UTC',
    ...opts.env,
  };
  const child = spawn(cmd, args, { env, stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => err.push(c));
  if (opts.stdin !== undefined) {
    child.stdin!.on('error', () => {}); // a tool that exits early closes its stdin; the exit code tells
    child.stdin!.end(opts.stdin);
  }
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') {
        const pkg = PACKAGE_OF[cmd];
        reject(new DiskImageError(`${opts.context}: ${cmd} not found${pkg ? ` (install ${pkg})` : ''}`));
      } else {
        reject(e);
      }
    });
    child.on('close', resolve);
  });
  const stdout = Buffer.concat(out).toString('utf8');
  const stderr = Buffer.concat(err).toString('utf8');
  if (!(opts.okCodes ?? [0]).includes(code ?? -1)) {
    throw new DiskImageError(`${opts.context}: ${cmd} failed: ${reason(stderr, stdout, code)}`);
  }
  return { stdout, stderr };
}
