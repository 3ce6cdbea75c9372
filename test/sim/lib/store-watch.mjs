// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// How kubectl's waits learn that the cluster changed. A real kubectl holds a watch open and sleeps
// until the API server sends an event; here the store's files are the API server, so a wait sleeps
// until inotify reports a write in the cluster's folder (the agent's atomic renames of runtime.json,
// kubectl's of objects.json), with a timer as the fallback where no event comes. Waiting this way
// costs next to no CPU between changes, as a watch does, where a tight poll would parse both files each time.
import { watch } from "node:fs";
import path from "node:path";
import { clustersDir } from "./cluster-store.mjs";

/** Longest sleep without an event: the agent's heartbeat rewrites runtime.json every second anyway. */
const FALLBACK_MS = 250;
const STORE_FILES = new Set(["runtime.json", "objects.json", "cluster.json"]);

/**
 * Starts watching before the caller's first read, so that a change between a read and the next
 * `changed()` is never lost: it makes that call return at once.
 */
export function watchCluster(clusterName) {
  let dirty = false;
  let wake = null;
  try {
    const watcher = watch(path.join(clustersDir(), clusterName), { persistent: false }, (_event, file) => {
      // The renames that publish a file, not the temporary files written before them.
      if (!STORE_FILES.has(String(file ?? ""))) return;
      dirty = true;
      wake?.();
    });
    watcher.on("error", () => undefined);
  } catch {
    // no inotify here: the fallback timer alone paces the wait
  }
  return {
    /** Resolves when the cluster's files changed since the last call, or after at most `maxMs`. */
    async changed(maxMs) {
      if (dirty) {
        dirty = false;
        return;
      }
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, Math.min(maxMs, FALLBACK_MS)));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
      dirty = false;
    },
  };
}
