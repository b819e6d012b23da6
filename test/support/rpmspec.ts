// Tiny rpmbuild helpers for differential tests that let rpm itself judge dependencies.
import { spawnSync } from 'node:child_process';
import { hasTool } from './tools.ts';

export const hasRpmbuild = hasTool('rpmbuild') && hasTool('rpm');

/** A minimal noarch spec with no files and no automatic dependencies, plus the given preamble lines. */
export function noarchSpec(name: string, summary: string, lines: string[]): string {
  return [
    `Name: ${name}`,
    'Version: 1',
    'Release: 1',
    `Summary: ${summary}`,
    'License: MIT',
    'BuildArch: noarch',
    'AutoReqProv: no',
    ...lines,
    '%description',
    'test',
    '%files',
    '',
  ].join('\n');
}

/** Runs a command, returning its status and stdout+stderr together. */
export function run(cmd: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
