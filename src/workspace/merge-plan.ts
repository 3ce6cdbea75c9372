import os from "node:os";
import type { ProviderName, Stack } from "../config/stack.js";
import type { Plan, PlanTask, ResourceLimits } from "../plan/types.js";
import { defaultResourceLimits } from "../scheduler/resources.js";
import type { KeyedImage } from "../build/image-tags.js";

/** What a stack brings to the workspace's graph: its own plan and its images' content keys. */
export interface StackPart {
  stack: Stack;
  plan: Plan;
  keyed: ReadonlyMap<string, KeyedImage>;
}

/** One build of the workspace: a content key, built once, for every stack (and name) that declares it. */
export interface SharedBuild {
  id: string;
  key: string;
  users: { part: number; name: string }[];
}

export interface WorkspacePlan {
  plan: Plan;
  /** Merged task id → the stack part and its own task, for every task that is not a shared build. */
  owners: Map<string, { part: number; task: PlanTask }>;
  builds: Map<string, SharedBuild>;
  resources: ResourceLimits;
  leases: Record<string, number>;
}

/** Memory an environment is assumed to need when its stack does not say (`resources.memory`). */
const DEFAULT_ENVIRONMENT_BYTES: Record<ProviderName, number> = {
  docker: 1024 ** 3,
  kind: 4 * 1024 ** 3,
  cluster: 256 * 1024 ** 2,
};
const MIB = 1024 ** 2;

export const stackTaskId = (stack: string, local: string): string => `${stack}/${local}`;

/** The failure domain of a merged task: its stack, or none for a shared build. */
export function groupOfTask(task: Pick<PlanTask, "id">): string | undefined {
  const slash = task.id.indexOf("/");
  return slash > 0 ? task.id.slice(0, slash) : undefined;
}

/**
 * The stacks' plans as one graph: each distinct image (by content key) is one build task that
 * every stack needing it waits for; every other task is its stack's, prefixed `<stack>/`. Each
 * environment holds its memory (and a slot) from env:create until its teardown, so environments
 * start as memory allows, never all at once blindly.
 */
export function mergePlans(
  parts: readonly StackPart[],
  options: { buildSlots?: number; memoryBytes?: number; environments?: number },
): WorkspacePlan {
  const builds = new Map<string, SharedBuild>();
  const byKey = new Map<string, SharedBuild>();
  const buildIdOf = (part: number, name: string): string => {
    const key = parts[part]!.keyed.get(name)?.key ?? `${part}:${name}`;
    let build = byKey.get(key);
    if (!build) {
      const id = builds.has(`build:${name}`) ? `build:${name}@${key.slice(0, 8)}` : `build:${name}`;
      build = { id, key, users: [] };
      byKey.set(key, build);
      builds.set(id, build);
    }
    if (!build.users.some((u) => u.part === part && u.name === name)) build.users.push({ part, name });
    return build.id;
  };
  const mapDep = (part: number, dep: string): string =>
    dep.startsWith("build:") ? buildIdOf(part, dep.slice("build:".length)) : stackTaskId(parts[part]!.stack.name, dep);

  const tasks = new Map<string, PlanTask>();
  const owners = new Map<string, { part: number; task: PlanTask }>();
  const memoryCapacity = Math.floor((options.memoryBytes ?? os.totalmem() * 0.75) / MIB);
  parts.forEach((p, part) => {
    const local = new Set(p.plan.tasks.map((t) => t.id));
    const releaser = local.has("env:delete") ? "env:delete" : local.has("test") ? "test" : undefined;
    const need = Math.ceil(
      (p.stack.resources.memoryBytes ?? DEFAULT_ENVIRONMENT_BYTES[p.stack.environment.provider]) / MIB,
    );
    for (const task of p.plan.tasks) {
      if (task.kind === "build") {
        const id = buildIdOf(part, task.subject ?? "");
        if (!tasks.has(id)) tasks.set(id, { ...task, id, dependsOn: task.dependsOn.map((d) => mapDep(part, d)) });
        continue;
      }
      const id = stackTaskId(p.stack.name, task.id);
      const merged: PlanTask = {
        ...task,
        id,
        dependsOn: task.dependsOn.map((d) => mapDep(part, d)),
        finalizer: task.finalizer && {
          ...task.finalizer,
          requires: stackTaskId(p.stack.name, task.finalizer.requires),
        },
      };
      if (task.kind === "env:create" && releaser) {
        const releasedBy = stackTaskId(p.stack.name, releaser);
        merged.leases = [
          { resource: "memory", amount: Math.min(need, memoryCapacity), releasedBy },
          ...(options.environments ? [{ resource: "environments", amount: 1, releasedBy }] : []),
        ];
      }
      tasks.set(id, merged);
      owners.set(id, { part, task });
    }
  });
  const defaults = defaultResourceLimits();
  const resources: ResourceLimits = {
    build: options.buildSlots ?? defaults.build,
    load: parts.reduce((n, p) => n + (p.stack.resources.loadSlots ?? defaults.load), 0),
    api: parts.reduce((n, p) => n + (p.stack.resources.apiSlots ?? defaults.api), 0),
    pull: defaults.pull,
  };
  const first = parts[0]?.plan;
  const plan: Plan = {
    stack: parts.map((p) => p.stack.name).join("+"),
    strategy: first?.strategy ?? "graph",
    mode: first?.mode ?? "test",
    tasks: [...tasks.values()],
  };
  const leases: Record<string, number> = {
    memory: memoryCapacity,
    ...(options.environments ? { environments: options.environments } : {}),
  };
  return { plan, owners, builds, resources, leases };
}
