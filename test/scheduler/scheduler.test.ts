import { describe, expect, it } from "vitest";
import { PaddockError } from "../../src/errors.js";
import type { Plan, PlanTask } from "../../src/plan/types.js";
import type { TaskKind } from "../../src/tasks/kinds.js";
import { taskKind } from "../../src/tasks/registry.js";
import type { SchedulerEvent } from "../../src/scheduler/events.js";
import { runPlan, type TaskAction } from "../../src/scheduler/scheduler.js";
import type { SchedulerOptions } from "../../src/scheduler/scheduler-options.js";
import { sleep } from "../../src/util/abort.js";
import { VirtualClock } from "./virtual-clock.js";

const RESOURCES = { build: 2, load: 2, api: 4, pull: 4 };

function task(id: string, dependsOn: string[] = [], extra: Partial<PlanTask> = {}): PlanTask {
  const kind = (id.includes(":") ? (id.startsWith("env:") ? id : id.split(":")[0]) : id) as TaskKind;
  const resource =
    kind === "build" ? "build" : kind === "load" ? "load" : kind === "deploy" || kind === "job" ? "api" : undefined;
  return {
    id,
    kind,
    phase: taskKind(kind).phase,
    dependsOn,
    resource,
    subject: undefined,
    finalizer: undefined,
    timeoutSeconds: 30,
    ...extra,
  };
}
const plan = (tasks: PlanTask[]): Plan => ({ stack: "t", strategy: "graph", mode: "test", tasks });

/** Runs a plan on virtual time: every timing below is exact. */
function onVirtualTime(clock: VirtualClock) {
  return (p: Plan, actionFor: (t: PlanTask) => TaskAction, options: SchedulerOptions) =>
    clock.run(runPlan(p, actionFor, { ...options, clock }));
}

/** Actions that sleep (on `clock`, or for real), honour their signal and record what ran when. */
function recorder(ms: Record<string, number>, clock?: VirtualClock) {
  const active = new Set<string>();
  const log: { id: string; event: "start" | "end" | "aborted"; concurrent: number }[] = [];
  const action =
    (t: PlanTask): TaskAction =>
    async ({ signal }) => {
      active.add(t.id);
      log.push({ id: t.id, event: "start", concurrent: active.size });
      try {
        await (clock ? clock.sleep(ms[t.id] ?? 10, signal) : sleep(ms[t.id] ?? 10, signal));
        log.push({ id: t.id, event: "end", concurrent: active.size });
      } catch (error) {
        log.push({ id: t.id, event: "aborted", concurrent: active.size });
        throw error;
      } finally {
        active.delete(t.id);
      }
    };
  return { action, log, active };
}

