import type { DockerCli } from "../../exec/docker-cli.js";
import { LABELS } from "../run-labels.js";

export interface LabelledResources {
  containers: string[];
  volumes: string[];
  networks: string[];
}

/** Everything carrying a label filter such as `dev.paddock.run=<id>`. */
export async function findLabelled(cli: DockerCli, filter: string, signal?: AbortSignal): Promise<LabelledResources> {
  const list = async (args: string[]): Promise<string[]> =>
    (await cli.run(args, { signal })).stdout
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
  const [containers, volumes, networks] = await Promise.all([
    list(["ps", "--all", "--quiet", "--filter", `label=${filter}`]),
    list(["volume", "ls", "--quiet", "--filter", `label=${filter}`]),
    list(["network", "ls", "--quiet", "--filter", `label=${filter}`]),
  ]);
  return { containers, volumes, networks };
}

/** Removes a run's containers (with anonymous volumes), then its volumes, then its network. */
export async function removeRun(cli: DockerCli, runId: string, signal?: AbortSignal): Promise<LabelledResources> {
  const found = await findLabelled(cli, `${LABELS.run}=${runId}`, signal);
  if (found.containers.length > 0) await cli.run(["rm", "--force", "--volumes", ...found.containers], { signal });
  if (found.volumes.length > 0) await cli.run(["volume", "rm", "--force", ...found.volumes], { signal });
  for (const network of found.networks) await cli.run(["network", "rm", network], { signal });
  return found;
}
