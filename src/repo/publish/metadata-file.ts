// Streams one metadata file to disk: text in, compressed bytes out, both digested on the way so
// the repomd record needs no second pass. Streaming matters: a Fedora-sized filelists.xml is larger
// than the longest string V8 can hold.

import { spawn } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Duplex, Duplex as DuplexClass } from 'node:stream';
import { constants as zc, createGzip, createZstdCompress } from 'node:zlib';
import { COMPRESSION_SUFFIX, type MetadataCompression } from '../compression.ts';
import type { RepomdRecord } from '../model.ts';

function compressorStream(kind: MetadataCompression): Duplex {
  switch (kind) {
    case 'zstd':
      return createZstdCompress({
        params: { [zc.ZSTD_c_compressionLevel]: 10, [zc.ZSTD_c_checksumFlag]: 1 },
      });
    case 'gz':
      return createGzip({ level: 6 });
    case 'none':
      return new PassThrough();
    case 'xz':
    case 'bz2': {
      const [prog, args] = kind === 'xz' ? ['xz', ['-z', '-c', '-6', '-T1', '-q']] : ['bzip2', ['-z', '-c', '-9', '-q']];
      const child = spawn(prog, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const out = new PassThrough();
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.pipe(out, { end: false });
      const d = DuplexClass.from({ writable: child.stdin, readable: out });
      child.on('error', (e) => d.destroy(new Error(`${prog}: ${e.message}`)));
      child.on('close', (code) => (code === 0 ? out.end() : d.destroy(new Error(`${prog} exited with ${code}: ${err.trim()}`))));
      return d;
    }
  }
}

/**
 * Text is handed to the compressor in pieces of about this size: small enough that compression runs
 * on the thread pool while packages are still being read, large enough that per-write costs vanish.
 */
const CHUNK = 1 << 16;
/** Input the compressor has not taken yet beyond which producers wait (bounds memory). */
const BACKLOG = 8 << 20;

export class MetadataFileWriter {
  private readonly openHash: Hash;
  private readonly fileHash: Hash;
  private readonly compressor: Duplex;
  private readonly tmpPath: string;
  private fh: FileHandle | undefined;
  private pending = '';
  /** Settles when the last piece handed to the compressor has been consumed (or failed). */
  private written: Promise<void> = Promise.resolve();
  private openSize = 0;
  private size = 0;
  private readonly drained: Promise<void>;
  private readonly type: string;
  private readonly kind: MetadataCompression;
  private readonly checksumType: string;
  private readonly dir: string;
  private readonly baseName: string;

  /** `baseName` is e.g. "primary.xml"; the final name gets the checksum prefix and compression suffix. */
  constructor(dir: string, type: string, baseName: string, kind: MetadataCompression, checksumType: string) {
    this.dir = dir;
    this.type = type;
    this.baseName = baseName;
    this.kind = kind;
    this.checksumType = checksumType;
    this.openHash = createHash(checksumType);
    this.fileHash = createHash(checksumType);
    this.tmpPath = join(dir, `.${type}-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
    this.compressor = compressorStream(kind);
    this.drained = this.pump();
  }

  private async pump(): Promise<void> {
    this.fh = await open(this.tmpPath, 'wx', 0o644);
    for await (const c of this.compressor as AsyncIterable<Buffer>) {
      this.fileHash.update(c);
      this.size += c.length;
      let off = 0;
      while (off < c.length) off += (await this.fh.write(c, off)).bytesWritten;
    }
  }

  private flush(): void {
    if (!this.pending) return;
    const buf = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    this.openHash.update(buf);
    this.openSize += buf.length;
    // No wait for 'drain' here: waiting per piece made the writer fall behind the readers (and the
    // fragments waiting for it survive into the old generation). The producer calls caughtUp().
    this.written = new Promise<void>((resolve) => this.compressor.write(buf, () => resolve()));
  }

  /** Appends text; synchronous, so fragments are written (and die) as soon as they are rendered. */
  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= CHUNK) this.flush();
  }

  /** Resolves once the compressor's backlog is bounded again: producers call it between batches. */
  async caughtUp(): Promise<void> {
    // A failed compressor is reported by finish() (its pump rejects); waiting on it would hang.
    if (this.compressor.writableLength > BACKLOG && !this.compressor.destroyed) await once(this.compressor, 'drain');
  }

  /** Finishes the file (fsynced) and renames it to `<checksum>-<baseName><suffix>`; returns its record. */
  async finish(timestamp: number): Promise<RepomdRecord> {
    try {
      this.flush();
      // End only once every piece went through: a piece still queued at end() would be compressed
      // as the last one (zstd then frames it differently), making the bytes depend on timing.
      await this.written;
      this.compressor.end();
      await this.drained;
      await this.fh!.sync();
    } finally {
      await this.fh?.close();
    }
    const checksum = this.fileHash.digest('hex');
    const name = `${checksum}-${this.baseName}${COMPRESSION_SUFFIX[this.kind]}`;
    await rename(this.tmpPath, join(this.dir, name));
    const rec: RepomdRecord = {
      type: this.type,
      location: `repodata/${name}`,
      checksum: { type: this.checksumType, value: checksum },
      timestamp,
      size: this.size,
    };
    if (this.kind !== 'none') {
      rec.openChecksum = { type: this.checksumType, value: this.openHash.digest('hex') };
      rec.openSize = this.openSize;
    }
    return rec;
  }

  async abort(): Promise<void> {
    this.compressor.destroy();
    await this.drained.catch(() => {});
    await this.fh?.close().catch(() => {});
    await rm(this.tmpPath, { force: true });
  }
}

/** Writes a whole small metadata file (updateinfo, comps) through the same path. */
export async function writeMetadataFile(
  dir: string,
  type: string,
  baseName: string,
  text: string,
  kind: MetadataCompression,
  checksumType: string,
  timestamp: number,
): Promise<RepomdRecord> {
  const w = new MetadataFileWriter(dir, type, baseName, kind, checksumType);
  try {
    w.write(text);
    return await w.finish(timestamp);
  } catch (e) {
    await w.abort();
    throw e;
  }
}
