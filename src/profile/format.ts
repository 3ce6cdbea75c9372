/** Small text-formatting helpers shared by the profile reports (plain text, no colour). */

/** Seconds with one decimal and an `s` suffix: `125.4s`. */
export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(1)}s`;
}

/** A signed seconds delta: `+3.2s`, `-0.4s`, `+0.0s`. */
export function formatSignedSeconds(seconds: number): string {
  const rounded = Math.round(seconds * 10) / 10;
  return `${rounded < 0 ? "-" : "+"}${Math.abs(rounded).toFixed(1)}s`;
}

/** A whole-number percentage: `62%`. */
export function formatPercent(percent: number): string {
  return `${Math.round(percent)}%`;
}

export type Align = "left" | "right";

export interface TextColumn {
  header: string;
  align: Align;
}

/**
 * A fixed-width text table: header, a rule under it, the rows, and optional footer lines
 * (a rule is drawn above the footer rows). Cells never wrap; each column is as wide as its widest cell.
 */
export function renderTextTable(
  columns: readonly TextColumn[],
  rows: readonly (readonly string[])[],
  footerRows: readonly (readonly string[])[] = [],
): string[] {
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...[...rows, ...footerRows].map((row) => (row[index] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? "";
        const width = widths[index] ?? 0;
        return column.align === "right" ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  const out = [line(columns.map((column) => column.header)), rule, ...rows.map(line)];
  if (footerRows.length > 0) out.push(rule, ...footerRows.map(line));
  return out;
}
