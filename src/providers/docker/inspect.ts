import { lastLines } from "../../exec/tool-error.js";
import { LABELS } from "../run-labels.js";
import type { ProviderContext } from "../types.js";
import type { DockerCall } from "./call.js";

/** A run's container as the engine reports it: what an update in place compares. */
export interface ExistingContainer {
  /** The spec hash it was started with (`dev.paddock.spec`), if any. */
  spec: string | undefined;
  status: string;
  exitCode: number;
}

/** The container's exit code once it has exited, else undefined. */
export async function exitCodeOf(
  docker: DockerCall,
  name: string,
  ctx: Pick<ProviderContext, "signal">,
): Promise<number | undefined> {
  const state = (
    await docker(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name], ctx)
  ).stdout.trim();
  const [status, code] = state.split(" ");
  return status === "exited" || status === "dead" ? Number(code) : undefined;
}

type PortBindings = Record<string, { HostIp: string; HostPort: string }[] | null> | null;

/** A run's container with its published ports: what an update in place reads once, for all of them. */
export interface RunContainer extends ExistingContainer {
  ports: Map<number, number>;
}

/** Every container of a run by name, in two engine calls (`ps`, then one `inspect` of them all). */
export async function inspectRunContainers(
  docker: DockerCall,
  runId: string,
  ctx: Pick<ProviderContext, "signal">,
): Promise<Map<string, RunContainer>> {
  const ids = (await docker(["ps", "--all", "--quiet", "--filter", `label=${LABELS.run}=${runId}`], ctx)).stdout
    .split("\n")
    .filter(Boolean);
  const found = new Map<string, RunContainer>();
  if (ids.length === 0) return found;
  type Inspected = {
    Name: string;
    Config: { Labels: Record<string, string> | null };
    State: { Status: string; ExitCode: number };
    NetworkSettings: { Ports: PortBindings };
  };
  for (const c of JSON.parse((await docker(["inspect", ...ids], ctx)).stdout) as Inspected[]) {
    found.set(c.Name.replace(/^\//, ""), {
      spec: c.Config.Labels?.[LABELS.spec] || undefined,
      status: c.State.Status,
      exitCode: c.State.ExitCode,
      ports: portsFrom(c.NetworkSettings.Ports),
    });
  }
  return found;
}

/** Container port → host port on 127.0.0.1. */
export async function hostPortsOf(
  docker: DockerCall,
  name: string,
  ctx: Pick<ProviderContext, "signal">,
): Promise<Map<number, number>> {
  const json = (await docker(["inspect", "--format", "{{json .NetworkSettings.Ports}}", name], ctx)).stdout.trim();
  return portsFrom(JSON.parse(json || "{}") as PortBindings);
}

function portsFrom(bindings: PortBindings): Map<number, number> {
  const ports = new Map<number, number>();
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const hostPort = list?.find((b) => b.HostIp === "127.0.0.1")?.HostPort;
    if (hostPort) ports.set(Number(key.split("/")[0]), Number(hostPort));
  }
  return ports;
}

export async function lastLogsOf(docker: DockerCall, name: string, lines = 20): Promise<string[]> {
  const result = await docker(
    ["logs", "--tail", String(lines), name],
    { signal: AbortSignal.timeout(5000) },
    { allowFailure: true },
  );
  return lastLines(result.all, lines);
}

/** The workloads (service label) of a run's containers. */
export async function workloadsOfRun(
  docker: DockerCall,
  runId: string,
  ctx: Pick<ProviderContext, "signal">,
): Promise<Map<string, string>> {
  const result = await docker(
    [
      "ps",
      "--all",
      "--filter",
      `label=${LABELS.run}=${runId}`,
      "--format",
      `{{.Names}}|{{.Label "${LABELS.service}"}}`,
    ],
    ctx,
  );
  const found = new Map<string, string>();
  for (const line of result.stdout.split("\n").filter(Boolean)) {
    const [name = "", service = ""] = line.split("|");
    if (service) found.set(service, name);
  }
  return found;
}
