/** The run profile: what `.paddock/runs/<id>/profile.json` holds. Times are seconds from run start. */

import type { TaskRecord } from "../scheduler/types.js";

export { PHASES, TASK_KINDS, type Phase, type TaskKind } from "../tasks/kinds.js";
export type { TaskAttempt, TaskState } from "../scheduler/types.js";

/** One task of a run as profile.json keeps it. */
export type ProfileTask = TaskRecord;

export interface Profile {
  runId: string;
  stack: string;
  strategy: "graph" | "phased" | "sequential";
  provider: string;
  /** ISO-8601 wall-clock start. */
  startedAt: string;
  wallSeconds: number;
  state: "succeeded" | "failed" | "cancelled";
  tasks: ProfileTask[];
  /** A workspace run: its stacks (each with its own run) and the builds they shared (docs/workspaces.md). */
  workspace?: {
    stacks: { name: string; runId: string; runDir: string; state: "succeeded" | "failed" | "cancelled" }[];
    builds: { id: string; users: string[] }[];
  };
  /** Background pushes to the cache registry (docs/caching.md). */
  pushes?: { image: string; reference: string; seconds: number; ok: boolean; error?: string }[];
  /**
   * Cluster-scoped objects the run shares with every other run on its cluster (docs/cluster.md):
   * installed by this run because they were absent, or found installed and identical. A run never deletes them.
   */
  shared?: { object: string; state: "installed" | "identical" }[];
}
