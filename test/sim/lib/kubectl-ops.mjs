// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// `kubectl logs`, `scale`, `delete`, `version`.
import { fieldPath } from "./field-owners.mjs";
import { CliExit, out, err, config, atSim, sleepMs } from "./env.mjs";
import { snapshot } from "./kubectl-world.mjs";
import { resolveTargets, collect } from "./kubectl-get.mjs";
import { updateCluster } from "./cluster-store.mjs";
import { readManifests } from "./manifests.mjs";
import { typeForObject, typeForToken, singularRef, pluralRef, objectKey } from "./resources.mjs";
import { reconcileReplicas, replacePod } from "./replicas.mjs";
import { writeCoverageOnStop } from "./coverage-writer.mjs";
import YAML from "yaml";

export const LOGS_FLAGS = {
  container: { type: "string", short: "c" },
  tail: { type: "int", default: -1 },
  follow: { type: "bool", short: "f" },
  previous: { type: "bool", short: "p" },
  timestamps: { type: "bool" },
  "all-containers": { type: "bool" },
  since: { type: "duration" },
  selector: { type: "string", short: "l" },
  prefix: { type: "bool" },
};
export const SCALE_FLAGS = { replicas: { type: "int", default: -1 }, filename: { type: "array", short: "f" }, timeout: { type: "duration" }, "current-replicas": { type: "int", default: -1 } };
export const DELETE_FLAGS = {
  filename: { type: "array", short: "f" },
  selector: { type: "string", short: "l" },
  all: { type: "bool" },
  "ignore-not-found": { type: "bool" },
  wait: { type: "bool", default: true },
  timeout: { type: "duration", default: 0 },
  "grace-period": { type: "int", default: -1 },
  now: { type: "bool" },
  force: { type: "bool" },
  recursive: { type: "bool", short: "R" },
  cascade: { type: "string", default: "background" },
};
export const VERSION_FLAGS = { client: { type: "bool" }, output: { type: "string", short: "o" } };

/** Plausible log lines of a container (pure function of pod state). */
export function containerLogLines(pod, cs) {
  const img = cs.image;
  const owner = pod.metadata.labels?.["job-name"];
  const lines = [
    `${pod.status.startTime} INFO  starting ${cs.name} (image ${img})`,
    `${pod.status.startTime} INFO  loaded configuration from environment`,
  ];
  if (cs.state.terminated?.exitCode) {
    lines.push(`${pod.status.startTime} INFO  running ${owner ?? cs.name}`);
    lines.push(`${cs.state.terminated.finishedAt} ERROR ${owner ?? cs.name} failed: simulated failure (listed in sim.json failJobs)`);
    lines.push(`Error: exit status 1`);
  } else if (cs.state.terminated) {
    lines.push(`${pod.status.startTime} INFO  running ${owner ?? cs.name}`);
    lines.push(`${cs.state.terminated.finishedAt} INFO  ${owner ?? cs.name} completed successfully`);
  } else if (cs.lastState?.terminated) {
    lines.push(`${pod.status.startTime} FATAL ${cs.name} crashed: simulated crash (listed in sim.json crashLoop)`);
  } else {
    lines.push(`${pod.status.startTime} INFO  listening on :8080`);
    if (cs.ready) lines.push(`${pod.status.startTime} INFO  ready`);
  }
  return lines;
}

