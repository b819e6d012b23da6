// The one error the keystore throws for problems the user can act on (bad name, bad key data,
// permissions). Its message is a single line and never contains key material or passphrases.

export class KeystoreError extends Error {
  override name = 'KeystoreError';
}
