import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runTool } from "../../exec/run-tool.js";
import { runLiveness } from "../liveness.js";
import { LABELS } from "../provider.js";
import { CLUSTER_PREFIX } from "./cluster-name.js";
import { MARKER_NAME, MARKER_NAMESPACE } from "./run-marker.js";

export interface KindLeftover {
  cluster: string;
  runId: string | undefined;
  alive: boolean;
  kept: boolean;
  reason: string;
}

async function kindInstalled(signal?: AbortSignal): Promise<boolean> {
  return (await runTool("kind", ["version"], { allowFailure: true, signal }).catch(() => undefined))?.exitCode === 0;
}

/**
 * Paddock's kind clusters (named pdk-...) and whether their run is alive, read from the marker
 * ConfigMap each run writes into its cluster. The kubeconfig comes from `kind get kubeconfig`
 * into a temporary file: the user's kubeconfig is never read or written.
 */
export async function findKindRuns(signal?: AbortSignal): Promise<KindLeftover[]> {
  if (!(await kindInstalled(signal))) return [];
  const names = (await runTool("kind", ["get", "clusters"], { signal })).stdout.split("\n").map((l) => l.trim()).filter((n) => n.startsWith(CLUSTER_PREFIX));
  const found: KindLeftover[] = [];
  for (const cluster of names) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-gc-"));
    try {
      const kubeconfig = path.join(dir, "kubeconfig");
      const config = await runTool("kind", ["get", "kubeconfig", "--name", cluster], { signal, allowFailure: true });
      writeFileSync(kubeconfig, config.stdout, { mode: 0o600 });
      const marker = await runTool("kubectl", ["get", "configmap", MARKER_NAME, "-n", MARKER_NAMESPACE, "-o", "json", "--kubeconfig", kubeconfig, "--context", `kind-${cluster}`], {
        signal,
        allowFailure: true,
        env: { KUBECONFIG: kubeconfig },
      });
      if (config.exitCode !== 0 || marker.exitCode !== 0) {
        found.push({ cluster, runId: undefined, alive: false, kept: false, reason: "no run marker (its creation died before it was written, or its API does not answer)" });
        continue;
      }
      const labels = ((JSON.parse(marker.stdout) as { metadata?: { labels?: Record<string, string> } }).metadata?.labels ?? {}) as Record<string, string>;
      const kept = labels[LABELS.kept] === "true";
      const liveness = runLiveness({ kept, host: labels[LABELS.host], pids: labels[LABELS.pid] ? [labels[LABELS.pid]!] : [] });
      found.push({ cluster, runId: labels[LABELS.run], kept, ...liveness });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return found;
}

export async function collectKindGarbage(options: { all: boolean; dryRun: boolean; signal?: AbortSignal }): Promise<KindLeftover[]> {
  const doomed = (await findKindRuns(options.signal)).filter((c) => !c.alive || (options.all && c.kept));
  if (!options.dryRun) for (const c of doomed) await runTool("kind", ["delete", "cluster", "--name", c.cluster], { signal: options.signal });
  return doomed;
}
