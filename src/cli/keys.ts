// Loading the user's trusted keys (--key FILE...) for commands that verify packages.
import { type Keyring, PgpError, readKeyring } from '../rpm/index.ts';
import { CliError } from './errors.ts';
import type { Output } from './output.ts';

export async function loadKeyring(keyFiles: string[], out: Output): Promise<Keyring> {
  let keyring: Keyring;
  try {
    keyring = await readKeyring(keyFiles);
  } catch (e) {
    if (e instanceof PgpError) throw new CliError(`--key ${e.message}`);
    const err = e as NodeJS.ErrnoException;
    if (err.code && err.path) throw new CliError(`--key ${err.path}: ${err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')}`);
    throw e;
  }
  for (const c of keyring.certs) {
    if (!c.valid) out.info(`warning: ${c.source}: key ${c.primary.keyId} has no valid self-signature and is ignored`);
    for (const s of c.subkeys) {
      if (!s.state.usable) out.debug(`${c.source}: subkey ${s.key.keyId} not used for signatures: ${s.state.problem}`);
    }
  }
  return keyring;
}
