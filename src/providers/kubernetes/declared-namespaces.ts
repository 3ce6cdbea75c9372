import type { Stack } from "../../config/stack.js";

/** The namespaces a stack names: its bootstrap's and its workloads' (not `default`). */
export function declaredNamespaces(stack: Stack): string[] {
  const workloads = [...Object.values(stack.services), ...Object.values(stack.jobs)];
  return [
    ...new Set([
      ...stack.environment.bootstrap.namespaces,
      ...workloads.flatMap((w) => (w.namespace ? [w.namespace] : [])),
    ]),
  ];
}

/** `PADDOCK_NAMESPACE_<NAME>`: where a namespace the stack names is in the environment, for tests written once for every provider. */
export function namespaceVariable(name: string): string {
  return `PADDOCK_NAMESPACE_${name.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
}
