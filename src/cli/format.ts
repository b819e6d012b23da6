// Human formatting shared by commands: `ls -l` style modes and rpm file flag letters.

const TYPE_CHAR: Record<number, string> = {
  0o140000: 's',
  0o120000: 'l',
  0o100000: '-',
  0o060000: 'b',
  0o040000: 'd',
  0o020000: 'c',
  0o010000: 'p',
};

export function fileModeString(mode: number): string {
  const t = TYPE_CHAR[mode & 0o170000] ?? '?';
  const rwx = (bits: number, special: number, ch: string): string =>
    (bits & 4 ? 'r' : '-') +
    (bits & 2 ? 'w' : '-') +
    (mode & special ? (bits & 1 ? ch : ch.toUpperCase()) : bits & 1 ? 'x' : '-');
  return (
    t +
    rwx((mode >> 6) & 7, 0o4000, 's') +
    rwx((mode >> 3) & 7, 0o2000, 's') +
    rwx(mode & 7, 0o1000, 't')
  );
}

/** The letters `rpm -qp --qf '%{FILEFLAGS:fflags}'` prints (c d g l m n r). */
export function fileFlagLetters(flags: number): string {
  let s = '';
  if (flags & 2) s += 'd';
  if (flags & 1) s += 'c';
  if (flags & 32) s += 's';
  if (flags & 8) s += 'm';
  if (flags & 16) s += 'n';
  if (flags & 64) s += 'g';
  if (flags & 128) s += 'l';
  if (flags & 256) s += 'r';
  if (flags & 2048) s += 'p';
  if (flags & 4096) s += 'a';
  return s;
}
