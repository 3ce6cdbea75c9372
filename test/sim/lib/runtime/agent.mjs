// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// The program of every simulated node container (started by `kind create cluster`):
//   - kube-proxy: the node's published ports (extraPortMappings' containerPorts) and every NodePort,
//     each forwarded to a Ready endpoint of the Service that owns the nodePort;
//   - on the first control-plane node, the cluster's controllers and kubelet (controller.mjs).
// It stops when the cluster's record is gone; `kind delete cluster` removes its container anyway.
import { readCluster, readObjects } from "../cluster-store.mjs";
import { docker } from "../docker-api.mjs";
import { clusterFilter, LABEL_NODE } from "../docker-names.mjs";
import { readRuntime } from "../runtime-store.mjs";
import { Controller } from "./controller.mjs";
import { endpointsFor, forward, Listeners } from "./endpoints.mjs";

const env = process.env;
const clusterName = env.SIM_CLUSTER;
const nodeName = env.SIM_NODE;
const log = (line) => process.stderr.write(`${new Date().toISOString()} ${nodeName}: ${line}\n`);
process.on("unhandledRejection", (e) => log(`unhandled: ${e?.stack ?? e}`));
process.on("uncaughtException", (e) => log(`uncaught: ${e?.stack ?? e}`));

/** The Service port whose nodePort is `port`, and its endpoints. */
function nodePortTarget(port) {
  for (const o of Object.values(readObjects(clusterName))) {
    if (o.kind !== "Service" || o._sim?.deletedAt) continue;
    const i = (o.spec?.ports ?? []).findIndex((p) => p.nodePort === port);
    if (i >= 0) return endpointsFor(o, i, readRuntime(clusterName));
  }
  return [];
}

const proxy = new Listeners((port, socket) => forward(socket, nodePortTarget(port)), log);

function syncProxy() {
  try {
    const cluster = readCluster(clusterName);
    if (!cluster) return false;
    const node = cluster.nodes.find((n) => n.name === nodeName);
    const ports = new Set(
      (node?.extraPortMappings ?? []).filter((m) => (m.protocol ?? "TCP") === "TCP").map((m) => m.containerPort),
    );
    for (const o of Object.values(readObjects(clusterName)))
      if (o.kind === "Service") for (const p of o.spec?.ports ?? []) if (p.nodePort) ports.add(p.nodePort);
    proxy.sync([...ports]);
    return true;
  } catch (e) {
    log(`kube-proxy: ${e.message}`);
    return true;
  }
}

async function nodeIPs() {
  const out = {};
  const nodes = await docker.listContainers([
    ...clusterFilter(clusterName, env.SIM_INSTANCE),
    "dev.paddock.sim.role=node",
  ]);
  for (const c of nodes) out[c.Labels[LABEL_NODE]] = c.NetworkSettings?.Networks?.[env.SIM_NETWORK]?.IPAddress ?? "";
  return out;
}

syncProxy();
const timer = setInterval(() => {
  if (!syncProxy()) process.exit(0);
}, 300);

if (env.SIM_CONTROLLER === "1") {
  const ips = await nodeIPs();
  // Worker nodes may still be starting: their IPs (the pods' hostIP) are looked up again.
  for (const ms of [500, 2000, 5000])
    setTimeout(
      () =>
        nodeIPs().then(
          (more) => Object.assign(ips, more),
          () => undefined,
        ),
      ms,
    );
  const controller = new Controller({
    clusterName,
    instance: env.SIM_INSTANCE,
    hostSimDir: env.SIM_HOST_DIR,
    nodeIPs: ips,
    log,
  });
  log("controller up");
  await controller.run();
  clearInterval(timer);
  process.exit(0);
}
