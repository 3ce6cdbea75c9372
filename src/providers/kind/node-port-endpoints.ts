import type { WorkloadSpec } from "../../config/stack.js";
import { PaddockError } from "../../errors.js";
import { endpointUrl } from "../endpoint-url.js";
import type { Endpoint } from "../types.js";
import type { KindConfig } from "./kind-config.js";
import { asArray, isRecord, nested, type KubeObject } from "../kubernetes/kube-object.js";

/**
 * The endpoints a workload's NodePort Services publish on the host: the host port the Kind config's
 * extraPortMappings maps each nodePort to. A fixed nodePort that nothing maps is an error now, with the
 * mapping to add, rather than a test that cannot connect later. NodePorts left for Kubernetes to
 * allocate are not published (the cluster picks them after the config was fixed).
 */
export function nodePortEndpoints(
  objects: readonly KubeObject[],
  workload: WorkloadSpec,
  config: KindConfig,
  configFile: string,
): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const service of objects) {
    if (service.kind !== "Service" || nested(service, "spec", "type") !== "NodePort") continue;
    for (const port of asArray(nested(service, "spec", "ports")).filter(isRecord)) {
      const nodePort = port["nodePort"];
      if (typeof nodePort !== "number") continue;
      const mapping = config.mappingFor(nodePort);
      if (!mapping?.hostPort) {
        throw new PaddockError(
          `${workload.kind} "${workload.name}": service "${service.metadata.name}" publishes nodePort ${nodePort}, but the Kind config maps no host port to it (${configFile})`,
          {
            hint: `add to the control-plane node's extraPortMappings: { containerPort: ${nodePort}, hostPort: ${nodePort}, listenAddress: "127.0.0.1" } (the cluster must be recreated to change mappings)`,
          },
        );
      }
      const targetPort = port["targetPort"];
      const containerPort =
        typeof targetPort === "number" ? targetPort : typeof port["port"] === "number" ? port["port"] : nodePort;
      const wildcard = ["0.0.0.0", "::", ""].includes(mapping.listenAddress);
      const at = { host: wildcard ? "127.0.0.1" : mapping.listenAddress, port: mapping.hostPort };
      endpoints.push({ service: workload.name, containerPort, ...at, url: endpointUrl(workload.url, at) });
    }
  }
  return endpoints;
}
