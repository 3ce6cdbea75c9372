import type { Command } from "commander";
import { loadStackFor } from "./common.js";
import { printEnvironment } from "./up.js";
import { addRunOptions, runWithProgress } from "./run-command.js";
import { findWorkspaceFile, loadWorkspace, selectStacks } from "../workspace/load.js";
import { runWorkspaceTests, type WorkspaceTestOptions } from "./workspace-test.js";

/**
 * `paddock test [STACK...] [-- CMD]`: the words before `--` name stacks of the workspace, the
 * words after it are the command. Without `--`, words that all name stacks of the workspace are
 * stacks; anything else is the command (as `paddock test npm test` always was).
 */
function splitArguments(words: string[]): { stacks: string[]; command: string[] } {
  const separator = process.argv.indexOf("--");
  if (separator === -1) return namesStacks(words) ? { stacks: words, command: [] } : { stacks: [], command: words };
  const after = process.argv.length - separator - 1;
  return { stacks: words.slice(0, words.length - after), command: words.slice(words.length - after) };
}

function namesStacks(words: string[]): boolean {
  const file = words.length > 0 ? findWorkspaceFile(process.cwd()) : undefined;
  if (!file) return false;
  try {
    selectStacks(loadWorkspace(file), words, process.cwd());
    return true;
  } catch {
    return false;
  }
}

export function registerTest(program: Command): void {
  addRunOptions(
    program
      .command("test [args...]")
      .description(
        "up, run the test command against the environment (PADDOCK_<SERVICE>_URL etc. set), then down; exits with the command's code",
      )
      .option(
        "--all",
        "every stack of the workspace (paddock.workspace.yaml) as one graph: shared builds, an environment each",
      )
      .option(
        "--reuse",
        "test against the stack's running environment (made if there is none, updated in place if it drifted) and leave it up; no coverage is collected",
      )
      .option(
        "--fail-fast",
        "in a workspace run: stop every stack at the first failure (default: a failing stack fails alone)",
      ),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  paddock test                 runs test.command from the stack file\n  paddock test -- npm test     runs `npm test` instead\n  paddock test --keep -- go test ./e2e/...   keeps the environment for a look afterwards\n  paddock test --reuse         again and again: one environment, only what changed is redeployed\n  paddock test --all           every stack of the workspace, each with its own tests\n  paddock test gateway processor   two stacks of the workspace (names or paths)",
    )
    .action(async (words: string[], options: WorkspaceTestOptions, cmd: Command) => {
      const { stacks, command } = splitArguments(words);
      if (options.all || stacks.length > 0) {
        const { exitCode } = await runWorkspaceTests(stacks, options, command.length > 0 ? command : undefined);
        process.exitCode = exitCode;
        return;
      }
      const stack = loadStackFor(cmd);
      const outcome = await runWithProgress(stack, "test", options, command.length > 0 ? command : undefined);
      if ((options.keep || options.reuse) && outcome.endpoints.length > 0) printEnvironment(outcome, stack.dir);
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
