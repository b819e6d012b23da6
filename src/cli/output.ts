// Output helpers: every command prints either a table for people, JSON for machines (-o json), or
// its table as CSV for spreadsheets and scripts (-o csv).

import { stderr, stdout } from 'node:process';

export type OutputFormat = 'table' | 'json' | 'csv';

export interface Output {
  format: OutputFormat;
  quiet: boolean;
  verbose: boolean;
  /** Prints a value as JSON (format json) — commands call this with their whole result. */
  json(value: unknown): void;
  /** Prints rows as an aligned table with a header line (as CSV with -o csv). */
  table(columns: string[], rows: Array<Array<string | number>>): void;
  /** Plain text line to stdout (table format only). */
  line(text: string): void;
  /** Diagnostic to stderr, suppressed by -q. */
  info(text: string): void;
  /** Only with -v. */
  debug(text: string): void;
  progress(label: string, total: number): Progress;
}

export interface Progress {
  tick(n?: number): void;
  done(): void;
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function makeOutput(format: OutputFormat, quiet: boolean, verbose: boolean): Output {
  const tty = Boolean(stderr.isTTY) && !quiet;
  return {
    format,
    quiet,
    verbose,
    json(value) {
      stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    table(columns, rows) {
      if (format === 'csv') {
        for (const r of [columns, ...rows]) stdout.write(`${r.map((c) => csvField(String(c))).join(',')}\n`);
        return;
      }
      const cells = [columns, ...rows.map((r) => r.map(String))];
      const widths = columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
      for (const r of cells) {
        const last = r.length - 1;
        stdout.write(`${r.map((c, i) => (i === last ? c : c.padEnd(widths[i]))).join('  ')}\n`);
      }
    },
    line(text) {
      stdout.write(`${text}\n`);
    },
    info(text) {
      if (!quiet) stderr.write(`${text}\n`);
    },
    debug(text) {
      if (verbose) stderr.write(`${text}\n`);
    },
    progress(label, total) {
      // A progress line only for people watching a terminal; pipes and CI logs stay clean.
      if (!tty || total < 2) return { tick() {}, done() {} };
      let n = 0;
      let last = 0;
      const draw = (): void => {
        stderr.write(`\r${label} ${n}/${total} (${Math.floor((n * 100) / total)}%)`);
      };
      return {
        tick(k = 1) {
          n += k;
          const now = Date.now();
          if (now - last > 100 || n === total) {
            last = now;
            draw();
          }
        },
        done() {
          stderr.write('\r\x1b[K');
        },
      };
    },
  };
}
