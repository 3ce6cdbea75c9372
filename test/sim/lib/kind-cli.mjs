// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// kind entry point: cobra-style dispatch, `get`, `export`, `version`.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { YAML } from "./yaml.mjs";
import { CliExit, out, err } from "./env.mjs";
import { parseFlags, splitCommandWords, FlagError } from "./flags.mjs";
import { listClusterNames, readCluster, readObjects } from "./cluster-store.mjs";
import { kindKubeconfigDoc, kindKubeconfigPath, mergeKindEntries } from "./kubeconfig.mjs";
import { createCluster, deleteCluster } from "./kind-create.mjs";
import { loadDockerImage, loadImageArchive } from "./kind-load.mjs";
import { buildSnapshot } from "./kubectl-world.mjs";
import { readRuntime } from "./runtime-store.mjs";
import { typeForToken } from "./resources.mjs";
import { containerLogText } from "./kubectl-ops.mjs";

const GLOBAL = {
  verbosity: { type: "int", short: "v", default: 0 },
  quiet: { type: "bool", short: "q" },
  loglevel: { type: "string" },
  help: { type: "bool", short: "h" },
};
const NAME = { name: { type: "string", short: "n", default: "kind" } };
const COMMANDS = {
  version: {},
  "create cluster": {
    ...NAME,
    config: { type: "string" },
    image: { type: "string" },
    kubeconfig: { type: "string" },
    wait: { type: "duration", default: 0 },
    retain: { type: "bool" },
  },
  "delete cluster": { ...NAME, kubeconfig: { type: "string" } },
  "delete clusters": { all: { type: "bool", short: "A" }, kubeconfig: { type: "string" } },
  "get clusters": {},
  "get nodes": { ...NAME, "all-clusters": { type: "bool", short: "A" } },
  "get kubeconfig": { ...NAME, internal: { type: "bool" } },
  "export kubeconfig": { ...NAME, kubeconfig: { type: "string" }, internal: { type: "bool" } },
  "export logs": NAME,
  "load docker-image": { ...NAME, nodes: { type: "array", commaSplit: true } },
  "load image-archive": { ...NAME, nodes: { type: "array", commaSplit: true } },
};
const GROUPS = new Set(["create", "delete", "get", "export", "load"]);

function requireCP(name) {
  const c = readCluster(name);
  if (!c)
    throw new CliExit(
      `ERROR: could not locate any control plane nodes for cluster named '${name}'. Use the --name option to select a different cluster`,
      1,
    );
  return c;
}

async function exportLogs(name, dir) {
  const c = readCluster(name);
  if (!c) throw new CliExit(`ERROR: unknown cluster "${name}"`, 1);
  dir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), String(Math.floor(Math.random() * 1e9))));
  err(`Exporting logs for cluster "${name}" to:`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "kind-version.txt"), "kind v0.24.0 go1.22.6 linux/amd64\n");
  fs.writeFileSync(
    path.join(dir, "docker-info.txt"),
    "paddock-sim: node, pod and Service containers on the local Docker engine (labelled dev.paddock.sim.cluster)\n",
  );
  const snap = c.phase === "running" ? buildSnapshot(c, readObjects(name), Date.now(), readRuntime(name)) : null;
  const pods = snap ? snap.list(typeForToken(snap.types, "pods"), undefined) : [];
  for (const n of c.nodes) {
    const nd = path.join(dir, n.name);
    fs.mkdirSync(nd, { recursive: true });
    if (n.role === "external-load-balancer") continue;
    fs.writeFileSync(path.join(nd, "kubernetes-version.txt"), "v1.31.0\n");
    fs.writeFileSync(
      path.join(nd, "kubelet.log"),
      `-- simulated journal for ${n.name} --\nkubelet[210]: I1121 Started kubelet\nkubelet[210]: I1121 "Successfully registered node" node="${n.name}"\n`,
    );
    fs.writeFileSync(
      path.join(nd, "containerd.log"),
      `-- simulated journal for ${n.name} --\ncontainerd[101]: level=info msg="containerd successfully booted"\n` +
        Object.values(c.images?.[n.name] ?? {})
          .map((i) => `containerd[101]: level=info msg="ImageCreate event name:\\"${i.ref}\\" id:\\"${i.id}\\""\n`)
          .join(""),
    );
    fs.writeFileSync(
      path.join(nd, "images.log"),
      Object.entries(c.images?.[n.name] ?? {})
        .map(([r, i]) => `${r}\t${i.id}`)
        .join("\n") + "\n",
    );
    for (const p of pods.filter((x) => x.spec.nodeName === n.name)) {
      for (const cs of p.status.containerStatuses ?? []) {
        const cd = path.join(nd, "pods", `${p.metadata.namespace}_${p.metadata.name}_${p.metadata.uid}`, cs.name);
        fs.mkdirSync(cd, { recursive: true });
        const text = (await containerLogText(snap, p, cs.name, { timestamps: true })) ?? "";
        const lines = text
          .split("\n")
          .filter(Boolean)
          .map((l) => l.replace(/^(\S+) /, "$1 stdout F "));
        fs.writeFileSync(path.join(cd, `${cs.restartCount ?? 0}.log`), lines.map((l) => `${l}\n`).join(""));
      }
    }
  }
  out(dir);
  return 0;
}

