import type { Stack } from "../../config/stack.js";
import { PaddockError, wrap } from "../../errors.js";
import { ENGINE_DOWN, type DockerCli } from "../../exec/docker-cli.js";
import type { Environment, ProviderContext, RunIdentity, StartedEnvironment } from "../types.js";
import { ToolError } from "../../exec/tool-error.js";
import { inspectRunContainers } from "./inspect.js";
import { dockerCall, type DockerCall } from "./call.js";
import { labelArgs, networkName, volumeName } from "./labels.js";
import { DockerStartedEnvironment } from "./started.js";
import { removeRun } from "./teardown.js";

/** A run's Docker network (and named volumes), before it exists: everything it makes carries the run's labels. */
export class DockerEnvironment implements Environment {
  private readonly docker: DockerCall;

  constructor(
    private readonly cli: DockerCli,
    private readonly stack: Stack,
    private readonly run: RunIdentity,
  ) {
    this.docker = dockerCall(cli);
  }

  async create(ctx: ProviderContext): Promise<StartedEnvironment> {
    const network = networkName(this.run.runId);
    await this.docker(["network", "create", ...labelArgs(this.run), network], ctx);
    const workloads = Object.values({ ...this.stack.services, ...this.stack.jobs });
    const volumes = new Set(workloads.flatMap((w) => w.volumes.filter((v) => v.type === "volume").map((v) => v.name)));
    for (const volume of volumes)
      await this.docker(["volume", "create", ...labelArgs(this.run), volumeName(this.run.runId, volume)], ctx);
    ctx.log(`network ${network}${volumes.size ? `, volumes ${[...volumes].join(", ")}` : ""}`);
    return new DockerStartedEnvironment(this.cli, this.stack, this.run);
  }

  /** The network a previous `up` left: its containers are compared with the stack, not started blindly. */
  async attach(ctx: ProviderContext): Promise<StartedEnvironment> {
    const network = networkName(this.run.runId);
    const [found, containers] = await Promise.all([
      this.docker(["network", "inspect", "--format", "{{.Name}}", network], ctx, { allowFailure: true }),
      inspectRunContainers(this.docker, this.run.runId, ctx),
    ]);
    if (found.exitCode !== 0) {
      throw new PaddockError(`the environment ${this.run.runId} is gone (its network ${network} does not exist)`, {
        hint: "`paddock down` forgets it; `paddock up --fresh` starts a new one",
      });
    }
    ctx.log(`attached to the running environment ${this.run.runId} (network ${network}): updating it in place`);
    return new DockerStartedEnvironment(this.cli, this.stack, this.run, containers);
  }

  /** Removes every container, volume and network labelled with the run (containers' logs stay readable until then). */
  async delete(ctx: ProviderContext): Promise<void> {
    try {
      const removed = await removeRun(this.cli, this.run.runId, ctx.signal);
      ctx.log(
        `removed ${removed.containers.length} containers, ${removed.volumes.length} volumes, ${removed.networks.length} networks`,
      );
    } catch (error) {
      const engineDown = error instanceof ToolError && ENGINE_DOWN.test(error.output);
      throw wrap(
        error,
        `teardown of run ${this.run.runId} did not finish${engineDown ? ": the Docker engine does not answer" : ""}`,
        {
          hint: engineDown
            ? `once the engine answers again, \`paddock gc\` removes this run's containers, volumes and network (labelled dev.paddock.run=${this.run.runId})`
            : "run `paddock gc` to remove what is left",
        },
      );
    }
  }
}
