// Loads an azldev project: finds azldev.toml, reads it and its includes depth-first (children merge
// over their parent, in include order), and merges every file into one configuration by azldev's
// rules. Layers, later winning: embedded defaults → azldev.toml and its includes → --config-file.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { decodeTable, type DecodeContext } from './decode.ts';
import { displayPath, ProjectConfigError, SourceText } from './errors.ts';
import { expandGlob, isGlobPattern } from './glob.ts';
import { cloneValue, mergeTable } from './merge.ts';
import type { ComponentConfig, ConfigFileData, ProjectConfig } from './model.ts';
import { COMPONENT, CONFIG_FILE, DISTRO, PACKAGE_CONFIG, PROJECT_INFO, TOOLS } from './schema.ts';
import { validateConfigFile, validateProject, type Declarations } from './validate.ts';

export const CONFIG_FILE_NAME = 'azldev.toml';

export interface LoadOptions {
  /** Accept unknown fields (dropped with a warning), as azldev's --permissive-config. */
  permissive?: boolean;
  /** Leave out the embedded defaults (azldev's --no-default-config). */
  noDefaults?: boolean;
  /** More config files merged over the project's, in order (azldev's --config-file). */
  configFiles?: string[];
}

export interface Project {
  /** The directory holding azldev.toml; project-relative defaults are taken from here. */
  rootDir: string;
  configFile: string;
  config: ProjectConfig;
  /** Every file read, in merge order. */
  files: string[];
  declarations: Declarations;
  /** The text of every file read (for locating keys in later messages). */
  sources: Map<string, SourceText>;
  /** Problems tolerated under --permissive-config. */
  warnings: string[];
  permissive: boolean;
}

/**
 * azldev's embedded defaults (defaultconfigs/content/defaults.toml): the author e-mail, the Image
 * Customizer container, and the two standard repo-set layouts.
 */
const EMBEDDED_DEFAULTS: ConfigFileData = {
  project: { defaultAuthorEmail: 'azurelinux@microsoft.com' },
  tools: { imageCustomizer: { containerTag: 'mcr.microsoft.com/azurelinux/imagecustomizer:1' } },
  resources: {
    rpmRepoSetTemplates: {
      'azl-standard': {
        description: 'Standard base/sdk x binary/debug/source layout',
        subrepos: [
          { name: 'base', kind: 'binary', subpath: 'base/$basearch' },
          { name: 'base-debug', kind: 'debug', subpath: 'base/debuginfo/$basearch' },
          { name: 'base-src', kind: 'source', subpath: 'base/srpms' },
          { name: 'sdk', kind: 'binary', subpath: 'sdk/$basearch' },
          { name: 'sdk-debug', kind: 'debug', subpath: 'sdk/debuginfo/$basearch' },
          { name: 'sdk-src', kind: 'source', subpath: 'sdk/srpms' },
        ],
      },
      'koji-dist-repo': {
        description: 'Koji dist-repo layout: per-arch binary + debug trees plus a src/ tree',
        subrepos: [
          { name: 'binary', kind: 'binary', subpath: '$basearch' },
          { name: 'debug', kind: 'debug', subpath: '$basearch/debug' },
          { name: 'src', kind: 'source', subpath: 'src' },
        ],
      },
    },
  },
};

