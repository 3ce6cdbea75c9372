import { Leases } from "./leases.js";
import { bottomLevels } from "./critical-path.js";
import type { Durations, PlanTask, ResourceLimits } from "./types.js";

export interface SimulationOptions {
  resources: ResourceLimits;
  /** One task at a time (the seeds' sequential baseline). */
  sequential?: boolean;
  /** Earliest start per task id, e.g. the just-in-time start of env:create. */
  notBefore?: Record<string, number>;
  /** Capacities of the leases tasks hold (a workspace's environment memory). */
  leases?: Record<string, number>;
}

export interface Simulation {
  wallSeconds: number;
  start: Map<string, number>;
  end: Map<string, number>;
}

/**
 * Predicts a schedule with the same rules the scheduler applies: a task starts when its
 * dependencies are done and its resource has a free slot; among ready tasks the one with
 * the longest remaining chain goes first.
 */
export function simulate(allTasks: readonly PlanTask[], durations: Durations, options: SimulationOptions): Simulation {
  // Teardown that runs only after a failure is not part of a predicted (successful) run.
  const tasks = allTasks.filter((t) => !t.finalizer?.onlyOnFailure);
  const priority = bottomLevels(tasks, durations);
  const ids = new Set(tasks.map((t) => t.id));
  const pending = [...tasks].sort(
    (a, b) => (priority.get(b.id) ?? 0) - (priority.get(a.id) ?? 0) || a.id.localeCompare(b.id),
  );
  const start = new Map<string, number>();
  const end = new Map<string, number>();
  const running: { id: string; end: number; resource: PlanTask["resource"] }[] = [];
  const inUse: Record<string, number> = {};
  const leases = new Leases(options.leases ?? {});
  let now = 0;

  while (pending.length > 0 || running.length > 0) {
    for (let i = 0; i < pending.length;) {
      const task = pending[i]!;
      const depsDone = task.dependsOn.every((d) => (end.get(d) ?? Infinity) <= now || !ids.has(d));
      const slotFree = task.resource === undefined || (inUse[task.resource] ?? 0) < options.resources[task.resource];
      const timeOk = (options.notBefore?.[task.id] ?? 0) <= now;
      const exclusive = !options.sequential || running.length === 0;
      if (depsDone && slotFree && timeOk && exclusive && leases.canAcquire(task)) {
        leases.acquire(task);
        pending.splice(i, 1);
        const finish = now + (durations[task.id] ?? 0);
        start.set(task.id, now);
        running.push({ id: task.id, end: finish, resource: task.resource });
        if (task.resource) inUse[task.resource] = (inUse[task.resource] ?? 0) + 1;
        if (options.sequential) break;
      } else {
        i++;
      }
    }
    const nextEnd = Math.min(...running.map((r) => r.end));
    const nextRelease = Math.min(...pending.map((t) => options.notBefore?.[t.id] ?? Infinity).filter((t) => t > now));
    const next = Math.min(nextEnd, nextRelease);
    if (!Number.isFinite(next)) {
      if (pending.length > 0)
        throw new Error(`cannot schedule ${pending.map((t) => t.id).join(", ")}: unmet dependencies`);
      break;
    }
    now = next;
    for (let i = running.length - 1; i >= 0; i--) {
      const r = running[i]!;
      if (r.end <= now) {
        running.splice(i, 1);
        end.set(r.id, r.end);
        leases.releaseFor(r.id, tasks);
        if (r.resource) inUse[r.resource] = (inUse[r.resource] ?? 1) - 1;
      }
    }
  }
  return { wallSeconds: Math.max(0, ...end.values()), start, end };
}
