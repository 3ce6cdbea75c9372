// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Resource type registry (built-in kinds + CRDs that are Established) and name formatting.
const BUILTIN = [
  ["Namespace", "namespaces", "", "v1", false, ["ns"]],
  ["ConfigMap", "configmaps", "", "v1", true, ["cm"]],
  ["Secret", "secrets", "", "v1", true, []],
  ["Service", "services", "", "v1", true, ["svc"]],
  ["Pod", "pods", "", "v1", true, ["po"]],
  ["ServiceAccount", "serviceaccounts", "", "v1", true, ["sa"]],
  ["PersistentVolumeClaim", "persistentvolumeclaims", "", "v1", true, ["pvc"]],
  ["Endpoints", "endpoints", "", "v1", true, ["ep"]],
  ["Event", "events", "", "v1", true, ["ev"]],
  // Stored and served, not enforced: the stand-in admits every pod whatever a quota says.
  ["ResourceQuota", "resourcequotas", "", "v1", true, ["quota"]],
  ["LimitRange", "limitranges", "", "v1", true, ["limits"]],
  ["Node", "nodes", "", "v1", false, ["no"]],
  ["Deployment", "deployments", "apps", "v1", true, ["deploy"]],
  ["StatefulSet", "statefulsets", "apps", "v1", true, ["sts"]],
  ["DaemonSet", "daemonsets", "apps", "v1", true, ["ds"]],
  ["ReplicaSet", "replicasets", "apps", "v1", true, ["rs"]],
  ["Job", "jobs", "batch", "v1", true, []],
  ["CronJob", "cronjobs", "batch", "v1", true, ["cj"]],
  ["CustomResourceDefinition", "customresourcedefinitions", "apiextensions.k8s.io", "v1", false, ["crd", "crds"]],
  ["Role", "roles", "rbac.authorization.k8s.io", "v1", true, []],
  ["RoleBinding", "rolebindings", "rbac.authorization.k8s.io", "v1", true, []],
  ["ClusterRole", "clusterroles", "rbac.authorization.k8s.io", "v1", false, []],
  ["ClusterRoleBinding", "clusterrolebindings", "rbac.authorization.k8s.io", "v1", false, []],
  ["Ingress", "ingresses", "networking.k8s.io", "v1", true, ["ing"]],
  ["NetworkPolicy", "networkpolicies", "networking.k8s.io", "v1", true, ["netpol"]],
  ["PodDisruptionBudget", "poddisruptionbudgets", "policy", "v1", true, ["pdb"]],
  ["StorageClass", "storageclasses", "storage.k8s.io", "v1", false, ["sc"]],
  ["HorizontalPodAutoscaler", "horizontalpodautoscalers", "autoscaling", "v2", true, ["hpa"]],
].map(([kind, plural, group, version, namespaced, short]) => ({
  kind,
  plural,
  group,
  versions: [version],
  namespaced,
  short,
}));

/** Types known to the API server: built-ins plus CRDs that were Established before `at` (epoch ms). */
export function typeRegistry(crds, isEstablished) {
  const types = [...BUILTIN];
  for (const crd of crds) {
    if (!isEstablished(crd)) continue;
    const s = crd.spec ?? {};
    const n = s.names ?? {};
    types.push({
      kind: n.kind,
      plural: n.plural,
      group: s.group,
      versions: (s.versions ?? []).filter((v) => v.served !== false).map((v) => v.name),
      namespaced: s.scope !== "Cluster",
      short: n.shortNames ?? [],
      singular: n.singular,
      custom: true,
    });
  }
  return types;
}

export function apiGroupOf(apiVersion) {
  return apiVersion?.includes("/") ? apiVersion.split("/")[0] : "";
}
export function versionOf(apiVersion) {
  return apiVersion?.includes("/") ? apiVersion.split("/")[1] : apiVersion;
}

/** Finds the type for an object's apiVersion+kind, or null (→ "no matches for kind"). */
export function typeForObject(types, apiVersion, kind) {
  const g = apiGroupOf(apiVersion);
  const v = versionOf(apiVersion);
  return types.find((t) => t.kind === kind && t.group === g && t.versions.includes(v)) ?? null;
}

/** Resolves a user-typed resource token ("deploy", "deployments.apps", "crd", "Job") or null. */
export function typeForToken(types, token) {
  const lower = token.toLowerCase();
  const [head, ...rest] = lower.split(".");
  const group = rest.join(".");
  return (
    types.find((t) => {
      if (group && t.group !== group) return false;
      const singular = t.singular ?? t.kind.toLowerCase();
      return head === t.plural || head === singular || head === t.kind.toLowerCase() || t.short.includes(head);
    }) ?? null
  );
}

/** "deployment.apps" — as in "deployment.apps/x serverside-applied". */
export function singularRef(t) {
  const s = t.kind.toLowerCase();
  return t.group ? `${s}.${t.group}` : s;
}
/** "deployments.apps" — as in `deployments.apps "x" not found`. */
export function pluralRef(t) {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

export function objectKey(t, namespace, name) {
  return `${t.group}/${t.kind}/${t.namespaced ? namespace : ""}/${name}`;
}

export const SYSTEM_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system", "local-path-storage"];
