// Component resolution: each component's effective configuration is its distro version's
// default-component-config, then the project's, then each group's it belongs to (in group-name
// order), then its own — overlays appended, overlay-files replaced — followed by the overlays of
// the overlay documents its overlay-files match (relative to the component's own file).

import { basename, dirname, extname, join } from 'node:path';
import { displayPath, ProjectConfigError } from './errors.ts';
import { expandGlob, globMatch, type DirCache } from './glob.ts';
import type { Project } from './loader.ts';
import { cloneValue, mergeTable } from './merge.ts';
import type { ComponentConfig, DistroDefinition, DistroReference, DistroVersion, Overlay } from './model.ts';
import { checkOverlay } from '../overlay/validate.ts';
import { loadOverlayFiles, type OverlayFileContext } from './overlay-file.ts';
import { COMPONENT } from './schema.ts';

export interface ResolvedComponent {
  name: string;
  /** The file that declared it (absolute), or undefined for a spec found by a group's `specs` glob. */
  configFile?: string;
  /** Groups it belongs to, sorted (the order their defaults apply in). */
  groups: string[];
  /** The effective configuration; overlay-files are expanded into `overlays` and removed. */
  config: ComponentConfig;
  /** `<rendered-specs-dir>/<first letter>/<name>`. */
  renderedSpecDir: string;
}

export interface ResolvedDistro {
  name: string;
  version: string;
  distro: DistroDefinition;
  versionDef: DistroVersion;
}

/** The distro and version a reference names (an unset version means the distro's default-version). */
export function resolveDistroRef(project: Project, ref: DistroReference | undefined): ResolvedDistro {
  const name = ref?.name ?? '';
  const distro = Object.hasOwn(project.config.distros, name) ? project.config.distros[name] : undefined;
  if (!distro) {
    const known = Object.keys(project.config.distros).sort().join(', ') || 'none';
    throw new ProjectConfigError(`${displayPath(project.configFile)}: distro "${name}" is not defined (defined: ${known})`);
  }
  const version = ref?.version || distro.defaultVersion || '';
  if (!version) throw new ProjectConfigError(`${displayPath(project.configFile)}: distro "${name}" has no default-version and none was given`);
  const versionDef = distro.versions && Object.hasOwn(distro.versions, version) ? distro.versions[version] : undefined;
  if (!versionDef) throw new ProjectConfigError(`${displayPath(project.configFile)}: distro "${name}" has no version "${version}"`);
  return { name, version, distro, versionDef };
}

/** The project's default distro, or undefined when the project names none. */
export function defaultDistro(project: Project): ResolvedDistro | undefined {
  const ref = project.config.project.defaultDistro;
  return ref?.name ? resolveDistroRef(project, ref) : undefined;
}

/** The distro a component's spec comes from (its upstream-distro, else the project default). */
export function componentDistro(project: Project, config: ComponentConfig): ResolvedDistro | undefined {
  const ref = config.spec?.upstreamDistro;
  if (ref?.name) return resolveDistroRef(project, ref);
  return defaultDistro(project);
}

/** azldev's load-time overlay checks (src/overlay owns the rules), reported at the declaration. */
function checkDeclaredOverlay(o: Overlay): void {
  const reason = checkOverlay(o);
  if (!reason) return;
  const where = `${displayPath(o.origin.file)}${o.origin.line ? `:${o.origin.line}` : ''}`;
  throw new ProjectConfigError(`${where}: overlay #${o.origin.index + 1}${o.description ? ` (${o.description})` : ''}: ${reason}`);
}

interface SpecMember {
  specPath: string;
  groups: string[];
}

