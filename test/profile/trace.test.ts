import { describe, expect, it } from "vitest";
import { toChromeTrace, type TraceEvent } from "../../src/profile/trace.js";
import type { Profile } from "../../src/profile/types.js";
import { failedGraphProfile, loadFixture } from "./helpers/fixtures.js";

type Complete = Extract<TraceEvent, { ph: "X" }>;

function checkTrace(profile: Profile): { events: TraceEvent[]; complete: Complete[] } {
  const json = JSON.stringify(toChromeTrace(profile));
  const parsed = JSON.parse(json) as { traceEvents: TraceEvent[]; displayTimeUnit: string };
  expect(parsed.displayTimeUnit).toBe("ms");
  const events = parsed.traceEvents;
  const complete = events.filter((e): e is Complete => e.ph === "X");

  // Microsecond integers.
  for (const event of complete) {
    expect(Number.isInteger(event.ts)).toBe(true);
    expect(Number.isInteger(event.dur)).toBe(true);
    expect(event.dur).toBeGreaterThanOrEqual(0);
    expect(event.pid).toBe(1);
  }
  // No overlap on a lane.
  const byLane = new Map<number, Complete[]>();
  for (const event of complete) byLane.set(event.tid, [...(byLane.get(event.tid) ?? []), event]);
  for (const lane of byLane.values()) {
    const sorted = [...lane].sort((a, b) => a.ts - b.ts);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      const cur = sorted[i];
      if (prev === undefined || cur === undefined) continue;
      expect(prev.ts + prev.dur).toBeLessThanOrEqual(cur.ts);
    }
  }
  // Metadata: the process name and one thread name per used lane.
  const meta = events.filter((e) => e.ph === "M");
  expect(meta.find((e) => e.name === "process_name")?.args.name).toContain(profile.runId);
  expect(meta.find((e) => e.name === "process_name")?.args.name).toContain(profile.stack);
  const named = new Set(meta.filter((e) => e.name === "thread_name").map((e) => e.tid));
  for (const event of events) if (event.ph !== "M") expect(named.has(event.tid)).toBe(true);
  return { events, complete };
}

describe("toChromeTrace", () => {
  it("emits one complete event per attempt, in microseconds, on non-overlapping lanes", () => {
    const profile = loadFixture("seeds-graph");
    const { complete } = checkTrace(profile);
    const attempts = profile.tasks.reduce((n, t) => n + t.attemptLog.length, 0);
    expect(complete).toHaveLength(attempts);
    for (const t of profile.tasks) expect(complete.some((e) => e.args.id === t.id)).toBe(true);

    const build = complete.find((e) => e.name === "build:signalprocessing");
    expect(build).toMatchObject({ ts: 0, dur: 128_000_000, cat: "build" });
    expect(build?.args).toMatchObject({ cached: false, attempts: 1, state: "succeeded", exitReason: "ok" });

    const redis = complete.filter((e) => e.args.id === "deploy:redis");
    expect(redis.map((e) => e.name)).toEqual(["deploy:redis (attempt 1)", "deploy:redis (attempt 2)"]);
    expect(redis[0]?.args.exitReason).toBe("readiness probe timed out after 1.4s");
    expect(redis[1]).toMatchObject({ ts: 31_000_000, dur: 4_800_000 });

    // Concurrent tasks get distinct lanes: 3 builds and env:create all start at 0.
    const atZero = complete.filter((e) => e.ts === 0);
    expect(new Set(atZero.map((e) => e.tid)).size).toBe(atZero.length);
  });

  it("marks tasks that never started with an instant event and keeps errors", () => {
    const profile = failedGraphProfile("boom <b>");
    const { events, complete } = checkTrace(profile);
    const instants = events.filter((e) => e.ph === "i");
    expect(instants.map((e) => e.args.id).sort()).toEqual(["collect:coverage", "env:delete", "test"]);
    expect(instants[0]).toMatchObject({ s: "t", ts: 150_200_000 });
    const failed = complete.find((e) => e.args.id === "deploy:signalprocessing");
    expect(failed?.args).toMatchObject({ state: "failed", error: "boom <b>", exitReason: "boom <b>" });
    // Every task appears as an X or an i event.
    const seen = new Set(events.flatMap((e) => (e.ph === "M" ? [] : [e.args.id])));
    for (const t of profile.tasks) expect(seen.has(t.id)).toBe(true);
  });

  it("carries run metadata and handles the phased fixture", () => {
    const profile = loadFixture("seeds-phased");
    const trace = toChromeTrace(profile);
    expect(trace.otherData).toMatchObject({ runId: profile.runId, strategy: "phased", wallSeconds: 201.1 });
    const { complete } = checkTrace(profile);
    expect(complete).toHaveLength(profile.tasks.length);
    // 201.1 s must not turn into 201099999.99...
    expect(complete.find((e) => e.args.id === "deploy:signalprocessing")).toMatchObject({
      ts: 193_000_000,
      dur: 8_100_000,
    });
  });
});
