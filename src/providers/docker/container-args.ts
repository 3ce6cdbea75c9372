import type { WorkloadSpec } from "../../config/stack.js";
import { LABELS } from "../run-labels.js";
import type { RunIdentity } from "../types.js";
import { containerName, labelArgs, networkName, volumeName } from "./labels.js";

/**
 * `docker run` arguments for a workload. Env values travel through the client's environment
 * (`-e KEY`), so secrets never appear in command lines or logs. Ports bind to 127.0.0.1 only.
 * With `create`, `docker create` instead: the caller prepares the container, then starts it.
 */
export function containerRunArgs(
  run: RunIdentity,
  workload: WorkloadSpec,
  image: string,
  extraEnv: Record<string, string> = {},
  options: { create?: boolean; specHash?: string } = {},
): { args: string[]; env: Record<string, string> } {
  const env = { ...workload.env, ...extraEnv };
  const args = [
    ...(options.create ? ["create"] : ["run", "--detach"]),
    "--name",
    containerName(run.runId, workload.name),
    "--network",
    networkName(run.runId),
    "--network-alias",
    workload.name,
    ...labelArgs(run, {
      [LABELS.service]: workload.name,
      ...(options.specHash ? { [LABELS.spec]: options.specHash } : {}),
    }),
  ];
  for (const port of workload.ports) args.push("--publish", `127.0.0.1:${port.host ?? ""}:${port.container}`);
  for (const key of Object.keys(env)) args.push("--env", key);
  for (const volume of workload.volumes) {
    const source = volume.type === "bind" ? volume.source : volumeName(run.runId, volume.name);
    args.push("--volume", `${source}:${volume.target}${volume.readOnly ? ":ro" : ""}`);
  }
  const [entrypoint, ...entrypointArgs] = workload.entrypoint ?? [];
  if (entrypoint !== undefined) args.push("--entrypoint", entrypoint);
  args.push(image, ...entrypointArgs, ...(workload.command ?? []));
  return { args, env };
}
