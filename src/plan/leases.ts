import type { PlanTask } from "../tasks/types.js";

/**
 * Capacity held from one task's start until another task settles: an environment of a
 * workspace run holds its share of memory from env:create until its env:delete is done.
 * A task that wants more than the whole capacity may still run alone (nothing waits forever).
 */
export class Leases {
  private readonly held = new Map<string, { resource: string; amount: number }[]>();
  private readonly inUse: Record<string, number> = {};

  constructor(private readonly capacity: Readonly<Record<string, number>>) {}

  canAcquire(task: PlanTask): boolean {
    return (task.leases ?? []).every((lease) => {
      const used = this.inUse[lease.resource] ?? 0;
      return used === 0 || used + lease.amount <= (this.capacity[lease.resource] ?? Infinity);
    });
  }

  acquire(task: PlanTask): void {
    if (!task.leases || this.held.has(task.id)) return;
    this.held.set(task.id, task.leases);
    for (const lease of task.leases) this.inUse[lease.resource] = (this.inUse[lease.resource] ?? 0) + lease.amount;
  }

  /** `settled` settled: every lease it releases goes back. */
  releaseFor(settled: string, tasks: Iterable<PlanTask>): void {
    for (const task of tasks) if (task.leases?.some((l) => l.releasedBy === settled)) this.release(task.id);
  }

  /** A holder that failed before its releaser could run gives its leases back. */
  release(holder: string): void {
    const leases = this.held.get(holder);
    if (!leases) return;
    this.held.delete(holder);
    for (const lease of leases) this.inUse[lease.resource] = (this.inUse[lease.resource] ?? 0) - lease.amount;
  }
}
