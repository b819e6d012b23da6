// `strata rpm extract`: unpack a package's files safely (like rpm2cpio | cpio -id, minus the risks).

import { basename } from 'node:path';
import { RpmFormatError, extractPackage } from '../rpm/index.ts';
import type { Command } from './command.ts';
import { CliError } from './errors.ts';

export const extractCommand: Command = {
  name: 'rpm extract',
  summary: 'Extract a package\'s files into a directory, verifying every digest; refuses paths that escape it',
  usage: '[-C DIR] [--force] FILE',
  optionHelp: [
    ['-C, --directory DIR', 'destination (default: the package file name without .rpm)'],
    ['--force', 'replace a non-empty destination'],
  ],
  examples: ['strata rpm extract -C /tmp/hello hello-2.0-1.x86_64.rpm'],
  options: { directory: { type: 'string', short: 'C' }, force: { type: 'boolean' } },
  minArgs: 1,
  maxArgs: 1,
  async run({ out }, values, [file]) {
    const dest = (values.directory as string | undefined) ?? basename(file).replace(/\.rpm$/, '');
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
