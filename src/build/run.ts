// Running rpm's tools: captured for queries, streamed into the component's log for builds.
import { spawn } from 'node:child_process';
import { type FileHandle, open, writeFile } from 'node:fs/promises';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment every rpm tool runs with: stable messages, no inherited SOURCE_DATE_EPOCH surprises. */
export function toolEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', ...extra };
}

/** Runs a command and collects its output (for short queries). A missing command is code 127. */
export function runCaptured(cmd: string, args: readonly string[], env = toolEnv()): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => resolve({ code: 127, stdout: '', stderr: `${cmd}: ${e.message}` }));
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

/** Quotes a word for the `$ command` lines of a log, so they can be pasted into a shell. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A component's log: every command with its output, in order. */
export class BuildLog {
  readonly path: string;
  private handle: FileHandle | undefined;

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.handle = handle;
  }

  static async create(path: string): Promise<BuildLog> {
    // Append mode: the log's own notes and the children's output share one file offset safely.
    await writeFile(path, '');
    return new BuildLog(path, await open(path, 'a', 0o644));
  }

  async note(line: string): Promise<void> {
    await this.handle?.write(`${line}\n`);
  }

  /** Runs a command with its stdout and stderr appended to the log. Returns the exit code. */
  async run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<number> {
    await this.note(`$ ${[cmd, ...args].map(shellWord).join(' ')}`);
    const code = await new Promise<number>((resolve) => {
      // The children write straight to the log's descriptor: no copying through this process.
      const fd = this.handle?.fd ?? 'ignore';
      const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', fd, fd] });
      child.on('error', (e) => {
        void this.note(`${cmd}: ${e.message}`).then(() => resolve(127));
      });
      child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
    });
    await this.note(`[exit ${code}]`);
    return code;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}
