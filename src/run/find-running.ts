import type { Stack } from "../config/stack.js";
import { providerEntry } from "../providers/registry.js";
import { stackOrigin } from "../providers/run-labels.js";
import { forgetEnvironment, listEnvironments, recordStatus, type EnvironmentState } from "./environment-state.js";

/** The stack's environment left running by an earlier `up` (or `test --reuse`), as an update in place finds it. */
export interface RunningEnvironment {
  state: EnvironmentState;
  /** How it was found: its record, or only its labels in the engine or cluster (the record was lost). */
  foundBy: "record" | "labels";
}

/**
 * Finds the environment to update in place: the newest record of the stack that is up and that
 * the engine or cluster still has (found by its labels); a record whose environment is gone is
 * forgotten. With no record, an environment the engine knows by its labels as this stack's,
 * left up on purpose, is taken. `notes` say what was skipped, for the user.
 */
export async function findRunningEnvironment(
  stack: Stack,
  signal?: AbortSignal,
): Promise<{ running: RunningEnvironment | undefined; notes: string[] }> {
  const notes: string[] = [];
  const entry = providerEntry(stack.environment.provider);
  const found = await entry.garbage.find(signal, { stack });
  if (!Array.isArray(found))
    return { running: undefined, notes: [`cannot look for a running environment: ${found.unavailable}`] };
  const kept = found.filter((l) => l.kept && l.stack === stack.name);
  const exists = (runId: string): boolean => kept.some((l) => (l.run ?? l.id) === runId);
  const records = listEnvironments(stack.dir).environments.filter(
    (e) => e.provider === stack.environment.provider && recordStatus(e) === "up",
  );
  for (const stale of records.filter((r) => !exists(r.runId))) {
    notes.push(`the environment ${stale.runId} is gone (removed outside Paddock): forgotten`);
    forgetEnvironment(stack.dir, stale.runId);
  }
  const live = records.filter((r) => exists(r.runId));
  const newest = live.at(-1);
  if (newest) {
    const others = live.slice(0, -1).map((r) => r.runId);
    if (others.length > 0)
      notes.push(
        `other environments of this stack are up too (${others.join(", ")}): \`paddock down --run ID\` removes one`,
      );
    return { running: { state: newest, foundBy: "record" }, notes };
  }
  // Only what this stack file made: another checkout's stack of the same name is not ours.
  const unrecorded = kept.filter((l) => l.origin === stackOrigin(stack.file)).at(-1);
  if (!unrecorded) return { running: undefined, notes };
  const runId = unrecorded.run ?? unrecorded.id;
  const state: EnvironmentState = {
    runId,
    stack: stack.name,
    provider: entry.name,
    createdAt: "",
    runDir: "",
    status: "up",
    endpoints: [],
    env: {},
  };
  notes.push(`found the environment ${runId} by its labels (no record named it): updating it in place`);
  return { running: { state, foundBy: "labels" }, notes };
}
