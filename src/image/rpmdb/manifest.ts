// Azure Linux distroless images carry no rpm database; scanners (Trivy, Syft, Qualys) read the
// package list from /var/lib/rpmmanifest instead. Both files are what Azure Linux's image tooling
// (toolkit/tools/imagegen/installutils generateContainerManifests) writes with rpm -qa:
//   container-manifest-1: plain `rpm -qa` (NEVRA per line);
//   container-manifest-2: --qf "%{NAME}\t%{VERSION}-%{RELEASE}\t%{INSTALLTIME}\t%{BUILDTIME}\t
//     %{VENDOR}\t(none)\t%{SIZE}\t%{ARCH}\t%{EPOCHNUM}\t%{SOURCERPM}\n" (the sixth column is the
//     literal "(none)" in the tool's code, though its docs say %{EPOCH}).

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../repo/atomic-file.ts';
import type { Header } from '../../rpm/header.ts';
import { Tag } from '../../rpm/tags.ts';
import { RootFs } from '../install/rootfs.ts';

export const MANIFEST_DIR = '/var/lib/rpmmanifest';
export const MANIFEST_1 = 'container-manifest-1';
export const MANIFEST_2 = 'container-manifest-2';

/** One line of container-manifest-2. */
export interface ManifestEntry {
  name: string;
  /** VERSION-RELEASE. */
  versionRelease: string;
  installTime: number;
  buildTime: number;
  /** "(none)" when the package has no vendor, as rpm prints it. */
  vendor: string;
  /** SIZE ("(none)" for packages over 4 GiB, which only have LONGSIZE). */
  size: string;
  arch: string;
  epochNum: number;
  sourceRpm: string;
}

const none = (v: string | number | undefined): string => (v === undefined || v === '' ? '(none)' : String(v));

/** The manifest entry of an installed header (INSTALLTIME from the header, as rpm prints it). */
export function manifestEntry(h: Header): ManifestEntry {
  return {
    name: h.string(Tag.NAME) ?? '',
    versionRelease: `${h.string(Tag.VERSION) ?? ''}-${h.string(Tag.RELEASE) ?? ''}`,
    installTime: h.number(Tag.INSTALLTIME) ?? 0,
    buildTime: h.number(Tag.BUILDTIME) ?? 0,
    vendor: none(h.string(Tag.VENDOR)),
    size: none(h.number(Tag.SIZE)),
    arch: none(h.string(Tag.ARCH)),
    epochNum: h.number(Tag.EPOCH) ?? 0,
    sourceRpm: none(h.string(Tag.SOURCERPM)),
  };
}

/** `rpm -qa` NEVRA: name-version-release.arch (epoch is not shown by the default query format). */
function nevraLine(h: Header): string {
  return `${h.string(Tag.NAME)}-${h.string(Tag.VERSION)}-${h.string(Tag.RELEASE)}.${h.string(Tag.ARCH) ?? '(none)'}`;
}

export function formatManifest1(headers: readonly Header[]): string {
  return headers.map((h) => `${nevraLine(h)}\n`).join('');
}

export function formatManifest2(entries: readonly ManifestEntry[]): string {
  return entries
    .map((e) => [e.name, e.versionRelease, e.installTime, e.buildTime, e.vendor, '(none)', e.size, e.arch, e.epochNum, e.sourceRpm].join('\t') + '\n')
    .join('');
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

export function parseManifest2(text: string, what = MANIFEST_2): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const f = line.split('\t');
    if (f.length !== 10) throw new ManifestError(`${what}:${i + 1}: expected 10 tab-separated fields, found ${f.length}`);
    const num = (s: string, field: string): number => {
      // Quoted and clipped: the field is untrusted text (a \r, a megabyte of digits).
      const shown = JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
      if (!/^[0-9]+$/.test(s)) throw new ManifestError(`${what}:${i + 1}: ${field} ${shown} is not a number`);
      const n = Number(s);
      if (!Number.isSafeInteger(n)) throw new ManifestError(`${what}:${i + 1}: ${field} ${shown} is out of range`);
      return n;
    };
    out.push({
      name: f[0],
      versionRelease: f[1],
      installTime: num(f[2], 'install time'),
      buildTime: num(f[3], 'build time'),
      vendor: f[4],
      size: f[6],
      arch: f[7],
      epochNum: num(f[8], 'epoch'),
      sourceRpm: f[9],
    });
  });
  return out;
}

/** Writes both manifests for installed headers (install order) into `dir` (a host path); returns their paths. */
export async function writeRpmManifests(dir: string, installed: readonly Header[]): Promise<string[]> {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const p1 = join(dir, MANIFEST_1);
  const p2 = join(dir, MANIFEST_2);
  await writeFileAtomic(p1, formatManifest1(installed));
  await writeFileAtomic(p2, formatManifest2(installed.map(manifestEntry)));
  return [p1, p2];
}

/** The packages a distroless root's container-manifest-2 lists, or undefined when it has none. */
export function readRpmManifest(root: string): ManifestEntry[] | undefined {
  const path = new RootFs(root).hostPath(`${MANIFEST_DIR}/${MANIFEST_2}`, { followFinal: true });
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return parseManifest2(text, path);
}
