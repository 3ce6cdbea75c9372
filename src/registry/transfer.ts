import { runTool, DEFAULT_TRANSIENT } from "../exec/run-tool.js";
import { remoteImageRef, type RegistryRef } from "./ref.js";

/** The builder's CLI that moves images: docker or podman (an `ImageBuilder` is one). */
export interface TransferCli {
  readonly name: "docker" | "podman";
  readonly bin: string;
}

export interface TransferOptions {
  signal?: AbortSignal;
  /** Append the commands' output to this file. */
  logFile?: string;
  onLine?: (line: string) => void;
}

const TRANSIENT = [...DEFAULT_TRANSIENT, /blob upload unknown/i, /received unexpected HTTP status: 5\d\d/i];

/** podman checks TLS unless told otherwise; docker decides itself (loopback is plain HTTP to it). */
function tlsArgs(cli: TransferCli, registry: RegistryRef): string[] {
  return cli.name === "podman" && registry.scheme === "http" ? ["--tls-verify=false"] : [];
}

function hintFor(output: string, cli: TransferCli, registry: RegistryRef, action: "push" | "pull"): string {
  if (/connection refused|no such host|i\/o timeout|dial tcp/i.test(output)) {
    return registry.loopback
      ? "start the registry: sudo bash scripts/engine-bootstrap.sh registry (or check its address)"
      : `check that ${registry.authority} is reachable from this machine`;
  }
  if (/server gave HTTP response to HTTPS client/i.test(output)) {
    return cli.name === "docker"
      ? `the engine talks HTTPS to ${registry.authority}: add it to "insecure-registries" in /etc/docker/daemon.json and restart dockerd, or serve TLS`
      : `mark the registry insecure (plain HTTP), or serve TLS`;
  }
  if (/unauthorized|authentication required|denied|401/i.test(output))
    return `log in first: ${cli.bin} login ${registry.authority}`;
  if (action === "pull" && /manifest unknown|not found|404/i.test(output))
    return "the image is not in the registry (push it first, or build it)";
  if (action === "push" && /no such image|does not exist|image not known/i.test(output))
    return "the local image is missing: build it first";
  return `run the command above by hand to see its whole output`;
}

async function run(
  cli: TransferCli,
  args: string[],
  registry: RegistryRef,
  action: "push" | "pull",
  what: string,
  options: TransferOptions,
): Promise<void> {
  const command = [cli.bin, ...args].join(" ");
  await runTool(cli.bin, args, {
    signal: options.signal,
    logFile: options.logFile,
    onLine: options.onLine,
    transient: TRANSIENT,
    describeFailure: (output, exitCode) => ({
      summary: `${what} failed${exitCode === undefined ? "" : ` (exit ${exitCode})`}: ${command}`,
      hint: hintFor(output, cli, registry, action),
    }),
  });
}

/**
 * Pushes the local image `local` as `<registry>/<prefix>/<repository>:<tag>` through the
 * builder's CLI (tag, then push) and returns that reference; the registry tag stays local too.
 */
export async function pushImage(
  cli: TransferCli,
  local: string,
  registry: RegistryRef,
  repository: string,
  tag: string,
  options: TransferOptions = {},
): Promise<string> {
  const remote = remoteImageRef(registry, repository, tag);
  await run(cli, ["tag", local, remote], registry, "push", `tagging ${local} as ${remote}`, options);
  await run(cli, ["push", ...tlsArgs(cli, registry), remote], registry, "push", `pushing ${remote}`, options);
  return remote;
}

/** Pulls `<registry>/<prefix>/<repository>:<tag>` into the builder's local images; returns the reference. */
export async function pullImage(
  cli: TransferCli,
  registry: RegistryRef,
  repository: string,
  tag: string,
  options: TransferOptions = {},
): Promise<string> {
  const remote = remoteImageRef(registry, repository, tag);
  await run(cli, ["pull", ...tlsArgs(cli, registry), remote], registry, "pull", `pulling ${remote}`, options);
  return remote;
}
