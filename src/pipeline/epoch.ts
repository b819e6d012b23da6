// The build's SOURCE_DATE_EPOCH when the user sets none: the time of the project's last git commit
// (so rebuilding the same commit gives the same bytes), else the newest config file's mtime.

import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

/** `configFiles`: the project's loaded TOML files (the fallback's inputs). */
export function projectEpoch(dir: string, configFiles: readonly string[]): number {
  try {
    const t = execFileSync('git', ['-C', dir, 'log', '-1', '--format=%ct', '--', '.'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (/^[0-9]+$/.test(t)) return Number(t);
  } catch {
    // not a git checkout: fall through
  }
  return Math.max(0, ...configFiles.map((f) => Math.floor(statSync(f).mtimeMs / 1000)));
}
