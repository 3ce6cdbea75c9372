import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BuiltImage } from "../build/build-image.js";
import { keyImages } from "../build/image-tags.js";
import { readyBuilder } from "../build/select-builder.js";
import type { Stack } from "../config/stack.js";
import { buildPlan } from "../plan/build-plan.js";
import { resolveDurations } from "../plan/durations.js";
import { estimatePlan, estimateStack } from "../plan/estimate.js";
import type { Durations, ResourceLimits, Strategy } from "../plan/types.js";
import { estimateDurations, readHistory } from "../profile/history.js";
import { createRunDir, newRunId } from "../profile/recorder.js";
import type { Profile } from "../profile/types.js";
import { providerEntry } from "../providers/registry.js";
import type { Endpoint } from "../providers/types.js";
import type { SchedulerEvent } from "../scheduler/events.js";
import { resourceLimits } from "../scheduler/resources.js";
import { runPlan, type RunResult } from "../scheduler/scheduler.js";
import { taskKind } from "../tasks/registry.js";
import type { RunContext } from "../tasks/run-context.js";
import { testEnvironment } from "../tasks/test-env.js";
import { historyFile, paddockDir } from "../util/paddock-dir.js";
import { BestEffortWrites, type Warn } from "./best-effort.js";
import { forgetEnvironment, saveEnvironment, type EnvironmentState } from "./environment-state.js";
import { redactProfile, writeRunArtefacts } from "./finish-run.js";
import { openRunCache } from "./open-cache.js";
import { secretRedactor } from "./redact.js";
import { shellEnvFile } from "./shell-env-file.js";
import { TaskLogs } from "./task-logs.js";

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
  /** Where the test command's output goes live. */
  testOutput?: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
  /**
   * Checks that must pass before anything starts (the CLI's lint preflight). They run while
   * the engine is checked and the content keys are computed; their failure is reported first.
   */
  preflight?: Promise<unknown>;
  /** Where warnings go (a run directory that cannot be written, a cache registry that fails): default stderr. */
  onWarning?: Warn;
  /** A cache registry for this run (`--cache-registry`), over $PADDOCK_CACHE_REGISTRY and the stack's `cache.registry`. */
  cacheRegistry?: string;
}

export interface RunStackOutcome {
  runId: string;
  runDir: string;
  profile: Profile;
  result: RunResult;
  endpoints: Endpoint[];
  /** PADDOCK_<SERVICE>_URL and friends, plus the provider's (e.g. KUBECONFIG). */
  env: Record<string, string>;
  /** The test command's exit code, when it ran. */
  testExitCode: number | undefined;
  /** Estimated wall time of the same run under each strategy, from this run's own durations. */
  estimates: Record<Strategy, number>;
  /** Hides the stack's secret values in a text; everything the run wrote went through it. */
  redact: (text: string) => string;
}

/** What the same run would have taken under each strategy, from its own measured durations (others: predictions). */
export function strategyEstimates(stack: Stack, profile: Profile, predicted: Durations, resources: ResourceLimits): Record<Strategy, number> {
  const measured = Object.fromEntries(profile.tasks.filter((t) => t.state === "succeeded").map((t) => [t.id, t.end - t.start]));
  const mode = profile.tasks.some((t) => t.id === "test") ? "test" : "up";
  const capabilities = { ...providerEntry(stack.environment.provider).capabilities, collectsCoverage: profile.tasks.some((t) => t.id === "collect:coverage") };
  const estimate = estimateStack(stack, { mode, capabilities }, { ...predicted, ...measured }, resources);
  return { graph: estimate.strategies.graph.wallSeconds, phased: estimate.strategies.phased.wallSeconds, sequential: estimate.strategies.sequential.wallSeconds };
}

function redactEvent(event: SchedulerEvent, redact: (text: string) => string): SchedulerEvent {
  if (event.type === "log") return { ...event, line: redact(event.line) };
  if (event.type === "task" && event.error !== undefined) return { ...event, error: redact(event.error), errorDetail: event.errorDetail && redact(event.errorDetail) };
  return event;
}

