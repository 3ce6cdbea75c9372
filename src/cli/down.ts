import type { Command } from "commander";
import type { Stack } from "../config/stack.js";
import { PaddockError } from "../errors.js";
import { providerEntry } from "../providers/registry.js";
import { listEnvironments, recordStatus } from "../run/environment-state.js";
import { downEnvironment } from "../run/teardown.js";
import { loadStackFor } from "./common.js";

export function registerDown(program: Command): void {
  program
    .command("down")
    .description("remove the environment `paddock up` left running (the newest, or --run ID, or --all)")
    .option("--run <id>", "a specific run id (see `paddock status`)")
    .option("--all", "every environment of this stack, also those only the engine knows (found by their labels)")
    .action(async (options: { run?: string; all?: boolean }, command: Command) => {
      const stack = loadStackFor(command);
      const listed = listEnvironments(stack.dir);
      const running = listed.environments.filter((e) => recordStatus(e) === "running");
      for (const e of running)
        process.stderr.write(
          `run ${e.runId} is still in progress (pid ${e.pid ?? "?"}${e.host ? ` on ${e.host}` : ""}): left alone; Ctrl-C in its terminal stops and removes it\n`,
        );
      const environments = listed.environments.filter((e) => !running.includes(e));
      const unreadable = listed.unreadable;
      for (const bad of unreadable)
        process.stderr.write(
          `warning: skipped ${bad.file}: ${bad.problem} (remove the file if no environment belongs to it)\n`,
        );
      const chosen = options.all
        ? environments
        : options.run
          ? environments.filter((e) => e.runId === options.run)
          : environments.slice(-1);
      for (const state of chosen) {
        await downEnvironment(stack, state);
        process.stdout.write(`removed ${state.runId}\n`);
      }
      const others = environments.filter((e) => !chosen.includes(e));
      if (!options.all && others.length > 0)
        process.stdout.write(
          `still up: ${others.map((e) => e.runId).join(", ")} (\`paddock down --all\` removes every one)\n`,
        );
      let removed = chosen.length;
      if (options.all) removed += await removeUnrecorded(stack, new Set(listed.environments.map((e) => e.runId)));
      if (removed === 0) {
        if (options.run)
          throw new PaddockError(`no environment with run id ${options.run}`, {
            hint: "`paddock status` lists them; `paddock gc` removes leftovers of crashed runs",
          });
        process.stdout.write("no environment is up for this stack\n");
      }
    });
}

/** Environments of the stack that the engine (or cluster) knows by their labels but no record names. */
async function removeUnrecorded(stack: Stack, recorded: ReadonlySet<string>): Promise<number> {
  const entry = providerEntry(stack.environment.provider);
  const found = await entry.garbage.find(undefined, { stack });
  if (!Array.isArray(found)) return 0;
  let removed = 0;
  // Runs in progress are alive without being kept: they are not ours to remove.
  for (const leftover of found.filter(
    (l) => l.stack === stack.name && !recorded.has(l.run ?? l.id) && (l.kept || !l.alive),
  )) {
    await entry.garbage.remove(leftover, undefined, { stack });
    process.stdout.write(`removed ${leftover.name} (found by its labels; no record named it)\n`);
    removed++;
  }
  return removed;
}
