// `strata config dump`, and the options every command that reads an azldev project takes
// (-C DIR, --permissive-config, --config-file, --no-default-config).

import type { ParseArgsOptionsConfig } from 'node:util';
import type { LoadOptions, Project } from '../project/index.ts';
import type { Command } from './command.ts';
import { CliError, UsageError } from './errors.ts';
import type { Output } from './output.ts';

export const PROJECT_OPTIONS: ParseArgsOptionsConfig = {
  'project-dir': { type: 'string', short: 'C' },
  'permissive-config': { type: 'boolean' },
  'config-file': { type: 'string', multiple: true },
  'no-default-config': { type: 'boolean' },
};

export const PROJECT_HELP: Array<[string, string]> = [
  ['-C, --project-dir DIR', 'the project (its azldev.toml, or any directory below it; default: the working directory)'],
  ['--permissive-config', 'accept unknown config fields (ignored, with a warning under -v)'],
  ['--config-file FILE', 'another config file merged over the project files; repeatable'],
  ['--no-default-config', 'leave out the embedded azldev defaults'],
];

/**
 * Runs `f` turning configuration errors (one line naming file:line, thrown by the project domain)
 * into CLI errors. The domain is matched by name: it is loaded lazily.
 */
export async function projectErrors<T>(f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof Error && (e.name === 'ProjectConfigError' || e.name === 'UnresolvedSourceError')) throw new CliError(e.message);
    throw e;
  }
}

/** Loads the project the options point at. */
export async function openProject(out: Output, v: Record<string, unknown>): Promise<Project> {
  const { loadProject } = await import('../project/index.ts');
  const opts: LoadOptions = {
    permissive: Boolean(v['permissive-config']),
    noDefaults: Boolean(v['no-default-config']),
    configFiles: (v['config-file'] as string[] | undefined) ?? [],
  };
  const project = await projectErrors(() => loadProject((v['project-dir'] as string | undefined) ?? '.', opts));
  out.debug(`project ${project.configFile}: ${project.files.length} files`);
  return project;
}

/** Prints warnings tolerated by --permissive-config (with -v). */
export function reportWarnings(out: Output, project: Project): void {
  for (const w of project.warnings) out.debug(`warning: ${w}`);
  if (project.warnings.length && !out.verbose) out.info(`${project.warnings.length} config problem(s) ignored under --permissive-config (see -v)`);
}

export const configDump: Command = {
  name: 'config dump',
  summary: 'Print the merged project configuration with every component resolved (TOML, or JSON with -o json)',
  usage: '[options]',
  optionHelp: [...PROJECT_HELP],
  examples: ['strata config dump -C azurelinux/ > merged.toml', 'strata config dump -o json | jq \'.components.kernel.overlays | length\''],
  options: { ...PROJECT_OPTIONS },
  maxArgs: 0,
  async run({ out }, v) {
    if (out.format === 'csv') throw new UsageError('config dump: -o csv is not available (TOML by default, or -o json)');
    const project = await openProject(out, v);
    const { projectDump, projectDumpToml } = await import('../project/index.ts');
    await projectErrors(() => {
      if (out.format === 'json') out.json(projectDump(project));
      else process.stdout.write(projectDumpToml(project));
    });
    reportWarnings(out, project);
  },
};
