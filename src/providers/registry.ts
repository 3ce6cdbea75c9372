import type { ProviderName } from "../config/stack.js";
import { clusterProvider } from "./cluster/index.js";
import { dockerProvider } from "./docker/index.js";
import { kindProvider } from "./kind/index.js";
import type { ProviderEntry } from "./types.js";

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
