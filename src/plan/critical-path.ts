import { topologicalOrder } from "../util/graph.js";
import type { Durations, PlanTask } from "./types.js";

/** For each task, the longest chain of durations from its start to the end of the graph (its own included). */
export function bottomLevels(tasks: readonly PlanTask[], durations: Durations): Map<string, number> {
  const dependents = new Map<string, string[]>();
  for (const t of tasks) for (const d of t.dependsOn) dependents.set(d, [...(dependents.get(d) ?? []), t.id]);
  const level = new Map<string, number>();
  for (const task of topologicalOrder(tasks).reverse()) {
    const after = Math.max(0, ...(dependents.get(task.id) ?? []).map((id) => level.get(id) ?? 0));
    level.set(task.id, (durations[task.id] ?? 0) + after);
  }
  return level;
}

/** The longest dependency chain, ignoring resource limits: no schedule can beat it. */
export function criticalPath(allTasks: readonly PlanTask[], durations: Durations): { path: string[]; seconds: number } {
  const tasks = allTasks.filter((t) => !t.finalizer?.onlyOnFailure);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  for (const task of topologicalOrder(tasks)) {
    let best: string | undefined;
    let bestFinish = 0;
    for (const dep of task.dependsOn) {
      const f = finish.get(dep) ?? 0;
      if (byId.has(dep) && (best === undefined || f > bestFinish)) {
        best = dep;
        bestFinish = f;
      }
    }
    via.set(task.id, best);
    finish.set(task.id, bestFinish + (durations[task.id] ?? 0));
  }
  let last: string | undefined;
  for (const [id, f] of finish) if (last === undefined || f > (finish.get(last) ?? 0)) last = id;
  const path: string[] = [];
  for (let id = last; id !== undefined; id = via.get(id)) path.unshift(id);
  // Zero-length tails (tasks with no duration) add nothing a reader needs.
  while (path.length > 1 && (durations[path[0] ?? ""] ?? 0) === 0) path.shift();
  return { path, seconds: last === undefined ? 0 : (finish.get(last) ?? 0) };
}
