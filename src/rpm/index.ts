// Public surface of the RPM domain: read, verify and write RPM packages.
export * from './header.ts';
export * from './tags.ts';
export * from './package.ts';
export * from './model.ts';
export * from './cpio.ts';
export * from './payload.ts';
export * from './extract.ts';
export * from './evr.ts';
export * from './depmatch.ts';
export * from './richdep.ts';
export * from './verify.ts';
export * from './write/index.ts';
export * from './verify-pool.ts';
