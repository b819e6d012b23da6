// The header rpm stores in its database for an installed package, byte for byte as rpm 4.18 writes
// it (lib/package.c headerMergeLegacySigs + applyRetrofits, lib/psm.c dbAdd, lib/header.c doExport):
// the package's immutable region copied unchanged, then "dribble" entries sorted by tag — the
// signature tags rpm merges on read, INSTPREFIXES, FILESTATES, INSTALLTID, INSTALLTIME and
// INSTALLCOLOR — each value aligned to its type within the data store. No magic (rpmdb blobs
// start at the index count).

import { type Header, RpmFormatError, TagType, type TagTypeId } from '../../rpm/header.ts';
import { SigTag, Tag } from '../../rpm/tags.ts';

/** What the transaction adds to a package header when it is installed. */
export interface InstallTags {
  /** INSTALLTIME, seconds since the epoch. */
  installTime: number;
  /** INSTALLTID: the transaction id (rpm uses the transaction's start time). */
  installTid: number;
  /** INSTALLCOLOR: the transaction colour (3 on 64-bit multilib arches, 0 otherwise). */
  installColor: number;
  /** FILESTATES: one state per file (FileState values); omitted for packages without files. */
  fileStates: readonly number[];
}

/** rpmfileState (include/rpm/rpmfiles.h). */
export const FileState = {
  NORMAL: 0,
  REPLACED: 1,
  NOTINSTALLED: 2,
  NETSHARED: 3,
  WRONGCOLOR: 4,
} as const;

interface Dribble {
  tag: number;
  type: TagTypeId;
  count: number;
  /** Value as stored: big-endian integers, NUL-terminated strings. */
  data: Uint8Array;
}

/**
 * Signature tags rpm 4.18 copies into the header when it reads a package (xlateTags): signature tag,
 * header tag, expected type, required count (0 = any), and whether the tag may legitimately already
 * be in the main header (rpm's "quirk").
 */
const MERGED: ReadonlyArray<readonly [number, number, TagTypeId, number, boolean]> = [
  [SigTag.SIZE, Tag.SIGSIZE, TagType.INT32, 1, false],
  [SigTag.PGP, Tag.SIGPGP, TagType.BIN, 0, false],
  [SigTag.MD5, Tag.SIGMD5, TagType.BIN, 16, false],
  [SigTag.GPG, Tag.SIGGPG, TagType.BIN, 0, false],
  [SigTag.PAYLOADSIZE, Tag.ARCHIVESIZE, TagType.INT32, 1, true],
  [SigTag.FILESIGNATURES, Tag.FILESIGNATURES, TagType.STRING_ARRAY, 0, true],
  [SigTag.FILESIGNATURELENGTH, Tag.FILESIGNATURELENGTH, TagType.INT32, 1, true],
  [SigTag.VERITYSIGNATURES, Tag.VERITYSIGNATURES, TagType.STRING_ARRAY, 0, false],
  [SigTag.VERITYSIGNATUREALGO, Tag.VERITYSIGNATUREALGO, TagType.INT32, 1, false],
  [SigTag.SHA1, Tag.SHA1HEADER, TagType.STRING, 1, false],
  [SigTag.SHA256, Tag.SHA256HEADER, TagType.STRING, 1, false],
  [SigTag.DSA, Tag.DSAHEADER, TagType.BIN, 0, false],
  [SigTag.RSA, Tag.RSAHEADER, TagType.BIN, 0, false],
  [SigTag.LONGSIZE, Tag.LONGSIGSIZE, TagType.INT64, 1, false],
  [SigTag.LONGARCHIVESIZE, Tag.LONGARCHIVESIZE, TagType.INT64, 1, false],
];

const ALIGN: Partial<Record<number, number>> = { [TagType.INT16]: 2, [TagType.INT32]: 4, [TagType.INT64]: 8 };
const utf8 = new TextEncoder();

