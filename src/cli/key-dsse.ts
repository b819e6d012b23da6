// `strata key generate-dsse`: the hybrid (Ed25519 + ML-DSA-65) key pair that signs provenance.

import type { Command } from './command.ts';
import { CliError } from './errors.ts';

export const keyGenerateDsse: Command = {
  name: 'key generate-dsse',
  summary: 'Generate the Ed25519 + ML-DSA-65 key pair that signs provenance (NAME.dsse.key 0600, NAME.dsse.pub)',
  usage: '[options] NAME',
  optionHelp: [
    ['--output-dir DIR', 'where the two files go (default: the working directory)'],
    ['--force', 'replace existing files'],
  ],
  examples: ['strata key generate-dsse release --output-dir keys/', 'strata verify out/images/container-base --key keys/release.dsse.pub'],
  options: { 'output-dir': { type: 'string' }, force: { type: 'boolean' } },
  minArgs: 1,
  maxArgs: 1,
  async run({ out }, v, [name]) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new CliError(`key generate-dsse: "${name}" is not a valid key name`);
    const s = await import('../supply/index.ts');
    const paths = s.supplyKeyPaths((v['output-dir'] as string | undefined) ?? '.', name);
    const key = s.generateSupplyKey();
    try {
      await s.writeSupplyKey(paths, key, Boolean(v.force));
    } catch (e) {
      if (e instanceof s.SupplyError) throw new CliError(e.message);
      throw e;
    }
    const ids = s.keyIds(s.publicKeyOf(key));
    if (out.format === 'json') out.json({ secret: paths.secret, public: paths.public, keyIds: ids });
    else out.table(['FILE', 'KEY IDS'], [[paths.secret, ''], [paths.public, Object.entries(ids).map(([a, k]) => `${a} ${k.slice(0, 16)}`).join(', ')]]);
  },
};
