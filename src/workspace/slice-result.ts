import type { Profile, ProfileTask } from "../profile/types.js";
import type { RunResult } from "../scheduler/run-result.js";
import type { StackPart, WorkspacePlan } from "./merge-plan.js";

/** One stack's share of the workspace's result: its own tasks and the shared builds it used, under its own ids. */
export interface StackResult {
  startedAt: Date;
  wallSeconds: number;
  state: Profile["state"];
  tasks: ProfileTask[];
}

export function sliceResult(
  result: RunResult,
  part: number,
  parts: readonly StackPart[],
  workspace: WorkspacePlan,
): StackResult {
  const byId = new Map(result.tasks.map((t) => [t.id, t]));
  const ownPlan = parts[part]!.plan;
  const tasks: ProfileTask[] = [];
  for (const local of ownPlan.tasks) {
    const mergedId =
      local.kind === "build"
        ? [...workspace.builds.values()].find((b) => b.users.some((u) => u.part === part && u.name === local.subject))
            ?.id
        : [...workspace.owners].find(([, o]) => o.part === part && o.task.id === local.id)?.[0];
    const record = mergedId === undefined ? undefined : byId.get(mergedId);
    if (record) tasks.push({ ...record, id: local.id, dependsOn: local.dependsOn });
  }
  const failed = tasks.some((t) => t.state === "failed");
  const state: Profile["state"] = result.state === "cancelled" ? "cancelled" : failed ? "failed" : "succeeded";
  const wallSeconds = Math.max(0, ...tasks.map((t) => t.end));
  return { startedAt: result.startedAt, wallSeconds, state, tasks };
}