export async function logsCommand(conn, flags, positional) {
  const snap = snapshot(conn.clusterName);
  if (!positional.length && !flags.selector) throw new CliExit("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples", 1);
  const podT = typeForToken(snap.types, "pods");
  let pods;
  if (flags.selector) pods = collect(snap, [{ t: podT }], conn.namespace, flags).items;
  else {
    const tok = positional[0].includes("/") ? positional[0] : `pods/${positional[0]}`;
    if (positional[1]) flags.container = flags.container ?? positional[1];
    const [{ t, name }] = resolveTargets(snap, [tok], "logs");
    const o = snap.get(t, conn.namespace, name);
    if (!o) throw new CliExit(`Error from server (NotFound): ${pluralRef(t)} "${name}" not found`, 1);
    if (t.kind === "Pod") pods = [o];
    else {
      const all = snap.list(podT, conn.namespace).filter((p) => (p.metadata.ownerReferences ?? []).some((r) => r.name === name || r.name.startsWith(`${name}-`)) && (t.kind !== "Job" || p.metadata.labels["job-name"] === name));
      if (!all.length) throw new CliExit(`error: timed out waiting for the condition`, 1);
      if (all.length > 1) err(`Found ${all.length} pods, using pod/${all[0].metadata.name}`);
      pods = [all[0]];
    }
  }
  let code = 0;
  for (const pod of pods) {
    const css = pod.status.containerStatuses ?? [];
    let chosen = css;
    if (flags.container) {
      chosen = css.filter((c) => c.name === flags.container);
      if (!chosen.length) throw new CliExit(`error: container ${flags.container} is not valid for pod ${pod.metadata.name}`, 1);
    } else if (!flags["all-containers"] && css.length > 1) {
      err(`Defaulted container "${css[0].name}" out of: ${css.map((c) => c.name).join(", ")}`);
      chosen = [css[0]];
    }
    for (const cs of chosen) {
      const w = cs.state.waiting;
      if (w && !cs.lastState) {
        const why = w.reason === "ContainerCreating" ? "ContainerCreating" : "trying and failing to pull image";
        err(`Error from server (BadRequest): container "${cs.name}" in pod "${pod.metadata.name}" is waiting to start: ${why}`);
        code = 1;
        continue;
      }
      let lines = containerLogLines(pod, cs);
      if (flags.tail >= 0) lines = lines.slice(Math.max(0, lines.length - flags.tail));
      if (flags.prefix) lines = lines.map((l) => `[pod/${pod.metadata.name}/${cs.name}] ${l}`);
      if (lines.length) out(lines.join("\n"));
    }
  }
  return code;
}

export async function scaleCommand(conn, flags, positional) {
  if (flags.replicas < 0) throw new CliExit(`error: required flag(s) "replicas" not set`, 1);
  const snap = snapshot(conn.clusterName);
  const targets = resolveTargets(snap, positional, "scale");
  let code = 0;
  await updateCluster(conn.clusterName, async (cluster, objects) => {
    const now = Date.now();
    for (const { t, name } of targets) {
      if (!["Deployment", "StatefulSet", "ReplicaSet"].includes(t.kind)) {
        err(`error: cannot scale ${t.kind}`);
        code = 1;
        continue;
      }
      const o = objects[objectKey(t, conn.namespace, name)];
      if (!o) {
        err(`Error from server (NotFound): ${pluralRef(t)} "${name}" not found`);
        code = 1;
        continue;
      }
      o.spec.replicas = flags.replicas;
      o.metadata.generation = (o.metadata.generation ?? 1) + 1;
      o._sim.owners[fieldPath(".spec.replicas")] = "kubectl-scale";
      reconcileReplicas(o, now);
      // Pods the scale-down stops get SIGTERM: their runtimes write coverage (coverage-writer.mjs).
      const podT = typeForToken(snap.types, "pods");
      for (const r of o._sim.pods ?? []) {
        const view = r.deletedAt === now ? snap.get(podT, conn.namespace, r.name) : null;
        if (view) writeCoverageOnStop(cluster, view, { kind: t.kind, namespace: conn.namespace, name });
      }
      out(`${singularRef(t)}/${name} scaled`);
    }
  });
  return code;
}