function int32(tag: number, value: number): Dribble {
  const data = new Uint8Array(4);
  new DataView(data.buffer).setUint32(0, value >>> 0);
  return { tag, type: TagType.INT32, count: 1, data };
}

function strings(tag: number, type: TagTypeId, values: readonly string[]): Dribble {
  const parts = values.map((v) => utf8.encode(v));
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.length + 1;
  }
  return { tag, type, count: values.length, data };
}

/** The signature tags merged into the header, in rpm's order (it stops at the first malformed one). */
function mergedSignatureTags(header: Header, sig: Header): Dribble[] {
  for (const [stag, xtag, , , quirk] of MERGED) {
    if (!header.has(xtag)) continue;
    if (quirk && !sig.has(stag)) continue;
    throw new RpmFormatError(`header: invalid signature tag ${xtag} (also in the signature header)`);
  }
  const out: Dribble[] = [];
  for (const [stag, xtag, type, count] of MERGED) {
    const e = sig.entry(stag);
    if (!e) continue;
    if (e.type !== type || e.count < 1 || e.count > 16 * 1024 * 1024 || (count && e.count !== count)) break;
    out.push({ tag: xtag, type, count: e.count, data: sig.raw(stag)! });
  }
  return out;
}

/**
 * The rpmdb blob of an installed package: `header` and `signature` as read from the package file,
 * plus what the transaction records. Only packages with an immutable region covering the whole
 * header are accepted (what every rpm ≥ 4.0 writes; rpm converts older v3 headers, Strata refuses).
 */
export function installedHeaderBlob(header: Header, signature: Header, tags: InstallTags): Uint8Array {
  if (header.regionTag !== Tag.HEADERIMMUTABLE || header.regionCount !== header.entries.length) {
    throw new RpmFormatError('header: no immutable region covering the whole header (v3 packages are not supported)');
  }
  const dribbles = mergedSignatureTags(header, signature);
  // applyRetrofits: a binary package always records its source package.
  if (!header.has(Tag.SOURCERPM) && !header.has(Tag.SOURCEPACKAGE)) dribbles.push(strings(Tag.SOURCERPM, TagType.STRING, ['(none)']));
  // Without relocations rpm records the package's own prefixes as the installed ones.
  const prefixes = header.entry(Tag.PREFIXES);
  if (prefixes) dribbles.push({ tag: Tag.INSTPREFIXES, type: prefixes.type, count: prefixes.count, data: header.raw(Tag.PREFIXES)! });
  if (tags.fileStates.length > 0) dribbles.push({ tag: Tag.FILESTATES, type: TagType.CHAR, count: tags.fileStates.length, data: Uint8Array.from(tags.fileStates) });
  dribbles.push(int32(Tag.INSTALLTID, tags.installTid), int32(Tag.INSTALLTIME, tags.installTime), int32(Tag.INSTALLCOLOR, tags.installColor));
  // doExport sorts entries added after import by (offset 0, tag).
  dribbles.sort((a, b) => a.tag - b.tag);

  const regionIl = header.entries.length;
  const store = header.store;
  let dl = store.length;
  const offsets: number[] = [];
  for (const d of dribbles) {
    const a = ALIGN[d.type] ?? 1;
    dl += (a - (dl % a)) % a;
    offsets.push(dl);
    dl += d.data.length;
  }
  const il = regionIl + dribbles.length;
  const out = new Uint8Array(8 + il * 16 + dl);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, il);
  dv.setUint32(4, dl);
  // The region's own index entries and data are copied exactly as the package stores them.
  out.set(header.toBytes(false).subarray(8, 8 + regionIl * 16), 8);
  const dataStart = 8 + il * 16;
  out.set(store, dataStart);
  dribbles.forEach((d, i) => {
    const e = 8 + (regionIl + i) * 16;
    dv.setUint32(e, d.tag);
    dv.setUint32(e + 4, d.type);
    dv.setInt32(e + 8, offsets[i]);
    dv.setUint32(e + 12, d.count);
    out.set(d.data, dataStart + offsets[i]);
  });
  return out;
}
