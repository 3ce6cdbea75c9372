import { mkdirSync } from "node:fs";
import { coverageTargets } from "../coverage/runtime.js";
import { coverageDirOf } from "../coverage/summary-file.js";
import { PaddockError } from "../errors.js";
import { startedEnvironment } from "./run-context.js";
import type { TaskKindDefinition } from "./types.js";

/**
 * A finalizer after the tests (whatever their outcome), before teardown: the provider stops the
 * coverage services gracefully and copies their data out. Turning the data into summaries and
 * reports needs the environment no more: summarize:coverage does it while teardown runs.
 */
export const collectCoverageTask: TaskKindDefinition = {
  kind: "collect:coverage",
  phase: "teardown",
  resource: undefined,
  defaultSeconds: { docker: 2, kind: 8, cluster: 8 },
  timeoutSeconds: () => 300,
  async run(_task, ctx, run) {
    const started = startedEnvironment(run);
    if (!started.collectCoverage) {
      throw new PaddockError(`the ${run.stack.environment.provider} provider cannot collect coverage yet`, {
        hint: "set `coverage: false` in the stack file to run without it",
      });
    }
    const dir = coverageDirOf(run.runDir);
    mkdirSync(dir, { recursive: true });
    run.coverageCollected = await started.collectCoverage(coverageTargets(run.stack), dir, ctx);
  },
};
