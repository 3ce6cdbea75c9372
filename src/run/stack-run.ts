import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BuiltImage } from "../build/build-image.js";
import type { ImageBuilder } from "../build/builder.js";
import type { KeyedImage } from "../build/image-tags.js";
import type { Stack } from "../config/stack.js";
import { buildPlan } from "../plan/build-plan.js";
import { estimateStack } from "../plan/estimate.js";
import type { Durations, Plan, ResourceLimits, Strategy } from "../plan/types.js";
import { createRunDir, newRunId } from "../profile/recorder.js";
import type { Profile, ProfileTask } from "../profile/types.js";
import { providerEntry } from "../providers/registry.js";
import { stackOrigin } from "../providers/run-labels.js";
import type { Endpoint } from "../providers/types.js";
import type { SchedulerEvent } from "../scheduler/events.js";
import { registryImages, type RunCache, type RunContext } from "../tasks/run-context.js";
import { imageRegistryOf } from "./open-cache.js";
import { testEnvironment } from "../tasks/test-env.js";
import { historyFile, paddockDir } from "../util/paddock-dir.js";
import { BestEffortWrites, type Warn } from "./best-effort.js";
import { forgetEnvironment, saveEnvironment, type EnvironmentState } from "./environment-state.js";
import { redactProfile, writeRunArtefacts } from "./finish-run.js";
import { secretRedactor } from "./redact.js";
import { shellEnvFile } from "./shell-env-file.js";
import { TaskLogs } from "./task-logs.js";

/** What every stack of a run shares: the builder (engine checked), content keys, the cache registry. */
export interface SharedRunParts {
  builder: ImageBuilder;
  keyed: ReadonlyMap<string, KeyedImage>;
  cache: RunCache | undefined;
  warn: Warn;
}

export interface StackRunOptions {
  mode: "up" | "test";
  strategy: Strategy;
  keep?: boolean;
  /**
   * The stack's running environment (`paddock up` again, `test --reuse`): env:create attaches to
   * it and the deploys compare with what runs. Nothing of it is ever torn down by this run.
   */
  attachTo?: EnvironmentState;
  /** `test --reuse`: leave the environment up after the tests, and so collect no coverage (it stops the services). */
  reuse?: boolean;
  testCommand?: string[] | string;
  /** The run's cancellation (Ctrl-C), for work that outlives the task that starts it. */
  signal?: AbortSignal;
  testOutput?: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
}

export interface StackRunOutcome {
  runId: string;
  /** The environment's run id: this run's, or that of the environment it updated in place. */
  environmentId: string;
  runDir: string;
  profile: Profile;
  endpoints: Endpoint[];
  /** PADDOCK_<SERVICE>_URL and friends, plus the provider's (e.g. KUBECONFIG). */
  env: Record<string, string>;
  testExitCode: number | undefined;
  estimates: Record<Strategy, number>;
  redact: (text: string) => string;
}

/** What the same run would have taken under each strategy, from its own measured durations (others: predictions). */
export function strategyEstimates(
  stack: Stack,
  profile: Profile,
  predicted: Durations,
  resources: ResourceLimits,
): Record<Strategy, number> {
  const measured = Object.fromEntries(
    profile.tasks.filter((t) => t.state === "succeeded").map((t) => [t.id, t.end - t.start]),
  );
  const mode = profile.tasks.some((t) => t.id === "test") ? "test" : "up";
  const capabilities = {
    ...providerEntry(stack.environment.provider).capabilities,
    collectsCoverage: profile.tasks.some((t) => t.id === "collect:coverage"),
  };
  const estimate = estimateStack(stack, { mode, capabilities }, { ...predicted, ...measured }, resources);
  return {
    graph: estimate.strategies.graph.wallSeconds,
    phased: estimate.strategies.phased.wallSeconds,
    sequential: estimate.strategies.sequential.wallSeconds,
  };
}

