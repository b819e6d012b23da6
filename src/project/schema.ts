// Every field azldev's config accepts (its Go structs in internal/projectconfig are the authority),
// with its TOML type. The decoder checks files against these tables, and the merge rules walk them
// to tell a struct (merged field by field) from a map (merged key by key).

export type FieldSpec =
  | { kind: 'string' }
  | { kind: 'bool' }
  | { kind: 'int' }
  /** An array of strings; `replace` = a later layer's list replaces the earlier one even when empty. */
  | { kind: 'strings'; replace?: boolean }
  | TableSpec
  /** A table whose keys are names (components, defines, versions…), every value of one type. */
  | { kind: 'map'; value: FieldSpec }
  /** An array of tables (`[[x]]` or an inline array of `{ … }`). */
  | { kind: 'tables'; item: TableSpec };

export interface TableSpec {
  kind: 'table';
  /** TOML key → field. */
  fields: Record<string, FieldSpec>;
  /** TOML key → property name in the typed records. */
  props: Record<string, string>;
  /** Property name → TOML key (for writing TOML back). */
  keys: Record<string, string>;
  /** Items get an `origin` (file, line, index): overlays. */
  withOrigin?: boolean;
}

const PROP_OVERRIDES: Record<string, string> = {
  'mock-config-x86_64': 'mockConfigX86_64',
  $schema: '$schema',
};

