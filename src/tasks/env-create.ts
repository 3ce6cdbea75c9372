import type { TaskKindDefinition } from "./types.js";

/** Creates the run's environment (a Docker network, a kind cluster); every workload task depends on it. */
export const envCreateTask: TaskKindDefinition = {
  kind: "env:create",
  phase: "environment",
  resource: undefined,
  defaultSeconds: { docker: 0.5, kind: 30, cluster: 2 },
  timeoutSeconds: (stack) => stack.environment.timeoutSeconds,
  async run(_task, ctx, run) {
    run.started = await run.environment.create(ctx);
  },
};
