import type { Profile } from "./types.js";

export interface CacheStats {
  /** Build tasks served from cache (here or from the cache registry) / all build tasks. */
  builds: { cached: number; total: number; fromRegistry: number };
  /** All tasks served from cache / all tasks. */
  tasks: { cached: number; total: number };
  cachedIds: string[];
}

export function cacheStats(profile: Profile): CacheStats {
  const builds = profile.tasks.filter((t) => t.kind === "build");
  const cached = profile.tasks.filter((t) => t.cached);
  return {
    builds: {
      cached: builds.filter((t) => t.cached).length,
      total: builds.length,
      fromRegistry: builds.filter((t) => t.cached === "registry").length,
    },
    tasks: { cached: cached.length, total: profile.tasks.length },
    cachedIds: cached.map((t) => t.id),
  };
}

/** `1 of 3 builds cached (2 of 14 tasks)`; with a cache registry: `5 of 8 builds cached (2 here, 3 from the registry; 3 built) (5 of 17 tasks)`. */
export function formatCacheStats(stats: CacheStats): string {
  const { cached, total, fromRegistry } = stats.builds;
  const split =
    fromRegistry > 0
      ? ` (${cached - fromRegistry} here, ${fromRegistry} from the registry; ${total - cached} built)`
      : "";
  return `${cached} of ${total} builds cached${split} (${stats.tasks.cached} of ${stats.tasks.total} tasks)`;
}
