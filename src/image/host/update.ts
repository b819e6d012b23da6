// The update payload of one slot: everything a node needs to make its inactive slot boot a new
// /usr, with digests — the EROFS image (usr.erofs), its verity hash tree (usr.verity), the kernel
// (linux) and initramfs (initrd) the entry boots, and the boot entry rendered for either slot
// (entry-a.conf / entry-b.conf: a node on A installs into B and the other way round; shipping both
// keeps the entry bytes covered by the digests instead of templated on the node). manifest.json
// lists each file's sha256 and size, the verity parameters and root hash, and the version; it is
// what the update service signs. The payload is a directory, or an uncompressed tar of the same
// files (manifest.json first) when the output name ends in ".tar".
//
// A node applies it (later issues' agent): check the manifest signature, readSlotUpdate (digests,
// entry ↔ root hash binding), write usr.erofs to USR-<x>, usr.verity to USR-<x>-verity, linux and
// initrd to the ESP at /<id>/<x>/, entry-<x>.conf as loader/entries/<entries[x].name>, reboot.

import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type TarItem, writeTarFile } from '../tar/index.ts';
import { bootEntryFileName, parseBootEntry, parseCmdline, slotKernelPaths, slotLabels, type Slot, SLOTS } from './boot-entry.ts';
import { parseVeritySuperblock, sha256File, UsrImageError, type UsrImage, type VerityInfo } from './usr-image.ts';

export const SLOT_UPDATE_FORMAT = 'strata-slot-update/1';
export const SLOT_UPDATE_MANIFEST = 'manifest.json';

export class SlotUpdateError extends Error {
  override name = 'SlotUpdateError';
}

export interface PayloadFile {
  /** File name inside the payload. */
  path: string;
  sha256: string;
  size: number;
}

export interface SlotUpdateManifest {
  format: typeof SLOT_UPDATE_FORMAT;
  id: string;
  version: string;
  arch: string;
  kernelVersion: string;
  sourceDateEpoch: number;
  usr: PayloadFile & { fsType: 'erofs'; fsUuid: string };
  verity: PayloadFile & VerityInfo;
  kernel: PayloadFile;
  initrd: PayloadFile;
  /** The entry for each target slot, with the loader/entries/ name (boot counter included). */
  entries: Record<Slot, PayloadFile & { name: string }>;
  /** NEVRAs of the packages in /usr, when known. */
  packages?: string[];
}

export interface SlotUpdateInput {
  id: string;
  version: string;
  arch: string;
  kernelVersion: string;
  sourceDateEpoch: number;
  usr: UsrImage;
  /** Paths of the kernel image and initramfs. */
  kernel: string;
  initrd: string;
  /** Entry text for each target slot (bootEntry()). */
  entries: Record<Slot, string>;
  tries?: number;
  packages?: string[];
}

