// File capabilities (the security.capability xattr rpm sets from FILECAPS with cap_set_fd). Node
// has no xattr calls, so they are written and read with libcap's own setcap/getcap; comparing
// them uses a small parser of libcap's text form ("cap_net_raw,cap_net_admin=ep", "= cap_x+ep").

import { spawn } from 'node:child_process';
import { InstallError } from './model.ts';

const NAMES = [
  'chown', 'dac_override', 'dac_read_search', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid', 'setpcap', 'linux_immutable',
  'net_bind_service', 'net_broadcast', 'net_admin', 'net_raw', 'ipc_lock', 'ipc_owner', 'sys_module', 'sys_rawio', 'sys_chroot',
  'sys_ptrace', 'sys_pacct', 'sys_admin', 'sys_boot', 'sys_nice', 'sys_resource', 'sys_time', 'sys_tty_config', 'mknod', 'lease',
  'audit_write', 'audit_control', 'setfcap', 'mac_override', 'mac_admin', 'syslog', 'wake_alarm', 'block_suspend', 'audit_read',
  'perfmon', 'bpf', 'checkpoint_restore',
];
const ALL = (1n << BigInt(NAMES.length)) - 1n;

export class CapsError extends InstallError {
  override name = 'CapsError';
}

/** Capability sets as bit masks (bit n = capability n). */
export interface CapSets {
  effective: bigint;
  permitted: bigint;
  inheritable: bigint;
}

function capBit(name: string, text: string): bigint {
  const n = name.toLowerCase().replace(/^cap_/, '');
  if (/^[0-9]+$/.test(n)) return 1n << BigInt(n);
  const i = NAMES.indexOf(n);
  if (i < 0) throw new CapsError(`capabilities "${text}": unknown capability "${name}"`);
  return 1n << BigInt(i);
}

/** Parses libcap's text form (cap_from_text). */
export function parseCaps(text: string): CapSets {
  const sets: CapSets = { effective: 0n, permitted: 0n, inheritable: 0n };
  for (const clause of text.trim().split(/\s+/).filter(Boolean)) {
    const m = /^([^=+-]*)(.*)$/.exec(clause)!;
    const names = m[1];
    let mask = 0n;
    if (names === '' || names.toLowerCase() === 'all') mask = ALL;
    else for (const n of names.split(',')) mask |= n.toLowerCase() === 'all' ? ALL : capBit(n, text);
    const ops = m[2];
    if (!/^([=+-][eip]*)+$/.test(ops)) throw new CapsError(`capabilities "${text}": cannot parse "${clause}"`);
    for (const [, op, flags] of ops.matchAll(/([=+-])([eip]*)/g)) {
      const apply = (key: keyof CapSets, on: boolean): void => {
        sets[key] = on ? sets[key] | mask : sets[key] & ~mask;
      };
      if (op === '=') for (const k of ['effective', 'permitted', 'inheritable'] as const) apply(k, false);
      if (flags.includes('e')) apply('effective', op !== '-');
      if (flags.includes('p')) apply('permitted', op !== '-');
      if (flags.includes('i')) apply('inheritable', op !== '-');
    }
  }
  return sets;
}

/** Equal as a file stores them: permitted, inheritable, and whether effective is raised at all. */
export function sameFileCaps(a: CapSets, b: CapSets): boolean {
  return a.permitted === b.permitted && a.inheritable === b.inheritable && (a.effective !== 0n) === (b.effective !== 0n);
}

function run(prog: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(prog, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new CapsError(`file capabilities need ${prog} (libcap2-bin / libcap)`) : e),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Sets capabilities on host files (after their owner and mode: chown clears capabilities). */
export async function setFileCaps(files: ReadonlyArray<readonly [hostPath: string, caps: string]>): Promise<void> {
  // setcap takes "caps file" pairs; batches keep the command line short.
  for (let i = 0; i < files.length; i += 200) {
    const batch = files.slice(i, i + 200);
    for (const [, caps] of batch) parseCaps(caps);
    const r = await run('setcap', batch.flatMap(([p, c]) => [c, p]));
    if (r.code !== 0) {
      const why = r.stderr.trim().split('\n')[0] || `exit ${r.code}`;
      const hint = /not permitted|permission/i.test(why) ? ' (setting file capabilities needs root / CAP_SETFCAP)' : '';
      throw new CapsError(`setcap failed: ${why}${hint}`);
    }
  }
}

/** Capabilities of every file under `hostDir` that has any, by host path (getcap -r). */
export async function readTreeCaps(hostDir: string): Promise<Map<string, string>> {
  const r = await run('getcap', ['-r', hostDir]);
  const out = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(.*?) (\S*=\S*.*)$/.exec(line.trim());
    if (m) out.set(m[1], m[2]);
  }
  return out;
}
