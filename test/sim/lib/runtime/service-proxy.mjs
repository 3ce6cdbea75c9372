// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// The program of a Service's proxy container: the container's IP stands for the Service's
// ClusterIP (its DNS names are network aliases: name.ns, name.ns.svc, name.ns.svc.cluster.local);
// it listens on each Service port and forwards to a Ready endpoint's targetPort, like kube-proxy.
import { readObjects } from "../cluster-store.mjs";
import { readRuntime } from "../runtime-store.mjs";
import { endpointsFor, forward, Listeners } from "./endpoints.mjs";

const cluster = process.env.SIM_CLUSTER;
const key = `/Service/${process.env.SVC_NS}/${process.env.SVC_NAME}`;
const log = (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

let service = readObjects(cluster)[key];
const listeners = new Listeners((port, socket) => {
  const i = (service?.spec?.ports ?? []).findIndex((p) => p.port === port);
  forward(socket, i < 0 ? [] : endpointsFor(service, i, readRuntime(cluster)));
}, log);

function sync() {
  try {
    service = readObjects(cluster)[key] ?? service;
    listeners.sync((service?.spec?.ports ?? []).filter((p) => (p.protocol ?? "TCP") === "TCP").map((p) => p.port));
  } catch (e) {
    log(`sync: ${e.message}`);
  }
}
sync();
setInterval(sync, 500);
log(`proxy for ${key} up`);