export async function deleteCommand(conn, flags, positional) {
  const snap = snapshot(conn.clusterName);
  let targets = [];
  if (flags.filename.length) {
    for (const { doc } of await readManifests(flags.filename, flags.recursive)) {
      const t = typeForObject(snap.types, doc.apiVersion, doc.kind);
      if (!t) throw new CliExit(`error: resource mapping not found for name: "${doc.metadata?.name}" namespace: "${doc.metadata?.namespace ?? ""}" from "${flags.filename[0]}": no matches for kind "${doc.kind}" in version "${doc.apiVersion}"\nensure CRDs are installed first`, 1);
      targets.push({ t, name: doc.metadata?.name, ns: doc.metadata?.namespace });
    }
  } else {
    targets = resolveTargets(snap, positional, "delete");
    if (targets.some((x) => x.name === undefined) && !flags.selector && !flags.all)
      throw new CliExit(`error: resource(s) were provided, but no name was specified`, 1);
  }
  const expanded = [];
  for (const x of targets) {
    if (x.name !== undefined) expanded.push(x);
    else for (const o of collect(snap, [x], conn.namespace, flags).items) expanded.push({ t: x.t, name: o.metadata.name });
  }
  if (!expanded.length && !flags.filename.length) {
    err(`No resources found`);
    return 0;
  }
  const term = config().podTerminateSeconds ?? 1;
  let code = 0;
  let waitUntil = 0;
  await updateCluster(conn.clusterName, async (cluster, objects) => {
    const now = Date.now();
    for (const { t, name, ns: nsOverride } of expanded) {
      const ns = t.namespaced ? nsOverride ?? conn.namespace : "";
      const key = objectKey(t, ns, name);
      const o = objects[key];
      const gone = !o || (o._sim.goneAt && o._sim.goneAt <= now);
      if (gone && t.kind === "Pod") {
        // a pod owned by a workload
        const owner = Object.values(objects).find((w) => w.metadata.namespace === ns && (w._sim.pods ?? []).some((r) => r.name === name && !r.deletedAt));
        const view = owner ? snap.get(t, ns, name) : null;
        if (view) writeCoverageOnStop(cluster, view, { kind: owner.kind, namespace: ns, name: owner.metadata.name });
        if (owner && replacePod(owner, name, now)) {
          out(`pod "${name}" deleted`);
          waitUntil = Math.max(waitUntil, atSim(now, term));
          continue;
        }
      }
      if (gone) {
        if (!flags["ignore-not-found"]) {
          err(`Error from server (NotFound): ${pluralRef(t)} "${name}" not found`);
          code = 1;
        }
        continue;
      }
      if (o._sim.deletedAt) {
        out(`${t.kind.toLowerCase()}${t.group ? "." + t.group : ""} "${name}" deleted`);
        waitUntil = Math.max(waitUntil, o._sim.goneAt);
        continue;
      }
      if (t.kind === "Namespace") {
        const until = atSim(now, 2 + term);
        o._sim.deletedAt = now;
        o._sim.goneAt = until;
        for (const x of Object.values(objects)) if (x.metadata.namespace === name) Object.assign(x._sim, { deletedAt: now, goneAt: until });
        waitUntil = Math.max(waitUntil, until);
      } else if (t.kind === "Pod") {
        const view = snap.get(t, ns, name);
        if (view) writeCoverageOnStop(cluster, view, { kind: "Pod", namespace: ns, name });
        Object.assign(o._sim, { deletedAt: now, goneAt: atSim(now, term) });
        waitUntil = Math.max(waitUntil, o._sim.goneAt);
      } else {
        if (t.kind === "CustomResourceDefinition")
          for (const [k, x] of Object.entries(objects)) if (x.kind === o.spec?.names?.kind && x.apiVersion.startsWith(o.spec?.group + "/")) delete objects[k];
        delete objects[key];
      }
      out(`${singularRef(t)} "${name}" deleted`);
    }
  });
  if (flags.wait && waitUntil > Date.now()) await sleepMs(waitUntil - Date.now());
  return code;
}

const CLIENT = {
  major: "1", minor: "31", gitVersion: "v1.31.0", gitCommit: "9edcffcde5595e8a5b1a35f88c421764e575afce", gitTreeState: "clean",
  buildDate: "2024-08-13T07:37:34Z", goVersion: "go1.22.5", compiler: "gc", platform: "linux/amd64",
};
const SERVER = { ...CLIENT, buildDate: "2024-08-13T07:28:49Z" };

export async function versionCommand(flags, connectFn) {
  const doc = { clientVersion: CLIENT, kustomizeVersion: "v5.4.2" };
  let connErr = null;
  if (!flags.client) {
    try {
      connectFn();
      doc.serverVersion = SERVER;
    } catch (e) {
      connErr = e;
    }
  }
  if (flags.output === "json") process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
  else if (flags.output === "yaml") process.stdout.write(YAML.stringify(doc));
  else if (flags.output) throw new CliExit(`error: --output must be 'yaml' or 'json'`, 1);
  else out(`Client Version: v1.31.0\nKustomize Version: v5.4.2${doc.serverVersion ? "\nServer Version: v1.31.0" : ""}`);
  if (connErr) throw connErr;
  return 0;
}
