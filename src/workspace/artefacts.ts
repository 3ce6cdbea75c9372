import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Strategy } from "../plan/types.js";
import { newRunId, writeJsonAtomic } from "../profile/recorder.js";
import { renderReportHtml } from "../profile/report-html.js";
import { toGroupedTrace } from "../profile/trace.js";
import type { Profile, ProfileTask } from "../profile/types.js";
import { BestEffortWrites, type Warn } from "../run/best-effort.js";
import { redactProfile } from "../run/finish-run.js";
import type { RunResult } from "../scheduler/run-result.js";
import { paddockDir } from "../util/paddock-dir.js";
import type { Workspace } from "./load.js";
import { groupOfTask } from "./merge-plan.js";
import type { WorkspaceStackOutcome } from "./run.js";

/** The lane group of a workspace task: its stack, or the shared builds. */
export const SHARED_BUILDS = "shared builds";
export const laneGroupOf = (task: ProfileTask): string => groupOfTask(task) ?? SHARED_BUILDS;

/**
 * The workspace run's own directory (`.paddock/workspace-runs/<id>/` beside the workspace file):
 * one profile.json of every task under its workspace id, and one trace.json and report.html with
 * a lane group for the shared builds and one per stack. Each stack keeps its own run directory too.
 */
export function writeWorkspaceArtefacts(
  workspace: Workspace,
  result: RunResult,
  stacks: readonly WorkspaceStackOutcome[],
  builds: readonly { id: string; users: string[] }[],
  strategy: Strategy,
  warn: Warn,
): { runId: string; runDir: string; profile: Profile } {
  const runId = newRunId(workspace.name);
  const runDir = path.join(paddockDir(workspace.dir), "workspace-runs", runId);
  const writes = new BestEffortWrites(warn);
  writes.attempt("the workspace run directory", runDir, () => mkdirSync(runDir, { recursive: true, mode: 0o700 }));
  const redact = (text: string): string => stacks.reduce((t, s) => s.outcome.redact(t), text);
  const profile: Profile = redactProfile(
    {
      runId,
      stack: workspace.name,
      strategy,
      provider: "workspace",
      startedAt: result.startedAt.toISOString(),
      wallSeconds: result.wallSeconds,
      state: result.state,
      tasks: result.tasks,
      workspace: {
        stacks: stacks.map((s) => ({
          name: s.stack.name,
          runId: s.outcome.runId,
          runDir: s.outcome.runDir,
          state: s.outcome.profile.state,
        })),
        builds: [...builds],
      },
    },
    redact,
  );
  const order = [SHARED_BUILDS, ...stacks.map((s) => s.stack.name)];
  writes.attempt("the workspace profile", path.join(runDir, "profile.json"), () =>
    writeJsonAtomic(path.join(runDir, "profile.json"), profile),
  );
  const groups = order.map((name) => ({ name, tasks: profile.tasks.filter((t) => laneGroupOf(t) === name) }));
  writes.attempt("the workspace trace", path.join(runDir, "trace.json"), () =>
    writeFileSync(path.join(runDir, "trace.json"), JSON.stringify(toGroupedTrace(profile, groups)) + "\n", {
      mode: 0o600,
    }),
  );
  const report = renderReportHtml(profile, {
    title: `Paddock workspace ${workspace.name}, run ${runId}`,
    groups: { of: laneGroupOf, order },
  });
  writes.attempt("the workspace report", path.join(runDir, "report.html"), () =>
    writeFileSync(path.join(runDir, "report.html"), report, { mode: 0o600 }),
  );
  writes.finish();
  return { runId, runDir, profile };
}
