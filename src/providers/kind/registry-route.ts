import { isLoopbackHost } from "../../registry/index.js";
import { runTool } from "../../exec/run-tool.js";
import type { ImageRegistry } from "../types.js";

/** How kind's nodes reach the registry the stack's images are pushed to (containerd's hosts.toml). */
export interface NodeRegistryRoute {
  /** HOST[:PORT] as image references name it: the hosts.toml directory. */
  authority: string;
  /** What the nodes' containerd connects to instead, e.g. http://kind-registry:5000. */
  endpoint: string;
  /** The container that serves a loopback registry: it must be on the nodes' network. */
  container?: string;
}

export type RouteDecision =
  | { kind: "route"; route: NodeRegistryRoute }
  /** Images are loaded with `kind load`; `reason` says why (for the task log). */
  | { kind: "load"; reason: string };

/** The Docker network kind puts its nodes on (kind's own variable overrides it). */
export function kindNetwork(): string {
  return process.env["KIND_EXPERIMENTAL_DOCKER_NETWORK"] || "kind";
}

/**
 * Whether the nodes pull from the cache registry, and through what. A registry on another host
 * is reached as it is named. One on this host's loopback is reachable only when a container
 * publishes it (kind's local registry guide: `registry:2` as `kind-registry`): the nodes then go
 * to that container by name on their network. A loopback registry that is a process on the host
 * cannot be reached from a node (its 127.0.0.1 is the node itself).
 */
export async function decideNodeRegistry(
  registry: ImageRegistry | undefined,
  setting: boolean | undefined,
  engine: string,
  signal: AbortSignal,
): Promise<RouteDecision | { kind: "error"; problem: string }> {
  if (setting === false) return { kind: "load", reason: "environment.kind.registry is false" };
  if (!registry) {
    return setting
      ? { kind: "error", problem: "environment.kind.registry is true, but the run has no usable cache registry" }
      : { kind: "load", reason: "no cache registry" };
  }
  const { host, port } = splitAuthority(registry.authority);
  const scheme = registry.plainHttp ? "http" : "https";
  if (!isLoopbackHost(host))
    return { kind: "route", route: { authority: registry.authority, endpoint: `${scheme}://${registry.authority}` } };
  const server = port === undefined ? undefined : await publishingContainer(engine, port, signal);
  if (server)
    return {
      kind: "route",
      route: {
        authority: registry.authority,
        endpoint: `${scheme}://${server.name}:${server.containerPort}`,
        container: server.name,
      },
    };
  const problem = `the cache registry ${registry.authority} listens on this host's loopback and no container publishes it, so kind's nodes cannot reach it (a node's 127.0.0.1 is the node itself)`;
  return setting ? { kind: "error", problem } : { kind: "load", reason: problem };
}

function splitAuthority(authority: string): { host: string; port: number | undefined } {
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(authority);
  const host = match?.[1] ?? match?.[2] ?? authority;
  return { host, port: match?.[3] ? Number(match[3]) : undefined };
}

/** The running container that publishes this host port on loopback (or every interface), and its own port. */
async function publishingContainer(
  engine: string,
  port: number,
  signal: AbortSignal,
): Promise<{ name: string; containerPort: number } | undefined> {
  const listed = await runTool(engine, ["ps", "--filter", `publish=${port}`, "--format", "{{.Names}}"], {
    signal,
    allowFailure: true,
  });
  for (const name of listed.stdout.split("\n").filter(Boolean)) {
    const inspected = await runTool(engine, ["inspect", "--format", "{{json .NetworkSettings.Ports}}", name], {
      signal,
      allowFailure: true,
    });
    const containerPort = containerPortFor(inspected.stdout, port);
    if (containerPort !== undefined) return { name, containerPort };
  }
  return undefined;
}

/** From `docker inspect`'s NetworkSettings.Ports: the container port bound to this host port on loopback or everywhere. */
export function containerPortFor(portsJson: string, hostPort: number): number | undefined {
  let ports: unknown;
  try {
    ports = JSON.parse(portsJson);
  } catch {
    return undefined;
  }
  if (typeof ports !== "object" || ports === null) return undefined;
  for (const [key, bindings] of Object.entries(ports as Record<string, unknown>)) {
    const [containerPort, protocol] = key.split("/");
    if (protocol !== "tcp" || !Array.isArray(bindings)) continue;
    const bound = bindings.some((b: { HostIp?: string; HostPort?: string }) => {
      const ip = b.HostIp ?? "";
      return Number(b.HostPort) === hostPort && (ip === "" || ip === "0.0.0.0" || ip === "::" || isLoopbackHost(ip));
    });
    if (bound) return Number(containerPort);
  }
  return undefined;
}

/** Puts the registry's container on the nodes' network (as kind's guide does), unless it is there already. */
export async function joinNodesNetwork(
  engine: string,
  container: string,
  network: string,
  signal: AbortSignal,
): Promise<boolean> {
  const networks = await runTool(engine, ["inspect", "--format", "{{json .NetworkSettings.Networks}}", container], {
    signal,
  });
  if (Object.keys(JSON.parse(networks.stdout || "{}") as Record<string, unknown>).includes(network)) return false;
  await runTool(engine, ["network", "connect", network, container], { signal });
  return true;
}
