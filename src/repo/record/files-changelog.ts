// The file list (dirnames/basenames or old filenames, dir and ghost types) and the changelog (limited,
// oldest first, equal times made distinct) of a package record, as createrepo_c reads them.

// Direct rpm module imports, not ../../rpm/index.ts: publish workers load this file (see index.ts).
import { RpmFormatError } from '../../rpm/header.ts';
import { Tag } from '../../rpm/tags.ts';
import type { RepoChangelog, RepoFile } from '../model.ts';
import type { RawHeader, Texts } from './raw-header.ts';

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const GHOST = 64;

export function readFiles(r: RawHeader, t: Texts, where: string): { files: RepoFile[]; paths: Set<string> } {
  const files: RepoFile[] = [];
  const paths = new Set<string>();
  let dirs = r.strings(Tag.DIRNAMES);
  let bases = r.strings(Tag.BASENAMES);
  let index = r.numbers(Tag.DIRINDEXES);
  const old = r.strings(Tag.OLDFILENAMES);
  if (!bases && old) {
    // compressFilelist: dir + base always rebuild the old name, so keep it whole.
    dirs = [''];
    bases = old;
    index = old.map(() => 0);
  }
  const flags = r.numbers(Tag.FILEFLAGS);
  const modes = r.numbers(Tag.FILEMODES);
  if (!dirs || !bases || !index || !flags || !modes) return { files, paths };
  const n = Math.min(bases.length, index.length, flags.length, modes.length);
  for (let i = 0; i < n; i++) {
    const dir = dirs[index[i]];
    if (dir === undefined) throw new RpmFormatError(`${where}: header DIRINDEXES[${i}] = ${index[i]} out of range`);
    const full = dir + bases[i];
    paths.add(full);
    const f: RepoFile = { path: t.text(full, 'file name') };
    if ((modes[i] & S_IFMT) === S_IFDIR) f.type = 'dir';
    else if (flags[i] & GHOST) f.type = 'ghost';
    files.push(f);
  }
  return { files, paths };
}

export function readChangelog(r: RawHeader, t: Texts, limit: number): RepoChangelog[] {
  const times = r.numbers(Tag.CHANGELOGTIME);
  const names = r.strings(Tag.CHANGELOGNAME);
  const texts = r.strings(Tag.CHANGELOGTEXT);
  if (!times || !names || !texts) return [];
  const n = Math.min(times.length, names.length, texts.length, limit === -1 ? Infinity : Math.max(0, limit));
  // Header order is newest first; createrepo_c writes oldest first and makes equal times distinct
  // by bumping the older entries (each later one of a run of equal times gets +1, +2, …).
  const kept: RepoChangelog[] = [];
  let last = 0;
  for (let i = 0; i < n; i++) {
    let author = names[i];
    let end = author.length;
    while (end > 1 && author.charCodeAt(end - 1) === 32) end--;
    author = author.slice(0, end);
    const time = times[i];
    kept.push({ author: t.text(author, 'changelog author'), date: time, text: t.text(texts[i], 'changelog text') });
    if (time === last) {
      let bump = time;
      for (let j = i - 1; j >= 0 && kept[j].date === bump; j--) kept[j].date = ++bump;
    } else last = time;
  }
  return kept.reverse();
}
