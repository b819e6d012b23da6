// signRpm: adds an OpenPGP header signature the way `rpmsign --addsign` does in rpm 4.18
// (sign/rpmgensig.c rpmSign): refuse corrupt or v3 packages, skip when a signature with the same
// key and parameters is present, drop older signature tags, add RSA (268) or DSA/EdDSA (267) over
// the main header only (4.18 adds header+payload signatures only to packages without a payload
// digest, which this code refuses instead), and shrink RESERVEDSPACE by the growth so the new
// signature header has the old size. Then only the signature header bytes change; otherwise the
// package is rewritten behind a new signature header. Either way the result replaces the file
// atomically (temporary copy, fsync, rename).

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type Header, RpmFormatError } from '../header.ts';
import { PgpError, PubkeyAlgo, parseSignaturePacket, signDetached } from '../openpgp/index.ts';
import { readRpmFileHeaders } from '../package.ts';
import { SigTag, Tag } from '../tags.ts';
import { LEAD_SIZE } from './container.ts';
import { HeaderBuilder } from './header-writer.ts';

export interface SignRpmOptions {
  passphrase?: string;
  /** Signature creation time (default now); with RSA or EdDSA a fixed time gives identical bytes. */
  date?: Date;
}

export interface SignRpmResult {
  path: string;
  /** 268 (RSA) or 267 (DSA/EdDSA). */
  tag: 267 | 268;
  /** The key already signed this package with the same parameters; nothing was changed. */
  skipped: boolean;
  /** Only the signature header was rewritten (RESERVEDSPACE was large enough). */
  inPlace: boolean;
}

/** Signature tags rpmsign deletes before adding its own (rpmgensig.c deleteSigs). */
const OLD_SIG_TAGS = [SigTag.GPG, SigTag.PGP, SigTag.DSA, SigTag.RSA, SigTag.PGP5];

const HASHES: Record<number, string> = { 2: 'sha1', 8: 'sha256', 9: 'sha384', 10: 'sha512', 11: 'sha224' };

/** rpmsign's checkPkg: header and payload digests must match before anything is signed. */
async function checkIntact(path: string, sig: Header, header: Header, headerBytes: Uint8Array, payloadOffset: number): Promise<void> {
  const fail = (what: string): never => {
    throw new RpmFormatError(`${path}: not signing corrupt package: ${what} digest mismatch`);
  };
  const sha256 = sig.string(SigTag.SHA256);
  if (sha256 !== undefined && createHash('sha256').update(headerBytes).digest('hex') !== sha256) fail('header SHA256');
  const sha1 = sig.string(SigTag.SHA1);
  if (sha1 !== undefined && createHash('sha1').update(headerBytes).digest('hex') !== sha1) fail('header SHA1');
  const want = header.strings(Tag.PAYLOADDIGEST)[0];
  const algo = HASHES[header.number(Tag.PAYLOADDIGESTALGO) ?? 8];
  if (want === undefined || algo === undefined) return;
  const h = createHash(algo);
  for await (const c of createReadStream(path, { start: payloadOffset }) as AsyncIterable<Buffer>) h.update(c);
  if (h.digest('hex') !== want) fail('payload');
}

function sigTagFor(packet: Uint8Array): { tag: 267 | 268; keyId: string; pubkeyAlgo: number; hashAlgo: number; sigType: number; version: number } {
  const s = parseSignaturePacket(packet);
  let tag: 267 | 268;
  if (s.pubkeyAlgo === PubkeyAlgo.RSA || s.pubkeyAlgo === PubkeyAlgo.RSA_SIGN) tag = 268;
  else if (s.pubkeyAlgo === PubkeyAlgo.DSA || s.pubkeyAlgo === PubkeyAlgo.EDDSA) tag = 267;
  else throw new PgpError(`unsupported signing key algorithm ${s.pubkeyAlgo}: rpm 4.18 verifies RSA, DSA and EdDSA only`);
  const keyId = s.issuerKeyId ?? s.issuerFingerprint?.slice(-16) ?? '';
  return { tag, keyId, pubkeyAlgo: s.pubkeyAlgo, hashAlgo: s.hashAlgo, sigType: s.sigType, version: s.version };
}

