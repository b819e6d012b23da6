// Per-component lock files, `<lock-dir>/<name>.lock`, in azldev's format (internal/lockfile):
// TOML, `version = 1`, the upstream commit it was resolved to (and the write-once import commit),
// the manual rebuild counter, and the two hashes that tell whether it is stale.

import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { writeFileAtomic } from '../repo/atomic-file.ts';
import { decodeTable } from './decode.ts';
import { displayPath, ProjectConfigError, SourceText } from './errors.ts';
import { LOCK_FILE } from './schema.ts';

export const LOCK_VERSION = 1;
const LOCK_SUFFIX = '.lock';

export interface ComponentLock {
  version: number;
  /** The upstream commit at first import (the fork point); never changed afterwards. */
  importCommit?: string;
  upstreamCommit?: string;
  /** Mass-rebuild counter; part of the fingerprint. */
  manualBump?: number;
  /** `sha256:…` over every build input (see fingerprint.ts). */
  inputFingerprint?: string;
  /** `sha256:…` over the inputs that choose the upstream commit (snapshot, distro, pin…). */
  resolutionInputHash?: string;
}

/** The lock file of a component; the name must be a plain file name. */
export function lockPath(lockDir: string, name: string): string {
  if (!name || name.includes('/') || name.includes('\0') || name === '.' || name === '..') {
    throw new ProjectConfigError(`component name "${name}" cannot name a lock file`);
  }
  return join(lockDir, `${name}${LOCK_SUFFIX}`);
}

export function parseLock(text: string, file: string): ComponentLock {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    if (e instanceof TomlError) throw new ProjectConfigError(`${displayPath(file)}:${e.line}:${e.column}: invalid TOML: ${e.message.split('\n')[0]}`);
    throw e;
  }
  // azldev reads lock files leniently (unknown keys ignored); so do we.
  const source = new SourceText(file, text);
  const lock = decodeTable(LOCK_FILE, raw, [], { source, permissive: true, warnings: [] }) as Partial<ComponentLock>;
  if (lock.version !== LOCK_VERSION) {
    throw source.error(['version'], `unsupported lock file version ${lock.version ?? '(none)'} (expected ${LOCK_VERSION})`);
  }
  return lock as ComponentLock;
}

/** A TOML string as go-toml writes it: literal ('…') when it can be, basic ("…") otherwise. */
function tomlString(s: string): string {
  const literal = [...s].every((c) => c !== "'" && c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f);
  if (literal) return `'${s}'`;
  return JSON.stringify(s);
}

/** The file content azldev writes for a lock (same keys, order and quoting). */
export function formatLock(lock: ComponentLock): string {
  const lines = ['# Managed by azldev component update. Do not edit manually.', `version = ${lock.version}`];
  if (lock.importCommit) lines.push(`import-commit = ${tomlString(lock.importCommit)}`);
  if (lock.upstreamCommit) lines.push(`upstream-commit = ${tomlString(lock.upstreamCommit)}`);
  if (lock.manualBump) lines.push(`manual-bump = ${lock.manualBump}`);
  if (lock.inputFingerprint) lines.push(`input-fingerprint = ${tomlString(lock.inputFingerprint)}`);
  if (lock.resolutionInputHash) lines.push(`resolution-input-hash = ${tomlString(lock.resolutionInputHash)}`);
  return `${lines.join('\n')}\n`;
}

/** The component's lock, or undefined when it has none. */
export function readLock(lockDir: string, name: string): ComponentLock | undefined {
  const path = lockPath(lockDir, name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return parseLock(text, path);
}

/** Writes the lock atomically (a reader sees the old file or the new one). */
export async function writeLock(lockDir: string, name: string, lock: ComponentLock): Promise<void> {
  await writeFileAtomic(lockPath(lockDir, name), formatLock(lock));
}

export async function removeLock(lockDir: string, name: string): Promise<void> {
  await rm(lockPath(lockDir, name), { force: true });
}

/** Names of the components that have a lock file in `lockDir` (none if it does not exist). */
export function lockedComponentNames(lockDir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(lockDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return entries
    .filter((f) => f.endsWith(LOCK_SUFFIX) && !f.startsWith('.'))
    .map((f) => f.slice(0, -LOCK_SUFFIX.length))
    .sort();
}
