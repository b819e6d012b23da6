// Every CLI command, in the order `strata --help` lists them. A command's module (and the domains it
// uses) loads only when that command runs, or when help lists them all: start-up stays small however
// many domains the CLI grows (the whole rpm domain alone takes ~35 ms to load).
import type { Command } from './command.ts';

interface CommandModule {
  names: string[];
  load(): Promise<Command[]>;
}

const MODULES: CommandModule[] = [
  { names: ['rpm info', 'rpm files', 'rpm deps', 'rpm scripts'], load: async () => (await import('./rpm.ts')).rpmCommands },
  { names: ['rpm verify'], load: async () => [(await import('./verify.ts')).verifyCommand] },
  { names: ['rpm extract'], load: async () => [(await import('./extract.ts')).extractCommand] },
  { names: ['pack', 'rpm pack'], load: async () => (await import('./pack.ts')).packCommands },
  { names: ['repo publish'], load: async () => [(await import('./repo-publish.ts')).repoPublish] },
  {
    names: ['repo query', 'repo compare'],
    load: async () => {
      const m = await import('./repo-query.ts');
      return [m.repoQuery, m.repoCompare];
    },
  },
  {
    names: ['repo closure'],
    load: async () => [(await import('./solve.ts')).repoClosure],
  },
  {
    names: ['solve install', 'solve erase', 'solve upgrade', 'solve distro-sync', 'solve testcase'],
    load: async () => (await import('./solve.ts')).solveCommands,
  },
  { names: ['config dump'], load: async () => [(await import('./config.ts')).configDump] },
  { names: ['component list', 'component update'], load: async () => (await import('./component.ts')).componentCommands },
  {
    names: ['component query', 'component render', 'component prepare-sources', 'component diff-sources'],
    load: async () => (await import('./component-sources.ts')).componentSourceCommands,
  },
  { names: ['component build'], load: async () => [(await import('./component-build.ts')).componentBuild] },
  { names: ['build'], load: async () => [(await import('./build.ts')).build] },
  { names: ['verify'], load: async () => [(await import('./verify-artifact.ts')).verifyArtifact] },
  { names: ['key generate-dsse'], load: async () => [(await import('./key-dsse.ts')).keyGenerateDsse] },
  {
    names: ['key generate', 'key import', 'key export', 'key list', 'key delete'],
    load: async () => (await import('./key.ts')).keyCommands,
  },
];

export const COMMAND_NAMES: readonly string[] = MODULES.flatMap((m) => m.names);

/** The command called `name` (one of COMMAND_NAMES). */
export async function loadCommand(name: string): Promise<Command> {
  const m = MODULES.find((x) => x.names.includes(name));
  const c = (await m?.load())?.find((x) => x.name === name);
  if (!c) throw new Error(`internal: command "${name}" is not defined by its module`);
  return c;
}

/** Every command, loaded (for help listings and the reference). */
export async function allCommands(): Promise<Command[]> {
  return Promise.all(COMMAND_NAMES.map(loadCommand));
}
