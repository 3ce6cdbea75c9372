import { startedEnvironment } from "./run-context.js";
import type { TaskKindDefinition } from "./types.js";

/** Starts a service and waits until its readiness check passes. */
export const deployTask: TaskKindDefinition = {
  kind: "deploy",
  phase: "deploy",
  resource: "api",
  defaultSeconds: { docker: 5, kind: 15, cluster: 15 },
  timeoutSeconds: (stack, subject) => stack.services[subject ?? ""]?.timeoutSeconds ?? 120,
  run: (task, ctx, run) => startedEnvironment(run).deploy(run.stack.services[task.subject ?? ""]!, run.references, ctx),
};
