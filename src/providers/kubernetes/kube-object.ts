import YAML from "yaml";
import { PaddockError } from "../../errors.js";

/** A Kubernetes object as Paddock handles it: plain data, read and written with the `yaml` package. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  [field: string]: unknown;
}

export interface KubeMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  [field: string]: unknown;
}

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** `get(obj, "spec", "template", "spec")`: the nested record, or undefined. */
export function nested(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Parses a multi-document YAML text (a file's content) into objects; empty documents are skipped, `kind: List` is flattened. */
export function parseObjects(text: string, source: string): KubeObject[] {
  const documents = YAML.parseAllDocuments(text);
  const objects: KubeObject[] = [];
  documents.forEach((document, index) => {
    const problem = document.errors[0];
    if (problem) {
      throw new PaddockError(`${source}: document ${index + 1} is not valid YAML: ${problem.message.split("\n")[0]}`, {
        hint: "fix the manifest; `kubectl apply --dry-run=client -f FILE` shows the same",
      });
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined || (isRecord(value) && Object.keys(value).length === 0)) return;
    const items =
      isRecord(value) && value["kind"] === "List" && Array.isArray(value["items"])
        ? (value["items"] as unknown[])
        : [value];
    for (const item of items) objects.push(checkObject(item, `${source} (document ${index + 1})`));
  });
  return objects;
}

function checkObject(value: unknown, where: string): KubeObject {
  if (!isRecord(value))
    throw new PaddockError(`${where}: not a Kubernetes object (a mapping with apiVersion, kind, metadata.name)`);
  const missing = [
    typeof value["apiVersion"] === "string" ? undefined : "apiVersion",
    typeof value["kind"] === "string" ? undefined : "kind",
    typeof nested(value, "metadata", "name") === "string" ? undefined : "metadata.name",
  ].filter((m): m is string => m !== undefined);
  if (missing.length > 0)
    throw new PaddockError(`${where}: ${missing.join(", ")} not set`, {
      hint: "every object needs apiVersion, kind and metadata.name",
    });
  return value as KubeObject;
}

/** One multi-document YAML stream for `kubectl apply -f -`. */
export function serializeObjects(objects: readonly KubeObject[]): string {
  return objects.map((o) => YAML.stringify(o, { lineWidth: 0 })).join("---\n");
}

/** `deployment "x"`, `job "y"`, the way kubectl names objects in messages. */
export function describeObject(object: Pick<KubeObject, "kind" | "metadata">): string {
  return `${object.kind.toLowerCase()} "${object.metadata.name}"`;
}

/** Kinds that live outside namespaces (the common ones; CRDs add their own through `clusterScopedKinds`). */
export const CLUSTER_SCOPED_KINDS = new Set([
  "Namespace",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleBinding",
  "PersistentVolume",
  "StorageClass",
  "PriorityClass",
  "IngressClass",
  "RuntimeClass",
  "CSIDriver",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "APIService",
  "Node",
]);

/** A label value Kubernetes accepts (≤ 63 characters of [A-Za-z0-9-_.], alphanumeric at both ends). */
export function labelValue(text: string): string {
  return text
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}
