import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { Stack } from "../config/stack.js";
import { PaddockError } from "../errors.js";
import { buildPlan } from "../plan/build-plan.js";
import { providerEntry } from "../providers/registry.js";
import { resolveDurations } from "../plan/durations.js";
import { estimateStack } from "../plan/estimate.js";
import { planToDot, planToJson, planToText, type PlanReport } from "../plan/format.js";
import { STRATEGIES, type Durations, type Strategy } from "../plan/types.js";
import { estimateDurations, readHistory } from "../profile/history.js";
import { historyFile } from "../util/paddock-dir.js";
import { resourceLimits } from "../scheduler/resources.js";
import { estimateWorkspace, formatWorkspaceEstimate } from "../workspace/estimate.js";
import { loadStackFor, oneOf, parsePositiveInt } from "./common.js";
import { requireWorkspace } from "./workspace-test.js";

interface PlanOptions {
  strategy: Strategy;
  durations?: string;
  format: "text" | "json" | "dot";
  mode: "up" | "test";
  buildSlots?: number;
}

export function readDurationsFile(file: string): Durations {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new PaddockError(`cannot read durations from ${file}: ${(error as Error).message}`, {
      hint: 'give a JSON object of task id → seconds, e.g. {"build:api": 42.5, "env:create": 20}',
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new PaddockError(`${file}: expected a JSON object of task id → seconds`, { hint: '{"build:api": 42.5}' });
  }
  const out: Durations = {};
  for (const [id, seconds] of Object.entries(value)) {
    if (typeof seconds !== "number" || !(seconds >= 0))
      throw new PaddockError(`${file}: "${id}" must be a number of seconds ≥ 0, got ${JSON.stringify(seconds)}`);
    out[id] = seconds;
  }
  return out;
}

/** Durations from history (median of recent non-cached runs), for plans and just-in-time starts. */
export async function historyDurations(stack: Stack): Promise<{ durations: Durations; warning?: string }> {
  const { history, warning } = await readHistory(historyFile(stack.dir));
  return { durations: estimateDurations(history, stack.name), warning };
}

export async function makePlanReport(stack: Stack, options: Omit<PlanOptions, "format">): Promise<PlanReport> {
  const resources = resourceLimits(stack, { build: options.buildSlots });
  const { capabilities } = providerEntry(stack.environment.provider);
  const plan = buildPlan(stack, { strategy: options.strategy, mode: options.mode, capabilities });
  const explicit = options.durations ? readDurationsFile(options.durations) : {};
  const { durations: fromHistory, warning } = await historyDurations(stack);
  if (warning) process.stderr.write(`warning: ${warning}\n`);
  const { durations, sources } = resolveDurations(plan, stack.environment.provider, explicit, fromHistory);
  const estimate = estimateStack(stack, { mode: options.mode, capabilities }, durations, resources);
  return { plan, durations, sources, resources, estimate };
}

export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description(
      "show the task graph, predicted timings per strategy, the critical path and a lower bound; runs nothing",
    )
    .option(
      "-s, --strategy <strategy>",
      "graph (default: each task starts when its own inputs are ready), phased (all builds, then the environment, then loads, then deploys) or sequential (one task at a time)",
      oneOf("--strategy", STRATEGIES),
      "graph",
    )
    .option("-d, --durations <file>", "JSON object of task id → seconds (default: the run history, else guesses)")
    .option(
      "-f, --format <format>",
      "text, json or dot (Graphviz)",
      oneOf("--format", ["text", "json", "dot"] as const),
      "text",
    )
    .option(
      "--mode <mode>",
      "up (setup only) or test (with test and teardown)",
      oneOf("--mode", ["up", "test"] as const),
      "up",
    )
    .option(
      "--build-slots <n>",
      "parallel builds (default: from cores and memory, or resources.buildSlots)",
      parsePositiveInt("--build-slots"),
    )
    .option(
      "--all",
      "the whole workspace (paddock.workspace.yaml) as one graph: predicted wall time, shared builds, each stack's finish",
    )
    .addHelpText(
      "after",
      "\nExample:\n  paddock plan --durations durations.json --format json\n  paddock plan --format dot | dot -Tsvg > plan.svg",
    )
    .action(async (options: PlanOptions & { all?: boolean }, command: Command) => {
      if (options.all) {
        const workspace = requireWorkspace(process.cwd());
        const estimate = await estimateWorkspace(workspace, workspace.stacks);
        process.stdout.write(
          (options.format === "json"
            ? JSON.stringify(estimate, null, 2)
            : formatWorkspaceEstimate(workspace, estimate)) + "\n",
        );
        return;
      }
      const stack = loadStackFor(command);
      const report = await makePlanReport(stack, options);
      const out =
        options.format === "json"
          ? JSON.stringify(planToJson(report), null, 2)
          : options.format === "dot"
            ? planToDot(report)
            : planToText(report);
      process.stdout.write(out + "\n");
    });
}
