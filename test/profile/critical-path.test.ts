import { describe, expect, it } from "vitest";
import { criticalPath, parallelEfficiency, totalBusySeconds } from "../../src/profile/critical-path.js";
import { failedGraphProfile, loadFixture, profileOf, task } from "./helpers/fixtures.js";

describe("criticalPath", () => {
  it("follows the latest-ending dependency chain of the graph run", () => {
    const path = criticalPath(loadFixture("seeds-graph"));
    expect(path.steps.map((s) => s.id)).toEqual([
      "build:signalprocessing",
      "load:signalprocessing",
      "deploy:signalprocessing",
      "test",
      "collect:coverage",
      "env:delete",
    ]);
    expect(path.steps[0]?.seconds).toBeCloseTo(128, 6);
    expect(path.steps.every((s) => s.waitedSeconds < 1e-9)).toBe(true);
    expect(path.seconds).toBeCloseTo(180.5, 6);
  });

  it("reports the phase-barrier waits of the phased run", () => {
    const path = criticalPath(loadFixture("seeds-phased"));
    expect(path.steps.map((s) => s.id)).toEqual([
      "env:create",
      "env:bootstrap",
      "deploy:postgresql",
      "job:migrations",
      "deploy:datastorage",
      "deploy:signalprocessing",
    ]);
    expect(path.steps[0]?.waitedSeconds).toBeCloseTo(125.4, 6);
    expect(path.steps[2]?.waitedSeconds).toBeCloseTo(11.3, 6);
    expect(path.seconds).toBeCloseTo(64.4, 6);
    expect(path.seconds + path.waitedSeconds).toBeCloseTo(201.1, 6);
  });

  it("counts cache hits and ignores never-started tasks", () => {
    const path = criticalPath(failedGraphProfile());
    expect(path.steps.at(-1)?.id).toBe("deploy:signalprocessing");
    const cached = profileOf([
      task("build:a", "build", 0, 0.5, { cached: true }),
      task("load:a", "load", 0.5, 2, { dependsOn: ["build:a"] }),
    ]);
    expect(criticalPath(cached).steps.map((s) => s.id)).toEqual(["build:a", "load:a"]);
    expect(criticalPath(profileOf([])).steps).toEqual([]);
  });

  it("survives a dependency cycle in a hand-written profile", () => {
    const p = profileOf([
      task("a", "build", 0, 1, { dependsOn: ["b"] }),
      task("b", "build", 0, 2, { dependsOn: ["a"] }),
    ]);
    expect(criticalPath(p).steps.length).toBe(2);
  });
});

describe("parallelEfficiency", () => {
  it("is task time over wall time, retries' back-off excluded", () => {
    const profile = loadFixture("seeds-graph");
    // deploy:redis: attempts 1.4 s + 4.8 s rather than its 7.2 s span
    const busy = totalBusySeconds(profile);
    const spans = profile.tasks.reduce((s, t) => s + (t.end - t.start), 0);
    expect(busy).toBeCloseTo(spans - 1.0, 6);
    expect(parallelEfficiency(profile)).toBeCloseTo(busy / 180.5, 9);
    expect(parallelEfficiency(loadFixture("seeds-phased"))).toBeCloseTo(284.1 / 201.1, 6);
    expect(parallelEfficiency(profileOf([], { wallSeconds: 0 }))).toBe(0);
  });
});
