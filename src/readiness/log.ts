import type { Probe, ProbeResult } from "./probe.js";

/** Ready when the workload's output contains a text (e.g. "ready to accept connections"). */
export function logProbe(readLogs: (signal: AbortSignal) => Promise<string>, text: string, description: string): Probe {
  return {
    description,
    async check(signal): Promise<ProbeResult> {
      const logs = await readLogs(signal);
      return { ready: logs.includes(text), detail: logs.includes(text) ? "found" : `"${text}" not in the output yet` };
    },
  };
}
