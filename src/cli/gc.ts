import type { Command } from "commander";
import { detectDockerCli, requireEngine } from "../exec/docker-cli.js";
import { collectGarbage, findRuns } from "../providers/docker/garbage.js";

export function registerGc(program: Command): void {
  program
    .command("gc")
    .description("remove containers, volumes and networks of runs that are no longer alive (crashed, killed); environments left up on purpose stay")
    .option("--all", "also remove environments left up on purpose (paddock up, --keep)")
    .option("--dry-run", "list what would be removed")
    .action(async (options: { all?: boolean; dryRun?: boolean }) => {
      const cli = await detectDockerCli();
      await requireEngine(cli);
      const removed = await collectGarbage(cli, { all: options.all ?? false, dryRun: options.dryRun ?? false });
      const verb = options.dryRun ? "would remove" : "removed";
      for (const run of removed) {
        process.stdout.write(`${verb} ${run.runId} (${run.containers} containers, ${run.volumes} volumes, ${run.networks} networks; ${run.reason})\n`);
      }
      const kept = (await findRuns(cli)).filter((r) => r.alive && !removed.some((d) => d.runId === r.runId));
      for (const run of kept) process.stdout.write(`kept ${run.runId}: ${run.reason}\n`);
      if (removed.length === 0) process.stdout.write("nothing to remove\n");
    });
}
