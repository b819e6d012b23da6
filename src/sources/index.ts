// Component sources: dist-git clones, `sources` files and verified lookaside downloads.
export * from './sources-file.ts';
export * from './urls.ts';
export * from './distgit.ts';
export * from './lookaside.ts';
export * from './dirdiff.ts';
