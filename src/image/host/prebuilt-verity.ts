// Puts a prebuilt dm-verity hash tree into an assembled disk's (empty) verity partition.
// The slot's root hash must be known before the disk is assembled (it is in the boot entry on the
// ESP, another partition of the same disk), so the host builds /usr and its hash tree itself; the
// disk API accepts the EROFS image as a `file` partition but makes usr-verity partitions only from
// `verity` content (a tree it computes over the whole data partition). Until it also accepts a
// prebuilt tree, the partition is assembled `empty` and filled here, and the disk's and the
// partition's sha256 are recomputed so the returned record stays true.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { AssembledDisk } from '../disk/index.ts';

async function hashRange(path: string, start: number, length: number): Promise<string> {
  const h = createHash('sha256');
  if (length > 0) for await (const c of createReadStream(path, { start, end: start + length - 1 })) h.update(c as Buffer);
  return h.digest('hex');
}

/** Writes `file` at the start of partition `label` of `disk` (in place) and refreshes the digests. */
export async function fillPartition(disk: AssembledDisk, label: string, file: string): Promise<void> {
  const part = disk.partitions.find((p) => p.label === label);
  if (!part) throw new Error(`disk ${disk.path}: no partition "${label}"`);
  const size = (await stat(file)).size;
  if (size > part.size) throw new Error(`disk ${disk.path}: ${file} (${size} bytes) does not fit partition ${label} (${part.size} bytes)`);
  const src = await open(file, 'r');
  const dst = await open(disk.path, 'r+');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let done = 0; done < size; ) {
      const { bytesRead } = await src.read(buf, 0, Math.min(buf.length, size - done), done);
      if (bytesRead === 0) throw new Error(`${file}: shorter than ${size} bytes`);
      await dst.write(buf, 0, bytesRead, part.offset + done);
      done += bytesRead;
    }
    await dst.sync();
  } finally {
    await src.close();
    await dst.close();
  }
  part.sha256 = await hashRange(disk.path, part.offset, part.size);
  disk.sha256 = await hashRange(disk.path, 0, disk.size);
}
