import { accessSync, constants, readFileSync } from "node:fs";
import path from "node:path";
import type { GoToolchain } from "./go-toolchain.js";
import { totals, type CoverageTotals } from "./totals.js";

export interface GoTotals {
  lines: CoverageTotals;
  statements: CoverageTotals;
}

export type GoSummary =
  | ({ summarized: true } & GoTotals)
  | { summarized: false; note: string; read: string };

/** The first executable `name` on PATH, or undefined. */
export function findOnPath(name: string, pathVar = process.env["PATH"] ?? ""): string | undefined {
  for (const dir of pathVar.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The command that prints a Go coverage directory's per-package percentages. */
export const goPercentCommand = (dataDir: string): string => `go tool covdata percent -i ${dataDir}`;

/**
 * Statements and lines from a `go tool covdata textfmt` profile (the classic cover profile:
 * `file:l1.c1,l2.c2 statements count`). A line counts once however many blocks touch it, and is
 * covered when any of them ran.
 */
export function parseGoProfile(text: string): GoTotals {
  const lines = new Map<string, boolean>();
  let statements = 0;
  let coveredStatements = 0;
  for (const line of text.split("\n")) {
    const m = /^(.+):(\d+)\.\d+,(\d+)\.\d+ (\d+) (\d+)$/.exec(line.trim());
    if (!m) continue;
    const [file, start, end, stmts, count] = [m[1] ?? "", Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
    const ran = count > 0;
    statements += stmts;
    if (ran) coveredStatements += stmts;
    for (let l = start; l <= end; l++) {
      const key = `${file}:${l}`;
      lines.set(key, (lines.get(key) ?? false) || ran);
    }
  }
  const coveredLines = [...lines.values()].filter(Boolean).length;
  return { lines: totals(coveredLines, lines.size), statements: totals(coveredStatements, statements) };
}

/**
 * Summarises a GOCOVERDIR with `go tool covdata textfmt`, run by `toolchain` (the host's Go, or
 * the covdata tool of the Go build stage of the service's image: go-toolchain.ts). Without one
 * the raw data stays where it is and the summary says how to read it.
 */
export async function summarizeGo(dataDir: string, options: { toolchain?: GoToolchain; signal?: AbortSignal } = {}): Promise<GoSummary> {
  const go = options.toolchain;
  if (!go) {
    return {
      summarized: false,
      note: "no Go toolchain on this host (go is not on PATH) and no Go build stage in the image's Dockerfile: the raw coverage data is kept",
      read: goPercentCommand(dataDir),
    };
  }
  try {
    // One textfmt gives what `percent` prints too (statements), and the lines: one run, not two.
    const folder = path.dirname(dataDir);
    const profile = path.join(folder, "go-profile.txt");
    await go.covdata(["textfmt", "-i", dataDir, "-o", profile], [folder], options.signal);
    return { summarized: true, ...parseGoProfile(readFileSync(profile, "utf8")) };
  } catch (error) {
    return {
      summarized: false,
      note: `go tool covdata (${go.description}) failed (${error instanceof Error ? error.message.split("\n")[0] : String(error)}): the raw coverage data is kept`,
      read: goPercentCommand(dataDir),
    };
  }
}
