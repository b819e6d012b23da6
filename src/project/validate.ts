// The semantic checks azldev makes when it loads config (ConfigFile.Validate, ProjectConfig.Validate),
// each reported at the file and line of the offending key. Overlay per-type rules are checked by
// src/overlay, not here.

import { checkOverlayMetadata } from '../overlay/validate.ts';
import type { SourceText } from './errors.ts';
import type { ComponentConfig, ConfigFileData, OverlayMetadata, ProjectConfig, TestSuiteConfig } from './model.ts';
import type { TomlPath } from './toml-positions.ts';

/** The reason overlay metadata is invalid, or undefined (azldev overlay_metadata.go; src/overlay owns the rules). */
export const overlayMetadataProblem: (m: OverlayMetadata) => string | undefined = checkOverlayMetadata;

function checkComponent(src: SourceText, path: TomlPath, c: ComponentConfig, perComponent: boolean): void {
  function at(p: TomlPath, msg: string): never {
    throw src.error([...path, ...p], msg);
  }
  const spec = c.spec;
  if (spec?.type && spec.type !== 'local' && spec.type !== 'upstream') at(['spec', 'type'], `spec type must be "local" or "upstream", not "${spec.type}"`);
  if (spec?.type === 'local' && spec.upstreamName) at(['spec', 'upstream-name'], 'upstream-name is only valid for upstream specs');
  if (spec?.type === 'local' && spec.upstreamCommit) at(['spec', 'upstream-commit'], 'upstream-commit is only valid for upstream specs');
  if (spec?.upstreamCommit && !/^[0-9a-fA-F]{7,40}$/.test(spec.upstreamCommit)) {
    at(['spec', 'upstream-commit'], `upstream-commit "${spec.upstreamCommit}" must be 7 to 40 hex digits`);
  }
  if (perComponent && spec?.upstreamDistro?.snapshot) {
    at(['spec', 'upstream-distro', 'snapshot'], 'a per-component snapshot is not allowed: set it on the distro or group default-component-config, or pin upstream-commit');
  }
  const calc = c.release?.calculation;
  if (calc && !['auto', 'autorelease', 'static', 'manual'].includes(calc)) {
    at(['release', 'calculation'], `release calculation must be auto, autorelease, static or manual, not "${calc}"`);
  }
  if (c.build?.check?.skip && !c.build.check.skipReason) at(['build', 'check', 'skip'], 'check.skip = true requires check.skip_reason');
  if (c.build?.failure?.expected && !c.build.failure.expectedReason) at(['build', 'failure', 'expected'], 'failure.expected = true requires failure.expected-reason');
  const seen = new Set<string>();
  c.sourceFiles?.forEach((f, i) => {
    const p = (k: string): TomlPath => ['source-files', i, k];
    const filename = f.filename ?? '';
    if (!filename || filename.includes('/') || filename === '.' || filename === '..') at(p('filename'), `source file needs a plain "filename", not "${filename}"`);
    if (seen.has(filename)) at(p('filename'), `duplicate source file "${f.filename}"`);
    seen.add(filename);
    if (f.hashType && f.hashType !== 'SHA256' && f.hashType !== 'SHA512') at(p('hash-type'), `hash-type must be SHA256 or SHA512, not "${f.hashType}"`);
    if (f.hash && !f.hashType) at(p('hash'), 'a hash needs a hash-type');
    if (f.replaceUpstream && !f.replaceReason?.trim()) at(p('replace-upstream'), 'replace-upstream = true requires a replace-reason');
    if (!f.replaceUpstream && f.replaceReason) at(p('replace-reason'), 'replace-reason is only valid with replace-upstream = true');
    const o = f.origin;
    if (!o?.type) at([...p('origin')], `source file "${f.filename}" needs an origin (type download, custom or overlay)`);
    else if (o.type === 'download' && !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(o.uri ?? '')) at(p('origin'), `origin type "download" needs a "uri" with a scheme`);
    else if (o.type === 'custom' && !o.script) at(p('origin'), 'origin type "custom" needs a "script"');
    else if (o.type === 'overlay' && !f.replaceUpstream) at(p('origin'), 'origin type "overlay" requires replace-upstream = true');
    else if (!['download', 'custom', 'overlay'].includes(o.type)) at(p('origin'), `unknown origin type "${o.type}"`);
    if (o?.type !== 'custom' && (o?.script || o?.mockPackages?.length || o?.inputs?.length)) at(p('origin'), 'script, mock-packages and inputs are only valid for origin type "custom"');
    if (o?.type !== 'download' && o?.uri) at(p('origin'), '"uri" is only valid for origin type "download"');
  });
}