/** The azldev.toml for `start`: the file itself, or the nearest one in it or a parent directory. */
export function findProjectConfig(start: string): string {
  const abs = resolve(start);
  if (existsSync(abs) && statSync(abs).isFile()) return abs;
  for (let dir = abs; ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new ProjectConfigError(`no ${CONFIG_FILE_NAME} in ${displayPath(abs)} or any parent directory (give the project directory with -C DIR)`);
}

interface LoadedFile {
  source: SourceText;
  dir: string;
  data: ConfigFileData;
}

/** Parses and type-checks one config file. */
export function readConfigFile(path: string, ctx: { permissive: boolean; warnings: string[] }): LoadedFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ProjectConfigError(`${displayPath(path)}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const source = new SourceText(path, text);
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    if (e instanceof TomlError) {
      const reason = e.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
      throw new ProjectConfigError(`${displayPath(path)}:${e.line}:${e.column}: invalid TOML: ${reason}`);
    }
    throw e;
  }
  const decodeCtx: DecodeContext = { source, ...ctx };
  const data = decodeTable(CONFIG_FILE, raw, [], decodeCtx) as ConfigFileData;
  validateConfigFile(source, data);
  return { source, dir: dirname(path), data };
}

/** The file and its includes, depth-first: each file comes before the files it includes. */
function readWithIncludes(path: string, ctx: { permissive: boolean; warnings: string[] }, stack: string[], loaded: Map<string, string>): LoadedFile[] {
  const file = readConfigFile(path, ctx);
  loaded.set(path, stack.at(-1) ?? '');
  const out = [file];
  file.data.includes?.forEach((pattern, i) => {
    const matches = expandGlob(file.dir, pattern);
    if (matches.length === 0 && !isGlobPattern(pattern)) {
      throw file.source.error(['includes', i], `include "${pattern}" not found (${displayPath(resolve(file.dir, pattern))})`);
    }
    for (const m of matches) {
      if (m === path || stack.includes(m)) throw file.source.error(['includes', i], `circular include: "${pattern}" includes ${displayPath(m)}, which includes this file`);
      if (loaded.has(m)) throw file.source.error(['includes', i], `"${pattern}" includes ${displayPath(m)} a second time (already included by ${displayPath(loaded.get(m) || m)})`);
      out.push(...readWithIncludes(m, ctx, [...stack, path], loaded));
    }
  });
  return out;
}

/** Makes `obj[key]` absolute against `dir` when it is set (azldev WithAbsolutePaths). */
function absKey<T extends object>(obj: T | undefined, key: keyof T, dir: string): void {
  const v = obj?.[key];
  if (obj && typeof v === 'string' && v) (obj as Record<keyof T, unknown>)[key] = resolve(dir, v);
}

/** Component paths written relative to their file become absolute (overlay-files stay as written). */
function absolutizeComponent(c: ComponentConfig | undefined, dir: string): void {
  absKey(c?.spec, 'path', dir);
  for (const o of c?.overlays ?? []) absKey(o, 'source', dir);
}

function absolutize(data: ConfigFileData, dir: string): void {
  for (const k of ['logDir', 'workDir', 'outputDir', 'renderedSpecsDir', 'lockDir'] as const) absKey(data.project, k, dir);
  for (const d of Object.values(data.distros ?? {})) {
    for (const v of Object.values(d.versions ?? {})) {
      absolutizeComponent(v.defaultComponentConfig, dir);
      for (const k of ['mockConfig', 'mockConfigX86_64', 'mockConfigAarch64'] as const) absKey(v, k, dir);
    }
  }
  for (const g of Object.values(data.componentGroups ?? {})) {
    if (g.specs) g.specs = g.specs.map((s) => resolve(dir, s));
    if (g.excludedPaths) g.excludedPaths = g.excludedPaths.map((s) => resolve(dir, s));
    absolutizeComponent(g.defaultComponentConfig, dir);
  }
  for (const c of Object.values(data.components ?? {})) absolutizeComponent(c, dir);
  absolutizeComponent(data.defaultComponentConfig, dir);
  for (const i of Object.values(data.images ?? {})) absKey(i.definition, 'path', dir);
  for (const t of Object.values(data.testSuites ?? {})) absKey(t.pytest, 'workingDir', dir);
  // A gpg-key is a URI, or a path relative to its file.
  for (const r of [...Object.values(data.resources?.rpmRepos ?? {}), ...Object.values(data.resources?.rpmRepoSets ?? {})]) {
    if (r.gpgKey && !/^[a-z][a-z0-9+.-]*:\/\//i.test(r.gpgKey)) absKey(r, 'gpgKey', dir);
  }
}

function emptyConfig(): ProjectConfig {
  return {
    project: {},
    distros: {},
    resources: {},
    componentGroups: {},
    components: {},
    images: {},
    tools: {},
    defaultComponentConfig: {},
    defaultPackageConfig: {},
    packageGroups: {},
    testSuites: {},
  };
}

type UnionKind = keyof Declarations;
const UNION_SECTIONS: Array<[UnionKind, string, string]> = [
  ['componentGroups', 'component-groups', 'component group'],
  ['components', 'components', 'component'],
  ['images', 'images', 'image'],
  ['packageGroups', 'package-groups', 'package group'],
  ['testSuites', 'test-suites', 'test suite'],
];

function mergeFile(config: ProjectConfig, decl: Declarations, file: LoadedFile): void {
  const { data, source } = file;
  absolutize(data, file.dir);
  if (data.project) mergeTable(PROJECT_INFO, config.project, data.project, { appendArrays: false });
  for (const [name, d] of Object.entries(data.distros ?? {})) {
    config.distros[name] = mergeTable(DISTRO, config.distros[name] ?? {}, d, { appendArrays: false });
  }
  for (const [kind, key, what] of UNION_SECTIONS) {
    const entries = (data[kind] ?? {}) as Record<string, unknown>;
    const target = config[kind] as Record<string, unknown>;
    for (const [name, value] of Object.entries(entries)) {
      const first = decl[kind].get(name);
      if (first) {
        throw source.error([key, name], `duplicate ${what} "${name}" (also defined at ${first.where([key, name])})`);
      }
      decl[kind].set(name, source);
      target[name] = value;
    }
  }
  if (data.tools) mergeTable(TOOLS, config.tools, data.tools, { appendArrays: false });
  mergeTable(COMPONENT, config.defaultComponentConfig, data.defaultComponentConfig, { appendArrays: true });
  mergeTable(PACKAGE_CONFIG, config.defaultPackageConfig, data.defaultPackageConfig, { appendArrays: false });
  // resources: each named entry is replaced whole by a later file's entry of the same name.
  for (const k of ['rpmRepos', 'rpmRepoSetTemplates', 'rpmRepoSets'] as const) {
    const entries = data.resources?.[k];
    if (entries) config.resources[k] = { ...config.resources[k], ...entries } as never;
  }
}

/** Loads the project at `start` (a directory inside the project, or its azldev.toml). */
export function loadProject(start: string, opts: LoadOptions = {}): Project {
  const configFile = findProjectConfig(start);
  const rootDir = dirname(configFile);
  const ctx = { permissive: Boolean(opts.permissive), warnings: [] as string[] };
  const config = emptyConfig();
  const declarations: Declarations = {
    components: new Map(),
    componentGroups: new Map(),
    images: new Map(),
    testSuites: new Map(),
    packageGroups: new Map(),
  };
  const files: string[] = [];
  const sources = new Map<string, SourceText>();
  if (!opts.noDefaults) {
    mergeFile(config, declarations, { source: new SourceText('<embedded azldev defaults>', ''), dir: rootDir, data: cloneValue(EMBEDDED_DEFAULTS) });
  }
  const loaded = new Map<string, string>();
  for (const top of [configFile, ...(opts.configFiles ?? []).map((f) => resolve(f))]) {
    for (const file of readWithIncludes(top, ctx, [], loaded)) {
      mergeFile(config, declarations, file);
      files.push(file.source.path);
      sources.set(file.source.path, file.source);
    }
  }
  try {
    validateProject(config, declarations);
  } catch (e) {
    // As azldev: whole-project checks only warn under --permissive-config (per-file checks still fail).
    if (!(e instanceof ProjectConfigError) || !ctx.permissive) throw e;
    ctx.warnings.push(`${e.message} (ignored: --permissive-config)`);
  }
  // Project-relative defaults for unset paths (azldev ApplyProjectDefaults).
  const p = config.project;
  p.logDir ??= join(rootDir, 'build/logs');
  p.workDir ??= join(rootDir, 'build/work');
  p.outputDir ??= join(rootDir, 'out');
  p.lockDir ??= join(rootDir, 'locks');
  p.renderedSpecsDir ??= join(rootDir, 'specs');
  return { rootDir, configFile, config, files, declarations, sources, warnings: ctx.warnings, permissive: ctx.permissive };
}
