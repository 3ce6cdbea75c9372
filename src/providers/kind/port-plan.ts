import net from "node:net";
import type { WorkloadSpec } from "../../config/stack.js";
import { PaddockError } from "../../errors.js";
import type { KindConfig } from "./kind-config.js";
import { asArray, isRecord, nested, type KubeObject } from "../kubernetes/kube-object.js";

export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

/** workload → container port → NodePort. */
export type NodePortPlan = Map<string, Map<number, number>>;

/** Workloads Paddock renders itself (docker-style: an image and no manifests) that publish ports. */
export function renderedServices(workloads: readonly WorkloadSpec[]): WorkloadSpec[] {
  return workloads.filter((w) => w.kind === "service" && w.manifests.length === 0 && w.ports.length > 0);
}

/** NodePorts that manifests fix themselves (Services' spec.ports[].nodePort). */
export function declaredNodePorts(objects: readonly KubeObject[]): Set<number> {
  const ports = new Set<number>();
  for (const object of objects) {
    if (object.kind !== "Service") continue;
    for (const port of asArray(nested(object, "spec", "ports")).filter(isRecord))
      if (typeof port["nodePort"] === "number") ports.add(port["nodePort"]);
  }
  return ports;
}

/** A free TCP port on 127.0.0.1 (asked from the OS, then released for kind to bind). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/**
 * Gives every port of a rendered service a NodePort published on 127.0.0.1. A fixed host port that the
 * Kind config already maps keeps that mapping; otherwise Paddock picks a free NodePort (from the top of
 * the range, away from the ones people write by hand) and adds the mapping to the config: to a free
 * host port, or — for a reused cluster, which must find the same ports next time — the NodePort's number.
 */
export async function planNodePorts(
  services: readonly WorkloadSpec[],
  config: KindConfig,
  reserved: ReadonlySet<number>,
  stableHostPorts: boolean,
): Promise<NodePortPlan> {
  const plan: NodePortPlan = new Map();
  const used = new Set([...reserved, ...config.mappings.map((m) => m.containerPort)]);
  let next = NODE_PORT_MAX;
  const allocate = (): number => {
    while (used.has(next) && next >= NODE_PORT_MIN) next--;
    if (next < NODE_PORT_MIN)
      throw new PaddockError("no free NodePort left for the rendered services", { hint: "publish fewer ports" });
    used.add(next);
    return next;
  };
  for (const workload of services) {
    const ports = new Map<number, number>();
    for (const port of workload.ports) {
      const existing =
        port.host === undefined
          ? undefined
          : config.mappings.find((m) => m.hostPort === port.host && m.protocol === "TCP");
      if (existing) {
        if (existing.containerPort < NODE_PORT_MIN || existing.containerPort > NODE_PORT_MAX) {
          throw new PaddockError(
            `service "${workload.name}": host port ${port.host} is mapped by the Kind config to node port ${existing.containerPort}, outside the NodePort range ${NODE_PORT_MIN}-${NODE_PORT_MAX}`,
            {
              hint: `map host port ${port.host} to a containerPort between ${NODE_PORT_MIN} and ${NODE_PORT_MAX} in the Kind config, or drop the fixed host port`,
            },
          );
        }
        ports.set(port.container, existing.containerPort);
        continue;
      }
      const nodePort = allocate();
      const hostPort = port.host ?? (stableHostPorts ? nodePort : await freeLoopbackPort());
      config.addMapping(nodePort, hostPort);
      ports.set(port.container, nodePort);
    }
    plan.set(workload.name, ports);
  }
  return plan;
}
