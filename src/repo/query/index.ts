// `dnf repoquery` over rpm-md package records, with dnf 4's matching rules: the public API of this
// folder. Build a PackageIndex once, query it many times (queryPackages, whatProvides, …), then print
// the results through a --qf format (formatQueryResults).
export { QueryError, type QueryPackage } from './types.ts';
export { globRegExp, isGlob } from './glob.ts';
export { formatRepoDep, parseCapability, type Capability } from './capability.ts';
export { PackageIndex, type DepTable } from './package-index.ts';
export { SPEC_FORMS, parseSpec, type SpecForm, type SpecNevra } from './spec.ts';
export { comparePackageEvr, latestPackages } from './latest.ts';
export { queryPackages, whatProvides, whatRequires, type QueryOptions } from './select.ts';
export { DEFAULT_QUERY_FORMAT, QUERY_TAGS, compileQueryFormat, formatQuery, formatQueryResults } from './format.ts';
