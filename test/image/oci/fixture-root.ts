// A small image root for the OCI and WSL tests: the busybox example package (packed with
// `strata pack` from the host's static busybox, then extracted), plus what a composed root carries
// that tar writers get wrong: owners, setuid, hard links, xattrs and file capabilities, long and
// non-ASCII names, a device node, a FIFO, mtimes on both sides of SOURCE_DATE_EPOCH.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractPackage, loadPackToml, packRpm } from '../../../src/rpm/index.ts';
import { parseGetfattrDump } from '../../../src/image/tar/index.ts';
import { ROOT } from '../../support/fixtures.ts';

export const SDE = 1_700_000_000;
export const isRoot = process.getuid?.() === 0;

export const LONG_DIR = `usr/share/${'long-directory-name-'.repeat(6)}end`;
export const LONG_FILE = `${LONG_DIR}/${'a-file-with-a-long-name-'.repeat(5)}.txt`;

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error}`);
}

/** Packs examples/images/busybox with the tree made by its prepare script; returns the .rpm path. */
export async function packBusybox(work: string): Promise<string> {
  const tree = join(work, 'busybox-tree');
  run(process.execPath, [join(ROOT, 'examples/images/busybox/prepare.ts'), tree]);
  const { spec, build } = await loadPackToml(join(ROOT, 'examples/images/busybox/pack.toml'));
  const res = await packRpm({ ...spec, root: tree }, { outputDir: join(work, 'rpms'), compress: build.compress, sourceDateEpoch: SDE });
  return res.path;
}

/** Builds the test root at `root` (must not exist). Needs root for owners, mknod and setcap. */
export async function makeImageRoot(work: string, root: string): Promise<void> {
  await extractPackage(await packBusybox(work), root);
  const w = (rel: string, text: string, mode = 0o644) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text, { mode });
    chmodSync(join(root, rel), mode);
  };
  symlinkSync('usr/bin', join(root, 'bin'));
  w('usr/lib/os-release', 'NAME="Strata Test"\nID=stratatest\nVERSION_ID=1.0\nPRETTY_NAME="Strata Test 1.0"\n');
  w('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\ntester:x:1000:1000::/home/tester:/bin/sh\n');
  w('etc/group', 'root:x:0:\ntester:x:1000:\n');
  w('etc/shadow', 'root:*::0:99999:7:::\n', 0o600);
  symlinkSync('../usr/lib/os-release', join(root, 'etc/os-release'));
  mkdirSync(join(root, 'root'), { mode: 0o700 });
  chmodSync(join(root, 'root'), 0o700);
  mkdirSync(join(root, 'tmp'));
  chmodSync(join(root, 'tmp'), 0o1777);
  mkdirSync(join(root, 'home/tester'), { recursive: true });
  w('home/tester/.profile', 'PS1="$ "\n', 0o640);
  w('usr/libexec/suid-helper', '#!/bin/sh\necho helper\n', 0o4755);
  w('usr/libexec/cap-helper', '#!/bin/sh\necho cap\n', 0o755);
  linkSync(join(root, 'usr/bin/busybox'), join(root, 'usr/bin/bb'));
  w(LONG_FILE, 'long\n');
  w('usr/share/doc/naïve-café.txt', 'unicode name\n');
  w('var/lib/empty-file', '');
  mkdirSync(join(root, 'dev'));
  if (isRoot) {
    chownSync(join(root, 'home/tester'), 1000, 1000);
    chownSync(join(root, 'home/tester/.profile'), 1000, 1000);
    run('mknod', ['-m', '0666', join(root, 'dev/null'), 'c', '1', '3']);
    run('setcap', ['cap_net_raw+ep', join(root, 'usr/libexec/cap-helper')]);
  }
  run('mkfifo', [join(root, 'var/lib/fifo')]);
  run('setfattr', ['-n', 'user.strata', '-v', 'kept', join(root, 'usr/lib/os-release')]);
  // One mtime later than SOURCE_DATE_EPOCH (clamped) and one earlier (kept).
  utimesSync(join(root, 'etc/passwd'), SDE + 86_400, SDE + 86_400);
  utimesSync(join(root, 'etc/group'), SDE - 86_400, SDE - 86_400);
}

export interface TreeRecord {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  size?: number;
  sha256?: string;
  target?: string;
  rdev?: number;
  /** Index of the hard-link set (same inode), for files with more than one link. */
  link?: string;
  xattrs?: string;
}

function typeOf(mode: number): string {
  return ({ 0o100000: 'file', 0o040000: 'dir', 0o120000: 'symlink', 0o020000: 'char', 0o060000: 'block', 0o010000: 'fifo' } as Record<number, string>)[mode & 0o170000] ?? 'other';
}

/**
 * Everything tar must carry, per relative path: what two trees are compared by. mtimes are
 * given clamped to `clamp` (what an archive made with that SOURCE_DATE_EPOCH must hold).
 */
export function describeTree(root: string, clamp?: number, ignore: (rel: string) => boolean = () => false): Map<string, TreeRecord> {
  const dump = spawnSync('getfattr', ['--absolute-names', '-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', root], { encoding: 'utf8' }).stdout;
  const xattrs = parseGetfattrDump(dump);
  const out = new Map<string, TreeRecord>();
  const inodes = new Map<number, string>();
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      if (ignore(r)) continue;
      const st = lstatSync(p);
      const type = typeOf(st.mode);
      const mtime = Math.floor(st.mtimeMs / 1000);
      const rec: TreeRecord = { type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: clamp !== undefined ? Math.min(mtime, clamp) : mtime };
      if (type === 'file') {
        rec.size = st.size;
        rec.sha256 = createHash('sha256').update(readFileSync(p)).digest('hex');
        if (st.nlink > 1) {
          rec.link = inodes.get(st.ino) ?? r;
          inodes.set(st.ino, rec.link);
        }
      }
      if (type === 'symlink') rec.target = readlinkSync(p);
      if (type === 'char' || type === 'block') rec.rdev = st.rdev;
      const x = xattrs.get(p)?.filter(([n]) => n !== 'security.selinux');
      if (x && x.length > 0) rec.xattrs = x.map(([n, v]) => `${n}=${v.toString('hex')}`).join(',');
      out.set(r, rec);
      if (type === 'dir') walk(p, r);
    }
  };
  walk(root, '');
  return out;
}

/** Every file under `dir` with its SHA-256, for byte-identity checks. */
export function fileDigests(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      if (lstatSync(p).isDirectory()) walk(p, r);
      else out[r] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}
