import type { Stack, WorkloadSpec } from "../config/stack.js";
import { workloads } from "../config/stack.js";
import type { TaskKind } from "../tasks/kinds.js";
import { taskKind } from "../tasks/registry.js";
import type { Plan, PlanTask, Strategy } from "./types.js";

/** What the stack's provider can do (from the provider registry): it decides which tasks exist. */
export interface PlanCapabilities {
  /** Built images must be loaded or pushed before workloads use them: load:X tasks. */
  loadsImages: boolean;
  /** The environment can collect coverage: collect:coverage for `test`. */
  collectsCoverage: boolean;
}

export interface PlanOptions {
  strategy: Strategy;
  /** `up` stops once everything is ready; `test` adds the test, coverage collection and teardown. */
  mode: "up" | "test";
  /** Leave the environment running, even after a failure (no env:delete). */
  keep?: boolean;
  capabilities: PlanCapabilities;
  /** Collect coverage after `test` (default): it stops the services, so not when the environment stays up (`test --reuse`). */
  collectCoverage?: boolean;
  /** Images the cache registry has: pulled, so they wait for no base image. */
  pulledImages?: ReadonlySet<string>;
  /** Images the cache registry has that are rebuilt from its layers: after their bases, in pull slots. */
  layeredImages?: ReadonlySet<string>;
}

export const workloadTaskId = (w: Pick<WorkloadSpec, "kind" | "name">): string =>
  w.kind === "job" ? `job:${w.name}` : `deploy:${w.name}`;

/** Turns a stack into its task graph. Ids: build:X, env:create, env:bootstrap, load:X, deploy:Y, job:Z, test, collect:coverage, summarize:coverage, env:delete. */
export function buildPlan(stack: Stack, options: PlanOptions): Plan {
  const tasks: PlanTask[] = [];
  const add = (kind: TaskKind, id: string, dependsOn: string[], extra: Partial<PlanTask> = {}): PlanTask => {
    const definition = taskKind(kind);
    const task: PlanTask = {
      id,
      kind,
      phase: definition.phase,
      dependsOn: [...new Set(dependsOn)],
      resource: definition.resource,
      subject: extra.subject,
      finalizer: undefined,
      timeoutSeconds: definition.timeoutSeconds(stack, extra.subject),
      ...extra,
    };
    tasks.push(task);
    return task;
  };

  for (const image of Object.values(stack.images)) {
    // An image the cache registry has is pulled (waiting for no base) or rebuilt from its layers
    // (after its bases): either way it fetches rather than compiles, in a pull slot.
    const pulled = options.pulledImages?.has(image.name) === true;
    const fromRegistry = pulled || options.layeredImages?.has(image.name) === true;
    const bases = pulled ? [] : image.dependsOn.map((d) => `build:${d}`);
    add("build", `build:${image.name}`, bases, {
      subject: image.name,
      ...(fromRegistry ? { resource: "pull" as const } : {}),
    });
  }

  const env = stack.environment;
  add("env:create", "env:create", []);
  const b = env.bootstrap;
  const hasBootstrap = b.namespaces.length + b.crds.length + b.manifests.length > 0;
  if (hasBootstrap) add("env:bootstrap", "env:bootstrap", ["env:create"]);
  const environmentReady = hasBootstrap ? ["env:create", "env:bootstrap"] : ["env:create"];

  const loads = options.capabilities.loadsImages;
  const usedImages = new Set(workloads(stack).flatMap((w) => w.images));
  if (loads) {
    for (const name of usedImages) add("load", `load:${name}`, [`build:${name}`, "env:create"], { subject: name });
  }

  const byName = new Map(workloads(stack).map((w) => [w.name, w]));
  for (const w of workloads(stack)) {
    const imageTasks = w.images.map((img) => (loads ? `load:${img}` : `build:${img}`));
    const depTasks = w.dependsOn.map((d) => {
      const dep = byName.get(d);
      return dep ? workloadTaskId(dep) : `deploy:${d}`;
    });
    add(w.kind === "job" ? "job" : "deploy", workloadTaskId(w), [...environmentReady, ...imageTasks, ...depTasks], {
      subject: w.name,
    });
  }

  const workloadTasks = tasks.filter((t) => t.kind === "deploy" || t.kind === "job").map((t) => t.id);
  if (options.mode === "test") {
    add("test", "test", workloadTasks.length > 0 ? workloadTasks : environmentReady);
    const collects =
      options.collectCoverage !== false &&
      options.capabilities.collectsCoverage &&
      stack.coverage &&
      [...usedImages].some((img) => stack.images[img]?.coverage !== undefined);
    // After the tests (also failed ones) and once every workload has settled, so nothing still starts.
    if (collects) {
      add("collect:coverage", "collect:coverage", ["test", ...workloadTasks], {
        finalizer: { requires: "env:create" },
      });
      // Needs only the copied data: beside teardown, not before it.
      add("summarize:coverage", "summarize:coverage", ["collect:coverage"], {
        finalizer: { requires: "collect:coverage" },
      });
    }
  }
  if (!options.keep && !env.reuse) {
    // Teardown waits for everything else, so nothing still uses the environment it removes.
    // After `up` it runs only when the run failed or was cancelled: a half-made environment is removed.
    const others = tasks.filter((t) => t.id !== "env:create" && t.id !== "summarize:coverage").map((t) => t.id);
    add("env:delete", "env:delete", others, {
      finalizer: { requires: "env:create", onlyOnFailure: options.mode === "up" },
    });
  }

  applyStrategy(tasks, options.strategy);
  return { stack: stack.name, strategy: options.strategy, mode: options.mode, tasks };
}

/**
 * `phased` adds barriers between phases: all builds → environment → all loads → deploys.
 * `sequential` keeps the graph's order; the scheduler runs one task at a time.
 */
function applyStrategy(tasks: PlanTask[], strategy: Strategy): void {
  if (strategy !== "phased") return;
  const ids = (kind: TaskKind): string[] => tasks.filter((t) => t.kind === kind).map((t) => t.id);
  const builds = ids("build");
  const loadIds = ids("load");
  const bootstrap = ids("env:bootstrap");
  for (const task of tasks) {
    const extra: string[] = [];
    if (task.kind === "env:create") extra.push(...builds);
    if (task.kind === "load") extra.push(...bootstrap);
    if (task.kind === "deploy" || task.kind === "job") extra.push(...(loadIds.length > 0 ? loadIds : builds));
    task.dependsOn = [...new Set([...task.dependsOn, ...extra])];
  }
}
