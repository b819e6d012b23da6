// Strata's signing keystore: OpenPGP keys for signing packages and repository metadata, kept in
// $STRATA_KEYS_DIR (else $XDG_CONFIG_HOME/strata/keys, else ~/.config/strata/keys), one 0700 directory
// with NAME.pub.asc and NAME.secret.asc (0600) per key, written atomically and checked on every read.

export { KeystoreError } from './errors.ts';
export { checkKeyName, isValidKeyName, keystoreDir, writeFileAtomic } from './store.ts';
export type { KeystoreOptions } from './store.ts';
export {
  deleteKey, exportKey, generateKey, getKey, importKey, listKeys, parseExpires, resolveSigningKey, RSA_BITS,
} from './keystore.ts';
export type {
  ExportKeyOptions, GenerateKeyOptions, ImportKeyOptions, KeyAlgorithm, KeyInfo, SigningKey,
} from './keystore.ts';
