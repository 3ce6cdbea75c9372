import path from "node:path";
import type { Command } from "commander";
import { paddockDir } from "../util/paddock-dir.js";
import type { RunStackOutcome } from "../run/run-stack.js";
import { loadStackFor } from "./common.js";
import { addRunOptions, runWithProgress, type RunCommandOptions } from "./run-command.js";

/** Endpoints of an environment left running, and how to use and remove it. */
export function printEnvironment(outcome: RunStackOutcome, stackDir: string): void {
  process.stdout.write(`\nEnvironment ${outcome.environmentId} is up:\n`);
  for (const e of outcome.endpoints) process.stdout.write(`  ${e.service.padEnd(16)} ${e.url}\n`);
  process.stdout.write(
    `\nsource ${path.relative(process.cwd(), path.join(paddockDir(stackDir), "env")) || ".paddock/env"} for the variables; \`paddock down\` removes it.\n`,
  );
}

export function registerUp(program: Command): void {
  addRunOptions(
    program
      .command("up")
      .description(
        "build images, create the environment and deploy every service and job; prints the endpoints and leaves it running. Run again, it updates that environment in place: only what changed is rebuilt, replaced or run again",
      )
      .option("--fresh", "remove the stack's running environment and start a new one, instead of updating it in place"),
  )
    .addHelpText(
      "after",
      "\nAfterwards: `source .paddock/env` gives your shell PADDOCK_<SERVICE>_URL etc.; `paddock down` removes it.\n\nThe edit loop: edit a service's source, run `paddock up` again: its image is rebuilt and only its container\nreplaced; the others (PostgreSQL and its rows included) are left alone. docs/update-in-place.md explains the rules.",
    )
    .action(async (options: RunCommandOptions, command: Command) => {
      const stack = loadStackFor(command);
      const outcome = await runWithProgress(stack, "up", options);
      if (outcome.result.state !== "succeeded") {
        process.exitCode = outcome.result.state === "cancelled" ? 130 : 1;
        return;
      }
      printEnvironment(outcome, stack.dir);
    });
}
