// Packets and armor.

import { PgpError, be } from './common.ts';

export interface Packet {
  tag: number;
  body: Uint8Array;
  /** Offset of the packet header and the end of the body within the parsed buffer. */
  start: number;
  end: number;
}

/** Splits a binary OpenPGP stream into packets. Partial (streamed) lengths are refused: keys and
 * signatures never use them. */
export function readPackets(buf: Uint8Array): Packet[] {
  const out: Packet[] = [];
  let o = 0;
  while (o < buf.length) {
    const start = o;
    const h = buf[o++];
    if (!(h & 0x80)) throw new PgpError(`packet at ${start}: invalid header byte 0x${h.toString(16)}`);
    let tag: number;
    let len: number;
    if (h & 0x40) {
      tag = h & 0x3f;
      if (o >= buf.length) throw new PgpError(`packet at ${start}: truncated length`);
      const l0 = buf[o++];
      if (l0 < 192) len = l0;
      else if (l0 < 224) {
        if (o >= buf.length) throw new PgpError(`packet at ${start}: truncated length`);
        len = ((l0 - 192) << 8) + buf[o++] + 192;
      } else if (l0 === 255) {
        if (o + 4 > buf.length) throw new PgpError(`packet at ${start}: truncated length`);
        len = be(buf, o, 4);
        o += 4;
      } else throw new PgpError(`packet at ${start}: partial body lengths are not supported here`);
    } else {
      tag = (h >> 2) & 0x0f;
      const lt = h & 3;
      if (lt === 3) len = buf.length - o;
      else {
        const n = 1 << lt;
        if (o + n > buf.length) throw new PgpError(`packet at ${start}: truncated length`);
        len = be(buf, o, n);
        o += n;
      }
    }
    if (o + len > buf.length) throw new PgpError(`packet at ${start}: body runs past the end (${len} bytes)`);
    out.push({ tag, body: buf.subarray(o, o + len), start, end: o + len });
    o += len;
  }
  return out;
}

function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const b of data) {
    crc ^= b << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

export interface ArmorBlock {
  /** The word(s) after BEGIN PGP, e.g. "PUBLIC KEY BLOCK", "SIGNATURE". */
  type: string;
  data: Uint8Array;
}

/** Decodes every ASCII-armored block in a text; checks the CRC-24 when present. */
export function dearmor(text: string): ArmorBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: ArmorBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^-----BEGIN PGP ([A-Z0-9 ,/]+)-----\s*$/.exec(lines[i]);
    if (!m) continue;
    const type = m[1];
    i++;
    // Armor headers ("Key: value") end at the first empty line; some writers omit them entirely.
    let j = i;
    while (j < lines.length && /^[A-Za-z][\w-]*: /.test(lines[j])) j++;
    if (j < lines.length && lines[j].trim() === '') j++;
    i = j;
    let b64 = '';
    let crc: string | undefined;
    for (; i < lines.length; i++) {
      const l = lines[i].trim();
      if (l.startsWith('-----END PGP ')) break;
      if (l.startsWith('=') && l.length === 5) crc = l.slice(1);
      else b64 += l;
    }
    if (i >= lines.length) throw new PgpError(`armor: "${type}" block has no END line`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new PgpError(`armor: invalid base64 in "${type}" block`);
    const data = new Uint8Array(Buffer.from(b64, 'base64'));
    if (crc !== undefined) {
      const want = Buffer.from(crc, 'base64');
      if (want.length !== 3 || be(want, 0, 3) !== crc24(data)) throw new PgpError(`armor: CRC mismatch in "${type}" block`);
    }
    blocks.push({ type, data });
  }
  return blocks;
}
