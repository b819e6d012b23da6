// The reader's one error type: always a single line `file:line: message`.

export class TestcaseError extends Error {
  readonly file: string;
  readonly line: number;
  readonly reason: string;

  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'TestcaseError';
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}

/** A source line with its 1-based number. */
export interface NumberedLine {
  text: string;
  line: number;
}
