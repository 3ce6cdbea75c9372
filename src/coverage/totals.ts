/** Covered and total counts with a percentage (null when there is nothing to count). */
export interface CoverageTotals {
  covered: number;
  total: number;
  pct: number | null;
}

export function totals(covered: number, total: number): CoverageTotals {
  return { covered, total, pct: total === 0 ? null : Math.round((covered / total) * 10_000) / 100 };
}

/** "78.31% (65/83)", or "n/a" when there is nothing to count. */
export function formatTotals(t: CoverageTotals): string {
  return t.pct === null ? "n/a" : `${t.pct.toFixed(1)}% (${t.covered}/${t.total})`;
}