export async function kindMain(args) {
  const valueFlags = new Set([
    "name",
    "n",
    "config",
    "image",
    "kubeconfig",
    "wait",
    "nodes",
    "verbosity",
    "v",
    "loglevel",
  ]);
  const { words, rest } = splitCommandWords(args, valueFlags, 2);
  if (!words.length) {
    process.stdout.write(
      "kind creates and manages local Kubernetes clusters using Docker container 'nodes' (paddock-sim TEST SIMULATOR)\n",
    );
    return 0;
  }
  let key = words[0];
  if (GROUPS.has(words[0])) {
    if (!words[1]) throw new CliExit(`ERROR: subcommand is required`, 1);
    key = `${words[0]} ${words[1]}`;
    if (!COMMANDS[key]) throw new CliExit(`ERROR: unknown command "${words[1]}" for "kind ${words[0]}"`, 1);
  } else if (!COMMANDS[key]) throw new CliExit(`ERROR: unknown command "${words[0]}" for "kind"`, 1);
  else if (words[1]) rest.unshift(words[1]);
  let parsed;
  try {
    parsed = parseFlags(rest, { ...GLOBAL, ...COMMANDS[key] });
  } catch (e) {
    if (e instanceof FlagError) throw new CliExit(`ERROR: ${e.message}`, 1);
    throw e;
  }
  const { flags, positional, set } = parsed;
  if (flags.help) {
    process.stdout.write(`Usage:\n  kind ${key} [flags]\n(paddock-sim TEST SIMULATOR)\n`);
    return 0;
  }
  const noArgs = () => {
    if (positional.length) throw new CliExit(`ERROR: unknown command "${positional[0]}" for "kind ${key}"`, 1);
  };
  switch (key) {
    case "version":
      noArgs();
      out("kind v0.24.0 go1.22.6 linux/amd64");
      return 0;
    case "create cluster":
      noArgs();
      return createCluster(flags, set);
    case "delete cluster":
      noArgs();
      return deleteCluster(flags.name, flags.kubeconfig);
    case "delete clusters": {
      const names = flags.all ? listClusterNames() : positional;
      for (const n of names) await deleteCluster(n, flags.kubeconfig);
      err(`Deleted clusters: [${names.map((n) => `"${n}"`).join(" ")}]`);
      return 0;
    }
    case "get clusters": {
      noArgs();
      const names = listClusterNames();
      if (!names.length) err("No kind clusters found.");
      else out(names.join("\n"));
      return 0;
    }
    case "get nodes": {
      noArgs();
      const clusters = flags["all-clusters"] ? listClusterNames() : [flags.name];
      const nodes = clusters.flatMap((n) => readCluster(n)?.nodes.map((x) => x.name) ?? []);
      if (!nodes.length)
        err(
          flags["all-clusters"] ? "No kind nodes for any cluster." : `No kind nodes found for cluster "${flags.name}".`,
        );
      else out(nodes.join("\n"));
      return 0;
    }
    case "get kubeconfig": {
      noArgs();
      const c = requireCP(flags.name);
      const server = flags.internal ? `https://${flags.name}-control-plane:6443` : `https://127.0.0.1:${c.port}`;
      process.stdout.write(YAML.stringify(kindKubeconfigDoc(flags.name, server)));
      return 0;
    }
    case "export kubeconfig": {
      noArgs();
      const c = requireCP(flags.name);
      const server = flags.internal ? `https://${flags.name}-control-plane:6443` : `https://127.0.0.1:${c.port}`;
      await mergeKindEntries(kindKubeconfigPath(flags.kubeconfig), flags.name, server);
      err(`Set kubectl context to "kind-${flags.name}"`);
      return 0;
    }
    case "export logs":
      if (positional.length > 1) throw new CliExit(`ERROR: accepts at most 1 arg(s), received ${positional.length}`, 1);
      return await exportLogs(flags.name, positional[0]);
    case "load docker-image":
      return loadDockerImage(flags, positional);
    case "load image-archive":
      return loadImageArchive(flags, positional);
  }
  return 0;
}
