import type { Stack } from "../../config/stack.js";
import type { ProviderContext } from "../types.js";
import { bootstrapBatches } from "./bootstrap-batches.js";
import type { Kubectl } from "./kubectl.js";

/**
 * `environment.bootstrap` in as few API calls as possible: namespaces and CRDs in one
 * server-side apply, one `kubectl wait` until the CRDs are Established, then every other
 * object in one apply. Returns the kinds of cluster-scoped custom resources (never namespaced).
 */
export async function applyBootstrap(kubectl: Kubectl, stack: Stack, ctx: ProviderContext): Promise<Set<string>> {
  const batches = await bootstrapBatches(stack);
  await kubectl.apply(batches.definitions, "namespaces and CRDs", ctx.signal);
  if (batches.crdNames.length > 0) {
    await kubectl.run(
      [
        "wait",
        "--for=condition=Established",
        ...batches.crdNames.map((n) => `crd/${n}`),
        `--timeout=${Math.ceil(stack.environment.timeoutSeconds)}s`,
      ],
      {
        signal: ctx.signal,
        describeFailure: () => ({
          summary: `CRDs not Established: ${batches.crdNames.join(", ")}`,
          hint: "check the CRDs' names and schemas (kubectl get crd -o yaml shows their conditions)",
        }),
      },
    );
  }
  await kubectl.apply(batches.objects, "bootstrap manifests", ctx.signal);
  const namespaces = batches.definitions.length - batches.crdNames.length;
  ctx.log(
    `bootstrap: ${namespaces} namespaces and ${batches.crdNames.length} CRDs in one apply, then ${batches.objects.length} objects in one apply`,
  );
  return batches.clusterScopedKinds;
}