/** Builds, creates the environment, deploys and (for `test`) runs the tests, as one scheduled graph. */
export async function runStack(options: RunStackOptions): Promise<RunStackOutcome> {
  const { stack, mode } = options;
  const strategy = options.strategy ?? "graph";
  // Independent startup work at once: the preflight (CPU), the engine check (docker CLI
  // round trips) and the content keys (file hashing).
  const preflight = Promise.resolve(options.preflight);
  const builderReady = readyBuilder(stack.build.builder, options.signal);
  const keying = keyImages(stack);
  await Promise.allSettled([preflight, builderReady, keying]);
  await preflight; // its failure is the one to report first
  const builder = await builderReady;
  const keyed = await keying;
  const runId = newRunId(stack.name);
  const runDir = createRunDir(stack.dir, runId);
  const warn: Warn = options.onWarning ?? ((message) => void process.stderr.write(`${message}\n`));
  const writes = new BestEffortWrites(warn);
  const cache = await openRunCache(stack, keyed, builder, { override: options.cacheRegistry, warn, signal: options.signal });
  const redact = secretRedactor(stack);
  const logs = new TaskLogs(path.join(runDir, "logs"), writes, redact);
  const provider = providerEntry(stack.environment.provider);
  const environment = await provider.open({ stack, run: { runId, stack: stack.name }, runDir, builder });
  const plan = buildPlan(stack, { strategy, mode, keep: options.keep, capabilities: provider.capabilities, pulledImages: cache?.hits });
  const resources = resourceLimits(stack, { build: options.buildSlots });
  const history = historyFile(stack.dir);
  const fromHistory = estimateDurations((await readHistory(history)).history, stack.name);
  const hasHistory = Object.keys(fromHistory).length > 0;
  const { durations } = resolveDurations(plan, stack.environment.provider, {}, fromHistory);
  // With no history, the environment starts at once; with history, just in time.
  const { envCreateStart } = hasHistory ? estimatePlan(plan, durations, resources, stack.environment.maxIdleSeconds) : { envCreateStart: 0 };

  let failed = false;
  const run: RunContext = {
    stack,
    runId,
    runDir,
    logs,
    builder,
    keyed,
    cache,
    built: new Map<string, BuiltImage>(),
    references: new Map<string, string>(),
    environment,
    started: undefined,
    failed: () => failed,
    test: {
      command: options.testCommand ?? stack.test?.command,
      stdout: options.testOutput?.stdout ?? process.stdout,
      stderr: options.testOutput?.stderr ?? process.stderr,
      exitCode: undefined,
      redact,
    },
  };

  // Recorded before anything starts, so `paddock down` finds what this run makes even if it dies.
  const record: EnvironmentState = { runId, stack: stack.name, provider: provider.name, createdAt: new Date().toISOString(), runDir, status: "starting", pid: process.pid, host: os.hostname(), endpoints: [], env: {} };
  writes.attempt("the environment record", runDir, () => saveEnvironment(stack.dir, record));

  const onEvent = (raw: SchedulerEvent): void => {
    const event = redactEvent(raw, redact);
    // Builds write their own log (logs/build-<image>.log); their lines come here for the live list.
    if (event.type === "log" && !event.id.startsWith("build:")) logs.append(event.id, event.line);
    if (event.type === "task" && event.state === "failed") failed = true;
    if (event.type === "task" && (event.state === "failed" || event.state === "retrying") && event.errorDetail) logs.append(event.id, `error: ${event.errorDetail}`);
    options.onEvent?.(event);
  };

  const result = await runPlan(plan, (task) => (ctx) => taskKind(task.kind).run(task, ctx, run), {
    resources,
    sequential: strategy === "sequential",
    durations,
    notBefore: envCreateStart > 0 ? { "env:create": envCreateStart } : undefined,
    signal: options.signal,
    onEvent,
  });

  const profile: Profile = redactProfile({
    runId,
    stack: stack.name,
    strategy,
    provider: stack.environment.provider,
    startedAt: result.startedAt.toISOString(),
    wallSeconds: result.wallSeconds,
    state: result.state,
    tasks: result.tasks,
  }, redact);
  // The run's end waits for its pushes (bounded); each that failed is a warning, the result stays.
  const pushes = cache ? await cache.remote.finish(120_000) : [];
  if (pushes.length > 0) profile.pushes = pushes.map((p) => ({ ...p, ...(p.error ? { error: redact(p.error) } : {}) }));
  const estimates = strategyEstimates(stack, profile, durations, resources);
  await writeRunArtefacts(runDir, profile, estimates, history, writes);

  const env = testEnvironment(run.started);
  // Left running on purpose: after a successful `up`, or with --keep whatever happened (to look at it).
  const environmentMade = result.tasks.some((t) => t.id === "env:create" && t.state === "succeeded");
  const deleted = result.tasks.some((t) => t.id === "env:delete" && t.state === "succeeded");
  const endpoints = run.started?.endpoints() ?? [];
  const kept = run.started !== undefined && environmentMade && !deleted && ((mode === "up" && result.state === "succeeded") || options.keep === true);
  if (kept && run.started) {
    await run.started.markKept({ signal: AbortSignal.timeout(30_000), log: () => undefined });
    writes.attempt("the environment record", runDir, () => saveEnvironment(stack.dir, { ...record, status: "up", endpoints, env }));
    const envFile = path.join(paddockDir(stack.dir), "env");
    writes.attempt("the shell variables file", envFile, () => writeFileSync(envFile, shellEnvFile(env), { mode: 0o600 }));
  } else if (deleted || !environmentMade) {
    forgetEnvironment(stack.dir, runId);
  }
  writes.finish();
  return { runId, runDir, profile, result, endpoints, env, testExitCode: run.test.exitCode, estimates, redact };
}

