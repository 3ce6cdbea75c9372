// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// The real Docker objects of a simulated cluster, as kind makes them: a network, one container per
// node that publishes the Kind config's extraPortMappings and mounts its extraMounts. Each node
// container runs the simulator's agent (runtime/agent.mjs): kube-proxy for the node's ports and, on
// the first control-plane node, the controllers and kubelet that run pods as containers.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { docker, dockerSocket, DockerError } from "./docker-api.mjs";
import { BASE_IMAGE, clusterFilter, clusterLabels, dockerNames, instanceId, LABEL_NODE } from "./docker-names.mjs";
import { simDir, sleepMs } from "./env.mjs";

/** test/sim on the host: mounted read-only at /sim in the helper containers. */
export const SIM_LIB_HOST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The Node binary running this CLI, mounted into the helper containers (the base image has no Node). */
export function nodeBinary() {
  return fs.realpathSync(process.execPath);
}

export function simDirHost() {
  return fs.realpathSync(simDir());
}

/** Mounts every helper container gets: node, the simulator's code, its state, the engine's socket. */
export function helperBinds() {
  return [
    `${nodeBinary()}:/usr/local/bin/node:ro`,
    `${SIM_LIB_HOST}:/sim:ro`,
    `${simDirHost()}:/sim-root`,
    `${dockerSocket()}:/var/run/docker.sock`,
  ];
}

export function helperEnv(cluster, extra = {}) {
  const instance = instanceId(simDir());
  const names = dockerNames(cluster, instance);
  return Object.entries({
    PADDOCK_SIM_DIR: "/sim-root",
    SIM_CLUSTER: cluster,
    SIM_INSTANCE: instance,
    SIM_NETWORK: names.network,
    SIM_HOST_DIR: simDirHost(),
    SIM_HOST_LIB: SIM_LIB_HOST,
    SIM_HOST_NODE: nodeBinary(),
    SIM_HOST_SOCKET: dockerSocket(),
    ...extra,
  }).map(([k, v]) => `${k}=${v}`);
}

function portBindings(node) {
  const exposed = {};
  const bindings = {};
  for (const m of node.extraPortMappings ?? []) {
    const key = `${m.containerPort}/${(m.protocol ?? "TCP").toLowerCase()}`;
    exposed[key] = {};
    // Loopback only, whatever listenAddress says: test machines expose nothing (see README).
    (bindings[key] ??= []).push({ HostIp: "127.0.0.1", HostPort: m.hostPort ? String(m.hostPort) : "" });
  }
  return { exposed, bindings };
}

/** The node's extraMounts (host paths already absolute), mounted where the node sees them. */
function mountBinds(node, prefix = "") {
  return (node.extraMounts ?? []).map((m) => {
    fs.mkdirSync(m.hostPath, { recursive: true });
    return `${m.hostPath}:${prefix}${m.containerPath}${m.readOnly && !prefix ? ":ro" : ""}`;
  });
}

/** The `docker run` kind would have printed for a node: for error messages that look like kind's. */
function runCommandText(name, node) {
  const ports = (node.extraPortMappings ?? []).map(
    (m) => `--publish=127.0.0.1:${m.hostPort ?? ""}:${m.containerPort}/${(m.protocol ?? "TCP").toLowerCase()}`,
  );
  return [
    "docker",
    "run",
    "--name",
    name,
    "--hostname",
    node.name,
    "--label",
    `io.x-k8s.kind.role=${node.role}`,
    "--privileged",
    "--detach",
    ...ports,
    "kindest/node:v1.31.0",
  ].join(" ");
}

export class NodeCreateError extends Error {}

/**
 * The shared network's ID. The engine's duplicate check is best effort, so clusters created at the
 * same moment can each make one; like kind, keep the oldest and remove the others (the engine
 * refuses to remove one still in use).
 */
async function ensureSharedNetwork(name) {
  if (!(await docker.networksNamed(name)).length)
    try {
      await docker.createNetwork(name, {});
    } catch (e) {
      if (!(e instanceof DockerError && e.status === 409)) throw e;
    }
  const [keep, ...extra] = (await docker.networksNamed(name)).sort(
    (a, b) => Date.parse(a.Created) - Date.parse(b.Created) || a.Id.localeCompare(b.Id),
  );
  for (const n of extra) await docker.removeNetwork(n.Id).catch(() => undefined);
  return keep.Id;
}

/** The Docker network kind puts every cluster's nodes on. */
export function kindNetwork() {
  return process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK || "kind";
}