function checkTestSuite(src: SourceText, name: string, t: TestSuiteConfig): void {
  function at(p: TomlPath, msg: string): never {
    throw src.error(['test-suites', name, ...p], msg);
  }
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name === '.' || name === '..') at([], `invalid test suite name "${name}"`);
  if (t.type === 'pytest') {
    const pytest = t.pytest ?? at(['type'], `test suite "${name}" of type pytest needs a [pytest] table`);
    if (t.lisa) at(['lisa'], `test suite "${name}" of type pytest must not have a [lisa] table`);
    const install = pytest.install ?? 'none';
    if (!['pyproject', 'requirements', 'none'].includes(install)) at(['pytest', 'install'], `pytest install must be pyproject, requirements or none, not "${install}"`);
    if (install !== 'none' && !pytest.workingDir) at(['pytest'], `pytest install "${install}" requires working-dir`);
  } else if (t.type === 'lisa') {
    if (t.pytest) at(['pytest'], `test suite "${name}" of type lisa must not have a [pytest] table`);
    if (t.lisa) {
      if (!t.lisa.framework?.gitUrl) at(['lisa', 'framework'], 'lisa.framework requires git-url');
      if (!/^[0-9a-fA-F]{40}$/.test(t.lisa.framework?.ref ?? '')) at(['lisa', 'framework'], 'lisa.framework.ref must be a 40-hex-digit commit');
      if (!t.lisa.testCases?.length) at(['lisa'], 'lisa requires test-cases');
    }
  } else at(['type'], `test suite type must be pytest or lisa, not "${t.type ?? ''}"`);
}

/** Checks one file's content on its own (before merging). */
export function validateConfigFile(src: SourceText, data: ConfigFileData): void {
  for (const [name, c] of Object.entries(data.components ?? {})) checkComponent(src, ['components', name], c, true);
  if (data.defaultComponentConfig) checkComponent(src, ['default-component-config'], data.defaultComponentConfig, false);
  for (const [name, g] of Object.entries(data.componentGroups ?? {})) {
    if (g.defaultComponentConfig) checkComponent(src, ['component-groups', name, 'default-component-config'], g.defaultComponentConfig, false);
    const problem = g.metadata && overlayMetadataProblem(g.metadata);
    if (problem) throw src.error(['component-groups', name, 'metadata'], `component group "${name}": ${problem}`);
  }
  for (const [d, def] of Object.entries(data.distros ?? {})) {
    for (const [v, ver] of Object.entries(def.versions ?? {})) {
      if (ver.defaultComponentConfig) checkComponent(src, ['distros', d, 'versions', v, 'default-component-config'], ver.defaultComponentConfig, false);
    }
  }
  for (const [name, g] of Object.entries(data.packageGroups ?? {})) {
    const seen = new Set<string>();
    g.packages?.forEach((p, i) => {
      if (!p) throw src.error(['package-groups', name, 'packages', i], `package group "${name}": empty package name`);
      if (seen.has(p)) throw src.error(['package-groups', name, 'packages', i], `package "${p}" appears twice in package group "${name}"`);
      seen.add(p);
    });
  }
  for (const [name, t] of Object.entries(data.testSuites ?? {})) checkTestSuite(src, name, t);
}

/** Where each named entry was declared (for cross-file checks and messages). */
export interface Declarations {
  components: Map<string, SourceText>;
  componentGroups: Map<string, SourceText>;
  images: Map<string, SourceText>;
  testSuites: Map<string, SourceText>;
  packageGroups: Map<string, SourceText>;
}

/** Checks that need the whole merged project (azldev ProjectConfig.Validate). */
export function validateProject(config: ProjectConfig, decl: Declarations): void {
  for (const g of Object.keys(config.componentGroups).sort()) {
    config.componentGroups[g].components?.forEach((member, i) => {
      if (!Object.hasOwn(config.components, member)) {
        throw decl.componentGroups.get(g)!.error(
          ['component-groups', g, 'components', i],
          `component group "${g}" lists "${member}", which is not defined in [components]`,
        );
      }
    });
  }
  const packageOwner = new Map<string, string>();
  for (const g of Object.keys(config.packageGroups).sort()) {
    config.packageGroups[g].packages?.forEach((p, i) => {
      const first = packageOwner.get(p);
      if (first && first !== g) {
        throw decl.packageGroups.get(g)!.error(['package-groups', g, 'packages', i], `package "${p}" is in package groups "${first}" and "${g}"; a package may be in one group only`);
      }
      packageOwner.set(p, g);
    });
  }
  for (const [name, image] of Object.entries(config.images)) {
    image.tests?.testSuites?.forEach((ref, i) => {
      if (!ref.name || !Object.hasOwn(config.testSuites, ref.name)) {
        throw decl.images.get(name)!.error(['images', name, 'tests', 'test-suites', i], `image "${name}" references test suite "${ref.name ?? ''}", which is not defined in [test-suites]`);
      }
    });
  }
}
