// Writing RPM packages: headers, cpio payloads, whole packages (pack) and header signatures (sign).
export { HeaderBuilder } from './header-writer.ts';
export { CpioWriter, archiveOrder, type ArchiveFile, type ArchiveStep, type CpioHeader } from './cpio.ts';
export { packRpm, type PackOptions, type PackResult } from './pack.ts';
export { PackInputError, parseDependency } from './deps.ts';
export type { PackSpec, FileOverride, ChangelogInput, DepInput, ScriptInput } from './spec.ts';
export { loadPackToml, packTomlFromDoc, type PackToml } from './pack-toml.ts';
export { COMPRESSORS, type CompressorName } from './compress.ts';
export { signRpm, type SignRpmOptions, type SignRpmResult } from './sign.ts';
