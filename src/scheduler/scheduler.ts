/** The scheduler: runs a plan's tasks as their inputs become ready, within resources and leases, with retries and cancellation. */

import { CancelledError, describeError, TaskTimeoutError, isTransient, oneLine } from "../errors.js";
import { bottomLevels } from "../plan/critical-path.js";
import type { Plan, PlanTask } from "../plan/types.js";
import type { TaskAction } from "../tasks/types.js";
import { whenAborted } from "../util/abort.js";
import { clockSleep, realClock } from "./clock.js";
import { neededNow as neededNowFor } from "./just-in-time.js";
import { Leases } from "../plan/leases.js";
import type { SchedulerEvent } from "./events.js";
import type { RunResult } from "./run-result.js";
import { DEFAULT_RETRY, type SchedulerOptions } from "./scheduler-options.js";
import { roundMs, taskRecords, type Entry } from "./entry.js";
import type { TaskState } from "./types.js";

export type { TaskAction, TaskContext, TaskResult } from "../tasks/types.js";

/** Runs a plan's tasks as their inputs become ready, within resource limits. */
export async function runPlan(
  plan: Plan,
  actionFor: (task: PlanTask) => TaskAction,
  options: SchedulerOptions,
): Promise<RunResult> {
  const clock = options.clock ?? realClock;
  const startedAt = new Date();
  const t0 = clock.now();
  const now = (): number => (clock.now() - t0) / 1000;
  const emit = (event: SchedulerEvent): void => options.onEvent?.(event);
  const retry = options.retry ?? DEFAULT_RETRY;
  const priority = bottomLevels(plan.tasks, options.durations ?? {});
  const entries = new Map<string, Entry>();
  for (const task of plan.tasks) {
    entries.set(task.id, {
      task,
      state: "waiting",
      start: undefined,
      end: undefined,
      cached: false,
      change: undefined,
      attempts: [],
      error: undefined,
    });
  }
  const dependents = new Map<string, string[]>();
  for (const task of plan.tasks)
    for (const dep of task.dependsOn) dependents.set(dep, [...(dependents.get(dep) ?? []), task.id]);

  const inUse: Record<string, number> = {};
  const running = new Set<Promise<void>>();
  let rootCause: RunResult["rootCause"];
  const rootCauses: RunResult["rootCauses"] = new Map();
  let stopping = false;
  const stoppedGroups = new Set<string>();
  const groupOf = (task: PlanTask): string | undefined => options.groupOf?.(task);
  const isStopped = (task: PlanTask): boolean =>
    stopping || (groupOf(task) !== undefined && stoppedGroups.has(groupOf(task)!));
  const causeOf = (task: PlanTask): RunResult["rootCause"] => rootCauses.get(groupOf(task) ?? "") ?? rootCause;
  const leases = new Leases(options.leases ?? {});
  const runAbort = new AbortController();
  const onExternalAbort = (): void => {
    stopping = true;
    runAbort.abort(new CancelledError("cancelled by the user"));
    wake();
  };
  if (options.signal?.aborted) onExternalAbort();
  else options.signal?.addEventListener("abort", onExternalAbort, { once: true });

  let wakeUp: () => void = () => undefined;
  const wake = (): void => wakeUp();

  const settle = (entry: Entry, state: TaskState, error?: unknown): void => {
    entry.state = state;
    entry.end = now();
    entry.start ??= entry.end;
    entry.error = error;
    const errors = error === undefined ? {} : { error: oneLine(error), errorDetail: describeError(error) };
    if (state !== "succeeded") leases.release(entry.task.id);
    leases.releaseFor(entry.task.id, plan.tasks);
    emit({
      type: "task",
      id: entry.task.id,
      kind: entry.task.kind,
      state,
      cached: entry.cached || undefined,
      change: entry.change,
      ...errors,
      at: entry.end,
    });
  };
  const isSettled = (id: string): boolean => {
    const s = entries.get(id)?.state;
    return s === undefined || (s !== "waiting" && s !== "running");
  };
  const succeeded = (id: string): boolean => !entries.has(id) || entries.get(id)?.state === "succeeded";

  const neededNow = (id: string): boolean => neededNowFor(id, [...entries.values()], succeeded);

  const canStart = (entry: Entry): boolean => {
    const { task } = entry;
    if (task.finalizer) {
      if (!task.dependsOn.every(isSettled)) return false;
      const required = entries.get(task.finalizer.requires);
      const group = groupOf(task);
      const runWentWrong =
        causeOf(task) !== undefined ||
        runAbort.signal.aborted ||
        [...entries.values()].some((e) => e.state === "failed" && (group === undefined || groupOf(e.task) === group));
      // What `requires` started may have half-made something (a network created as Ctrl-C came): only one that never started has nothing to finalize.
      const neverStarted = !required || (required.attempts.length === 0 && required.state !== "running");
      if (neverStarted || required.state === "skipped" || (task.finalizer.onlyOnFailure && !runWentWrong)) {
        settle(entry, "skipped");
        return false;
      }
      if (required.state === "running") return false;
    } else {
      if (isStopped(task)) {
        const cause = causeOf(task);
        settle(entry, "cancelled", new CancelledError(cause ? `cancelled: ${cause.taskId} failed` : "cancelled"));
        return false;
      }
      const failedDep = task.dependsOn.find((d) => {
        const s = entries.get(d)?.state;
        return s === "failed" || s === "cancelled" || s === "skipped";
      });
      if (failedDep) {
        settle(entry, "cancelled", new CancelledError(`cancelled: ${failedDep} did not succeed`));
        return false;
      }
      if (!task.dependsOn.every(succeeded)) return false;
      const notBefore = options.notBefore?.[task.id];
      if (notBefore !== undefined && now() < notBefore && !neededNow(task.id)) return false;
    }
    if (options.sequential && running.size > 0) return false;
    if (task.resource && (inUse[task.resource] ?? 0) >= options.resources[task.resource]) return false;
    return leases.canAcquire(task);
  };

  const recordFailure = (task: PlanTask, error: unknown): void => {
    rootCause ??= { taskId: task.id, error };
    const group = groupOf(task);
    if (group !== undefined && !rootCauses.has(group)) rootCauses.set(group, { taskId: task.id, error });
    if (!options.groupOf) stopping = true;
    else if (options.failFast) {
      // Fail fast: what runs elsewhere stops now too (finalizers still run).
      stopping = true;
      runAbort.abort(new CancelledError(`cancelled: ${task.id} failed (fail fast)`));
    } else if (group !== undefined) stoppedGroups.add(group);
  };

  const execute = async (entry: Entry): Promise<void> => {
    const { task } = entry;
    const action = actionFor(task);
    for (let attempt = 1; ; attempt++) {
      const controller = new AbortController();
      // Finalizers (teardown) must run even after Ctrl-C; they only answer to their own timeout.
      const parent = task.finalizer ? undefined : runAbort.signal;
      const onParentAbort = (): void => controller.abort(parent?.reason);
      if (parent?.aborted) onParentAbort();
      else parent?.addEventListener("abort", onParentAbort, { once: true });
      const cancelTimeout = clock.setTimeout(
        () => controller.abort(new TaskTimeoutError(task.id, task.timeoutSeconds)),
        task.timeoutSeconds * 1000,
      );
      const attemptStart = now();
      emit({ type: "task", id: task.id, kind: task.kind, state: "running", attempt, at: attemptStart });
      try {
        const work = action({
          task,
          signal: controller.signal,
          attempt,
          log: (line) => emit({ type: "log", id: task.id, line, at: now() }),
        });
        const result = await Promise.race([work, whenAborted(controller.signal)]).catch(async (error: unknown) => {
          if (!controller.signal.aborted) throw error;
          // Give an aborted action a moment to stop its processes; its own error, when it
          // explains more than the abort (a readiness timeout with the service's logs), wins.
          // The grace timer is cancelled as soon as the action ends: it must not hold the process.
          const grace = new AbortController();
          const own = await Promise.race([
            work.then(
              () => undefined,
              (e: unknown) => e,
            ),
            clockSleep(clock, options.abortGraceMs ?? 5000, grace.signal).then(
              () => undefined,
              () => undefined,
            ),
          ]).finally(() => grace.abort());
          throw own instanceof Error &&
            own !== controller.signal.reason &&
            !(own instanceof CancelledError) &&
            !(own instanceof TaskTimeoutError)
            ? own
            : error;
        });
        entry.cached = (result && result.cached) || false;
        entry.change = result ? result.change : undefined;
        entry.attempts.push({ start: attemptStart, end: now(), outcome: "ok" });
        settle(entry, "succeeded");
        return;
      } catch (error) {
        entry.attempts.push({ start: attemptStart, end: now(), outcome: oneLine(error) });
        const retryable =
          isTransient(error) && attempt < retry.attempts && !controller.signal.aborted && !isStopped(task);
        if (retryable) {
          const delay = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
          emit({
            type: "task",
            id: task.id,
            kind: task.kind,
            state: "retrying",
            attempt,
            error: oneLine(error),
            errorDetail: describeError(error),
            at: now(),
          });
          try {
            await clockSleep(clock, delay, task.finalizer ? undefined : runAbort.signal);
            continue;
          } catch (abortError) {
            settle(entry, "cancelled", abortError);
            return;
          }
        }
        const cancelled =
          runAbort.signal.aborted && !(controller.signal.reason instanceof TaskTimeoutError) && !task.finalizer;
        if (cancelled) {
          settle(entry, "cancelled", error);
        } else {
          settle(entry, "failed", error);
          if (!task.finalizer) recordFailure(task, error);
        }
        return;
      } finally {
        cancelTimeout();
        parent?.removeEventListener("abort", onParentAbort);
      }
    }
  };

  emit({ type: "run", state: "started", at: 0 });
  for (;;) {
    const waiting = [...entries.values()]
      .filter((e) => e.state === "waiting")
      .sort(
        (a, b) => (priority.get(b.task.id) ?? 0) - (priority.get(a.task.id) ?? 0) || a.task.id.localeCompare(b.task.id),
      );
    for (const entry of waiting) {
      if (entry.state !== "waiting" || !canStart(entry)) continue;
      entry.state = "running";
      entry.start = now();
      leases.acquire(entry.task);
      const { resource } = entry.task;
      if (resource) inUse[resource] = (inUse[resource] ?? 0) + 1;
      const promise: Promise<void> = execute(entry).finally(() => {
        if (resource) inUse[resource] = (inUse[resource] ?? 1) - 1;
        running.delete(promise);
        wake();
      });
      running.add(promise);
    }
    const remaining = [...entries.values()].filter((e) => e.state === "waiting");
    if (running.size === 0 && remaining.length === 0) break;
    if (running.size === 0 && !remaining.some((e) => options.notBefore?.[e.task.id] !== undefined)) {
      // Nothing runs and nothing can start: settle the rest (their inputs can never succeed).
      let progressed = false;
      for (const e of remaining) {
        if (e.state === "waiting" && canStart(e)) progressed = true;
      }
      if (!progressed && [...entries.values()].some((e) => e.state === "waiting")) {
        for (const e of entries.values())
          if (e.state === "waiting")
            settle(e, "cancelled", new CancelledError("cancelled: its inputs never became ready"));
      }
      continue;
    }
    const nextRelease = Math.min(
      ...remaining.map((e) => options.notBefore?.[e.task.id] ?? Infinity).filter((t) => t > now()),
    );
    let cancelRelease = (): void => undefined;
    await new Promise<void>((resolve) => {
      wakeUp = resolve;
      if (Number.isFinite(nextRelease))
        cancelRelease = clock.setTimeout(resolve, Math.max(1, (nextRelease - now()) * 1000));
    });
    cancelRelease();
  }
  options.signal?.removeEventListener("abort", onExternalAbort);
  const wallSeconds = now();
  emit({ type: "run", state: "finished", at: wallSeconds });

  const tasks = taskRecords(plan, entries, wallSeconds);
  const anyFailed = tasks.some((t) => t.state === "failed");
  const state = options.signal?.aborted ? "cancelled" : anyFailed ? "failed" : "succeeded";
  return { state, startedAt, wallSeconds: roundMs(wallSeconds), tasks, rootCause, rootCauses };
}
