import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { CoverageKind } from "../config/stack.js";
import { formatTotals, type CoverageTotals } from "./totals.js";

/** `<runDir>/coverage`: one folder per service (raw data, sources), summary.json, lcov.info, html/. */
export const coverageDirOf = (runDir: string): string => path.join(runDir, "coverage");

/** One service's entry in coverage/summary.json. Totals are absent when they could not be computed (see `note`). */
export interface ServiceCoverageSummary {
  kind: CoverageKind;
  lines?: CoverageTotals;
  functions?: CoverageTotals;
  branches?: CoverageTotals;
  statements?: CoverageTotals;
  /** The raw data, relative to the coverage directory. */
  data: string;
  /** How the service ended: 0 after a graceful stop; anything else explains missing data. */
  exitCode?: number;
  /** What is missing or partial, and why. */
  note?: string;
  /** How to read the raw data when Paddock could not (e.g. no Go toolchain here). */
  read?: string;
}

/** coverage/summary.json */
export interface CoverageSummaryFile {
  runId: string;
  services: Record<string, ServiceCoverageSummary>;
  /** Every Node service together, with the reports made from them (relative paths). */
  node?: { lines: CoverageTotals; functions: CoverageTotals; branches: CoverageTotals; statements: CoverageTotals; lcov?: string; html?: string };
}

export const SUMMARY_FILE = "summary.json";

export function writeCoverageSummary(coverageDir: string, summary: CoverageSummaryFile): string {
  const file = path.join(coverageDir, SUMMARY_FILE);
  writeFileSync(file, JSON.stringify(summary, null, 2) + "\n", { mode: 0o644 });
  return file;
}

/** The summary a run wrote, or undefined when it collected no coverage. */
export function readCoverageSummary(runDir: string): CoverageSummaryFile | undefined {
  const file = path.join(runDir, "coverage", SUMMARY_FILE);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as CoverageSummaryFile;
}

/** The end-of-run lines: one per service, then the Node total. */
export function formatCoverageSummary(summary: CoverageSummaryFile, coverageDir: string): string {
  const names = Object.keys(summary.services).sort();
  const width = Math.max(8, ...names.map((n) => n.length));
  const out = [`Coverage (${path.join(coverageDir, SUMMARY_FILE)})`];
  for (const name of names) {
    const s = summary.services[name]!;
    const parts: string[] = [];
    if (s.lines) parts.push(`lines ${formatTotals(s.lines)}`);
    if (s.functions) parts.push(`functions ${formatTotals(s.functions)}`);
    if (s.branches) parts.push(`branches ${formatTotals(s.branches)}`);
    if (!s.functions && s.statements) parts.push(`statements ${formatTotals(s.statements)}`);
    if (s.note) parts.push(parts.length > 0 ? `(${s.note})` : s.note);
    if (s.read) parts.push(`read it with: ${s.read}`);
    out.push(`  ${name.padEnd(width)}  ${s.kind.padEnd(4)}  ${parts.join("  ")}`);
  }
  if (summary.node && names.filter((n) => summary.services[n]?.kind === "node").length > 1) {
    const n = summary.node;
    out.push(`  ${"all node".padEnd(width)}  ${"".padEnd(4)}  lines ${formatTotals(n.lines)}  functions ${formatTotals(n.functions)}  branches ${formatTotals(n.branches)}`);
  }
  if (summary.node?.html) out.push(`  HTML report: ${path.join(coverageDir, summary.node.html)}`);
  return out.join("\n");
}
