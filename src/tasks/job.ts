import { startedEnvironment } from "./run-context.js";
import type { TaskKindDefinition } from "./types.js";

/** Runs a one-shot workload (migrations) to completion; its success gates its dependents. */
export const jobTask: TaskKindDefinition = {
  kind: "job",
  phase: "deploy",
  resource: "api",
  defaultSeconds: { docker: 5, kind: 10, cluster: 10 },
  timeoutSeconds: (stack, subject) => stack.jobs[subject ?? ""]?.timeoutSeconds ?? 300,
  run: (task, ctx, run) => startedEnvironment(run).runJob(run.stack.jobs[task.subject ?? ""]!, run.references, ctx),
};
