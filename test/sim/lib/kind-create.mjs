// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// `kind create cluster` / `kind delete cluster(s)`: progress lines, timing, failure and cleanup.
import fs from "node:fs";
import path from "node:path";
import { CliExit, err, config, simDir, sleepSim, sleepMs, realMs, atSim } from "./env.mjs";
import { createClusterRecord, removeCluster, readCluster, updateCluster, listClusterNames } from "./cluster-store.mjs";
import { loadKindConfig, assignNodeNames, DEFAULT_NODE_IMAGE } from "./kind-config.mjs";
import { kindKubeconfigPath, mergeKindEntries, removeKindEntries } from "./kubeconfig.mjs";
import { formatDuration } from "./duration.mjs";
import { hash } from "./names.mjs";
import { createNodeContainers, NodeCreateError, removeClusterObjects, waitForAgent } from "./node-containers.mjs";
import { readRuntime } from "./runtime-store.mjs";

/** `flakyClusterCreate`: the first creation of each cluster name fails (transiently), once. */
function flakyOnce(name) {
  if (!config().flakyClusterCreate) return false;
  const marker = path.join(simDir(), `flaky-create-${name}`);
  if (fs.existsSync(marker)) return false;
  fs.writeFileSync(marker, "");
  return true;
}

/** The modelled duration of a step, less the real time its real work took. */
async function rest(startedAt, simSeconds) {
  await sleepMs(realMs(simSeconds) - (Date.now() - startedAt));
}

const NAME_RE = /^[a-z0-9.-]+$/;

function pickPort(name) {
  const used = new Set(listClusterNames().map((n) => readCluster(n)?.port));
  let p = 32768 + (parseInt(hash(name + Date.now()).slice(0, 6), 16) % 28000);
  while (used.has(p)) p++;
  return p;
}

