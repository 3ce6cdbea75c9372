import type { PlanTask } from "../tasks/types.js";

interface Waiting {
  task: PlanTask;
  state: string;
}

/** The task and the tasks of its phase that need nothing else (env:create → env:bootstrap). */
function chainOf(id: string, entries: readonly Waiting[]): Set<string> {
  const chain = new Set([id]);
  const phase = entries.find((e) => e.task.id === id)?.task.phase;
  for (let grew = true; grew;) {
    grew = false;
    for (const e of entries) {
      if (
        !chain.has(e.task.id) &&
        e.task.phase === phase &&
        e.task.dependsOn.length > 0 &&
        e.task.dependsOn.every((d) => chain.has(d))
      ) {
        chain.add(e.task.id);
        grew = true;
      }
    }
  }
  return chain;
}

/**
 * Whether a task held back until its just-in-time start (`notBefore`) is needed at once: a
 * waiting task could run now but for it (or the tasks of its chain).
 */
export function neededNow(id: string, entries: readonly Waiting[], succeeded: (id: string) => boolean): boolean {
  const chain = chainOf(id, entries);
  return entries.some(
    (e) =>
      e.state === "waiting" &&
      !chain.has(e.task.id) &&
      e.task.finalizer === undefined &&
      e.task.dependsOn.some((d) => chain.has(d)) &&
      e.task.dependsOn.every((d) => chain.has(d) || succeeded(d)),
  );
}
