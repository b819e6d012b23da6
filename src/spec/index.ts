// Public surface of the spec domain: a lossless RPM spec parser/printer and the edits azldev's spec
// overlays perform, with azldev's semantics and failure rules (see docs in each module).
export type { Spec, SpecLine, SpecSection, SpecStructure, SpecTagLine, SectionType } from './model.ts';
export { COND_BRANCH, COND_CLOSE, COND_NONE, COND_OPEN } from './model.ts';
export { parseSpec, printSpec, parseSpecBytes, printSpecBytes } from './parse.ts';
export { packageFromHeader } from './classify.ts';
export { SpecEditError } from './edit-support.ts';
export { specPackages, specTags, specTagValue, specSections, type SpecTag, type SpecSectionInfo } from './query.ts';
export { addTag, insertTag, setTag, updateTag, removeTag, tagFamily } from './edit-tags.ts';
export { prependLines, appendLines, searchReplace } from './edit-lines.ts';
export { removeSection, removeSubpackage } from './edit-sections.ts';
export { specPatches, addPatch, removePatches, patchTagNumber, type SpecPatch } from './patches.ts';
