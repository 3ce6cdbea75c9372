import { describe, expect, it } from "vitest";
import type { Probe, ProbeResult } from "../../src/readiness/probe.js";
import { waitUntilReady } from "../../src/readiness/wait.js";

/** A probe that answers from a list, then keeps giving the last answer. */
function scripted(results: ProbeResult[]): Probe & { calls: number } {
  const probe = {
    description: "http GET :8080/healthz",
    calls: 0,
    async check(): Promise<ProbeResult> {
      const result = results[Math.min(probe.calls, results.length - 1)]!;
      probe.calls++;
      return result;
    },
  };
  return probe;
}

/** A "has it died?" check that never finds it dead, and counts how often it was asked. */
function neverDied(): { died: () => Promise<undefined>; calls: () => number } {
  let calls = 0;
  return {
    died: async () => {
      calls++;
      return undefined;
    },
    calls: () => calls,
  };
}

const notYet: ProbeResult = { ready: false, detail: "ECONNREFUSED" };
const ready: ProbeResult = { ready: true, detail: "HTTP 200" };

describe("waitUntilReady", () => {
  it("returns at the first ready answer without asking whether the workload died", async () => {
    const check = neverDied();
    await waitUntilReady(scripted([ready]), {
      workload: "api",
      intervalSeconds: 0.01,
      signal: new AbortController().signal,
      died: check.died,
    });
    expect(check.calls()).toBe(0);
  });

  it("fails fast, naming the workload and its last lines, when it died before it was ready", async () => {
    const probe = scripted([notYet]);
    const error = await waitUntilReady(probe, {
      workload: "api",
      intervalSeconds: 0.01,
      signal: new AbortController().signal,
      died: async () => "exited with code 3",
      lastLogs: async () => ["panic: no DATABASE_URL"],
    }).catch((e: unknown) => e);
    expect(String(error)).toContain(
      'service "api" exited with code 3 before it was ready (http GET :8080/healthz: ECONNREFUSED)',
    );
    expect(String(error)).toContain("| panic: no DATABASE_URL");
    expect(probe.calls).toBe(1);
  });

  it("polls at the interval but asks whether the workload died at most every half second", async () => {
    const check = neverDied();
    const probe = scripted([...Array<ProbeResult>(60).fill(notYet), ready]);
    const started = performance.now();
    await waitUntilReady(probe, {
      workload: "api",
      intervalSeconds: 0.01,
      signal: new AbortController().signal,
      died: check.died,
    });
    const seconds = (performance.now() - started) / 1000;
    expect(probe.calls).toBe(61);
    expect(check.calls()).toBeGreaterThanOrEqual(1);
    expect(check.calls()).toBeLessThanOrEqual(Math.floor(seconds / 0.5) + 1);
  });
});
