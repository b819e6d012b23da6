// Deterministic tar archives of image roots: ordered entries, numeric owners, pax headers for long
// names and xattrs, clamped mtimes, hard links, devices; streamed into .tar.gz with OCI digests.
export { TarWriteError, encodeTarHeader, sourceDateEpoch, type TarHeaderInput, type TarItemType } from './header.ts';
export { walkTree, deviceNumbers, type TarItem, type ExtraFile, type TreeWalkOptions } from './tree.ts';
export { tarBytes, writeTarball, writeTarFile, type TarballOptions, type TarballResult } from './stream.ts';
export { readTreeXattrs, parseGetfattrDump, HOST_XATTRS, type Xattrs } from './xattr.ts';
