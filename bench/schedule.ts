/**
 * Runs the seeds' SignalProcessing stack through the real scheduler with tasks that sleep
 * for their measured durations scaled 1 s → 10 ms, for each strategy, and compares wall
 * times with the plan's lower bound. Prints unscaled seconds; the last line is JSON.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadStack } from "../src/config/load.js";
import { buildPlan } from "../src/plan/build-plan.js";
import { estimatePlan, estimateStack } from "../src/plan/estimate.js";
import { STRATEGIES, type Durations, type Strategy } from "../src/plan/types.js";
import { providerEntry } from "../src/providers/registry.js";
import { sleep } from "../src/util/abort.js";
import { runPlan } from "../src/scheduler/scheduler.js";

const SCALE = 0.01;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const stackDir = path.join(root, "bench", "stacks", "signalprocessing");
const stack = loadStack(path.join(stackDir, "paddock.yaml"));
const durations = JSON.parse(readFileSync(path.join(stackDir, "durations.json"), "utf8")) as Durations;
const resources = { build: 2, load: 2, api: 4, pull: 4 };
const { capabilities } = providerEntry(stack.environment.provider);

const measured = {} as Record<Strategy, number>;
for (const strategy of STRATEGIES) {
  const plan = buildPlan(stack, { strategy, mode: "up", capabilities });
  const { envCreateStart } = estimatePlan(plan, durations, resources, stack.environment.maxIdleSeconds);
  const result = await runPlan(
    plan,
    (task) =>
      async ({ signal }) =>
        sleep((durations[task.id] ?? 0) * 1000 * SCALE, signal),
    {
      resources,
      sequential: strategy === "sequential",
      durations,
      notBefore: envCreateStart > 0 ? { "env:create": envCreateStart * SCALE } : undefined,
    },
  );
  if (result.state !== "succeeded") throw new Error(`${strategy} run ${result.state}`);
  measured[strategy] = result.wallSeconds / SCALE;
}
const estimate = estimateStack(stack, { mode: "up", capabilities }, durations, resources);
const r = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;
const summary = {
  sequential: r(measured.sequential),
  phased: r(measured.phased),
  graph: r(measured.graph),
  lowerBound: r(estimate.lowerBoundSeconds),
  graphOverPhased: r(measured.graph / measured.phased, 3),
  graphOverLowerBound: r(measured.graph / estimate.lowerBoundSeconds, 3),
};
console.log(`seeds' SignalProcessing stack, 2 build slots, durations scaled ${SCALE} (printed unscaled)`);
for (const strategy of STRATEGIES) {
  console.log(
    `  ${strategy.padEnd(10)} measured ${summary[strategy].toFixed(1).padStart(6)} s   planned ${estimate.strategies[strategy].wallSeconds.toFixed(1).padStart(6)} s`,
  );
}
console.log(
  `  lower bound          ${summary.lowerBound.toFixed(1)} s (critical path ${estimate.criticalPath.join(" → ")})`,
);
console.log(
  `  graph/phased = ${summary.graphOverPhased} (target ≤ 0.75); graph/lowerBound = ${summary.graphOverLowerBound} (target ≤ 1.05)`,
);
const phasedOk = Math.abs(summary.phased - 201.1) / 201.1 <= 0.03;
console.log(`  phased vs the seeds' 201.1 s: ${phasedOk ? "within" : "OUTSIDE"} ±3%`);
console.log(JSON.stringify(summary));
if (!phasedOk || summary.graphOverPhased > 0.75 || summary.graphOverLowerBound > 1.05) process.exitCode = 1;
