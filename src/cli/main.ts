#!/usr/bin/env node
// strata CLI entry: global options, command dispatch, and the one-line error policy.

import { readFileSync } from 'node:fs';
import { argv, exit, stderr, stdout } from 'node:process';
import { RpmFormatError } from '../rpm/header.ts';
import { helpText, parseCommandArgs } from './command.ts';
import { CliError, UsageError } from './errors.ts';
import { makeOutput, type OutputFormat } from './output.ts';
import { COMMAND_NAMES, allCommands, loadCommand } from './registry.ts';

interface Globals {
  format: OutputFormat;
  quiet: boolean;
  verbose: boolean;
  help: boolean;
  version: boolean;
  rest: string[];
}

/** Pulls global options out of argv wherever they appear (before `--`). */
export function extractGlobals(args: string[]): Globals {
  const g: Globals = { format: 'table', quiet: false, verbose: false, help: false, version: false, rest: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      g.rest.push(...args.slice(i));
      break;
    }
    let fmt: string | undefined;
    if (a === '-o' || a === '--output') {
      fmt = args[++i];
      if (fmt === undefined) throw new UsageError(`${a} needs a value: table, json or csv`);
    } else if (a.startsWith('--output=')) fmt = a.slice(9);
    else if (a.startsWith('-o') && a.length > 2 && !a.startsWith('--')) fmt = a.slice(2);
    else if (a === '-q' || a === '--quiet') g.quiet = true;
    else if (a === '-v' || a === '--verbose') g.verbose = true;
    else if (a === '-h' || a === '--help') g.help = true;
    // Before the command word --version asks for strata's; after it, it is the command's own option.
    else if (a === '--version' && g.rest.length === 0) g.version = true;
    else g.rest.push(a);
    if (fmt !== undefined) {
      if (fmt !== 'table' && fmt !== 'json' && fmt !== 'csv') throw new UsageError(`-o: unknown output format "${fmt}" (table, json, csv)`);
      g.format = fmt;
    }
  }
  return g;
}

function findCommand(words: string[]): { name: string; rest: string[] } | undefined {
  let best: { name: string; rest: string[] } | undefined;
  for (const name of COMMAND_NAMES) {
    const parts = name.split(' ');
    if (parts.every((p, i) => words[i] === p) && (!best || parts.length > best.name.split(' ').length)) {
      best = { name, rest: words.slice(parts.length) };
    }
  }
  return best;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function topHelp(prefix = ''): Promise<string> {
  const list = (await allCommands()).filter((c) => c.name.startsWith(prefix));
  const w = Math.max(...list.map((c) => c.name.length));
  return [
    `Usage: strata ${prefix ? `${prefix.trim()} ` : ''}COMMAND [options]`,
    '',
    'Strata: define, build, sign, ship and patch a Fedora-derived cloud Linux.',
    '',
    'Commands:',
    ...list.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Global options:',
    '  -o, --output table|json|csv  output format (default table)',
    '  -q, --quiet                  print only results and errors',
    '  -v, --verbose                more detail (and stack traces on internal errors)',
    '  -h, --help                   help for strata or a command',
    '      --version                print the version',
    '',
    'Example:',
    '  strata rpm info -o json hello-2.0-1.x86_64.rpm',
  ].join('\n');
}

export async function main(args: string[]): Promise<number> {
  let verbose = args.includes('-v') || args.includes('--verbose');
  try {
    const g = extractGlobals(args);
    verbose = g.verbose;
    if (g.version) {
      stdout.write(`strata ${version()}\n`);
      return 0;
    }
    const found = findCommand(g.rest);
    if (!found) {
      const group = g.rest[0] && COMMAND_NAMES.some((n) => n.startsWith(`${g.rest[0]} `)) ? `${g.rest[0]} ` : '';
      if (g.help || g.rest.length === 0 || (group && g.rest.length === 1)) {
        stdout.write(`${await topHelp(group)}\n`);
        return g.rest.length === 0 || g.help ? 0 : 2;
      }
      throw new UsageError(`unknown command "${g.rest.slice(0, group ? 2 : 1).join(' ')}" (see strata --help)`);
    }
    const cmd = await loadCommand(found.name);
    if (g.help) {
      stdout.write(`${helpText(cmd)}\n`);
      return 0;
    }
    const { values, positionals } = parseCommandArgs(cmd, found.rest);
    const out = makeOutput(g.format, g.quiet, g.verbose);
    const code = await cmd.run({ out }, values, positionals);
    return code ?? 0;
  } catch (e) {
    return reportError(e, verbose);
  }
}

/**
 * Errors the domains throw for bad input (their messages are one line naming file, field and
 * reason). Matched by name so the entry point does not load every domain to recognise them.
 */
const DOMAIN_ERRORS = new Set([
  'RepoFormatError',
  'RepoSignatureError',
  'RepoFetchError',
  'KeystoreError',
  'PgpError',
  'PackInputError',
  'BuildError',
  'OverlayError',
  'GoRegexError',
  'PrepareError',
  'PipelineError',
  'InstallError',
  'RootPathError',
  'CapsError',
  'ScriptletError',
  'RpmdbError',
  'ManifestError',
  'SupplyError',
  'OciImageError',
  'WslImageError',
  'TarWriteError',
  'CustomizeError',
  'VerifyError',
  'SpecQueryError',
  'ProjectConfigError',
  'DiskImageError',
  'VmImageError',
  'HostImageError',
  'SlotUpdateError',
  'ElfError',
  'InitramfsError',
  'KernelError',
  'HostLayoutError',
  'UsrImageError',
]);

/** One line on stderr; exit 2 for usage errors, 1 otherwise. Stack traces only with -v. */
export function reportError(e: unknown, verbose: boolean): number {
  const err = e as NodeJS.ErrnoException;
  if (e instanceof UsageError) {
    stderr.write(`strata: ${e.message}\n`);
    return 2;
  }
  if (e instanceof CliError) {
    stderr.write(`strata: ${e.message}\n`);
    return e.exitCode;
  }
  if (e instanceof RpmFormatError || (e instanceof Error && DOMAIN_ERRORS.has(e.name))) {
    stderr.write(`strata: ${e.message}\n`);
    return 1;
  }
  if (err && typeof err.code === 'string' && err.syscall) {
    const what = err.path ? `${err.path}: ` : '';
    const reason = err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
    stderr.write(`strata: ${what}${reason}\n`);
    return 1;
  }
  stderr.write(`strata: internal error: ${String(err?.message ?? e).split('\n')[0]}\n`);
  if (verbose && err?.stack) stderr.write(`${err.stack}\n`);
  return 1;
}

/** Runs the CLI on this process's arguments and exits with its status (bin/strata.js calls this). */
export async function runCli(): Promise<never> {
  stdout.on('error', (e: NodeJS.ErrnoException) => {
    // `strata … | head` closes the pipe early; that is not an error worth a trace.
    if (e.code === 'EPIPE') exit(0);
  });
  const code = await main(argv.slice(2));
  // Writes to a pipe are asynchronous: exiting at once would cut a large output short. Exit once
  // stdout and stderr have handed everything over.
  const drained = (stream: NodeJS.WriteStream): Promise<void> => new Promise((done) => stream.write('', () => done()));
  await Promise.all([drained(stdout), drained(stderr)]);
  exit(code);
}

if (import.meta.main) await runCli();
