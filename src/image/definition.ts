// Strata's image definitions. azldev's `[images.<name>]` stays as azldev reads it; an image whose
// `definition` is `{ type = "strata", path = "<name>.image.toml" }` is composed by Strata from that
// file (azldev only refuses such an image when asked to build it with kiwi). The file says what goes
// into the root and how each output is configured; the azldev capabilities say which outputs exist
// (container → OCI + docker-archive, wsl → WSL tarball) and whether the image keeps an rpmdb
// (runtime-package-management = false → a distroless container-manifest-2 instead).

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { decodeTable, type DecodeContext } from '../project/decode.ts';
import { displayPath, ProjectConfigError, SourceText } from '../project/errors.ts';
import type { ImageConfig, Project } from '../project/index.ts';
import { bool, int, map, str, strs, table, tables } from '../project/schema.ts';

export const STRATA_IMAGE_TYPE = 'strata';

const FILE = table({ source: str, path: str, mode: str, owner: str, group: str });
const USER = table({ name: str, uid: int, group: str, gid: int, home: str, shell: str, gecos: str });
const GROUP = table({ name: str, gid: int });

const IMAGE_FILE = table({
  description: str,
  packages: strs,
  'exclude-packages': strs,
  'weak-deps': bool,
  'exclude-docs': bool,
  scriptlets: str,
  /** Repositories to install from: "project" (the project's built packages) or base URLs / paths. */
  repos: strs,
  /** os-release VARIANT_ID (and VARIANT) written into the root. */
  variant: str,
  files: tables(FILE),
  users: tables(USER),
  groups: tables(GROUP),
  systemd: table({ enable: strs, disable: strs }),
  container: table({ entrypoint: strs, cmd: strs, env: strs, user: str, workdir: str, labels: map(str), tag: str }),
  wsl: table({ 'default-user': str, 'default-name': str }),
  vm: table({ formats: strs, 'kernel-cmdline': strs, 'repo-url': str, 'repo-name': str }),
});

export interface ImageFileEntry {
  /** Absolute path of the file to copy (relative to the definition file). */
  source: string;
  /** Absolute path inside the image. */
  path: string;
  mode?: number;
  owner?: string;
  group?: string;
}

export interface ImageUser {
  name: string;
  uid: number;
  group?: string;
  gid?: number;
  home?: string;
  shell?: string;
  gecos?: string;
}

export interface ImageDefinition {
  name: string;
  /** The definition file. */
  file: string;
  description?: string;
  outputs: Array<'oci' | 'docker-archive' | 'wsl' | 'vm' | 'host'>;
  rpmdb: 'sqlite' | 'manifest';
  packages: string[];
  excludePackages: string[];
  weakDeps: boolean;
  excludeDocs: boolean;
  scriptlets: 'run' | 'skip';
  repos: string[];
  variant?: string;
  files: ImageFileEntry[];
  users: ImageUser[];
  groups: Array<{ name: string; gid: number }>;
  systemd: { enable: string[]; disable: string[] };
  container: { entrypoint?: string[]; cmd?: string[]; env?: string[]; user?: string; workdir?: string; labels: Record<string, string>; tag?: string };
  wsl: { defaultUser?: string; defaultName?: string };
  /** VM disk: formats (raw, qcow2, vhd), kernel command line extras, the repository dnf uses inside. */
  vm: { formats: Array<'raw' | 'qcow2' | 'vhd'>; kernelCmdline?: string[]; repoUrl?: string; repoName?: string };
}

interface RawImageFile {
  description?: string;
  packages?: string[];
  excludePackages?: string[];
  weakDeps?: boolean;
  excludeDocs?: boolean;
  scriptlets?: string;
  repos?: string[];
  variant?: string;
  files?: Array<{ source?: string; path?: string; mode?: string; owner?: string; group?: string }>;
  users?: Array<Partial<ImageUser>>;
  groups?: Array<{ name?: string; gid?: number }>;
  systemd?: { enable?: string[]; disable?: string[] };
  container?: ImageDefinition['container'];
  wsl?: ImageDefinition['wsl'];
  vm?: { formats?: string[]; kernelCmdline?: string[]; repoUrl?: string; repoName?: string };
}

/** Names of the project's images that Strata composes (definition type "strata"), sorted. */
export function strataImageNames(project: Project): string[] {
  return Object.entries(project.config.images)
    .filter(([, i]) => i.definition?.type === STRATA_IMAGE_TYPE)
    .map(([n]) => n)
    .sort();
}

