// Every CLI command, in the order `strata --help` lists them.
import type { Command } from './command.ts';
import { extractCommand } from './extract.ts';
import { keyCommands } from './key.ts';
import { packCommands } from './pack.ts';
import { repoPublish } from './repo-publish.ts';
import { repoCompare, repoQuery } from './repo-query.ts';
import { rpmCommands } from './rpm.ts';
import { verifyCommand } from './verify.ts';

export const commands: Command[] = [...rpmCommands, verifyCommand, extractCommand, ...packCommands, repoPublish, repoQuery, repoCompare, ...keyCommands];
