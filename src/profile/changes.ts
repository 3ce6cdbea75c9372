import type { Profile } from "./types.js";

/** What an update in place did to each workload: from the deploy and job tasks' `change`. */
export interface ChangeSummary {
  created: string[];
  updated: string[];
  unchanged: string[];
}

/** Undefined for a run that made its environment; else the workloads by what happened to them. */
export function workloadChanges(profile: Profile): ChangeSummary | undefined {
  const create = profile.tasks.find((t) => t.id === "env:create" || t.id.endsWith("/env:create"));
  // env:create says "created" for a new environment; "unchanged" or "updated" (it removed workloads) when it attached.
  if (create?.change === undefined || create.change === "created") return undefined;
  const summary: ChangeSummary = { created: [], updated: [], unchanged: [] };
  for (const task of profile.tasks.filter((t) => (t.kind === "deploy" || t.kind === "job") && t.change)) {
    summary[task.change!].push(task.id.replace(/^(.*\/)?(deploy|job):/, "$1"));
  }
  return summary;
}

/** "Nothing changed: …" or "Updated in place: replaced api; ran again migrate; 3 unchanged". */
export function formatChanges(profile: Profile): string | undefined {
  const changes = workloadChanges(profile);
  if (!changes) return undefined;
  const { created, updated, unchanged } = changes;
  const failed = profile.state !== "succeeded";
  if (created.length + updated.length === 0 && !failed) {
    return `Nothing changed: the running environment was left as it was (${unchanged.length} workload${unchanged.length === 1 ? "" : "s"} unchanged)`;
  }
  const parts = [
    updated.length > 0 ? `updated ${updated.join(", ")}` : "",
    created.length > 0 ? `created ${created.join(", ")}` : "",
    unchanged.length > 0 ? `${unchanged.length} unchanged (${unchanged.join(", ")})` : "",
  ].filter(Boolean);
  if (failed) return `Before the update stopped: ${parts.join("; ") || "nothing was changed"}`;
  return `Updated in place: ${parts.join("; ")}`;
}
