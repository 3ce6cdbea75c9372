import type { Probe, ProbeResult } from "./probe.js";

/** Ready when a command (run by the provider, e.g. `docker exec`) exits 0. */
export function execProbe(
  run: (signal: AbortSignal) => Promise<{ exitCode: number; output: string }>,
  description: string,
): Probe {
  return {
    description,
    async check(signal): Promise<ProbeResult> {
      const { exitCode, output } = await run(signal);
      const last = output.trim().split("\n").pop() ?? "";
      return { ready: exitCode === 0, detail: `exit ${exitCode}${last ? `: ${last}` : ""}` };
    },
  };
}
