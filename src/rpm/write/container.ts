// The package container around the main header: the 96-byte lead and the signature header with
// the digests rpmbuild computes (lib/rpmlead.c rpmLeadFromHeader, lib/signature.c
// rpmGenerateSignature), including the RESERVEDSPACE that lets a signature be added in place.

import { SigTag } from '../tags.ts';
import { HeaderBuilder } from './header-writer.ts';

export const LEAD_SIZE = 96;
/** 32 bytes rpm always reserves plus %__gpg_reserved_space (4096). */
export const RESERVED_SPACE = 32 + 4096;

export interface LeadInput {
  /** "name-[epoch:]version-release" (RPMTAG_NEVR), truncated to 65 bytes like rstrlcpy. */
  nevr: string;
  /** rpmrc archnum of the build host, as rpmbuild records it even for noarch. */
  archnum: number;
  source?: boolean;
}

export function buildLead(l: LeadInput): Uint8Array {
  const out = new Uint8Array(LEAD_SIZE);
  const dv = new DataView(out.buffer);
  out.set([0xed, 0xab, 0xee, 0xdb, 3, 0]);
  dv.setUint16(6, l.source ? 1 : 0);
  dv.setUint16(8, l.archnum);
  out.set(new TextEncoder().encode(l.nevr).subarray(0, 65), 10);
  dv.setUint16(76, 1); // osnum: Linux
  dv.setUint16(78, 5); // RPMSIGTYPE_HEADERSIG
  return out;
}

export interface SignatureInput {
  /** Hex SHA-1 / SHA-256 of the main header (magic included). */
  sha1: string;
  sha256: string;
  /** MD5 over header + payload (legacy, still checked by rpm -K). */
  md5: Uint8Array;
  /** Header + payload bytes. */
  size: number;
  /** Uncompressed payload (cpio archive) bytes. */
  payloadSize: number;
}

/**
 * The signature header, padded to 8. With 64-bit sizes (≥ 4 GiB) rpm swaps SIZE/PAYLOADSIZE for
 * LONGSIZE/LONGARCHIVESIZE and shrinks RESERVEDSPACE by the growth, so the header keeps its size
 * and the placeholder written before the payload can be overwritten in place.
 */
export function buildSignatureHeader(s: SignatureInput): Uint8Array {
  const base = (): HeaderBuilder =>
    new HeaderBuilder().string(SigTag.SHA256, s.sha256).string(SigTag.SHA1, s.sha1).bin(SigTag.MD5, s.md5);
  const small = base().int32(SigTag.PAYLOADSIZE, [0]).int32(SigTag.SIZE, [0]);
  let h: HeaderBuilder;
  let space = RESERVED_SPACE;
  if (s.size >= 0xffffffff || s.payloadSize >= 0xffffffff) {
    h = base().int64(SigTag.LONGARCHIVESIZE, [s.payloadSize]).int64(SigTag.LONGSIZE, [s.size]);
    space -= h.build({ region: 0 }).length - small.build({ region: 0 }).length;
  } else {
    h = base().int32(SigTag.PAYLOADSIZE, [s.payloadSize]).int32(SigTag.SIZE, [s.size]);
  }
  h.bin(SigTag.RESERVEDSPACE, new Uint8Array(space));
  return h.build({ region: 62, pad8: true });
}
