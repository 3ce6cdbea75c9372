import type { ProviderName } from "../config/stack.js";
import { PaddockError } from "../errors.js";
import { dockerProvider } from "./docker/index.js";
import { kindProvider } from "./kind/index.js";
import type { ProviderEntry } from "./types.js";

/** An existing cluster plus a registry: planned (namespace per run, push instead of load), not built yet. */
const clusterProvider: ProviderEntry = {
  name: "cluster",
  capabilities: { loadsImages: true, collectsCoverage: false },
  open() {
    return Promise.reject(
      new PaddockError("the cluster provider (an existing cluster plus a registry) is not built yet", {
        hint: "use provider: kind or docker for now",
      }),
    );
  },
  garbage: {
    verbs: { done: "deleted", dryRun: "would delete" },
    find: () => Promise.resolve([]),
    remove: () => Promise.resolve(),
  },
};

/** Every provider, one entry each: the only place that knows them all. */
const PROVIDERS: Record<ProviderName, ProviderEntry> = {
  docker: dockerProvider,
  kind: kindProvider,
  cluster: clusterProvider,
};

export function providerEntry(name: ProviderName): ProviderEntry {
  return PROVIDERS[name];
}

export function providerEntries(): ProviderEntry[] {
  return Object.values(PROVIDERS);
}
