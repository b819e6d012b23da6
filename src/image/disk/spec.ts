// Checking a DiskSpec before any tool runs, so a wrong description fails in one line naming the
// partition and the field, not halfway through mkfs.

import { checkGptName } from './gpt.ts';
import { dpsTypeGuid, isPartitionType } from './guid.ts';
import { DiskImageError, type DiskSpec, type PartitionSpec } from './model.ts';

const CONTENT_KINDS = ['vfat', 'ext4', 'erofs', 'verity', 'file', 'empty'];

function where(p: PartitionSpec, i: number): string {
  return typeof p?.label === 'string' && p.label !== '' ? `partition "${p.label}"` : `partition #${i + 1}`;
}

function checkSize(v: unknown, what: string): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw new DiskImageError(`${what}: size must be a positive whole number of bytes`);
}

export function checkDiskSpec(spec: DiskSpec): void {
  if (!spec || !Array.isArray(spec.partitions) || spec.partitions.length === 0) throw new DiskImageError('disk: no partitions');
  if (typeof spec.seed !== 'string' || spec.seed === '') throw new DiskImageError('disk: seed must be a non-empty string');
  if (!Number.isSafeInteger(spec.sourceDateEpoch) || spec.sourceDateEpoch < 0) {
    throw new DiskImageError(`disk: sourceDateEpoch "${spec.sourceDateEpoch}" is not a non-negative whole number of seconds`);
  }
  checkSize(spec.size, 'disk');
  const byLabel = new Map<string, PartitionSpec>();
  spec.partitions.forEach((p, i) => {
    const at = where(p, i);
    if (typeof p?.label !== 'string') throw new DiskImageError(`${at}: label must be a string`);
    checkGptName(p.label);
    if (byLabel.has(p.label)) throw new DiskImageError(`${at}: label used twice`);
    byLabel.set(p.label, p);
    if (!isPartitionType(String(p.type))) throw new DiskImageError(`${at}: unknown type "${p.type}"`);
    dpsTypeGuid(p.type, spec.arch);
    checkSize(p.size, at);
    if (p.size !== undefined && p.sameSizeAs !== undefined) throw new DiskImageError(`${at}: give size or sameSizeAs, not both`);
    if (p.attributes !== undefined && (typeof p.attributes !== 'bigint' || p.attributes < 0n || p.attributes >= 1n << 64n)) {
      throw new DiskImageError(`${at}: attributes must be a bigint of 64 bits`);
    }
    const c = p.content;
    if (!c || !CONTENT_KINDS.includes(c.kind)) throw new DiskImageError(`${at}: content kind must be one of ${CONTENT_KINDS.join(', ')}`);
    if ((c.kind === 'vfat' || c.kind === 'ext4' || c.kind === 'erofs') && (typeof c.dir !== 'string' || c.dir === '')) {
      throw new DiskImageError(`${at}: ${c.kind} content needs a dir`);
    }
    if (c.kind === 'file' && (typeof c.path !== 'string' || c.path === '')) throw new DiskImageError(`${at}: file content needs a path`);
    if (c.kind === 'empty' && p.size === undefined && p.sameSizeAs === undefined) {
      throw new DiskImageError(`${at}: an empty partition needs a size (or sameSizeAs)`);
    }
    const isVerityType = p.type === 'usr-verity' || p.type === 'root-verity';
    if (c.kind === 'verity' && !isVerityType) throw new DiskImageError(`${at}: verity content needs type usr-verity or root-verity, not ${p.type}`);
    if (c.kind !== 'verity' && c.kind !== 'empty' && isVerityType) throw new DiskImageError(`${at}: type ${p.type} holds verity content, not ${c.kind}`);
  });
  const verityOf = new Map<string, string>();
  spec.partitions.forEach((p, i) => {
    const at = where(p, i);
    if (p.sameSizeAs !== undefined) {
      if (!byLabel.has(p.sameSizeAs)) throw new DiskImageError(`${at}: sameSizeAs "${p.sameSizeAs}" is not a partition of this disk`);
      const chain = new Set<string>([p.label]);
      for (let q: PartitionSpec | undefined = byLabel.get(p.sameSizeAs); q; q = q.sameSizeAs ? byLabel.get(q.sameSizeAs) : undefined) {
        if (chain.has(q.label)) throw new DiskImageError(`${at}: sameSizeAs forms a cycle`);
        chain.add(q.label);
      }
    }
    if (p.content.kind !== 'verity') return;
    const data = byLabel.get(p.content.of);
    if (!data) throw new DiskImageError(`${at}: verity of "${p.content.of}", which is not a partition of this disk`);
    if (data.content.kind === 'verity') throw new DiskImageError(`${at}: verity of "${data.label}", itself a verity partition`);
    const wanted = p.type === 'usr-verity' ? 'usr' : 'root';
    if (data.type !== wanted) throw new DiskImageError(`${at}: ${p.type} protects a ${wanted} partition; "${data.label}" is ${data.type}`);
    const other = verityOf.get(data.label);
    if (other !== undefined) throw new DiskImageError(`${at}: "${data.label}" already has verity partition "${other}"`);
    verityOf.set(data.label, p.label);
    const v = p.content.prebuilt;
    if (v !== undefined) {
      if (typeof v.path !== 'string' || v.path === '') throw new DiskImageError(`${at}: prebuilt verity needs the hash tree's path`);
      if (!/^[0-9a-f]{64}$/.test(String(v.rootHash))) throw new DiskImageError(`${at}: prebuilt verity root hash must be 64 hex digits`);
      if (!/^[0-9a-f]*$/.test(String(v.salt)) || String(v.salt).length > 512) throw new DiskImageError(`${at}: prebuilt verity salt must be hex`);
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(String(v.uuid))) throw new DiskImageError(`${at}: prebuilt verity UUID is not a UUID`);
      if (!Number.isSafeInteger(v.dataBlocks) || v.dataBlocks <= 0) throw new DiskImageError(`${at}: prebuilt verity data block count must be a positive integer`);
    }
  });
}
