import { PaddockError, TaskTimeoutError } from "../errors.js";
import { sleep } from "../scheduler/abort.js";
import type { Probe } from "./probe.js";

/** Seconds between "has it died?" checks while a workload is not ready yet. */
const DIED_CHECK_SECONDS = 0.5;

export interface WaitOptions {
  workload: string;
  intervalSeconds: number;
  signal: AbortSignal;
  /** Returns a reason when the workload has died (exited, crash-looping): fail fast instead of waiting. */
  died?: (signal: AbortSignal) => Promise<string | undefined>;
  /** The workload's last output lines, for the error. */
  lastLogs?: () => Promise<string[]>;
  /** Receives each change of the probe's result, timed from the start of waiting (for the task log). */
  log?: (line: string) => void;
}

/** Polls a probe (sub-second, never a fixed sleep) until ready, the workload dies, or the signal aborts. */
export async function waitUntilReady(probe: Probe, options: WaitOptions): Promise<void> {
  let last = "not checked yet";
  const started = performance.now();
  let lastDeathCheck = -Infinity;
  try {
    for (;;) {
      const result = await probe.check(options.signal);
      if (result.detail !== last) options.log?.(`${((performance.now() - started) / 1000).toFixed(3)}s ${probe.description}: ${result.ready ? "ready" : result.detail}`);
      if (result.ready) return;
      last = result.detail;
      // "Has it died?" only after a failed probe, during the pause, and at most every
      // DIED_CHECK_SECONDS (it starts a process): it costs the ready path nothing.
      const checkDeath = options.died !== undefined && performance.now() - lastDeathCheck >= DIED_CHECK_SECONDS * 1000;
      if (checkDeath) lastDeathCheck = performance.now();
      const [death] = await Promise.all([checkDeath ? options.died?.(options.signal) : undefined, sleep(options.intervalSeconds * 1000, options.signal)]);
      if (death) throw await readinessError(`service "${options.workload}" ${death} before it was ready (${probe.description}: ${last})`, options, "look at its output above; fix the command or configuration");
    }
  } catch (error) {
    const reason: unknown = options.signal.reason;
    if (reason instanceof TaskTimeoutError && !(error instanceof ReadinessError)) {
      const polled = ((performance.now() - started) / 1000).toFixed(1);
      throw await readinessError(
        `service "${options.workload}" was not ready within its ${reason.seconds}s timeout (${probe.description}, polled for ${polled}s: last result ${last})`,
        options,
        "raise its timeout if it is just slow, or fix what its log shows",
      );
    }
    throw error;
  }
}

export class ReadinessError extends PaddockError {}

async function readinessError(message: string, options: WaitOptions, hint: string): Promise<ReadinessError> {
  const logs = (await options.lastLogs?.().catch(() => [])) ?? [];
  const tail = logs.length > 0 ? `\n  last log lines:\n${logs.map((l) => `    | ${l}`).join("\n")}` : "";
  return new ReadinessError(message + tail, { hint });
}