function redactEvent(event: SchedulerEvent, redact: (text: string) => string): SchedulerEvent {
  if (event.type === "log") return { ...event, line: redact(event.line) };
  if (event.type === "task" && event.error !== undefined)
    return { ...event, error: redact(event.error), errorDetail: event.errorDetail && redact(event.errorDetail) };
  return event;
}

/**
 * One stack's part of a run: its run id and directory, its environment, its plan and the
 * context its tasks share — and, once the scheduler is done, its profile, artefacts and records.
 * A single-stack run has one; a workspace run one per stack.
 */
export class StackRun {
  private failedSoFar = false;

  private constructor(
    readonly stack: Stack,
    readonly plan: Plan,
    readonly context: RunContext,
    private readonly options: StackRunOptions,
    private readonly writes: BestEffortWrites,
    private readonly logs: TaskLogs,
    private readonly record: EnvironmentState,
    readonly redact: (text: string) => string,
  ) {}

  get runId(): string {
    return this.context.runId;
  }

  get runDir(): string {
    return this.context.runDir;
  }

  /** Opens the stack's environment and plans it. The environment record is written before anything starts. */
  static async prepare(stack: Stack, shared: SharedRunParts, options: StackRunOptions): Promise<StackRun> {
    const runId = newRunId(stack.name);
    const runDir = createRunDir(stack.dir, runId);
    const attachTo = options.attachTo;
    const writes = new BestEffortWrites(shared.warn);
    const redact = secretRedactor(stack);
    const logs = new TaskLogs(path.join(runDir, "logs"), writes, redact);
    const provider = providerEntry(stack.environment.provider);
    const environment = await provider.open({
      stack,
      run: { runId: attachTo?.runId ?? runId, stack: stack.name, origin: stackOrigin(stack.file) },
      runDir,
      builder: shared.builder,
      imageRegistry: shared.cache && imageRegistryOf(shared.cache, shared.keyed),
    });
    await environment.check?.(options.signal ?? new AbortController().signal);
    const leaveUp = options.keep === true || options.reuse === true || attachTo !== undefined;
    const fromRegistry = registryImages(shared.keyed, shared.cache, shared.builder);
    const plan = buildPlan(stack, {
      strategy: options.strategy,
      mode: options.mode,
      keep: leaveUp,
      collectCoverage: options.reuse !== true,
      capabilities: provider.capabilities,
      pulledImages: fromRegistry.pulled,
      layeredImages: fromRegistry.layered,
    });
    let run: StackRun | undefined = undefined;
    const context: RunContext = {
      stack,
      runId,
      runDir,
      logs,
      builder: shared.builder,
      keyed: shared.keyed,
      cache: shared.cache,
      built: new Map<string, BuiltImage>(),
      references: new Map<string, string>(),
      environment,
      started: undefined,
      attach: attachTo !== undefined,
      signal: options.signal ?? new AbortController().signal,
      goStages: plan.tasks.some((t) => t.kind === "collect:coverage") ? new Map() : undefined,
      changes: new Map(),
      failed: () => run?.failedSoFar ?? false,
      test: {
        command: options.testCommand ?? stack.test?.command,
        stdout: options.testOutput?.stdout ?? process.stdout,
        stderr: options.testOutput?.stderr ?? process.stderr,
        exitCode: undefined,
        redact,
      },
    };
    const record: EnvironmentState = attachTo
      ? { ...attachTo, createdAt: attachTo.createdAt || new Date().toISOString(), status: "up" }
      : {
          runId,
          stack: stack.name,
          provider: provider.name,
          createdAt: new Date().toISOString(),
          runDir,
          status: "starting",
          pid: process.pid,
          host: os.hostname(),
          endpoints: [],
          env: {},
        };
    // Recorded before anything starts, so `paddock down` finds what this run makes even if it dies.
    // An environment being updated keeps its record (`up`) until the update ends: it is never a crashed run's.
    if (!attachTo) writes.attempt("the environment record", runDir, () => saveEnvironment(stack.dir, record));
    run = new StackRun(stack, plan, context, options, writes, logs, record, redact);
    return run;
  }

