// Worker thread for verify-pool.ts: verifies the paths it is sent with the keys it was started with.
import { parentPort, workerData } from 'node:worker_threads';
import { readKeyring } from './openpgp/index.ts';
import { type VerifyOptions, verifyPackage } from './verify.ts';

const { keyFiles, opts } = workerData as { keyFiles: string[]; opts: VerifyOptions };
const keyring = keyFiles.length ? await readKeyring(keyFiles) : undefined;
parentPort!.on('message', async ({ i, path }: { i: number; path: string }) => {
  parentPort!.postMessage({ i, result: await verifyPackage(path, keyring, opts) });
});
