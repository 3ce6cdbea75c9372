import { startedEnvironment } from "./run-context.js";
import type { TaskKindDefinition } from "./types.js";

/** Runs a one-shot workload (migrations) to completion; its success gates its dependents. In an update in place it runs again only when its spec (its migrations included) changed. */
export const jobTask: TaskKindDefinition = {
  kind: "job",
  phase: "deploy",
  resource: "api",
  defaultSeconds: { docker: 5, kind: 10, cluster: 10 },
  timeoutSeconds: (stack, subject) => stack.jobs[subject ?? ""]?.timeoutSeconds ?? 300,
  async run(task, ctx, run) {
    const workload = run.stack.jobs[task.subject ?? ""]!;
    const change = await startedEnvironment(run).runJob(workload, run.references, ctx);
    run.changes.set(workload.name, change);
    return { change };
  },
};