export async function createCluster(flags, set) {
  const cfg = config();
  let kc = { nodes: null, name: undefined, containerdConfigPath: null };
  if (flags.config) {
    try {
      kc = loadKindConfig(
        flags.config === "-" ? undefined : flags.config,
        flags.config === "-" ? fs.readFileSync(0, "utf8") : undefined,
      );
    } catch (e) {
      throw new CliExit(`ERROR: failed to create cluster: ${e.message}`, 1);
    }
  }
  const name = set.has("name") ? flags.name : (kc.name ?? flags.name);
  if (!NAME_RE.test(name))
    throw new CliExit(
      `ERROR: failed to create cluster: '${name}' is not a valid cluster name, cluster names must match \`^[a-z0-9.-]+$\``,
      1,
    );
  const baseNodes = kc.nodes ?? [
    { role: "control-plane" },
    ...Array.from({ length: Math.max(0, (cfg.nodes ?? 1) - 1) }, () => ({ role: "worker" })),
  ];
  const image = flags.image || baseNodes.find((n) => n.image)?.image || DEFAULT_NODE_IMAGE;
  // kind resolves relative hostPaths against its working directory.
  const mounts = (n) => (n.extraMounts ?? []).map((m) => ({ ...m, hostPath: path.resolve(m.hostPath) }));
  const nodes = assignNodeNames(
    name,
    baseNodes.map((n) => ({
      role: n.role,
      extraPortMappings: n.extraPortMappings ?? [],
      extraMounts: mounts(n),
      labels: n.labels,
    })),
  );
  const port = pickPort(name);
  const ok = await createClusterRecord(name, {
    name,
    phase: "creating",
    createdAt: Date.now(),
    port,
    image,
    nodes,
    images: {},
    containerd: { configPath: kc.containerdConfigPath },
  });
  if (!ok)
    throw new CliExit(
      `ERROR: failed to create cluster: node(s) already exist for a cluster with the name "${name}"`,
      1,
    );

  const T = cfg.clusterCreateSeconds ?? 20;
  const shownImage = image.replace(/@sha256:.*$/, "");
  const workers = nodes.filter((n) => n.role === "worker").length;
  const steps = [
    [`Ensuring node image (${shownImage}) 🖼`, 0.1],
    [
      `Preparing nodes ${nodes
        .filter((n) => n.role !== "external-load-balancer")
        .map(() => "📦")
        .join(" ")} `,
      0.2,
    ],
    ...(nodes.some((n) => n.role === "external-load-balancer")
      ? [["Configuring the external load balancer ⚖️", 0.05]]
      : []),
    ["Writing configuration 📜", 0.05],
    ["Starting control-plane 🕹️", 0.35],
    ["Installing CNI 🔌", 0.1],
    ["Installing StorageClass 💾", 0.05],
    ...(workers ? [["Joining worker nodes 🚜", 0.15]] : []),
  ];
  err(`Creating cluster "${name}" ...`);
  const fail = async (label, message) => {
    err(` ✗ ${label}`);
    if (!flags.retain) {
      await removeClusterObjects(name);
      await removeCluster(name);
      err(`Deleted nodes: [${nodes.map((n) => `"${n.name}"`).join(" ")}]`);
    }
    throw new CliExit(`ERROR: failed to create cluster: ${message}`, 1);
  };
  for (const [label, frac] of steps) {
    err(` • ${label}  ...`);
    const startedAt = Date.now();
    if (label.startsWith("Preparing nodes")) {
      // Real work: the cluster network and one container per node (published ports, mounts, the agent).
      try {
        const docker = await createNodeContainers(name, nodes);
        await updateCluster(name, async (c) => {
          if (c) c.docker = docker;
        });
      } catch (e) {
        if (e instanceof NodeCreateError) await fail(label, e.message);
        throw e;
      }
    }
    if (label.startsWith("Starting control-plane") && !cfg.failClusterCreate) {
      try {
        await waitForAgent(name, () => readRuntime(name));
      } catch (e) {
        if (e instanceof NodeCreateError) await fail(label, e.message);
        throw e;
      }
    }
    await rest(startedAt, T * frac);
    if (label.startsWith("Starting control-plane") && flakyOnce(name)) {
      // A transient failure (the node image's download or the engine hiccupped): the next creation succeeds.
      await fail(
        label,
        `failed to init node with kubeadm: command "docker exec --privileged ${nodes[0].name} kubeadm init --config=/kind/kubeadm.conf --skip-token-print --v=6" failed with error: exit status 1\nCommand Output: error: read tcp 127.0.0.1:41234->127.0.0.1:${port}: read: connection reset by peer`,
      );
    }
    if (cfg.failClusterCreate && label.startsWith("Starting control-plane")) {
      const cp = nodes[0].name;
      await fail(
        label,
        `failed to init node with kubeadm: command "docker exec --privileged ${cp} kubeadm init --config=/kind/kubeadm.conf --skip-token-print --v=6" failed with error: exit status 1\n` +
          `Command Output: I1121 10:00:00.000000     216 initconfiguration.go:261] loading configuration from "/kind/kubeadm.conf"\n` +
          `[init] Using Kubernetes version: v1.31.0\n[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "/etc/kubernetes/manifests"\n` +
          `[kubelet-check] The kubelet is not healthy after 4m0.000533702s\n\nUnfortunately, an error has occurred:\n\tcontext deadline exceeded\n\n` +
          `This error is likely caused by:\n\t- The kubelet is not running\n\t- The kubelet is unhealthy due to a misconfiguration of the node in some way (required cgroups disabled)\n` +
          `error execution phase wait-control-plane: could not initialize a Kubernetes cluster\nTo see the stack trace of this error execute with --v=5 or higher`,
      );
    }
    if (label.startsWith("Starting control-plane")) {
      const kcPath = kindKubeconfigPath(flags.kubeconfig);
      await mergeKindEntries(kcPath, name, `https://127.0.0.1:${port}`);
    }
    err(` ✓ ${label}`);
  }
  const now = Date.now();
  let readyAt = atSim(now, T * 0.3); // CNI/coredns settle after create unless --wait
  if (flags.wait > 0) {
    err(` • Waiting ≤ ${formatDuration(flags.wait)} for control-plane = Ready ⏳  ...`);
    await sleepSim(Math.min(flags.wait, T * 0.3));
    readyAt = Date.now();
    err(` ✓ Waiting ≤ ${formatDuration(flags.wait)} for control-plane = Ready ⏳`);
    err(` • Ready after ${formatDuration(Math.round(T * 0.3))} 💚`);
  }
  const still = await updateCluster(name, async (c) => {
    if (!c) return false;
    c.phase = "running";
    c.nodesReadyAt = readyAt;
    return true;
  });
  if (!still) throw new CliExit(`ERROR: failed to create cluster: cluster "${name}" was deleted during creation`, 1);
  err(`Set kubectl context to "kind-${name}"`);
  err(
    `You can now use your cluster with:\n\nkubectl cluster-info --context kind-${name}${flags.kubeconfig ? ` --kubeconfig ${flags.kubeconfig}` : ""}`,
  );
  err("");
  err(`Have a nice day! 👋`);
  return 0;
}

export async function deleteCluster(name, kubeconfigFlag) {
  err(`Deleting cluster "${name}" ...`);
  const c = readCluster(name);
  await removeKindEntries(kindKubeconfigPath(kubeconfigFlag), name);
  const startedAt = Date.now();
  // kind removes the node containers (SIGKILL); here that is every container, volume and network of the cluster.
  await removeClusterObjects(name);
  if (c) {
    await rest(startedAt, config().clusterDeleteSeconds ?? 1);
    await removeCluster(name);
    err(`Deleted nodes: [${c.nodes.map((n) => `"${n.name}"`).join(" ")}]`);
  }
  return 0;
}
