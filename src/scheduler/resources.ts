import os from "node:os";
import type { Stack } from "../config/stack.js";
import type { ResourceLimits } from "../plan/types.js";

/**
 * Default slots. Builds are CPU- and memory-hungry (the seeds' parallel builds crashed Podman
 * and ran out of memory): one per core, at most one per 2 GiB of memory, at most 4. Pulls from
 * the cache registry move and unpack layers rather than compile: 4 at once, beside the builds.
 */
export function defaultResourceLimits(cpus = os.availableParallelism(), memoryBytes = os.totalmem()): ResourceLimits {
  const byMemory = Math.floor(memoryBytes / (2 * 1024 ** 3));
  return { build: Math.max(1, Math.min(cpus, byMemory, 4)), load: 2, api: 4, pull: 4 };
}

export function resourceLimits(stack: Stack, overrides: Partial<ResourceLimits> = {}): ResourceLimits {
  const defaults = defaultResourceLimits();
  return {
    build: overrides.build ?? stack.resources.buildSlots ?? defaults.build,
    load: overrides.load ?? stack.resources.loadSlots ?? defaults.load,
    api: overrides.api ?? stack.resources.apiSlots ?? defaults.api,
    pull: overrides.pull ?? defaults.pull,
  };
}
