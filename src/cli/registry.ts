// Every CLI command, in the order `strata --help` lists them.
import type { Command } from './command.ts';
import { extractCommand } from './extract.ts';
import { keyCommands } from './key.ts';
import { packCommands } from './pack.ts';
import { rpmCommands } from './rpm.ts';
import { verifyCommand } from './verify.ts';

export const commands: Command[] = [...rpmCommands, verifyCommand, extractCommand, ...packCommands, ...keyCommands];