/** Components found through groups' `specs` globs (minus `excluded-paths`), by name. */
function specGroupMembers(project: Project, dirs: DirCache): Map<string, SpecMember> {
  const out = new Map<string, SpecMember>();
  for (const g of Object.keys(project.config.componentGroups).sort()) {
    const group = project.config.componentGroups[g];
    for (const pattern of group.specs ?? []) {
      for (const specPath of expandGlob('/', pattern, dirs)) {
        if (group.excludedPaths?.some((x) => globMatch(x, specPath))) continue;
        const name = basename(specPath, extname(specPath));
        const member = out.get(name);
        if (member && member.specPath !== specPath) {
          throw new ProjectConfigError(`${project.declarations.componentGroups.get(g)!.where(['component-groups', g, 'specs'])}: component "${name}" has two specs: ${displayPath(member.specPath)} and ${displayPath(specPath)}`);
        }
        if (member) member.groups.push(g);
        else out.set(name, { specPath, groups: [g] });
      }
    }
  }
  return out;
}

const resolvedCache = new WeakMap<Project, ResolvedComponent[]>();

/** Every component of the project, resolved, sorted by name (computed once per loaded project). */
export function resolveComponents(project: Project): ResolvedComponent[] {
  const cached = resolvedCache.get(project);
  if (cached) return cached;
  const { config } = project;
  const dirs: DirCache = new Map();
  const distroDefaults = defaultDistro(project)?.versionDef.defaultComponentConfig ?? {};
  const membership = new Map<string, Set<string>>();
  const addMember = (name: string, group: string): void => {
    let set = membership.get(name);
    if (!set) membership.set(name, (set = new Set()));
    set.add(group);
  };
  for (const [g, group] of Object.entries(config.componentGroups)) for (const m of group.components ?? []) addMember(m, g);
  const specMembers = specGroupMembers(project, dirs);
  for (const [name, m] of specMembers) for (const g of m.groups) addMember(name, g);

  const overlayCtx: OverlayFileContext = { permissive: project.permissive, warnings: project.warnings, documents: new Map(), dirs };
  const names = [...new Set([...Object.keys(config.components), ...specMembers.keys()])].sort();
  const resolved = names.map((name): ResolvedComponent => {
    const declared = Object.hasOwn(config.components, name) ? config.components[name] : undefined;
    const source = declared ? project.declarations.components.get(name) : undefined;
    const groups = [...(membership.get(name) ?? [])].sort();
    const merged = mergeTable(COMPONENT, cloneValue(distroDefaults), config.defaultComponentConfig, { appendArrays: true });
    for (const g of groups) mergeTable(COMPONENT, merged, config.componentGroups[g].defaultComponentConfig, { appendArrays: true });
    mergeTable(COMPONENT, merged, declared, { appendArrays: true });

    const specMember = specMembers.get(name);
    if (specMember) {
      if (merged.spec?.path && merged.spec.path !== specMember.specPath) {
        throw new ProjectConfigError(`${source?.where(['components', name, 'spec', 'path']) ?? displayPath(specMember.specPath)}: component "${name}" spec path ${displayPath(merged.spec.path)} differs from ${displayPath(specMember.specPath)} found by its group`);
      }
      merged.spec = { type: 'local', path: specMember.specPath };
    }
    if (merged.overlayFiles) {
      const refDir = source ? dirname(source.path) : dirname(specMember!.specPath);
      const where = source?.where(['components', name, 'overlay-files']) ?? displayPath(refDir);
      if (merged.overlayFiles.length) merged.overlays = [...(merged.overlays ?? []), ...loadOverlayFiles(refDir, merged.overlayFiles, overlayCtx, where)];
      delete merged.overlayFiles;
    }
    for (const o of merged.overlays ?? []) checkDeclaredOverlay(o);
    merged.release = { ...merged.release, calculation: merged.release?.calculation || 'auto' };
    return {
      name,
      ...(source ? { configFile: source.path } : {}),
      groups,
      config: merged,
      renderedSpecDir: join(config.project.renderedSpecsDir!, name.slice(0, 1).toLowerCase(), name),
    };
  });
  resolvedCache.set(project, resolved);
  return resolved;
}
