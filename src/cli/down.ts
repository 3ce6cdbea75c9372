import type { Command } from "commander";
import { PaddockError } from "../errors.js";
import { listEnvironments } from "../run/environment-state.js";
import { downEnvironment } from "../run/teardown.js";
import { loadStackFor } from "./common.js";

export function registerDown(program: Command): void {
  program
    .command("down")
    .description("remove the environment `paddock up` left running (the newest, or --run ID, or --all)")
    .option("--run <id>", "a specific run id (see `paddock status`)")
    .option("--all", "every environment of this stack")
    .action(async (options: { run?: string; all?: boolean }, command: Command) => {
      const stack = loadStackFor(command);
      const environments = listEnvironments(stack.dir);
      const chosen = options.all ? environments : options.run ? environments.filter((e) => e.runId === options.run) : environments.slice(-1);
      if (chosen.length === 0) {
        if (options.run) throw new PaddockError(`no environment with run id ${options.run}`, { hint: "`paddock status` lists them; `paddock gc` removes leftovers of crashed runs" });
        process.stdout.write("no environment is up for this stack\n");
        return;
      }
      for (const state of chosen) {
        await downEnvironment(stack, state);
        process.stdout.write(`removed ${state.runId}\n`);
      }
    });
}
