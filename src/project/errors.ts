// Errors about a project's configuration: one line naming file:line, the field and the reason.

import { isAbsolute, relative } from 'node:path';
import { scanTomlPositions, type TomlPath, type TomlPositions } from './toml-positions.ts';

export class ProjectConfigError extends Error {
  override name = 'ProjectConfigError';
}

/** A path as people want to read it: relative to the working directory when below it. */
export function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/** A TOML source file kept for locating keys after parsing (scanned only when a line is needed). */
export class SourceText {
  readonly path: string;
  readonly text: string;
  #positions: TomlPositions | undefined;

  constructor(path: string, text: string) {
    this.path = path;
    this.text = text;
  }

  lineOf(path: TomlPath): number | undefined {
    this.#positions ??= scanTomlPositions(this.text);
    return this.#positions.lineOf(path);
  }

  /** "file:line" (or "file" when the key cannot be found). */
  where(path: TomlPath): string {
    const line = this.lineOf(path);
    return line === undefined ? displayPath(this.path) : `${displayPath(this.path)}:${line}`;
  }

  error(path: TomlPath, message: string): ProjectConfigError {
    return new ProjectConfigError(`${this.where(path)}: ${message}`);
  }
}
