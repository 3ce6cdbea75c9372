import type { DockerCli } from "../../exec/docker-cli.js";
import { runLiveness } from "../liveness.js";
import { LABELS } from "../provider.js";
import { removeRun } from "./teardown.js";

export interface RunLeftovers {
  runId: string;
  stack: string;
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
export async function findRuns(cli: DockerCli, signal?: AbortSignal): Promise<RunLeftovers[]> {
  const format = `{{.Label "${LABELS.run}"}}|{{.Label "${LABELS.stack}"}}|{{.Label "${LABELS.pid}"}}|{{.Label "${LABELS.host}"}}|{{.Label "${LABELS.kept}"}}`;
  const list = async (args: string[]): Promise<string[][]> =>
    (await cli.run([...args, "--filter", `label=${LABELS.run}`, "--format", format], { signal })).stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split("|"));
  const [containers, volumes, networks] = await Promise.all([list(["ps", "--all"]), list(["volume", "ls"]), list(["network", "ls"])]);
  type Tally = RunLeftovers & { pids: Set<string>; host?: string };
  const runs = new Map<string, Tally>();
  const add = (rows: string[][], kind: "containers" | "volumes" | "networks"): void => {
    for (const [runId = "", stack = "", pid = "", host = "", kept = ""] of rows) {
      const run: Tally = runs.get(runId) ?? { runId, stack, alive: false, kept: false, reason: "", containers: 0, volumes: 0, networks: 0, pids: new Set<string>() };
      run[kind]++;
      if (kept === "true") run.kept = true;
      if (host) run.host = host;
      if (pid) run.pids.add(pid);
      runs.set(runId, run);
    }
  };
  add(containers, "containers");
  add(volumes, "volumes");
  add(networks, "networks");
  return [...runs.values()].map(({ pids, host, ...run }) => ({ ...run, ...runLiveness({ kept: run.kept, host, pids: [...pids] }) }));
}

export async function collectGarbage(cli: DockerCli, options: { all: boolean; dryRun: boolean; signal?: AbortSignal }): Promise<RunLeftovers[]> {
  const runs = await findRuns(cli, options.signal);
  const doomed = runs.filter((r) => !r.alive || (options.all && r.kept));
  if (!options.dryRun) for (const run of doomed) await removeRun(cli, run.runId, options.signal);
  return doomed;
}
