// `strata verify ARTIFACT`: re-check an image or repository made by `strata build`.

import type { Command } from './command.ts';
import { CliError } from './errors.ts';

export const verifyArtifact: Command = {
  name: 'verify',
  summary: 'Re-check build outputs: provenance signatures, digests, OCI blobs, the image root against its packages, SBOMs',
  usage: '[options] DIR',
  optionHelp: [
    ['--key FILE', 'trusted provenance public key (NAME.dsse.pub); required'],
    ['--packages DIR', 'the packages a distroless image (no rpmdb) was composed from'],
  ],
  examples: ['strata verify --key keys/release.dsse.pub out/images/container-base', 'strata verify --key keys/release.dsse.pub out/'],
  options: { key: { type: 'string' }, packages: { type: 'string' } },
  minArgs: 1,
  maxArgs: 1,
  async run({ out }, v, [dir]) {
    if (typeof v.key !== 'string') throw new CliError('verify: --key FILE (the provenance public key) is required', 2);
    const { readSupplyPublicKey } = await import('../supply/index.ts');
    const { verifyArtifact: verify } = await import('../pipeline/verify.ts');
    let trusted;
    try {
      trusted = await readSupplyPublicKey(v.key);
    } catch (e) {
      throw new CliError(`--key ${(e as Error).message}`);
    }
    const r = await verify(dir, trusted, { packagesDir: v.packages as string | undefined });
    if (out.format === 'json') out.json({ ok: true, ...r });
    else for (const c of r.checks) out.line(`ok  ${c}`);
  },
};
