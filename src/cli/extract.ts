// `strata rpm extract`: unpack a package's files safely (like rpm2cpio | cpio -id, minus the risks).

import { basename } from 'node:path';
import { RpmFormatError, extractPackage, verifyPackage } from '../rpm/index.ts';
import type { Command } from './command.ts';
import { CliError } from './errors.ts';
import { loadKeyring } from './keys.ts';

export const extractCommand: Command = {
  name: 'rpm extract',
  summary: 'Extract a package\'s files into a directory, verifying every digest; refuses paths that escape it',
  usage: '[-C DIR] [--force] (--key FILE... | --nosignature) FILE',
  optionHelp: [
    ['-C, --directory DIR', 'destination (default: the package file name without .rpm)'],
    ['--force', 'replace a non-empty destination'],
    ['--key FILE', 'trusted OpenPGP public key; the package must carry a signature it verifies'],
    ['--nosignature', 'extract without checking signatures (digests are still checked)'],
  ],
  examples: [
    'strata rpm extract --key RPM-GPG-KEY -C /tmp/hello hello-2.0-1.x86_64.rpm',
    'strata rpm extract --nosignature -o json local-build.rpm',
  ],
  options: {
    directory: { type: 'string', short: 'C' },
    force: { type: 'boolean' },
    key: { type: 'string', multiple: true },
    nosignature: { type: 'boolean' },
  },
  minArgs: 1,
  maxArgs: 1,
  async run({ out }, values, [file]) {
    const dest = (values.directory as string | undefined) ?? basename(file).replace(/\.rpm$/, '');
    // Untrusted bytes never reach the decompressors: header and payload are verified first.
    const keyring = await loadKeyring((values.key as string[] | undefined) ?? [], out);
    const v = await verifyPackage(file, keyring, { noSignature: Boolean(values.nosignature) });
    if (!v.ok) {
      if (v.error) throw new CliError(`${file}: ${v.error}`);
      const bad = v.checks.find((c) => c.status !== 'OK' && !c.ignored) ?? v.checks[0];
      const hint = bad?.kind === 'signature' ? ' (give --key FILE, or --nosignature to skip signatures)' : '';
      throw new CliError(`${file}: refusing to extract: ${bad ? `${bad.name}: ${bad.status}` : 'verification failed'}${hint}`);
    }
    let r;
    try {
      r = await extractPackage(file, dest, { force: Boolean(values.force) });
    } catch (e) {
      if (e instanceof RpmFormatError) throw new CliError(`${file}: ${e.message}`);
      throw e;
    }
    if (out.format === 'json') return out.json(r);
    out.line(
      `${file}: extracted ${r.files} files, ${r.directories} directories, ${r.symlinks} symlinks, ` +
        `${r.hardlinks} hard links (${r.bytes} bytes) into ${r.destination}`,
    );
    for (const s of r.skipped) out.info(`skipped ${s.path}: ${s.reason}`);
  },
};
