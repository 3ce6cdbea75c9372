import { PaddockError } from "../errors.js";
import { runTestCommand, TestsFailedError } from "./test-command.js";
import { testEnvironment } from "./test-env.js";
import type { TaskKindDefinition } from "./types.js";

/** The user's test command, with PADDOCK_<SERVICE>_URL and friends; its exit code becomes the run's. */
export const testTask: TaskKindDefinition = {
  kind: "test",
  phase: "test",
  resource: undefined,
  defaultSeconds: { docker: 30, kind: 60, cluster: 60 },
  timeoutSeconds: (stack) => stack.test?.timeoutSeconds ?? 3600,
  async run(_task, ctx, run) {
    const { stack } = run;
    const command = run.test.command;
    if (!command)
      throw new PaddockError("no test command", {
        hint: "give one after --: paddock test -- npm test, or set test.command in the stack file",
      });
    try {
      await runTestCommand({
        command,
        cwd: stack.test?.cwd ?? process.cwd(),
        env: { ...process.env, ...stack.test?.env, ...testEnvironment(run.started) } as Record<string, string>,
        logFile: run.logs.fileFor("test"),
        signal: ctx.signal,
        stdout: run.test.stdout,
        stderr: run.test.stderr,
        redact: run.test.redact,
      });
      run.test.exitCode = 0;
    } catch (error) {
      if (error instanceof TestsFailedError) run.test.exitCode = error.exitCode;
      throw error;
    }
  },
};
