import type { ResourceName } from "../tasks/kinds.js";
import type { PlanTask } from "../tasks/types.js";

export type { PlanTask, ResourceName };

export type Strategy = "graph" | "phased" | "sequential";
export const STRATEGIES: readonly Strategy[] = ["graph", "phased", "sequential"];

export type ResourceLimits = Record<ResourceName, number>;

export interface Plan {
  stack: string;
  strategy: Strategy;
  mode: "up" | "test";
  tasks: PlanTask[];
}

export type Durations = Record<string, number>;
