// Streaming cpio writer with rpm's conventions (lib/cpio.c, lib/rpmfi.c rpmfiNewArchiveWriter):
// "newc" 070701 entries named "./path", or the 07070X stripped form (8-hex file index only) that
// rpm switches the whole archive to when the header carries LONGFILESIZES. Either way the archive
// ends with a newc "TRAILER!!!" entry (nlink 1) padded to 4. Bytes go to an async sink; only a small
// coalescing buffer is held, file contents pass straight through.

import type { CpioEntry } from '../cpio.ts';

export const CPIO_NEWC_MAGIC = '070701';
export const CPIO_STRIPPED_MAGIC = '07070X';
/** newc size fields are 8 hex digits; rpm refuses st_size >= UINT32_MAX (lib/cpio.c). */
export const CPIO_FILESIZE_MAX = 0xffffffff;

/** The fields of a newc header (the reader's CpioEntry without the stripped-format index). */
export type CpioHeader = Omit<CpioEntry, 'fileIndex'>;

export type ByteSink = (chunk: Uint8Array) => Promise<void>;

const enc = new TextEncoder();
const ZEROS = new Uint8Array(4);
const COALESCE = 64 * 1024;

function hex8(n: number, field: string): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`cpio ${field} ${n} out of range`);
  return n.toString(16).padStart(8, '0');
}

export class CpioWriter {
  /** Bytes written so far: the archive size once finished (rpm's PAYLOADSIZE). */
  offset = 0;
  private fileEnd = 0;
  private buf = new Uint8Array(COALESCE);
  private used = 0;
  private finished = false;
  private readonly sink: ByteSink;

  constructor(sink: ByteSink) {
    this.sink = sink;
  }

  private async flush(): Promise<void> {
    if (this.used === 0) return;
    const chunk = this.buf.slice(0, this.used);
    this.used = 0;
    await this.sink(chunk);
  }

  private async put(bytes: Uint8Array): Promise<void> {
    if (bytes.length >= COALESCE / 2) {
      await this.flush();
      await this.sink(bytes);
    } else {
      if (this.used + bytes.length > COALESCE) await this.flush();
      this.buf.set(bytes, this.used);
      this.used += bytes.length;
    }
    this.offset += bytes.length;
  }

  private async pad4(): Promise<void> {
    const n = (4 - (this.offset % 4)) % 4;
    if (n) await this.put(ZEROS.subarray(0, n));
  }

  private checkBetweenEntries(): void {
    if (this.finished) throw new Error('cpio: archive already finished');
    if (this.offset !== this.fileEnd) {
      throw new Error(`cpio: previous entry short by ${this.fileEnd - this.offset} bytes`);
    }
  }

  /** Starts a newc entry; exactly `h.size` bytes of data must follow via data(). */
  async entry(h: CpioHeader): Promise<void> {
    this.checkBetweenEntries();
    if (h.size >= CPIO_FILESIZE_MAX) throw new RangeError(`cpio: ${h.name} is too large for a newc entry`);
    await this.pad4();
    const name = enc.encode(h.name);
    const fields = [
      h.ino, h.mode, h.uid, h.gid, h.nlink, h.mtime, h.size,
      h.devMajor, h.devMinor, h.rdevMajor, h.rdevMinor, name.length + 1, 0,
    ];
    const names = ['ino', 'mode', 'uid', 'gid', 'nlink', 'mtime', 'size', 'dev', 'dev', 'rdev', 'rdev', 'namesize', 'check'];
    await this.put(enc.encode(CPIO_NEWC_MAGIC + fields.map((f, i) => hex8(f, names[i])).join('')));
    await this.put(name);
    await this.put(ZEROS.subarray(0, 1));
    await this.pad4();
    this.fileEnd = this.offset + h.size;
  }

  /** Starts a stripped entry: only the header file index; the size is known from the header. */
  async strippedEntry(fileIndex: number, size: number): Promise<void> {
    this.checkBetweenEntries();
    await this.pad4();
    await this.put(enc.encode(CPIO_STRIPPED_MAGIC + hex8(fileIndex, 'file index')));
    await this.pad4();
    this.fileEnd = this.offset + size;
  }

  /** Appends content of the current entry; refuses to write past its declared size. */
  async data(chunk: Uint8Array): Promise<void> {
    if (this.offset + chunk.length > this.fileEnd) {
      throw new Error(`cpio: entry data exceeds its size by ${this.offset + chunk.length - this.fileEnd} bytes`);
    }
    await this.put(chunk);
  }

  /** Writes the trailer and flushes. Returns the archive size. */
  async finish(): Promise<number> {
    this.checkBetweenEntries();
    await this.entry({
      name: 'TRAILER!!!', ino: 0, mode: 0, uid: 0, gid: 0, nlink: 1, mtime: 0, size: 0,
      devMajor: 0, devMinor: 0, rdevMajor: 0, rdevMinor: 0,
    });
    await this.pad4();
    this.finished = true;
    await this.flush();
    return this.offset;
  }
}

/** What the archive order needs to know about each header file entry. */
export interface ArchiveFile {
  mode: number;
  ghost: boolean;
  /** Indexes of all files sharing this file's inode, in header order ([] when not hard linked). */
  links: number[];
}

export interface ArchiveStep {
  /** Header file index of this entry. */
  index: number;
  /** Whether this entry carries the content (false for all but the last of a hard-link set). */
  withData: boolean;
}

/**
 * The entry order rpm writes (rpmfi.c iterWriteArchiveNextFile): first every non-ghost file that is
 * not hard linked, in header order; then each hard-link set in order of its first member, all its
 * headers back to back with the content after the last one (rpmfiStat zeroes the others' size).
 */
export function archiveOrder(files: readonly ArchiveFile[]): ArchiveStep[] {
  const steps: ArchiveStep[] = [];
  files.forEach((f, i) => {
    if (!f.ghost && f.links.length < 2) steps.push({ index: i, withData: true });
  });
  files.forEach((f, i) => {
    if (f.ghost || f.links.length < 2 || f.links[0] !== i) return;
    f.links.forEach((l, k) => steps.push({ index: l, withData: k === f.links.length - 1 }));
  });
  return steps;
}
