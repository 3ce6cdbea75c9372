import type { Command } from "commander";
import { listEnvironments } from "../run/environment-state.js";
import { loadStackFor } from "./common.js";

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("list the environments of this stack that `paddock up` left running, with their endpoints")
    .option("--json", "machine-readable output")
    .action((options: { json?: boolean }, command: Command) => {
      const stack = loadStackFor(command);
      const environments = listEnvironments(stack.dir);
      if (options.json) {
        process.stdout.write(JSON.stringify(environments, null, 2) + "\n");
        return;
      }
      if (environments.length === 0) {
        process.stdout.write(`no environment of stack "${stack.name}" is up\n`);
        return;
      }
      for (const env of environments) {
        process.stdout.write(`${env.runId}  (${env.provider}, up since ${env.createdAt})\n`);
        for (const e of env.endpoints) process.stdout.write(`  ${e.service.padEnd(16)} ${e.url}\n`);
      }
    });
}
