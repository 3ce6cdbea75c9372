import { writeFileSync } from "node:fs";
import path from "node:path";
import { buildImage, type BuiltImage } from "../build/build-image.js";
import { keyImages } from "../build/image-tags.js";
import { readyBuilder } from "../build/select-builder.js";
import type { Stack } from "../config/stack.js";
import { collectCoverage } from "../coverage/collect.js";
import { PaddockError } from "../errors.js";
import { buildPlan } from "../plan/build-plan.js";
import { resolveDurations } from "../plan/durations.js";
import { estimatePlan, estimateStack } from "../plan/estimate.js";
import type { Durations, PlanTask, ResourceLimits, Strategy } from "../plan/types.js";
import { appendRun, estimateDurations, readHistory } from "../profile/history.js";
import { createRunDir, newRunId, paddockDir, writeProfile } from "../profile/recorder.js";
import { renderReportHtml } from "../profile/report-html.js";
import { toChromeTrace } from "../profile/trace.js";
import type { Profile } from "../profile/types.js";
import { createProvider } from "../providers/factory.js";
import type { Endpoint, Provider, ProviderContext } from "../providers/provider.js";
import type { SchedulerEvent } from "../scheduler/events.js";
import { resourceLimits } from "../scheduler/resources.js";
import { runPlan, type RunResult, type TaskAction } from "../scheduler/scheduler.js";
import { endpointEnv, shellEnvFile } from "./endpoint-env.js";
import { saveEnvironment } from "./environment-state.js";
import { TaskLogs } from "./task-logs.js";
import { runTestCommand, TestsFailedError } from "./test-command.js";

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
}

export interface RunStackOutcome {
  runId: string;
  runDir: string;
  profile: Profile;
  result: RunResult;
  provider: Provider;
  endpoints: Endpoint[];
  /** PADDOCK_<SERVICE>_URL and friends, plus the provider's (e.g. KUBECONFIG). */
  env: Record<string, string>;
  /** The test command's exit code, when it ran. */
  testExitCode: number | undefined;
  /** Estimated wall time of the same run under each strategy, from this run's own durations. */
  estimates: Record<Strategy, number>;
}