describe("scheduler", () => {
  it("respects resource limits: never more builds at once than build slots", async () => {
    const builds = ["a", "b", "c", "d", "e"].map((n) => task(`build:${n}`));
    const { action, log } = recorder({});
    let maxBuilds = 0;
    let nowBuilding = 0;
    const result = await runPlan(
      plan(builds),
      (t) => async (ctx) => {
        nowBuilding++;
        maxBuilds = Math.max(maxBuilds, nowBuilding);
        try {
          await action(t)(ctx);
        } finally {
          nowBuilding--;
        }
      },
      { resources: RESOURCES },
    );
    expect(result.state).toBe("succeeded");
    expect(maxBuilds).toBe(2);
    expect(log.filter((l) => l.event === "end")).toHaveLength(5);
  });

  it("runs one task at a time in sequential mode, dependencies first", async () => {
    const { action, log } = recorder({});
    const result = await runPlan(
      plan([task("build:a"), task("build:b"), task("deploy:x", ["build:a", "build:b"])]),
      action,
      { resources: RESOURCES, sequential: true },
    );
    expect(result.state).toBe("succeeded");
    expect(Math.max(...log.map((l) => l.concurrent))).toBe(1);
    expect(log.at(-1)).toMatchObject({ id: "deploy:x", event: "end" });
  });

  it("starts the environment just in time, and earlier when something needs it", async () => {
    const clock = new VirtualClock();
    const run = onVirtualTime(clock);
    const { action } = recorder({ "build:api": 1000, "env:create": 50 }, clock);
    const late = await run(
      plan([task("build:api"), task("env:create"), task("deploy:api", ["build:api", "env:create"])]),
      action,
      {
        resources: RESOURCES,
        notBefore: { "env:create": 0.4 },
      },
    );
    const envLate = late.tasks.find((t) => t.id === "env:create")!;
    // Not before its time, and ready before the build that gates its user ends.
    expect(envLate.start).toBe(0.4);
    expect(envLate.end).toBe(0.45);
    expect(late.tasks.find((t) => t.id === "build:api")!.end).toBe(1);
    expect(late.tasks.find((t) => t.id === "deploy:api")!.start).toBe(1);

    // postgres needs only the environment: waiting for the predicted time would waste it.
    const early = await run(
      plan([
        task("build:api"),
        task("env:create"),
        task("deploy:postgres", ["env:create"]),
        task("deploy:api", ["build:api", "env:create"]),
      ]),
      action,
      { resources: RESOURCES, notBefore: { "env:create": 0.4 } },
    );
    expect(early.tasks.find((t) => t.id === "env:create")!.start).toBe(0);
  });

  it("stops every running task on cancellation and still tears down", async () => {
    const clock = new VirtualClock();
    const { action, log, active } = recorder(
      { "build:a": 5000, "build:b": 5000, "env:create": 5, "env:delete": 20 },
      clock,
    );
    const controller = new AbortController();
    clock.setTimeout(() => controller.abort(), 100);
    const teardown = task("env:delete", ["build:a", "build:b", "env:create", "deploy:x"], {
      finalizer: { requires: "env:create" },
    });
    const result = await onVirtualTime(clock)(
      plan([
        task("build:a"),
        task("build:b"),
        task("env:create"),
        task("deploy:x", ["build:a", "build:b", "env:create"]),
        teardown,
      ]),
      action,
      {
        resources: RESOURCES,
        signal: controller.signal,
      },
    );
    // The builds stop at the interrupt; teardown starts then and takes its 20 ms.
    expect(result.tasks.find((t) => t.id === "build:a")!.end).toBe(0.1);
    expect(result.tasks.find((t) => t.id === "env:delete")).toMatchObject({ start: 0.1, end: 0.12 });
    expect(result.wallSeconds).toBe(0.12);
    expect(result.state).toBe("cancelled");
    expect(active.size).toBe(0);
    expect(
      log
        .filter((l) => l.event === "aborted")
        .map((l) => l.id)
        .sort(),
    ).toEqual(["build:a", "build:b"]);
    const state = Object.fromEntries(result.tasks.map((t) => [t.id, t.state]));
    expect(state).toEqual({
      "build:a": "cancelled",
      "build:b": "cancelled",
      "env:create": "succeeded",
      "deploy:x": "cancelled",
      "env:delete": "succeeded",
    });
  });

  it("leaves no timer behind after a cancelled run (an aborted task's grace period ends with it)", async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    clock.setTimeout(() => controller.abort(), 100);
    // A task that needs a moment to stop after the abort, as a process does.
    const action: TaskAction = async ({ signal }) => {
      await clock.sleep(10_000, signal).catch(() => clock.sleep(30));
    };
    const result = await onVirtualTime(clock)(plan([task("build:a")]), () => action, {
      resources: RESOURCES,
      signal: controller.signal,
      abortGraceMs: 5000,
    });
    expect(result.state).toBe("cancelled");
    expect(result.wallSeconds).toBe(0.13);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("fails a task that exceeds its timeout, naming it and the limit", async () => {
    const clock = new VirtualClock();
    const { action } = recorder({ "deploy:slow": 5000 }, clock);
    const result = await onVirtualTime(clock)(plan([task("deploy:slow", [], { timeoutSeconds: 0.1 })]), action, {
      resources: RESOURCES,
    });
    expect(result.state).toBe("failed");
    const slow = result.tasks[0]!;
    expect(slow.state).toBe("failed");
    expect(slow.error?.split("\n")[0]).toBe("deploy:slow did not finish within 0.1s");
    expect(slow.error).toContain("try: raise its timeout in the stack file");
    expect(slow.end).toBe(0.1);
  });

  it("retries transient errors with backoff, and fails other errors at once", async () => {
    let loadCalls = 0;
    let deployCalls = 0;
    const events: SchedulerEvent[] = [];
    const retry = { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 };
    const clock = new VirtualClock();
    const result = await onVirtualTime(clock)(
      plan([task("load:api")]),
      () => async () => {
        loadCalls++;
        if (loadCalls < 3) throw new PaddockError("ctr: failed to ingest: unexpected EOF", { transient: true });
      },
      { resources: RESOURCES, retry, onEvent: (e) => events.push(e) },
    );
    const failed = await runPlan(
      plan([task("deploy:db")]),
      () => async () => {
        deployCalls++;
        throw new PaddockError("bad manifest");
      },
      { resources: RESOURCES, retry },
    );
    const load = result.tasks.find((t) => t.id === "load:api")!;
    expect(load).toMatchObject({ state: "succeeded", attempts: 3 });
    expect(load.attemptLog.map((a) => a.outcome)).toEqual([
      "ctr: failed to ingest: unexpected EOF",
      "ctr: failed to ingest: unexpected EOF",
      "ok",
    ]);
    // Backoff doubles: the second attempt starts 20 ms after the first, the third 40 ms after that.
    expect(load.attemptLog.map((a) => a.start)).toEqual([0, 0.02, 0.06]);
    expect(events.filter((e) => e.type === "task" && e.state === "retrying")).toHaveLength(2);
    expect(deployCalls).toBe(1);
    expect(failed.rootCause?.taskId).toBe("deploy:db");
    expect(failed.tasks[0]).toMatchObject({ state: "failed", attempts: 1, error: "bad manifest" });
  });

  it("on failure cancels only dependents; unrelated running work finishes; teardown runs", async () => {
    const { action, log } = recorder({ "build:bad": 20, "build:slow": 200, "env:create": 5 });
    const failing = (t: PlanTask): TaskAction =>
      t.id === "build:bad"
        ? async () => {
            await sleep(20);
            throw new PaddockError("Dockerfile:3: RUN exited 1");
          }
        : action(t);
    const result = await runPlan(
      plan([
        task("build:bad"),
        task("build:slow"),
        task("env:create"),
        task("deploy:bad", ["build:bad", "env:create"]),
        task("deploy:slow", ["build:slow", "env:create"]),
        task("env:delete", ["build:bad", "build:slow", "env:create", "deploy:bad", "deploy:slow"], {
          finalizer: { requires: "env:create" },
        }),
      ]),
      failing,
      { resources: RESOURCES },
    );
    const byId = Object.fromEntries(result.tasks.map((t) => [t.id, t]));
    expect(result.state).toBe("failed");
    expect(result.rootCause?.taskId).toBe("build:bad");
    expect(byId["build:bad"]).toMatchObject({ state: "failed", error: "Dockerfile:3: RUN exited 1" });
    expect(byId["deploy:bad"]!.state).toBe("cancelled");
    expect(byId["build:slow"]!.state).toBe("succeeded");
    expect(log.some((l) => l.id === "build:slow" && l.event === "end")).toBe(true);
    // Nothing new starts after the failure, but teardown does, after the running build ended.
    expect(byId["deploy:slow"]!.state).toBe("cancelled");
    expect(byId["env:delete"]!.state).toBe("succeeded");
    expect(byId["env:delete"]!.start).toBeGreaterThanOrEqual(byId["build:slow"]!.end);
  });

  it("tears down after an environment whose creation was interrupted midway (it may have made something)", async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    clock.setTimeout(() => controller.abort(), 50);
    const { action } = recorder({ "env:create": 1000, "env:delete": 10 }, clock);
    const result = await onVirtualTime(clock)(
      plan([
        task("env:create"),
        task("deploy:x", ["env:create"]),
        task("env:delete", ["env:create", "deploy:x"], { finalizer: { requires: "env:create" } }),
      ]),
      action,
      { resources: RESOURCES, signal: controller.signal },
    );
    expect(Object.fromEntries(result.tasks.map((t) => [t.id, t.state]))).toEqual({
      "env:create": "cancelled",
      "deploy:x": "cancelled",
      "env:delete": "succeeded",
    });
  });

  it("skips teardown when the environment was never created", async () => {
    const result = await runPlan(
      plan([
        task("build:x"),
        task("env:create", ["build:x"]),
        task("env:delete", ["build:x", "env:create"], { finalizer: { requires: "env:create" } }),
      ]),
      (t) => async () => {
        if (t.id === "build:x") throw new PaddockError("boom");
      },
      { resources: RESOURCES },
    );
    expect(Object.fromEntries(result.tasks.map((t) => [t.id, t.state]))).toEqual({
      "build:x": "failed",
      "env:create": "cancelled",
      "env:delete": "skipped",
    });
  });
});
