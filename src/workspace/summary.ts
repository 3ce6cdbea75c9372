import { formatError } from "../errors.js";
import { cacheStats, formatCacheStats } from "../profile/cache-stats.js";
import { paintWith } from "../profile/color.js";
import { criticalPath } from "../profile/critical-path.js";
import { formatSeconds } from "../profile/format.js";
import type { WorkspaceOutcome } from "./run.js";

const RESULT = { succeeded: "passed", failed: "FAILED", cancelled: "cancelled" } as const;

/**
 * The end of a workspace run: per stack its result, wall time, critical path and cache hits;
 * the shared builds and which stacks used each; each failed stack's root cause.
 */
export function formatWorkspaceSummary(outcome: WorkspaceOutcome, options: { color?: boolean } = {}): string {
  const paint = paintWith(options.color === true);
  const stacks = outcome.stacks;
  const failed = stacks.filter((s) => s.outcome.profile.state !== "succeeded");
  const out: string[] = [
    `Workspace run ${outcome.runId}: ${stacks.length} stacks in ${formatSeconds(outcome.result.wallSeconds)}; ${stacks.length - failed.length} passed${failed.length > 0 ? `, ${failed.length} did not` : ""}`,
    "",
  ];
  const width = Math.max(5, ...stacks.map((s) => s.stack.name.length));
  out.push(`  ${"stack".padEnd(width)}  result     wall     critical path  cache`);
  for (const { stack, outcome: o } of stacks) {
    const result = RESULT[o.profile.state];
    const painted = o.profile.state === "succeeded" ? paint("green", result.padEnd(9)) : paint("red", result.padEnd(9));
    const path = criticalPath(o.profile);
    out.push(
      `  ${stack.name.padEnd(width)}  ${painted}  ${formatSeconds(o.profile.wallSeconds).padStart(7)}  ${formatSeconds(path.seconds).padStart(13)}  ${formatCacheStats(cacheStats(o.profile))}`,
    );
  }
  const byId = new Map(outcome.result.tasks.map((t) => [t.id, t]));
  if (outcome.builds.length > 0) {
    out.push("", "Builds, each once for every stack that needs it:");
    for (const build of outcome.builds) {
      const task = byId.get(build.id);
      const how = !task
        ? "?"
        : task.state !== "succeeded"
          ? task.state
          : task.cached === "registry"
            ? "from the cache registry"
            : task.cached
              ? "cached"
              : `built in ${formatSeconds(task.end - task.start)}`;
      out.push(`  ${build.id.padEnd(28)} ${how.padEnd(26)} used by ${build.users.join(", ")}`);
    }
  }
  for (const { stack, outcome: o, rootCause } of stacks) {
    if (o.profile.state === "succeeded") continue;
    const text = rootCause
      ? o.redact(formatError(rootCause.error))
      : o.profile.state === "cancelled"
        ? "cancelled"
        : "failed";
    const task = rootCause?.taskId.startsWith(`${stack.name}/`)
      ? rootCause.taskId.slice(stack.name.length + 1)
      : rootCause?.taskId;
    out.push("", paint("red", `${stack.name}: ${task ? `${task} failed` : o.profile.state}`), text);
  }
  out.push(
    "",
    `run directories: ${stacks.map((s) => s.outcome.runDir).join(", ")}`,
    `the whole run: ${outcome.runDir}/ (profile.json, trace.json, report.html)`,
  );
  return out.join("\n") + "\n";
}
