// `strata rpm verify`: check package digests and signatures like `rpmkeys -Kv`, refusing unsigned or
// unverifiable packages unless told otherwise.

import { type VerifyResult, formatRpmkeysLine, formatRpmkeysReport, verifyPackages } from '../rpm/index.ts';
import { CliError } from './errors.ts';
import type { Command } from './command.ts';
import { loadKeyring } from './keys.ts';

export const verifyCommand: Command = {
  name: 'rpm verify',
  summary: 'Verify package digests and signatures (like rpmkeys -Kv); unsigned or unverifiable packages fail',
  usage: '[--key FILE]... [--nosignature] [--nodigest] [--allow-unsigned] [--brief] FILE...',
  optionHelp: [
    ['--key FILE', 'trusted OpenPGP public key (armored or binary; repeatable)'],
    ['--nosignature', 'do not check signatures (only digests); unsigned packages pass'],
    ['--nodigest', 'do not check digests'],
    ['--allow-unsigned', 'check signatures that are present but do not require one (plain rpmkeys -K)'],
    ['--brief', 'one line per package, like rpmkeys -K'],
    ['-j, --jobs N', 'worker threads for large batches (default: all cores)'],
  ],
  examples: [
    'strata rpm verify --key RPM-GPG-KEY-fedora hello-2.0-1.x86_64.rpm',
    'strata rpm verify --nosignature -o json *.rpm',
  ],
  options: {
    key: { type: 'string', multiple: true },
    nosignature: { type: 'boolean' },
    nodigest: { type: 'boolean' },
    'allow-unsigned': { type: 'boolean' },
    brief: { type: 'boolean' },
    jobs: { type: 'string', short: 'j' },
  },
  minArgs: 1,
  async run({ out }, values, files) {
    const keyFiles = (values.key as string[] | undefined) ?? [];
    const keyring = await loadKeyring(keyFiles, out);
    const opts = {
      noSignature: Boolean(values.nosignature),
      noDigest: Boolean(values.nodigest),
      requireSignature: !values['allow-unsigned'],
    };

    const results: VerifyResult[] = new Array(files.length);
    const progress = out.progress('verifying', files.length);
    let printed = 0;
    const json = out.format === 'json';
    // Results print in argument order as soon as every earlier one is known.
    const flush = (): void => {
      while (printed < files.length && results[printed]) {
        const r = results[printed++];
        if (json) continue;
        if (values.brief) out.line(formatRpmkeysLine(r));
        else out.line(formatRpmkeysReport(r).trimEnd());
      }
    };
    const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
    if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) throw new CliError('--jobs: expected a whole number >= 1', 2);
    await verifyPackages(files, keyring, { ...opts, jobs, keyFiles }, (i, r) => {
      results[i] = r;
      progress.tick();
      if (!json) {
        progress.done();
        flush();
      }
    });
    progress.done();
    if (json) out.json(results.length === 1 ? results[0] : results);

    const failed = results.filter((r) => !r.ok);
    if (failed.length) {
      out.info(`strata: ${failed.length} of ${results.length} package(s) failed verification`);
      return 1;
    }
  },
};
