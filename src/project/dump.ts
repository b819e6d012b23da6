// `config dump`: the merged configuration with every component resolved, as JSON (camelCase, with
// overlay origins) or as azldev TOML (its own key names; origins are not configuration).

import { stringify } from 'smol-toml';
import type { Project } from './loader.ts';
import { resolveComponents } from './resolve.ts';
import { CONFIG_FILE, type FieldSpec } from './schema.ts';

/** The whole project as one JSON-ready value. */
export function projectDump(project: Project): Record<string, unknown> {
  const { config } = project;
  const components: Record<string, unknown> = {};
  for (const c of resolveComponents(project)) {
    components[c.name] = { ...(c.configFile ? { configFile: c.configFile } : {}), groups: c.groups, renderedSpecDir: c.renderedSpecDir, ...c.config };
  }
  return {
    rootDir: project.rootDir,
    configFile: project.configFile,
    files: project.files,
    ...configDocument(config, components),
  };
}

/** The configuration file's top-level fields, in its order, with `components` resolved. */
function configDocument(config: Project['config'], components: Record<string, unknown>): Record<string, unknown> {
  return {
    project: config.project,
    distros: config.distros,
    resources: config.resources,
    tools: config.tools,
    defaultComponentConfig: config.defaultComponentConfig,
    defaultPackageConfig: config.defaultPackageConfig,
    componentGroups: config.componentGroups,
    components,
    images: config.images,
    packageGroups: config.packageGroups,
    testSuites: config.testSuites,
  };
}

/** A typed value back in TOML key names (fields the schema does not know are left out). */
function toTomlValue(field: FieldSpec, v: unknown): unknown {
  if (v === undefined) return undefined;
  switch (field.kind) {
    case 'table': {
      const out: Record<string, unknown> = {};
      for (const [prop, x] of Object.entries(v as Record<string, unknown>)) {
        const key = field.keys[prop];
        if (key === undefined) continue;
        const t = toTomlValue(field.fields[key], x);
        if (t !== undefined) out[key] = t;
      }
      return out;
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = toTomlValue(field.value, x);
      return out;
    }
    case 'tables':
      return (v as unknown[]).map((x) => toTomlValue(field.item, x));
    default:
      return v;
  }
}

/** The merged, resolved configuration as one azldev TOML document. */
export function projectDumpToml(project: Project): string {
  const { config } = project;
  const components: Record<string, unknown> = {};
  for (const c of resolveComponents(project)) components[c.name] = c.config;
  const doc = toTomlValue(CONFIG_FILE, configDocument(config, components));
  return stringify(doc);
}
