import type { Command } from "commander";
import { detectDockerCli, requireEngine } from "../exec/docker-cli.js";
import { oneOf } from "./common.js";
import { collectGarbage, findRuns } from "../providers/docker/garbage.js";
import { collectKindGarbage, findKindRuns } from "../providers/kind/garbage.js";

interface GcOptions {
  all?: boolean;
  dryRun?: boolean;
  only?: "docker" | "kind";
}

async function dockerSweep(options: GcOptions, write: (line: string) => void): Promise<void> {
  const cli = await detectDockerCli().catch(() => undefined);
  if (!cli || !(await requireEngine(cli).then(() => true, () => false))) {
    write("docker: no engine answers; nothing to look at");
    return;
  }
  const verb = options.dryRun ? "would remove" : "removed";
  const removed = await collectGarbage(cli, { all: options.all ?? false, dryRun: options.dryRun ?? false });
  for (const run of removed) write(`${verb} ${run.runId} (${run.containers} containers, ${run.volumes} volumes, ${run.networks} networks; ${run.reason})`);
  for (const run of (await findRuns(cli)).filter((r) => r.alive && !removed.some((d) => d.runId === r.runId))) write(`kept ${run.runId}: ${run.reason}`);
}

async function kindSweep(options: GcOptions, write: (line: string) => void): Promise<void> {
  const verb = options.dryRun ? "would delete" : "deleted";
  const removed = await collectKindGarbage({ all: options.all ?? false, dryRun: options.dryRun ?? false });
  for (const c of removed) write(`${verb} kind cluster ${c.cluster}${c.runId ? ` (run ${c.runId})` : ""}: ${c.reason}`);
  for (const c of (await findKindRuns()).filter((k) => k.alive && !removed.some((d) => d.cluster === k.cluster))) write(`kept kind cluster ${c.cluster}: ${c.reason}`);
}

export function registerGc(program: Command): void {
  program
    .command("gc")
    .description("remove what runs that are no longer alive left behind (labelled containers, volumes, networks; pdk-* kind clusters); environments left up on purpose stay")
    .option("--all", "also remove environments left up on purpose (paddock up, --keep)")
    .option("--dry-run", "list what would be removed")
    .option("--only <provider>", "look only at docker resources or only at kind clusters", oneOf("--only", ["docker", "kind"] as const))
    .action(async (options: GcOptions) => {
      const lines: string[] = [];
      const write = (line: string): void => {
        lines.push(line);
        process.stdout.write(line + "\n");
      };
      if (options.only !== "kind") await dockerSweep(options, write);
      if (options.only !== "docker") await kindSweep(options, write);
      if (!lines.some((l) => /^(removed|would|deleted)/.test(l))) process.stdout.write("nothing to remove\n");
    });
}
