import { describe, expect, it } from "vitest";
import { formatEstimateLine } from "../../src/profile/estimates.js";
import { formatRunSummary } from "../../src/profile/summary.js";
import { failedGraphProfile, loadFixture } from "./helpers/fixtures.js";

describe("formatRunSummary", () => {
  it("summarises the phased run in plain text", () => {
    const text = formatRunSummary(loadFixture("seeds-phased"), { estimates: { graph: 180.5, sequential: 276.8 } });
    expect(text).not.toContain("\x1b[");
    expect(text).toMatch(/Build images\s+2\s+125\.4s\s+62%/);
    expect(text).toMatch(/Critical path: 64\.4s of work \+ 136\.7s waiting/);
    expect(text).toMatch(/env:create\s+22\.0s\s+125\.4s/);
    expect(text).toMatch(/deploy:signalprocessing\s+8\.1s/);
    expect(text).toContain("Parallel efficiency: 1.41×");
    expect(text).toContain("Cache: 0 of 2 builds cached (0 of 11 tasks)");
    expect(text).toContain(
      "This run (phased) took 201.1s; the same run would have taken 180.5s graph / 276.8s sequential (estimated).",
    );
    expect(text).not.toContain("Failed:");
  });

  it("names the failed task, its error and cached steps; colours only on request", () => {
    const profile = failedGraphProfile();
    const text = formatRunSummary(profile);
    expect(text).toContain("Failed: deploy:signalprocessing: rollout timed out: 0/1 pods ready");
    expect(text).toContain("Cancelled: test, collect:coverage, env:delete");
    expect(text).toContain("Cache: 1 of 3 builds cached (1 of 17 tasks)");
    expect(text).toContain("Retried: deploy:redis (2 attempts)");
    expect(text).not.toContain("estimated");
    expect(formatRunSummary(profile, { color: true })).toContain("\x1b[31m");
  });
});

describe("formatEstimateLine", () => {
  it("compares with the other strategies only", () => {
    const graph = loadFixture("seeds-graph");
    expect(formatEstimateLine(graph, { graph: 180, phased: 201.1 })).toBe(
      "This run (graph) took 180.5s; the same run would have taken 201.1s phased (estimated).",
    );
    expect(formatEstimateLine(graph, { graph: 180 })).toBeUndefined();
    expect(formatEstimateLine(graph, undefined)).toBeUndefined();
  });
});
