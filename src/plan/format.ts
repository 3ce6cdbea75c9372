import type { Estimate } from "./estimate.js";
import type { DurationSource } from "./durations.js";
import { simulate } from "./simulate.js";
import type { Durations, Plan, ResourceLimits } from "./types.js";

export interface PlanReport {
  plan: Plan;
  durations: Durations;
  sources: Record<string, DurationSource>;
  resources: ResourceLimits;
  estimate: Estimate;
}

const r1 = (x: number): number => Math.round(x * 10) / 10;

export function planToJson(report: PlanReport): unknown {
  const { plan, estimate } = report;
  return {
    stack: plan.stack,
    strategy: plan.strategy,
    mode: plan.mode,
    resources: report.resources,
    tasks: plan.tasks.map((t) => ({
      id: t.id,
      kind: t.kind,
      phase: t.phase,
      dependsOn: t.dependsOn,
      resource: t.resource ?? null,
      seconds: report.durations[t.id] ?? 0,
      durationSource: report.sources[t.id],
    })),
    strategies: Object.fromEntries(
      Object.entries(estimate.strategies).map(([name, s]) => [
        name,
        { wallSeconds: r1(s.wallSeconds), envCreateStart: r1(s.envCreateStart) },
      ]),
    ),
    criticalPath: estimate.criticalPath,
    criticalPathSeconds: r1(estimate.criticalPathSeconds),
    lowerBoundSeconds: r1(estimate.lowerBoundSeconds),
  };
}

export function planToText(report: PlanReport): string {
  const { plan, durations, estimate } = report;
  const chosen = estimate.strategies[plan.strategy];
  const sim = simulate(plan.tasks, durations, {
    resources: report.resources,
    sequential: plan.strategy === "sequential",
    notBefore: chosen.envCreateStart > 0 ? { "env:create": chosen.envCreateStart } : undefined,
  });
  const onPath = new Set(estimate.criticalPath);
  // Teardown that runs only after a failure is not part of the predicted run: listed apart below.
  const onFailure = plan.tasks.filter((t) => t.finalizer?.onlyOnFailure);
  const rows = plan.tasks
    .filter((t) => !t.finalizer?.onlyOnFailure)
    .sort((a, b) => (sim.start.get(a.id) ?? 0) - (sim.start.get(b.id) ?? 0) || a.id.localeCompare(b.id));
  const width = Math.max(4, ...rows.map((t) => t.id.length));
  const lines = [
    `Plan for stack "${plan.stack}" (${plan.mode}, strategy ${plan.strategy}; slots: build ${report.resources.build}, load ${report.resources.load}, api ${report.resources.api})`,
    "",
    `  ${"task".padEnd(width)}   start     end   secs  source   after`,
  ];
  for (const t of rows) {
    const mark = onPath.has(t.id) ? "*" : " ";
    const start = sim.start.get(t.id) ?? 0;
    const end = sim.end.get(t.id) ?? 0;
    lines.push(
      `${mark} ${t.id.padEnd(width)} ${start.toFixed(1).padStart(7)} ${end.toFixed(1).padStart(7)} ${(durations[t.id] ?? 0).toFixed(1).padStart(6)}  ${(report.sources[t.id] ?? "").padEnd(7)}  ${t.dependsOn.join(", ") || "-"}`,
    );
  }
  if (onFailure.length > 0) {
    lines.push(
      "",
      `Only after a failure: ${onFailure.map((t) => `${t.id} (${(durations[t.id] ?? 0).toFixed(1)} s)`).join(", ")}, to remove the half-made environment.`,
    );
  }
  lines.push("", "Estimated wall time by strategy:");
  for (const [name, s] of Object.entries(estimate.strategies)) {
    lines.push(
      `  ${name.padEnd(10)} ${s.wallSeconds.toFixed(1).padStart(7)} s${name === plan.strategy ? "   <- chosen" : ""}`,
    );
  }
  lines.push(
    `  lower bound ${estimate.lowerBoundSeconds.toFixed(1).padStart(6)} s`,
    "",
    `Critical path (*), ${estimate.criticalPathSeconds.toFixed(1)} s: ${estimate.criticalPath.map((id) => `${id} (${(durations[id] ?? 0).toFixed(1)} s)`).join(" → ")}`,
  );
  if (chosen.envCreateStart > 0)
    lines.push(`Environment created just in time: env:create starts at ${chosen.envCreateStart.toFixed(1)} s.`);
  const defaults = Object.values(report.sources).filter((s) => s === "default").length;
  if (defaults > 0)
    lines.push(
      `${defaults} of ${plan.tasks.length} durations are default guesses; a run or --durations FILE makes them real.`,
    );
  return lines.join("\n");
}

export function planToDot(report: PlanReport): string {
  const onPath = new Set(report.estimate.criticalPath);
  const q = (s: string): string => JSON.stringify(s);
  const lines = [`digraph ${q(report.plan.stack)} {`, "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];'];
  for (const t of report.plan.tasks) {
    const style = onPath.has(t.id) ? ', color="red", penwidth=2' : "";
    lines.push(`  ${q(t.id)} [label=${q(`${t.id}\\n${(report.durations[t.id] ?? 0).toFixed(1)} s`)}${style}];`);
  }
  for (const t of report.plan.tasks) {
    for (const d of t.dependsOn) {
      const style = onPath.has(t.id) && onPath.has(d) ? ' [color="red", penwidth=2]' : "";
      lines.push(`  ${q(d)} -> ${q(t.id)}${style};`);
    }
  }
  lines.push("}");
  return lines.join("\n");
}
