// Setup for `npm run example`: what git cannot store, made at run time.
// 1. The hard link root/usr/bin/hello-again → hello (git checks out hard links as separate files).
// 2. A throwaway RSA signing key in OUT_DIR (example-key.asc secret, example-key.pub public),
//    so the example package is signed and `strata rpm verify --key` checks a real signature.
import { existsSync, linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';

const outDir = process.argv[2] ?? 'examples/out';
const bin = new URL('./root/usr/bin/', import.meta.url).pathname;
rmSync(join(bin, 'hello-again'), { force: true });
linkSync(join(bin, 'hello'), join(bin, 'hello-again'));

mkdirSync(outDir, { recursive: true });
if (!existsSync(join(outDir, 'example-key.asc'))) {
  // A v4 RSA key: what rpm 4.18 verifies everywhere (RFC 9580 v6 keys are too new for it).
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'rsa',
    rsaBits: 2048,
    userIDs: [{ name: 'Strata example signing key', email: 'strata@example.com' }],
    format: 'armored',
  });
  writeFileSync(join(outDir, 'example-key.asc'), privateKey, { mode: 0o600 });
  writeFileSync(join(outDir, 'example-key.pub'), publicKey);
}
