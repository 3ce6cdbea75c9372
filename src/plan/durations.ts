import type { ProviderName } from "../config/stack.js";
import type { TaskKind } from "../profile/types.js";
import type { Durations, Plan } from "./types.js";

/** Guesses used when neither --durations nor the run history knows a task. */
const DEFAULT_SECONDS: Record<ProviderName, Record<TaskKind, number>> = {
  docker: { build: 60, "env:create": 0.5, "env:bootstrap": 2, load: 0, deploy: 5, job: 5, test: 30, "collect:coverage": 3, "env:delete": 2 },
  kind: { build: 60, "env:create": 30, "env:bootstrap": 5, load: 10, deploy: 15, job: 10, test: 60, "collect:coverage": 10, "env:delete": 10 },
  cluster: { build: 60, "env:create": 2, "env:bootstrap": 5, load: 15, deploy: 15, job: 10, test: 60, "collect:coverage": 10, "env:delete": 5 },
};

export type DurationSource = "file" | "history" | "default";

/** Seconds per task: explicit values first, then history, then defaults. Also says where each came from. */
export function resolveDurations(
  plan: Plan,
  provider: ProviderName,
  explicit: Durations = {},
  history: Durations = {},
): { durations: Durations; sources: Record<string, DurationSource> } {
  const durations: Durations = {};
  const sources: Record<string, DurationSource> = {};
  for (const task of plan.tasks) {
    if (explicit[task.id] !== undefined) {
      durations[task.id] = explicit[task.id]!;
      sources[task.id] = "file";
    } else if (history[task.id] !== undefined) {
      durations[task.id] = history[task.id]!;
      sources[task.id] = "history";
    } else {
      durations[task.id] = DEFAULT_SECONDS[provider][task.kind];
      sources[task.id] = "default";
    }
  }
  return { durations, sources };
}
