import { describe, expect, it } from "vitest";
import { compareProfiles, formatComparison } from "../../src/profile/compare.js";
import { loadFixture } from "./helpers/fixtures.js";

describe("compareProfiles", () => {
  const phased = loadFixture("seeds-phased");
  const graph = loadFixture("seeds-graph");
  const cmp = compareProfiles(phased, graph);

  it("gives per-task deltas B − A and marks tasks present in one run only", () => {
    const row = (id: string) => cmp.tasks.find((t) => t.id === id);
    expect(row("build:signalprocessing")).toMatchObject({ a: 125.4, b: 128, presence: "both" });
    expect(row("build:signalprocessing")?.delta).toBeCloseTo(2.6, 6);
    expect(row("build:signalprocessing")?.deltaPercent).toBeCloseTo((2.6 / 125.4) * 100, 6);
    expect(row("build:gateway")).toMatchObject({ a: null, presence: "only-b", cachedB: true, deltaPercent: null });
    expect(row("build:gateway")?.delta).toBeCloseTo(0.4, 6);
    const reversed = compareProfiles(graph, phased);
    expect(reversed.tasks.find((t) => t.id === "test")).toMatchObject({ b: null, presence: "only-a" });
  });

  it("gives per-phase rows and the wall delta", () => {
    expect(cmp.phases.map((p) => p.phase)).toEqual(["build", "environment", "load", "deploy", "test", "teardown"]);
    expect(cmp.phases[0]?.delta).toBeCloseTo(2.6, 6);
    expect(cmp.phases[4]).toMatchObject({ a: 0, deltaPercent: null });
    expect(cmp.wall.delta).toBeCloseTo(-20.6, 6);
    expect(cmp.wall.deltaPercent).toBeCloseTo((-20.6 / 201.1) * 100, 6);
  });

  it("formats a text table sorted by absolute delta", () => {
    const text = formatComparison(cmp);
    const taskLines = text.split("\n").slice(4, 4 + cmp.tasks.length);
    const ids = taskLines.map((l) => l.split(/\s+/)[0]);
    expect(ids[0]).toBe("test"); // 24.5 s, only in B
    const deltas = taskLines.map((l) => Math.abs(Number(/([+-]\d+\.\d)s/.exec(l)?.[1])));
    expect([...deltas].sort((x, y) => y - x)).toEqual(deltas);
    expect(text).toMatch(/test\s+-\s+24\.5s\s+\+24\.5s\s+only in B/);
    expect(text).toMatch(/build:gateway\s+-\s+0\.4s \(cached\)\s+\+0\.4s\s+only in B/);
    expect(text).toMatch(/Build images\s+125\.4s\s+128\.0s\s+\+2\.6s\s+\+2%/);
    expect(text).toContain("Wall time: 201.1s → 180.5s (-20.6s, -10%)");
    expect(formatComparison(cmp, { limit: 3 })).toContain("… 14 more task(s)");
  });
});
