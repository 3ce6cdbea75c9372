import type { PlanTask } from "../tasks/types.js";

/**
 * Capacity held from one task's start until another task settles: an environment of a
 * workspace run holds its share of memory from env:create until its env:delete is done.
 * A task that wants more than the whole capacity may still run alone (nothing waits forever).
 */
export class Leases {
  private readonly held = new Map<string, { resource: string; amount: number }>();
  private readonly inUse: Record<string, number> = {};

  constructor(private readonly capacity: Readonly<Record<string, number>>) {}

  canAcquire(task: PlanTask): boolean {
    if (!task.lease) return true;
    const used = this.inUse[task.lease.resource] ?? 0;
    const cap = this.capacity[task.lease.resource] ?? Infinity;
    return used === 0 || used + task.lease.amount <= cap;
  }

  acquire(task: PlanTask): void {
    if (!task.lease || this.held.has(task.id)) return;
    this.held.set(task.id, { resource: task.lease.resource, amount: task.lease.amount });
    this.inUse[task.lease.resource] = (this.inUse[task.lease.resource] ?? 0) + task.lease.amount;
  }

  /** `settled` settled: every lease it releases goes back. Returns whether one did. */
  releaseFor(settled: string, tasks: Iterable<PlanTask>): boolean {
    let released = false;
    for (const task of tasks) {
      if (task.lease?.releasedBy !== settled) continue;
      released = this.release(task.id) || released;
    }
    return released;
  }

  /** A holder that failed before its releaser can run (or the run's end) gives its lease back. */
  release(holder: string): boolean {
    const lease = this.held.get(holder);
    if (!lease) return false;
    this.held.delete(holder);
    this.inUse[lease.resource] = (this.inUse[lease.resource] ?? 0) - lease.amount;
    return true;
  }
}
