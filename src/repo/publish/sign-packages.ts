// Signing every package of a repository before its metadata is written (the checksums in primary.xml
// must be those of the signed files). Packages the key already signed are recognised from their
// signature header alone, so re-publishing does not re-read every payload.

import { stat } from 'node:fs/promises';
import { parseSignaturePacket, signDetached } from '../../rpm/openpgp/index.ts';
import { readRpmFileHeaders } from '../../rpm/package.ts';
import { SigTag } from '../../rpm/tags.ts';
import type { ScannedPackage } from './scan.ts';

interface Signer {
  keyId: string;
  pubkeyAlgo: number;
  hashAlgo: number;
  version: number;
}

function signerOf(packet: Uint8Array | undefined): Signer | undefined {
  if (!packet) return undefined;
  try {
    const s = parseSignaturePacket(packet);
    return { keyId: s.issuerKeyId ?? s.issuerFingerprint?.slice(-16) ?? '', pubkeyAlgo: s.pubkeyAlgo, hashAlgo: s.hashAlgo, version: s.version };
  } catch {
    return undefined;
  }
}

const same = (a: Signer, b: Signer | undefined): boolean =>
  b !== undefined && a.keyId === b.keyId && a.pubkeyAlgo === b.pubkeyAlgo && a.hashAlgo === b.hashAlgo && a.version === b.version;

/** Signs the packages not yet signed by this key; updates their size/mtime. Returns how many were signed. */
export async function signPackages(
  items: ScannedPackage[],
  key: { armored: string; passphrase?: string },
  date: Date | undefined,
  onDone: () => void,
): Promise<number> {
  const { signRpm } = await import('../../rpm/write/sign.ts');
  const probe = signerOf(await signDetached(Uint8Array.of(0), key.armored, { passphrase: key.passphrase }))!;
  let signed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(2, items.length) }, async () => {
      while (next < items.length) {
        const it = items[next++];
        const h = await readRpmFileHeaders(it.path);
        const existing = signerOf(h.signature.bytes(SigTag.RSA)) ?? signerOf(h.signature.bytes(SigTag.DSA));
        if (!same(probe, existing)) {
          const r = await signRpm(it.path, key.armored, { passphrase: key.passphrase, ...(date ? { date } : {}) });
          if (!r.skipped) {
            signed++;
            const st = await stat(it.path);
            it.size = st.size;
            it.mtime = Math.floor(st.mtimeMs / 1000);
          }
        }
        onDone();
      }
    }),
  );
  return signed;
}
