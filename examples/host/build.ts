// The ExampleOS container host, end to end: package trees from the build machine's Debian packages
// (prepare.ts) → `strata pack` (packages/*.pack.toml and the busybox example) → a signed
// repository → an image root composed from it without rpmdb (composeRoot, database = manifest) →
// the immutable A/B disk (src/image/host) → optionally a real boot in QEMU.
//   node examples/host/build.ts [--boot] [OUT]        (default OUT: examples/out/host)
// Signing uses the throwaway example key in examples/out (made by examples/hello/prepare.ts).

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { buildHostImage, bootDisk, BOOT_OK_MARKER, type HostImageResult } from '../../src/image/host/index.ts';
import { composeRoot, openRepositories } from '../../src/image/install/index.ts';
import { publishRepository } from '../../src/repo/publish/index.ts';
import { repoConfigFromLocation } from '../../src/repo/source/repo-file.ts';
import { loadPackToml, packRpm } from '../../src/rpm/index.ts';
import { prepareHostTrees } from './prepare.ts';

const HERE = dirname(new URL(import.meta.url).pathname);
const REPO = resolve(HERE, '..', '..');

/** The packages of the host image (each names a pack.toml; busybox is the container examples' one). */
export const HOST_PACKAGES: Record<string, string> = {
  'exampleos-host-base': join(HERE, 'packages/exampleos-host-base.pack.toml'),
  kernel: join(HERE, 'packages/kernel.pack.toml'),
  'systemd-boot': join(HERE, 'packages/systemd-boot.pack.toml'),
  veritysetup: join(HERE, 'packages/veritysetup.pack.toml'),
  busybox: join(REPO, 'examples/images/busybox/pack.toml'),
};

export interface ExampleHostOptions {
  /** Work and output directory (trees/, debs/, repo/, root/, image/). */
  out: string;
  /** Armored OpenPGP secret key (packages and repomd.xml) and its public key. */
  signKey: string;
  publicKey: string;
  sourceDateEpoch: number;
  version?: string;
  /** Also write the slot update payload (image/update.tar). */
  updatePayload?: boolean;
}

/** Makes the package trees under `work` and packs the host's packages into `outputDir`. */
export async function packExampleHostPackages(work: string, outputDir: string, sourceDateEpoch: number): Promise<{ arch: string; kernelVersion: string }> {
  const prepared = prepareHostTrees(work);
  mkdirSync(outputDir, { recursive: true });
  for (const [name, toml] of Object.entries(HOST_PACKAGES)) {
    const t = await loadPackToml(toml);
    t.spec.root = prepared.trees[name];
    await packRpm(t.spec, { outputDir, sourceDateEpoch, ...(t.build.compress ? { compress: t.build.compress } : {}), ...(t.build.level ? { level: t.build.level } : {}) });
  }
  return { arch: prepared.arch, kernelVersion: prepared.kernelVersion };
}

/** Packs, publishes and composes the example host root; returns the root and the installed NEVRAs. */
export async function composeExampleHost(o: ExampleHostOptions): Promise<{ root: string; packages: string[]; arch: string; kernelVersion: string }> {
  const repo = join(o.out, 'repo');
  rmSync(repo, { recursive: true, force: true });
  const prepared = await packExampleHostPackages(o.out, join(repo, 'Packages'), o.sourceDateEpoch);
  await publishRepository(repo, { signingKey: { armored: readFileSync(o.signKey, 'utf8') }, signPackages: true, sourceDateEpoch: o.sourceDateEpoch });
  const root = join(o.out, 'root');
  rmSync(root, { recursive: true, force: true });
  const repos = await openRepositories([repoConfigFromLocation(repo, { id: 'exampleos-host' })], { keyFiles: [o.publicKey], cacheDir: join(o.out, 'repo-cache'), refresh: true });
  const composed = await composeRoot({
    root, packages: Object.keys(HOST_PACKAGES), repos, keyFiles: [o.publicKey], weakDeps: false,
    database: 'manifest', scriptlets: 'skip', sourceDateEpoch: o.sourceDateEpoch, arch: prepared.arch,
  });
  return { root, packages: composed.packages.map((p) => p.nevra), arch: prepared.arch, kernelVersion: prepared.kernelVersion };
}

export async function buildExampleHost(o: ExampleHostOptions): Promise<HostImageResult> {
  const { root, packages, arch } = await composeExampleHost(o);
  return buildHostImage({
    root, outDir: join(o.out, 'image'), workDir: join(o.out, 'work'), id: 'exampleos', version: o.version ?? '1.0', arch,
    sourceDateEpoch: o.sourceDateEpoch, packages, ...(o.updatePayload ? { updatePayload: join(o.out, 'image', 'update.tar') } : {}),
  });
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const boot = args.includes('--boot');
  const out = resolve(args.find((a) => !a.startsWith('--')) ?? join(REPO, 'examples/out/host'));
  const keys = join(REPO, 'examples/out');
  if (!existsSync(join(keys, 'example-key.asc'))) spawnSync(process.execPath, [join(REPO, 'examples/hello/prepare.ts'), keys], { stdio: 'inherit' });
  const r = await buildExampleHost({
    out, signKey: join(keys, 'example-key.asc'), publicKey: join(keys, 'example-key.pub'),
    sourceDateEpoch: Number(process.env.SOURCE_DATE_EPOCH ?? 1767225600), updatePayload: true,
  });
  console.log(`disk ${r.disk.path} (${r.disk.size} bytes, sha256 ${r.disk.sha256})`);
  for (const p of r.disk.partitions) console.log(`  ${String(p.number).padStart(2)} ${p.label.padEnd(13)} ${p.type.padEnd(11)} ${String(p.size).padStart(10)} bytes at ${p.offset}`);
  console.log(`slot A: /usr root hash ${r.slotA.rootHash}, entry loader/entries/${r.slotA.entry}, kernel ${r.kernelVersion}`);
  if (r.update) console.log(`update payload ${r.update.path} (manifest sha256 ${r.update.manifestSha256})`);
  if (boot) {
    const copy = join(out, 'boot', 'disk.raw');
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(r.disk.path, copy);
    const b = await bootDisk({ disk: copy, workDir: join(out, 'boot'), timeoutMs: 300_000 });
    const line = b.console.split('\n').find((l) => l.includes(BOOT_OK_MARKER) || l.includes('STRATA-BOOT-FAIL'));
    console.log(`boot (${b.accel}): ${line?.trim() ?? `no marker${b.timedOut ? ' (timed out)' : ''}`}; console log ${b.log}`);
    if (!line?.includes(BOOT_OK_MARKER)) process.exitCode = 1;
  }
}