export interface SlotUpdatePayload {
  path: string;
  manifest: SlotUpdateManifest;
  /** sha256 of manifest.json's bytes (what a signature covers). */
  manifestSha256: string;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Writes the payload as a directory or, for "*.tar", a tar file (replacing `output`). */
export async function writeSlotUpdate(input: SlotUpdateInput, output: string): Promise<SlotUpdatePayload> {
  const fileOf = async (path: string, name: string): Promise<PayloadFile> => ({ path: name, sha256: await sha256File(path), size: statSync(path).size });
  const entryBytes = Object.fromEntries(SLOTS.map((s) => [s, Buffer.from(input.entries[s])])) as Record<Slot, Buffer>;
  const manifest: SlotUpdateManifest = {
    format: SLOT_UPDATE_FORMAT,
    id: input.id,
    version: input.version,
    arch: input.arch,
    kernelVersion: input.kernelVersion,
    sourceDateEpoch: input.sourceDateEpoch,
    usr: { path: 'usr.erofs', sha256: input.usr.sha256, size: input.usr.size, fsType: 'erofs', fsUuid: input.usr.fsUuid },
    verity: { path: 'usr.verity', sha256: input.usr.hashSha256, size: input.usr.hashSize, ...input.usr.verity },
    kernel: await fileOf(input.kernel, 'linux'),
    initrd: await fileOf(input.initrd, 'initrd'),
    entries: Object.fromEntries(
      SLOTS.map((s) => [s, { path: `entry-${s}.conf`, sha256: sha256(entryBytes[s]), size: entryBytes[s].length, name: bootEntryFileName(input.id, s, input.tries) }]),
    ) as SlotUpdateManifest['entries'],
    ...(input.packages ? { packages: input.packages } : {}),
  };
  checkEntries(manifest, entryBytes);
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const sources: Array<{ name: string; source?: string; content?: Buffer }> = [
    { name: SLOT_UPDATE_MANIFEST, content: manifestBytes },
    { name: 'usr.erofs', source: input.usr.image },
    { name: 'usr.verity', source: input.usr.hashTree },
    { name: 'linux', source: input.kernel },
    { name: 'initrd', source: input.initrd },
    ...SLOTS.map((s) => ({ name: `entry-${s}.conf`, content: entryBytes[s] })),
  ];
  const tmp = `${output}.${process.pid}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  if (output.endsWith('.tar')) {
    async function* items(): AsyncGenerator<TarItem> {
      for (const s of sources) {
        const size = s.content ? s.content.length : statSync(s.source!).size;
        yield { path: s.name, type: 'file', mode: 0o644, uid: 0, gid: 0, size, mtime: input.sourceDateEpoch, ...(s.content ? { content: s.content } : { source: s.source! }) };
      }
    }
    await writeTarFile(items(), tmp);
  } else {
    await mkdir(tmp, { recursive: true });
    for (const s of sources) {
      if (s.content) await writeFile(join(tmp, s.name), s.content);
      else await copyFile(s.source!, join(tmp, s.name));
    }
  }
  await rm(output, { recursive: true, force: true });
  await rename(tmp, output);
  return { path: output, manifest, manifestSha256: sha256(manifestBytes) };
}

/** A payload file name: plain, and never "." or ".." (which name the payload's directory or its parent). */
const PLAIN_NAME = /^[a-z0-9][a-z0-9.-]*$/;

/** Untrusted text in a one-line message: quoted (escapes line breaks) and clipped. */
const quote = (s: string) => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);

/** The entry of each slot must boot that slot's partitions and kernel with this payload's root hash. */
function checkEntries(m: SlotUpdateManifest, entries: Record<Slot, Uint8Array>): void {
  for (const s of SLOTS) {
    const e = parseBootEntry(Buffer.from(entries[s]).toString('utf8'));
    const opts = parseCmdline(e.get('options') ?? '');
    const where = `${m.entries[s].path}`;
    const usrhash = opts.get('usrhash');
    if (usrhash !== m.verity.rootHash) throw new SlotUpdateError(`${where}: usrhash=${usrhash === undefined ? '(none)' : quote(usrhash)} is not the payload's root hash ${m.verity.rootHash}`);
    const labels = slotLabels(s);
    if (opts.get('systemd.verity_usr_data') !== `PARTLABEL=${labels.usr}` || opts.get('systemd.verity_usr_hash') !== `PARTLABEL=${labels.verity}`) {
      throw new SlotUpdateError(`${where}: does not name slot ${s.toUpperCase()}'s partitions (${labels.usr}, ${labels.verity})`);
    }
    const k = slotKernelPaths(m.id, s);
    if (e.get('linux') !== k.linux || e.get('initrd') !== k.initrd) throw new SlotUpdateError(`${where}: linux/initrd are not ${k.linux} and ${k.initrd}`);
    const version = e.get('version');
    if (version !== m.version) throw new SlotUpdateError(`${where}: version ${version === undefined ? '(none)' : quote(version)} is not ${quote(m.version)}`);
  }
}

