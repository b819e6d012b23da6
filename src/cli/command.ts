// The shape every CLI command has, and argument parsing on top of node:util parseArgs.

import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from './errors.ts';
import type { Output } from './output.ts';

export interface CommandContext {
  out: Output;
}

export interface Command {
  /** Words after `strata`, e.g. "rpm info". */
  name: string;
  summary: string;
  /** Usage line after the name, e.g. "[options] FILE...". */
  usage: string;
  /** Option help lines: [flags, description]. */
  optionHelp: Array<[string, string]>;
  examples: string[];
  options: ParseArgsOptionsConfig;
  /** Minimum number of positional arguments. */
  minArgs?: number;
  maxArgs?: number;
  run(ctx: CommandContext, values: Record<string, unknown>, positionals: string[]): Promise<number | void>;
}

export function helpText(c: Command): string {
  const lines = [`Usage: strata ${c.name} ${c.usage}`, '', c.summary, ''];
  if (c.optionHelp.length) {
    lines.push('Options:');
    const w = Math.max(...c.optionHelp.map(([f]) => f.length));
    for (const [f, d] of c.optionHelp) lines.push(`  ${f.padEnd(w)}  ${d}`);
    lines.push('');
  }
  lines.push('Global options: -o table|json|csv, -q/--quiet, -v/--verbose, -h/--help', '');
  if (c.examples.length) {
    lines.push('Examples:');
    for (const e of c.examples) lines.push(`  ${e}`);
  }
  return lines.join('\n');
}

export function parseCommandArgs(
  c: Command,
  argv: string[],
): { values: Record<string, unknown>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: c.options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${c.name}: ${(e as Error).message.split(/\.( |$)/)[0]}`);
  }
  const { values, positionals } = parsed;
  if (c.minArgs !== undefined && positionals.length < c.minArgs) {
    throw new UsageError(`${c.name}: missing argument (usage: strata ${c.name} ${c.usage})`);
  }
  if (c.maxArgs !== undefined && positionals.length > c.maxArgs) {
    throw new UsageError(`${c.name}: too many arguments (usage: strata ${c.name} ${c.usage})`);
  }
  return { values: values as Record<string, unknown>, positionals };
}
