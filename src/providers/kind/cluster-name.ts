import { createHash } from "node:crypto";

/** kind cluster names become node container names (`<name>-control-plane`) and hostnames: short, lowercase. */
export const MAX_CLUSTER_NAME = 40;
const PREFIX = "pdk";
/** Every cluster Paddock names itself starts with this; `paddock gc` looks at no other. */
export const CLUSTER_PREFIX = `${PREFIX}-`;

function sanitize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
}

function shortHash(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * The cluster's name. A run's own cluster: `pdk-<stack>-<run>` (the run id, or a hash of it when long),
 * unique per run so parallel runs never meet. With `environment.reuse: true`: `pdk-<stack>`, stable per
 * stack, so the next run finds it. `environment.kind.name` replaces the `pdk-<stack>` part.
 */
export function clusterName(options: {
  stack: string;
  runId: string;
  reuse: boolean;
  explicit: string | undefined;
}): string {
  const base = options.explicit ? sanitize(options.explicit) : `${PREFIX}-${sanitize(options.stack)}`;
  if (options.reuse) return fit(base, "");
  const run = sanitize(options.runId);
  const runPart = run.length > 0 && run.length <= 12 ? run : shortHash(options.runId, 10);
  return fit(base, runPart);
}

function fit(base: string, suffix: string): string {
  const room = MAX_CLUSTER_NAME - (suffix ? suffix.length + 1 : 0);
  let head = base.slice(0, room).replace(/-+$/, "");
  if (base.length > room) {
    // Keep truncated names distinct: the end of the name is replaced by a hash of the whole.
    const tag = shortHash(base, 6);
    head = `${base.slice(0, Math.max(1, room - tag.length - 1)).replace(/-+$/, "")}-${tag}`;
  }
  return suffix ? `${head}-${suffix}` : head;
}
