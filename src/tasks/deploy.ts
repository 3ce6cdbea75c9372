import { startedEnvironment } from "./run-context.js";
import type { TaskKindDefinition } from "./types.js";

/**
 * Starts a service and waits until its readiness check passes. In an update in place, an
 * unchanged service is left alone — unless a dependency it lists in `restartOnChange` was
 * replaced in this run, then it restarts.
 */
export const deployTask: TaskKindDefinition = {
  kind: "deploy",
  phase: "deploy",
  resource: "api",
  defaultSeconds: { docker: 5, kind: 15, cluster: 15 },
  timeoutSeconds: (stack, subject) => stack.services[subject ?? ""]?.timeoutSeconds ?? 120,
  async run(task, ctx, run) {
    const workload = run.stack.services[task.subject ?? ""]!;
    const restart = workload.restartOnChange.some((dep) => run.changes.get(dep) === "updated");
    const change = await startedEnvironment(run).deploy(workload, run.references, ctx, { restart });
    run.changes.set(workload.name, change);
    return { change };
  },
};
