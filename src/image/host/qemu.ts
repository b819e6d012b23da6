// Booting a disk for real: qemu-system-x86_64 with OVMF (UEFI), the disk on virtio, the serial
// console captured, no network, no reboot (a reboot or a kernel panic with panic=-1 ends the run),
// KVM when /dev/kvm can be opened and software emulation (TCG) otherwise, and a time limit after
// which the machine is killed. The firmware's variable store is a fresh copy per boot.

import { spawn } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** OVMF code + variable-store template pairs, in order of preference (Debian, then Fedora). */
const OVMF_PAIRS: ReadonlyArray<[string, string]> = [
  ['/usr/share/OVMF/OVMF_CODE_4M.fd', '/usr/share/OVMF/OVMF_VARS_4M.fd'],
  ['/usr/share/OVMF/OVMF_CODE.fd', '/usr/share/OVMF/OVMF_VARS.fd'],
  ['/usr/share/edk2/ovmf/OVMF_CODE.fd', '/usr/share/edk2/ovmf/OVMF_VARS.fd'],
];

export function findOvmf(): { code: string; vars: string } | undefined {
  const pair = OVMF_PAIRS.find(([c, v]) => existsSync(c) && existsSync(v));
  return pair ? { code: pair[0], vars: pair[1] } : undefined;
}

/** True when KVM can be used (the device exists and is readable and writable). */
export function kvmUsable(): boolean {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export interface QemuBootOptions {
  /** Raw disk image; it is written to (boot counting renames entries): boot a copy to keep one. */
  disk: string;
  /** Holds the firmware variable store copy and the console log. */
  workDir: string;
  /** Kill the machine after this long. */
  timeoutMs: number;
  /** 'auto' (default): KVM when usable, else TCG. */
  accel?: 'auto' | 'kvm' | 'tcg';
  memoryMiB?: number;
  qemu?: string;
  /** Stop the machine as soon as the console shows this (it is otherwise left to power off). */
  stopOn?: RegExp;
}

export interface QemuBootResult {
  /** Everything the serial console printed. */
  console: string;
  /** Path of the console log in workDir. */
  log: string;
  exitCode: number | null;
  timedOut: boolean;
  accel: 'kvm' | 'tcg';
  args: string[];
}

/** Signs that KVM cannot run this guest (nested or restricted hosts): software emulation is used instead. */
const KVM_BROKEN = /KVM internal error|failed to set MSR|kvm_[a-z_]+: Assertion|Could not access KVM kernel module|failed to initialize kvm/i;

interface RunResult extends QemuBootResult {
  kvmBroken: boolean;
}

async function runQemu(opts: QemuBootOptions, ovmf: { code: string; vars: string }, accel: 'kvm' | 'tcg'): Promise<RunResult> {
  const vars = join(opts.workDir, 'OVMF_VARS.fd');
  copyFileSync(ovmf.vars, vars);
  const args = [
    '-machine', 'q35', '-accel', accel, '-cpu', 'max', '-smp', '1', '-m', String(opts.memoryMiB ?? 512),
    '-nodefaults', '-display', 'none', '-serial', 'stdio', '-nic', 'none', '-no-reboot',
    '-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${ovmf.code}`,
    '-drive', `if=pflash,format=raw,unit=1,file=${vars}`,
    '-drive', `if=virtio,format=raw,file=${opts.disk}`,
  ];
  const child = spawn(opts.qemu ?? 'qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let timedOut = false;
  let kvmBroken = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs);
  child.stdout.setEncoding('latin1').on('data', (c: string) => {
    out += c;
    if (opts.stopOn?.test(out)) child.kill('SIGKILL');
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    err += c;
    if (accel === 'kvm' && KVM_BROKEN.test(err)) {
      kvmBroken = true;
      child.kill('SIGKILL');
    }
  });
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  }).finally(() => clearTimeout(timer));
  const text = out + (err ? `\n[qemu stderr]\n${err}` : '');
  const log = join(opts.workDir, 'console.log');
  writeFileSync(log, text);
  return { console: text, log, exitCode, timedOut, accel, args, kvmBroken };
}

/** Boots the disk until it powers off, reboots, or the time limit; 'auto' falls back to TCG when KVM fails. */
export async function bootDisk(opts: QemuBootOptions): Promise<QemuBootResult> {
  const ovmf = findOvmf();
  if (!ovmf) throw new Error(`no OVMF firmware (looked for ${OVMF_PAIRS.map((p) => p[0]).join(', ')}; Debian: apt-get install ovmf)`);
  mkdirSync(opts.workDir, { recursive: true });
  const auto = opts.accel === undefined || opts.accel === 'auto';
  const first = auto ? (kvmUsable() ? 'kvm' : 'tcg') : opts.accel!;
  let r = await runQemu(opts, ovmf, first as 'kvm' | 'tcg');
  if (auto && r.accel === 'kvm' && r.kvmBroken) r = await runQemu(opts, ovmf, 'tcg');
  const { kvmBroken: _k, ...result } = r;
  return result;
}
