// The end-of-build summary table: one row per component with its outcome, time and packages,
// and why it failed or was skipped.
import type { BuildResult } from './model.ts';

const HEADER = ['COMPONENT', 'RESULT', 'TIME', 'RPMS', 'NOTE'];

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Rows for a table printer, in HEADER's column order. */
export function summaryRows(result: BuildResult): string[][] {
  return result.components.map((c) => [c.name, c.result, seconds(c.durationMs), String(c.rpms.length), c.reason ?? '']);
}

/** The summary as text: aligned columns (the free-text note last) and a totals line. */
export function formatBuildSummary(result: BuildResult): string {
  const rows = [HEADER, ...summaryRows(result)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : i === 2 || i === 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
  const count = (k: string): number => result.components.filter((c) => c.result === k).length;
  lines.push(
    `${result.components.length} components: ${count('built')} built, ${count('cached')} cached, ` +
      `${count('failed')} failed, ${count('skipped')} skipped (${seconds(result.durationMs)})`,
  );
  return lines.join('\n');
}