/** Creates the cluster network and node containers, starts them. Throws NodeCreateError with kind's wording. */
export async function createNodeContainers(cluster, nodes) {
  const instance = instanceId(simDir());
  const names = dockerNames(cluster, instance);
  if (!(await docker.inspectImage(BASE_IMAGE)))
    throw new NodeCreateError(
      `failed to ensure node image: paddock-sim needs the image ${BASE_IMAGE} in the Docker engine for its node, pod and Service containers (make it with: bash scripts/engine-bootstrap.sh base-image)`,
    );
  try {
    await docker.createNetwork(names.network, clusterLabels(cluster, instance, "network"));
  } catch (e) {
    if (!(e instanceof DockerError && e.status === 409)) throw e;
  }
  // Like kind, the nodes are on one shared network (KIND_EXPERIMENTAL_DOCKER_NETWORK, else "kind"), made
  // once and never removed; pods and Services stay on the cluster's own network (their names must not meet).
  const shared = await ensureSharedNetwork(kindNetwork());
  const ids = {};
  let first = true;
  for (const node of nodes) {
    const name = names.node(node.name);
    const { exposed, bindings } = portBindings(node);
    const controller = first && node.role === "control-plane";
    if (node.role === "control-plane") first = false;
    let id;
    try {
      const created = await docker.createContainer(name, {
        Image: BASE_IMAGE,
        Hostname: node.name,
        Entrypoint: ["/usr/local/bin/node", "/sim/lib/runtime/agent.mjs"],
        Env: helperEnv(cluster, { SIM_NODE: node.name, SIM_ROLE: node.role, SIM_CONTROLLER: controller ? "1" : "0" }),
        Labels: clusterLabels(cluster, instance, "node", {
          [LABEL_NODE]: node.name,
          "io.x-k8s.kind.cluster": cluster,
          "io.x-k8s.kind.role": node.role,
        }),
        ExposedPorts: exposed,
        // The controller node also sees every node's mounts (under /sim-nodes/<node>) to set up hostPath volumes.
        HostConfig: {
          Binds: [
            ...helperBinds(),
            ...mountBinds(node),
            ...(controller ? nodes.flatMap((n) => mountBinds(n, `/sim-nodes/${n.name}`)) : []),
          ],
          PortBindings: bindings,
          NetworkMode: names.network,
          LogConfig: { Type: "json-file", Config: {} },
        },
        NetworkingConfig: { EndpointsConfig: { [names.network]: { Aliases: [node.name] } } },
      });
      id = created.Id;
      ids[node.name] = id;
      await docker.connectNetwork(shared, id);
      await docker.startContainer(id);
    } catch (e) {
      if (!(e instanceof DockerError)) throw e;
      throw new NodeCreateError(
        `command "${runCommandText(name, node)}" failed with error: exit status 125\nCommand Output: docker: Error response from daemon: ${e.message}.`,
      );
    }
  }
  return { instance, network: names.network, nodes: ids };
}

/** Waits until the controller agent reports (its heartbeat in runtime.json), or throws with its log. */
export async function waitForAgent(cluster, readRuntime, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rt = readRuntime();
    if (rt?.heartbeatAt) return;
    if (Date.now() > deadline) {
      const instance = instanceId(simDir());
      const containers = await docker.listContainers([
        ...clusterFilter(cluster, instance),
        "dev.paddock.sim.role=node",
      ]);
      const logs = await Promise.all(containers.map((c) => docker.logs(c.Id, { tail: 20 }).catch(() => "")));
      throw new NodeCreateError(
        `the simulated control plane did not start within ${timeoutMs / 1000}s: ${logs.join("\n").trim() || "(no output)"}`,
      );
    }
    await sleepMs(25);
  }
}

/**
 * Removes every container (nodes first, so no agent creates more), volume and network labelled with
 * the cluster, as `kind delete cluster` removes the node containers. Repeats until nothing is left.
 */
export async function removeClusterObjects(cluster) {
  const filter = clusterFilter(cluster, instanceId(simDir()));
  const nodes = await docker.listContainers([...filter, "dev.paddock.sim.role=node"]);
  await Promise.all(nodes.map((c) => docker.removeContainer(c.Id)));
  for (let pass = 0; pass < 5; pass++) {
    const containers = await docker.listContainers(filter);
    await Promise.all(containers.map((c) => docker.removeContainer(c.Id).catch(() => undefined)));
    const volumes = await docker.listVolumes(filter);
    await Promise.all(volumes.map((v) => docker.removeVolume(v.Name).catch(() => undefined)));
    const networks = await docker.listNetworks(filter);
    await Promise.all(networks.map((n) => docker.removeNetwork(n.Id).catch(() => undefined)));
    const left =
      (await docker.listContainers(filter)).length +
      (await docker.listVolumes(filter)).length +
      (await docker.listNetworks(filter)).length;
    if (left === 0) return;
    await sleepMs(200);
  }
}
