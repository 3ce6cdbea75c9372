import { describe, expect, it } from "vitest";
import { PaddockError } from "../../src/errors.js";
import type { Plan, PlanTask } from "../../src/plan/types.js";
import { runPlan, type TaskAction } from "../../src/scheduler/scheduler.js";
import type { SchedulerOptions } from "../../src/scheduler/scheduler-options.js";
import { taskKind } from "../../src/tasks/registry.js";
import type { TaskKind } from "../../src/tasks/kinds.js";
import { VirtualClock } from "./virtual-clock.js";

const RESOURCES = { build: 2, load: 2, api: 4, pull: 4 };

function task(id: string, dependsOn: string[] = [], extra: Partial<PlanTask> = {}): PlanTask {
  const local = id.includes("/") ? id.split("/")[1]! : id;
  const kind = (local.startsWith("env:") || local === "test" ? local : local.split(":")[0]) as TaskKind;
  return {
    id,
    kind,
    phase: taskKind(kind).phase,
    dependsOn,
    resource: undefined,
    subject: undefined,
    finalizer: undefined,
    timeoutSeconds: 30,
    ...extra,
  };
}
const plan = (tasks: PlanTask[]): Plan => ({ stack: "ws", strategy: "graph", mode: "test", tasks });
const groupOf = (t: PlanTask): string | undefined => (t.id.includes("/") ? t.id.split("/")[0] : undefined);

/** Two stacks (a, b) sharing one build, each with its environment, a deploy and its tests. */
function workspace(): PlanTask[] {
  const stack = (s: string): PlanTask[] => [
    task(`${s}/env:create`),
    task(`${s}/deploy:api`, [`${s}/env:create`, "build:shared"]),
    task(`${s}/test`, [`${s}/deploy:api`]),
    task(`${s}/env:delete`, [`${s}/env:create`, `${s}/deploy:api`, `${s}/test`], {
      finalizer: { requires: `${s}/env:create` },
    }),
  ];
  return [task("build:shared"), ...stack("a"), ...stack("b")];
}

function run(
  clock: VirtualClock,
  tasks: PlanTask[],
  fail: (id: string) => boolean,
  options: Partial<SchedulerOptions> = {},
) {
  const action =
    (t: PlanTask): TaskAction =>
    async () => {
      await clock.sleep(t.kind === "env:create" ? 100 : 10);
      if (fail(t.id)) throw new PaddockError(`${t.id} broke`);
    };
  return clock.run(runPlan(plan(tasks), action, { resources: RESOURCES, clock, groupOf, ...options }));
}

const states = (tasks: { id: string; state: string }[]): Record<string, string> =>
  Object.fromEntries(tasks.map((t) => [t.id, t.state]));

describe("scheduling a workspace", () => {
  it("a failing stack fails alone: the other stack's tasks still run, and each tears down", async () => {
    const result = await run(new VirtualClock(), workspace(), (id) => id === "a/deploy:api");
    expect(states(result.tasks)).toMatchObject({
      "a/deploy:api": "failed",
      "a/test": "cancelled",
      "a/env:delete": "succeeded",
      "b/deploy:api": "succeeded",
      "b/test": "succeeded",
      "b/env:delete": "succeeded",
    });
    expect(result.state).toBe("failed");
    expect(result.rootCauses.get("a")?.taskId).toBe("a/deploy:api");
    expect(result.rootCauses.has("b")).toBe(false);
  });

  it("with fail-fast, the first failure stops every stack", async () => {
    const result = await run(new VirtualClock(), workspace(), (id) => id === "a/deploy:api", { failFast: true });
    expect(states(result.tasks)).toMatchObject({
      "a/test": "cancelled",
      "b/test": "cancelled",
      "a/env:delete": "succeeded",
      "b/env:delete": "succeeded",
    });
  });

  it("a failing shared build cancels what needs it in every stack, nothing else", async () => {
    const result = await run(new VirtualClock(), workspace(), (id) => id === "build:shared");
    expect(states(result.tasks)).toMatchObject({
      "build:shared": "failed",
      "a/deploy:api": "cancelled",
      "b/deploy:api": "cancelled",
      "a/env:create": "succeeded",
      "b/env:delete": "succeeded",
    });
  });

  it("holds an environment's lease from env:create until its env:delete settles", async () => {
    const clock = new VirtualClock();
    const stacks = ["a", "b", "c"];
    const tasks = stacks.flatMap((s) => [
      task(`${s}/env:create`, [], { leases: [{ resource: "environments", amount: 2, releasedBy: `${s}/env:delete` }] }),
      task(`${s}/test`, [`${s}/env:create`]),
      task(`${s}/env:delete`, [`${s}/env:create`, `${s}/test`], { finalizer: { requires: `${s}/env:create` } }),
    ]);
    const result = await run(clock, tasks, () => false, { leases: { environments: 4 } });
    const at = (id: string) => result.tasks.find((t) => t.id === id)!;
    expect(at("a/env:create").start).toBe(0);
    expect(at("b/env:create").start).toBe(0);
    // The third environment waits for room: it starts as the first environment's teardown ends.
    expect(at("c/env:create").start).toBe(at("a/env:delete").end);
    expect(result.state).toBe("succeeded");
  });
});
