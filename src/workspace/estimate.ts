import { keyImages } from "../build/image-tags.js";
import { buildPlan } from "../plan/build-plan.js";
import { criticalPath } from "../plan/critical-path.js";
import { resolveDurations } from "../plan/durations.js";
import { simulate } from "../plan/simulate.js";
import type { Durations } from "../plan/types.js";
import { estimateDurations, readHistory } from "../profile/history.js";
import { providerEntry } from "../providers/registry.js";
import { resourceLimits } from "../scheduler/resources.js";
import { historyFile } from "../util/paddock-dir.js";
import type { Workspace } from "./load.js";
import { mergePlans, stackTaskId, type StackPart } from "./merge-plan.js";
import type { Stack } from "../config/stack.js";

export interface WorkspaceEstimate {
  /** Predicted wall seconds of `paddock test --all` (or the named stacks) as one graph. */
  wallSeconds: number;
  /** Each stack alone, one after the other: what separate runs of `paddock test` cost. */
  separateSeconds: number;
  stacks: { name: string; endSeconds: number; aloneSeconds: number }[];
  builds: { id: string; users: string[]; seconds: number }[];
  criticalPath: string[];
  criticalPathSeconds: number;
}

/** `paddock plan --all`: the workspace's graph simulated with the scheduler's rules, the shared builds, and what separate runs would cost. */
export async function estimateWorkspace(workspace: Workspace, stacks: readonly Stack[]): Promise<WorkspaceEstimate> {
  const parts: StackPart[] = [];
  const durations: Durations = {};
  const stacksAlone: WorkspaceEstimate["stacks"] = [];
  for (const stack of stacks) {
    const { capabilities } = providerEntry(stack.environment.provider);
    const plan = buildPlan(stack, { strategy: "graph", mode: "test", capabilities });
    const history = estimateDurations((await readHistory(historyFile(stack.dir))).history, stack.name);
    const own = resolveDurations(plan, stack.environment.provider, {}, history).durations;
    parts.push({ stack, plan, keyed: await keyImages(stack) });
    const alone = simulate(plan.tasks, own, { resources: resourceLimits(stack) }).wallSeconds;
    stacksAlone.push({ name: stack.name, endSeconds: 0, aloneSeconds: alone });
    for (const task of plan.tasks)
      durations[task.kind === "build" ? `build-of:${stack.name}:${task.subject}` : stackTaskId(stack.name, task.id)] =
        own[task.id] ?? 0;
  }
  const merged = mergePlans(parts, {
    buildSlots: workspace.buildSlots,
    memoryBytes: workspace.memoryBytes,
    environments: workspace.environments,
  });
  for (const build of merged.builds.values()) {
    const first = build.users[0]!;
    durations[build.id] = durations[`build-of:${stacks[first.part]!.name}:${first.name}`] ?? 0;
  }
  const sim = simulate(merged.plan.tasks, durations, { resources: merged.resources, leases: merged.leases });
  for (const s of stacksAlone)
    s.endSeconds = Math.max(
      0,
      ...merged.plan.tasks.filter((t) => t.id.startsWith(`${s.name}/`)).map((t) => sim.end.get(t.id) ?? 0),
    );
  const path = criticalPath(merged.plan.tasks, durations);
  return {
    wallSeconds: sim.wallSeconds,
    separateSeconds: stacksAlone.reduce((sum, s) => sum + s.aloneSeconds, 0),
    stacks: stacksAlone,
    builds: [...merged.builds.values()].map((b) => ({
      id: b.id,
      users: b.users.map((u) => stacks[u.part]!.name),
      seconds: durations[b.id] ?? 0,
    })),
    criticalPath: path.path,
    criticalPathSeconds: path.seconds,
  };
}

export function formatWorkspaceEstimate(workspace: Workspace, estimate: WorkspaceEstimate): string {
  const r = (x: number): string => `${x.toFixed(1)} s`;
  const width = Math.max(5, ...estimate.stacks.map((s) => s.name.length));
  const lines = [
    `Plan for workspace "${workspace.name}" (${estimate.stacks.length} stacks as one graph)`,
    "",
    `  ${"stack".padEnd(width)}  done at   alone`,
    ...estimate.stacks.map(
      (s) => `  ${s.name.padEnd(width)}  ${r(s.endSeconds).padStart(8)}  ${r(s.aloneSeconds).padStart(8)}`,
    ),
    "",
    "Builds (each once, for every stack that needs it):",
    ...estimate.builds.map((b) => `  ${b.id.padEnd(28)} ${r(b.seconds).padStart(8)}  used by ${b.users.join(", ")}`),
    "",
    `Estimated wall time: ${r(estimate.wallSeconds)} as one graph; ${r(estimate.separateSeconds)} as separate runs, one after the other (${(estimate.wallSeconds / Math.max(estimate.separateSeconds, 0.001)).toFixed(2)}×).`,
    `Critical path, ${r(estimate.criticalPathSeconds)}: ${estimate.criticalPath.join(" → ")}`,
  ];
  return lines.join("\n");
}