/** `upstream-commit` → upstreamCommit, `skip_reason` → skipReason. */
export function propName(key: string): string {
  return PROP_OVERRIDES[key] ?? key.replace(/[-_]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function table(fields: Record<string, FieldSpec>, opts: { withOrigin?: boolean } = {}): TableSpec {
  const props: Record<string, string> = {};
  const keys: Record<string, string> = {};
  for (const k of Object.keys(fields)) {
    props[k] = propName(k);
    keys[props[k]] = k;
  }
  return { kind: 'table', fields, props, keys, ...opts };
}

export const str = { kind: 'string' } as const;
export const bool = { kind: 'bool' } as const;
export const int = { kind: 'int' } as const;
export const strs = { kind: 'strings' } as const;
export const map = (value: FieldSpec): FieldSpec => ({ kind: 'map', value });
export const tables = (item: TableSpec): FieldSpec => ({ kind: 'tables', item });

const distroReference = table({ name: str, version: str, snapshot: str });
const urlRefs = tables(table({ url: str }));

export const OVERLAY_METADATA = table({ category: str, commits: urlRefs, bugs: urlRefs, 'upstream-status': str });

export const OVERLAY = table(
  {
    type: str,
    description: str,
    file: str,
    archive: str,
    section: str,
    package: str,
    tag: str,
    value: str,
    regex: str,
    replacement: str,
    lines: strs,
    source: str,
    metadata: OVERLAY_METADATA,
  },
  { withOrigin: true },
);

const packageConfig = table({
  publish: table({ 'rpm-channel': str, 'debuginfo-channel': str, channel: str }),
});

export const COMPONENT = table({
  spec: table({ type: str, path: str, 'upstream-distro': distroReference, 'upstream-name': str, 'upstream-commit': str }),
  release: table({ calculation: str }),
  overlays: tables(OVERLAY),
  'overlay-files': { kind: 'strings', replace: true },
  build: table({
    with: strs,
    without: strs,
    defines: map(str),
    undefines: strs,
    'emit-upstream-provenance': bool,
    check: table({ skip: bool, skip_reason: str }),
    failure: table({ expected: bool, 'expected-reason': str }),
    hints: table({ expensive: bool }),
  }),
  render: table({ 'skip-file-filter': bool }),
  'source-files': tables(
    table({
      filename: str,
      hash: str,
      'hash-type': str,
      origin: table({ type: str, uri: str, script: str, 'mock-packages': strs, inputs: strs }),
      'replace-upstream': bool,
      'replace-reason': str,
    }),
  ),
  packages: map(packageConfig),
  publish: table({ 'rpm-channel': str, 'srpm-channel': str, 'debuginfo-channel': str }),
});

const distroInputs = tables(table({ repo: str, set: str }));

export const DISTRO = table({
  description: str,
  'default-version': str,
  'dist-git-base-uri': str,
  'lookaside-base-uri': str,
  repos: tables(table({ 'base-uri': str })),
  'disable-origins': bool,
  versions: map(
    table({
      description: str,
      'release-ver': str,
      'dist-git-branch': str,
      'default-component-config': COMPONENT,
      'mock-config': str,
      'mock-config-x86_64': str,
      'mock-config-aarch64': str,
      inputs: table({ 'rpm-build': distroInputs, 'image-build': distroInputs }),
    }),
  ),
});

export const PROJECT_INFO = table({
  description: str,
  'log-dir': str,
  'work-dir': str,
  'output-dir': str,
  'rendered-specs-dir': str,
  'lock-dir': str,
  'default-distro': distroReference,
  'default-author-email': str,
});

export const COMPONENT_GROUP = table({
  description: str,
  metadata: OVERLAY_METADATA,
  components: strs,
  specs: strs,
  'excluded-paths': strs,
  'default-component-config': COMPONENT,
});

export const IMAGE = table({
  description: str,
  definition: table({ type: str, path: str, profile: str }),
  // Later azldev adds wsl, installer-media, fips-enabled and cvm (and image architectures).
  capabilities: table({
    'machine-bootable': bool,
    container: bool,
    systemd: bool,
    'runtime-package-management': bool,
    wsl: bool,
    'installer-media': bool,
    'fips-enabled': bool,
    cvm: bool,
  }),
  architectures: strs,
  tests: table({ 'test-suites': tables(table({ name: str })) }),
  publish: table({ channels: strs }),
});

export const TEST_SUITE = table({
  description: str,
  type: str,
  pytest: table({ 'working-dir': str, 'test-paths': strs, 'extra-args': strs, install: str }),
  lisa: table({
    framework: table({ 'git-url': str, ref: str }),
    'test-cases': strs,
    'pip-pre-install': strs,
    'pip-extras': strs,
    'extra-args': strs,
  }),
});

export const TOOLS = table({ imageCustomizer: table({ containerTag: str }) });

export const RESOURCES = table({
  'rpm-repos': map(
    table({
      description: str,
      type: str,
      'base-uri': str,
      metalink: str,
      'disable-gpg-check': bool,
      'gpg-key': str,
      arches: strs,
    }),
  ),
  'rpm-repo-set-templates': map(
    table({ description: str, subrepos: tables(table({ name: str, subpath: str, kind: str })) }),
  ),
  'rpm-repo-sets': map(
    table({
      description: str,
      template: str,
      'base-uri': str,
      'name-prefix': str,
      'gpg-key': str,
      'disable-gpg-check': bool,
      arches: strs,
      subrepos: strs,
    }),
  ),
});

export const PACKAGE_CONFIG = packageConfig;

export const PACKAGE_GROUP = table({ description: str, packages: strs, 'default-package-config': packageConfig });

/** A whole config file. */
export const CONFIG_FILE = table({
  $schema: str,
  project: PROJECT_INFO,
  includes: strs,
  distros: map(DISTRO),
  resources: RESOURCES,
  'component-groups': map(COMPONENT_GROUP),
  components: map(COMPONENT),
  images: map(IMAGE),
  tools: TOOLS,
  'default-component-config': COMPONENT,
  'default-package-config': packageConfig,
  'package-groups': map(PACKAGE_GROUP),
  'test-suites': map(TEST_SUITE),
});

/** An `NNNN-*.overlay.toml` document: one [metadata] and its [[overlays]]. */
export const OVERLAY_FILE = table({ metadata: OVERLAY_METADATA, overlays: tables(OVERLAY) });

/** A lock file. */
export const LOCK_FILE = table({
  version: int,
  'import-commit': str,
  'upstream-commit': str,
  'manual-bump': int,
  'input-fingerprint': str,
  'resolution-input-hash': str,
});
