import { busySeconds, neverStarted } from "./intervals.js";
import type { Profile, ProfileTask } from "./types.js";

export interface CriticalStep {
  id: string;
  /** The step's own duration, end − start (cache hits included, retries included). */
  seconds: number;
  /** Gap between the end of the previous step (run start for the first step) and this step's start. */
  waitedSeconds: number;
}

export interface CriticalPath {
  /** First (a task with no dependencies) to last (the task that ended last). */
  steps: CriticalStep[];
  /** Sum of the steps' durations: the work on the chain, waits excluded. */
  seconds: number;
  /** Sum of the steps' waits. seconds + waitedSeconds = end of the last step. */
  waitedSeconds: number;
}

function latestEnding(tasks: readonly ProfileTask[]): ProfileTask | undefined {
  let best: ProfileTask | undefined;
  for (const task of tasks) {
    if (
      best === undefined ||
      task.end > best.end ||
      // Tie: the longer task explains more of the wall time; then a stable order.
      (task.end === best.end && (task.start < best.start || (task.start === best.start && task.id < best.id)))
    ) {
      best = task;
    }
  }
  return best;
}

/**
 * The chain of tasks that determined the wall time: from the task that ended last, walk back to the
 * dependency that ended latest, until a task without (started) dependencies. Never-started tasks are
 * ignored. Waits between steps are reported, not hidden.
 */
export function criticalPath(profile: Profile): CriticalPath {
  const started = profile.tasks.filter((t) => !neverStarted(t));
  const byId = new Map(started.map((t) => [t.id, t]));
  const chain: ProfileTask[] = [];
  const seen = new Set<string>();
  let current = latestEnding(started);
  while (current !== undefined && !seen.has(current.id)) {
    seen.add(current.id);
    chain.push(current);
    const deps = current.dependsOn.map((id) => byId.get(id)).filter((t): t is ProfileTask => t !== undefined);
    current = latestEnding(deps);
  }
  chain.reverse();
  const steps = chain.map((task, index) => {
    const previousEnd = index === 0 ? 0 : (chain[index - 1]?.end ?? 0);
    return {
      id: task.id,
      seconds: Math.max(0, task.end - task.start),
      waitedSeconds: Math.max(0, task.start - previousEnd),
    };
  });
  return {
    steps,
    seconds: steps.reduce((sum, s) => sum + s.seconds, 0),
    waitedSeconds: steps.reduce((sum, s) => sum + s.waitedSeconds, 0),
  };
}

/** Total busy task time (sum of attempt durations, cache hits included). */
export function totalBusySeconds(profile: Profile): number {
  return profile.tasks.reduce((sum, t) => sum + busySeconds(t), 0);
}

/**
 * Sum of task busy seconds / wall seconds: the average number of tasks running at once.
 * 1.0 means the run was effectively sequential; 2.5 means on average two and a half tasks ran in parallel.
 * 0 for a zero-length run.
 */
export function parallelEfficiency(profile: Profile): number {
  return profile.wallSeconds > 0 ? totalBusySeconds(profile) / profile.wallSeconds : 0;
}