function checkManifest(v: unknown, where: string): SlotUpdateManifest {
  const m = v as SlotUpdateManifest;
  const bad = (field: string) => new SlotUpdateError(`${where}: field "${field}" is missing or invalid`);
  if (!m || typeof m !== 'object') throw new SlotUpdateError(`${where}: not a JSON object`);
  if (m.format !== SLOT_UPDATE_FORMAT) throw new SlotUpdateError(`${where}: format ${quote(String(m.format))} is not ${SLOT_UPDATE_FORMAT}`);
  for (const k of ['id', 'version', 'arch', 'kernelVersion'] as const) if (typeof m[k] !== 'string' || !m[k]) throw bad(k);
  // The id names the ESP directory the node writes the kernel into: the entry-id rule bootEntryFileName enforces.
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(m.id)) throw bad('id');
  const file = (f: PayloadFile | undefined, name: string) => {
    if (!f || typeof f.path !== 'string' || !PLAIN_NAME.test(f.path) || typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256) || !Number.isSafeInteger(f.size) || f.size < 0) throw bad(name);
  };
  file(m.usr, 'usr');
  file(m.verity, 'verity');
  file(m.kernel, 'kernel');
  file(m.initrd, 'initrd');
  if (!/^[0-9a-f]{64}$/.test(m.verity.rootHash ?? '')) throw bad('verity.rootHash');
  for (const s of SLOTS) {
    file(m.entries?.[s], `entries.${s}`);
    if (typeof m.entries[s].name !== 'string' || !/^[a-z0-9._-]+-[ab](\+\d+(-\d+)?)?\.conf$/.test(m.entries[s].name)) throw bad(`entries.${s}.name`);
  }
  return m;
}

export interface ReadSlotUpdateOptions {
  /** For a tar payload: the directory to extract it into (replaced). */
  extractTo?: string;
}

export interface VerifiedSlotUpdate {
  manifest: SlotUpdateManifest;
  manifestSha256: string;
  /** The directory holding the verified files. */
  dir: string;
  files: { usr: string; verity: string; kernel: string; initrd: string; entries: Record<Slot, string> };
}

/** Extracts the regular files of an uncompressed ustar archive into `dir`; only plain names are accepted. */
async function extractTar(tar: string, dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const fh = await open(tar, 'r');
  try {
    const header = Buffer.alloc(512);
    let pos = 0;
    const seen = new Set<string>();
    for (;;) {
      const { bytesRead } = await fh.read(header, 0, 512, pos);
      if (bytesRead < 512) throw new SlotUpdateError(`${tar}: truncated tar archive`);
      if (header.every((b) => b === 0)) return;
      const name = header.subarray(0, 100).toString('latin1').replace(/\0.*$/s, '');
      const prefix = header.subarray(345, 500).toString('latin1').replace(/\0.*$/s, '');
      const type = String.fromCharCode(header[156] || 0x30);
      const sizeField = header.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0';
      const size = /^[0-7]+$/.test(sizeField) ? parseInt(sizeField, 8) : NaN;
      if (prefix || type !== '0' || !PLAIN_NAME.test(name) || seen.has(name)) {
        throw new SlotUpdateError(`${tar}: unexpected entry ${quote(`${prefix ? `${prefix}/` : ''}${name}`)} (type ${quote(type)}): a slot update holds only its plain files`);
      }
      if (!Number.isSafeInteger(size)) throw new SlotUpdateError(`${tar}: ${name}: size field ${quote(sizeField)} is not an octal number`);
      seen.add(name);
      pos += 512;
      const out = await open(join(dir, name), 'w', 0o644);
      try {
        const buf = Buffer.alloc(1 << 20);
        for (let left = size; left > 0; ) {
          const n = Math.min(left, buf.length);
          const r = await fh.read(buf, 0, n, pos + (size - left));
          if (r.bytesRead !== n) throw new SlotUpdateError(`${tar}: ${name} is truncated`);
          await out.write(buf.subarray(0, n));
          left -= n;
        }
      } finally {
        await out.close();
      }
      pos += Math.ceil(size / 512) * 512;
    }
  } finally {
    await fh.close();
  }
}

