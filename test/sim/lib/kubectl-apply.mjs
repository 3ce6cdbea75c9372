// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// `kubectl apply` (client-side and --server-side) and `kubectl create -f`.
import { CliExit, out, err } from "./env.mjs";
import { updateCluster } from "./cluster-store.mjs";
import { readManifests } from "./manifests.mjs";
import { typeForObject, singularRef, pluralRef, objectKey, SYSTEM_NAMESPACES } from "./resources.mjs";
import { buildSnapshot, isGone } from "./kubectl-world.mjs";
import { readRuntime } from "./runtime-store.mjs";
import { validateObject } from "./validation/validate.mjs";
import { leafPaths, conflicts, conflictMessage, fieldPath, setAt, same } from "./field-owners.mjs";
import { uid } from "./names.mjs";
import { iso } from "./workloads.mjs";

export const APPLY_FLAGS = {
  filename: { type: "array", short: "f" },
  recursive: { type: "bool", short: "R" },
  "server-side": { type: "bool" },
  "force-conflicts": { type: "bool" },
  "field-manager": { type: "string" },
  "dry-run": { type: "string" },
  validate: { type: "string", default: "strict" },
  output: { type: "string", short: "o" },
  overwrite: { type: "bool", default: true },
  wait: { type: "bool" },
  timeout: { type: "duration" },
};
export const CREATE_FLAGS = {
  filename: { type: "array", short: "f" },
  recursive: { type: "bool", short: "R" },
  "field-manager": { type: "string" },
  "dry-run": { type: "string" },
  validate: { type: "string", default: "strict" },
  output: { type: "string", short: "o" },
  "save-config": { type: "bool" },
};

const SPECLESS = new Set(["ConfigMap", "Secret", "Namespace", "ServiceAccount", "CustomResourceDefinition"]);

function validateService(o, objects, key) {
  if (o.kind !== "Service") return null;
  const type = o.spec?.type ?? "ClusterIP";
  const used = new Set();
  for (const [k, x] of Object.entries(objects))
    if (x.kind === "Service" && k !== key) for (const p of x.spec?.ports ?? []) if (p.nodePort) used.add(p.nodePort);
  for (const [i, p] of (o.spec?.ports ?? []).entries()) {
    if (p.nodePort !== undefined) {
      if (type !== "NodePort" && type !== "LoadBalancer")
        return `spec.ports[${i}].nodePort: Forbidden: may not be used when \`type\` is '${type}'`;
      if (p.nodePort < 30000 || p.nodePort > 32767)
        return `spec.ports[${i}].nodePort: Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is 30000-32767`;
      if (used.has(p.nodePort))
        return `spec.ports[${i}].nodePort: Invalid value: ${p.nodePort}: provided port is already allocated`;
    }
  }
  return null;
}

