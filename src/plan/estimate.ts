import type { Stack } from "../config/stack.js";
import { buildPlan, type PlanOptions } from "./build-plan.js";
import { criticalPath } from "./critical-path.js";
import { simulate } from "./simulate.js";
import { STRATEGIES, type Durations, type Plan, type ResourceLimits, type Strategy } from "./types.js";

const ENVIRONMENT_CHAIN = new Set(["env:create", "env:bootstrap"]);

/**
 * When to start env:create so the environment is ready as its first user needs it,
 * with at most `maxIdleSeconds` of predicted idle time as a margin for wrong predictions.
 * Only the graph strategy defers; phased already orders the environment after the builds.
 */
export function justInTimeStart(
  plan: Plan,
  durations: Durations,
  resources: ResourceLimits,
  maxIdleSeconds: number,
): number {
  if (plan.strategy !== "graph") return 0;
  const instant: Durations = { ...durations, "env:create": 0, "env:bootstrap": 0 };
  const sim = simulate(plan.tasks, instant, { resources });
  const users = plan.tasks.filter(
    (t) =>
      !ENVIRONMENT_CHAIN.has(t.id) && t.finalizer === undefined && t.dependsOn.some((d) => ENVIRONMENT_CHAIN.has(d)),
  );
  if (users.length === 0) return 0;
  const need = Math.min(...users.map((t) => sim.start.get(t.id) ?? 0));
  const setup = (durations["env:create"] ?? 0) + (durations["env:bootstrap"] ?? 0);
  return Math.max(0, need - setup - maxIdleSeconds);
}

export interface StrategyEstimate {
  wallSeconds: number;
  envCreateStart: number;
}

export interface Estimate {
  strategies: Record<Strategy, StrategyEstimate>;
  criticalPath: string[];
  criticalPathSeconds: number;
  /** No schedule can beat this: the longest chain, or the busiest resource's work divided by its slots. */
  lowerBoundSeconds: number;
}

export function estimatePlan(
  plan: Plan,
  durations: Durations,
  resources: ResourceLimits,
  maxIdleSeconds: number,
): StrategyEstimate {
  const envCreateStart = justInTimeStart(plan, durations, resources, maxIdleSeconds);
  const sim = simulate(plan.tasks, durations, {
    resources,
    sequential: plan.strategy === "sequential",
    notBefore: envCreateStart > 0 ? { "env:create": envCreateStart } : undefined,
  });
  return { wallSeconds: sim.wallSeconds, envCreateStart };
}

export function estimateStack(
  stack: Stack,
  options: Omit<PlanOptions, "strategy">,
  durations: Durations,
  resources: ResourceLimits,
): Estimate {
  const strategies = {} as Record<Strategy, StrategyEstimate>;
  for (const strategy of STRATEGIES) {
    strategies[strategy] = estimatePlan(
      buildPlan(stack, { ...options, strategy }),
      durations,
      resources,
      stack.environment.maxIdleSeconds,
    );
  }
  const graph = buildPlan(stack, { ...options, strategy: "graph" });
  const cp = criticalPath(graph.tasks, durations);
  const work: Record<string, number> = {};
  for (const task of graph.tasks)
    if (task.resource && !task.finalizer?.onlyOnFailure)
      work[task.resource] = (work[task.resource] ?? 0) + (durations[task.id] ?? 0);
  const resourceBound = Math.max(
    0,
    ...Object.entries(work).map(([r, seconds]) => seconds / resources[r as keyof ResourceLimits]),
  );
  return {
    strategies,
    criticalPath: cp.path,
    criticalPathSeconds: cp.seconds,
    lowerBoundSeconds: Math.max(cp.seconds, resourceBound),
  };
}
