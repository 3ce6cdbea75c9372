import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  addRun,
  appendRun,
  emptyHistory,
  estimateDurations,
  historyRunOf,
  HISTORY_CAP,
  median,
  readHistory,
} from "../../src/profile/history.js";
import type { Profile } from "../../src/profile/types.js";
import { loadFixture, profileOf, task } from "./helpers/fixtures.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "paddock-history-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(
  n: number,
  buildSeconds: number,
  options: { cached?: boolean; failed?: boolean; stack?: string } = {},
): Profile {
  return profileOf(
    [
      task("build:api", "build", 0, buildSeconds, {
        cached: options.cached ?? false,
        state: options.failed === true ? "failed" : "succeeded",
      }),
      task("env:create", "env:create", 0, 20 + (n % 3)),
    ],
    { runId: `run-${n}`, stack: options.stack ?? "demo" },
  );
}

describe("median", () => {
  it("handles odd, even and empty inputs", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
});

describe("history file", () => {
  it("appends runs atomically, creates the directory, and reads them back", async () => {
    const path = join(dir, ".paddock", "history.json");
    expect(await readHistory(path)).toEqual({ history: emptyHistory() });
    await appendRun(path, loadFixture("seeds-phased"));
    const { history, warning } = await appendRun(path, loadFixture("seeds-graph"));
    expect(warning).toBeUndefined();
    expect(history.runs.map((r) => r.runId)).toEqual(["20250114-093012-phased", "20250114-101544-graph"]);
    const onDisk = JSON.parse(await readFile(path, "utf8")) as unknown;
    expect(onDisk).toEqual(history);
    expect(history.runs[1]?.tasks["build:gateway"]).toEqual({ seconds: 0.4, cached: true, state: "succeeded" });
    expect(history.runs[0]).toMatchObject({
      stack: "signalprocessing",
      strategy: "phased",
      startedAt: "2025-01-14T09:30:12.000Z",
    });
    // No temp files left behind.
    expect(await readdir(join(dir, ".paddock"))).toEqual(["history.json"]);
  });

  it("keeps only the last 50 runs and replaces a re-recorded run id", async () => {
    let history = emptyHistory();
    for (let i = 0; i < 60; i++) history = addRun(history, historyRunOf(run(i, 30)));
    expect(history.runs).toHaveLength(HISTORY_CAP);
    expect(history.runs[0]?.runId).toBe("run-10");
    history = addRun(history, historyRunOf(run(59, 31)));
    expect(history.runs).toHaveLength(HISTORY_CAP);
    expect(history.runs.at(-1)?.tasks["build:api"]?.seconds).toBe(31);
  });

  it("tolerates a corrupt file: empty history, a warning, and the bad file kept aside", async () => {
    const path = join(dir, "history.json");
    await writeFile(path, "{ not json");
    const read = await readHistory(path);
    expect(read.history).toEqual(emptyHistory());
    expect(read.warning).toMatch(/not valid JSON/);

    await writeFile(path, JSON.stringify({ version: 7, runs: [] }));
    expect((await readHistory(path)).warning).toMatch(/not a version 1 history/);

    await writeFile(path, "[]");
    const appended = await appendRun(path, run(1, 30));
    expect(appended.warning).toMatch(/kept as .*history\.json\.corrupt/);
    expect(appended.history.runs).toHaveLength(1);
    expect(await readFile(`${path}.corrupt`, "utf8")).toBe("[]");
  });

  it("drops malformed runs but keeps the good ones", async () => {
    const path = join(dir, "history.json");
    const good = historyRunOf(run(1, 30));
    await writeFile(
      path,
      JSON.stringify({ version: 1, runs: [good, { runId: 3 }, { ...good, tasks: { x: { seconds: -1 } } }] }),
    );
    const read = await readHistory(path);
    expect(read.history.runs).toEqual([good]);
    expect(read.warning).toMatch(/ignored 2 malformed/);
  });
});

describe("estimateDurations", () => {
  it("takes the median of recent succeeded, non-cached durations, so an outlier does not move it", () => {
    let history = emptyHistory();
    const builds = [30, 31, 29, 300 /* cold cache, registry hiccup */, 32, 30];
    builds.forEach((seconds, i) => {
      history = addRun(history, historyRunOf(run(i, seconds)));
    });
    history = addRun(history, historyRunOf(run(100, 1.5, { cached: true })));
    history = addRun(history, historyRunOf(run(101, 2.5, { cached: true })));
    history = addRun(history, historyRunOf(run(102, 999, { failed: true })));
    history = addRun(history, historyRunOf(run(103, 5, { stack: "other" })));

    const estimates = estimateDurations(history, "demo");
    expect(estimates["build:api"]).toBe(30.5); // median of 30 31 29 300 32 30 — the mean would be 75
    expect(estimates["env:create"]).toBeGreaterThanOrEqual(20);
    expect(estimateDurations(history, "demo", { cached: true })["build:api"]).toBe(2);
    expect(estimateDurations(history, "other")["build:api"]).toBe(5);
    expect(estimateDurations(history, "nobody")).toEqual({});
  });

  it("looks only at the last 10 samples", () => {
    let history = emptyHistory();
    for (let i = 0; i < 10; i++) history = addRun(history, historyRunOf(run(i, 100)));
    for (let i = 10; i < 20; i++) history = addRun(history, historyRunOf(run(i, 40)));
    expect(estimateDurations(history, "demo")["build:api"]).toBe(40);
    expect(estimateDurations(history, "demo", { window: 12 })["build:api"]).toBe(40);
    expect(estimateDurations(history, "demo", { window: 20 })["build:api"]).toBe(70);
  });
});
