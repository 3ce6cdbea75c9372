import type { TaskKindDefinition } from "./types.js";

/** Teardown, a finalizer: removes everything the run made once all else has settled (diagnostics first after a failure). */
export const envDeleteTask: TaskKindDefinition = {
  kind: "env:delete",
  phase: "teardown",
  resource: undefined,
  defaultSeconds: { docker: 2, kind: 10, cluster: 5 },
  timeoutSeconds: () => 300,
  run: (_task, ctx, run) => run.environment.delete(ctx, { failed: run.failed() }),
};
