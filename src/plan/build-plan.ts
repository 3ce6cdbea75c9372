import type { Stack, WorkloadSpec } from "../config/stack.js";
import { workloads } from "../config/stack.js";
import { phaseOfKind, type TaskKind } from "../profile/types.js";
import type { Plan, PlanTask, ResourceName, Strategy } from "./types.js";

export interface PlanOptions {
  strategy: Strategy;
  /** `up` stops once everything is ready; `test` adds the test, coverage collection and teardown. */
  mode: "up" | "test";
  /** Leave the environment running, even after a failure (no env:delete). */
  keep?: boolean;
  /** Add collect:coverage when an image declares coverage (needs a provider collector). */
  collectCoverage?: boolean;
}

/** Providers whose nodes cannot see the builder's images need a load step (kind, cluster). */
export function providerLoadsImages(provider: Stack["environment"]["provider"]): boolean {
  return provider !== "docker";
}

/**
 * Providers that implement `Provider.collectCoverage` (so `paddock plan` shows the task a run
 * would have). Keep in step with the providers.
 */
export function providerCollectsCoverage(provider: Stack["environment"]["provider"]): boolean {
  return provider === "docker" || provider === "kind";
}

const RESOURCE_OF: Partial<Record<TaskKind, ResourceName>> = {
  build: "build",
  load: "load",
  "env:bootstrap": "api",
  deploy: "api",
  job: "api",
};

export const workloadTaskId = (w: Pick<WorkloadSpec, "kind" | "name">): string => (w.kind === "job" ? `job:${w.name}` : `deploy:${w.name}`);

/** Turns a stack into its task graph. Ids: build:X, env:create, env:bootstrap, load:X, deploy:Y, job:Z, test, collect:coverage, env:delete. */
export function buildPlan(stack: Stack, options: PlanOptions): Plan {
  const tasks: PlanTask[] = [];
  const add = (kind: TaskKind, id: string, dependsOn: string[], extra: Partial<PlanTask> = {}): PlanTask => {
    const task: PlanTask = {
      id,
      kind,
      phase: phaseOfKind(kind),
      dependsOn: [...new Set(dependsOn)],
      resource: RESOURCE_OF[kind],
      subject: undefined,
      finalizer: undefined,
      timeoutSeconds: 600,
      ...extra,
    };
    tasks.push(task);
    return task;
  };

  for (const image of Object.values(stack.images)) {
    add("build", `build:${image.name}`, image.dependsOn.map((d) => `build:${d}`), { subject: image.name, timeoutSeconds: stack.build.timeoutSeconds });
  }

  const env = stack.environment;
  add("env:create", "env:create", [], { timeoutSeconds: env.timeoutSeconds });
  const b = env.bootstrap;
  const hasBootstrap = b.namespaces.length + b.crds.length + b.manifests.length > 0;
  if (hasBootstrap) add("env:bootstrap", "env:bootstrap", ["env:create"], { timeoutSeconds: env.timeoutSeconds });
  const environmentReady = hasBootstrap ? ["env:create", "env:bootstrap"] : ["env:create"];

  const loads = providerLoadsImages(env.provider);
  const usedImages = new Set(workloads(stack).flatMap((w) => w.images));
  if (loads) {
    for (const name of usedImages) add("load", `load:${name}`, [`build:${name}`, "env:create"], { subject: name, timeoutSeconds: env.timeoutSeconds });
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
      timeoutSeconds: w.timeoutSeconds,
    });
  }

  const workloadTasks = tasks.filter((t) => t.kind === "deploy" || t.kind === "job").map((t) => t.id);
  if (options.mode === "test") {
    add("test", "test", workloadTasks.length > 0 ? workloadTasks : environmentReady, { timeoutSeconds: stack.test?.timeoutSeconds ?? 3600 });
    const collects = options.collectCoverage === true && stack.coverage && [...usedImages].some((img) => stack.images[img]?.coverage !== undefined);
    // After the tests (also failed ones) and once every workload has settled, so nothing still starts.
    if (collects) add("collect:coverage", "collect:coverage", ["test", ...workloadTasks], { finalizer: { requires: "env:create" }, timeoutSeconds: 300 });
  }
  if (!options.keep && !env.reuse) {
    // Teardown waits for everything else, so nothing still uses the environment it removes.
    // After `up` it runs only when the run failed or was cancelled: a half-made environment is removed.
    const others = tasks.filter((t) => t.id !== "env:create").map((t) => t.id);
    add("env:delete", "env:delete", others, { finalizer: { requires: "env:create", onlyOnFailure: options.mode === "up" }, timeoutSeconds: 300 });
  }

  applyStrategy(tasks, options.strategy);
  return { stack: stack.name, strategy: options.strategy, mode: options.mode, tasks };
}

/**
 * `phased` adds the seeds' barriers: all builds → environment → all loads → deploys.
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
