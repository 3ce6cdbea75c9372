import { readdirSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import type { CoverageSummaryFile } from "../../src/coverage/summary-file.js";

export function latestCoverage(stackDir: string): { dir: string; summary: CoverageSummaryFile } {
  const dir = path.join(realpathSync(path.join(stackDir, ".paddock", "runs", "latest")), "coverage");
  return { dir, summary: JSON.parse(readFileSync(path.join(dir, "summary.json"), "utf8")) as CoverageSummaryFile };
}

export const filesIn = (dir: string): string[] => readdirSync(dir).sort();

/** PATH without any directory holding a `go`: the normal case on this host, made sure of. */
export function pathWithoutGo(): string {
  return (process.env["PATH"] ?? "")
    .split(path.delimiter)
    .filter((d) => {
      try {
        return !readdirSync(d).includes("go");
      } catch {
        return false;
      }
    })
    .join(path.delimiter);
}
