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
  private chain: Promise<void>;
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
    this.chain = Promise.all([p.write(primaryHeader(count)), f.write(filelistsHeader(count)), o.write(otherHeader(count))]).then(() => {});
  }

  /** Hands over package `i`'s fragments; they are written once every earlier package has been. */
  put(i: number, r: RenderedPackage): void {
    this.pending.set(i, r);
    if (i === this.next) this.chain = this.chain.then(() => this.drain());
  }

  private async drain(): Promise<void> {
    const [p, f, o] = this.writers;
    for (let r = this.pending.get(this.next); r; r = this.pending.get(this.next)) {
      this.pending.delete(this.next);
      const seen = this.pkgids.get(r.pkgid);
      if (seen === undefined) this.pkgids.set(r.pkgid, this.next);
      else this.duplicates.push([this.next, seen]);
      this.next++;
      await Promise.all([p.write(r.primary), f.write(r.filelists), o.write(r.other)]);
    }
  }

  /** Closes the three files (the three compress concurrently on the libuv pool) and returns their records. */
  async finish(timestamp: number): Promise<RepomdRecord[]> {
    await this.chain;
    if (this.pending.size) throw new Error(`internal: package ${this.next} was never rendered`);
    const [p, f, o] = this.writers;
    await Promise.all([p.write(primaryFooter()), f.write(filelistsFooter()), o.write(otherFooter())]);
    return Promise.all(this.writers.map((w) => w.finish(timestamp)));
  }

  async abort(): Promise<void> {
    await this.chain.catch(() => {});
    await Promise.all(this.writers.map((w) => w.abort()));
  }
}
