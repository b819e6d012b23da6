// Reading rpm-md XML: primary/filelists/other streamed through saxes, producing model objects as each
// <package> closes; small documents (repomd, updateinfo, comps) via parseXmlTree. The public API.

export {
  type FilelistsEntry,
  type MergeOptions,
  type OtherEntry,
  type PackageRef,
  createFilelistsMerger,
  createFilelistsReader,
  createOtherMerger,
  createOtherReader,
  mergeFilelists,
  mergeOther,
} from './filelists-other.ts';
export { createPrimaryReader, parsePrimary } from './primary.ts';
export { type XmlNode, type XmlReader, feedBytes, parseUint, parseXmlTree, repoError, xmlAttr, xmlText } from './xml.ts';
