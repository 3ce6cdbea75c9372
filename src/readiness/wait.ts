import { outputBlock, PaddockError, TaskTimeoutError } from "../errors.js";
import { pollUntil } from "./poll.js";
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

export class ReadinessError extends PaddockError {}

/** Polls a probe (sub-second, never a fixed sleep) until ready, the workload dies, or the signal aborts. */
export async function waitUntilReady(probe: Probe, options: WaitOptions): Promise<void> {
  let last = "not checked yet";
  let lastDeathCheck = -Infinity;
  await pollUntil(
    async (signal) => {
      const result = await probe.check(signal);
      if (result.ready) return { done: true, value: undefined };
      last = result.detail;
      return { done: false, detail: result.detail };
    },
    {
      signal: options.signal,
      intervalMs: options.intervalSeconds * 1000,
      onChange: (detail, seconds) => options.log?.(`${seconds.toFixed(3)}s ${probe.description}: ${detail}`),
      // "Has it died?" only after a failed probe, during the pause, and at most every
      // DIED_CHECK_SECONDS (it starts a process): it costs the ready path nothing.
      whilePausing: async (signal) => {
        if (!options.died || performance.now() - lastDeathCheck < DIED_CHECK_SECONDS * 1000) return;
        lastDeathCheck = performance.now();
        const death = await options.died(signal);
        if (death)
          throw await readinessError(
            `service "${options.workload}" ${death} before it was ready (${probe.description}: ${last})`,
            options,
            "look at its output above; fix the command or configuration",
          );
      },
      onTimeout: (lastDetail, seconds) =>
        readinessError(
          `service "${options.workload}" was not ready within its ${timeoutOf(options.signal)}s timeout (${probe.description}, polled for ${seconds.toFixed(1)}s: last result ${lastDetail})`,
          options,
          "raise its timeout if it is just slow, or fix what its log shows",
        ),
    },
  );
}

function timeoutOf(signal: AbortSignal): number | string {
  const reason: unknown = signal.reason;
  return reason instanceof TaskTimeoutError ? reason.seconds : "?";
}

async function readinessError(message: string, options: WaitOptions, hint: string): Promise<ReadinessError> {
  const logs = (await options.lastLogs?.().catch(() => [])) ?? [];
  return new ReadinessError(message + outputBlock("last log lines", logs), { hint });
}
