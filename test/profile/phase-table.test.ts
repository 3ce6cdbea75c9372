import { describe, expect, it } from "vitest";
import { formatPhaseTable, phaseTable } from "../../src/profile/phase-table.js";
import { unionLength } from "../../src/profile/intervals.js";
import { loadFixture, profileOf, task } from "./helpers/fixtures.js";

describe("unionLength", () => {
  it("counts overlapping intervals once and keeps gaps out", () => {
    expect(unionLength([])).toBe(0);
    expect(
      unionLength([
        { start: 0, end: 10 },
        { start: 5, end: 12 },
        { start: 20, end: 21 },
      ]),
    ).toBeCloseTo(13);
    expect(
      unionLength([
        { start: 3, end: 4 },
        { start: 0, end: 10 },
      ]),
    ).toBeCloseTo(10);
    expect(
      unionLength([
        { start: 0, end: 1 },
        { start: 1, end: 2 },
      ]),
    ).toBeCloseTo(2);
  });
});

describe("phaseTable on the seeds' phased run", () => {
  const rows = phaseTable(loadFixture("seeds-phased"));
  const byPhase = Object.fromEntries(rows.map((r) => [r.phase, r]));

  it("reproduces the seeds' phase profile", () => {
    expect(rows.map((r) => r.phase)).toEqual(["build", "environment", "load", "deploy", "test", "teardown"]);
    expect(byPhase.build?.seconds).toBeCloseTo(125.4, 6);
    expect(Math.round(byPhase.build?.percentOfWall ?? 0)).toBe(62);
    expect(byPhase.environment?.seconds).toBeCloseTo(26.3, 6);
    expect(Math.round(byPhase.environment?.percentOfWall ?? 0)).toBe(13);
    expect(byPhase.load?.seconds).toBeCloseTo(11.3, 6);
    expect(Math.round(byPhase.load?.percentOfWall ?? 0)).toBe(6);
    expect(byPhase.deploy?.seconds).toBeCloseTo(38.1, 6);
    expect(Math.round(byPhase.deploy?.percentOfWall ?? 0)).toBe(19);
    expect(byPhase.test).toEqual({ phase: "test", seconds: 0, percentOfWall: 0, tasks: 0 });
  });

  it("renders a fixed-width table with the wall-time footer", () => {
    const lines = formatPhaseTable(loadFixture("seeds-phased"));
    const text = lines.join("\n");
    expect(text).toMatch(/Build images\s+2\s+125\.4s\s+62%/);
    expect(text).toMatch(/Create environment\s+2\s+26\.3s\s+13%/);
    expect(text).toMatch(/Load images\s+2\s+11\.3s\s+6%/);
    expect(text).toMatch(/Deploy services\s+5\s+38\.1s\s+19%/);
    expect(text).toMatch(/Wall time\s+201\.1s\s+100%/);
    expect(text).toContain("can sum above 100%");
    // Fixed width: every table line (header to footer row) has the "% of wall" column ending at the same column.
    const tableLines = lines.slice(0, -1).filter((l) => /%|wall/.test(l) && !l.startsWith("-"));
    const ends = new Set(tableLines.map((l) => l.length));
    expect(ends.size).toBe(1);
  });
});

describe("phaseTable on the graph run", () => {
  it("lets overlapping phases sum above 100% and says so", () => {
    const profile = loadFixture("seeds-graph");
    const rows = phaseTable(profile);
    const sum = rows.reduce((s, r) => s + r.percentOfWall, 0);
    expect(sum).toBeGreaterThan(100);
    // build: build:signalprocessing 0–128 covers the other builds.
    expect(rows[0]?.seconds).toBeCloseTo(128, 6);
    // load: 28.6–30.1, 72.5–80.3, 128.0–139.2 → 1.5 + 7.8 + 11.2
    expect(rows[2]?.seconds).toBeCloseTo(20.5, 6);
    expect(formatPhaseTable(profile).at(-1)).toMatch(/sum to 1\d\d%, above 100%/);
  });

  it("skips never-started tasks and handles an empty run", () => {
    const profile = profileOf(
      [
        task("build:a", "build", 0, 10),
        task("env:delete", "env:delete", 10, 10, { state: "skipped", attempts: 0, attemptLog: [] }),
      ],
      { wallSeconds: 10 },
    );
    const rows = phaseTable(profile);
    expect(rows.find((r) => r.phase === "teardown")?.tasks).toBe(0);
    expect(phaseTable(profileOf([], { wallSeconds: 0 })).every((r) => r.seconds === 0 && r.percentOfWall === 0)).toBe(
      true,
    );
  });
});
