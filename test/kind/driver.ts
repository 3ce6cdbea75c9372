import type { BuiltImage } from "../../src/build/build-image.js";
import type { ImageBuilder } from "../../src/build/builder.js";
import type { Stack, WorkloadSpec } from "../../src/config/stack.js";
import { readCoverageSummary, type CoverageSummaryFile } from "../../src/coverage/summary-file.js";
import type { KindEnvironment } from "../../src/providers/kind/environment.js";
import { kindProvider } from "../../src/providers/kind/index.js";
import type { CollectedCoverage, CoverageTarget } from "../../src/coverage/types.js";
import type { Endpoint, ProviderContext, StartedEnvironment } from "../../src/providers/types.js";
import { collectCoverageTask } from "../../src/tasks/collect-coverage.js";
import { summarizeCoverageTask } from "../../src/tasks/summarize-coverage.js";
import type { RunContext } from "../../src/tasks/run-context.js";
import type { PlanTask } from "../../src/tasks/types.js";

type Ctx = ProviderContext & { runDir: string };

/**
 * Drives a kind environment the way a run's tasks do (env:create, env:bootstrap, load, deploy,
 * job, collect:coverage, env:delete), one call per task, so the provider tests read as the
 * sequence of a run. Each call goes to the environment handle the provider returned.
 */
export class KindRunDriver {
  private started: StartedEnvironment | undefined;

  private constructor(
    readonly environment: KindEnvironment,
    readonly options: { stack: Stack; run: { runId: string; stack: string }; builder: ImageBuilder },
    private readonly runDir: string,
  ) {}

  static async open(
    options: { stack: Stack; run: { runId: string; stack: string }; builder: ImageBuilder },
    runDir: string,
  ): Promise<KindRunDriver> {
    const environment = (await kindProvider.open({ ...options, runDir })) as KindEnvironment;
    return new KindRunDriver(environment, options, runDir);
  }

  get clusterName(): string {
    return this.environment.clusterName;
  }

  private get cluster(): StartedEnvironment {
    if (!this.started) throw new Error("create() first");
    return this.started;
  }

  async create(ctx: Ctx): Promise<void> {
    this.started = await this.environment.create(ctx);
  }

  bootstrap(ctx: Ctx): Promise<void> {
    return this.cluster.bootstrap(ctx);
  }

  async load(images: BuiltImage[], ctx: Ctx): Promise<{ cached: boolean }> {
    const { cached } = await this.cluster.load(images, ctx);
    return { cached };
  }

  async deploy(workload: WorkloadSpec, images: Map<string, BuiltImage>, ctx: Ctx): Promise<void> {
    await this.cluster.deploy(workload, references(images), ctx);
  }

  async runJob(workload: WorkloadSpec, images: Map<string, BuiltImage>, ctx: Ctx): Promise<void> {
    await this.cluster.runJob(workload, references(images), ctx);
  }

  endpoints(): Endpoint[] {
    return this.cluster.endpoints();
  }

  testEnv(): Record<string, string> {
    return this.cluster.testEnv();
  }

  collectCoverage(services: CoverageTarget[], dir: string, ctx: Ctx): Promise<CollectedCoverage[]> {
    return this.cluster.collectCoverage!(services, dir, ctx);
  }

  /** The collect:coverage and summarize:coverage tasks of a run, then coverage/summary.json as they wrote it. */
  async collectCoverageSummary(ctx: Ctx): Promise<CoverageSummaryFile> {
    const run = {
      stack: this.options.stack,
      runId: this.options.run.runId,
      runDir: this.runDir,
      started: this.started,
    } as RunContext;
    for (const definition of [collectCoverageTask, summarizeCoverageTask]) {
      const task = { id: definition.kind, kind: definition.kind } as PlanTask;
      await definition.run(task, { task, signal: ctx.signal, attempt: 1, log: ctx.log }, run);
    }
    const summary = readCoverageSummary(this.runDir);
    if (!summary) throw new Error("summarize:coverage wrote no coverage/summary.json");
    return summary;
  }

  delete(ctx: Ctx, outcome: { failed: boolean }): Promise<void> {
    return this.environment.delete(ctx, outcome);
  }
}

function references(images: Map<string, BuiltImage>): Map<string, string> {
  return new Map([...images].map(([name, image]) => [name, image.tag]));
}
