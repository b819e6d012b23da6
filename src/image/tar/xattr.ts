// Extended attributes of a whole tree in one `getfattr` run (Node has no xattr API): file
// capabilities (security.capability), IMA/EVM signatures, user.* attributes. getfattr prints
// only files that have attributes, so the cost is one process per tree, not per file.

import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { TarWriteError } from './header.ts';

export type Xattrs = Array<[string, Buffer]>;

/** Attributes that describe the build host rather than the image (SELinux labels are applied by
 *  the host that runs it, from the image's policy). */
export const HOST_XATTRS: readonly string[] = ['security.selinux'];

/** getfattr's escaping of file and attribute names: `\ooo` octal bytes and `\\`. */
function unescapeName(s: string): Buffer {
  const out: number[] = [];
  const raw = Buffer.from(s, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x5c && i + 3 < raw.length && /^[0-7]{3}$/.test(raw.subarray(i + 1, i + 4).toString('latin1'))) {
      out.push(parseInt(raw.subarray(i + 1, i + 4).toString('latin1'), 8));
      i += 3;
    } else if (raw[i] === 0x5c && raw[i + 1] === 0x5c) {
      out.push(0x5c);
      i += 1;
    } else {
      out.push(raw[i]);
    }
  }
  return Buffer.from(out);
}

/** Parses `getfattr -d -e hex` output into absolute path → attributes (name order). */
export function parseGetfattrDump(text: string): Map<string, Xattrs> {
  const out = new Map<string, Xattrs>();
  let current: Xattrs | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) {
      current = [];
      out.set(unescapeName(line.slice(8)).toString('utf8'), current);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (!current || eq < 0) continue;
    const name = unescapeName(line.slice(0, eq)).toString('utf8');
    const v = line.slice(eq + 1);
    let value: Buffer;
    if (v.startsWith('0x')) value = Buffer.from(v.slice(2), 'hex');
    else if (v.startsWith('"') && v.endsWith('"')) value = unescapeName(v.slice(1, -1));
    else throw new TarWriteError(`getfattr: unexpected value for ${name}: ${v.slice(0, 40)}`);
    current.push([name, value]);
  }
  for (const list of out.values()) list.sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
  return out;
}

/**
 * Every extended attribute under `root` (symlinks not followed), keyed by absolute path.
 * Throws a one-line error when getfattr (package "attr") is missing.
 */
export async function readTreeXattrs(root: string): Promise<Map<string, Xattrs>> {
  const abs = resolve(root);
  const child = spawn('getfattr', ['--absolute-names', '-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', '--', abs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const code = await new Promise<number | null>((res, rej) => {
    child.on('error', (e: NodeJS.ErrnoException) =>
      rej(e.code === 'ENOENT' ? new TarWriteError('getfattr not found: install the "attr" package to read extended attributes (or turn xattrs off)') : e),
    );
    child.on('close', res);
  });
  if (code !== 0) {
    const msg = Buffer.concat(err).toString('utf8').trim().split('\n')[0] ?? '';
    throw new TarWriteError(`getfattr failed on ${abs}: ${msg || `exit ${code}`}`);
  }
  return parseGetfattrDump(Buffer.concat(out).toString('utf8'));
}
