// Loose-file overlays (file-*, and the file half of patch-add/patch-remove), applied under a root
// directory: a component's sources, or the extraction root of an archive. As azldev
// (core/sources/overlays.go): `file` is a doublestar glob (literal for file-add/patch-add); `*.spec`
// and `.git/` are never matched; a glob matching nothing is an error; only prepend-lines,
// search-replace, file-remove and patch-remove may match several files; search-replace is over
// the whole file (Go ReplaceAllLiteral) and fails only if no matched file changed.
// Safety: globbing never follows symlinks, content edits refuse symlinks, and every write
// replaces the file (new inode, same mode) so a hard-linked copy of the original stays intact.

import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { goReplaceAllLiteral } from './go-replace.ts';
import { fileGlobMatcher, globSourceFiles, isGitInternal, lstatOrUndefined, walkFiles } from './glob.ts';
import type { WalkedFile } from './glob.ts';
import { OverlayApplyError } from './types.ts';

const MULTI_MATCH_TYPES = new Set(['file-prepend-lines', 'file-search-replace', 'file-remove', 'patch-remove']);

/** Writes `data` to `path` by replacing it (temp file + rename), with permission bits `mode`. */
export async function replaceFile(path: string, data: Uint8Array, mode: number): Promise<void> {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.overlay-tmp`);
  try {
    await writeFile(tmp, data, { mode, flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

/** Text of a file for regex work: UTF-8 when valid, else Latin-1 (one char per byte, round-trips). */
function decode(bytes: Buffer): { text: string; encoding: 'utf8' | 'latin1' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), encoding: 'utf8' };
  } catch {
    return { text: bytes.toString('latin1'), encoding: 'latin1' };
  }
}

/**
 * The files `pattern` selects under `root` for an overlay of type `type`; throws when it selects
 * none, or several for a single-file type. The hint names spec files the glob would have matched.
 */
export async function selectFiles(root: string, pattern: string, type: string): Promise<WalkedFile[]> {
  const matched = await globSourceFiles(root, pattern);
  if (matched.length === 0) {
    const match = fileGlobMatcher(pattern);
    const specs = (await walkFiles(root, (d) => d === '.git')).filter((f) => f.path.endsWith('.spec') && match(f.path));
    const hint = specs.length > 0 ? ` (file overlays never touch .spec files such as "${specs[0].path}"; use a spec-* overlay)` : '';
    throw new OverlayApplyError(`file pattern "${pattern}" did not match any files${hint}`);
  }
  if (matched.length > 1 && !MULTI_MATCH_TYPES.has(type)) {
    throw new OverlayApplyError(`${type} applies to one file, but pattern "${pattern}" matched ${matched.length} (${matched.slice(0, 3).map((f) => f.path).join(', ')}${matched.length > 3 ? ', …' : ''})`);
  }
  return matched;
}

function refuseSymlink(f: WalkedFile): void {
  if (f.symlink) throw new OverlayApplyError(`"${f.path}" is a symlink; file overlays do not edit through symlinks`);
}

export async function prependLinesToFiles(root: string, pattern: string, lines: string[]): Promise<void> {
  const files = await selectFiles(root, pattern, 'file-prepend-lines');
  for (const f of files) {
    refuseSymlink(f);
    const abs = join(root, f.path);
    const st = await lstat(abs);
    const old = await readFile(abs);
    await replaceFile(abs, Buffer.concat([Buffer.from(`${lines.join('\n')}\n`, 'utf8'), old]), st.mode & 0o7777);
  }
}

export async function searchReplaceInFiles(root: string, pattern: string, regex: RegExp, regexText: string, replacement: string): Promise<void> {
  const files = await selectFiles(root, pattern, 'file-search-replace');
  let changed = 0;
  for (const f of files) {
    refuseSymlink(f);
    const abs = join(root, f.path);
    const st = await lstat(abs);
    const { text, encoding } = decode(await readFile(abs));
    const updated = goReplaceAllLiteral(text, regex, replacement);
    if (updated === text) continue;
    await replaceFile(abs, Buffer.from(updated, encoding), st.mode & 0o7777);
    changed++;
  }
  if (changed === 0) {
    throw new OverlayApplyError(`regex ${JSON.stringify(regexText)} matched nothing in ${files.length === 1 ? `"${files[0].path}"` : `the ${files.length} files matching "${pattern}"`}`);
  }
}

export async function removeFiles(root: string, pattern: string, type = 'file-remove'): Promise<string[]> {
  const files = await selectFiles(root, pattern, type);
  for (const f of files) await unlink(join(root, f.path));
  return files.map((f) => f.path);
}

export async function renameFile(root: string, pattern: string, newName: string): Promise<void> {
  const [f] = await selectFiles(root, pattern, 'file-rename');
  if (newName.endsWith('.spec')) throw new OverlayApplyError(`cannot rename "${f.path}" to a .spec file ("${newName}")`);
  const rel = f.path.includes('/') ? `${f.path.slice(0, f.path.lastIndexOf('/'))}/${newName}` : newName;
  if (rel === f.path) return;
  // Stricter than azldev (whose rename silently replaces): never clobber an existing file.
  if (await lstatOrUndefined(join(root, rel))) throw new OverlayApplyError(`cannot rename "${f.path}" to "${rel}": it already exists`);
  await rename(join(root, f.path), join(root, rel));
}

/** Makes the parent directories of `rel` under `root`, refusing to pass through a symlink or a file. */
async function ensureParents(root: string, rel: string): Promise<void> {
  const parts = rel.split('/').slice(0, -1);
  let cur = root;
  for (const p of parts) {
    cur = join(cur, p);
    const st = await lstatOrUndefined(cur);
    if (!st) await mkdir(cur, { mode: 0o755 });
    else if (!st.isDirectory()) throw new OverlayApplyError(`cannot create "${rel}": "${p}" is not a directory`);
  }
}

/**
 * Copies `source` (absolute) to `rel` under `root` (file-add, patch-add). Fails when the
 * destination exists. The copy gets mode 0644 (0755 when the source is executable).
 */
export async function addFile(root: string, rel: string, source: string, what: string): Promise<void> {
  if (rel === '.git' || rel.endsWith('/.git') || isGitInternal(rel)) throw new OverlayApplyError(`cannot add ${what} "${rel}": file overlays never touch .git/`);
  if (await lstatOrUndefined(join(root, rel))) throw new OverlayApplyError(`cannot add ${what} "${rel}": it already exists`);
  let st;
  try {
    st = await stat(source);
  } catch {
    throw new OverlayApplyError(`source file ${JSON.stringify(source)} does not exist`);
  }
  if (!st.isFile()) throw new OverlayApplyError(`source ${JSON.stringify(source)} is not a regular file`);
  await ensureParents(root, rel);
  const dest = join(root, rel);
  await copyFile(source, dest, constants.COPYFILE_EXCL);
  await chmod(dest, st.mode & 0o111 ? 0o755 : 0o644);
}