/** What the same run would have taken under each strategy, from its own measured durations (others: predictions). */
export function strategyEstimates(stack: Stack, profile: Profile, predicted: Durations, resources: ResourceLimits): Record<Strategy, number> {
  const measured = Object.fromEntries(profile.tasks.filter((t) => t.state === "succeeded").map((t) => [t.id, t.end - t.start]));
  const mode = profile.tasks.some((t) => t.id === "test") ? "test" : "up";
  const collectCoverage = profile.tasks.some((t) => t.id === "collect:coverage");
  const estimate = estimateStack(stack, { mode, collectCoverage }, { ...predicted, ...measured }, resources);
  return { graph: estimate.strategies.graph.wallSeconds, phased: estimate.strategies.phased.wallSeconds, sequential: estimate.strategies.sequential.wallSeconds };
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
  const logs = new TaskLogs(path.join(runDir, "logs"));
  const provider = await createProvider({ stack, run: { runId, stack: stack.name }, builder });
  const plan = buildPlan(stack, { strategy, mode, keep: options.keep, collectCoverage: provider.collectCoverage !== undefined });
  const resources = resourceLimits(stack, { build: options.buildSlots });
  const historyFile = path.join(paddockDir(stack.dir), "history.json");
  const { history } = await readHistory(historyFile);
  const fromHistory = estimateDurations(history, stack.name);
  const hasHistory = Object.keys(fromHistory).length > 0;
  const { durations } = resolveDurations(plan, stack.environment.provider, {}, fromHistory);
  // With no history, the environment starts at once; with history, just in time.
  const { envCreateStart } = hasHistory ? estimatePlan(plan, durations, resources, stack.environment.maxIdleSeconds) : { envCreateStart: 0 };

  const built = new Map<string, BuiltImage>();
  let failed = false;
  let testExitCode: number | undefined;
  const testEnv = (): Record<string, string> => ({ ...endpointEnv(provider.endpoints()), ...provider.testEnv() });

  const onEvent = (event: SchedulerEvent): void => {
    // Builds write their own log (logs/build-<image>.log); their lines come here for the live list.
    if (event.type === "log" && !event.id.startsWith("build:")) logs.append(event.id, event.line);
    if (event.type === "task" && event.state === "failed") failed = true;
    if (event.type === "task" && (event.state === "failed" || event.state === "retrying") && event.error) logs.append(event.id, `error: ${event.error}`);
    options.onEvent?.(event);
  };

  const actionFor = (task: PlanTask): TaskAction => async (ctx) => {
    const pctx: ProviderContext = { signal: ctx.signal, log: ctx.log, runDir };
    const subject = task.subject ?? "";
    switch (task.kind) {
      case "build": {
        // The build writes its own log (logs/build-<image>.log); its errors carry the last lines.
        const image = await buildImage(keyed.get(subject)!, { builder, noCache: stack.build.noCache, logDir: logs.dir, signal: ctx.signal, onLine: ctx.log });
        built.set(subject, image);
        return { cached: image.cached };
      }
      case "env:create":
        return provider.create(pctx);
      case "env:bootstrap":
        return provider.bootstrap(pctx);
      case "load":
        return provider.load([built.get(subject)!], pctx);
      case "deploy":
        return provider.deploy(stack.services[subject]!, built, pctx);
      case "job":
        return provider.runJob(stack.jobs[subject]!, built, pctx);
      case "test": {
        const command = options.testCommand ?? stack.test?.command;
        if (!command) throw new PaddockError("no test command", { hint: "give one after --: paddock test -- npm test, or set test.command in the stack file" });
        try {
          await runTestCommand({
            command,
            cwd: stack.test?.cwd ?? process.cwd(),
            env: { ...process.env, ...stack.test?.env, ...testEnv() } as Record<string, string>,
            logFile: logs.fileFor("test"),
            signal: ctx.signal,
            stdout: options.testOutput?.stdout ?? process.stdout,
            stderr: options.testOutput?.stderr ?? process.stderr,
          });
          testExitCode = 0;
        } catch (error) {
          if (error instanceof TestsFailedError) testExitCode = error.exitCode;
          throw error;
        }
        return;
      }
      case "env:delete":
        return provider.delete(pctx, { failed });
      case "collect:coverage":
        // A finalizer: runs after the tests whatever their outcome, before teardown.
        await collectCoverage(stack, provider, runId, pctx);
        return;
    }
  };

  const result = await runPlan(plan, actionFor, {
    resources,
    sequential: strategy === "sequential",
    durations,
    notBefore: envCreateStart > 0 ? { "env:create": envCreateStart } : undefined,
    signal: options.signal,
    onEvent,
  });

  const profile: Profile = {
    runId,
    stack: stack.name,
    strategy,
    provider: stack.environment.provider,
    startedAt: result.startedAt.toISOString(),
    wallSeconds: result.wallSeconds,
    state: result.state,
    tasks: result.tasks,
  };
  const estimates = strategyEstimates(stack, profile, durations, resources);
  writeProfile(runDir, profile);
  writeFileSync(path.join(runDir, "trace.json"), JSON.stringify(toChromeTrace(profile)) + "\n", { mode: 0o600 });
  writeFileSync(path.join(runDir, "report.html"), renderReportHtml(profile, { estimates }), { mode: 0o600 });
  await appendRun(historyFile, profile);

  const env = testEnv();
  // Left running on purpose: after a successful `up`, or with --keep whatever happened (to look at it).
  const environmentMade = result.tasks.some((t) => t.id === "env:create" && t.state === "succeeded");
  const deleted = result.tasks.some((t) => t.id === "env:delete" && t.state === "succeeded");
  if (environmentMade && !deleted && ((mode === "up" && result.state === "succeeded") || options.keep)) {
    const ctx: ProviderContext = { signal: AbortSignal.timeout(30_000), log: () => undefined, runDir };
    await provider.markKept(ctx);
    saveEnvironment(stack.dir, { runId, stack: stack.name, provider: provider.name, createdAt: profile.startedAt, runDir, endpoints: provider.endpoints(), env });
    writeFileSync(path.join(paddockDir(stack.dir), "env"), shellEnvFile(env), { mode: 0o600 });
  }
  return { runId, runDir, profile, result, provider, endpoints: provider.endpoints(), env, testExitCode, estimates };
}

