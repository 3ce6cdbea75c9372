import os from "node:os";
import { LABELS } from "../run-labels.js";
import type { RunIdentity } from "../types.js";

/** `--label k=v` flags for everything a run creates. */
export function labelArgs(run: RunIdentity, extra: Record<string, string> = {}): string[] {
  const labels: Record<string, string> = {
    [LABELS.run]: run.runId,
    [LABELS.stack]: run.stack,
    [LABELS.pid]: String(process.pid),
    [LABELS.host]: os.hostname(),
    ...(run.origin ? { [LABELS.origin]: run.origin } : {}),
    ...extra,
  };
  return Object.entries(labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
}

export const networkName = (runId: string): string => `paddock-${runId}`;
export const containerName = (runId: string, workload: string): string => `paddock-${runId}-${workload}`;
export const volumeName = (runId: string, volume: string): string => `paddock-${runId}-${volume}`;
export const keptMarkerName = (runId: string): string => `paddock-${runId}-kept`;
