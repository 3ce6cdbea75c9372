import type { Command } from "commander";
import { loadStackFor } from "./common.js";
import { printEnvironment } from "./up.js";
import { addRunOptions, runWithProgress, type RunCommandOptions } from "./run-command.js";

export function registerTest(program: Command): void {
  addRunOptions(
    program
      .command("test [command...]")
      .description("up, run the test command against the environment (PADDOCK_<SERVICE>_URL etc. set), then down; exits with the command's code"),
  )
    .addHelpText("after", "\nExamples:\n  paddock test                 runs test.command from the stack file\n  paddock test -- npm test     runs `npm test` instead\n  paddock test --keep -- go test ./e2e/...   keeps the environment for a look afterwards")
    .action(async (command: string[], options: RunCommandOptions, cmd: Command) => {
      const stack = loadStackFor(cmd);
      const outcome = await runWithProgress(stack, "test", options, command.length > 0 ? command : undefined);
      if (options.keep && outcome.endpoints.length > 0) printEnvironment(outcome, stack.dir);
      process.exitCode =
        outcome.testExitCode !== undefined && outcome.testExitCode !== 0
          ? outcome.testExitCode
          : outcome.result.state === "succeeded"
            ? 0
            : outcome.result.state === "cancelled"
              ? 130
              : 1;
    });
}
