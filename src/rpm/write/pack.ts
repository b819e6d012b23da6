// packRpm: a binary RPM from a directory tree and metadata, written the way rpmbuild's writeRPM does
// (build/pack.c): lead, placeholder signature and header of final size, the streamed payload, then
// the real header (payload digests) and signature (header digests, MD5 over header + payload).
// Output goes to a temporary file that is fsynced and renamed, so readers never see half a package.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileFlag } from '../model.ts';
import { type CompressorName, checkCompressorAvailable, compressorInfo, createCompressor } from './compress.ts';
import { type PackFile, inspectFiles } from './content.ts';
import { LEAD_SIZE, buildLead, buildSignatureHeader } from './container.ts';
import { CpioWriter, archiveOrder } from './cpio.ts';
import { PackInputError } from './deps.ts';
import { collectDeps, resolveScripts } from './pack-deps.ts';
import { type HeaderInputs, buildMainHeader } from './pack-header.ts';
import { signRpm } from './sign.ts';
import { ARCHES, type PackSpec, nativeArch, resolveSpec, rpmFileName, specEvr } from './spec.ts';
import { S_IFLNK, S_IFMT, S_IFREG, scanTree } from './tree.ts';

export { PackInputError };
export type { PackSpec };

export interface PackOptions {
  /** Directory for the .rpm (default "."); the name is rpmbuild's NAME-VERSION-RELEASE.ARCH.rpm. */
  outputDir?: string;
  compress?: CompressorName;
  /** Compression level (default zstd 19, gzip 9, xz 6). */
  level?: number;
  /** Reproducible builds: BUILDTIME and the mtime clamp. Default: $SOURCE_DATE_EPOCH if set. */
  sourceDateEpoch?: number;
  /** 64-bit file sizes and the stripped 07070X payload even without files ≥ 4 GiB. */
  longFileSizes?: boolean;
  /** Sign the header (OpenPGP secret key, armored) before the package is moved into place; a fixed
   *  `date` makes RSA/EdDSA signatures, and so the whole file, reproducible. */
  sign?: { key: string; passphrase?: string; date?: Date };
}

export interface PackResult {
  path: string;
  nevra: string;
  /** File size in bytes. */
  size: number;
  /** Hex SHA-256 of the whole file. */
  sha256: string;
  files: number;
  /** Uncompressed payload bytes (PAYLOADSIZE). */
  payloadSize: number;
}

const EMPTY_SHA256 = createHash('sha256').digest('hex');
/** Distinguishes temporary files of concurrent packs in one process. */
let tmpCounter = 0;

function sourceDateEpoch(opt: number | undefined): number | undefined {
  if (opt !== undefined) {
    if (!Number.isInteger(opt) || opt < 0) throw new PackInputError(`SOURCE_DATE_EPOCH: invalid value "${opt}"`);
    return opt;
  }
  const env = process.env.SOURCE_DATE_EPOCH;
  if (env === undefined || env === '') return undefined;
  if (!/^[0-9]+$/.test(env)) throw new PackInputError(`SOURCE_DATE_EPOCH: invalid value "${env}"`);
  return Number(env);
}

async function writeAll(fh: FileHandle, data: Uint8Array, pos: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, pos + done);
    done += bytesWritten;
  }
}

/** The cpio archive as a chunk stream, in rpm's entry order; contents come from disk as read. */
async function* payloadSource(files: readonly PackFile[], stripped: boolean, onCpio: (c: Uint8Array) => void): AsyncGenerator<Uint8Array> {
  const pending: Uint8Array[] = [];
  const w = new CpioWriter(async (c) => {
    onCpio(c);
    pending.push(c);
  });
  const drain = function* (): Generator<Uint8Array> {
    while (pending.length) yield pending.shift()!;
  };
  const steps = archiveOrder(files.map((f) => ({ mode: f.mode, ghost: (f.flags & FileFlag.GHOST) !== 0, links: f.links })));
  for (const { index, withData } of steps) {
    const f = files[index];
    const type = f.mode & S_IFMT;
    const size = (type === S_IFREG || type === S_IFLNK) && withData ? f.size : 0;
    if (stripped) await w.strippedEntry(index, size);
    else {
      await w.entry({
        name: `.${f.path}`, ino: f.inode, mode: f.mode, uid: 0, gid: 0, nlink: Math.max(1, f.links.length),
        mtime: f.mtime, size, devMajor: 0, devMinor: 0, rdevMajor: 0, rdevMinor: 0,
      });
    }
    yield* drain();
    if (type === S_IFLNK) await w.data(new TextEncoder().encode(f.linkTo));
    else if (size > 0) {
      const hash = createHash('sha256');
      let got = 0;
      for await (const chunk of createReadStream(f.diskPath!, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
        got += chunk.length;
        if (got > size) break;
        hash.update(chunk);
        await w.data(chunk);
        yield* drain();
      }
      if (got !== size || hash.digest('hex') !== f.digest) {
        throw new PackInputError(`root: "${f.path}" changed while the package was being written`);
      }
    }
    yield* drain();
  }
  await w.finish();
  yield* drain();
}

/** Streams the payload through the compressor into the file; returns sizes and digests. */
async function writePayload(fh: FileHandle, start: number, files: readonly PackFile[], x: HeaderInputs) {
  const alt = createHash('sha256');
  const dig = createHash('sha256');
  let archiveSize = 0;
  let pos = start;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      dig.update(chunk);
      const at = pos;
      pos += chunk.length;
      writeAll(fh, chunk, at).then(() => cb(), cb);
    },
  });
  const source = payloadSource(files, x.longFiles, (c) => {
    alt.update(c);
    archiveSize += c.length;
  });
  await pipeline(source, createCompressor(x.compressor), sink);
  return { end: pos, archiveSize, digest: dig.digest('hex'), digestAlt: alt.digest('hex') };
}

