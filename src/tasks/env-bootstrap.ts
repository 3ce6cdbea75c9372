import { startedEnvironment } from "./run-context.js";
import type { TaskKindDefinition } from "./types.js";

/** Namespaces, CRDs and bootstrap manifests, batched into as few API calls as possible (only when the stack declares them). */
export const envBootstrapTask: TaskKindDefinition = {
  kind: "env:bootstrap",
  phase: "environment",
  resource: "api",
  defaultSeconds: { docker: 2, kind: 5, cluster: 5 },
  timeoutSeconds: (stack) => stack.environment.timeoutSeconds,
  run: (_task, ctx, run) => startedEnvironment(run).bootstrap(ctx),
};