/** Reads a payload (directory or .tar) and verifies every file's size and sha256, the verity superblock and the entries' binding. */
export async function readSlotUpdate(path: string, opts: ReadSlotUpdateOptions = {}): Promise<VerifiedSlotUpdate> {
  let dir = path;
  if (!existsSync(path)) throw new SlotUpdateError(`${path}: no such slot update`);
  if (statSync(path).isFile()) {
    if (!opts.extractTo) throw new SlotUpdateError(`${path}: a tar payload needs a directory to extract into`);
    await extractTar(path, opts.extractTo);
    dir = opts.extractTo;
  }
  const manifestPath = join(dir, SLOT_UPDATE_MANIFEST);
  let bytes: Buffer;
  try {
    bytes = await readFile(manifestPath);
  } catch {
    throw new SlotUpdateError(`${path}: no ${SLOT_UPDATE_MANIFEST}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new SlotUpdateError(`${manifestPath}: invalid JSON: ${(e as Error).message.replace(/\s+/g, ' ')}`);
  }
  const m = checkManifest(parsed, manifestPath);
  const listed = [m.usr, m.verity, m.kernel, m.initrd, ...SLOTS.map((s) => m.entries[s])];
  for (const f of listed) {
    const p = join(dir, f.path);
    if (!existsSync(p)) throw new SlotUpdateError(`${path}: ${f.path} is missing`);
    const st = statSync(p);
    if (!st.isFile()) throw new SlotUpdateError(`${path}: ${f.path} is not a regular file`);
    const size = st.size;
    if (size !== f.size) throw new SlotUpdateError(`${path}: ${f.path} has ${size} bytes, the manifest says ${f.size}`);
    const digest = await sha256File(p);
    if (digest !== f.sha256) throw new SlotUpdateError(`${path}: ${f.path} has sha256 ${digest}, the manifest says ${f.sha256}`);
  }
  const fh = await open(join(dir, m.verity.path), 'r');
  const sbBytes = Buffer.alloc(512);
  try {
    await fh.read(sbBytes, 0, 512, 0);
  } finally {
    await fh.close();
  }
  let sb: ReturnType<typeof parseVeritySuperblock>;
  try {
    sb = parseVeritySuperblock(sbBytes, `${path}: ${m.verity.path}`);
  } catch (e) {
    if (e instanceof UsrImageError) throw new SlotUpdateError(e.message);
    throw e;
  }
  for (const k of ['salt', 'uuid', 'hashAlgorithm', 'dataBlockSize', 'hashBlockSize', 'dataBlocks'] as const) {
    if (sb[k] !== m.verity[k]) throw new SlotUpdateError(`${path}: ${m.verity.path}: superblock ${k} ${quote(String(sb[k]))} is not the manifest's ${quote(String(m.verity[k]))}`);
  }
  if (sb.dataBlocks * sb.dataBlockSize !== m.usr.size) throw new SlotUpdateError(`${path}: the hash tree covers ${sb.dataBlocks * sb.dataBlockSize} bytes, usr.erofs has ${m.usr.size}`);
  const entryBytes = Object.fromEntries(await Promise.all(SLOTS.map(async (s) => [s, await readFile(join(dir, m.entries[s].path))]))) as Record<Slot, Buffer>;
  checkEntries(m, entryBytes);
  return {
    manifest: m,
    manifestSha256: sha256(bytes),
    dir,
    files: {
      usr: join(dir, m.usr.path),
      verity: join(dir, m.verity.path),
      kernel: join(dir, m.kernel.path),
      initrd: join(dir, m.initrd.path),
      entries: { a: join(dir, m.entries.a.path), b: join(dir, m.entries.b.path) },
    },
  };
}
