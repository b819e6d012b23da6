// Test-side cpio "newc" writer, independent of the package writer, so readers are checked on their own.
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

export interface NewcEntry {
  name: string;
  mode: number;
  data?: Uint8Array;
  nlink?: number;
}

/** Builds an archive with a TRAILER!!! entry unless `trailer` is false. */
export function newcArchive(entries: NewcEntry[], trailer = true): Uint8Array {
  const parts: Uint8Array[] = [];
  let off = 0;
  const push = (b: Uint8Array): void => {
    parts.push(b);
    off += b.length;
  };
  const pad = (): void => push(new Uint8Array((4 - (off % 4)) % 4));
  const all = trailer ? [...entries, { name: 'TRAILER!!!', mode: 0, nlink: 1 }] : entries;
  all.forEach((e, i) => {
    const data = e.data ?? new Uint8Array(0);
    const fields = [i + 1, e.mode, 0, 0, e.nlink ?? 1, 0, data.length, 0, 0, 0, 0, e.name.length + 1, 0];
    push(enc(`070701${fields.map(hex8).join('')}`));
    push(enc(`${e.name}\0`));
    pad();
    push(data);
    pad();
  });
  return Buffer.concat(parts);
}
