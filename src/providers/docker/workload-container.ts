import type { Stack, WorkloadSpec } from "../../config/stack.js";
import { coverageEnv, coverageKindOf } from "../../coverage/runtime.js";
import { outputBlock, PaddockError } from "../../errors.js";
import { ReadinessError } from "../../readiness/wait.js";
import type { ProviderContext, RunIdentity } from "../types.js";
import type { DockerCall } from "./call.js";
import { containerRunArgs } from "./container-args.js";
import { dockerCoverageDir, needsPreparedCoverageDir, prepareCoverageDir } from "./coverage.js";
import { exitCodeOf, lastLogsOf } from "./inspect.js";
import { containerName } from "./labels.js";

/** Starts a workload's container, labelled with its spec hash; a coverage service with its runtime's variable pointing at a folder its user can write. */
export async function startWorkloadContainer(
  docker: DockerCall,
  stack: Stack,
  run: RunIdentity,
  what: { workload: WorkloadSpec; image: string; specHash: string },
  ctx: ProviderContext,
): Promise<string> {
  const { workload, image, specHash } = what;
  const name = containerName(run.runId, workload.name);
  const coverage = workload.kind === "service" ? coverageKindOf(stack, workload.name) : undefined;
  if (!coverage) {
    const { args, env } = containerRunArgs(run, workload, image, {}, { specHash });
    await docker(args, ctx, { env });
    return name;
  }
  const dir = dockerCoverageDir(coverage);
  const prepare = needsPreparedCoverageDir(coverage);
  const { args, env } = containerRunArgs(run, workload, image, coverageEnv(coverage, dir), {
    create: prepare,
    specHash,
  });
  await docker(args, ctx, { env });
  if (prepare) {
    // GOCOVERDIR must exist and be writable for the service's user: make it, then start.
    await prepareCoverageDir(docker, name, ctx);
    await docker(["start", name], ctx);
  }
  ctx.log(`${coverage} coverage → ${dir} in the container`);
  return name;
}

/** A port that is not published: usually a container that exited at once (then its exit code and output say why). */
export async function notPublished(
  docker: DockerCall,
  workload: WorkloadSpec,
  name: string,
  port: number,
  ctx: ProviderContext,
): Promise<PaddockError> {
  const exit = await exitCodeOf(docker, name, ctx);
  if (exit !== undefined) {
    return new ReadinessError(
      `service "${workload.name}" exited with code ${exit} right after it started${outputBlock("last log lines", await lastLogsOf(docker, name))}`,
      {
        hint: "look at its output above; fix the command or configuration",
      },
    );
  }
  return new PaddockError(`service "${workload.name}": port ${port} was not published`, {
    hint: `check \`docker port ${name}\``,
  });
}
