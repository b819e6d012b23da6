// Generates docs/commands.md from the commands' own help, so the reference cannot drift from the CLI.
// `npm run docs` rewrites the file; a test fails when it is stale.
import { helpText } from './command.ts';
import { allCommands } from './registry.ts';

export async function commandReference(): Promise<string> {
  const parts = [
    '# Command reference',
    '',
    'Generated from `strata COMMAND --help` by `npm run docs`; do not edit by hand.',
    '',
    'Global options (every command): `-o table|json|csv` output format, `-q/--quiet`, `-v/--verbose`,',
    '`-h/--help`, `--version`. Exit codes: 0 success, 1 failure (bad input, verification failed),',
    '2 usage error. Errors are one line on stderr.',
    '',
  ];
  for (const c of await allCommands()) {
    parts.push(`## strata ${c.name}`, '', '```', helpText(c).trimEnd(), '```', '');
  }
  return parts.join('\n');
}

if (import.meta.main) process.stdout.write(await commandReference());
