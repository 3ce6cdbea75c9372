import type { ProviderName } from "../config/stack.js";
import { taskKind } from "../tasks/registry.js";
import type { Durations, Plan } from "./types.js";

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
      durations[task.id] = taskKind(task.kind).defaultSeconds[provider];
      sources[task.id] = "default";
    }
  }
  return { durations, sources };
}
