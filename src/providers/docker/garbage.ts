import { detectDockerCli, requireEngine, type DockerCli } from "../../exec/docker-cli.js";
import { runLiveness } from "../liveness.js";
import { LABELS } from "../run-labels.js";
import type { GarbageCollector, Leftover } from "../types.js";
import { removeRun } from "./teardown.js";

interface RunLeftovers {
  runId: string;
  stack: string;
  origin: string;
  alive: boolean;
  kept: boolean;
  /** Why it is considered alive or dead. */
  reason: string;
  containers: number;
  volumes: number;
  networks: number;
}

/**
 * Groups every labelled container, volume and network by run. A run is alive while the
 * process that made it runs on this host, or when it was left up on purpose (its kept marker).
 */
async function findRuns(cli: DockerCli, signal?: AbortSignal): Promise<RunLeftovers[]> {
  const format = `{{.Label "${LABELS.run}"}}|{{.Label "${LABELS.stack}"}}|{{.Label "${LABELS.pid}"}}|{{.Label "${LABELS.host}"}}|{{.Label "${LABELS.kept}"}}|{{.Label "${LABELS.origin}"}}`;
  const list = async (args: string[]): Promise<string[][]> =>
    (await cli.run([...args, "--filter", `label=${LABELS.run}`, "--format", format], { signal })).stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split("|"));
  const [containers, volumes, networks] = await Promise.all([
    list(["ps", "--all"]),
    list(["volume", "ls"]),
    list(["network", "ls"]),
  ]);
  type Tally = RunLeftovers & { pids: Set<string>; host?: string };
  const runs = new Map<string, Tally>();
  const add = (rows: string[][], kind: "containers" | "volumes" | "networks"): void => {
    for (const [runId = "", stack = "", pid = "", host = "", kept = "", origin = ""] of rows) {
      const run: Tally = runs.get(runId) ?? {
        runId,
        stack,
        origin,
        alive: false,
        kept: false,
        reason: "",
        containers: 0,
        volumes: 0,
        networks: 0,
        pids: new Set<string>(),
      };
      run[kind]++;
      if (kept === "true") run.kept = true;
      if (origin) run.origin = origin;
      if (host) run.host = host;
      if (pid) run.pids.add(pid);
      runs.set(runId, run);
    }
  };
  add(containers, "containers");
  add(volumes, "volumes");
  add(networks, "networks");
  return [...runs.values()].map(({ pids, host, ...run }) => ({
    ...run,
    ...runLiveness({ kept: run.kept, host, pids: [...pids] }),
  }));
}

function asLeftover(run: RunLeftovers): Leftover {
  return {
    provider: "docker",
    id: run.runId,
    name: run.runId,
    stack: run.stack || undefined,
    origin: run.origin || undefined,
    contents: `${run.containers} containers, ${run.volumes} volumes, ${run.networks} networks`,
    alive: run.alive,
    kept: run.kept,
    reason: run.reason,
  };
}

/** Labelled containers, volumes and networks, grouped by run; a run goes with all its resources. */
export const dockerGarbage: GarbageCollector = {
  verbs: { done: "removed", dryRun: "would remove" },
  async find(signal) {
    const cli = await detectDockerCli().catch(() => undefined);
    if (
      !cli ||
      !(await requireEngine(cli, signal).then(
        () => true,
        () => false,
      ))
    )
      return { unavailable: "no engine answers; nothing to look at" };
    return (await findRuns(cli, signal)).map(asLeftover);
  },
  async remove(leftover, signal) {
    await removeRun(await detectDockerCli(), leftover.id, signal);
  },
};
