import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runTool } from "../../exec/run-tool.js";
import { runLiveness } from "../liveness.js";
import { LABELS } from "../run-labels.js";
import type { GarbageCollector, Leftover } from "../types.js";
import { CLUSTER_PREFIX } from "./cluster-name.js";
import { MARKER_NAME, MARKER_NAMESPACE } from "./run-marker.js";

async function kindInstalled(signal?: AbortSignal): Promise<boolean> {
  return (await runTool("kind", ["version"], { allowFailure: true, signal }).catch(() => undefined))?.exitCode === 0;
}

/**
 * Runs `work` with a throwaway kubeconfig file, removed afterwards: kind and kubectl are given it
 * instead of the user's ~/.kube/config, which gc never reads or writes (docs/kind.md).
 */
async function withScratchKubeconfig<T>(work: (kubeconfig: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-gc-"));
  try {
    const kubeconfig = path.join(dir, "kubeconfig");
    writeFileSync(kubeconfig, "", { mode: 0o600 });
    return await work(kubeconfig);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A cluster's run marker (kube-system/paddock-run) read through a kubeconfig kind prints (`kind get kubeconfig` never writes one). */
async function inspectCluster(cluster: string, signal?: AbortSignal): Promise<Leftover> {
  return withScratchKubeconfig(async (kubeconfig) => {
    const config = await runTool("kind", ["get", "kubeconfig", "--name", cluster], { signal, allowFailure: true });
    writeFileSync(kubeconfig, config.stdout, { mode: 0o600 });
    const marker = await runTool(
      "kubectl",
      [
        "get",
        "configmap",
        MARKER_NAME,
        "-n",
        MARKER_NAMESPACE,
        "-o",
        "json",
        "--kubeconfig",
        kubeconfig,
        "--context",
        `kind-${cluster}`,
      ],
      {
        signal,
        allowFailure: true,
        env: { KUBECONFIG: kubeconfig },
      },
    );
    const name = `kind cluster ${cluster}`;
    if (config.exitCode !== 0 || marker.exitCode !== 0) {
      return {
        provider: "kind",
        id: cluster,
        name,
        alive: false,
        kept: false,
        reason: "no run marker (its creation died before it was written, or its API does not answer)",
      };
    }
    const labels = ((JSON.parse(marker.stdout) as { metadata?: { labels?: Record<string, string> } }).metadata
      ?.labels ?? {}) as Record<string, string>;
    const kept = labels[LABELS.kept] === "true";
    const liveness = runLiveness({
      kept,
      host: labels[LABELS.host],
      pids: labels[LABELS.pid] ? [labels[LABELS.pid]!] : [],
    });
    return {
      provider: "kind",
      id: cluster,
      name,
      run: labels[LABELS.run],
      stack: labels[LABELS.stack],
      origin: labels[LABELS.origin],
      kept,
      ...liveness,
    };
  });
}

/**
 * Paddock's kind clusters (named pdk-...) and whether their run is alive, read from the marker
 * ConfigMap each run writes into its cluster. Neither finding nor deleting touches the user's kubeconfig.
 */
export const kindGarbage: GarbageCollector = {
  verbs: { done: "deleted", dryRun: "would delete" },
  async find(signal) {
    if (!(await kindInstalled(signal))) return { unavailable: "kind is not installed; nothing to look at" };
    const names = (await runTool("kind", ["get", "clusters"], { signal })).stdout
      .split("\n")
      .map((l) => l.trim())
      .filter((n) => n.startsWith(CLUSTER_PREFIX));
    const found: Leftover[] = [];
    for (const cluster of names) found.push(await inspectCluster(cluster, signal));
    return found;
  },
  async remove(leftover, signal) {
    await withScratchKubeconfig((kubeconfig) =>
      runTool("kind", ["delete", "cluster", "--name", leftover.id, "--kubeconfig", kubeconfig], { signal }),
    );
  },
};
