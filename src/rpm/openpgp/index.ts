// OpenPGP for RPM signatures: packet parsing (RFC 4880, RFC 9580, draft-ietf-openpgp-pqc composites),
// certificates with subkey binding/revocation/expiry, a keyring, and signature checks over digests that
// the caller computed while streaming a package. Signing is delegated to openpgp.js.
//
// Why not openpgp.js for verification: it wants the signed data itself (not a digest fed chunk by chunk
// while other digests run over the same bytes), it refuses v3 signatures that RPM still carries, and it
// has no ML-DSA. Verification therefore uses node:crypto (RSA, EdDSA, Ed448, ML-DSA) plus BigInt
// arithmetic for DSA/ECDSA, whose node APIs only accept unhashed messages.
//
// This folder splits that work by concern: common.ts (ids, names, byte helpers), packets.ts (packets and
// armor), signature.ts, keys.ts, verify-raw.ts (node:crypto), ecdsa-dsa.ts (BigInt DSA/ECDSA), certs.ts
// (certificates and keyring), check.ts (data signatures against a keyring) and sign.ts (openpgp.js).

export { PgpError, PubkeyAlgo, HashAlgo, SigType, pubkeyAlgoName, hashAlgoName, nodeHashName, toHex } from './common.ts';
export { readPackets, dearmor } from './packets.ts';
export type { Packet, ArmorBlock } from './packets.ts';
export { parseSignatureBody, parseSignaturePacket, signatureHash, finishSignatureDigest } from './signature.ts';
export type { PgpSignature } from './signature.ts';
export { parseKeyBody } from './keys.ts';
export type { KeyParams, PgpKey } from './keys.ts';
export { verifyDigestSignature } from './verify-raw.ts';
export type { RawVerdict } from './verify-raw.ts';
export { ecCurves } from './ecdsa-dsa.ts';
export { parseCerts, Keyring, readKeyring } from './certs.ts';
export type { KeyState, PgpSubkey, PgpCert, KeyEntry } from './certs.ts';
export { checkSignature } from './check.ts';
export type { SignatureStatus, SignatureVerdict } from './check.ts';
export { signDetached, signatureTagFor } from './sign.ts';
export type { SignOptions } from './sign.ts';
