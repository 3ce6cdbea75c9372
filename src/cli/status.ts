import type { Command } from "commander";
import { listEnvironments, recordStatus } from "../run/environment-state.js";
import { loadStackFor } from "./common.js";

const STATUS_TEXT = {
  up: "up since",
  running: "a run in progress, started",
  crashed: "left by a run that died, started",
} as const;

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description(
      "list the environments of this stack that `paddock up` left running (and runs in progress or crashed), with their endpoints",
    )
    .option("--json", "machine-readable output")
    .action((options: { json?: boolean }, command: Command) => {
      const stack = loadStackFor(command);
      const { environments, unreadable } = listEnvironments(stack.dir);
      for (const bad of unreadable) process.stderr.write(`warning: skipped ${bad.file}: ${bad.problem}\n`);
      if (options.json) {
        process.stdout.write(
          JSON.stringify(
            environments.map((e) => ({ ...e, status: recordStatus(e) })),
            null,
            2,
          ) + "\n",
        );
        return;
      }
      if (environments.length === 0) {
        process.stdout.write(`no environment of stack "${stack.name}" is up\n`);
        return;
      }
      for (const env of environments) {
        const status = recordStatus(env);
        process.stdout.write(
          `${env.runId}  (${env.provider}, ${STATUS_TEXT[status]} ${env.createdAt}${env.updatedAt ? `, updated in place ${env.updatedAt}` : ""})${status === "crashed" ? `: \`paddock down --run ${env.runId}\` removes what it left` : ""}\n`,
        );
        for (const e of env.endpoints) process.stdout.write(`  ${e.service.padEnd(16)} ${e.url}\n`);
      }
    });
}
