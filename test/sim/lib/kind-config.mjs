// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Loads and validates a kind Cluster config (kind.x-k8s.io/v1alpha4), for the fields modelled.
import fs from "node:fs";
import { YAML } from "./yaml.mjs";

export const DEFAULT_NODE_IMAGE =
  "kindest/node:v1.31.0@sha256:53df588e04085fd41ae12de0c3fe4c72f7013bba32a20e7325357a1ac94ba865";

const CLUSTER_FIELDS = new Set([
  "kind",
  "apiVersion",
  "name",
  "nodes",
  "networking",
  "featureGates",
  "runtimeConfig",
  "kubeadmConfigPatches",
  "kubeadmConfigPatchesJSON6902",
  "containerdConfigPatches",
  "containerdConfigPatchesJSON6902",
]);
const NODE_FIELDS = new Set([
  "role",
  "image",
  "labels",
  "extraMounts",
  "extraPortMappings",
  "kubeadmConfigPatches",
  "kubeadmConfigPatchesJSON6902",
]);
const PORT_FIELDS = new Set(["containerPort", "hostPort", "listenAddress", "protocol"]);
const MOUNT_FIELDS = new Set(["hostPath", "containerPath", "readOnly", "selinuxRelabel", "propagation"]);
const PROTOCOLS = new Set(["TCP", "UDP", "SCTP"]);

function unknownField(obj, allowed) {
  for (const k of Object.keys(obj ?? {})) if (!allowed.has(k)) return k;
  return null;
}

/** Returns { name?, nodes:[{role,image,extraPortMappings,extraMounts}] } or throws Error(message-without-ERROR-prefix). */
export function loadKindConfig(file, raw) {
  if (raw === undefined) {
    try {
      raw = fs.readFileSync(file, "utf8");
    } catch {
      throw new Error(`error reading file: open ${file}: no such file or directory`);
    }
  }
  let doc;
  try {
    doc = YAML.parse(raw) ?? {};
  } catch (e) {
    throw new Error(`could not determine kind / apiVersion for config: ${e.message.split("\n")[0]}`);
  }
  const apiVersion = doc.apiVersion ?? "";
  if (apiVersion !== "kind.x-k8s.io/v1alpha4") {
    if (apiVersion === "kind.sigs.k8s.io/v1alpha3")
      throw new Error(`kind.sigs.k8s.io/v1alpha3 is no longer supported, please migrate to kind.x-k8s.io/v1alpha4`);
    throw new Error(`unknown apiVersion: ${apiVersion}`);
  }
  if (doc.kind !== "Cluster") throw new Error(`unknown kind ${doc.kind ?? ""} for apiVersion: ${apiVersion}`);
  const decodeErr = (f) =>
    new Error(`unable to decode config: error unmarshaling JSON: while decoding JSON: json: unknown field "${f}"`);
  let bad = unknownField(doc, CLUSTER_FIELDS);
  if (bad) throw decodeErr(bad);
  const nodes = doc.nodes ?? [{ role: "control-plane" }];
  const errs = [];
  nodes.forEach((n, i) => {
    if ((bad = unknownField(n, NODE_FIELDS))) throw decodeErr(bad);
    n.role = n.role ?? "control-plane";
    n.image = n.image ?? "";
    const nodeErrs = [];
    if (n.role !== "control-plane" && n.role !== "worker") nodeErrs.push(`"${n.role}" is not a valid node role`);
    for (const pm of n.extraPortMappings ?? []) {
      if ((bad = unknownField(pm, PORT_FIELDS))) throw decodeErr(bad);
      for (const f of ["hostPort", "containerPort"]) {
        const v = pm[f] ?? 0;
        if (!Number.isInteger(v))
          throw new Error(
            `unable to decode config: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${typeof v} into Go struct field PortMapping.nodes.extraPortMappings.${f} of type int32`,
          );
        if (v < -1 || v > 65535) nodeErrs.push(`invalid ${f}: invalid port number: ${v}`);
      }
      pm.protocol = pm.protocol ?? "TCP";
      if (!PROTOCOLS.has(String(pm.protocol).toUpperCase()))
        nodeErrs.push(`invalid portMapping: unknown port mapping protocol: ${pm.protocol}`);
      pm.listenAddress = pm.listenAddress ?? "0.0.0.0";
    }
    const seen = new Map();
    for (const pm of n.extraPortMappings ?? []) {
      if (!pm.hostPort || pm.hostPort === -1) continue;
      const key = `${pm.hostPort}/${String(pm.protocol).toUpperCase()}`;
      const addr = pm.listenAddress === "::" ? "0.0.0.0" : pm.listenAddress;
      const addrs = seen.get(key) ?? new Set();
      if (addrs.has(addr) || addrs.has("0.0.0.0") || (addr === "0.0.0.0" && addrs.size > 0)) {
        nodeErrs.push(
          `invalid portMapping: port mapping with same listen address, port and protocol already configured: ${pm.listenAddress}:${key}`,
        );
        break;
      }
      addrs.add(addr);
      seen.set(key, addrs);
    }
    for (const m of n.extraMounts ?? []) {
      if ((bad = unknownField(m, MOUNT_FIELDS))) throw decodeErr(bad);
      if (!m.hostPath || !m.containerPath) nodeErrs.push(`invalid extraMount: hostPath and containerPath are required`);
    }
    if (nodeErrs.length) errs.push(`invalid configuration for node ${i}: ${agg(nodeErrs)}`);
  });
  if (!nodes.some((n) => n.role === "control-plane")) errs.push("must have at least one control-plane node");
  if (errs.length) throw new Error(agg(errs));
  return { name: doc.name, nodes, containerdConfigPath: containerdConfigPath(doc.containerdConfigPatches ?? []) };
}

/**
 * The registry `config_path` that containerdConfigPatches set (TOML merged into the node's
 * /etc/containerd/config.toml), or null: containerd then reads no per-registry hosts.toml.
 */
function containerdConfigPath(patches) {
  let found = null;
  for (const patch of patches) {
    if (typeof patch !== "string") throw new Error("unable to decode config: containerdConfigPatches must be strings");
    let section = "";
    for (const line of patch.split("\n")) {
      const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
      if (header) section = header[1].replace(/\s/g, "");
      const value = /^\s*config_path\s*=\s*"([^"]*)"/.exec(line);
      if (value && section === 'plugins."io.containerd.grpc.v1.cri".registry') found = value[1];
    }
  }
  return found;
}

// k8s.io/apimachinery NewAggregate formatting
function agg(list) {
  return list.length === 1 ? list[0] : `[${list.join(", ")}]`;
}

/** Node container names as kind assigns them. */
export function assignNodeNames(clusterName, nodes) {
  let cp = 0;
  let w = 0;
  const out = nodes.map((n) => {
    if (n.role === "control-plane") {
      cp++;
      return { ...n, name: `${clusterName}-control-plane${cp > 1 ? cp : ""}` };
    }
    w++;
    return { ...n, name: `${clusterName}-worker${w > 1 ? w : ""}` };
  });
  if (cp > 1) out.push({ role: "external-load-balancer", name: `${clusterName}-external-load-balancer` });
  return out;
}
