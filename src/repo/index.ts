// Public surface of the repository domain: the rpm-md model, its codecs, publishing, reading
// (local or remote, verified), querying and comparing. The CLI imports the pieces it needs directly
// so that each command loads only what it uses.
export * from './model.ts';
export * from './compression.ts';
export * from './record/index.ts';
export * from './xml-write.ts';
export * from './xml-read/index.ts';
export * from './repomd.ts';
export * from './updateinfo.ts';
export * from './comps.ts';
export * from './publish/index.ts';
export * from './source/repo-file.ts';
export { RepoFetchError } from './source/fetch.ts';
export { openRepository, fetchPackage, type OpenedRepository, type OpenOptions } from './source/open.ts';
export { signRepomd, verifyRepomdSignature, RepoSignatureError } from './source/signature.ts';
export * from './load.ts';
export * from './query/index.ts';
export * from './compare.ts';