function allocateService(o, objects) {
  if (o.kind !== "Service") return;
  o.spec = o.spec ?? {};
  o.spec.type = o.spec.type ?? "ClusterIP";
  if (!o.spec.clusterIP) {
    const n = Object.keys(objects).length + 10;
    o.spec.clusterIP = `10.96.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
    o.spec.clusterIPs = [o.spec.clusterIP];
  }
  if (o.spec.type === "NodePort" || o.spec.type === "LoadBalancer") {
    const used = new Set(
      Object.values(objects).flatMap((x) => (x.kind === "Service" ? (x.spec?.ports ?? []).map((p) => p.nodePort) : [])),
    );
    for (const p of o.spec.ports ?? []) {
      if (!p.nodePort) {
        let np = 30000 + (parseInt(uid(o.metadata.name).slice(0, 4), 16) % 2768);
        while (used.has(np)) np = np === 32767 ? 30000 : np + 1;
        p.nodePort = np;
        used.add(np);
      }
      p.protocol = p.protocol ?? "TCP";
      p.targetPort = p.targetPort ?? p.port;
    }
  }
}

/** mode: "apply" | "create". Returns exit code. */
export async function applyCommand(conn, flags, mode) {
  if (!flags.filename.length)
    throw new CliExit(
      mode === "apply" ? "error: must specify one of -f and -k" : "error: must specify one of -f and -k",
      1,
    );
  const ssa = mode === "apply" && flags["server-side"];
  if (flags["force-conflicts"] && !ssa) throw new CliExit("error: --force-conflicts only works with --server-side", 1);
  const dry = flags["dry-run"] && flags["dry-run"] !== "none" ? flags["dry-run"] : null;
  if (dry && !["client", "server"].includes(dry))
    throw new CliExit(`error: Invalid dry-run value (${dry}). Must be "none", "server", or "client".`, 1);
  const docs = await readManifests(flags.filename, flags.recursive);
  const manager =
    flags["field-manager"] ?? (mode === "create" ? "kubectl-create" : ssa ? "kubectl" : "kubectl-client-side-apply");
  const errors = [];
  await updateCluster(conn.clusterName, async (cluster, objects) => {
    const now = Date.now();
    const rt = readRuntime(conn.clusterName);
    for (const [k, o] of Object.entries(objects)) if (isGone(o, objects, rt, now)) delete objects[k];
    const snap = buildSnapshot(cluster, objects, now, rt);
    for (const { source, doc } of docs) {
      const missing = [];
      if (!doc.apiVersion) missing.push("apiVersion not set");
      if (!doc.kind) missing.push("kind not set");
      if (missing.length) {
        errors.push(
          `error: error validating "${source}": error validating data: [${missing.join(", ")}]; if you choose to ignore these errors, turn validation off with --validate=false`,
        );
        continue;
      }
      const t = typeForObject(snap.types, doc.apiVersion, doc.kind);
      const name = doc.metadata?.name;
      if (!t) {
        errors.push(
          `error: resource mapping not found for name: "${name ?? ""}" namespace: "${doc.metadata?.namespace ?? ""}" from "${source}": no matches for kind "${doc.kind}" in version "${doc.apiVersion}"\nensure CRDs are installed first`,
        );
        continue;
      }
      let ns = "";
      if (t.namespaced) {
        const objNs = doc.metadata?.namespace;
        if (objNs && conn.explicitNamespace && objNs !== conn.namespace) {
          errors.push(
            `error: the namespace from the provided object "${objNs}" does not match the namespace "${conn.namespace}". You must pass '--namespace=${objNs}' to perform this operation.`,
          );
          continue;
        }
        ns = objNs || conn.namespace;
      }
      const srcErr = (verb, msg) =>
        ssa
          ? msg
          : msg.replace(/^Error from server \(([^)]*)\): /, `Error from server ($1): error when ${verb} "${source}": `);
      if (!name) {
        errors.push(
          `error: error when retrieving current configuration of:\nResource: "${t.group ? t.group + "/" : ""}${t.versions[0]}, Resource=${t.plural}", GroupVersionKind: "${doc.apiVersion}, Kind=${doc.kind}"\nName: "", Namespace: "${ns}"\nfrom server for: "${source}": resource name may not be empty`,
        );
        continue;
      }
      if (t.namespaced) {
        const nsObj = objects[`/Namespace//${ns}`];
        const live = !!nsObj;
        const phase = live
          ? nsObj._sim.deletedAt
            ? "Terminating"
            : "Active"
          : SYSTEM_NAMESPACES.includes(ns)
            ? "Active"
            : null;
        if (!phase) {
          errors.push(srcErr("creating", `Error from server (NotFound): namespaces "${ns}" not found`));
          continue;
        }
        if (phase === "Terminating") {
          errors.push(
            srcErr(
              "creating",
              `Error from server (Forbidden): ${pluralRef(t)} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
            ),
          );
          continue;
        }
      }
      const key = objectKey(t, ns, name);
      const existing = objects[key];
      const ref = `${singularRef(t)}/${name}`;
      const suffixDry = dry ? ` (${dry} dry run)` : "";
      const rejected = await validateObject(doc, t, { ssa, mode, source, namespace: ns, objects });
      if (rejected) {
        errors.push(rejected);
        continue;
      }
      const invalid = validateService(doc, objects, key);
      if (invalid) {
        errors.push(`The ${doc.kind} "${name}" is invalid: ${invalid}`);
        continue;
      }
      if (existing?._sim.deletedAt) {
        errors.push(
          srcErr(
            "creating",
            `Error from server (Conflict): Operation cannot be fulfilled on ${pluralRef(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          ),
        );
        continue;
      }
      if (mode === "create" && existing) {
        errors.push(
          `Error from server (AlreadyExists): error when creating "${source}": ${pluralRef(t)} "${name}" already exists`,
        );
        continue;
      }
      const body = structuredClone(doc);
      delete body.status;
      body.metadata = { ...(body.metadata ?? {}), name, ...(t.namespaced ? { namespace: ns } : {}) };
      if (!existing) {
        if (dry) {
          out(`${ref} ${ssa ? "serverside-applied" : "created"}${suffixDry}`);
          continue;
        }
        const o = {
          ...body,
          metadata: {
            ...body.metadata,
            uid: uid(key),
            resourceVersion: String(now % 1e7),
            generation: 1,
            creationTimestamp: iso(now),
          },
          _sim: { createdAt: now, owners: {} },
        };
        if (o.kind === "Namespace")
          o.metadata.labels = { ...(o.metadata.labels ?? {}), "kubernetes.io/metadata.name": name };
        for (const p of leafPaths(doc).keys()) o._sim.owners[p] = manager;
        allocateService(o, objects);
        objects[key] = o;
        out(`${ref} ${ssa ? "serverside-applied" : "created"}`);
        continue;
      }
      // update of an existing object
      if (ssa) {
        const cs = conflicts(existing._sim.owners ?? {}, existing, doc, manager);
        if (cs.length && !flags["force-conflicts"]) {
          errors.push(conflictMessage(cs, doc.apiVersion));
          continue;
        }
      }
      if (existing.kind === "Job" && !same(existing.spec?.template, body.spec?.template) && body.spec?.template) {
        errors.push(
          srcErr(
            "applying patch",
            `The Job "${name}" is invalid: spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable`,
          ),
        );
        continue;
      }
      const before = JSON.stringify({ ...existing, _sim: undefined, metadata: undefined });
      const next = structuredClone(existing);
      const mine = Object.entries(next._sim.owners ?? {}).filter(([, m]) => m !== manager).length === 0;
      if (mine) {
        for (const k of Object.keys(next))
          if (!["apiVersion", "kind", "metadata", "_sim", "status"].includes(k)) delete next[k];
      }
      for (const [p, v] of leafPaths(body))
        if (
          !p.startsWith(fieldPath(".metadata.")) ||
          p.startsWith(fieldPath(".metadata.labels")) ||
          p.startsWith(fieldPath(".metadata.annotations"))
        )
          setAt(next, p, v);
      for (const p of leafPaths(doc).keys()) next._sim.owners[p] = manager;
      if (next.kind === "Service") {
        next.spec.clusterIP = existing.spec?.clusterIP;
        next.spec.clusterIPs = existing.spec?.clusterIPs;
        allocateService(next, objects);
      }
      const after = JSON.stringify({ ...next, _sim: undefined, metadata: undefined });
      const changed = before !== after;
      if (changed && !SPECLESS.has(next.kind)) next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
      if (changed) next.metadata.resourceVersion = String(now % 1e7);
      if (!dry) {
        objects[key] = next;
      }
      out(`${ref} ${ssa ? "serverside-applied" : changed ? "configured" : "unchanged"}${suffixDry}`);
    }
  });
  for (const e of errors) err(e);
  return errors.length ? 1 : 0;
}
