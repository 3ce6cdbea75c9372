import { startedEnvironment } from "./run-context.js";
import type { TaskKindDefinition } from "./types.js";

/** Makes a built image visible to the environment's nodes (`kind load`, a push); its result is the reference workloads run. */
export const loadTask: TaskKindDefinition = {
  kind: "load",
  phase: "load",
  resource: "load",
  defaultSeconds: { docker: 0, kind: 10, cluster: 15 },
  timeoutSeconds: (stack) => stack.environment.timeoutSeconds,
  async run(task, ctx, run) {
    const image = run.built.get(task.subject ?? "");
    if (!image) throw new Error(`image "${task.subject}" was not built before its load`);
    const result = await startedEnvironment(run).load([image], ctx);
    for (const [name, reference] of result.references) run.references.set(name, reference);
    return { cached: result.cached };
  },
};
