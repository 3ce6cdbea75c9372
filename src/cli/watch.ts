import type { Command } from "commander";
import { CancelledError } from "../errors.js";
import { watchStack } from "../watch/watch-loop.js";
import { loadStackFor } from "./common.js";
import { lintStackPreflight } from "./lint.js";
import { providerPreflight } from "./run-command.js";

export function registerWatch(program: Command): void {
  program
    .command("watch [command...]")
    .description(
      "update the stack's environment in place and run the tests, then again after every change to its images' sources, manifests or stack file; the environment stays up",
    )
    .addHelpText(
      "after",
      [
        "",
        "Watches each image's Dockerfile and context (what its .dockerignore lets the builder see), command",
        "images' inputs, manifests, bind-mounted folders (migrations) and the stack file with its includes.",
        "A change (debounced) rebuilds what it touches and replaces only the workloads whose spec changed;",
        "then the tests run again. Ctrl-C stops watching and leaves the environment up: `paddock down` removes it.",
        "",
        "Examples:",
        "  paddock watch                 the stack's test.command after every change",
        "  paddock watch -- npm test     your command instead",
      ].join("\n"),
    )
    .action(async (words: string[], _options: unknown, command: Command) => {
      const controller = new AbortController();
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals): void => {
        signals++;
        if (signals > 1) process.exit(130);
        process.stderr.write(`\n${signal}: stopping (a run in progress is cancelled; the environment stays up)\n`);
        controller.abort(new CancelledError(`stopped by ${signal}`));
      };
      const listened: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
      for (const s of listened) process.on(s, onSignal);
      try {
        const result = await watchStack({
          loadStack: () => loadStackFor(command),
          preflight: (stack) =>
            Promise.all([lintStackPreflight(stack, { failOnError: true }), providerPreflight(stack, {})]),
          testCommand: words.length > 0 ? words : undefined,
          signal: controller.signal,
          stderr: process.stderr,
          stdout: process.stdout,
        });
        if (result.environmentId)
          process.stderr.write(
            `the environment ${result.environmentId} is still up: \`paddock down\` removes it, \`paddock watch\` or \`paddock up\` update it again\n`,
          );
        process.exitCode = result.lastPassed === false ? 1 : 0;
      } finally {
        for (const s of listened) process.off(s, onSignal);
      }
    });
}
