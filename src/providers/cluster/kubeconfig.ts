import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import type { ClusterSpec, Stack } from "../../config/stack.js";
import { PaddockError } from "../../errors.js";
import { isRecord, type Json } from "../kubernetes/kube-object.js";

/** The kubeconfig files a cluster stack reads: its own, else $KUBECONFIG's (a path list), else ~/.kube/config. */
export function kubeconfigFiles(spec: ClusterSpec): string[] {
  if (spec.kubeconfig) return [spec.kubeconfig];
  const fromEnv = (process.env["KUBECONFIG"] ?? "").split(path.delimiter).filter(Boolean);
  return fromEnv.length > 0 ? fromEnv : [path.join(os.homedir(), ".kube", "config")];
}

interface Named {
  name: string;
  [field: string]: unknown;
}

/** The contexts, clusters and users of the files, merged as kubectl merges them (the first file that names one wins). */
function readKubeconfigs(files: readonly string[]): { contexts: Named[]; clusters: Named[]; users: Named[] } {
  const merged = { contexts: [] as Named[], clusters: [] as Named[], users: [] as Named[] };
  for (const file of files.filter((f) => existsSync(f))) {
    let doc: unknown;
    try {
      doc = YAML.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new PaddockError(`kubeconfig ${file} is not valid YAML: ${(error as Error).message.split("\n")[0]}`, {
        hint: "fix the file, or point environment.cluster.kubeconfig at another",
      });
    }
    if (!isRecord(doc)) continue;
    for (const key of ["contexts", "clusters", "users"] as const) {
      const entries = Array.isArray(doc[key]) ? (doc[key] as unknown[]).filter(isRecord) : [];
      for (const entry of entries)
        if (typeof entry["name"] === "string" && !merged[key].some((e) => e.name === entry["name"]))
          merged[key].push(entry as Named);
    }
  }
  return merged;
}

/**
 * Refuses, before any command reaches a cluster, a context the stack does not allow or the
 * kubeconfig does not have: a typo must never deploy a test stack into another cluster.
 */
export function checkAllowedContext(stack: Stack): void {
  const spec = stack.environment.cluster;
  if (!spec) return;
  const files = kubeconfigFiles(spec);
  if (!spec.allowContexts.includes(spec.context))
    throw new PaddockError(
      `${stack.file}: environment.cluster.context: "${spec.context}" is not in environment.cluster.allowContexts (${spec.allowContexts.map((c) => `"${c}"`).join(", ")}); nothing was sent to any cluster`,
      {
        hint: `if "${spec.context}" is the shared test cluster, add it to allowContexts; otherwise correct the context`,
      },
    );
  const { contexts } = readKubeconfigs(files);
  if (!contexts.some((c) => c.name === spec.context))
    throw new PaddockError(
      `${stack.file}: environment.cluster.context: the kubeconfig (${files.join(", ")}) has no context "${spec.context}"${contexts.length > 0 ? `; it has ${contexts.map((c) => `"${c.name}"`).join(", ")}` : ""}`,
      { hint: "correct the context, or point environment.cluster.kubeconfig (or $KUBECONFIG) at the file that has it" },
    );
}

/**
 * A kubeconfig with the run's context alone, its namespace set to the run's: what the run's own
 * kubectl calls and the tests use (`KUBECONFIG`), private to the user (mode 0600).
 */
export async function writeRunKubeconfig(spec: ClusterSpec, namespace: string, file: string): Promise<void> {
  const { contexts, clusters, users } = readKubeconfigs(kubeconfigFiles(spec));
  const context = contexts.find((c) => c.name === spec.context);
  const inner: Json = context && isRecord(context["context"]) ? context["context"] : {};
  const cluster = clusters.find((c) => c.name === inner["cluster"]);
  const user = users.find((u) => u.name === inner["user"]);
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    "current-context": spec.context,
    contexts: [{ name: spec.context, context: { ...inner, namespace } }],
    clusters: cluster ? [cluster] : [],
    users: user ? [user] : [],
  };
  await writeFile(file, YAML.stringify(doc), { mode: 0o600 });
}
