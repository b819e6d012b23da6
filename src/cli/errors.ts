// Errors the CLI turns into one line on stderr: usage errors exit 2, failures exit 1.

/** The user called a command wrongly (unknown option, missing argument). Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A command failed for a reason the user can act on (bad file, verification failure). Exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}
