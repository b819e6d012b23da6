// Writes primary, filelists and other as package fragments arrive, in package order, so a large
// repository never holds all of its rendered XML at once. Fragments that arrive early (workers finish
// out of order) wait in a map until their turn.

import type { MetadataCompression } from '../compression.ts';
import type { RepomdRecord } from '../model.ts';
import { filelistsFooter, filelistsHeader, otherFooter, otherHeader, primaryFooter, primaryHeader } from '../xml-write.ts';
import { MetadataFileWriter } from './metadata-file.ts';
import type { RenderedPackage } from './render.ts';

export class CoreMetadataWriter {
  private readonly writers: MetadataFileWriter[];
  private readonly pending = new Map<number, RenderedPackage>();
  private next = 0;
  private readonly pkgids = new Map<string, number>();
  /** [index, index of the earlier identical file] for files with the same pkgid. */
  readonly duplicates: Array<[number, number]> = [];

  constructor(dir: string, count: number, kind: MetadataCompression, checksumType: string) {
    this.writers = [
      new MetadataFileWriter(dir, 'primary', 'primary.xml', kind, checksumType),
      new MetadataFileWriter(dir, 'filelists', 'filelists.xml', kind, checksumType),
      new MetadataFileWriter(dir, 'other', 'other.xml', kind, checksumType),
    ];
    const [p, f, o] = this.writers;
    p.write(primaryHeader(count));
    f.write(filelistsHeader(count));
    o.write(otherHeader(count));
  }

  /** Hands over package `i`'s fragments; they are written once every earlier package has been. */
  put(i: number, r: RenderedPackage): void {
    if (i !== this.next) {
      this.pending.set(i, r);
      return;
    }
    const [p, f, o] = this.writers;
    for (let cur: RenderedPackage | undefined = r; cur; cur = this.pending.get(this.next)) {
      this.pending.delete(this.next);
      const seen = this.pkgids.get(cur.pkgid);
      if (seen === undefined) this.pkgids.set(cur.pkgid, this.next);
      else this.duplicates.push([this.next, seen]);
      this.next++;
      p.write(cur.primary);
      f.write(cur.filelists);
      o.write(cur.other);
    }
  }

  /** Waits while the compressors are far behind (call between batches of put). */
  async caughtUp(): Promise<void> {
    await Promise.all(this.writers.map((w) => w.caughtUp()));
  }

  /** Closes the three files (the three compress concurrently on the libuv pool) and returns their records. */
  async finish(timestamp: number): Promise<RepomdRecord[]> {
    if (this.pending.size) throw new Error(`internal: package ${this.next} was never rendered`);
    const [p, f, o] = this.writers;
    p.write(primaryFooter());
    f.write(filelistsFooter());
    o.write(otherFooter());
    return Promise.all(this.writers.map((w) => w.finish(timestamp)));
  }

  async abort(): Promise<void> {
    await Promise.all(this.writers.map((w) => w.abort()));
  }
}
