import type { ImageBuilder } from "../build/builder.js";
import { keyImages, type KeyedImage } from "../build/image-tags.js";
import { readyBuilder } from "../build/select-builder.js";
import type { Stack } from "../config/stack.js";
import { resolveDurations } from "../plan/durations.js";
import { estimatePlan } from "../plan/estimate.js";
import type { Plan, Strategy } from "../plan/types.js";
import { estimateDurations, readHistory } from "../profile/history.js";
import type { SchedulerEvent } from "../scheduler/events.js";
import { resourceLimits } from "../scheduler/resources.js";
import type { RunResult } from "../scheduler/run-result.js";
import { runPlan } from "../scheduler/scheduler.js";
import { taskKind } from "../tasks/registry.js";
import type { RunCache } from "../tasks/run-context.js";
import { historyFile } from "../util/paddock-dir.js";
import type { Warn } from "./best-effort.js";
import { findRunningEnvironment } from "./find-running.js";
import { openRunCache } from "./open-cache.js";
import { StackRun, type StackRunOutcome } from "./stack-run.js";

export { strategyEstimates } from "./stack-run.js";

export interface RunStackOptions {
  stack: Stack;
  mode: "up" | "test";
  strategy?: Strategy;
  /** Leave the environment running, even after a failure. */
  keep?: boolean;
  buildSlots?: number;
  /** Overrides the stack's test command (`paddock test -- CMD`). */
  testCommand?: string[];
  signal?: AbortSignal;
  onEvent?: (event: SchedulerEvent) => void;
  /** Called with the run's plan before it starts (a status line counts its tasks). */
  onPlan?: (plan: Plan) => void;
  /** Where the test command's output goes live. */
  testOutput?: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
  /**
   * Checks that must pass before anything starts (the CLI's lint preflight). They run while
   * the engine is checked and the content keys are computed; their failure is reported first.
   */
  preflight?: Promise<unknown>;
  /** Where warnings go (a run directory that cannot be written, a cache registry that fails): default stderr. */
  onWarning?: Warn;
  /**
   * Update the stack's running environment in place when there is one (`paddock up` again,
   * `test --reuse`): only what changed is built, replaced or run again. Default: a new environment.
   */
  inPlace?: boolean;
  /** `test --reuse`: the environment stays up after the tests (created if there was none); no coverage is collected. */
  reuse?: boolean;
  /** A cache registry for this run (`--cache-registry`), over $PADDOCK_CACHE_REGISTRY and the stack's `cache.registry`. */
  cacheRegistry?: string;
}

export interface RunStackOutcome extends StackRunOutcome {
  result: RunResult;
}

/** What every run does at startup, at once: the preflight (CPU), the engine check (docker CLI round trips), content keys (file hashing), then the cache registry's lookups. */
export async function startRun(
  stacks: readonly Stack[],
  options: {
    preflight?: Promise<unknown>;
    signal?: AbortSignal;
    /** The stack whose cache registry the run uses (and its `--cache-registry` override). */
    cache: { stack: Stack; override: string | undefined; warn: Warn };
  },
): Promise<{ builder: ImageBuilder; keyed: Map<string, KeyedImage>[]; cache: RunCache | undefined }> {
  const preflight = Promise.resolve(options.preflight);
  const builderReady = readyBuilder(stacks[0]!.build.builder, options.signal);
  const keying = Promise.all(stacks.map((stack) => keyImages(stack)));
  // The registry is asked as soon as the keys are known: it needs no engine.
  const caching = keying.then((keyed) =>
    openRunCache(
      options.cache.stack,
      keyed.flatMap((k) => [...k.values()]),
      builderReady,
      { override: options.cache.override, warn: options.cache.warn, signal: options.signal },
    ),
  );
  await Promise.allSettled([preflight, builderReady, keying, caching]);
  await preflight; // its failure is the one to report first
  return { builder: await builderReady, keyed: await keying, cache: await caching };
}

/** Builds, creates the environment, deploys and (for `test`) runs the tests, as one scheduled graph. */
export async function runStack(options: RunStackOptions): Promise<RunStackOutcome> {
  const { stack, mode } = options;
  const strategy = options.strategy ?? "graph";
  // Looked for while the engine is checked and the keys computed (it asks the engine too).
  const finding = options.inPlace || options.reuse ? findRunningEnvironment(stack, options.signal) : undefined;
  finding?.catch(() => undefined);
  const warn: Warn = options.onWarning ?? ((message) => void process.stderr.write(`${message}\n`));
  const {
    builder,
    keyed: [keyed],
    cache,
  } = await startRun([stack], { ...options, cache: { stack, override: options.cacheRegistry, warn } });
  const running = await finding;
  for (const note of running?.notes ?? []) warn(`note: ${note}`);
  const run = await StackRun.prepare(
    stack,
    { builder, keyed: keyed!, cache, warn },
    {
      mode,
      strategy,
      keep: options.keep,
      reuse: options.reuse,
      attachTo: running?.running?.state,
      signal: options.signal,
      testCommand: options.testCommand,
      testOutput: options.testOutput,
    },
  );
  const { plan } = run;
  options.onPlan?.(plan);
  const resources = resourceLimits(stack, { build: options.buildSlots });
  const fromHistory = estimateDurations((await readHistory(historyFile(stack.dir))).history, stack.name);
  const { durations } = resolveDurations(plan, stack.environment.provider, {}, fromHistory);
  // With no history, the environment starts at once; with history, just in time.
  const { envCreateStart } =
    Object.keys(fromHistory).length > 0
      ? estimatePlan(plan, durations, resources, stack.environment.maxIdleSeconds)
      : { envCreateStart: 0 };

  const result = await runPlan(plan, (task) => (ctx) => taskKind(task.kind).run(task, ctx, run.context), {
    resources,
    sequential: strategy === "sequential",
    durations,
    notBefore: envCreateStart > 0 ? { "env:create": envCreateStart } : undefined,
    signal: options.signal,
    onEvent: (event) => options.onEvent?.(run.onEvent(event)),
  });
  // The run's end waits for its pushes (bounded); each that failed is a warning, the result stays.
  const pushes = cache ? await cache.remote.finish(120_000) : [];
  const outcome = await run.finish(result, { durations, resources, pushes });
  return { ...outcome, result };
}