async function md5Of(fh: FileHandle, header: Uint8Array, from: number, to: number): Promise<Uint8Array> {
  const md5 = createHash('md5').update(header);
  const buf = new Uint8Array(1 << 20);
  for (let pos = from; pos < to; ) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, to - pos), pos);
    if (bytesRead === 0) throw new Error('payload shorter than written');
    md5.update(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
  return md5.digest();
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path) as AsyncIterable<Buffer>) h.update(c);
  return h.digest('hex');
}

/** Builds NAME-VERSION-RELEASE.ARCH.rpm in opts.outputDir from `spec`. */
export async function packRpm(spec: PackSpec, opts: PackOptions = {}): Promise<PackResult> {
  const s = resolveSpec(spec);
  const compressor = compressorInfo(opts.compress ?? 'zstd', opts.level);
  await checkCompressorAvailable(compressor);
  const sde = sourceDateEpoch(opts.sourceDateEpoch);
  const buildTime = sde ?? Math.floor(Date.now() / 1000);
  const files = await inspectFiles(await scanTree(s.root, s.files ?? {}, { clampMtime: sde, buildTime }));
  const longFiles = !!opts.longFileSizes || files.some((f) => (f.mode & S_IFMT) === S_IFREG && f.size >= 0xffffffff);
  const scripts = resolveScripts(s);
  const inputs: HeaderInputs = {
    spec: s, files, scripts, compressor, buildTime, longFiles,
    deps: collectDeps(s, files, scripts, compressor, longFiles),
    payloadDigest: EMPTY_SHA256, payloadDigestAlt: EMPTY_SHA256,
  };
  const placeholder = buildMainHeader(inputs).build({ region: 63 });
  const zeroSig = buildSignatureHeader({ sha1: '0'.repeat(40), sha256: EMPTY_SHA256, md5: new Uint8Array(16), size: 0, payloadSize: 0 });

  const outDir = resolve(opts.outputDir ?? '.');
  await mkdir(outDir, { recursive: true });
  const finalPath = join(outDir, rpmFileName(s));
  const tmpPath = join(outDir, `.${basename(finalPath)}.${process.pid}.${tmpCounter++}.tmp`);
  const archnum = s.arch === 'noarch' ? hostArchnum() : ARCHES[s.arch].archnum;
  const fh = await open(tmpPath, 'wx+', 0o644);
  try {
    await writeAll(fh, buildLead({ nevr: `${s.name}-${specEvr(s)}`, archnum }), 0);
    await writeAll(fh, zeroSig, LEAD_SIZE);
    const hdrStart = LEAD_SIZE + zeroSig.length;
    await writeAll(fh, placeholder, hdrStart);
    const payloadStart = hdrStart + placeholder.length;
    const p = await writePayload(fh, payloadStart, files, inputs);
    const header = buildMainHeader({ ...inputs, payloadDigest: p.digest, payloadDigestAlt: p.digestAlt }).build({ region: 63 });
    if (header.length !== placeholder.length) throw new Error('internal: header size changed after the payload');
    await writeAll(fh, header, hdrStart);
    const sig = buildSignatureHeader({
      sha1: createHash('sha1').update(header).digest('hex'),
      sha256: createHash('sha256').update(header).digest('hex'),
      md5: await md5Of(fh, header, payloadStart, p.end),
      size: p.end - hdrStart,
      payloadSize: p.archiveSize,
    });
    if (sig.length !== zeroSig.length) throw new Error('internal: signature size changed');
    await writeAll(fh, sig, LEAD_SIZE);
    await fh.truncate(p.end);
    await fh.sync();
    await fh.close();
    if (opts.sign) await signRpm(tmpPath, opts.sign.key, { passphrase: opts.sign.passphrase, date: opts.sign.date });
    await rename(tmpPath, finalPath);
    await syncDir(dirname(finalPath));
    return {
      path: finalPath,
      nevra: `${s.name}-${specEvr(s)}.${s.arch}`,
      size: (await stat(finalPath)).size,
      sha256: await sha256File(finalPath),
      files: files.length,
      payloadSize: p.archiveSize,
    };
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmpPath, { force: true });
    throw e;
  }
}

/** rpmbuild records the build host's arch number in the lead, even for noarch packages. */
function hostArchnum(): number {
  try {
    return ARCHES[nativeArch()].archnum;
  } catch {
    return 0;
  }
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r').catch(() => undefined);
  if (!d) return;
  await d.sync().catch(() => {});
  await d.close();
}
