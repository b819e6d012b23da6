// File owners by name, looked up the way rpm does inside its chroot (lib/rpmug.c via getpwnam /
// getgrnam, nss "files"): in the root's own /etc/passwd and /etc/group as they are at that moment
// of the transaction (a %pre scriptlet may just have added the user). "root" is always 0; an
// unknown name falls back to root, and rpm then drops the set-id bit the name would have granted.

import { readFileSync } from 'node:fs';
import type { RootFs } from './rootfs.ts';

export interface Owner {
  uid: number;
  gid: number;
  /** mode with S_ISUID / S_ISGID cleared when the user / group is unknown. */
  mode: number;
  /** Names that were not found (rpm warns "user X does not exist - using root"). */
  unknown: string[];
}

/** name → id from a passwd or group file: the first entry of a name wins, as with getpwnam. */
export function parseIdFile(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const f = line.split(':');
    if (f.length < 3 || !/^[0-9]+$/.test(f[2])) continue;
    if (!out.has(f[0])) out.set(f[0], Number(f[2]));
  }
  return out;
}

/** Names to ids in the root's account files; re-read after invalidate(). */
export class RootAccounts {
  private readonly fs: RootFs;
  private users: Map<string, number> | undefined;
  private groups: Map<string, number> | undefined;

  constructor(fs: RootFs) {
    this.fs = fs;
  }

  invalidate(): void {
    this.users = undefined;
    this.groups = undefined;
  }

  private read(path: string): Map<string, number> {
    try {
      return parseIdFile(readFileSync(this.fs.hostPath(path, { followFinal: true }), 'utf8'));
    } catch {
      return new Map();
    }
  }

  /** rpmugUname: the first name with this id (0 is always root). */
  userName(uid: number): string | undefined {
    if (uid === 0) return 'root';
    this.users ??= this.read('/etc/passwd');
    for (const [n, id] of this.users) if (id === uid) return n;
    return undefined;
  }

  groupName(gid: number): string | undefined {
    if (gid === 0) return 'root';
    this.groups ??= this.read('/etc/group');
    for (const [n, id] of this.groups) if (id === gid) return n;
    return undefined;
  }

  uid(name: string): number | undefined {
    if (name === 'root') return 0;
    this.users ??= this.read('/etc/passwd');
    return this.users.get(name);
  }

  gid(name: string): number | undefined {
    if (name === 'root') return 0;
    this.groups ??= this.read('/etc/group');
    return this.groups.get(name);
  }

  /** rpmfilesStat: ids for a file's user and group, with rpm's fallback to root. */
  owner(user: string, group: string, mode: number): Owner {
    const unknown: string[] = [];
    let m = mode;
    let uid = this.uid(user);
    if (uid === undefined) {
      unknown.push(`user ${user}`);
      uid = 0;
      m &= ~0o4000;
    }
    let gid = this.gid(group);
    if (gid === undefined) {
      unknown.push(`group ${group}`);
      gid = 0;
      m &= ~0o2000;
    }
    return { uid, gid, mode: m, unknown };
  }
}
