import { workloads } from "../config/stack.js";
import type { TaskKindDefinition } from "./types.js";

/** Creates the run's environment (a Docker network, a kind cluster), or attaches to the one a previous `up` left; every workload task depends on it. */
export const envCreateTask: TaskKindDefinition = {
  kind: "env:create",
  phase: "environment",
  resource: undefined,
  defaultSeconds: { docker: 0.5, kind: 30, cluster: 2 },
  timeoutSeconds: (stack) => stack.environment.timeoutSeconds,
  async run(_task, ctx, run) {
    if (run.attach) {
      run.started = await run.environment.attach(ctx);
      // Workloads the stack no longer declares go first: nothing will deploy them again.
      const removed = await run.started.removeOthers(
        workloads(run.stack).map((w) => w.name),
        ctx,
      );
      if (removed.length > 0) ctx.log(`removed what the stack no longer declares: ${removed.join(", ")}`);
      return { change: removed.length > 0 ? "updated" : "unchanged" };
    }
    run.started = await run.environment.create(ctx);
    return { change: "created" };
  },
};
