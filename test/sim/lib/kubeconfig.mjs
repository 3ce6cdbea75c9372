// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Kubeconfig files: where kind writes them, how kubectl finds and merges them.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import { simDir } from "./env.mjs";
import { withLock, writeFileAtomic } from "./lock.mjs";
import { YAML } from "./yaml.mjs";

export function defaultKubeconfigPath() {
  return path.join(process.env.HOME || os.homedir(), ".kube", "config");
}

/** kind's rule: --kubeconfig, else the first existing $KUBECONFIG entry (else its last), else ~/.kube/config. */
export function kindKubeconfigPath(explicit) {
  if (explicit) return explicit;
  const env = process.env.KUBECONFIG;
  if (env) {
    const list = env.split(path.delimiter).filter(Boolean);
    const existing = list.find((p) => fs.existsSync(p));
    if (existing) return existing;
    if (list.length) return list[list.length - 1];
  }
  return defaultKubeconfigPath();
}

/**
 * A kubeconfig file, parsed. The parse is kept in the state directory (keyed by the file's path,
 * inode, size and times), so a call that needs no other YAML never loads the yaml package.
 */
export function readKubeconfig(file) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return null;
  }
  const key = [stat.ino, stat.size, stat.mtimeMs, stat.ctimeMs].join(":");
  const cache = path.join(
    simDir(),
    "kubeconfig-cache",
    `${crypto.createHash("sha1").update(path.resolve(file)).digest("hex")}.json`,
  );
  try {
    const cached = JSON.parse(fs.readFileSync(cache, "utf8"));
    if (cached.key === key) return cached.doc;
  } catch {
    // not parsed before, or changed since
  }
  const doc = YAML.parse(fs.readFileSync(file, "utf8")) ?? {};
  writeFileAtomic(cache, JSON.stringify({ key, doc }));
  return doc;
}

function empty() {
  return {
    apiVersion: "v1",
    clusters: [],
    contexts: [],
    "current-context": "",
    kind: "Config",
    preferences: {},
    users: [],
  };
}

const b64 = (s) => Buffer.from(s).toString("base64");

export function kindKubeconfigDoc(clusterName, server) {
  const n = `kind-${clusterName}`;
  return {
    apiVersion: "v1",
    clusters: [
      {
        cluster: {
          "certificate-authority-data": b64(
            `-----BEGIN CERTIFICATE-----\nSIMULATED-CA-${clusterName}\n-----END CERTIFICATE-----\n`,
          ),
          server,
        },
        name: n,
      },
    ],
    contexts: [{ context: { cluster: n, user: n }, name: n }],
    "current-context": n,
    kind: "Config",
    preferences: {},
    users: [
      {
        name: n,
        user: {
          "client-certificate-data": b64(
            `-----BEGIN CERTIFICATE-----\nSIMULATED-CLIENT-${clusterName}\n-----END CERTIFICATE-----\n`,
          ),
          "client-key-data": b64(
            `-----BEGIN RSA PRIVATE KEY-----\nSIMULATED-KEY-${clusterName}\n-----END RSA PRIVATE KEY-----\n`,
          ),
        },
      },
    ],
  };
}

function upsert(list, entry) {
  const i = list.findIndex((e) => e.name === entry.name);
  if (i >= 0) list[i] = entry;
  else list.push(entry);
}

/** Merges the kind-<name> entries into file and sets current-context (locked like kind's <file>.lock). */
export async function mergeKindEntries(file, clusterName, server) {
  const add = kindKubeconfigDoc(clusterName, server);
  await withLock(file + ".lock", async () => {
    const doc = readKubeconfig(file) ?? empty();
    for (const k of ["clusters", "contexts", "users"]) {
      doc[k] = doc[k] ?? [];
      upsert(doc[k], add[k][0]);
    }
    doc["current-context"] = add["current-context"];
    writeFileAtomic(file, YAML.stringify(doc));
    fs.chmodSync(file, 0o600);
  });
}

export async function removeKindEntries(file, clusterName) {
  if (!fs.existsSync(file)) return;
  const n = `kind-${clusterName}`;
  await withLock(file + ".lock", async () => {
    const doc = readKubeconfig(file);
    if (!doc) return;
    for (const k of ["clusters", "contexts", "users"]) doc[k] = (doc[k] ?? []).filter((e) => e.name !== n);
    if (doc["current-context"] === n) doc["current-context"] = "";
    writeFileAtomic(file, YAML.stringify(doc));
  });
}

/**
 * kubectl's loading rules: --kubeconfig (must exist) else $KUBECONFIG list merged (first wins)
 * else ~/.kube/config. Returns { server, namespace, contextName } or throws { message }.
 */
export function resolveKubectlTarget({ kubeconfig, context }) {
  let files;
  if (kubeconfig) {
    if (!fs.existsSync(kubeconfig)) throw new Error(`stat ${kubeconfig}: no such file or directory`);
    files = [kubeconfig];
  } else if (process.env.KUBECONFIG) {
    files = process.env.KUBECONFIG.split(path.delimiter).filter(Boolean);
  } else files = [defaultKubeconfigPath()];
  const merged = { clusters: [], contexts: [], users: [], "current-context": "" };
  for (const f of files) {
    const doc = readKubeconfig(f);
    if (!doc) continue;
    for (const k of ["clusters", "contexts", "users"])
      for (const e of doc[k] ?? []) if (!merged[k].some((x) => x.name === e.name)) merged[k].push(e);
    if (!merged["current-context"] && doc["current-context"]) merged["current-context"] = doc["current-context"];
  }
  const ctxName = context || merged["current-context"];
  if (!ctxName) return { server: "http://localhost:8080", namespace: "default", contextName: "" };
  const ctx = merged.contexts.find((c) => c.name === ctxName);
  if (!ctx) {
    if (context) throw new Error(`context was not found for specified context: ${context}`);
    return { server: "http://localhost:8080", namespace: "default", contextName: "" };
  }
  const cl = merged.clusters.find((c) => c.name === ctx.context?.cluster);
  const server = cl?.cluster?.server ?? "http://localhost:8080";
  return { server, namespace: ctx.context?.namespace || "default", contextName: ctxName };
}