  /** A scheduler event of this stack's tasks (ids as in its own plan): task logs, the failure flag. Returns it redacted. */
  onEvent(raw: SchedulerEvent): SchedulerEvent {
    const event = redactEvent(raw, this.redact);
    // Builds write their own log (logs/build-<image>.log); their lines come here for the live list.
    if (event.type === "log" && !event.id.startsWith("build:")) this.logs.append(event.id, event.line);
    if (event.type === "task" && event.state === "failed") this.failedSoFar = true;
    if (event.type === "task" && (event.state === "failed" || event.state === "retrying") && event.errorDetail)
      this.logs.append(event.id, `error: ${event.errorDetail}`);
    return event;
  }

  /** The profile, trace, report and history; the environment kept (and recorded) or forgotten. */
  async finish(
    result: { startedAt: Date; wallSeconds: number; state: Profile["state"]; tasks: ProfileTask[] },
    extras: { durations: Durations; resources: ResourceLimits; pushes?: Profile["pushes"] },
  ): Promise<StackRunOutcome> {
    const { stack, context, redact } = this;
    const profile: Profile = redactProfile(
      {
        runId: this.runId,
        stack: stack.name,
        strategy: this.options.strategy,
        provider: stack.environment.provider,
        startedAt: result.startedAt.toISOString(),
        wallSeconds: result.wallSeconds,
        state: result.state,
        tasks: result.tasks,
      },
      redact,
    );
    if (extras.pushes && extras.pushes.length > 0)
      profile.pushes = extras.pushes.map((p) => ({ ...p, ...(p.error ? { error: redact(p.error) } : {}) }));
    const shared = context.started?.sharedObjects?.() ?? [];
    if (shared.length > 0) profile.shared = [...shared];
    const estimates = strategyEstimates(stack, profile, extras.durations, extras.resources);
    await writeRunArtefacts(this.runDir, profile, estimates, historyFile(stack.dir), this.writes);

    await context.started?.settle?.({
      signal: AbortSignal.timeout(60_000),
      log: (line) => this.logs.append("env:create", line),
    });
    const env = testEnvironment(context.started);
    const endpoints = context.started?.endpoints() ?? [];
    // Left running on purpose: after a successful `up`, or with --keep whatever happened (to look at it).
    const environmentMade = result.tasks.some((t) => t.id === "env:create" && t.state === "succeeded");
    const deleted = result.tasks.some((t) => t.id === "env:delete" && t.state === "succeeded");
    const leftUp = this.options.keep === true || this.options.reuse === true || this.options.attachTo !== undefined;
    const kept =
      context.started !== undefined &&
      environmentMade &&
      !deleted &&
      ((this.options.mode === "up" && result.state === "succeeded") || leftUp);
    if (kept && context.started) {
      await context.started.markKept({ signal: AbortSignal.timeout(30_000), log: () => undefined });
      // The record names the newest run's directory: its kubeconfig and logs are the current ones.
      const state: EnvironmentState = {
        ...this.record,
        status: "up",
        runDir: this.runDir,
        endpoints,
        env,
        updatedAt: new Date().toISOString(),
      };
      this.writes.attempt("the environment record", this.runDir, () => saveEnvironment(stack.dir, state));
      const envFile = path.join(paddockDir(stack.dir), "env");
      this.writes.attempt("the shell variables file", envFile, () =>
        writeFileSync(envFile, shellEnvFile(env), { mode: 0o600 }),
      );
    } else if ((deleted || !environmentMade) && !this.options.attachTo) {
      forgetEnvironment(stack.dir, this.runId);
    }
    this.writes.finish();
    return {
      runId: this.runId,
      environmentId: this.record.runId,
      runDir: this.runDir,
      profile,
      endpoints,
      env,
      testExitCode: context.test.exitCode,
      estimates,
      redact,
    };
  }
}
