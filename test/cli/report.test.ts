import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runCli } from "../helpers/cli.js";

/** A copy of the seeds' stack with the phased profile fixture recorded as a past run. */
function stackWithRuns(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-report-"));
  cpSync(path.join(repoRoot, "bench", "stacks", "signalprocessing"), dir, { recursive: true });
  for (const name of ["seeds-phased", "seeds-graph"]) {
    const runDir = path.join(dir, ".paddock", "runs", name);
    mkdirSync(runDir, { recursive: true });
    cpSync(path.join(repoRoot, "test", "profile", "fixtures", `${name}.json`), path.join(runDir, "profile.json"));
  }
  return dir;
}

describe("paddock report", () => {
  it("re-renders a past run: summary with the seeds' phase table, trace.json and report.html", async () => {
    const dir = stackWithRuns();
    const result = await runCli(["report", "seeds-phased"], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Build images\s+2\s+125\.4s\s+62%/);
    expect(result.stdout).toMatch(/Deploy services\s+5\s+38\.1s\s+19%/);
    // From the run's own durations: the graph would have been faster than this phased run.
    expect(result.stdout).toMatch(/would have taken 144\.8s graph/);
    const runDir = path.join(dir, ".paddock", "runs", "seeds-phased");
    expect(existsSync(path.join(runDir, "report.html"))).toBe(true);
    const trace = JSON.parse(readFileSync(path.join(runDir, "trace.json"), "utf8")) as {
      traceEvents: { ph: string; name: string }[];
    };
    expect(trace.traceEvents.filter((e) => e.ph === "X")).toHaveLength(11);
  });

  it("--compare prints per-task and per-phase deltas", async () => {
    const dir = stackWithRuns();
    const result = await runCli(["report", "--compare", "seeds-phased", "seeds-graph"], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/build:signalprocessing/);
    expect(result.stdout).toMatch(/-20\.6s|−20\.6s/);
  });

  it("names the run it cannot find and where it looked", async () => {
    const dir = stackWithRuns();
    const result = await runCli(["report", "no-such-run"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no run "no-such-run"/);
    expect(result.stderr).toMatch(/"latest" is the newest/);
  });
});