/** pgpDigParamsCmp: same version, type, algorithms and signer means "identical signature". */
function sameSigner(a: ReturnType<typeof sigTagFor>, existing: Uint8Array | undefined): boolean {
  if (!existing) return false;
  try {
    const b = sigTagFor(existing);
    return a.version === b.version && a.sigType === b.sigType && a.pubkeyAlgo === b.pubkeyAlgo && a.hashAlgo === b.hashAlgo && a.keyId === b.keyId;
  } catch {
    return false;
  }
}

function rebuild(sig: Header, add?: { tag: number; packet: Uint8Array }, reserved?: number): HeaderBuilder {
  const b = new HeaderBuilder();
  for (const e of sig.entries) {
    if (e.tag === SigTag.HEADERSIGNATURES || (add && (OLD_SIG_TAGS as number[]).includes(e.tag))) continue;
    const data = sig.store.subarray(e.offset, e.offset + e.length);
    if (e.tag === SigTag.RESERVEDSPACE && reserved !== undefined) b.bin(e.tag, new Uint8Array(reserved));
    else b.raw(e.tag, e.type, e.count, data);
  }
  if (add) b.bin(add.tag, add.packet);
  return b;
}

/** Signs `path` in place (atomically replaced). `secretKey` is an armored OpenPGP secret key. */
export async function signRpm(path: string, secretKey: string, opts: SignRpmOptions = {}): Promise<SignRpmResult> {
  const h = await readRpmFileHeaders(path);
  if (h.header.regionTag !== Tag.HEADERIMMUTABLE) throw new RpmFormatError(`${path}: cannot sign RPM v3 packages`);
  if (!h.header.has(Tag.PAYLOADDIGEST) && !h.header.has(Tag.PAYLOADDIGESTALT)) {
    throw new RpmFormatError(`${path}: no payload digest; legacy header+payload signatures are not supported`);
  }
  await checkIntact(path, h.signature, h.header, h.headerBytes, h.payloadOffset);
  const packet = await signDetached(h.headerBytes, secretKey, { passphrase: opts.passphrase, date: opts.date });
  const info = sigTagFor(packet);
  if (sameSigner(info, h.signature.bytes(info.tag))) return { path, tag: info.tag, skipped: true, inPlace: false };

  const origSize = rebuild(h.signature).build({ region: 62 }).length;
  let next = rebuild(h.signature, { tag: info.tag, packet });
  const diff = next.build({ region: 62 }).length - origSize;
  const reserved = h.signature.entry(SigTag.RESERVEDSPACE)?.count;
  const inPlace = reserved !== undefined && diff > 0 && diff < reserved;
  if (inPlace) next = rebuild(h.signature, { tag: info.tag, packet }, reserved - diff);
  const sigBytes = next.build({ region: 62, pad8: true });

  const st = await stat(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.sign.tmp`);
  try {
    if (inPlace) {
      if (LEAD_SIZE + sigBytes.length !== h.headerOffset) throw new Error('internal: in-place signature changed size');
      await copyFile(path, tmp);
      const fh = await open(tmp, 'r+');
      try {
        await fh.write(sigBytes, 0, sigBytes.length, LEAD_SIZE);
        await fh.sync();
      } finally {
        await fh.close();
      }
    } else {
      // Not enough reserved space: lead, new signature, then the header and payload unchanged.
      const lead = new Uint8Array(LEAD_SIZE);
      const src = await open(path, 'r');
      await src.read(lead, 0, LEAD_SIZE, 0).finally(() => src.close());
      const out = createWriteStream(tmp, { flags: 'wx', mode: st.mode & 0o7777 });
      out.write(lead);
      out.write(sigBytes);
      await pipeline(createReadStream(path, { start: h.headerOffset }), out);
      const fh = await open(tmp, 'r+');
      await fh.sync().finally(() => fh.close());
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return { path, tag: info.tag, skipped: false, inPlace };
}
