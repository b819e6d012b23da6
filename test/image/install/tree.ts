// A root's file tree as a comparable listing: path, type+mode, owner, group, link target, content
// digest, hard link count and file capabilities — what must be equal between two installers.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface TreeOptions {
  /** In-root paths left out, with everything under them. */
  exclude?: readonly string[];
  /** Also list mtimes (for byte-identical comparisons of our own composes). */
  mtimes?: boolean;
}

export function treeListing(root: string, opts: TreeOptions = {}): string[] {
  const exclude = opts.exclude ?? [];
  const caps = new Map<string, string>();
  const gc = spawnSync('getcap', ['-r', root], { encoding: 'utf8' });
  for (const line of (gc.stdout ?? '').split('\n')) {
    const m = /^(.*?) (\S*=\S*.*)$/.exec(line.trim());
    if (m) caps.set(m[1], m[2]);
  }
  const out: string[] = [];
  const walk = (rel: string): void => {
    const host = rel ? join(root, rel) : root;
    const st = lstatSync(host);
    const path = `/${rel}`;
    if (exclude.some((e) => path === e || path.startsWith(`${e}/`))) return;
    let what = '';
    if (st.isSymbolicLink()) what = `-> ${readlinkSync(host, 'utf8')}`;
    else if (st.isFile()) what = `sha256:${createHash('sha256').update(readFileSync(host)).digest('hex').slice(0, 16)} links:${st.nlink}`;
    const c = caps.get(host);
    out.push(
      `${path} ${(st.mode & 0o177777).toString(8)} ${st.uid}:${st.gid} ${what}${c ? ` caps:${c}` : ''}${opts.mtimes ? ` mtime:${Math.floor(st.mtimeMs / 1000)}` : ''}`,
    );
    if (st.isDirectory()) for (const n of readdirSync(host).sort()) walk(rel ? `${rel}/${n}` : n);
  };
  walk('');
  return out;
}

/** Lines only in a, only in b (for assertion messages). */
export function listingDiff(a: readonly string[], b: readonly string[]): string[] {
  const sa = new Set(a);
  const sb = new Set(b);
  return [...a.filter((l) => !sb.has(l)).map((l) => `- ${l}`), ...b.filter((l) => !sa.has(l)).map((l) => `+ ${l}`)];
}