/** Reads and checks the definition of image `name`; errors are one line naming file:line. */
export function loadImageDefinition(project: Project, name: string): ImageDefinition {
  const image: ImageConfig | undefined = Object.hasOwn(project.config.images, name) ? project.config.images[name] : undefined;
  if (!image) throw new ProjectConfigError(`image "${name}" is not defined (defined: ${Object.keys(project.config.images).sort().join(', ') || 'none'})`);
  if (image.definition?.type !== STRATA_IMAGE_TYPE || !image.definition.path) {
    throw new ProjectConfigError(`image "${name}": definition type is "${image.definition?.type ?? ''}", not "${STRATA_IMAGE_TYPE}" with a path`);
  }
  const file = image.definition.path;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ProjectConfigError(`image "${name}": ${displayPath(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const source = new SourceText(file, text);
  let parsed: unknown;
  try {
    parsed = parseToml(text);
  } catch (e) {
    if (e instanceof TomlError) throw new ProjectConfigError(`${displayPath(file)}:${e.line}:${e.column}: invalid TOML: ${e.message.split('\n')[0]}`);
    throw e;
  }
  const ctx: DecodeContext = { source, permissive: false, warnings: [] };
  const raw = decodeTable(IMAGE_FILE, parsed, [], ctx) as RawImageFile;
  const at = (path: Array<string | number>, msg: string): never => {
    throw source.error(path, msg);
  };
  const dir = dirname(file);
  const caps = image.capabilities ?? {};
  const outputs: ImageDefinition['outputs'] = [];
  if (caps.container) outputs.push('oci', 'docker-archive');
  if (caps.wsl) outputs.push('wsl');
  if (caps.machineBootable && caps.runtimePackageManagement !== false) outputs.push('vm');
  // An immutable host: bootable, no package management (A/B /usr slots under dm-verity).
  if (caps.machineBootable && caps.runtimePackageManagement === false) outputs.push('host');
  if (!outputs.length) throw new ProjectConfigError(`image "${name}": capabilities enable no output Strata makes (container, wsl, or machine-bootable)`);
  if (!raw.packages?.length) at([], 'packages: an image needs at least one package');
  const scriptlets = raw.scriptlets ?? 'run';
  if (scriptlets !== 'run' && scriptlets !== 'skip') at(['scriptlets'], `scriptlets must be "run" or "skip", not "${scriptlets}"`);
  const files = (raw.files ?? []).map((f, i): ImageFileEntry => {
    if (!f.source || !f.path) at(['files', i], 'files entries need "source" and "path"');
    if (!f.path!.startsWith('/') || f.path!.split('/').includes('..')) at(['files', i, 'path'], `path "${f.path}" must be absolute without ".."`);
    let mode: number | undefined;
    if (f.mode !== undefined) {
      if (!/^0?[0-7]{3,4}$/.test(f.mode)) at(['files', i, 'mode'], `mode "${f.mode}" is not an octal mode`);
      mode = parseInt(f.mode, 8);
    }
    return { source: isAbsolute(f.source!) ? f.source! : resolve(dir, f.source!), path: f.path!, mode, owner: f.owner, group: f.group };
  });
  const users = (raw.users ?? []).map((u, i): ImageUser => {
    if (!u.name || u.uid === undefined) at(['users', i], 'users entries need "name" and "uid"');
    if (!/^[a-z_][a-z0-9_-]*\$?$/.test(u.name!)) at(['users', i, 'name'], `"${u.name}" is not a valid user name`);
    return u as ImageUser;
  });
  const groups = (raw.groups ?? []).map((g, i) => {
    if (!g.name || g.gid === undefined) at(['groups', i], 'groups entries need "name" and "gid"');
    return { name: g.name!, gid: g.gid! };
  });
  const formats = raw.vm?.formats ?? ['raw', 'qcow2', 'vhd'];
  formats.forEach((f, i) => {
    if (f !== 'raw' && f !== 'qcow2' && f !== 'vhd') at(['vm', 'formats', i], `disk format "${f}" is not raw, qcow2 or vhd`);
  });
  return {
    name,
    file,
    description: raw.description ?? image.description,
    outputs,
    rpmdb: caps.runtimePackageManagement === false ? 'manifest' : 'sqlite',
    packages: raw.packages!,
    excludePackages: raw.excludePackages ?? [],
    weakDeps: raw.weakDeps ?? false,
    excludeDocs: raw.excludeDocs ?? false,
    scriptlets: scriptlets as ImageDefinition['scriptlets'],
    repos: raw.repos ?? ['project'],
    variant: raw.variant,
    files,
    users,
    groups,
    systemd: { enable: raw.systemd?.enable ?? [], disable: raw.systemd?.disable ?? [] },
    container: { ...raw.container, labels: raw.container?.labels ?? {} },
    wsl: raw.wsl ?? {},
    vm: { ...raw.vm, formats: formats as ImageDefinition['vm']['formats'] },
  };
}
