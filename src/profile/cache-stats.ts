import type { Profile } from "./types.js";

export interface CacheStats {
  /** Build tasks served from cache / all build tasks. */
  builds: { cached: number; total: number };
  /** All tasks served from cache / all tasks. */
  tasks: { cached: number; total: number };
  cachedIds: string[];
}

export function cacheStats(profile: Profile): CacheStats {
  const builds = profile.tasks.filter((t) => t.kind === "build");
  const cached = profile.tasks.filter((t) => t.cached);
  return {
    builds: { cached: builds.filter((t) => t.cached).length, total: builds.length },
    tasks: { cached: cached.length, total: profile.tasks.length },
    cachedIds: cached.map((t) => t.id),
  };
}

/** `1 of 3 builds cached (2 of 14 tasks)`. */
export function formatCacheStats(stats: CacheStats): string {
  return `${stats.builds.cached} of ${stats.builds.total} builds cached (${stats.tasks.cached} of ${stats.tasks.total} tasks)`;
}
