// Paths inside an image root, resolved the way a process chrooted into it would see them: the
// root's own symlinks are followed (so /lib/foo lands in usr/lib/foo when /lib -> usr/lib),
// absolute link targets start again at the root, and nothing ever resolves outside it. A symlink
// whose target climbs above the root with ".." is refused rather than clamped: inside a chroot it
// would stay in the root, but it only exists to escape when the tree is read from outside.

import { lstatSync, mkdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { InstallError } from './model.ts';

export class RootPathError extends InstallError {
  override name = 'RootPathError';
}

/** Symlinks followed while resolving one path before giving up (Linux's MAXSYMLINKS). */
const MAX_LINKS = 40;

/** Splits an in-root path into components ("/" and "" give none). */
export function pathComponents(path: string): string[] {
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

export interface ResolveOptions {
  /** Follow a symlink in the last component too (default false: the link itself is meant). */
  followFinal?: boolean;
  /** Create missing parent directories (mode 0755, owned by the caller). Default false. */
  create?: boolean;
}

/** One root, with a cache of resolved parent directories (valid until invalidate()). */
export class RootFs {
  /** The root as an absolute host path. */
  readonly root: string;
  private readonly dirCache = new Map<string, string[]>();
  /** Directories created because a path needed them (in-root paths). */
  readonly createdDirs: string[] = [];

  constructor(root: string) {
    this.root = root;
  }

  /** Forget cached resolutions (after a scriptlet ran or a symlink was replaced). */
  invalidate(): void {
    this.dirCache.clear();
  }

  /** Host path of resolved in-root components. */
  host(components: readonly string[]): string {
    return components.length ? join(this.root, ...components) : this.root;
  }

  /**
   * Resolves `path` (absolute inside the root) to in-root components with every symlink of the
   * root followed inside it. Missing components are kept as written (or created as directories,
   * with `create`, when something follows them).
   */
  resolve(path: string, opts: ResolveOptions = {}): string[] {
    const parts = pathComponents(path);
    if (parts.length === 0) return [];
    const last = parts.length - 1;
    const dir = this.resolveDir(parts.slice(0, last), path, opts.create === true);
    return this.walk(dir, [parts[last]], path, opts.followFinal === true, false).cur;
  }

  /** Host path of `path` inside the root (see resolve). */
  hostPath(path: string, opts: ResolveOptions = {}): string {
    return this.host(this.resolve(path, opts));
  }

  /** The resolved parent directory of `path` (created when `create`), and the final name. */
  parent(path: string, create: boolean): { dir: string[]; name: string } {
    const parts = pathComponents(path);
    if (parts.length === 0) throw new RootPathError('refusing to replace the root directory itself');
    return { dir: this.resolveDir(parts.slice(0, -1), path, create), name: parts[parts.length - 1] };
  }

  private resolveDir(parts: string[], what: string, create: boolean): string[] {
    const key = parts.join('/');
    const hit = this.dirCache.get(key);
    if (hit) return hit;
    // Every component of a parent path is a directory: create all of them when asked.
    const { cur, missing } = this.walk([], [...parts, '.'], what, true, create);
    // Only directories that exist are cached: a missing one may appear later.
    if (!missing) this.dirCache.set(key, cur);
    return cur;
  }

  private walk(start: string[], parts: string[], what: string, followLast: boolean, create: boolean): { cur: string[]; missing: boolean } {
    const cur = [...start];
    const queue = [...parts];
    let links = 0;
    let missing = false;
    while (queue.length) {
      const c = queue.shift()!;
      if (c === '.' || c === '') continue;
      if (c === '..') {
        if (cur.length === 0) throw new RootPathError(`refusing ${what}: a symlink on its way leads outside the root`);
        cur.pop();
        continue;
      }
      const isLast = queue.length === 0;
      if (missing) {
        cur.push(c);
        continue;
      }
      const host = join(this.root, ...cur, c);
      const st = lstatSync(host, { throwIfNoEntry: false });
      if (!st) {
        if (create && !isLast) {
          mkdirSync(host, { mode: 0o755 });
          this.createdDirs.push(`/${[...cur, c].join('/')}`);
        } else missing = true;
        cur.push(c);
        continue;
      }
      if (st.isSymbolicLink() && (!isLast || followLast)) {
        if (++links > MAX_LINKS) throw new RootPathError(`refusing ${what}: too many levels of symbolic links`);
        const target = readlinkSync(host, 'utf8');
        if (target.startsWith('/')) cur.length = 0;
        queue.unshift(...target.split('/'));
        continue;
      }
      if (!isLast && !st.isDirectory()) throw new RootPathError(`refusing ${what}: /${[...cur, c].join('/')} is not a directory`);
      cur.push(c);
    }
    return { cur, missing };
  }
}
